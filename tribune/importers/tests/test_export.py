"""``tribune export`` and ``tribune import tribune``: a round trip through a
fresh database gives back the same state, line for line."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tribune.accounts.services import site_two_factor_set
from tribune.actions.thread_settings import thread_settings_update
from tribune.comments.models import Comment
from tribune.core import testing as factories
from tribune.integrations.services import integration_token_create
from tribune.moderation.bans import ban_create, ban_lift
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Ban, Report
from tribune.moderation.moderators import moderator_create
from tribune.moderation.reports import report_create, reports_keep
from tribune.notifications.services import queue_alert_set
from tribune.privacy.retention import reader_comments_delete
from tribune.sites.models import Site
from tribune.threads.services import site_auto_close_set
from tribune.triage.models import Cluster
from tribune.triage.policy import policy_set
from tribune.triage.seniors import senior_set
from tribune.triage.wordlists import term_add
from tribune.webhooks.services import webhook_add

from .files import disqus_file, disqus_post, disqus_thread

ARTICLE = "https://news.example.org/2026/11/article"


def export_text() -> str:
    out = io.StringIO()
    call_command("export", "-", stdout=out)
    return out.getvalue()


SPAM = ("Buy cheap watches now at our wonderful store with the best prices in the "
        "whole wide world guaranteed for every reader today {n}")


@pytest.fixture
def newsroom(site, rtl_site, moderator, admin, tmp_path):
    """A bit of everything a newsroom carries: published, edited, rejected,
    pending and erased comments, replies, two desks, an imported history,
    reports open and resolved, bans in force and lifted, a desk editor, a
    senior moderator, an integration, triage word lists, a triage policy and a
    campaign cluster, site settings (two factors, automatic closing, body
    limit), a thread's own settings, a webhook and a queue alert."""
    desk = site.default_desk
    editor = moderator_create(name="editor", password=factories.PASSWORD,
                              desk_codes=[desk.code], role="editor")
    senior_set(name=moderator.username)
    first = factories.make_published(moderator, body="First\nline two", author="Ana")
    factories.make_published(moderator, body="A reply", author="Bo", parent=first.pk)
    edited = factories.make_comment(body="Rude words here", author="Cy")
    comment_decide(comment_id=edited.pk, moderator=moderator, action="edit",
                   body="Polite words here", clause=3, note="tone")
    rejected = factories.make_comment(body="Spam", author="Di")
    comment_decide(comment_id=rejected.pk, moderator=moderator, action="reject", clause=5)
    factories.make_comment(body="Still waiting", author="Ed")
    factories.make_comment(url="https://uy.example.org/maqale", body="ياخشى", author="ئەخمەت")
    path = disqus_file(tmp_path / "d.xml", [
        disqus_thread("1", "https://news.example.org/old", "Old story"),
        disqus_post("1", "1", "<p>Old comment</p>", name="Old"),
        disqus_post("2", "1", "Old reply", name="Older", parent="1"),
    ])
    call_command("import", "disqus", str(path), "--no-progress", stdout=io.StringIO())
    # Reports: one open, two kept by a moderator.
    report_create(comment_id=first.pk, reason="abuse", text="Not nice", reporter_hash="r1")
    second = factories.make_published(moderator, body="Reported and kept", author="Fa")
    report_create(comment_id=second.pk, reason="spam", reporter_hash="r2")
    report_create(comment_id=second.pk, reason="other", reporter_hash="r3")
    reports_keep(comment_id=second.pk, moderator=moderator)
    # Bans: a suspension on a desk, lifted; a permanent ban on every desk.
    troll = factories.make_comment(body="Troll", author="Gu", token="troll-token")
    lifted = ban_create(actor=editor, commenter_id=troll.commenter_id, desk_code=desk.code,
                        days=3, reason="cool down")
    ban_lift(actor=admin, ban_id=lifted.pk)
    ban_create(actor=admin, commenter_id=troll.commenter_id, reason="again")
    # A campaign: three near-identical comments make a triage cluster.
    for n in range(3):
        factories.make_comment(body=SPAM.format(n=n), author=f"Bot {n}")
    # An erased comment (deleted by its author after a decision).
    gone = factories.make_published(moderator, body="Regret this", author="Ha",
                                    token="regret-token")
    reader_comments_delete(commenter=gone.commenter, comment_id=gone.pk)
    # Settings.
    term_add(desk_code=desk.code, term="dimwit", user=editor)
    term_add(desk_code=rtl_site.default_desk.code, term="ئەخمەق")
    policy_set(site=site, hold_threshold=70, reject_threshold=95, reject_clause=5)
    site_two_factor_set(site=site, required=True)
    site_auto_close_set(site_id=site.pk, days=30)
    Site.objects.filter(pk=rtl_site.pk).update(body_max_length=1200)
    thread_settings_update(actor=editor, thread_id=first.thread_id, is_open=True,
                           moderation="post",
                           closes_at=timezone.now() + dt.timedelta(days=10))
    webhook_add(site=site, url="https://cms.example.org/hook", events=["comment.approved"])
    queue_alert_set(desk=desk, threshold=10, recipients=["desk@example.org"])
    integration_token_create(name="cms", scopes=["threads:write"], desk_codes=[desk.code])


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_export_has_no_secrets(newsroom, moderator):
    text = export_text()
    records = _records(text)
    assert records[0] == {"type": "tribune-export", "version": 2, "secrets": False}
    end = records[-1]
    assert end["type"] == "end" and end["comments"] == 14
    assert (end["reports"], end["bans"], end["webhooks"], end["erasures"]) == (3, 2, 1, 1)
    assert end["clusters"] == 1 and end["terms"] == 2 and end["triaged"] == 12
    assert {r["type"] for r in records} == {
        "tribune-export", "desk", "site", "moderator", "integration", "terms", "thread",
        "cluster", "comment", "ban", "end"}
    assert "password" not in text and moderator.token not in text
    assert "pbkdf2" not in text and "argon2" not in text and "whsec_" not in text
    assert "desk@example.org" in text  # a queue alert's staff address is configuration


