"""``tribune export`` and ``tribune import tribune``: a round trip through a
fresh database gives back the same state, line for line."""

from __future__ import annotations

import io
import json
import time
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from tribune.comments.models import Comment
from tribune.core import testing as factories
from tribune.moderation.services import comment_decide

from .files import disqus_file, disqus_post, disqus_thread

ARTICLE = "https://news.example.org/2026/11/article"


def export_text() -> str:
    out = io.StringIO()
    call_command("export", "-", stdout=out)
    return out.getvalue()


@pytest.fixture
def newsroom(site, rtl_site, moderator, tmp_path):
    """A bit of everything: published, edited, rejected, pending, replies, two
    desks, an imported history."""
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


def test_export_has_no_secrets(newsroom, moderator):
    text = export_text()
    records = [json.loads(line) for line in text.splitlines()]
    assert records[0] == {"type": "tribune-export", "version": 1}
    assert records[-1]["type"] == "end" and records[-1]["comments"] == 8
    assert {r["type"] for r in records} == {"tribune-export", "desk", "site", "moderator",
                                             "thread", "comment", "end"}
    assert "password" not in text and moderator.token not in text
    assert "pbkdf2" not in text and "argon2" not in text


def test_round_trip_through_a_fresh_database_is_identical(newsroom, tmp_path, fresh_tribune):
    first = tmp_path / "first.jsonl"
    call_command("export", str(first), stdout=io.StringIO())

    fresh_tribune.run("migrate", "--verbosity", "0")
    out = fresh_tribune.run("import", "tribune", str(first)).stdout
    assert "Imported 8 comments from tribune (5 published, 2 awaiting moderation, " \
           "1 not published)" in out
    assert "Replies linked to their parents: 2" in out
    again = fresh_tribune.run("import", "tribune", str(first)).stdout
    assert "Imported 0 comments" in again and "8 already imported" in again

    second = fresh_tribune.workdir / "second.jsonl"
    fresh_tribune.run("export", str(second))
    assert second.read_text().splitlines() == first.read_text().splitlines()


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
