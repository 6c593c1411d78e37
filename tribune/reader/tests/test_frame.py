"""The thread page in a publisher's <iframe>, in Chromium: with JavaScript the
frame fits its content and the page scrolls to the heading the frame's address
points at; without it the frame keeps its height and shows the published
comments first."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tribune.comments.models import Comment
from tribune.core.testing import make_published, make_site
from tribune.embed.testing import HostSite

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def host(live_server):
    assert live_server.url.startswith("http://localhost:")
    site = HostSite(live_server.url, frame=True, paragraphs=40, hostname="localhost")
    make_site(origin=site.origin, name="Host News")
    yield site
    site.close()


def thread_frame(page):
    return next(f for f in page.frames if "/embed/" in f.url or "/terms/" in f.url)


def wait_until_fitted(page, timeout: float = 10) -> float:
    """The frame's height once it equals its document's height (to a pixel)."""
    frame = page.locator("#tribune-comments")
    deadline = time.monotonic() + timeout
    while True:
        inner = thread_frame(page).evaluate(
            "Math.ceil(document.documentElement.getBoundingClientRect().height)")
        outer = frame.evaluate("f => f.clientHeight")  # inside its border
        if abs(inner - outer) <= 1 or time.monotonic() > deadline:
            assert abs(inner - outer) <= 1, (inner, outer)
            return outer
        time.sleep(0.1)


def assert_in_view(page, locator) -> None:
    """The element's top is within the browser's window (not scrolled past)."""
    deadline = time.monotonic() + 10
    while True:
        box = locator.bounding_box()
        if (box is not None and 0 <= box["y"] < VIEWPORT["height"] - 20) \
                or time.monotonic() > deadline:
            assert box is not None and 0 <= box["y"] < VIEWPORT["height"] - 20, box
            return
        time.sleep(0.1)


def test_the_frame_fits_its_content_and_lands_on_its_headings(host, page):
    article = f"{host.origin}/2026/11/article"
    for n in range(6):
        make_published(url=article, author=f"Reader {n}", body="A published comment.\n" * 4)
    page.set_viewport_size(VIEWPORT)
    page.goto(article)
    frame = page.frame_locator("#tribune-comments")
    expect(frame.locator("#comments")).to_contain_text("Reader 5")
    first_height = wait_until_fitted(page)
    assert first_height > 1500  # six comments and the form, not a 150 px box
    # Nothing to scroll inside the frame.
    assert thread_frame(page).evaluate(
        "document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    # The page did not jump to the frame on its first load.
    assert page.evaluate("window.scrollY") == 0

    # Personal information: the question's heading, not the article's end.
    frame.get_by_label("Display name").fill("Mina")
    frame.get_by_label("Comment", exact=True).fill("Call me on 010-1234-5678 about this")
    frame.get_by_role("button", name="Send for moderation").click()
    question = frame.get_by_role("heading", name="Before you send your comment")
    expect(question).to_be_visible()
    wait_until_fitted(page)
    assert_in_view(page, question)

    # "Edit my comment" goes back to the form, kept, in view.
    frame.get_by_role("button", name="Edit my comment").click()
    expect(frame.get_by_label("Comment", exact=True)).to_have_value(
        "Call me on 010-1234-5678 about this")
    wait_until_fitted(page)
    assert_in_view(page, frame.get_by_role("heading", name="Write a comment"))

    frame.get_by_role("button", name="Send for moderation").click()
    frame.get_by_role("button", name="Send it anyway").click()
    own = frame.get_by_role("heading", name="Your comments")
    expect(own).to_be_visible()
    assert Comment.objects.filter(author="Mina").count() == 1
    wait_until_fitted(page)
    assert_in_view(page, own)

    # A clause of the Terms of Use, opened in the frame, lands on its heading.
    thread_frame(page).evaluate("location.hash = ''")
    frame.get_by_role("link", name="Terms of Use").click()
    clause = frame.locator("#clause-1")
    expect(clause).to_be_visible()
    thread_frame(page).evaluate("location.hash = '#clause-6'")
    wait_until_fitted(page)
    assert_in_view(page, frame.locator("#clause-6 h2"))


def test_without_javascript_the_frame_shows_published_comments_before_the_form(
        live_server, nojs_page):
    call_command("demo", "--origin", live_server.url, "--password", "frame-test-password",
                 stdout=None)
    page = nojs_page
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{live_server.url}/demo/articles/night-buses-hospital")
    expect(page.locator("[data-embed=iframe]")).to_contain_text("in an iframe")
    frame = page.frame_locator("#tribune-comments")
    expect(frame.locator("#comments .comment").first).to_be_visible()
    inner = thread_frame(page)
    # Published comments, then the form: the first comment is inside the frame's
    # box without scrolling it.
    assert inner.evaluate("document.getElementById('comments').compareDocumentPosition("
                          "document.getElementById('comment-form')) "
                          "& Node.DOCUMENT_POSITION_FOLLOWING")
    page.locator("#tribune-comments").scroll_into_view_if_needed()
    box = page.locator("#tribune-comments").bounding_box()
    first = frame.locator("#comments .comment").first.bounding_box()
    assert box["y"] <= first["y"] and first["y"] + 40 <= box["y"] + box["height"]
    # The frame keeps the demo's fixed height, and scrolls inside.
    assert box["height"] < inner.evaluate("document.documentElement.scrollHeight")

    # Each page the form leads to opens on its heading, inside the frame's box.
    def in_frame_box(locator):
        expect(locator).to_be_visible()
        frame_box = page.locator("#tribune-comments").bounding_box()
        heading = locator.bounding_box()
        assert frame_box["y"] - 1 <= heading["y"] < frame_box["y"] + frame_box["height"] - 20, \
            (frame_box, heading)

    frame.get_by_label("Display name").fill("Mina")
    frame.get_by_label("Comment", exact=True).fill("Call me on 010-1234-5678 about this")
    frame.get_by_role("button", name="Send for moderation").click()
    in_frame_box(frame.get_by_role("heading", name="Before you send your comment"))
    frame.get_by_role("button", name="Edit my comment").click()
    in_frame_box(frame.get_by_role("heading", name="Write a comment"))
    frame.get_by_role("button", name="Send for moderation").click()
    frame.get_by_role("button", name="Send it anyway").click()
    in_frame_box(frame.get_by_role("heading", name="Your comments"))
