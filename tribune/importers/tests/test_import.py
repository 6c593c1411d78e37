"""Imports from files the tests make: what arrives, what is refused, and that
nothing arrives twice or half."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tribune.comments.models import Comment, Status
from tribune.importers.models import ImportedComment, ImportRun
from tribune.moderation.models import Decision
from tribune.publishing.selectors import published_view
from tribune.threads.models import Thread

from .files import (
    DISQUS_HEAD,
    disqus_file,
    disqus_post,
    disqus_thread,
    isso_db,
    wp_comment,
    wp_item,
    wxr_file,
)

ARTICLE = "https://news.example.org/2021/03/budget"
SECOND = "https://news.example.org/2021/04/election"
ELSEWHERE = "https://blog.elsewhere.example/post"


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out)
    return out.getvalue()


def nothing_imported() -> None:
    assert Comment.objects.count() == 0
    assert Thread.objects.count() == 0
    assert Decision.objects.count() == 0
    assert ImportRun.objects.count() == 0


def personal_data_absent(*needles: str) -> None:
    """No address of the source's is anywhere in what Tribune stored."""
    stored = json.dumps(list(Comment.objects.values()), default=str)
    stored += json.dumps(list(Thread.objects.values()), default=str)
    stored += json.dumps(list(Decision.objects.values()), default=str)
    out = io.StringIO()
    call_command("export", "-", stdout=out)
    stored += out.getvalue()
    for needle in needles:
        assert needle not in stored


@pytest.fixture
def disqus_export(tmp_path):
    return disqus_file(tmp_path / "disqus.xml", [
        disqus_thread("100", ARTICLE, "Budget & taxes"),
        disqus_thread("200", ELSEWHERE, "Not ours"),
        disqus_thread("300", SECOND, "Election"),
        # A reply that comes before its parent in the file.
        disqus_post("2", "100", "<p>I agree &mdash; <em>mostly</em>.</p>", name="Bo",
                    parent="1", created="2021-03-04T06:00:00Z"),
        disqus_post("1", "100", "<p>Hello &amp; <b>welcome</b></p><p>Line two<br>line three"
                    "</p><script>alert(1)</script>", name="Ana", username="ana"),
        disqus_post("3", "100", "Buy cheap pills", name="Spammer", spam=True),
        disqus_post("4", "100", "<p>Removed</p>", name="Cy", deleted=True),
        disqus_post("5", "300", "Awaiting a moderator", name="Di", approved=False),
        disqus_post("6", "200", "On a site we do not host", name="Ed"),
        disqus_post("7", "300", "한국어 댓글입니다", name="민수", username="minsu"),
    ])


def test_disqus_export_arrives_whole(site, disqus_export):
    out = run_import("disqus", str(disqus_export))

    assert "Imported 6 comments from disqus (3 published, 1 awaiting moderation, " \
           "2 not published)" in out
    assert "Threads: 2 created" in out and "1 skipped" in out
    assert ELSEWHERE in out
    assert "Replies linked to their parents: 1" in out

    ana = Comment.objects.get(author="Ana")
    assert ana.body == "Hello & welcome\n\nLine two\nline three"
    assert ana.status == Status.APPROVED and ana.published_at is not None
    reply = Comment.objects.get(author="Bo")
    assert reply.parent_id == ana.pk
    assert reply.body == "I agree — mostly."
    spam = Comment.objects.get(author="Spammer")
    assert spam.status == Status.REJECTED and spam.decision_clause == 5
    assert Decision.objects.get(comment=spam).note == \
        "imported from disqus: marked as spam in the source"
    assert Comment.objects.get(author="Cy").status == Status.REJECTED
    assert Comment.objects.get(author="Di").status == Status.PENDING
    assert not Decision.objects.filter(comment__author="Di").exists()
    assert Decision.objects.get(comment=ana).moderator is None
    assert Thread.objects.get(url=ARTICLE).title == "Budget & taxes"

    body, _etag = published_view(url=ARTICLE)
    view = json.loads(body)
    assert [c["author"] for c in view["comments"]] == ["Ana", "Bo"]
    assert view["comments"][1]["parent"] == ana.pk
    assert json.loads(published_view(url=SECOND)[0])["comments"][0]["author"] == "민수"
    personal_data_absent("reader@example.net", "203.0.113.42", "editor@example.org",
                         "198.51.100.7", "alert(1)")

    again = run_import("disqus", str(disqus_export))
    assert "Imported 0 comments" in again
    assert "6 already imported" in again
    assert Comment.objects.count() == 6
    assert ImportedComment.objects.count() == 6


def test_wordpress_export(site, tmp_path):
    path = wxr_file(tmp_path / "wp.xml", [
        wp_item(ARTICLE, "Budget", [
            wp_comment(11, "First <strong>comment</strong><br/>with a break", author="Wen"),
            wp_comment(12, "A reply", author="Xi", parent=11, user_id=3),
            wp_comment(13, "Held", approved="0"),
            wp_comment(14, "Spam spam", approved="spam"),
            wp_comment(15, "Trashed", approved="trash"),
            wp_comment(16, "Pinged", ctype="pingback"),
        ]),
        wp_item(ELSEWHERE, "Elsewhere", [wp_comment(17, "Not ours")]),
    ])
    out = run_import("wordpress", str(path))
    assert "Imported 5 comments from wordpress (2 published, 1 awaiting moderation, " \
           "2 not published)" in out
    wen = Comment.objects.get(author="Wen")
    assert wen.body == "First comment\nwith a break"
    assert Comment.objects.get(author="Xi").parent_id == wen.pk
    assert Comment.objects.get(body="Held").status == Status.PENDING
    personal_data_absent("wpreader@example.net", "192.0.2.55", "spam.example.com")
    assert "Imported 0 comments" in run_import("wordpress", str(path))
    assert Comment.objects.count() == 5


