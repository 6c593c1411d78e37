"""Every field of a Disqus, WordPress (WXR) and Isso export, and what it becomes
in Tribune (the tables of docs/import-export.md), on exports shaped like the real
ones (``exports/``): closed and deleted threads, deleted, spam and pending
comments, anonymous authors, parent chains that do not hold, and what is never
carried over (e-mail and IP addresses, websites, likes).

A closed thread is checked where it matters: a reader's comment sent to it
through the API is refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from tribune.comments.models import Comment, Status
from tribune.importers.models import ImportedComment, ImportRun
from tribune.moderation.models import Decision
from tribune.sites.models import Site
from tribune.threads.models import Thread

EXPORTS = Path(__file__).parent / "exports"
ORIGIN = "https://news.example.org"


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out)
    return out.getvalue()


def stored_text() -> str:
    """Everything Tribune keeps of the import: rows and its own export."""
    text = json.dumps([list(model.objects.values()) for model in
                       (Comment, Thread, Decision, ImportedComment, ImportRun)], default=str)
    out = io.StringIO()
    call_command("export", "-", stdout=out)
    return text + out.getvalue()


def comment(body: str) -> Comment:
    return Comment.objects.select_related("thread", "parent").get(body=body)


def submit(url: str):
    return Client().post("/api/v1/comments", {"url": url, "author": "Reader", "body": "Hello"},
                         content_type="application/json")


def closed_and_dated(url: str, created: str) -> Thread:
    thread = Thread.objects.get(url=url)
    assert not thread.is_open
    assert thread.created_at == dt.datetime.fromisoformat(created)
    response = submit(url)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "thread_closed"
    published = Client().get("/api/v1/comments", {"url": url}).json()
    assert published["thread"]["open"] is False
    return thread


def imported_twice(*args: str, count: int) -> None:
    """Importing the same file again imports nothing and changes nothing."""
    before = (Comment.objects.count(), Thread.objects.count(), Decision.objects.count(),
              sorted(Thread.objects.values_list("url", "is_open")),
              sorted(Comment.objects.values_list("id", "parent_id", "status")))
    again = run_import(*args)
    assert "Imported 0 comments" in again
    assert f"{count} already imported" in again
    after = (Comment.objects.count(), Thread.objects.count(), Decision.objects.count(),
             sorted(Thread.objects.values_list("url", "is_open")),
             sorted(Comment.objects.values_list("id", "parent_id", "status")))
    assert after == before


def test_disqus_export_keeps_every_field(site, api):
    out = run_import("disqus", str(EXPORTS / "disqus.xml"))

    assert "Imported 16 comments from disqus (12 published, 1 awaiting moderation, " \
           "3 not published)" in out
    assert "Threads: 5 created (3 of them closed, as in the source)" in out
    assert "1 skipped" in out and "https://blog.elsewhere.example/post" in out
    assert "Replies linked to their parents: 2; shown at the top level: 4 (parent missing: 1, " \
           "under another article: 1, not older than the reply: 2)" in out

    # Closed threads stay closed, also one nobody commented on, and a deleted one.
    closed_and_dated(f"{ORIGIN}/2019/06/verdict", "2019-06-02T09:00:00+00:00")
    closed_and_dated(f"{ORIGIN}/2019/07/obituary", "2019-07-03T10:00:00+00:00")
    closed_and_dated(f"{ORIGIN}/2019/08/removed", "2019-08-04T11:00:00+00:00")
    assert comment("Before the comments were closed").status == Status.APPROVED
    # An article with a closed and an open thread in Disqus stays open.
    assert Thread.objects.get(url=f"{ORIGIN}/2019/09/election").is_open
    assert submit(f"{ORIGIN}/2019/05/budget").status_code == 202
    budget = Thread.objects.get(url=f"{ORIGIN}/2019/05/budget")
    assert budget.title == "The budget, line by line"
    assert budget.created_at == dt.datetime(2019, 5, 1, 8, tzinfo=dt.UTC)

    # Statuses, and the audit row that says where a decision came from.
    ana = comment("Hello & welcome\n\nLine two\nline three")
    assert ana.status == Status.APPROVED and ana.author == "Ana"
    assert ana.submitted_at == ana.published_at == dt.datetime(2019, 5, 1, 10, tzinfo=dt.UTC)
    spam = comment("Cheap pills at shop.example.com")
    assert spam.status == Status.REJECTED and spam.decision_clause == 5
    assert Decision.objects.get(comment=spam).note == \
        "imported from disqus: marked as spam in the source"
    deleted = comment("Something the desk removed")
    assert deleted.status == Status.REJECTED
    assert Decision.objects.get(comment=deleted).note == \
        "imported from disqus: deleted in the source"
    under_removed = comment("Under a removed discussion")
    assert under_removed.status == Status.REJECTED and under_removed.decision_clause == 5
    assert Decision.objects.get(comment=under_removed).note == \
        "imported from disqus: its thread was deleted in the source"
    pending = comment("Still in the Disqus queue")
    assert pending.status == Status.PENDING and pending.decided_at is None
    assert not Decision.objects.filter(comment=pending).exists()
    queue = api.get("/api/v1/moderation/queue", {"status": "pending"}).json()["comments"]
    assert pending.pk in [c["id"] for c in queue]

    # Authors: an account is one commenter; each nameless guest is their own.
    assert comment("Ana, later.").commenter_id == ana.commenter_id
    first, second = comment("First nameless guest"), comment("Second nameless guest")
    assert first.author == second.author == "Anonymous"
    assert first.commenter_id != second.commenter_id
    bo = comment("I agree — mostly.")
    assert bo.author == "Bo" and bo.commenter_id != ana.commenter_id

    # Parents: linked when they hold, top level otherwise, never a cycle.
    assert bo.parent_id == ana.pk
    assert comment("Reply to a post that is not in the file").parent_id is None
    assert comment("Reply to a post under another article").parent_id is None
    assert comment("First of a cycle").parent_id is None
    assert comment("Second of a cycle").parent_id == comment("First of a cycle").pk
    assert comment("Its own parent").parent_id is None

    stored = stored_text()
    for personal in ("@mail.example.net", "desk@example.org", "203.0.113.", "198.51.100.",
                     "ana_reads"):
        assert personal not in stored

    imported_twice("disqus", str(EXPORTS / "disqus.xml"), count=16)


def test_wordpress_export_keeps_every_field(site):
    out = run_import("wordpress", str(EXPORTS / "wordpress.xml"))

    assert "Imported 15 comments from wordpress (11 published, 1 awaiting moderation, " \
           "3 not published)" in out
    assert "Threads: 4 created (2 of them closed, as in the source)" in out
    assert "3 other (pingbacks" in out
    assert "Replies linked to their parents: 2; shown at the top level: 3 (parent missing: 1, " \
           "under another article: 1, not older than the reply: 1)" in out

    closed_and_dated(f"{ORIGIN}/2019/06/verdict/", "2019-06-02T09:00:00+00:00")
    closed_and_dated(f"{ORIGIN}/2019/07/obituary/", "2019-07-03T10:00:00+00:00")
    # An attachment's or an order's settings make no thread.
    assert not Thread.objects.filter(url__contains="photo").exists()
    assert not Thread.objects.filter(url__contains="shop_order").exists()
    assert not Comment.objects.filter(body__contains="Order status").exists()
    assert not Comment.objects.filter(body__contains="back").exists()  # ping- and trackbacks
    budget = Thread.objects.get(url=f"{ORIGIN}/2019/05/budget/")
    assert budget.is_open and budget.created_at == dt.datetime(2019, 5, 1, 8, tzinfo=dt.UTC)

    wen = comment("First comment\nwith a break")
    assert wen.status == Status.APPROVED
    assert comment("A reply to Wen").parent_id == wen.pk
    assert comment("Held for moderation").status == Status.PENDING
    for body, note in (("Spam spam https://casino.example.com", "marked as spam in the source"),
                       ("Moved to the trash", "deleted in the source"),
                       ("Under a post moved to the trash", "deleted in the source")):
        rejected = comment(body)
        assert rejected.status == Status.REJECTED
        assert Decision.objects.get(comment=rejected).note == f"imported from wordpress: {note}"

    # A signed-in user is one commenter; a visitor using the same name is another.
    assert comment("Wen again, signed in").commenter_id == wen.commenter_id
    assert comment("A visitor who calls herself Wen").commenter_id != wen.commenter_id
    nameless = [comment("A visitor who gave no name"), comment("Another visitor who gave no name")]
    assert {c.author for c in nameless} == {"Anonymous"}
    assert nameless[0].commenter_id != nameless[1].commenter_id

    assert comment("Reply to a comment not in the file").parent_id is None
    assert comment("Reply to a comment under another post").parent_id is None
    assert comment("First of a cycle").parent_id is None
    assert comment("Second of a cycle").parent_id == comment("First of a cycle").pk

    stored = stored_text()
    for personal in ("@mail.example.net", "@news.example.org", "192.0.2.", "wen-blog",
                     "xi.example.com", "akismet", "_wp_trash"):
        assert personal not in stored

    imported_twice("wordpress", str(EXPORTS / "wordpress.xml"), count=15)


def _isso_db(tmp_path: Path) -> Path:
    path = tmp_path / "comments.db"
    db = sqlite3.connect(path)
    db.executescript((EXPORTS / "isso.sql").read_text(encoding="utf-8"))
    db.close()
    return path


def test_isso_database_keeps_every_field(site, tmp_path):
    path = _isso_db(tmp_path)
    out = run_import("isso", str(path), "--origin", ORIGIN)

    assert "Imported 10 comments from isso (9 published, 1 awaiting moderation, " \
           "0 not published)" in out
    assert "1 deleted with nothing left" in out
    assert "Threads: 2 created (0 of them closed" in out
    assert "Replies linked to their parents: 2; shown at the top level: 4 (parent missing: 2, " \
           "under another article: 1, not older than the reply: 1)" in out

    iris = comment("Plain *markdown* text\nsecond line")
    assert iris.status == Status.APPROVED and iris.author == "Iris"
    assert iris.submitted_at == dt.datetime(2019, 5, 1, 10, 0, 0, 250000, tzinfo=dt.UTC)
    assert iris.edited_body is None  # Isso's "modified" is the author's edit: the text is kept
    reply = comment("An anonymous reply")
    assert reply.author == "Anonymous" and reply.parent_id == iris.pk
    other = comment("Another anonymous reader")
    assert other.author == "Anonymous" and other.commenter_id != reply.commenter_id
    assert comment("Waiting for a moderator").status == Status.PENDING
    assert comment("Reply to a deleted comment").parent_id is None
    assert comment("Reply to a comment not in the file").parent_id is None
    assert comment("Reply to a comment under another article").parent_id is None
    assert comment("Second of a cycle").parent_id == comment("First of a cycle").pk
    assert comment("On the verdict").thread.title == ""
    assert Thread.objects.get(url=f"{ORIGIN}/2019/05/budget/").is_open

    stored = stored_text()
    for personal in ("@mail.example.net", "192.0.2.0", "198.51.100.0", "iris.example.com",
                     "session-key"):
        assert personal not in stored

    imported_twice("isso", str(path), "--origin", ORIGIN, count=10)


def test_a_thread_already_here_keeps_its_settings(site):
    """What exists wins: a moderator reopened an article before the import."""
    Client().post("/api/v1/comments", {"url": f"{ORIGIN}/2019/06/verdict", "author": "A",
                                       "body": "Before the migration"},
                  content_type="application/json")
    out = run_import("disqus", str(EXPORTS / "disqus.xml"))
    assert "Threads: 4 created (2 of them closed, as in the source), 1 already there" in out
    assert Thread.objects.get(url=f"{ORIGIN}/2019/06/verdict").is_open


def test_automatic_closing_counts_from_the_article_date(site):
    """A site that closes threads after 30 days: an article of 2019 is closed,
    not given 30 more days from the day of the migration."""
    Site.objects.filter(pk=site.pk).update(auto_close_days=30)
    run_import("disqus", str(EXPORTS / "disqus.xml"))
    budget = Thread.objects.get(url=f"{ORIGIN}/2019/05/budget")
    assert budget.closes_at == dt.datetime(2019, 5, 31, 8, tzinfo=dt.UTC)
    response = submit(f"{ORIGIN}/2019/05/budget")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "thread_closed"

