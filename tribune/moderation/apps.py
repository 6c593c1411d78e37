from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "tribune.moderation"
    label = "moderation"

    def ready(self) -> None:
        # Every process keeps the bans in force under the BANS stamp; publishing,
        # below moderation, is told which rows bump it.
        from tribune.publishing.signals import stamp_on_change
        from tribune.publishing.store import BANS

        from .models import Ban, BanNetwork

        stamp_on_change(Ban, BANS)
        stamp_on_change(BanNetwork, BANS)