def test_isso_database(site, tmp_path):
    path = isso_db(tmp_path / "comments.db",
                   [(1, "/2021/03/budget", "Budget"), (2, "/2021/04/election", None)],
                   [(1, 1, None, 1614837967.5, 1, "Plain *markdown* text\nsecond line", "Iris"),
                    (2, 1, 1, 1614838000.0, 1, "Reply", None),
                    (3, 2, None, 1614839000.0, 2, "Waiting", "Jo"),
                    (4, 2, None, 1614839001.0, 4, "Deleted", "Ko")])
    with pytest.raises(CommandError, match="--origin"):
        run_import("isso", str(path))
    nothing_imported()

    out = run_import("isso", str(path), "--origin", "https://news.example.org")
    assert "Imported 4 comments from isso (2 published, 1 awaiting moderation, " \
           "1 not published)" in out
    iris = Comment.objects.get(author="Iris")
    assert iris.body == "Plain *markdown* text\nsecond line"
    assert iris.thread.url == ARTICLE
    assert Comment.objects.get(body="Reply").author == "Anonymous"
    assert Comment.objects.get(body="Reply").parent_id == iris.pk
    personal_data_absent("isso@example.net", "192.0.2.9")
    assert "Imported 0 comments" in run_import("isso", str(path), "--origin",
                                               "https://news.example.org")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<disqus><post><message>&lol4;</message></post></disqus>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE disqus [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<disqus><thread dsq:id="1" xmlns:dsq="x"><link>https://news.example.org/a</link></thread>
<post><message>&xxe;</message></post></disqus>
"""


def _many_posts(n: int) -> list[str]:
    return [disqus_thread("100", ARTICLE, "Budget"),
            *(disqus_post(str(i), "100", f"Comment {i}") for i in range(1, n + 1))]


@pytest.mark.parametrize("name,content,message", [
    ("bomb", BILLION_LAUGHS.encode(), "DTD or entities"),
    ("xxe", EXTERNAL_ENTITY.encode(), "DTD or entities"),
    ("wrong root", b"<?xml version='1.0'?><rss><channel/></rss>", "not a Disqus export"),
    ("not xml", b"\x89PNG\r\n\x1a\n\x00\x00", "not a well-formed Disqus export"),
    ("empty", b"", "not a well-formed Disqus export"),
    ("latin-1 in utf-8", (DISQUS_HEAD + disqus_thread("1", ARTICLE, "T")
                          + disqus_post("1", "1", "Café").replace("Café", "Caf\udce9")
                          + "</disqus>").encode("utf-8", "surrogateescape"),
     "encoding it declares"),
    ("bad date", (DISQUS_HEAD + disqus_thread("1", ARTICLE, "T")
                  + disqus_post("1", "1", "x", created="yesterday") + "</disqus>").encode(),
     "date that cannot be read"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "")
def test_hostile_and_malformed_disqus_files_are_refused_whole(site, tmp_path, name, content,
                                                              message):
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as refused:
        run_import("disqus", str(path))
    assert "Nothing was imported" in str(refused.value)
    nothing_imported()


def test_truncated_file_after_several_batches_leaves_nothing(site, tmp_path):
    full = disqus_file(tmp_path / "full.xml", _many_posts(2500)).read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(full[: len(full) - 300])  # 2,400-odd posts are read and written first
    with pytest.raises(CommandError, match="cut short"):
        run_import("disqus", str(cut))
    nothing_imported()


def test_hostile_wordpress_and_isso_files_are_refused(site, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BILLION_LAUGHS.replace("disqus", "rss"))
    with pytest.raises(CommandError, match="DTD or entities"):
        run_import("wordpress", str(bomb))
    not_db = tmp_path / "comments.db"
    not_db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CommandError, match="not an Isso SQLite database"):
        run_import("isso", str(not_db), "--origin", "https://news.example.org")
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).executescript("CREATE TABLE threads (id, uri);"
                                         "CREATE TABLE comments (id);")
    with pytest.raises(CommandError, match="not an Isso database"):
        run_import("isso", str(other), "--origin", "https://news.example.org")
    with pytest.raises(CommandError, match="no file"):
        run_import("disqus", str(tmp_path / "missing.xml"))
    nothing_imported()


def test_renders_interrupted_after_the_commit_are_finished_by_the_next_import(
        site, disqus_export):
    """Threads are rendered after the import commits; if that stops half way,
    the next import renders what is missing before it starts."""
    from tribune.publishing.models import ThreadRender

    run_import("disqus", str(disqus_export))
    assert ImportRun.objects.get().summary["rendered"] is True
    ThreadRender.objects.all().delete()
    run = ImportRun.objects.get()
    run.summary = {**run.summary, "rendered": False}
    run.save(update_fields=["summary"])
    assert "Imported 0 comments" in run_import("disqus", str(disqus_export))
    assert ImportRun.objects.get(pk=run.pk).summary["rendered"] is True
    assert set(ThreadRender.objects.values_list("url", flat=True)) == {ARTICLE, SECOND}
    view = json.loads(published_view(url=ARTICLE)[0])
    assert [c["author"] for c in view["comments"]] == ["Ana", "Bo"]
