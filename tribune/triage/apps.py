from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tribune.triage"
    label = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        # Here, not at the top: models and the services using them load only once
        # the app registry is ready. Triage registers itself with moderation below it.
        from tribune.moderation.decisions import decision_hold_register

        from .selectors import queue_order_register
        from .seniors import held_for_a_senior

        queue_order_register()
        decision_hold_register(held_for_a_senior)
