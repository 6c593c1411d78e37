"""Huge and crafted WordPress exports (issue #20): the import streams, so memory
does not grow with the file, and a crafted record is refused while it is read —
never held whole — with a message a person understands; nothing is imported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tribune.comments.models import Comment
from tribune.importers.engine import ImportRefused
from tribune.importers.services import import_file
from tribune.importers.xml import DEPTH_MAX, HELD_MAX, STRETCH_BYTES_MAX

from .files import WXR_HEAD, wp_comment, wp_item, wxr_file

LINK = "https://news.example.org/2026/12/huge"


def _import(path: Path) -> tuple[object, int]:
    """Import ``path``; (counts or the refusal, the most bytes read)."""
    read = [0]

    def advance(n: int) -> None:
        read[0] += n

    try:
        outcome: object = import_file(source="wordpress", path=path, bytes_read=advance)
    except ImportRefused as refusal:
        outcome = refusal
    return outcome, read[0]


def test_a_huge_comment_is_refused_before_the_file_is_read_whole(db, site, tmp_path):
    path = tmp_path / "huge-text.xml"
    size = 4 * STRETCH_BYTES_MAX
    with path.open("w", encoding="utf-8") as out:
        out.write(WXR_HEAD + f"<item><title>Huge</title><link>{LINK}</link>"
                  "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>")
        chunk = "a" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write("</wp:comment_content></wp:comment></item></channel></rss>\n")
    started = time.monotonic()
    outcome, read = _import(path)
    assert isinstance(outcome, ImportRefused)
    assert "without an element starting or ending" in outcome.message
    # Refused as the stretch grew past the bound: three quarters of the file unread.
    assert read <= STRETCH_BYTES_MAX + 1024 * 1024 < path.stat().st_size // 2
    assert time.monotonic() - started < 30
    assert not Comment.objects.exists()


def test_deep_nesting_is_refused(db, site, tmp_path):
    depth = 200_000
    path = tmp_path / "deep.xml"
    path.write_text(WXR_HEAD + f"<item><title>Deep</title><link>{LINK}</link>"
                    + "<x>" * depth + "</x>" * depth + "</item></channel></rss>\n")
    started = time.monotonic()
    outcome, _read = _import(path)
    assert isinstance(outcome, ImportRefused)
    assert f"nest more than {DEPTH_MAX} deep" in outcome.message
    assert time.monotonic() - started < 10  # copying the open elements was quadratic


@pytest.mark.parametrize("crafted", ["children", "comments_before_link"])
def test_an_item_holding_too_much_is_refused(db, site, tmp_path, crafted):
    path = tmp_path / f"{crafted}.xml"
    if crafted == "children":
        # Kept in the item until it ends, and scanned for each of its comments.
        body = "<category>x</category>" * (HELD_MAX + 1)
        item = f"<item><title>Many</title><link>{LINK}</link>{body}</item>"
    else:
        # (the parser reads ahead: comments in the same stretch as the link wait not)
        comments = "".join(wp_comment(n, "Hi") for n in range(1, 2 * HELD_MAX))
        item = f"<item><title>Late link</title>{comments}<link>{LINK}</link></item>"
    path.write_text(WXR_HEAD + item + "</channel></rss>\n")
    outcome, _read = _import(path)
    assert isinstance(outcome, ImportRefused)
    assert f"more than {HELD_MAX}" in outcome.message
    assert not Comment.objects.exists()


def test_a_large_real_export_is_within_the_bounds(db, site, tmp_path):
    # An article with more comments than HELD_MAX, each as long as a comment may be:
    # comments are read one by one and taken away, so no bound is reached.
    comments = [wp_comment(n, "Long comment. " * 200) for n in range(1, HELD_MAX + 500)]
    path = wxr_file(tmp_path / "large.xml", [wp_item(LINK, "Large", comments)])
    outcome, read = _import(path)
    assert not isinstance(outcome, ImportRefused), outcome
    assert read == path.stat().st_size
    assert Comment.objects.count() == HELD_MAX + 499
