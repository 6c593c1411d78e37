from django.apps import AppConfig


class ReliabilityConfig(AppConfig):
    """Backups and restores, and the tests that nothing accepted is lost."""

    name = "tribune.reliability"
    label = "reliability"
