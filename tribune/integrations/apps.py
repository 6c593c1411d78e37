from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "tribune.integrations"
    label = "integrations"
