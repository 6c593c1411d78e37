from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tribune.accounts"
    label = "accounts"
    verbose_name = "Moderator accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the audit receivers
