"""Log lines never carry an address or an e-mail, whatever a client sends."""

from __future__ import annotations

import logging

from tribune.privacy.logs import RedactPersonalData, redact


def test_addresses_and_emails_are_masked():
    line = ("Not Found: /x/198.51.100.23/[2001:db8::1]:443?to=reader@example.org "
            "at 12:30:45 version 27.0.1")
    masked = redact(line)
    assert "198.51.100.23" not in masked and "2001:db8::1" not in masked
    assert "reader@example.org" not in masked
    assert "12:30:45" in masked and "27.0.1" in masked


def test_the_filter_masks_messages_and_tracebacks():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", ("/a/203.0.113.9",), None)
    try:
        raise ValueError("bad value from 203.0.113.9")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactPersonalData().filter(record)
    assert "203.0.113.9" not in record.getMessage()
    assert "203.0.113.9" not in record.exc_text
