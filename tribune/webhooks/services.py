"""Webhooks: telling the publisher's systems about comment events.

:func:`webhooks_emit` is called inside the transaction that changed a comment;
it writes one :class:`Delivery` per subscribed webhook (the outbox) and asks
for them to be sent once that transaction commits. :func:`deliveries_send_due`
sends what is due, signs each request (see :mod:`.signing`), logs every
attempt and schedules retries with exponential backoff.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.core.errors import InvalidInput, NotFound
from tribune.core.outbox import kick
from tribune.publishing.store import CONFIG, store
from tribune.sites.models import Site

from .models import Attempt, Delivery, DeliveryStatus, Event, Webhook
from .signing import HEADER, signature_header

USER_AGENT = "Tribune-Webhooks/1"
ERROR_MAX = 300
# The short names the moderation service and the command line use.
_EVENT_VALUES = frozenset(Event.values)
_EVENT_NAMES = {
    "submitted": Event.SUBMITTED, "submit": Event.SUBMITTED,
    "approved": Event.APPROVED, "approve": Event.APPROVED,
    "rejected": Event.REJECTED, "reject": Event.REJECTED,
    "edited": Event.EDITED, "edit": Event.EDITED,
}


def retry_base_seconds() -> float:
    return float(settings.TRIBUNE_WEBHOOK_RETRY_BASE)


def max_attempts() -> int:
    return int(settings.TRIBUNE_WEBHOOK_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed try: base × 2^(attempts−1), at most 6 hours."""
    seconds = retry_base_seconds() * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, 6 * 3600))


def event_parse(value: object) -> str:
    """An event as stored (``comment.approved``) from a short or full name."""
    text = str(value or "").strip().lower()
    if text in _EVENT_VALUES:
        return text
    if text in _EVENT_NAMES:
        return _EVENT_NAMES[text].value
    raise InvalidInput(
        _("Unknown event %(event)s; choose from submitted, approved, rejected, edited.")
        % {"event": text},
        field="event",
    )


def _url_clean(url: object) -> str:
    text = str(url or "").strip()
    parts = urlsplit(text)
    if (parts.scheme not in ("http", "https") or not parts.hostname
            or parts.username or parts.password or len(text) > 500
            or any(ord(c) < 33 for c in text)):
        raise InvalidInput(
            _("A webhook URL is an http:// or https:// address without user name or "
              "password, at most 500 characters."),
            field="url",
        )
    return text


def webhook_add(*, site: Site, url: object, events: list[str] | None = None,
                secret: str | None = None) -> Webhook:
    """Subscribe ``url`` to the site's events (all four by default). The
    returned webhook's ``secret`` (generated unless given) is the receiver's key
    for checking signatures."""
    chosen = sorted({event_parse(e) for e in events}) if events else list(Event.values)
    if secret is not None and not 16 <= len(secret) <= 128:
        raise InvalidInput(_("A webhook secret is 16–128 characters."), field="secret")
    return Webhook.objects.create(
        site=site, url=_url_clean(url), events=",".join(chosen),
        secret=secret or "whsec_" + secrets.token_urlsafe(32),
    )


def webhook_remove(*, webhook_id: int) -> None:
    deleted, _rows = Webhook.objects.filter(pk=webhook_id).delete()
    if not deleted:
        raise NotFound(_("There is no webhook %(id)s.") % {"id": webhook_id})


def _payload(*, key: str, event: str, comment: Comment, now: datetime) -> str:
    thread = comment.thread
    return json.dumps({
        "id": key,
        "event": event,
        "created": now.isoformat(),
        "site": {"id": thread.site_id},
        "thread": {"url": thread.url, "title": thread.title, "desk": thread.desk.code},
        "comment": {
            "id": comment.pk,
            "parent": comment.parent_id,
            "author": comment.author,
            "body": comment.body,
            "published_body": comment.published_body if comment.status == "approved" else None,
            "edited": comment.is_edited,
            "status": comment.status,
            "clause": comment.decision_clause,
            "submitted": comment.submitted_at.isoformat(),
            "decided": comment.decided_at.isoformat() if comment.decided_at else None,
        },
    }, ensure_ascii=False, separators=(",", ":"))


