"""Pages of a thread's published comments, cut from the thread's render.

The render is the whole published view (principle 1); a page is a slice of it,
so paging costs no more database work than reading the thread.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput
from tribune.core.timezones import coarse_time

PAGE_MAX = 200


def _when(value: object) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _key(comment: dict) -> tuple[dt.datetime, int]:
    return _when(comment.get("created")), int(comment.get("id") or 0)


def cursor_encode(comment: dict) -> str:
    created, ident = _key(comment)
    raw = f"{created.isoformat()}|{ident}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    error = InvalidInput(_("This cursor is not one Tribune gave."), field="cursor")
    if len(cursor) > 200:
        raise error
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created, ident = raw.split("|")
        when = dt.datetime.fromisoformat(created)
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)), int(ident)
    except (ValueError, UnicodeDecodeError):
        raise error from None


def since_parse(since: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            _("since must be a date and time in ISO 8601, e.g. 2026-11-29T08:00:00Z."),
            field="since",
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def published_page(
    *, payload: str, etag: str, limit: int | None, cursor: str | None, since: str | None
) -> tuple[str, str]:
    """A page of the render ``payload`` as ``(json_text, etag)``: comments
    published after ``since`` (if given), oldest first, at most ``limit`` of
    them, starting after ``cursor``. ``page.next`` is the cursor of the next
    page, or null on the last one."""
    if limit is not None and not 1 <= limit <= PAGE_MAX:
        raise InvalidInput(
            _("The limit must be between 1 and %(max)d.") % {"max": PAGE_MAX}, field="limit"
        )
    data = json.loads(payload)
    comments: list[dict] = data.get("comments") or []
    if since:
        # Published times are coarse (the site's day, hour or minute): a comment
        # published in the same period as ``since`` is included, so none is
        # missed; clients drop the ones they have by id.
        thread = data.get("thread") or {}
        after_time = coarse_time(since_parse(since), precision=thread.get("times", "minute"),
                                 zone=thread.get("time_zone", "UTC"))
        comments = [c for c in comments if c.get("published")
                    and _when(c["published"]) >= after_time]
    total = len(comments)
    # Stable: within one coarse period, the render's order (by exact times) stays.
    comments = sorted(comments, key=lambda c: _key(c)[0])
    if cursor:
        start = cursor_decode(cursor)
        at = next((n for n, c in enumerate(comments) if int(c.get("id") or 0) == start[1]),
                  None)
        comments = (comments[at + 1:] if at is not None
                    else [c for c in comments if _key(c) > start])
    size = limit or PAGE_MAX
    page, rest = comments[:size], comments[size:]
    data["comments"] = page
    data["page"] = {
        "limit": size,
        "total": total,
        "next": cursor_encode(page[-1]) if rest and page else None,
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    page_etag = hashlib.sha256(f"{etag}|{limit}|{cursor}|{since}".encode()).hexdigest()[:32]
    return body, page_etag
