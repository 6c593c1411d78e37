from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tribune.publishing"
    label = "publishing"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules load models.
        from tribune.core.memory import memory_install

        from . import checks, signals  # noqa: F401 - checks registers itself
        from .store import store

        signals.connect()
        # Sites and threads, below publishing, remember through tribune.core.memory:
        # the render store is what remembers.
        memory_install(store)
