"""A logging filter that keeps readers' identities out of every log line.

Django logs the path of a refused request ("Not Found: /…"), the server logs
its peers, and a path or an exception may carry whatever a client put there: an
address, an e-mail. Every record handled by Tribune's console handler and by
``tribune serve``'s server logs passes through :class:`RedactPersonalData`,
which masks IP and e-mail addresses in the message and in any traceback.
"""

from __future__ import annotations

import ipaddress
import logging
import re

MASK = "[address]"
# Candidates are checked with ipaddress before they are masked, so "2.8.9" or
# "12:30:45" survive and "203.0.113.9", "[2001:db8::1]:443" do not.
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d)")
_IPV6 = re.compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*")
_EMAIL = re.compile(r"[^\s@/?&=<>\"':;,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
EMAIL_MASK = "[e-mail]"


def _mask_valid(match: re.Match) -> str:
    token = match.group(0)
    # "ip=::1: error" — the address may be followed by punctuation.
    for candidate in dict.fromkeys((token, token.rstrip(":."))):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return MASK + token[len(candidate):]
    return token


def mask_addresses(text: str) -> str:
    """``text`` with every IPv4 and IPv6 address replaced by ``[address]``."""
    return _IPV6.sub(_mask_valid, _IPV4.sub(_mask_valid, text))


def redact(text: str) -> str:
    """``text`` with IP and e-mail addresses masked."""
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
