from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "tribune.importers"
    label = "importers"
