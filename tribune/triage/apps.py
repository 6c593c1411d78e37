from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tribune.triage"
    label = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from .selectors import queue_order_register

        queue_order_register()
