"""A logging filter that keeps readers' identities out of every log line.

Django logs the path of a refused request ("Not Found: /…"), and a path or an
exception may carry whatever a client put there: an address, an e-mail. Every
record handled by Tribune's console handler passes through
:class:`RedactPersonalData` first, which masks IP addresses (as ``tribune
serve`` does for gunicorn's own logs) and e-mail addresses, in the message and
in any traceback.
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[^\s@/?&=<>\"':;,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
EMAIL_MASK = "[e-mail]"


def redact(text: str) -> str:
    """``text`` with IP and e-mail addresses masked."""
    from tribune.core.management.commands.serve import mask_addresses

    return _EMAIL.sub(EMAIL_MASK, mask_addresses(text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
