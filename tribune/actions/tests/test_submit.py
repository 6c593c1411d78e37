"""The submission use case (tribune.actions.submit): a comment written in a batch
and one written in a transaction of its own get the same effects, declared once.

Through ``tribune serve`` (SQLite, or PostgreSQL with ``DATABASE_URL``), with
triage in each web process after the commit: a comment on an existing thread
(plain: written in a batch) and one that makes its thread (its own transaction)
are both triaged, and a webhook added for submissions makes the next comment
leave the batch and queue its delivery. In-process on PostgreSQL (where a
transactional test may batch), the effects object sees each comment once,
committed, whichever way it was written."""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from conftest import TribuneCLI, fresh_database
from tribune.comments.batches import IDLE_SECONDS, batching_possible
from tribune.comments.models import Comment
from tribune.comments.services import comment_write
from tribune.threads.models import ModerationMode

ORIGIN = "https://effects.example.org"
POSTGRES = bool(os.environ.get("DATABASE_URL"))
TRIAGED = """
import json
from tribune.triage.models import CommentTriage
from tribune.webhooks.models import Delivery
print(json.dumps({{"triaged": sorted(CommentTriage.objects.filter(comment_id__in={ids})
                                     .values_list("comment_id", flat=True)),
                  "deliveries": sorted(json.loads(payload)["comment"]["id"] for payload in
                                       Delivery.objects.filter(event="comment.submitted")
                                       .values_list("payload", flat=True))}}))
"""


def _submit(server, url: str, body: str, **extra) -> dict:
    request = urllib.request.Request(
        f"{server.url}/api/v1/comments", method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"url": url, "author": "Effects", "body": body, **extra}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - ours
        assert response.status == 202
        return json.loads(response.read())


def test_a_batched_and_a_single_submission_get_the_same_effects(tmp_path):
    with fresh_database(tmp_path) as env:
        env = {**env, "TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": "",
               "TRIBUNE_TRIAGE_MODE": "thread"}
        cli = TribuneCLI(tmp_path, env)
        cli.run("migrate", "--verbosity", "0")
        cli.run("site", "add", ORIGIN, "--name", "Effects")
        with cli.serving(workers=1, args=("--no-triage-worker",)) as server:
            first = _submit(server, f"{ORIGIN}/a", "makes its thread: its own transaction")
            batched = _submit(server, f"{ORIGIN}/a", "on that thread: written in a batch")
            cli.run("webhook", "add", ORIGIN, "https://hooks.example.org/in",
                    "--event", "comment.submitted")
            deadline = time.monotonic() + 30
            while True:  # every process hears of the webhook within the bound
                hooked = _submit(server, f"{ORIGIN}/a", "with a webhook for it")
                state = json.loads(cli.run("shell", "-c", TRIAGED.format(
                    ids=[first["id"], batched["id"], hooked["id"]])).stdout.splitlines()[-1])
                if hooked["id"] in state["deliveries"] or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            while len(state["triaged"]) < 3 and time.monotonic() < deadline:
                time.sleep(0.2)  # triage runs after the commit, in the web process
                state = json.loads(cli.run("shell", "-c", TRIAGED.format(
                    ids=[first["id"], batched["id"], hooked["id"]])).stdout.splitlines()[-1])
    assert state["triaged"] == sorted([first["id"], batched["id"], hooked["id"]])
    assert hooked["id"] in state["deliveries"]


class _Recording:
    """Effects that need nothing inside the transaction, and note what they saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, bool, bool]] = []

    def in_transaction(self, thread) -> bool:
        return thread.moderation != ModerationMode.PRE

    def run(self, comment: Comment, *, held: dict | None) -> Comment:
        committed = Comment.objects.filter(pk=comment.pk).exists()
        self.seen.append((comment.pk, connection.in_atomic_block, committed))
        return comment


if POSTGRES:  # an in-process batch needs PostgreSQL (SQLite's test database is in memory)
    @pytest.mark.django_db(transaction=True)
    def test_the_effects_run_once_for_each_comment_however_it_was_written(site):
        effects = _Recording()
        url = "https://news.example.org/effects"

        def write(body: str, **extra) -> Comment:
            return comment_write(url=url, author="Effects", body=body,
                                 commenter_token=secrets.token_urlsafe(16), effects=effects,
                                 **extra)

        assert batching_possible()
        single = write("makes its thread", title="A title")
        batched = write("written in a batch")
        held = write("held for a moderator", held={"held": "too fast"})
        assert [pk for pk, _inside, _committed in effects.seen] == [
            single.pk, batched.pk, held.pk]
        # Inside its own transaction (not yet visible elsewhere, seen here), or
        # after the batch's commit: each exactly once, the comment stored.
        assert effects.seen[0][1] is True and effects.seen[2][1] is True
        assert effects.seen[1][1:] == (False, True)
        assert Comment.objects.filter(pk__in=[single.pk, batched.pk, held.pk]).count() == 3
        time.sleep(IDLE_SECONDS + 0.5)  # the writer thread lets its connection go