def _site_webhooks(site_id: int) -> list[tuple[int, tuple[str, ...]]]:
    """``(id, events)`` of the site's active webhooks, kept in the process until a
    webhook changes (stamp ``CONFIG``): every submission asks."""
    return store().remembered(CONFIG, ("webhooks", site_id), lambda: [
        (hook.pk, tuple(hook.event_list))
        for hook in Webhook.objects.filter(site_id=site_id, is_active=True)
    ])


def webhooks_subscribed(*, site_id: int, event: str) -> bool:
    """Whether an active webhook of the site takes ``event`` (from memory)."""
    return any(event in events for _id, events in _site_webhooks(site_id))


def webhooks_emit(*, event: str, comment: Comment) -> int:
    """Queue ``event`` about ``comment`` for every active webhook of its site that
    subscribed to it. Call inside the transaction that made the change: the
    deliveries commit with it (or not at all) and are sent after the commit,
    never while the caller waits. Returns the number queued."""
    name = event_parse(event)
    hook_ids = [hook_id for hook_id, events in _site_webhooks(comment.thread.site_id)
                if name in events]
    if not hook_ids:
        return 0
    now = timezone.now()
    rows = []
    for hook_id in hook_ids:
        key = uuid.uuid4().hex
        rows.append(Delivery(
            webhook_id=hook_id, key=key, event=name, created_at=now, next_attempt_at=now,
            payload=_payload(key=key, event=name, comment=comment, now=now),
        ))
    Delivery.objects.bulk_create(rows)
    transaction.on_commit(kick)
    return len(rows)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: Tribune posts only to the
    address the operator configured."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxy from the environment either: the request goes to the configured host.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def _post(*, webhook: Webhook, delivery: Delivery) -> tuple[int | None, str]:
    body = delivery.payload.encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked in _url_clean
        webhook.url, data=body, method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Tribune-Event": delivery.event,
            "Tribune-Delivery": delivery.key,
            HEADER: signature_header(secret=webhook.secret, body=body,
                                     timestamp=int(time.time())),
        },
    )
    timeout = float(settings.TRIBUNE_WEBHOOK_TIMEOUT)
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        return None, (str(getattr(error, "reason", "") or error) or type(error).__name__)


def _claim(*, now: datetime, limit: int) -> list[Delivery]:
    lease = timedelta(seconds=float(settings.TRIBUNE_WEBHOOK_TIMEOUT) + 60)
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
                    webhook__is_active=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(claimed_until=now + lease)
    return list(Delivery.objects.select_related("webhook").filter(pk__in=ids).order_by("id"))


def _record(*, delivery: Delivery, now: datetime, code: int | None, error: str,
            duration_ms: int) -> None:
    number = delivery.attempts + 1
    ok = code is not None and 200 <= code < 300
    if ok:
        status, next_at = DeliveryStatus.DELIVERED, delivery.next_attempt_at
    elif number >= max_attempts():
        status, next_at = DeliveryStatus.FAILED, delivery.next_attempt_at
    else:
        status, next_at = DeliveryStatus.PENDING, now + retry_delay(number)
    if not ok and not error:
        error = f"HTTP {code}"
    with transaction.atomic():
        Attempt.objects.create(delivery=delivery, number=number, attempted_at=now,
                               status_code=code, error=error[:ERROR_MAX],
                               duration_ms=duration_ms)
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=number, status=status, next_attempt_at=next_at, claimed_until=None,
            last_status_code=code, last_error=error[:ERROR_MAX],
            delivered_at=now if ok else None,
        )


def deliveries_send_due(*, now: datetime | None = None, limit: int = 50) -> float | None:
    """Send every delivery due at ``now`` (default: the current time), one try
    each. Returns the seconds until the next pending delivery falls due (0 if
    one already is), or None when none is pending."""
    clock = now or timezone.now()
    while batch := _claim(now=clock, limit=limit):
        for delivery in batch:
            started = time.monotonic()
            code, error = _post(webhook=delivery.webhook, delivery=delivery)
            _record(delivery=delivery, now=now or timezone.now(), code=code, error=error,
                    duration_ms=int((time.monotonic() - started) * 1000))
        if now is None:
            clock = timezone.now()
    # Rows another sender holds are that sender's to finish.
    nxt = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, webhook__is_active=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=clock))
        .aggregate(at=Min("next_attempt_at"))["at"]
    )
    if nxt is None:
        return None
    return max(0.0, (nxt - (now or timezone.now())).total_seconds())
