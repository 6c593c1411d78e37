"""A logging filter that keeps readers' identities out of every log line.

Django logs the path of a refused request ("Not Found: /…"), the server logs
its peers, and a path or an exception may carry whatever a client put there: an
address, an e-mail. Every record handled by Tribune's console handler and by
``tribune serve``'s server logs passes through :class:`RedactPersonalData`,
which masks IP and e-mail addresses in the message and in any traceback.

A stranger chooses that text, so the filter's cost must not grow faster than
the text (a 50 kB path once held a worker for 11 s, in patterns that tried
every start against every end): each pattern below starts only where a
candidate can begin (a lookbehind) and never backtracks over what it has
consumed, so a scan is linear in the input; and no more of a message or a
traceback than a person reads is logged (:data:`ARG_MAX`, :data:`MESSAGE_MAX`,
:data:`TRACEBACK_MAX`), with a marker where text was cut.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from functools import lru_cache

MASK = "[address]"
EMAIL_MASK = "[e-mail]"
# A string argument (a request's path) is logged up to this many characters, the
# whole message up to MESSAGE_MAX, a traceback's head and tail up to TRACEBACK_MAX.
ARG_MAX = 300
MESSAGE_MAX = 2000
TRACEBACK_MAX = 16000
CUT = "…[{n} characters cut]"

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# A dotted quad whose four numbers are 0–255 ("2.8.9" and "12:30:45" survive).
_IPV4 = re.compile(rf"(?<![\d.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\d)")
# A whole run of address characters holding two colons or more, taken from its
# first character only and without backtracking; checked with ipaddress before it
# is masked, so "12:30:45" survives and "[2001:db8::1]:443", "ip=::1:" do not.
_IPV6_RUN = re.compile(r"(?<![0-9A-Fa-f:.])[0-9A-Fa-f.]*+:[0-9A-Fa-f.]*+:[0-9A-Fa-f:.]*+")
# The longest textual IPv6 address (with an IPv4 tail) is 45 characters.
_IPV6_LONGEST = 48
# The local part starts after a separator (never in the middle of a run) and is
# taken without backtracking; the domain ends in a dot and two letters or more.
_SEPARATORS = "\\s@/?&=<>\"':;,"
_EMAIL = re.compile(
    rf"(?<![^{_SEPARATORS}])[^{_SEPARATORS}]++@[A-Za-z0-9.-]+\.[A-Za-z]{{2,}}"
)
# An e-mail's local part has at most 64 characters, an IPv6 address 45.
_ADDRESS_LONGEST = 64
_SEPARATOR_CHARS = frozenset(" \t\n\r\f\v/?&=<>\"';,")


@lru_cache(maxsize=1024)
def _address_prefix(token: str) -> int:
    """The length of the IP address ``token`` is, possibly followed by ``:`` or
    ``.`` ("ip=::1: error"); 0 if it is none."""
    if len(token) > _IPV6_LONGEST:
        return 0
    for candidate in dict.fromkeys((token, token.rstrip(":."))):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return len(candidate)
    return 0


def _mask_ipv6(match: re.Match) -> str:
    token = match.group(0)
    length = _address_prefix(token)
    return MASK + token[length:] if length else token


def mask_addresses(text: str) -> str:
    """``text`` with every IPv4 and IPv6 address replaced by ``[address]``
    (linear in the length of ``text``)."""
    if text.count(".") >= 3:
        text = _IPV4.sub(MASK, text)
    if text.count(":") >= 2:
        text = _IPV6_RUN.sub(_mask_ipv6, text)
    return text


def redact(text: str) -> str:
    """``text`` with IP and e-mail addresses masked (linear in its length)."""
    text = mask_addresses(text)
    return _EMAIL.sub(EMAIL_MASK, text) if "@" in text else text


def _back_to_separator(text: str) -> str:
    """``text`` without its last run of characters that may belong to an address
    or an e-mail, so that a cut never leaves a part of one behind ("203.0.11",
    "reader@exam"); no address is longer than :data:`_ADDRESS_LONGEST`."""
    end = len(text)
    floor = max(0, end - _ADDRESS_LONGEST)
    while end > floor and text[end - 1] not in _SEPARATOR_CHARS:
        end -= 1
    return text[:end]


def truncate(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, with a marker saying how many
    were cut; a cut never splits an address."""
    if len(text) <= limit:
        return text
    head = _back_to_separator(text[:limit])
    return head + CUT.format(n=len(text) - len(head))


def _truncate_traceback(text: str) -> str:
    """A traceback's first and last lines (where the error is named), at most
    :data:`TRACEBACK_MAX` characters in all."""
    if len(text) <= TRACEBACK_MAX:
        return text
    head = _back_to_separator(text[: TRACEBACK_MAX // 4])
    tail = text[-(TRACEBACK_MAX - TRACEBACK_MAX // 4):]
    start = 0
    while start < min(len(tail), _ADDRESS_LONGEST) and tail[start] not in _SEPARATOR_CHARS:
        start += 1
    tail = tail[start:]
    return head + CUT.format(n=len(text) - len(head) - len(tail)) + tail


def _short_args(args):
    if isinstance(args, dict):
        return {k: truncate(v, ARG_MAX) if isinstance(v, str) else v for k, v in args.items()}
    return tuple(truncate(a, ARG_MAX) if isinstance(a, str) else a for a in args)


class RedactPersonalData(logging.Filter):
    """Masks addresses and e-mails in a record, and cuts what is too long to read.

    ``keep`` names whole messages written as they are: the server's own
    announcement of its listening address (``Listening at: http://…``), which no
    client can write and an operator needs to see.
    """

    def __init__(self, name: str = "", keep: tuple[str, ...] | list[str] = ()) -> None:
        super().__init__(name)
        self.keep = frozenset(keep)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = _short_args(record.args)
        message = record.getMessage()
        if message in self.keep and not (record.exc_info or record.exc_text):
            return True
        masked = redact(truncate(message, MESSAGE_MAX))
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(_truncate_traceback(record.exc_text))
        return True
