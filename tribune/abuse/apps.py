from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "tribune.abuse"
    label = "abuse"
