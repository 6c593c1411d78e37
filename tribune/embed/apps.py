from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "tribune.embed"
    label = "embed"

    def ready(self) -> None:
        from .origins import connect_signals

        connect_signals()
