from django.apps import AppConfig


class EmbedConfig(AppConfig):
    name = "tribune.embed"
    label = "embed"
