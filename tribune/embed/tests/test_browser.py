"""The widget in Chromium, on a host page served from another origin whose
Content-Security-Policy allows nothing but Tribune's origin."""

from __future__ import annotations

import contextlib
import json

import pytest
from django.utils import translation

from tribune.comments.models import Comment
from tribune.core.testing import make_published, make_site, spoken
from tribune.embed.strings import widget_strings
from tribune.embed.testing import HostSite
from tribune.moderation.decisions import comment_decide

pytestmark = pytest.mark.browser

AWAITING = "Awaiting moderation. Only you can see it; it will not appear in real time."


@pytest.fixture
def host(live_server):
    assert live_server.url.startswith("http://localhost:")
    site = HostSite(live_server.url)
    yield site
    site.close()


def open_widget(page, host, *, path="/2026/11/article", title="An article", desk=None):
    url = f"{host.origin}{path}"
    host.attributes = {"data-url": url, "data-title": title}
    if desk:
        host.attributes["data-desk"] = desk
    problems: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith((host.origin, host.tribune))
            else foreign.append(r.url))
    page.goto(f"{url}?utm_source=newsletter")
    return url, problems, foreign


def test_widget_renders_submits_and_shows_the_pending_comment(transactional_db, host, page,
                                                              moderator):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="Host News")
    article = f"{host.origin}/2026/11/article"
    make_published(url=article, author="Earlier", body="Published <b>before</b>\nline two")
    url, problems, foreign = open_widget(page, host)
    widget = page.locator(".tribune-comments .trb")
    expect(widget.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    expect(widget).to_have_attribute("dir", "ltr")
    expect(widget).to_contain_text("do not appear in real time")
    expect(widget).to_contain_text("Host News is not responsible")
    body = widget.locator(".trb-comment .trb-body").first
    expect(body).to_have_text("Published <b>before</b>\nline two")
    assert widget.locator("b").count() == 0  # text, never markup

    widget.get_by_label("Display name").fill("Mina <script>")
    widget.get_by_label("Comment", exact=True).fill("From the widget\nsecond line")
    widget.get_by_role("button", name="Send for moderation").click()
    expect(widget.locator(".trb-notice")).to_have_text(
        "Thank you. Your comment has been received and awaits moderation. "
        "It will not appear in real time.")
    comment = Comment.objects.get(author="Mina <script>")
    assert comment.thread.title == "An article"
    mine = widget.locator(f'.trb-own[data-id="{comment.pk}"]')
    expect(mine.locator(".trb-status")).to_have_text(AWAITING)
    expect(mine.locator(".trb-body")).to_have_text("From the widget\nsecond line")
    # Not among the published comments.
    expect(widget.locator(".trb-comments")).not_to_contain_text("From the widget")

    # After a reload the reader still sees it (token kept for a cookie-less browser).
    page.reload()
    expect(mine.locator(".trb-status")).to_have_text(AWAITING)
    token = page.evaluate("localStorage.getItem('tribune-commenter')")
    assert token and json.loads(token)

    # A rejection, with its clause, reaches the reader.
    comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=3)
    page.reload()
    expect(mine.locator(".trb-status")).to_have_text(
        "Not published under clause 3: No personal attacks or hate")

    # A reply, approved, shows nested.
    parent = Comment.objects.get(author="Earlier")
    widget.get_by_role("button", name="Reply to Earlier").click()
    expect(widget).to_contain_text("Replying to Earlier")
    widget.get_by_label("Display name").fill("Mina")
    widget.get_by_label("Comment", exact=True).fill("A reply")
    widget.get_by_role("button", name="Send for moderation").click()
    expect(widget.locator(".trb-notice")).to_be_visible()
    reply = Comment.objects.get(body="A reply")
    assert reply.parent_id == parent.pk
    comment_decide(comment_id=reply.pk, moderator=moderator, action="approve")
    page.reload()
    expect(widget.locator(f"#tribune-comment-{parent.pk} .trb-replies")).to_contain_text(
        "A reply")
    expect(widget.locator(f'.trb-own[data-id="{reply.pk}"] .trb-status')).to_have_text(
        "Published")

    assert foreign == []
    assert not [p for p in problems if "Content Security Policy" in p or "CORS" in p], problems


