"""The moderator's login path at /moderate/login/ and account page.

1. ``login/``: user name and password (:func:`services.login_password`).
2. ``account/code``: the authenticator's code, when the account has one.
   ``account/setup``: setting one up, when the account must have one and has
   not yet (administrators; moderators of a site that asks for it).
Between the steps the session holds only "who, since when, going where" for
five minutes: Django's ``login()`` (which also changes the session key) is
called once every required factor is checked, so no page of the moderation path
ever sees a half-logged-in user. Refusals that are throttled answer 429 with
``Retry-After``. No answer is cached.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tribune.core.errors import InvalidInput, TribuneError
from tribune.moderation.views import moderator_required
from tribune.privacy.services import network_hash

from . import throttle
from .forms import CodeForm, EnrolForm, LoginForm
from .models import AccountEvent, EventKind
from .services import (
    Next,
    account_event_record,
    has_two_factor,
    login_code,
    login_password,
    login_succeeded,
    two_factor_disable,
    two_factor_enable,
    two_factor_qr_svg,
    two_factor_required,
    two_factor_secret_new,
    two_factor_uri,
)

PENDING = "accounts_pending"
NEW_SECRET = "accounts_new_secret"  # noqa: S105 - a session key name
PENDING_MAX = 5 * 60
CODE_TRIES = 5
BACKEND = "django.contrib.auth.backends.ModelBackend"


def invalid_login() -> str:
    return _("The user name and password do not match a moderator's account. "
             "Both are case-sensitive.")


def safe_next(request: HttpRequest, value: str | None) -> str:
    """Where to go after logging in: a page of this site, never the login page
    itself, never another host; the queue otherwise."""
    login_path = reverse("moderation:login")
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and not value.startswith(login_path):
        return value
    return reverse("moderation:queue")


def _throttled(request: HttpRequest, template: str, context: dict, seconds: int) -> HttpResponse:
    context["throttled"] = ngettext(
        "Too many failed attempts. Wait %(seconds)d second before trying again.",
        "Too many failed attempts. Wait %(seconds)d seconds before trying again.",
        seconds,
    ) % {"seconds": seconds}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _pending(request: HttpRequest, step: str):
    """The user half-way through logging in at ``step``, or None."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("step") != step:
        return None
    if time.time() - pending.get("at", 0) > PENDING_MAX:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(
        pk=pending.get("user"), is_active=True, is_staff=True
    ).first()
    if user is None:
        request.session.pop(PENDING, None)
    return user


def _finish(request: HttpRequest, user) -> HttpResponse:
    pending = request.session.pop(PENDING, {}) or {}
    request.session.pop(NEW_SECRET, None)
    login(request, user, backend=BACKEND)
    return redirect(safe_next(request, pending.get("next")))


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Please log in again: that step had expired."))
    return redirect("moderation:login")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": next_url}
    if request.method != "POST":
        return render(request, "accounts/login.html", context)
    if not form.is_valid():
        return render(request, "accounts/login.html", context, status=400)
    step = login_password(
        username=form.cleaned_data["username"], password=form.cleaned_data["password"],
        network=network_hash(request),
    )
    if step.retry_after:
        return _throttled(request, "accounts/login.html", context, step.retry_after)
    if step.user is None:
        form.add_error(None, invalid_login())
        return render(request, "accounts/login.html", context)
    if step.next == Next.DONE:
        login(request, step.user, backend=BACKEND)
        return redirect(next_url)
    request.session[PENDING] = {
        "user": step.user.pk, "at": int(time.time()), "next": next_url, "step": step.next,
        "tries": 0,
    }
    return redirect("accounts:code" if step.next == Next.CODE else "accounts:setup")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: the six-digit code of the account's authenticator app."""
    user = _pending(request, Next.CODE)
    if user is None:
        return _start_again(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "username": user.get_username()}
    if request.method != "POST":
        return render(request, "accounts/code.html", context)
    if not form.is_valid():
        return render(request, "accounts/code.html", context, status=400)
    step = login_code(user=user, code=form.cleaned_data["code"], network=network_hash(request))
    if step.retry_after:
        return _throttled(request, "accounts/code.html", context, step.retry_after)
    if step.user is None:
        pending = request.session[PENDING]
        pending["tries"] = pending.get("tries", 0) + 1
        request.session.modified = True
        if pending["tries"] >= CODE_TRIES:
            request.session.pop(PENDING, None)
            return _start_again(request)
        form.add_error("code", _("That code is not right, or was already used. "
                                 "Type the six digits your app shows now."))
        return render(request, "accounts/code.html", context)
    return _finish(request, user)


def _setup_user(request: HttpRequest):
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return request.user, False
    return _pending(request, Next.ENROL), True


@sensitive_post_parameters("code", "enrolment")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the secret as text and as a QR code, then
    the enrolment code an administrator gave (the password alone never binds an
    authenticator) and a code from the app to prove it holds the secret."""
    user, logging_in = _setup_user(request)
    if user is None:
        return _start_again(request)
    secret = request.session.get(NEW_SECRET)
    if not isinstance(secret, str) or not secret:
        secret = request.session[NEW_SECRET] = two_factor_secret_new()
    form = EnrolForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        network = network_hash(request)
        verdict = throttle.check(username=user.get_username(), network=network)
        if not verdict.allowed:
            return _throttled(request, "accounts/setup.html",
                              _setup_context(user, secret, form, logging_in), verdict.retry_after)
        try:
            two_factor_enable(user=user, secret=secret, code=form.cleaned_data["code"],
                              enrolment_code=form.cleaned_data["enrolment"])
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else "code", error.message)
            status = 400
            if error.field == "enrolment":
                # Guessing enrolment codes is throttled like passwords.
                throttle.record_failure(username=user.get_username(), network=network)
                account_event_record(kind=EventKind.CODE_FAILED, user=user, network=network,
                                     detail="enrolment code")
        else:
            messages.success(request, _("Your authenticator app is set up. From now on you "
                                        "will type its code when you log in."))
            if logging_in:
                login_succeeded(user=user, network=network_hash(request))
                return _finish(request, user)
            request.session.pop(NEW_SECRET, None)
            return redirect("accounts:account")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/setup.html",
                  _setup_context(user, secret, form, logging_in), status=status)


def _setup_context(user, secret: str, form, logging_in: bool) -> dict:
    uri = two_factor_uri(user=user, secret=secret)
    return {
        "form": form,
        "logging_in": logging_in,
        "username": user.get_username(),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        # segno writes the SVG from the URI alone: paths and numbers, no text
        # from any user, nothing fetched.
        "qr_svg": mark_safe(two_factor_qr_svg(uri=uri)),  # noqa: S308
        "required": two_factor_required(user),
    }


@moderator_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """The moderator's own account: their second factor and recent sign-ins."""
    user = request.user
    events = AccountEvent.objects.filter(user=user).order_by("-created_at", "-id")[:20]
    return render(request, "accounts/account.html", {
        "has_two_factor": has_two_factor(user),
        "required": two_factor_required(user),
        "events": events,
    })


@moderator_required
@require_POST
def remove_authenticator(request: HttpRequest) -> HttpResponse:
    try:
        two_factor_disable(user=request.user, by=request.user)
    except TribuneError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your authenticator app is removed from your account."))
    return redirect("accounts:account")
