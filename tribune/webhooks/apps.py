from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "tribune.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # Processes keep the webhooks under the CONFIG stamp (see publishing.signals).
        from tribune.publishing.signals import stamp_on_change
        from tribune.publishing.store import CONFIG

        from .models import Webhook

        stamp_on_change(Webhook, CONFIG)
