"""Configuration that every submission needs (the site of an origin, the thread
of an article, the bans in force, a site's webhooks) is kept in each server
process without a query, and a change made anywhere — here by the ``tribune``
command, another process — is obeyed by every worker from the next request on
(stamps of the render store)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from conftest import TribuneCLI

ORIGIN = "https://stamps.example.org"
LATE_ORIGIN = "https://late-stamps.example.org"
# Enough requests on fresh connections that both workers answer some.
ROUNDS = 16


def _submit(server, *, url: str, commenter: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if commenter:
        headers["X-Tribune-Commenter"] = commenter
    body = json.dumps({"url": url, "author": "Stamp", "body": "Kept in every process."})
    request = urllib.request.Request(f"{server.url}/api/v1/comments", data=body.encode(),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _statuses(server, *, url: str, commenter: str | None = None) -> set[tuple[int, str]]:
    outcomes = set()
    for _ in range(ROUNDS):
        status, answer = _submit(server, url=url, commenter=commenter)
        outcomes.add((status, answer.get("error", {}).get("code", "")))
    return outcomes


def _shell(cli: TribuneCLI, code: str) -> str:
    return cli.run("shell", "-c", code).stdout.strip().splitlines()[-1]


BAN = """
from django.contrib.auth import get_user_model
from tribune.comments.models import Comment
from tribune.moderation.bans import ban_create
admin, _ = get_user_model().objects.get_or_create(
    username="stamp-admin", defaults={{"is_superuser": True, "is_staff": True}})
ban = ban_create(actor=admin, commenter_id=Comment.objects.get(pk={comment}).commenter_id)
print(ban.pk)
"""
LIFT = """
from django.contrib.auth import get_user_model
from tribune.moderation.bans import ban_lift
ban_lift(actor=get_user_model().objects.get(username="stamp-admin"), ban_id={ban})
print("lifted")
"""
CLOSE = """
from django.contrib.auth import get_user_model
from tribune.threads.models import Thread
from tribune.actions.thread_settings import thread_settings_update
thread = Thread.objects.get(url="{url}")
thread_settings_update(actor=get_user_model().objects.get(username="stamp-admin"),
                       thread_id=thread.pk, is_open={is_open}, moderation="pre", closes_at=None)
print("done")
"""
DELIVERIES = """
from tribune.webhooks.models import Delivery
print(Delivery.objects.filter(event="comment.submitted").count())
"""


def test_bans_threads_sites_and_webhooks_reach_every_worker_at_once(tribune_cli):
    env = {**tribune_cli.env, "TRIBUNE_RATE_SUBMIT_NETWORK": "",
           "TRIBUNE_RATE_SUBMIT_COMMENTER": "", "TRIBUNE_TRIAGE_MODE": "off"}
    cli = TribuneCLI(tribune_cli.workdir, env)
    cli.run("site", "add", ORIGIN, "--name", "Stamps")
    article = f"{ORIGIN}/news/1"
    with cli.serving(workers=2) as server:
        status, first = _submit(server, url=article)
        assert status == 202
        commenter = first["commenter_token"]
        # Every worker has now answered this commenter and this site.
        assert _statuses(server, url=article, commenter=commenter) == {(202, "")}
        assert _statuses(server, url=f"{LATE_ORIGIN}/a") == {(404, "unknown_site")}

        ban = _shell(cli, BAN.format(comment=first["id"]))
        assert _statuses(server, url=article, commenter=commenter) == {(403, "banned")}
        # Another reader on the same network (127.0.0.1) is not concerned: a ban
        # is of a person, never of their network (issue #15).
        assert _statuses(server, url=article) == {(202, "")}
        _shell(cli, LIFT.format(ban=ban))
        assert _statuses(server, url=article, commenter=commenter) == {(202, "")}

        _shell(cli, CLOSE.format(url=article, is_open=False))
        assert _statuses(server, url=article, commenter=commenter) == {(403, "thread_closed")}
        _shell(cli, CLOSE.format(url=article, is_open=True))
        assert _statuses(server, url=article, commenter=commenter) == {(202, "")}

        cli.run("site", "add", LATE_ORIGIN, "--name", "Late")
        assert _statuses(server, url=f"{LATE_ORIGIN}/a") == {(202, "")}

        before = int(_shell(cli, DELIVERIES))
        cli.run("webhook", "add", ORIGIN, "https://hooks.example.org/in",
                "--event", "comment.submitted")
        assert _statuses(server, url=article, commenter=commenter) == {(202, "")}
        assert int(_shell(cli, DELIVERIES)) == before + ROUNDS


def test_a_transaction_sees_its_own_changes_and_a_rollback_leaves_nothing_kept(
        transactional_db):
    from django.db import transaction

    from tribune.core.errors import NotFound
    from tribune.sites.services import desk_create, site_create, site_for_origin

    origin = "https://rolled-back.example.org"
    desk = desk_create(code="rb", name="Rolled back", language="en", direction="ltr")
    with pytest.raises(NotFound):
        site_for_origin(origin)  # "not a registered site", now kept in the process

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        site = site_create(origins=[origin], name="Rolled back", desk=desk)
        assert site_for_origin(origin).pk == site.pk  # its own uncommitted write
        raise RolledBack
    with pytest.raises(NotFound):
        site_for_origin(origin)  # what the transaction saw was not kept

    site = site_create(origins=[origin], name="Committed", desk=desk)
    assert site_for_origin(origin).pk == site.pk
