from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "tribune.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # Processes keep the webhooks under the CONFIG stamp (see publishing.signals).
        from tribune.core.outbox import outbox_register
        from tribune.publishing.signals import stamp_on_change
        from tribune.publishing.store import CONFIG

        from .models import Webhook
        from .services import deliveries_send_due

        stamp_on_change(Webhook, CONFIG)
        # The outbox's sender thread (tribune.core.outbox) sends the deliveries.
        outbox_register(deliveries_send_due)
