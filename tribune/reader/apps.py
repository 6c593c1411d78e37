from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "tribune.reader"
    label = "reader"
