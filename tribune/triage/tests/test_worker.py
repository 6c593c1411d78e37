"""Triage in a process of its own (``tribune triage worker``), and the write
phase of triage after reads made outside its transaction."""

from __future__ import annotations

import json
import signal
import subprocess

import pytest
from django.db import transaction

from conftest import TribuneCLI, fresh_database
from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator
from tribune.moderation.decisions import comment_decide
from tribune.triage import clustering, scoring
from tribune.triage.models import Cluster, CommentTriage
from tribune.triage.policy import policy_set
from tribune.triage.scoring import comment_assess, comment_triage_by_id
from tribune.triage.simulation import CAMPAIGN

SPAM = "CHECK OUT MY CHANNEL FOR FREE GIFT CARDS www.example.com AND SUBSCRIBE NOW!!!"

# --- The worker command, as a real process on a database file ----------------------

SUBMIT = """
import json
from tribune.core.testing import make_comment, make_site
from tribune.triage.policy import policy_set
from tribune.triage.simulation import traffic

origin = {origin!r}
site = make_site(origin=origin, name=origin)
policy_set(site=site, hold_threshold=None, reject_threshold=60, reject_clause=3)
ids = {{"campaign": [], "ordinary": []}}
for index, (text, is_campaign) in enumerate(traffic(campaign={campaign}, ordinary_count=6,
                                                    seed={seed})):
    comment = make_comment(url=f"{{origin}}/2026/article-{{index % 3}}", body=text)
    ids["campaign" if is_campaign else "ordinary"].append(comment.pk)
ids["spam"] = make_comment(url=f"{{origin}}/2026/article-0", body={spam!r}).pk
print(json.dumps(ids))
"""

# Waits (at most 20 s) until every comment has its triage; then what triage made of them.
OUTCOME = """
import json, time
from tribune.triage.models import Cluster, CommentTriage

ids = {ids!r}
start = time.monotonic()
while (CommentTriage.objects.filter(pk__in=ids).count() < len(ids)
       and time.monotonic() - start < 20):
    time.sleep(0.05)
rows = {{
    t.pk: {{"cluster": t.cluster_id, "codes": [label["code"] for label in t.labels],
           "status": t.comment.status}}
    for t in CommentTriage.objects.filter(pk__in=ids).select_related("comment")
}}
clusters = {{c.pk: [c.size, c.members.count()]
            for c in Cluster.objects.filter(members__pk__in=ids).distinct()}}
print(json.dumps({{"seconds": time.monotonic() - start, "rows": rows, "clusters": clusters}}))
"""


@pytest.fixture(scope="module")
def worker_cli(tmp_path_factory):
    """``tribune`` on a migrated database of its own; its submissions leave
    triage to a worker (``TRIBUNE_TRIAGE_MODE=worker``)."""
    workdir = tmp_path_factory.mktemp("triage-worker")
    with fresh_database(workdir) as env:
        cli = TribuneCLI(workdir, {**env, "TRIBUNE_TRIAGE_MODE": "worker"})
        cli.run("migrate", "--verbosity", "0")
        yield cli


def _shell(cli: TribuneCLI, code: str) -> dict:
    return json.loads(cli.run("shell", "-c", code).stdout.strip().splitlines()[-1])


def _start_worker(cli: TribuneCLI, name: str) -> tuple[subprocess.Popen, object]:
    log = cli.workdir / f"{name}.log"
    with open(log, "w") as out:
        process = cli.popen("triage", "worker", stdout=out, stderr=subprocess.STDOUT)
    return process, log


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def _submit_and_triage(cli: TribuneCLI, origin: str, *, seed: int) -> tuple[dict, dict]:
    ids = _shell(cli, SUBMIT.format(origin=origin, campaign=6, seed=seed, spam=SPAM))
    everything = [*ids["campaign"], *ids["ordinary"], ids["spam"]]
    return ids, _shell(cli, OUTCOME.format(ids=everything))


def _assert_triaged(ids: dict, outcome: dict) -> None:
    rows = {int(pk): row for pk, row in outcome["rows"].items()}
    assert set(rows) == {*ids["campaign"], *ids["ordinary"], ids["spam"]}
    # The campaign is one cluster (shared with the same campaign on other sites
    # of the database), its figures counted once per member.
    campaign_clusters = {rows[pk]["cluster"] for pk in ids["campaign"]}
    assert len(campaign_clusters) == 1 and None not in campaign_clusters
    size, members = outcome["clusters"][str(campaign_clusters.pop())]
    assert size == members >= len(ids["campaign"])
    for size, members in outcome["clusters"].values():
        assert size == members
    # The site's policy is applied by the worker: the spam is rejected (as the
    # system), nothing is approved.
    assert rows[ids["spam"]]["status"] == Status.REJECTED
    assert "auto_rejected" in rows[ids["spam"]]["codes"]
    assert {rows[pk]["status"] for pk in ids["ordinary"]} == {Status.PENDING}