def test_refused_comment_shows_the_reason_and_keeps_the_text(transactional_db, host, page):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="Host News")
    open_widget(page, host)
    widget = page.locator(".tribune-comments .trb")
    widget.get_by_label("Display name").fill("Mina")
    widget.get_by_label("Comment", exact=True).fill("bad \u0007 char")
    widget.get_by_role("button", name="Send for moderation").click()
    expect(widget.locator(".trb-form .trb-error")).to_contain_text("Your comment was not sent")
    expect(widget.get_by_label("Comment", exact=True)).to_have_value("bad \u0007 char")
    assert not Comment.objects.exists()


def test_korean_desk(transactional_db, host, page):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="예시 신문", desk_code="ko")
    _url, problems, foreign = open_widget(page, host, title="기사")
    widget = page.locator(".tribune-comments .trb")
    expect(widget).to_have_attribute("lang", "ko")
    expect(widget.get_by_role("heading", name="댓글", exact=True)).to_be_visible()
    expect(widget).to_contain_text("실시간으로 나타나지 않습니다")
    widget.get_by_label("표시 이름").fill("김민지")
    widget.get_by_label("댓글", exact=True).fill("좋은 기사입니다.")
    widget.get_by_role("button", name="검토 요청하기").click()
    expect(widget.locator(".trb-notice")).to_contain_text("검토를 기다리고 있습니다")
    expect(widget.locator(".trb-own .trb-status")).to_contain_text("검토 대기 중")
    assert Comment.objects.get().language == "ko"
    assert foreign == []


def test_right_to_left_desk_named_by_the_page(transactional_db, host, page):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="Host News")
    make_site(origin="https://uy.example.org", desk_code="ug", name="Uyghur")
    _url, _problems, foreign = open_widget(page, host, desk="ug")
    widget = page.locator(".tribune-comments .trb")
    expect(widget).to_have_attribute("dir", "rtl")
    expect(widget).to_have_attribute("lang", "ug")
    # The desk's own words (Uyghur), not the English ones.
    widget.get_by_label(spoken("ug", "Display name")).fill("ئالىم")
    widget.get_by_label(spoken("ug", "Comment"), exact=True).fill("ياخشى ماقالە")
    widget.get_by_role("button", name=spoken("ug", "Send for moderation")).click()
    expect(widget.locator(".trb-notice")).to_be_visible()
    comment = Comment.objects.get()
    assert (comment.thread.desk.code, comment.language) == ("ug", "ug")
    assert foreign == []


def test_host_page_styles_the_widget_through_custom_properties(transactional_db, host, page):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="Host News")
    open_widget(page, host)
    button = page.locator(".tribune-comments").get_by_role("button", name="Send for moderation")
    expect(button).to_be_visible()
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 92, 173)"
    # The host's CSP allows only Tribune's styles, so set the property from script
    # the way a host stylesheet would.
    page.evaluate("document.querySelector('.tribune-comments').style"
                  ".setProperty('--tribune-accent', 'rgb(200, 0, 0)')")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(200, 0, 0)"


def test_unregistered_host_gets_a_clear_message_and_no_data(transactional_db, host, page):
    from playwright.sync_api import expect

    # CORS keeps the host page from reading anything; the widget says so and
    # links to the thread page.
    _url, _problems, foreign = open_widget(page, host)
    expect(page.locator(".tribune-comments .trb-error")).to_have_text(
        "Comments could not be loaded.")
    assert page.locator(".tribune-comments a").get_attribute("href").startswith(
        f"{host.tribune}/embed/thread?url=")
    assert foreign == []


