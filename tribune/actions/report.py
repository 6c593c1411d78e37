"""Reporting a published comment (a reader) and keeping it (a moderator).

A reader's report comes from the JSON API (tribune.api.reports) or the no-JS
report page (tribune.moderation.report_views); both pass the request's
rate-limit identities and keyed network hash, never the request itself or a raw
address. The rate limit is counted here, once, whichever surface is used.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from tribune.abuse.services import ratelimit_check
from tribune.comments.commenters import commenter_token, token_hash
from tribune.moderation.models import Report
from tribune.moderation.reports import report_create, reports_keep
from tribune.privacy.services import network_hash


def request_keys(request: HttpRequest, *, token: str | None = None) -> dict[str, str]:
    """The rate-limit identities of an HTTP request: its commenter token (given,
    or from the cookie or ``X-Tribune-Commenter`` header) and its network hash.
    Here, not in tribune.abuse: the network hash is privacy's, a package above."""
    token = token or commenter_token(request)
    return {"commenter": token_hash(token) if token else "", "network": network_hash(request)}


def comment_report(
    *, comment_id: object, reason: object, text: object, keys: dict[str, str],
    reporter_hash: str,
) -> Report:
    """Count the attempt against the ``report`` rate limit (``RateLimited``
    beyond it), then report the comment (see ``report_create``: reporting twice
    returns the same open report)."""
    ratelimit_check(scope="report", keys=keys)
    return report_create(comment_id=comment_id, reason=reason, text=text or "",
                         reporter_hash=reporter_hash)


def report_keep(*, comment_id: object, moderator: AbstractBaseUser) -> int:
    """Keep a reported comment published; returns how many reports were resolved."""
    return reports_keep(comment_id=comment_id, moderator=moderator)
