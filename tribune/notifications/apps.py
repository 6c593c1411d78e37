from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tribune.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Moderation sits below notifications: it announces each decision with a
        # signal, and webhooks and e-mail hear it here (dependency inversion).
        from tribune.core.outbox import outbox_register
        from tribune.moderation.signals import comment_decided
        from tribune.publishing.signals import stamp_on_change
        from tribune.publishing.store import CONFIG

        from .events import decision_heard
        from .models import QueueAlert
        from .services import mails_send_due

        comment_decided.connect(decision_heard, dispatch_uid="notifications.decision")
        # Processes keep the queue alerts under the CONFIG stamp (publishing.signals).
        stamp_on_change(QueueAlert, CONFIG)
        # The outbox's sender thread (tribune.core.outbox) sends the e-mails.
        outbox_register(mails_send_due)