def test_secrets_only_when_asked(newsroom, moderator):
    out = io.StringIO()
    call_command("export", "-", "--include-secrets", stdout=out)
    text = out.getvalue()
    assert _records(text)[0]["secrets"] is True
    assert "argon2" in text and "whsec_" in text
    # Never, even when asked: API tokens, authenticator secrets, readers' addresses.
    assert moderator.token not in text and "key_hash" not in text


def _import_summary(out: str) -> None:
    assert "Imported 14 comments from tribune (7 published, 6 awaiting moderation, " \
           "1 not published)" in out
    assert "Replies linked to their parents: 2" in out
    assert "2 bans" in out and "3 reports" in out and "1 erasures" in out
    assert "1 triage clusters" in out and "2 triage terms" in out


def test_round_trip_through_a_fresh_database_is_identical(newsroom, tmp_path, fresh_tribune):
    """With --include-secrets, everything comes back, line for line; the new
    server's moderators log in with their old passwords."""
    first = tmp_path / "first.jsonl"
    call_command("export", str(first), "--include-secrets", stdout=io.StringIO())
    assert first.stat().st_mode & 0o077 == 0  # a file with secrets: owner only

    fresh_tribune.run("migrate", "--verbosity", "0")
    out = fresh_tribune.run("import", "tribune", str(first)).stdout
    _import_summary(out)
    assert "1 webhooks" in out and "Webhooks not created" not in out
    again = fresh_tribune.run("import", "tribune", str(first)).stdout
    assert "Imported 0 comments" in again and "14 already imported" in again
    assert "Also created" not in again

    second = fresh_tribune.workdir / "second.jsonl"
    fresh_tribune.run("export", str(second), "--include-secrets")
    assert second.read_text().splitlines() == first.read_text().splitlines()

    checked = fresh_tribune.run("shell", "-c", (
        "from django.contrib.auth import authenticate\n"
        "from tribune.triage.models import Band\n"
        "from tribune.publishing.models import ThreadRender\n"
        f"print(bool(authenticate(username='editor', password='{factories.PASSWORD}')),"
        " Band.objects.count() > 0, ThreadRender.objects.count() > 0)")).stdout
    assert checked.splitlines()[-1].split() == ["True", "True", "True"]


