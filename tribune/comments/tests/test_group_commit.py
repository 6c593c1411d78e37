"""Group commits on PostgreSQL (tribune.comments.batches): each process writes the
plain submissions waiting in one transaction, and checks them inside it against
what the database holds then. A comment answered 202 is durable (it survives the
server killed with SIGKILL); a ban made before the call is honoured by every
submission of a group, on a host that has not heard of it; one refused or
failing submission does not fail the others of its group.

On PostgreSQL only (``DATABASE_URL``): on SQLite the batches have no check to
make (tribune.comments.tests.test_batches and test_writer test them there)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from conftest import TribuneCLI, fresh_database
from tribune.comments.batches import Recheck, _Job, commit_jobs
from tribune.comments.commenters import token_hash
from tribune.comments.models import Comment, Commenter
from tribune.comments.services import _batch_check, _batch_write
from tribune.core.testing import make_comment
from tribune.moderation.models import Ban
from tribune.sites.models import SiteOrigin

POSTGRES = bool(os.environ.get("DATABASE_URL"))
ORIGIN = "https://group.example.org"
ARTICLE = f"{ORIGIN}/news/flood"
STORED = """
import json
from tribune.comments.models import Comment
rows = Comment.objects.filter(thread__url="{url}").values_list("pk", "body")
print(json.dumps([list(row) for row in rows]))
"""


def _submit(server, body: str, commenter: str | None = None, *,
            address: str = "81.2.69.1") -> tuple[int, dict]:
    # Each reader from a network of their own (a ban also names its commenter's).
    headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
    if commenter:
        headers["X-Tribune-Commenter"] = commenter
    request = urllib.request.Request(
        f"{server.url}/api/v1/comments", method="POST", headers=headers,
        data=json.dumps({"url": ARTICLE, "author": "Group", "body": body}).encode())
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _call(server, method: str, path: str, auth: dict, payload: dict | None = None):
    request = urllib.request.Request(
        f"{server.url}{path}", method=method,
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Content-Type": "application/json", **auth})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def _stored(cli: TribuneCLI) -> dict[int, str]:
    rows = json.loads(cli.run("shell", "-c", STORED.format(url=ARTICLE))
                      .stdout.strip().splitlines()[-1])
    return {pk: body for pk, body in rows}


def _all_at_once(work, count: int) -> list:
    """``work(i)`` for i in range(count), each in a thread, started together."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _deafen(url: str) -> None:
    """Cut every host's listener connection: a notification sent now is lost."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE application_name = 'tribune-listener' "
                      "AND datname = current_database()")


@contextlib.contextmanager
def _cli(tmp_path, name: str = "host"):
    with fresh_database(tmp_path) as env:
        env = {**env, "TRIBUNE_SECRET_KEY": "group-" + "k" * 50,
               "TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": "",
               "TRIBUNE_TRIAGE_MODE": "off", "TRIBUNE_TRUSTED_PROXIES": "127.0.0.1"}
        home = tmp_path / name
        home.mkdir()
        cli = TribuneCLI(home, env)
        cli.run("migrate", "--verbosity", "0")
        cli.run("site", "add", ORIGIN, "--name", "Group")
        yield cli


def _job(thread_id: int, body: str, *, token: str | None = None, network: str = "",
         parent_id: int | None = None, write=None) -> _Job:
    comment = Comment(thread_id=thread_id, author="Group", body=body, language="en",
                      network_hash=network, submitted_at=timezone.now(), parent_id=parent_id)
    return _Job(comment, token_hash(token or secrets.token_urlsafe(16)), _batch_check, write)


# Both ways a group is written: the ORM in a transaction, and one statement.
WAYS = pytest.mark.parametrize("write", [None, _batch_write], ids=["transaction", "statement"])


if POSTGRES:  # a group commit with checks is PostgreSQL's
    @WAYS
    @pytest.mark.django_db(transaction=True)
    def test_a_group_keeps_its_good_submissions_and_refuses_only_the_bad(site, admin, write):
        thread = make_comment(url="https://news.example.org/a").thread
        closed = make_comment(url="https://news.example.org/closed").thread
        closed.is_open = False
        closed.save()
        banned_token = secrets.token_urlsafe(16)
        banned = make_comment(url="https://news.example.org/b", token=banned_token)
        Ban.objects.create(commenter_id=banned.commenter_id, created_by=admin,
                           created_at=timezone.now())
        returning_token = secrets.token_urlsafe(16)
        returning = make_comment(url="https://news.example.org/a", token=returning_token)

        good = [_job(thread.pk, f"good {n}", write=write) for n in range(3)]
        again = _job(thread.pk, "a returning commenter", token=returning_token, write=write)
        refused = [
            _job(thread.pk, "from a banned commenter", token=banned_token, write=write),
            _job(closed.pk, "on a closed thread", write=write),
            _job(thread.pk, "x" * (site.body_max_length + 1), write=write),
        ]
        commit_jobs([good[0], refused[0], good[1], refused[1], again, refused[2], good[2]])

        for job in [*good, again]:
            assert job.error is None
            stored = Comment.objects.get(pk=job.comment.pk)
            assert stored.body == job.comment.body
        assert Comment.objects.get(pk=again.comment.pk).commenter_id == returning.commenter_id
        for job in refused:
            assert isinstance(job.error, Recheck) and job.comment.pk is None
        assert not Comment.objects.filter(body__in=[j.comment.body for j in refused]).exists()
        assert Commenter.objects.filter(token_hash=again.token_hash).count() == 1

    @WAYS
    @pytest.mark.django_db(transaction=True)
    def test_a_submission_that_fails_its_group_s_insert_fails_alone(site, write):
        thread = make_comment(url="https://news.example.org/a").thread
        same_time = [_job(thread.pk, "one moment", write=write) for _ in range(2)]
        same_time[1].comment.submitted_at = same_time[0].comment.submitted_at
        unknown_parent = _job(thread.pk, "a reply to nothing", parent_id=10**9, write=write)
        others = [_job(thread.pk, f"other {n}", write=write) for n in range(3)]
        commit_jobs([others[0], *same_time, unknown_parent, *others[1:]])
        # Its foreign key fails the group's insert: the others are written one by one.
        assert unknown_parent.error is not None and unknown_parent.comment.pk is None
        for job in [*same_time, *others]:
            assert job.error is None
            assert Comment.objects.get(pk=job.comment.pk).body == job.comment.body
        assert len({job.comment.pk for job in [*same_time, *others]}) == 5

    @WAYS
    @pytest.mark.django_db(transaction=True)
    def test_a_removed_origin_refuses_the_group_s_submissions_under_it(site, write):
        thread = make_comment(url="https://news.example.org/a").thread
        job = _job(thread.pk, "under an origin just removed", write=write)
        SiteOrigin.objects.filter(site=site).delete()
        commit_jobs([job])
        assert isinstance(job.error, Recheck)
        assert not Comment.objects.filter(body=job.comment.body).exists()

    def test_a_ban_made_before_the_call_holds_for_every_submission_of_a_group(tmp_path):
        with _cli(tmp_path, "host-a") as a:
            b = TribuneCLI(tmp_path / "host-b", a.env)
            b.workdir.mkdir()
            a.run("moderator", "create", "chief", "--admin", "--password", "a-long-password-1")
            auth = {"Authorization": "Bearer "
                    + a.run("token", "create", "chief").stdout.strip().splitlines()[-1]}
            with a.serving(workers=1, args=("--no-triage-worker",)) as host_a, \
                    b.serving(workers=1, args=("--no-triage-worker",)) as host_b:
                status, first = _submit(host_b, "before the ban")
                assert status == 202, first
                banned = first["commenter_token"]
                queue = _call(host_a, "GET", "/api/v1/moderation/queue?status=pending", auth)
                commenter_id = next(item["commenter_id"] for item in queue["comments"]
                                    if item["id"] == first["id"])
                _deafen(a.env["DATABASE_URL"])  # B hears of the ban by its version check
                ban = _call(host_a, "POST", f"/api/v1/moderation/commenters/{commenter_id}/bans",
                            auth, {"reason": "flood"})
                assert ban["id"]
                # At once, before host B may have heard: 8 submissions of the banned
                # commenter among 16 of others, all at the same time (a group or more).
                results = _all_at_once(lambda i: _submit(
                    host_b, f"sent at once {i}", banned if i % 3 == 0 else None,
                    address="81.2.69.1" if i % 3 == 0 else f"81.3.{i}.1"), 24)
                stored = _stored(a)
        for i, (status, answer) in enumerate(results):
            if i % 3 == 0:
                assert (status, answer["error"]["code"]) == (403, "banned"), answer
                assert f"sent at once {i}" not in stored.values()
            else:
                assert status == 202, answer
                assert stored[answer["id"]] == f"sent at once {i}"

    def test_every_comment_answered_202_survives_the_server_killed(tmp_path):
        with _cli(tmp_path) as cli:
            with cli.serving(workers=2, args=("--no-triage-worker",)) as server:
                answered: dict[int, str] = {}
                lock = threading.Lock()
                stop = threading.Event()

                def flood(reader: int) -> None:
                    number = 0
                    while not stop.is_set():
                        body = f"reader {reader} comment {number}"
                        number += 1
                        try:
                            status, answer = _submit(server, body)
                        except OSError:
                            return  # the server is gone: this one was never answered
                        if status == 202:
                            with lock:
                                answered[answer["id"]] = body

                readers = [threading.Thread(target=flood, args=(n,)) for n in range(12)]
                for reader in readers:
                    reader.start()
                deadline = time.monotonic() + 60
                while len(answered) < 60 and time.monotonic() < deadline:
                    time.sleep(0.05)
                os.killpg(server.process.pid, signal.SIGKILL)  # serve and every worker
                server.process.wait(timeout=30)
                stop.set()
                for reader in readers:
                    reader.join(timeout=90)
            stored = _stored(cli)
        assert len(answered) >= 60
        assert {pk: stored.get(pk) for pk in answered} == answered
