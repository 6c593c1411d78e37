from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tribune.triage"
    label = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from tribune.moderation.decisions import decision_hold_register

        from .selectors import queue_order_register
        from .seniors import held_for_a_senior

        queue_order_register()
        decision_hold_register(held_for_a_senior)
