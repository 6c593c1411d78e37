"""The thread page in a real browser with JavaScript switched off (Tor Browser's
safest mode): send a comment, see it wait, see it published; a right-to-left desk."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tribune.comments.models import Comment
from tribune.core.testing import make_published, spoken
from tribune.moderation.decisions import comment_decide

pytestmark = pytest.mark.browser

ARTICLE = "https://news.example.org/2026/11/article"
UG_ARTICLE = "https://uy.example.org/2026/11/maqale"
AWAITING = "Awaiting moderation. Only you can see it; it will not appear in real time."


def thread_url(live_server, article: str) -> str:
    return f"{live_server.url}/embed/thread?{urlencode({'url': article})}"


def watch_requests(page, live_server) -> list[str]:
    """Every URL the page asks for that is not our own server's."""
    foreign: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url)
            else foreign.append(request.url))
    return foreign


def test_reader_sends_a_comment_and_sees_it_published(transactional_db, live_server, nojs_page,
                                                      site, moderator):
    from playwright.sync_api import expect

    page = nojs_page
    foreign = watch_requests(page, live_server)
    page.goto(thread_url(live_server, ARTICLE))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_text("Comments are moderated before publication")).to_be_visible()

    page.get_by_label("Display name").fill("Mina")
    page.get_by_label("Comment", exact=True).fill("First line\nSecond line")
    page.get_by_role("button", name="Send for moderation").click()

    expect(page.locator(".notice-success")).to_contain_text(
        "Your comment has been received and awaits moderation. It will not appear in real time."
    )
    assert page.url.endswith("#your-comments")
    comment = Comment.objects.get()
    mine = page.locator(f"#mine-{comment.pk}")
    expect(mine.locator(".status")).to_have_text(AWAITING)
    expect(mine.locator(".comment-body")).to_have_text("First line\nSecond line")
    expect(page.locator("#comments")).not_to_contain_text("First line")

    # The moderator approves through the JSON API, as a moderation client would.
    response = page.request.post(
        f"{live_server.url}/api/v1/moderation/comments/{comment.pk}/decision",
        headers={"Authorization": f"Bearer {moderator.token}",
                 "Content-Type": "application/json"},
        data=json.dumps({"action": "approve"}),
    )
    assert response.status == 200, response.text()

    page.reload()
    published = page.locator(f"#comment-{comment.pk}")
    expect(published.locator(".comment-author")).to_have_text("Mina")
    expect(published.locator(".comment-body")).to_have_text("First line\nSecond line")
    expect(mine.locator(".status")).to_have_text("Published")

    # Replying works without scripts too: the link opens the form as a reply.
    published.get_by_role("link", name="Reply to Mina").click()
    expect(page.locator("#reply-to")).to_contain_text("Replying to Mina")
    page.get_by_label("Display name").fill("Jae-won")
    page.get_by_label("Comment", exact=True).fill("An answer.")
    page.get_by_role("button", name="Send for moderation").click()
    reply = Comment.objects.exclude(pk=comment.pk).get()
    assert reply.parent_id == comment.pk
    expect(page.locator(f"#mine-{reply.pk} .in-reply-to")).to_have_text("In reply to Mina")

    assert foreign == []


def test_a_refused_comment_keeps_the_text_in_the_browser(transactional_db, live_server,
                                                         nojs_page, site):
    from playwright.sync_api import expect

    page = nojs_page
    page.goto(thread_url(live_server, ARTICLE))
    page.get_by_label("Display name").fill("Bell\u0007ringer")
    page.get_by_label("Comment", exact=True).fill("Text I do not want to lose.")
    page.get_by_role("button", name="Send for moderation").click()

    expect(page.locator(".error-summary")).to_contain_text("invisible control character")
    expect(page.locator("#author-error")).to_be_visible()
    expect(page.get_by_label("Comment", exact=True)).to_have_value("Text I do not want to lose.")
    assert Comment.objects.count() == 0


def test_right_to_left_desk_page(transactional_db, live_server, nojs_page, rtl_site,
                                 screenshots):
    from playwright.sync_api import expect

    first = make_published(url=UG_ARTICLE, author="ئابدۇرېھىم",
                           body="بۇ ماقالە ناھايىتى ياخشى يېزىلىپتۇ.\nرەھمەت!")
    make_published(url=UG_ARTICLE, author="Mehmet", parent=first.pk,
                   body="I agree — ماقۇل. The figures in the second paragraph are from 2025.")
    edited = make_published(url=UG_ARTICLE, author="گۈلنار", body="ھەممىسى يالغان!")
    comment_decide(comment_id=edited.pk, moderator=None, action="edit", clause=2,
                   body="بۇ سانلارنىڭ مەنبەسى نەدە؟")

    page = nojs_page
    foreign = watch_requests(page, live_server)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(thread_url(live_server, UG_ARTICLE))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ug")

    # The desk's own words (Uyghur), not the English ones.
    page.get_by_label(spoken("ug", "Display name")).fill("ئەركىن")
    page.get_by_label(spoken("ug", "Comment"), exact=True).fill(
        "مەن بۇ ماقالىنى ئوقۇدۇم.\nكۆپ رەھمەت.")
    page.get_by_role("button", name=spoken("ug", "Send for moderation")).click()
    expect(page.locator("#your-comments .status-pending")).to_have_text(spoken("ug", AWAITING))

    # On a 360 px screen nothing sticks out of the page: right-to-left, the
    # text column hugs the right edge.
    for selector in (".comment-body", "#id_body", "button", ".status", "h1"):
        for box in (el.bounding_box() for el in page.locator(selector).all()):
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360 + 0.5, selector
    title = page.locator("h1").bounding_box()
    assert title["x"] + title["width"] > 300  # starts at the right

    page.set_viewport_size({"width": 480, "height": 900})
    page.goto(thread_url(live_server, UG_ARTICLE) + "#main")
    page.screenshot(path=str(screenshots / "reader-thread.png"), full_page=True)
    assert foreign == []
