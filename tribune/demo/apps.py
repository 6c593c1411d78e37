from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tribune.demo"
    label = "demo"
