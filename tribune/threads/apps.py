from django.apps import AppConfig


class ThreadsConfig(AppConfig):
    name = "tribune.threads"
    label = "threads"
