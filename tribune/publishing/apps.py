from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tribune.publishing"
    label = "publishing"
