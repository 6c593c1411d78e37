"""The pseudonymous commenter: a random token kept in a signed cookie."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from .models import Commenter

_SALT = "tribune.commenter"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The embedded widget keeps the signed value where third-party cookies are
# blocked and sends it back in this header (see tribune.embed).
COMMENTER_HEADER = "X-Tribune-Commenter"


def _signer() -> signing.Signer:
    return signing.get_cookie_signer(salt=settings.TRIBUNE_COMMENTER_COOKIE + _SALT)


def commenter_token_signed(token: str) -> str:
    """The signed value of a token, as the cookie and the header carry it."""
    return _signer().sign(token)


def commenter_token(request: HttpRequest) -> str | None:
    """The reader's token from the ``X-Tribune-Commenter`` header or else their
    signed cookie, or None (absent or tampered)."""
    header = request.headers.get(COMMENTER_HEADER, "")
    if header and len(header) <= 200:
        try:
            return _signer().unsign(header, max_age=settings.TRIBUNE_COMMENTER_COOKIE_AGE)
        except signing.BadSignature:
            pass
    return request.get_signed_cookie(
        settings.TRIBUNE_COMMENTER_COOKIE, default=None, salt=_SALT
    )


def commenter_from_request(request: HttpRequest) -> Commenter | None:
    token = commenter_token(request)
    if not token:
        return None
    return Commenter.objects.filter(token_hash=token_hash(token)).first()


def commenter_token_for_submission(request: HttpRequest) -> tuple[str, bool]:
    """The reader's token, or a fresh one (``True``) the caller must set with
    :func:`commenter_cookie_set` (signed) once the submission is accepted."""
    token = commenter_token(request)
    if token:
        return token, False
    return secrets.token_urlsafe(32), True


def commenter_get_or_create(token: str, *, new: bool = False) -> Commenter:
    """The commenter of ``token``, made on first use. ``new``: the token was just
    drawn (32 random bytes), so it is inserted without looking first."""
    if new:
        return Commenter.objects.create(token_hash=token_hash(token))
    commenter, _created = Commenter.objects.get_or_create(token_hash=token_hash(token))
    return commenter


def commenter_id_of(token: str) -> int | None:
    """The id of the commenter of ``token``, or None if there is none yet."""
    return Commenter.objects.filter(token_hash=token_hash(token)).values_list(
        "pk", flat=True).first()


def commenter_cookie_set(response: HttpResponse, signed: str) -> None:
    """Set the commenter cookie to ``signed`` (:func:`commenter_token_signed`, as
    ``set_signed_cookie`` would sign it: the same signer)."""
    response.set_cookie(
        settings.TRIBUNE_COMMENTER_COOKIE,
        signed,
        max_age=settings.TRIBUNE_COMMENTER_COOKIE_AGE,
        httponly=True,
        secure=settings.SECURE_COOKIES,
        samesite="Lax",
    )
