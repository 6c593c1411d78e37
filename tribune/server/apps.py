from django.apps import AppConfig


class ServerConfig(AppConfig):
    """``tribune serve``: the top surface that starts every process (web workers
    and their companions), so it may import any layer; ``core`` stays the ground
    floor (docs/architecture.md)."""

    name = "tribune.server"
    label = "server"
