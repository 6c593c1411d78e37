"""``tribune token list/revoke`` and ``tribune twofactor``: in-process against
the test database (so the API can be asked right after), and once through the
installed script."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tribune.accounts.models import AccountEvent, EventKind
from tribune.accounts.services import two_factor_required
from tribune.core.testing import make_moderator

QUEUE_API = "/api/v1/moderation/queue"


def tribune(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def api_status(token: str) -> int:
    return Client(headers={"Authorization": f"Bearer {token}"}).get(QUEUE_API).status_code


def test_a_revoked_token_is_refused_at_once(moderator):
    assert api_status(moderator.token) == 200
    listing = tribune("token", "list", "moderator")
    assert moderator.token[:12] + "…" in listing and "live" in listing
    assert moderator.token not in listing  # only the prefix is known

    assert "Revoked token" in tribune("token", "revoke", moderator.token[:10])
    assert api_status(moderator.token) == 401
    assert "revoked" in tribune("token", "list")
    event = AccountEvent.objects.get(kind=EventKind.TOKEN_REVOKED)
    assert event.user == moderator and moderator.token[:12] in event.detail


def test_revoke_every_token_of_a_moderator(moderator):
    second = tribune("token", "create", "moderator").splitlines()[-1]
    other = make_moderator(name="other", desk_codes=["en"])
    assert "Revoked 2 token(s)" in tribune("token", "revoke", "--all-of", "moderator")
    assert api_status(moderator.token) == 401 and api_status(second) == 401
    assert api_status(other.token) == 200


@pytest.mark.parametrize("args, message", [
    (("trb_",), "at least the first 8"),
    (("trb_zzzzzzzz",), "No live token"),
    (("--all-of", "nobody"), "no moderator named nobody"),
])
def test_revoke_refusals_are_clear(moderator, args, message):
    with pytest.raises(CommandError, match=message):
        tribune("token", "revoke", *args)


def test_twofactor_require_and_reset(site, moderator):
    assert not two_factor_required(moderator)
    assert "must use" in tribune("twofactor", "require", "https://news.example.org")
    assert two_factor_required(moderator)
    status = tribune("twofactor", "status")
    assert "Example News" in status and "moderator: not set up (required)" in status
    tribune("twofactor", "relax", str(site.pk))
    assert not two_factor_required(moderator)
    assert "had no authenticator" in tribune("twofactor", "reset", "moderator")
    with pytest.raises(CommandError, match="no site"):
        tribune("twofactor", "require", "https://elsewhere.example")


def test_token_commands_through_the_installed_script(tribune_cli):
    cli = tribune_cli
    cli.run("moderator", "create", "tokenuser", "--admin", "--password", "a-long-secret-pass")
    token = cli.run("token", "create", "tokenuser").stdout.splitlines()[-1]
    assert token.startswith("trb_")
    assert token[:12] in cli.run("token", "list", "tokenuser").stdout
    assert "Revoked token" in cli.run("token", "revoke", token[:12]).stdout
    assert "revoked" in cli.run("token", "list", "tokenuser").stdout
    refused = cli.run("token", "revoke", token[:12], check=False)
    assert refused.returncode == 1 and "No live token" in refused.stderr
