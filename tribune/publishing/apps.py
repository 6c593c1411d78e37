from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tribune.publishing"
    label = "publishing"

    def ready(self) -> None:
        from . import signals

        signals.connect()
