"""``tribune webhooks …``: the same as ``tribune webhook …``."""

from .webhook import Command  # noqa: F401
