from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tribune.privacy"
    label = "privacy"
