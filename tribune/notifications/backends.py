"""Tribune's default e-mail backend: Django's console backend, minus addresses.

A commenter's address must never reach the server log, and the console backend
writes whole messages to standard output, which is the log under ``tribune
serve``. This backend prints each message with its recipients replaced, so an
operator can see that notices go out (and read them) without learning who they
go to. Set ``EMAIL_HOST`` (or ``TRIBUNE_EMAIL_BACKEND``) to send real mail.
"""

from __future__ import annotations

import copy

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

REDACTED = "redacted@redacted.invalid"


class RedactingConsoleBackend(ConsoleBackend):
    def write_message(self, message):
        shown = copy.copy(message)
        shown.to = [REDACTED] if message.to else []
        shown.cc = [REDACTED] if message.cc else []
        shown.bcc = []
        shown.reply_to = []
        shown.extra_headers = {
            k: v for k, v in (message.extra_headers or {}).items()
            if k.lower() not in {"to", "cc", "bcc", "reply-to"}
        }
        super().write_message(shown)
