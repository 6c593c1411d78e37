"""The webhook signature, and how a receiver checks it.

Every delivery carries ``Tribune-Signature: t=<unix time>,v1=<hex>`` where
``<hex>`` is HMAC-SHA256, keyed with the webhook's secret, of the bytes
``<unix time>.<request body>``. A receiver:

1. splits the header on ``,`` and ``=`` to get ``t`` and every ``v1``;
2. computes ``hmac.new(secret, f"{t}.".encode() + body, sha256).hexdigest()``
   over the raw body, before parsing the JSON;
3. compares it with each ``v1`` in constant time (``hmac.compare_digest``);
4. refuses a ``t`` more than a few minutes away from its own clock, so that a
   recorded request cannot be replayed later;
5. may drop a delivery whose ``Tribune-Delivery`` id it has already processed
   (a retry after a lost answer sends the same id again).

:func:`signature_verify` below does exactly this and may be copied.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Tribune-Signature"
TOLERANCE_SECONDS = 300


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_verify(
    *, secret: str, body: bytes, header: str, now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """True if ``header`` signs ``body`` with ``secret`` and is recent enough."""
    timestamp, candidates = None, []
    for part in (header or "").split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature_header(secret=secret, body=body, timestamp=timestamp).split("v1=")[1]
    return any(hmac.compare_digest(expected, c) for c in candidates)
