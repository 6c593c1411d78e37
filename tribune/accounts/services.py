"""Moderator accounts: second factors, the account audit trail and API tokens.

Views and commands parse and call these; what a caller may rely on is in each
docstring. Nothing here sees a raw address: callers pass the keyed network hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput, PermissionDenied
from tribune.moderation.permissions import moderator_desk_ids
from tribune.sites.models import Site
from tribune.threads.models import Thread

from . import throttle
from .models import AccountEvent, EventKind, SiteSecurity, TwoFactorDevice, TwoFactorEnrolment

ISSUER = "Tribune"
STEP = 30
DIGITS = 6


# --- The audit trail ----------------------------------------------------------


def account_event_record(
    *, kind: str, user: AbstractBaseUser | None = None, username: str = "",
    network: str = "", detail: str = "",
) -> AccountEvent:
    """Add one row to the account audit trail (never updated or deleted).

    ``username`` is kept only when it names an existing account, so that a
    password typed into the name field is not written down.
    """
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    username = user.get_username() if user is not None else ""
    return AccountEvent.objects.create(
        user=user, username=username[:150], kind=EventKind(kind), network=network[:64],
        detail=detail[:200], created_at=timezone.now(),
    )


# --- Who must use a second factor ----------------------------------------------


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Administrators always; a moderator when a site they work on asks for it
    (a site whose default desk, or one of whose threads' desks, is theirs)."""
    if user.is_superuser:
        return True
    desks = moderator_desk_ids(user) or set()
    if not desks:
        return False
    strict = SiteSecurity.objects.filter(require_two_factor=True).values("site_id")
    return (
        Site.objects.filter(pk__in=strict, default_desk_id__in=desks).exists()
        or Thread.objects.filter(site_id__in=strict, desk_id__in=desks).exists()
    )


def site_two_factor_set(*, site: Site, required: bool) -> SiteSecurity:
    """Ask (or stop asking) every moderator of ``site`` for a second factor; it
    applies from their next login."""
    security, _created = SiteSecurity.objects.update_or_create(
        site=site, defaults={"require_two_factor": required}
    )
    return security


def has_two_factor(user: AbstractBaseUser) -> bool:
    return TwoFactorDevice.objects.filter(user=user).exists()


# --- TOTP -------------------------------------------------------------------------


def two_factor_secret_new() -> str:
    """A fresh 160-bit secret, base32 as authenticator apps expect it."""
    return pyotp.random_base32(length=32)


def two_factor_uri(*, user: AbstractBaseUser, secret: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP).provisioning_uri(
        name=user.get_username(), issuer_name=ISSUER
    )


