"""``tribune moderator create`` and ``tribune token create``."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tribune.accounts.tokens import TOKEN_PREFIX
from tribune.core.testing import PASSWORD, make_comment
from tribune.moderation.models import DeskAssignment
from tribune.sites.services import desk_get_or_create

pytestmark = pytest.mark.django_db


def tribune(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def desk_codes(name: str) -> list[str]:
    return sorted(DeskAssignment.objects.filter(user__username=name)
                  .values_list("desk__code", flat=True))


@pytest.fixture
def desks(db):
    return [desk_get_or_create(code=code) for code in ("en", "ko", "ug")]


def test_moderator_create_with_desks(desks):
    output = tribune("moderator", "create", "mina", "--desk", "ko", "ug", "--password", PASSWORD)
    user = get_user_model().objects.get(username="mina")
    assert user.check_password(PASSWORD)
    assert user.is_staff and not user.is_superuser
    assert desk_codes("mina") == ["ko", "ug"]
    assert "Created moderator mina: desks ko, ug." in output


def test_moderator_create_accepts_repeated_desk_options(desks):
    tribune("moderator", "create", "ali", "--desk", "en", "--desk", "UG", "--password", PASSWORD)
    assert desk_codes("ali") == ["en", "ug"]


def test_moderator_create_admin_sees_every_desk(desks):
    output = tribune("moderator", "create", "chief", "--admin", "--password", PASSWORD)
    user = get_user_model().objects.get(username="chief")
    assert user.is_superuser
    assert desk_codes("chief") == []
    assert "every desk" in output


def test_moderator_create_refuses_an_unknown_desk(desks):
    with pytest.raises(CommandError, match="There is no desk xx"):
        tribune("moderator", "create", "mina", "--desk", "ko", "xx", "--password", PASSWORD)
    assert not get_user_model().objects.filter(username="mina").exists()


def test_moderator_create_refuses_a_short_password(desks):
    with pytest.raises(CommandError, match="too short"):
        tribune("moderator", "create", "mina", "--desk", "ko", "--password", "short")
    assert not get_user_model().objects.exists()


def test_moderator_create_needs_a_desk_or_admin(desks):
    with pytest.raises(CommandError, match="at least one desk"):
        tribune("moderator", "create", "mina", "--password", PASSWORD)


def test_moderator_create_refuses_a_taken_name(desks):
    tribune("moderator", "create", "mina", "--desk", "ko", "--password", PASSWORD)
    with pytest.raises(CommandError, match="already exists"):
        tribune("moderator", "create", "mina", "--desk", "en", "--password", PASSWORD)


def test_moderator_create_prompts_twice_for_the_password(tribune_cli):
    tribune_cli.run("desk", "add", "my")
    result = tribune_cli.run("moderator", "create", "prompted", "--desk", "my",
                             input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "Created moderator prompted: desks my." in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    mismatch = tribune_cli.run("moderator", "create", "other", "--desk", "my",
                               input=f"{PASSWORD}\nsomething-else-entirely\n", check=False)
    assert mismatch.returncode != 0
    assert "The two passwords differ." in mismatch.stderr
    assert "Traceback" not in mismatch.stderr


def test_token_create_prints_a_token_on_the_last_line_that_opens_the_queue(desks, site):
    tribune("moderator", "create", "mina", "--desk", "en", "--password", PASSWORD)
    make_comment()
    token = tribune("token", "create", "mina").splitlines()[-1]
    assert token.startswith(TOKEN_PREFIX)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = client.get("/api/v1/moderation/queue?status=pending")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert Client().get("/api/v1/moderation/queue").status_code == 401


def test_token_create_refuses_an_unknown_moderator(db):
    with pytest.raises(CommandError, match="There is no moderator named ghost"):
        tribune("token", "create", "ghost")


def test_token_create_from_the_installed_script_ends_with_the_token(tribune_cli):
    tribune_cli.run("desk", "add", "bo")
    tribune_cli.run("moderator", "create", "tokened", "--desk", "bo", "--password", PASSWORD)
    result = tribune_cli.run("token", "create", "tokened")
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last.startswith(TOKEN_PREFIX) and " " not in last
    unknown = tribune_cli.run("token", "create", "nobody-here", check=False)
    assert unknown.returncode != 0
    assert "There is no moderator named nobody-here." in unknown.stderr
    assert "Traceback" not in unknown.stderr