def test_personal_details_are_sent_only_when_the_reader_confirms(transactional_db, host, page):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="Host News")
    open_widget(page, host)
    widget = page.locator(".tribune-comments .trb")
    widget.get_by_label("Display name").fill("Mina")
    widget.get_by_label("Comment", exact=True).fill("Call me on 010-1234-5678 about this")
    widget.get_by_role("button", name="Send for moderation").click()
    expect(widget.locator(".trb-form .trb-warning")).to_contain_text("phone number")
    expect(widget.locator(".trb-form .trb-error")).to_be_hidden()
    assert not Comment.objects.exists()
    widget.get_by_role("button", name="Send it anyway").click()
    expect(widget.locator(".trb-notice")).to_contain_text("awaits moderation")
    assert Comment.objects.count() == 1


@contextlib.contextmanager
def reader_arrives(browser, host):
    """The widget in the browser of a reader new to the thread. A reader who
    already had it open may keep the published view for up to
    publishing.http.READ_CACHE_CONTROL, as a CDN may: a feature, like a decision,
    does not appear in real time."""
    from playwright.sync_api import expect

    context = browser.new_context()
    try:
        page = context.new_page()
        _url, problems, foreign = open_widget(page, host)
        widget = page.locator(".tribune-comments .trb")
        expect(widget.locator(".trb-count")).to_be_visible()
        yield widget
        assert (problems, foreign) == ([], [])
    finally:
        context.close()


def test_a_comment_the_moderator_features_leads_the_widget_marked_in_words(
        transactional_db, host, browser, moderator):
    from playwright.sync_api import expect

    make_site(origin=host.origin, name="Host News")
    article = f"{host.origin}/2026/11/article"
    oldest, second, older, newest = (
        make_published(url=article, author=name, body=f"{name} wrote this.")
        for name in ("Ana", "Bo", "Chidi", "Dana"))
    with translation.override("en"):
        mark = widget_strings()["featured"]
    in_order = [f"tribune-comment-{c.pk}" for c in (oldest, second, older, newest)]

    def shown(widget) -> list[str]:
        items = widget.locator(".trb-comments > li.trb-comment")
        expect(items).to_have_count(4)
        return [item.get_attribute("id") for item in items.all()]

    with reader_arrives(browser, host) as widget:
        assert shown(widget) == in_order
        expect(widget.get_by_text(mark)).to_have_count(0)

    # The moderator features Chidi's comment (older than Dana's, not the first) in
    # the workspace, in a browser of their own.
    desk = browser.new_context()
    try:
        workspace = desk.new_page()
        workspace.goto(f"{host.tribune}/moderate/")
        workspace.get_by_label("User name").fill(moderator.username)
        workspace.get_by_label("Password").fill(moderator.raw_password)
        workspace.get_by_role("button", name="Log in").click()
        expect(workspace.get_by_role("heading", name="Comment queue")).to_be_visible()
        workspace.goto(f"{host.tribune}/moderate/?status=approved")
        card = workspace.locator(f"#comment-{older.pk}")
        card.get_by_role("button", name="Feature", exact=True).click()
        expect(workspace.get_by_text(f"Comment {older.pk} is featured")).to_be_visible()

        # First in the widget, marked in the desk's words, which a screen reader
        # reads before the comment (not a border of another colour alone).
        with reader_arrives(browser, host) as widget:
            assert shown(widget) == [in_order[2], in_order[0], in_order[1], in_order[3]]
            first = widget.locator(".trb-comments > li.trb-comment").first
            expect(first.get_by_text(mark, exact=True)).to_be_visible()
            expect(first).to_match_aria_snapshot(
                f"- listitem:\n  - paragraph: {mark}\n  - paragraph: Chidi wrote this.")
            expect(widget.get_by_text(mark)).to_have_count(1)

        # No longer featured: back in its place, unmarked.
        card.get_by_role("button", name="Stop featuring").click()
        expect(workspace.get_by_text(f"Comment {older.pk} is no longer featured")).to_be_visible()
    finally:
        desk.close()
    with reader_arrives(browser, host) as widget:
        assert shown(widget) == in_order
        expect(widget.get_by_text(mark)).to_have_count(0)