def two_factor_qr_svg(*, uri: str) -> str:
    """The provisioning URI as an inline SVG QR code, made here: no image is
    fetched from anywhere, and the secret never leaves the page."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def _normalise_code(code: object) -> str | None:
    text = "".join(str(code or "").split())
    return text if len(text) == DIGITS and text.isascii() and text.isdigit() else None


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP)
    current = int(now // STEP)
    # One step either side: a phone's clock a little off still works.
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# An enrolment code: 20 base32 characters (100 bits), typed in groups of four.
ENROLMENT_CODE_LENGTH = 20
ENROLMENT_HOURS_DEFAULT = 72
ENROLMENT_HOURS_MAX = 24 * 30


def _enrolment_hash(code: object) -> str:
    clean = "".join(ch for ch in str(code or "").upper() if ch.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


def two_factor_enrolment_issue(*, user: AbstractBaseUser,
                               hours: int = ENROLMENT_HOURS_DEFAULT) -> str:
    """A one-time code that lets ``user`` bind an authenticator app, valid for
    ``hours``; it replaces any earlier one. Returned once, never stored: hand it
    to the moderator through another channel than their password."""
    if not isinstance(hours, int) or not 1 <= hours <= ENROLMENT_HOURS_MAX:
        raise InvalidInput(
            _("An enrolment code lasts 1 to %(max)d hours.") % {"max": ENROLMENT_HOURS_MAX},
            field="hours",
        )
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    raw = "".join(secrets.choice(alphabet) for _ in range(ENROLMENT_CODE_LENGTH))
    now = timezone.now()
    TwoFactorEnrolment.objects.update_or_create(
        user=user, defaults={"code_hash": _enrolment_hash(raw), "created_at": now,
                             "expires_at": now + timedelta(hours=hours)},
    )
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def two_factor_enable(
    *, user: AbstractBaseUser, secret: str, code: object, enrolment_code: object,
) -> TwoFactorDevice:
    """Keep ``secret`` as the user's authenticator once ``code`` proves the app
    holds it and ``enrolment_code`` is the one an administrator issued to the
    user (:func:`two_factor_enrolment_issue`), unexpired; it is used up.
    Replaces any previous authenticator.

    Holding the password is not enough to bind an authenticator: that would let
    whoever stole it make the second factor theirs.
    """
    now = timezone.now()
    enrolment = TwoFactorEnrolment.objects.filter(user=user, expires_at__gt=now).first()
    if enrolment is None or not hmac.compare_digest(enrolment.code_hash,
                                                    _enrolment_hash(enrolment_code)):
        raise InvalidInput(
            _("That enrolment code is not right or has expired. An administrator gives "
              "you one (tribune twofactor enrol NAME)."),
            field="enrolment", code="wrong_enrolment_code",
        )
    clean = _normalise_code(code)
    step = _matching_step(secret, clean, time.time()) if clean else None
    if step is None:
        raise InvalidInput(
            _("That code does not match. Type the six digits your app shows now."),
            field="code", code="wrong_code",
        )
    with transaction.atomic():
        # Used once: two concurrent enrolments with one code bind one authenticator.
        if not TwoFactorEnrolment.objects.filter(pk=enrolment.pk,
                                                 code_hash=enrolment.code_hash).delete()[0]:
            raise InvalidInput(
                _("That enrolment code is not right or has expired. An administrator gives "
                  "you one (tribune twofactor enrol NAME)."),
                field="enrolment", code="wrong_enrolment_code",
            )
        TwoFactorDevice.objects.filter(user=user).delete()
        device = TwoFactorDevice.objects.create(
            user=user, secret=secret, last_step=step, created_at=timezone.now()
        )
        account_event_record(kind=EventKind.TWO_FACTOR_ON, user=user)
    return device


def two_factor_verify(*, user: AbstractBaseUser, code: object) -> bool:
    """True once per code: a code already accepted (or an older one) is refused,
    so one seen over a shoulder or in a log cannot be replayed."""
    clean = _normalise_code(code)
    device = TwoFactorDevice.objects.filter(user=user).first()
    if device is None or clean is None:
        return False
    step = _matching_step(device.secret, clean, time.time())
    if step is None:
        return False
    # The conditional update makes two concurrent uses of one code win once.
    return bool(
        TwoFactorDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    )


def two_factor_disable(*, user: AbstractBaseUser, by: AbstractBaseUser | None = None) -> bool:
    """Remove the user's authenticator. A user may not remove their own when it
    is required; an administrator (``by``) or the command line may, so that a
    lost phone can be replaced (the user then sets up a new one at next login)."""
    if by is not None and by.pk == user.pk and two_factor_required(user):
        raise PermissionDenied(
            _("Your account must use an authenticator app; it cannot be switched off.")
        )
    with transaction.atomic():
        deleted, _rows = TwoFactorDevice.objects.filter(user=user).delete()
        if deleted:
            account_event_record(
                kind=EventKind.TWO_FACTOR_OFF, user=user,
                detail="" if by is None or by.pk == user.pk else f"by {by.get_username()}",
            )
    return bool(deleted)


# --- Logging in -----------------------------------------------------------------


class Next:
    DONE = "done"  # no second factor needed: log in now
    CODE = "code"  # ask for the authenticator's code
    ENROL = "enrol"  # a second factor is required and not set up yet


@dataclass(frozen=True)
class LoginStep:
    """What a login attempt came to: ``user`` and ``next`` when the password was
    right; ``retry_after`` seconds when the attempt was not even checked."""

    user: AbstractBaseUser | None = None
    next: str = ""
    retry_after: int = 0


def login_password(*, username: str, password: str, network: str) -> LoginStep:
    """Check a moderator's user name and password, throttled and audited.

    A refused attempt (wrong password, unknown name, an account that is not a
    moderator's) looks the same to the caller and is counted against the account
    and the network. A throttled attempt is not checked and not counted.
    """
    verdict = throttle.check(username=username, network=network)
    if not verdict.allowed:
        account_event_record(
            kind=EventKind.THROTTLED, username=username, network=network,
            detail=f"{verdict.scope}, {verdict.retry_after}s",
        )
        return LoginStep(retry_after=verdict.retry_after)
    user = authenticate(username=username, password=password)
    if user is None or not (user.is_active and user.is_staff):
        throttle.record_failure(username=username, network=network)
        account_event_record(kind=EventKind.LOGIN_FAILED, username=username, network=network)
        return LoginStep()
    if has_two_factor(user):
        return LoginStep(user=user, next=Next.CODE)
    if two_factor_required(user):
        return LoginStep(user=user, next=Next.ENROL)
    login_succeeded(user=user, network=network)
    return LoginStep(user=user, next=Next.DONE)


def login_code(*, user: AbstractBaseUser, code: object, network: str) -> LoginStep:
    """The second step: the authenticator's code, throttled like the password."""
    verdict = throttle.check(username=user.get_username(), network=network)
    if not verdict.allowed:
        account_event_record(
            kind=EventKind.THROTTLED, user=user, network=network,
            detail=f"{verdict.scope}, {verdict.retry_after}s",
        )
        return LoginStep(retry_after=verdict.retry_after)
    if not two_factor_verify(user=user, code=code):
        throttle.record_failure(username=user.get_username(), network=network)
        account_event_record(kind=EventKind.CODE_FAILED, user=user, network=network)
        return LoginStep()
    login_succeeded(user=user, network=network)
    return LoginStep(user=user, next=Next.DONE)


def login_succeeded(*, user: AbstractBaseUser, network: str) -> None:
    throttle.record_success(username=user.get_username())
    account_event_record(kind=EventKind.LOGIN, user=user, network=network)