def test_worker_triages_comments_as_they_come_and_stops_on_sigterm(worker_cli):
    # A comment left untriaged before the worker starts is found by its sweep.
    early = _shell(worker_cli, SUBMIT.format(origin="https://early.example.org", campaign=0,
                                             seed=3, spam=SPAM))
    process, log = _start_worker(worker_cli, "worker")
    try:
        ids, outcome = _submit_and_triage(worker_cli, "https://one.example.org", seed=5)
        swept = _shell(worker_cli, OUTCOME.format(ids=[*early["ordinary"], early["spam"]]))
    finally:
        returncode = _stop(process)
    assert returncode == 0
    _assert_triaged(ids, outcome)
    assert outcome["seconds"] < 10
    assert len(swept["rows"]) == len(early["ordinary"]) + 1
    text = log.read_text()
    assert "triage worker started" in text and "triage worker stopped" in text
    assert "Traceback" not in text and "failed" not in text
    # Ids only: nothing a reader wrote reaches the log.
    assert "minister" not in text and "GIFT CARDS" not in text


def test_two_workers_at_once_store_one_triage_per_comment(worker_cli):
    first, first_log = _start_worker(worker_cli, "first")
    second, second_log = _start_worker(worker_cli, "second")
    try:
        ids, outcome = _submit_and_triage(worker_cli, "https://two.example.org", seed=9)
    finally:
        codes = [_stop(first), _stop(second)]
    assert codes == [0, 0]
    _assert_triaged(ids, outcome)
    for log in (first_log, second_log):
        text = log.read_text()
        assert "Traceback" not in text and "failed" not in text


def test_worker_refuses_bad_arguments(worker_cli):
    result = worker_cli.run("triage", "worker", "--poll", "0", check=False)
    assert result.returncode != 0 and "--poll" in result.stderr


# --- The write phase after reads made outside its transaction ------------------------


@pytest.fixture
def off(settings):
    settings.TRIBUNE_TRIAGE_MODE = "off"  # comments wait for triage by id


def _between_reads_and_writes(monkeypatch, action) -> None:
    """Run ``action`` once, after triage's reads and before its write transaction,
    as another process would."""
    original = scoring.comment_assess
    done = []

    def assess(*, comment):
        assessment = original(comment=comment)
        if not done:
            done.append(True)
            action()
        return assessment

    monkeypatch.setattr(scoring, "comment_assess", assess)


def test_a_comment_triaged_by_another_worker_meanwhile_keeps_one_triage(
        site, off, monkeypatch):
    campaign = [make_comment(body=CAMPAIGN + f" {n}") for n in range(3)]
    for comment in campaign[:2]:
        comment_triage_by_id(comment_id=comment.pk)
    last = campaign[2]
    _between_reads_and_writes(monkeypatch, lambda: comment_triage_by_id(comment_id=last.pk))
    triage = comment_triage_by_id(comment_id=last.pk)
    assert triage is not None and triage.pk == last.pk
    assert CommentTriage.objects.filter(pk=last.pk).count() == 1
    cluster = Cluster.objects.get(pk=triage.cluster_id)
    assert cluster.size == cluster.members.count() == 3  # counted once


@pytest.mark.parametrize("change", ["deleted", "merged"])
def test_a_cluster_gone_meanwhile_leaves_no_dangling_reference(site, off, monkeypatch, change):
    campaign = [make_comment(body=CAMPAIGN + f" {n}") for n in range(3)]
    for comment in campaign[:2]:
        comment_triage_by_id(comment_id=comment.pk)
    old = CommentTriage.objects.get(pk=campaign[0].pk).cluster_id
    moved_to = []

    def change_cluster():
        if change == "deleted":  # its members are left without a cluster
            Cluster.objects.filter(pk=old).delete()
        else:  # merged into another, as a bridging comment would
            other = Cluster.objects.create(created_at=campaign[0].submitted_at,
                                           first_at=campaign[0].submitted_at,
                                           last_at=campaign[0].submitted_at)
            CommentTriage.objects.filter(cluster_id=old).update(cluster_id=other.pk)
            Cluster.objects.filter(pk=old).delete()
            clustering.cluster_refresh(other.pk)
            moved_to.append(other.pk)

    _between_reads_and_writes(monkeypatch, change_cluster)
    triage = comment_triage_by_id(comment_id=campaign[2].pk)
    assert triage is not None and triage.cluster_id != old
    members = CommentTriage.objects.filter(pk__in=[c.pk for c in campaign])
    assert set(members.values_list("cluster_id", flat=True)) == {triage.cluster_id}
    if moved_to:
        assert triage.cluster_id == moved_to[0]
    cluster = Cluster.objects.get(pk=triage.cluster_id)
    assert cluster.size == cluster.members.count() == 3


@pytest.fixture
def rejecting(site):
    policy_set(site=site, hold_threshold=None, reject_threshold=60, reject_clause=3)
    return make_moderator(desk_codes=[site.default_desk.code])


