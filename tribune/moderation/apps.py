from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "tribune.moderation"
    label = "moderation"

    def ready(self) -> None:
        # Every process keeps the bans and network restrictions in force under
        # the BANS stamp; publishing,
        # below moderation, is told which rows bump it.
        from tribune.comments.services import sender_bar_register
        from tribune.publishing.signals import stamp_on_change
        from tribune.publishing.store import BANS

        from .bans import SENDER_BANS
        from .models import Ban, NetworkRestriction

        stamp_on_change(Ban, BANS)
        stamp_on_change(NetworkRestriction, BANS)
        # Every submission obeys the bans and network restrictions: comments, below
        # moderation, asks what is registered (dependency inversion).
        sender_bar_register(SENDER_BANS)
