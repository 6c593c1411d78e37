from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tribune.publishing"
    label = "publishing"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401 - checks registers itself

        signals.connect()