def test_a_comment_decided_meanwhile_is_not_rejected_by_the_policy(
        rejecting, off, monkeypatch):
    spam = make_comment(body=SPAM)
    _between_reads_and_writes(monkeypatch, lambda: comment_decide(
        comment_id=spam.pk, moderator=rejecting, action="approve"))
    triage = comment_triage_by_id(comment_id=spam.pk)
    assert triage.priority >= 60
    assert "auto_rejected" not in {label["code"] for label in triage.labels}
    assert Comment.objects.get(pk=spam.pk).status == Status.APPROVED


def test_a_decision_racing_the_write_phase_stands(rejecting, off):
    # The reads saw it pending; a moderator approves it before the rejection is
    # written (PostgreSQL lets that happen): the rejection is refused, the
    # triage is stored without it.
    spam = make_comment(body=SPAM)
    assessment = comment_assess(
        comment=Comment.objects.select_related("thread__desk").get(pk=spam.pk))
    comment_decide(comment_id=spam.pk, moderator=rejecting, action="approve")
    with transaction.atomic():
        triage = scoring.assessment_store(assessment=assessment)
    assert "auto_rejected" not in {label["code"] for label in triage.labels}
    stored = CommentTriage.objects.get(pk=spam.pk)
    assert stored.labels == triage.labels and stored.priority >= 60
    assert Comment.objects.get(pk=spam.pk).status == Status.APPROVED


# --- What the worker polls -----------------------------------------------------------


def test_worker_polls_above_its_highest_id_less_a_lookback_and_skips_failures(
        site, off, monkeypatch):
    from tribune.triage.worker import Worker

    a, b, c = (make_comment(body=f"Comment {word} on the tram timetable.")
               for word in ("one", "two", "three"))
    worker = Worker(batch=2, lookback=3)
    worker.high = c.pk
    assert worker.poll_ids() == [a.pk, b.pk]  # oldest first, a full batch
    attempts = []
    original = scoring.comment_triage_by_id

    def failing_for_b(*, comment_id):
        if comment_id == b.pk:  # a failure: logged by the service, nothing stored
            attempts.append(comment_id)
            return None
        return original(comment_id=comment_id)

    monkeypatch.setattr(scoring, "comment_triage_by_id", failing_for_b)
    worker.triage_ids([a.pk, b.pk])
    assert attempts == [b.pk, b.pk] and worker.failed == {b.pk}  # tried twice, then left
    assert worker.poll_ids() == [c.pk]
    worker.triage_ids([c.pk])
    assert worker.poll_ids() == [] and attempts == [b.pk, b.pk]
    # Nothing to do: it starts from the newest comment, and sees those that follow.
    newer = [make_comment(body=f"Reply {n} about the night buses.") for n in range(2)]
    assert worker.poll_ids() == [n.pk for n in newer]
    assert worker.triaged == 2


def test_worker_leaves_comments_older_than_its_sweep_to_backfill(site, off):
    """Comments without triage from before the sweep's window (imported, or from
    before triage) are not picked up by the look-back, even with the highest ids."""
    from datetime import timedelta

    from django.utils import timezone

    from tribune.triage.background import SWEEP_DAYS
    from tribune.triage.worker import Worker

    old = [make_comment(body=f"An imported comment, number {n}.") for n in range(3)]
    Comment.objects.filter(pk__in=[c.pk for c in old]).update(
        submitted_at=timezone.now() - timedelta(days=SWEEP_DAYS, hours=1))
    worker = Worker(batch=10, lookback=1000)
    worker.high = old[-1].pk
    assert worker.poll_ids() == []
    new = make_comment(body="A comment of today, on the tram timetable.")
    assert worker.poll_ids() == [new.pk]
    assert scoring.triage_missing(days=SWEEP_DAYS + 1) == 4  # backfill takes the old ones


def test_the_workers_sqlite_commits_do_not_wait_for_the_disk(tmp_path, django_db_blocker):
    # Triage rows are derived data (a lost one is triaged again by the next
    # sweep); readers' comments keep synchronous=FULL in the web processes.
    from django.db.backends.signals import connection_created

    from tribune.core.sqlite.base import DatabaseWrapper
    from tribune.triage.worker import _triage_connection

    def synchronous(connection) -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            return cursor.fetchone()[0]

    settings = {
        "ENGINE": "tribune.core.sqlite", "NAME": str(tmp_path / "w.sqlite3"), "USER": "",
        "PASSWORD": "", "HOST": "", "PORT": "", "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "TEST": {},
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"},
    }
    with django_db_blocker.unblock():
        web = DatabaseWrapper(dict(settings), alias="web-test")
        assert synchronous(web) == 2  # FULL
        connection_created.connect(_triage_connection, dispatch_uid="worker-sync-test")
        try:
            worker = DatabaseWrapper(dict(settings), alias="worker-test")
            assert synchronous(worker) == 1  # NORMAL
        finally:
            connection_created.disconnect(dispatch_uid="worker-sync-test")
            web.close()
            worker.close()
