"""Plain submissions to a SQLite file are committed in batches by one writer
thread per process (tribune.comments.batches): every comment answered 202 is
stored, under the id it was answered with, with its own commenter; a comment
that cannot be stored fails alone."""

from __future__ import annotations

import json
import os
import secrets
import threading
import urllib.error
import urllib.request

import pytest
from django.db import IntegrityError
from django.utils import timezone

from conftest import TribuneCLI
from tribune.comments.batches import _commit, _Job
from tribune.comments.commenters import token_hash
from tribune.comments.models import Comment, Commenter
from tribune.core.testing import make_comment

ORIGIN = "https://batches.example.org"
ARTICLE = f"{ORIGIN}/news/flood"
READERS, EACH = 24, 5


def _submit(url: str, body: str, commenter: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if commenter:
        headers["X-Tribune-Commenter"] = commenter
    request = urllib.request.Request(
        url, data=json.dumps({"url": ARTICLE, "author": "Flood", "body": body}).encode(),
        headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


STORED = """
import json
from tribune.comments.models import Comment
rows = Comment.objects.filter(thread__url="{url}").values_list("pk", "body", "commenter_id")
print(json.dumps([list(row) for row in rows]))
"""


def sqlite_cli(tmp_path) -> TribuneCLI:
    """``tribune`` on SQLite in a working directory of its own, whatever
    DATABASE_URL says (batches are SQLite's: PostgreSQL has no single writer to
    spare), with a site at ORIGIN, no submission limits and no triage."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "TRIBUNE_VAR_DIR", "DATABASE_URL"}}
    env.update({"TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": "",
                "TRIBUNE_TRIAGE_MODE": "off"})
    cli = TribuneCLI(tmp_path, env)
    cli.run("migrate", "--verbosity", "0")
    cli.run("site", "add", ORIGIN, "--name", "Batches")
    return cli


def test_a_flood_through_the_server_stores_every_comment_under_its_answered_id(tmp_path):
    cli = sqlite_cli(tmp_path)
    answers: dict[str, tuple[int, dict, int]] = {}
    lock = threading.Lock()

    with cli.serving(workers=2) as server:
        # The thread exists before the flood (a new thread takes the ordinary path).
        assert _submit(f"{server.url}/api/v1/comments", "first", None)[0] == 202

        def reader(number: int) -> None:
            commenter = None
            for turn in range(EACH):
                # Letters only: a run of digits could read as a phone number.
                tag = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(8))
                body = f"reader {number} turn {turn} {tag}"
                status, answer = _submit(f"{server.url}/api/v1/comments", body, commenter)
                commenter = commenter or answer.get("commenter_token")
                with lock:
                    answers[body] = (status, answer, number)

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        stored = json.loads(cli.run("shell", "-c", STORED.format(url=ARTICLE))
                            .stdout.strip().splitlines()[-1])

    assert len(answers) == READERS * EACH
    assert {(status, answer.get("error", {}).get("code"))
            for status, answer, _reader in answers.values()} == {(202, None)}
    by_id = {pk: (body, commenter) for pk, body, commenter in stored}
    assert len(by_id) == READERS * EACH + 1
    commenters: dict[int, set[int]] = {}
    for body, (_status, answer, number) in answers.items():
        assert by_id[answer["id"]][0] == body  # the answered id is this comment's
        commenters.setdefault(number, set()).add(by_id[answer["id"]][1])
    # Each reader kept one commenter (the token of their first answer), and no
    # two readers share one.
    assert all(len(ids) == 1 for ids in commenters.values())
    assert len({ids.pop() for ids in commenters.values()}) == READERS


@pytest.mark.django_db(transaction=True)
def test_a_comment_that_cannot_be_stored_fails_alone(site):
    thread = make_comment().thread
    existing = Commenter.objects.get()
    jobs = []
    for number, thread_id in enumerate([thread.pk, 999_999, thread.pk]):
        token = secrets.token_urlsafe(16)
        comment = Comment(thread_id=thread_id, author="Batch", body=f"comment {number}",
                          language="en", network_hash="", submitted_at=timezone.now())
        jobs.append(_Job(comment, token_hash(token)))
    # One more, by a commenter who already has an id.
    known = Comment(thread=thread, author="Batch", body="known", language="en",
                    network_hash="", commenter_id=existing.pk, submitted_at=timezone.now())
    jobs.append(_Job(known, existing.token_hash))

    _commit(jobs)  # the batch fails on the unknown thread, then each is tried alone

    stored, refused = [jobs[0], jobs[2], jobs[3]], jobs[1]
    assert all(job.error is None and job.comment.pk is not None for job in stored)
    assert isinstance(refused.error, IntegrityError)
    assert refused.comment.pk is None and refused.comment.commenter_id is None
    assert set(Comment.objects.values_list("body", flat=True)) == {
        "A comment.", "comment 0", "comment 2", "known"}
    # The refused comment's new commenter was not kept either.
    assert Commenter.objects.count() == 3
    assert Comment.objects.get(body="known").commenter_id == existing.pk
