from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "tribune.webhooks"
    label = "webhooks"
