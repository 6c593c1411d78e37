"""What Tribune's management commands share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError

from tribune.core.errors import TribuneError


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's refusal into a one-line ``CommandError`` (exit status 1,
    the service's message, no traceback)."""
    try:
        yield
    except TribuneError as error:
        raise CommandError(error.message) from None


def when_text(value) -> str:
    """A timestamp as commands print it (UTC to the minute), or "-" for none."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"