def test_default_round_trip_leaves_only_secrets_behind(newsroom, tmp_path, fresh_tribune):
    """Without --include-secrets the state comes back identical except what
    needs a secret: moderators set a new password, and the webhook is listed
    for the operator to add again with the receiver's secret."""
    first = tmp_path / "first.jsonl"
    call_command("export", str(first), stdout=io.StringIO())
    fresh_tribune.run("migrate", "--verbosity", "0")
    out = fresh_tribune.run("import", "tribune", str(first)).stdout
    _import_summary(out)
    assert ("tribune webhook add https://news.example.org https://cms.example.org/hook "
            "--event comment.approved --secret SECRET") in out
    assert ("Moderators created without a password, because the export holds none (3); "
            "set each one with tribune changepassword NAME: admin, editor, moderator.") in out
    second = fresh_tribune.workdir / "second.jsonl"
    fresh_tribune.run("export", str(second))

    def without_secrets(path):
        records = _records(path.read_text())
        for record in records:
            if record["type"] == "site":
                record["webhooks"] = []
            elif record["type"] == "moderator":
                record["can_log_in"] = None
            elif record["type"] == "end":
                record.pop("webhooks", None)
        return records

    assert without_secrets(second) == without_secrets(first)
    assert [r["can_log_in"] for r in _records(second.read_text())
            if r["type"] == "moderator"] == [False] * 4
    assert '"webhooks":[]' in second.read_text()
    # The Disqus history came along with its Disqus ids: the same Disqus file
    # (with one reply more) imports only what is new, the reply under its parent.
    more = disqus_file(tmp_path / "more.xml", [
        disqus_thread("1", "https://news.example.org/old", "Old story"),
        disqus_post("1", "1", "<p>Old comment</p>", name="Old"),
        disqus_post("2", "1", "Old reply", name="Older", parent="1"),
        disqus_post("3", "1", "A late reply", name="Late", parent="1"),
    ])
    out = fresh_tribune.run("import", "disqus", str(more)).stdout
    assert "Imported 1 comments" in out and "2 already imported" in out
    assert "Replies linked to their parents: 1;" in out
    checked = fresh_tribune.run("shell", "-c", (
        "from django.contrib.auth import get_user_model\n"
        "print(get_user_model().objects.get(username='editor').has_usable_password())"))
    assert checked.stdout.splitlines()[-1] == "False"


def test_history_imported_on_both_servers_arrives_once(newsroom, tmp_path, fresh_tribune):
    """The same Disqus file imported on the new server first, then the old
    server's export: its Disqus comments are not imported a second time."""
    export = tmp_path / "old.jsonl"
    call_command("export", str(export), stdout=io.StringIO())
    fresh_tribune.run("migrate", "--verbosity", "0")
    fresh_tribune.run("site", "add", "https://news.example.org")
    fresh_tribune.run("import", "disqus", str(tmp_path / "d.xml"))
    out = fresh_tribune.run("import", "tribune", str(export)).stdout
    assert "Imported 12 comments" in out and "2 already imported" in out


