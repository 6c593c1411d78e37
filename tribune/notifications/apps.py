from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tribune.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Moderation sits below notifications: it announces each decision with a
        # signal, and webhooks and e-mail hear it here (dependency inversion).
        from tribune.moderation.signals import comment_decided

        from .events import decision_heard

        comment_decided.connect(decision_heard, dispatch_uid="notifications.decision")
