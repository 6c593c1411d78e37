from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "tribune.sites"
    label = "sites"