def test_own_export_into_the_same_database_imports_nothing(newsroom, tmp_path):
    path = tmp_path / "own.jsonl"
    call_command("export", str(path), stdout=io.StringIO())
    before = (Comment.objects.count(), Ban.objects.count(), Cluster.objects.count(),
              Report.objects.count())
    out = io.StringIO()
    call_command("import", "tribune", str(path), "--no-progress", stdout=out)
    assert "Imported 0 comments" in out.getvalue()
    assert before == (Comment.objects.count(), Ban.objects.count(), Cluster.objects.count(),
                      Report.objects.count())


def test_hostile_records_are_refused_whole(newsroom, tmp_path, fresh_tribune):
    lines = export_text().splitlines()
    records = _records("\n".join(lines))
    ban = next(i for i, r in enumerate(records) if r["type"] == "ban")
    records[ban]["created_by"] = "nobody"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    fresh_tribune.run("migrate", "--verbosity", "0")
    result = fresh_tribune.run("import", "tribune", str(bad), check=False)
    assert result.returncode != 0
    assert f"Line {ban + 1}: A ban names a moderator nobody" in result.stderr
    newer = tmp_path / "newer.jsonl"
    newer.write_text('{"type": "tribune-export", "version": 99}\n{"type": "end"}\n')
    result = fresh_tribune.run("import", "tribune", str(newer), check=False)
    assert "format version 99" in result.stderr
    count = fresh_tribune.run("shell", "-c", (
        "from tribune.comments.models import Comment\n"
        "from django.contrib.auth import get_user_model\n"
        "print(Comment.objects.count(), get_user_model().objects.count())")).stdout
    assert count.splitlines()[-1].split() == ["0", "0"]


def test_truncated_or_corrupt_export_is_refused_whole(newsroom, tmp_path, django_db_blocker):
    lines = export_text().splitlines(keepends=True)
    before = Comment.objects.count()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:-3]))
    # Into the same database nothing is new; a fresh-looking key proves it would be refused.
    with pytest.raises(CommandError, match="cut short"):
        call_command("import", "tribune", str(cut), "--no-progress")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(lines[:5]) + '{"type": "comment", "key": "x:1"\n')
    with pytest.raises(CommandError, match="Line 6 is not a JSON record"):
        call_command("import", "tribune", str(broken), "--no-progress")
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"type": "comment"}\n')
    with pytest.raises(CommandError, match="not a Tribune export"):
        call_command("import", "tribune", str(wrong), "--no-progress")
    assert Comment.objects.count() == before


def _big_disqus(path, *, first: int, n: int):
    with path.open("w", encoding="utf-8") as out:
        out.write(disqus_file(path.with_suffix(".head"), []).read_text()[: -len("</disqus>\n")])
        for t in range(20):
            out.write(disqus_thread(str(t), f"https://news.example.org/story/{t}", f"Story {t}"))
        for i in range(first, first + n):
            parent = str(i - 1) if i % 5 == 0 and i > first else None
            out.write(disqus_post(str(i), str(i % 20), f"<p>Comment number {i} " + "x" * 200
                                  + "</p>", name=f"Reader {i % 300}", parent=parent))
        out.write("</disqus>\n")
    return path


def _peak_import(path) -> int:
    tracemalloc.start()
    try:
        call_command("import", "disqus", str(path), "--no-progress", stdout=io.StringIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_large_import_streams_in_bounded_memory(site, tmp_path):
    """Three times the comments, about the same peak memory: the import holds a
    batch, not the file. (bench/import_memory.py runs 20,000 and more.)"""
    small = _peak_import(_big_disqus(tmp_path / "small.xml", first=1, n=1_000))
    path = _big_disqus(tmp_path / "large.xml", first=100_000, n=3_000)
    started = time.monotonic()
    large = _peak_import(path)
    print(f"\npeak {small / 1e6:.1f} MB for 1,000 comments, {large / 1e6:.1f} MB for 3,000 "
          f"({path.stat().st_size / 1e6:.1f} MB file, {time.monotonic() - started:.1f} s)")
    assert Comment.objects.count() == 4_000
    assert large < 1.5 * small
    assert large < 20e6
