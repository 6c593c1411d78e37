"""The moderator's login path through HTTP: passwords, two-step login,
throttling, session expiry and the account audit trail."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tribune.accounts import throttle
from tribune.accounts.models import AccountEvent, EventKind, TwoFactorDevice
from tribune.accounts.services import site_two_factor_set, two_factor_enrolment_issue
from tribune.accounts.signals import LOGIN_AT, SEEN_AT
from tribune.core.testing import make_moderator

LOGIN = "/moderate/login/"
QUEUE = "/moderate/"
CODE = "/moderate/account/code"
SETUP = "/moderate/account/setup"
ACCOUNT = "/moderate/account/"
HOME_NET = "203.0.113.9"


def browser(address: str = HOME_NET) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, user, password: str | None = None, **extra):
    return client.post(LOGIN, {"username": user.username,
                               "password": password or user.raw_password, **extra})


def secret_of(html: str) -> str:
    match = re.search(r'<p class="secret" id="secret"[^>]*><code>([A-Z2-7 ]+)</code>', html)
    assert match, "the set-up page shows the secret as text"
    return match.group(1).replace(" ", "")


def code_for(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enrol(client: Client, user) -> str:
    """Log in as an account that must set up an authenticator, with the enrolment
    code an administrator issued; return its secret."""
    enrolment = two_factor_enrolment_issue(user=user)
    response = log_in(client, user)
    assert response.status_code == 302 and response["Location"] == SETUP
    secret = secret_of(client.get(SETUP).content.decode())
    response = client.post(SETUP, {"enrolment": enrolment, "code": code_for(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def kinds(user=None) -> list[str]:
    events = AccountEvent.objects.all() if user is None else AccountEvent.objects.filter(user=user)
    return list(events.order_by("id").values_list("kind", flat=True))


# Passwords ------------------------------------------------------------------------


def test_passwords_are_stored_with_argon2id(moderator):
    stored = get_user_model().objects.get(pk=moderator.pk).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert moderator.raw_password not in stored


def test_an_older_hash_is_upgraded_to_argon2_at_login(moderator):
    from django.contrib.auth.hashers import make_password

    get_user_model().objects.filter(pk=moderator.pk).update(
        password=make_password(moderator.raw_password, hasher="pbkdf2_sha256"))
    assert log_in(browser(), moderator).status_code == 302
    assert get_user_model().objects.get(pk=moderator.pk).password.startswith("argon2$")


# Logging in, and what the audit trail keeps ----------------------------------------------


def test_login_and_failure_are_in_the_audit_trail_without_address(moderator):
    client = browser()
    log_in(client, moderator, password="wrong-password")
    # A password typed into the name field by mistake is not written down.
    client.post(LOGIN, {"username": "correct-horse-secret", "password": "x"})
    assert log_in(client, moderator).status_code == 302
    client.post("/moderate/logout/")

    events = list(AccountEvent.objects.order_by("id"))
    assert [e.kind for e in events] == [
        EventKind.LOGIN_FAILED, EventKind.LOGIN_FAILED, EventKind.LOGIN, EventKind.LOGOUT]
    assert [e.username for e in events] == ["moderator", "", "moderator", "moderator"]
    assert events[2].user == moderator
    for event in events:
        assert re.fullmatch(r"[0-9a-f]{64}", event.network)
        assert HOME_NET not in str(vars(event)) and "203.0.113" not in str(vars(event))


def test_a_moderator_without_a_second_factor_logs_in_with_the_password(moderator):
    client = browser()
    response = log_in(client, moderator)
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


# Two-step login -------------------------------------------------------------------------


def test_an_administrator_must_set_up_an_authenticator_first(admin):
    client = browser()
    response = log_in(client, admin)
    assert response["Location"] == SETUP
    # Half-way is not logged in: the queue still asks for a login.
    assert client.get(QUEUE).status_code == 302

    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    secret = secret_of(html)
    assert len(secret) == 32
    assert "<svg" in html and "<path" in html  # the QR code, drawn here
    assert "https://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]

    enrolment = two_factor_enrolment_issue(user=admin)
    assert client.post(SETUP, {"enrolment": enrolment,
                               "code": "000000" if code_for(secret) != "000000"
                               else "111111"}).status_code == 400
    assert client.get(QUEUE).status_code == 302
    response = client.post(SETUP, {"enrolment": enrolment, "code": code_for(secret)})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200
    assert TwoFactorDevice.objects.get(user=admin).secret == secret
    assert kinds(admin) == [EventKind.TWO_FACTOR_ON, EventKind.LOGIN]


def test_an_account_with_an_authenticator_needs_its_code_once_per_code(admin):
    secret = enrol(browser(), admin)

    client = browser()
    response = log_in(client, admin, next="/moderate/?status=rejected")
    assert response["Location"] == CODE
    assert client.get(QUEUE).status_code == 302
    wrong = client.post(CODE, {"code": "12345"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    code = code_for(secret, offset_steps=1)
    response = client.post(CODE, {"code": code[:3] + " " + code[3:]})
    assert response.status_code == 302 and response["Location"] == "/moderate/?status=rejected"
    assert client.get(QUEUE).status_code == 200

    # The same code, seen over a shoulder, does not open a second session.
    other = browser("198.51.100.20")
    log_in(other, admin)
    assert "not right" in other.post(CODE, {"code": code}).content.decode()
    assert other.get(QUEUE).status_code == 302
    assert EventKind.CODE_FAILED in kinds(admin)


def test_the_code_step_without_a_password_step_starts_again(db):
    client = browser()
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_too_many_wrong_codes_send_back_to_the_password(admin):
    enrol(browser(), admin)
    client = browser("198.51.100.30")
    log_in(client, admin)
    for _ in range(4):
        assert client.post(CODE, {"code": "999999"}).status_code == 200
    assert client.post(CODE, {"code": "999999"})["Location"] == LOGIN
    assert client.get(CODE)["Location"] == LOGIN


def test_a_site_may_require_it_of_its_moderators(site, moderator):
    site_two_factor_set(site=site, required=True)
    client = browser()
    assert log_in(client, moderator)["Location"] == SETUP
    site_two_factor_set(site=site, required=False)
    assert log_in(browser(), moderator)["Location"] == QUEUE


def test_a_moderator_may_choose_it_and_drop_it(moderator):
    client = browser()
    log_in(client, moderator)
    assert "Set up an authenticator app" in client.get(ACCOUNT).content.decode()
    secret = secret_of(client.get(SETUP).content.decode())
    enrolment = two_factor_enrolment_issue(user=moderator)
    assert client.post(SETUP, {"enrolment": enrolment,
                               "code": code_for(secret)})["Location"] == ACCOUNT
    assert log_in(browser("198.51.100.40"), moderator)["Location"] == CODE

    assert client.post("/moderate/account/remove-authenticator")["Location"] == ACCOUNT
    assert not TwoFactorDevice.objects.filter(user=moderator).exists()
    assert log_in(browser("198.51.100.41"), moderator)["Location"] == QUEUE
    assert kinds(moderator).count(EventKind.TWO_FACTOR_OFF) == 1


def test_the_password_alone_never_binds_an_authenticator(admin, moderator):
    # Issue #20: whoever held only the password of an account that had not set up
    # its authenticator could bind their own, and own the second factor.
    thief = browser("198.51.100.66")
    assert log_in(thief, admin)["Location"] == SETUP
    html = thief.get(SETUP).content.decode()
    assert "enrolment code" in html
    secret = secret_of(html)
    for enrolment in ("", "AAAA-BBBB-CCCC-DDDD-EEEE"):
        response = thief.post(SETUP, {"enrolment": enrolment, "code": code_for(secret)})
        assert response.status_code == 400
    assert not TwoFactorDevice.objects.filter(user=admin).exists()
    assert thief.get(QUEUE).status_code == 302
    # A code issued to another account is no key to this one.
    other = two_factor_enrolment_issue(user=moderator)
    assert thief.post(SETUP, {"enrolment": other, "code": code_for(secret)}).status_code == 400
    assert not TwoFactorDevice.objects.filter(user=admin).exists()
    # Each wrong code is in the audit trail (an empty field is no attempt).
    assert kinds(admin).count(EventKind.CODE_FAILED) == 2
    # Nor from a session a password opened, when the second factor is optional.
    session = browser()
    log_in(session, moderator)
    secret = secret_of(session.get(SETUP).content.decode())
    assert session.post(SETUP, {"enrolment": "", "code": code_for(secret)}).status_code == 400
    assert not TwoFactorDevice.objects.filter(user=moderator).exists()


def test_guessing_enrolment_codes_is_throttled(fast_throttle, admin):
    client = browser("198.51.100.67")
    log_in(client, admin)
    secret = secret_of(client.get(SETUP).content.decode())
    statuses = [client.post(SETUP, {"enrolment": f"WRONG-{n}", "code": code_for(secret)})
                .status_code for n in range(6)]
    assert 429 in statuses


def test_an_enrolment_code_works_once_and_expires(admin):
    from django.utils import timezone

    from tribune.accounts.models import TwoFactorEnrolment

    first = browser()
    enrolment = two_factor_enrolment_issue(user=admin)
    log_in(first, admin)
    secret = secret_of(first.get(SETUP).content.decode())
    assert first.post(SETUP, {"enrolment": enrolment.lower().replace("-", " "),
                              "code": code_for(secret)})["Location"] == QUEUE
    # Used: after a reset, the same code binds nothing.
    TwoFactorDevice.objects.filter(user=admin).delete()
    again = browser("198.51.100.68")
    log_in(again, admin)
    secret = secret_of(again.get(SETUP).content.decode())
    assert again.post(SETUP, {"enrolment": enrolment, "code": code_for(secret)}).status_code == 400
    # Expired: refused.
    late = two_factor_enrolment_issue(user=admin, hours=1)
    TwoFactorEnrolment.objects.filter(user=admin).update(expires_at=timezone.now())
    assert again.post(SETUP, {"enrolment": late, "code": code_for(secret)}).status_code == 400
    assert not TwoFactorDevice.objects.filter(user=admin).exists()


def test_the_command_line_issues_the_enrolment_code(admin):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("twofactor", "enrol", admin.username, "--hours", "2", stdout=out)
    enrolment = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){4}", enrolment)
    client = browser()
    log_in(client, admin)
    secret = secret_of(client.get(SETUP).content.decode())
    assert client.post(SETUP, {"enrolment": enrolment,
                               "code": code_for(secret)})["Location"] == QUEUE


def test_an_administrator_cannot_drop_it(admin):
    client = browser()
    enrol(client, admin)
    client.post("/moderate/account/remove-authenticator")
    assert TwoFactorDevice.objects.filter(user=admin).exists()


# Throttling ------------------------------------------------------------------------


@pytest.fixture
def fast_throttle(settings):
    settings.TRIBUNE_LOGIN_FREE_FAILURES = 3
    settings.TRIBUNE_LOGIN_BASE_DELAY = 1
    settings.TRIBUNE_LOGIN_ACCOUNT_MAX_DELAY = 2
    settings.TRIBUNE_LOGIN_NETWORK_MAX_DELAY = 2
    return settings


def test_delays_grow_exponentially_and_stop_at_the_cap(settings):
    delays = [throttle.delay_for("account", n) for n in range(40)]
    assert delays[:6] == [0] * 6 and delays[6:10] == [1, 2, 4, 8]
    assert delays == sorted(delays) and max(delays) == 15 * 60
    assert max(throttle.delay_for("network", n) for n in range(10_000)) == 60 * 60


def test_failures_slow_the_network_then_answer_429(fast_throttle, moderator):
    attacker = browser("192.0.2.66")
    for _ in range(4):
        assert log_in(attacker, moderator, password="guess-guess").status_code == 200
    refused = log_in(attacker, moderator)  # even the right password is not checked now
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 2
    assert "Too many failed attempts" in refused.content.decode()
    assert EventKind.THROTTLED in kinds()

    # A fresh network is not held back by failures made elsewhere.
    assert log_in(browser(HOME_NET), moderator)["Location"] == QUEUE
    # And the throttled network itself gets in once the bounded delay is over.
    time.sleep(int(refused["Retry-After"]) + 0.1)
    assert log_in(attacker, moderator)["Location"] == QUEUE


def test_a_distributed_attack_cannot_lock_the_owner_out(fast_throttle, admin):
    secret = enrol(browser("198.51.100.50"), admin)
    # Many networks keep failing on the account, as fast as they are let.
    for n in range(12):
        for _ in range(3):
            log_in(browser(f"192.0.{n}.7"), admin, password="guess-guess")
    # Networks that failed are now held back by the account's delay as well…
    assert log_in(browser("192.0.0.7"), admin, password="guess-guess").status_code == 429
    # …but the owner, from a network that has not failed, gets straight in.
    owner = browser(HOME_NET)
    assert log_in(owner, admin)["Location"] == CODE
    assert owner.post(CODE, {"code": code_for(secret, offset_steps=1)})["Location"] == QUEUE


def test_a_garbled_address_does_not_escape_the_throttle(fast_throttle, moderator):
    client = browser("not-an-address")
    for _ in range(4):
        log_in(client, moderator, password="guess-guess")
    assert log_in(client, moderator, password="guess-guess").status_code == 429


# Session expiry ---------------------------------------------------------------------


def _age_session(client: Client, **ages: int) -> None:
    session = client.session
    now = int(time.time())
    for key, seconds in ages.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = now - seconds
    session.save()


def test_a_session_ends_after_idle_time(moderator, settings):
    client = browser()
    log_in(client, moderator)
    _age_session(client, seen=settings.TRIBUNE_SESSION_IDLE - 120)
    assert client.get(QUEUE).status_code == 200
    _age_session(client, seen=settings.TRIBUNE_SESSION_IDLE + 1)
    assert client.get(QUEUE)["Location"].startswith(LOGIN)
    assert "Your session has ended" in client.get(LOGIN).content.decode()
    assert AccountEvent.objects.get(kind=EventKind.SESSION_EXPIRED).detail == "idle"


def test_a_session_ends_after_its_absolute_lifetime_however_busy(moderator, settings):
    client = browser()
    log_in(client, moderator)
    _age_session(client, login=settings.TRIBUNE_SESSION_MAX + 1, seen=0)
    assert client.get(QUEUE).status_code == 302
    assert AccountEvent.objects.get(kind=EventKind.SESSION_EXPIRED).detail == "absolute"


def test_a_moderator_sees_their_recent_sign_ins(moderator):
    client = browser()
    log_in(client, moderator, password="wrong-password")
    log_in(client, moderator)
    html = client.get(ACCOUNT).content.decode()
    assert "failed login (password)" in html and "logged in" in html


def test_force_login_sessions_get_clocks(moderator):
    client = Client()
    client.force_login(moderator)
    assert isinstance(client.session[LOGIN_AT], int)
    assert client.get(QUEUE).status_code == 200


def test_two_administrators_do_not_share_secrets(db):
    first = make_moderator(name="chief", desk_codes=[], admin=True)
    second = make_moderator(name="deputy", desk_codes=[], admin=True)
    assert enrol(browser(), first) != enrol(browser("198.51.100.60"), second)
