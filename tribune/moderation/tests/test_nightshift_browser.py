"""The night shift in a real browser (Debian's Chromium) against a live server:
two moderators of one desk on a flooded thread see the queue move by itself,
decide a campaign in one action and never decide the same comment twice; the
compact view, clauses past 9, notes, featured comments, standing, the idle
warning, the undo bar after the demo and the dark theme (axe)."""

from __future__ import annotations

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator, make_published
from tribune.moderation.models import CommenterNote, Decision
from tribune.sites.models import Clause, Desk
from tribune.triage.simulation import traffic

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

URL = "https://news.example.org/2026/12/breaking"
LIVE = 2000  # ms: what the issue allows for news to reach an open queue


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/moderate/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comment queue")).to_be_visible()


def flood(campaign: int, ordinary: int) -> tuple[set[int], set[int]]:
    campaign_ids, other_ids = set(), set()
    for text, is_campaign in traffic(campaign=campaign, ordinary_count=ordinary, seed=5):
        comment = make_comment(url=URL, title="Breaking: the dam", body=text)
        (campaign_ids if is_campaign else other_ids).add(comment.pk)
    return campaign_ids, other_ids


def connected(page) -> None:
    expect(page.locator("[data-queue][data-live-connected]")).to_have_count(1, timeout=5000)


@pytest.fixture
def shift(site, settings):
    settings.TRIBUNE_LIVE_SECONDS = 6  # streams end and resume during the test
    amina = make_moderator(name="amina", desk_codes=["en"])
    bashir = make_moderator(name="bashir", desk_codes=["en"])
    return amina, bashir


def test_two_moderators_see_each_other_and_decide_a_campaign_once(
    browser, live_server, shift, screenshots
):
    amina, bashir = shift
    campaign_ids, other_ids = flood(campaign=12, ordinary=6)
    one = browser.new_context(viewport={"width": 1280, "height": 900})
    two = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        a, b = one.new_page(), two.new_page()
        log_in(a, live_server, amina)
        log_in(b, live_server, bashir)
        connected(a)
        connected(b)

        # The campaign is one collapsed row, first (priority order by default).
        row = a.locator(".cluster-row").first
        expect(row).to_contain_text(re.compile(
            r"12 near-identical comments from 12 commenters in \d+"))
        expect(row.locator(".cluster-members .card")).to_have_count(12)
        expect(row.locator(".cluster-members .card").first).not_to_be_visible()
        assert a.locator("[data-queue] > li").first.get_attribute("class") == "cluster-row"
        row.get_by_text("Show the 12 comments on this page").click()
        expect(row.locator(".cluster-members .card").first).to_be_visible()

        # A new comment reaches both open queues by itself.
        fresh = make_comment(url=URL, title="Breaking: the dam",
                             body="The water level at the gauge is falling now.")
        started = time.monotonic()
        expect(a.locator(f"#comment-{fresh.pk}")).to_be_visible(timeout=LIVE)
        expect(b.locator(f"#comment-{fresh.pk}")).to_be_visible(timeout=LIVE)
        assert time.monotonic() - started < 2.5

        # Bashir opens a comment: Amina's queue marks it.
        target = sorted(other_ids)[0]
        b.locator(f"#comment-{target} .body").click()
        expect(a.locator(f"#comment-{target} [data-open-mark]")).to_have_text(
            "bashir has this comment open", timeout=LIVE + 1000)

        # Amina approves another one: Bashir sees it decided, by whom, without reloading.
        decided = sorted(other_ids)[1]
        a.locator(f"#comment-{decided}").get_by_role("button", name="Approve").click()
        expect(a.get_by_role("status").filter(has_text="is approved and published")
               ).to_have_count(1)
        mark = b.locator(f"#comment-{decided} [data-decided-mark]")
        expect(mark).to_have_text(re.compile(r"Approved by amina at \d\d:\d\d \(UTC\)"),
                                  timeout=LIVE)
        expect(b.locator(f"#comment-{decided}").get_by_role("button", name="Approve")
               ).to_be_disabled()
        b.screenshot(path=screenshots / "nightshift-live-two-moderators.png")

        # The campaign, decided in one action by Amina.
        row.get_by_text("Reject all…").click()
        row.locator(".cluster-card > .actions select").select_option("5")
        row.get_by_role("button", name="Reject every waiting comment of the campaign").click()
        expect(a.get_by_text("12 comments of the cluster rejected.")).to_be_visible()
        assert set(Comment.objects.filter(pk__in=campaign_ids).values_list(
            "status", flat=True)) == {Status.REJECTED}
        # …and Bashir's queue marks all of them decided, by itself.
        for pk in sorted(campaign_ids)[:3]:
            expect(b.locator(f"#comment-{pk} [data-decided-mark]")).to_have_text(
                re.compile(r"Rejected by amina"), timeout=LIVE + 1000)
    finally:
        one.close()
        two.close()


def test_a_comment_decided_meanwhile_is_refused_plainly(browser, live_server, shift):
    amina, bashir = shift
    comments = [make_comment(url=URL, body=body) for body in (
        "The bridge is closed.", "Power is back in the east district tonight.",
        "Which shelters take pets? My neighbour asks.")]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        # A queue whose live connection is down (a train tunnel): it hears nothing.
        page.route("**/moderate/live/**", lambda route: route.abort())
        log_in(page, live_server, bashir)
        first = comments[0]
        from tribune.moderation.decisions import comment_decide

        plainly = re.compile(r"Already approved by amina at \d\d:\d\d \(UTC\), "
                             r"\d{4}-\d\d-\d\d\. Nothing was changed\.")
        comment_decide(comment_id=first.pk, moderator=amina, action="approve")
        # By the button (a plain form post, as without JavaScript)…
        page.locator(f"#comment-{first.pk}").get_by_role("button", name="Approve").click()
        expect(page.get_by_role("alert")).to_contain_text(plainly)
        # …and by the keyboard (posted in the background): the card says it.
        second = comments[1]
        comment_decide(comment_id=second.pk, moderator=amina, action="reject", clause=2)
        page.locator(f"#comment-{second.pk}").focus()
        page.keyboard.press("a")
        mark = page.locator(f"#comment-{second.pk} [data-decided-mark]")
        expect(mark).to_have_text(re.compile(r"Already rejected by amina at .* Nothing was "
                                             r"changed\."))
        for comment in (first, second):
            decisions = Decision.objects.filter(comment=comment)
            assert [d.moderator for d in decisions] == [amina]
    finally:
        context.close()


def test_the_compact_view_shows_eight_comments_a_screen(page, live_server, shift, screenshots):
    amina, _ = shift
    _, others = flood(campaign=0, ordinary=14)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, amina)
    cards = page.locator("[data-queue] > li > .card")
    expect(cards).to_have_count(14)
    cards.first.evaluate("c => window.scrollTo(0, c.getBoundingClientRect().top + scrollY)")
    page.keyboard.press("j")  # the next card is current; the first stays clamped
    inside = page.evaluate("""() => [...document.querySelectorAll('[data-queue] > li > .card')]
        .filter(c => { const r = c.getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= innerHeight; })
        .map(c => c.dataset.id)""")
    heights = page.evaluate("""() => [...document.querySelectorAll('[data-queue] > li > .card')]
        .map(c => Math.round(c.getBoundingClientRect().height))""")
    page.screenshot(path=screenshots / "nightshift-compact.png")
    assert len(inside) >= 8, (inside, heights)
    for pk in inside:
        card = page.locator(f"#comment-{pk}")
        expect(card.locator(".body")).to_be_visible()                   # its text
        expect(card.locator(".triage-priority")).to_be_visible()        # its reasons
        expect(card.get_by_role("button", name="Approve")).to_be_visible()  # its actions
        expect(card.get_by_text("Reject…")).to_be_visible()
    # The comfortable view is one click away, and stays chosen.
    page.get_by_role("link", name="Comfortable view").click()
    expect(page.locator("[data-queue]")).not_to_have_class(re.compile("compact"))
    page.goto(f"{live_server.url}/moderate/")
    expect(page.get_by_role("link", name="Compact view")).to_be_visible()


def test_clauses_past_nine_from_the_keyboard(page, live_server, site, shift):
    amina, _ = shift
    for number in (10, 11, 12):
        Clause.objects.create(site=site, number=number, title=f"Rule {number}",
                              text=f"The publisher's rule number {number}.")
    comments = [make_comment(url=URL, body=f"Comment {n} about the dam.") for n in range(4)]
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, amina)
    page.goto(f"{live_server.url}/moderate/?order=oldest")
    expect(page.locator(f"#comment-{comments[0].pk}")).to_have_class(re.compile("current"))
    page.keyboard.press("r")
    page.keyboard.press("1")
    page.keyboard.press("2")  # 12: no longer clause starts with it, decided at once
    expect(page.locator(f"#comment-{comments[0].pk}")).to_have_count(0)
    page.keyboard.press("r")
    page.keyboard.press("3")  # 3: decided at once
    expect(page.locator(f"#comment-{comments[1].pk}")).to_have_count(0)
    page.keyboard.press("r")
    page.keyboard.press("1")
    page.keyboard.press("Enter")  # 1, confirmed (10, 11 and 12 also start with 1)
    expect(page.locator(f"#comment-{comments[2].pk}")).to_have_count(0)
    clauses = dict(Comment.objects.filter(pk__in=[c.pk for c in comments[:3]])
                   .values_list("pk", "decision_clause"))
    assert clauses == {comments[0].pk: 12, comments[1].pk: 3, comments[2].pk: 1}
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_contain_text("type one or two digits (e.g. 3 or 12)")


def test_notes_featured_comments_and_standing(page, live_server, site, screenshots):
    editor = make_moderator(name="chen", desk_codes=["en"], role="editor")
    regular = "regular-reader-token"
    first = make_published(editor, url=URL, body="First: thank you for the live blog.",
                           token=regular, author="Mei")
    make_published(editor, url=URL, body="Second: the road north is open again.",
                   token=regular, author="Mei")
    early = make_published(editor, url=URL, body="An early comment, published first.")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, editor)

    # Standing: the desk trusts commenters after 2 approved comments.
    page.goto(f"{live_server.url}/moderate/desks/en/")
    page.get_by_label(re.compile("Trusted after")).fill("2")
    page.get_by_role("button", name="Save the desk's settings").click()
    expect(page.get_by_text("The desk's settings are saved.")).to_be_visible()
    assert Desk.objects.get(code="en").trusted_after == 2
    waiting = make_comment(url=URL, body="Third: power is back in the east.", token=regular,
                           author="Mei")
    stranger = make_comment(url=URL, body="A first comment from someone new.")
    page.goto(f"{live_server.url}/moderate/?status=trusted")
    expect(page.locator(f"#comment-{waiting.pk}")).to_contain_text("Trusted commenter")
    expect(page.locator(f"#comment-{stranger.pk}")).to_have_count(0)
    page.get_by_role("button", name=re.compile("Approve the 1 waiting comment")).click()
    expect(page.get_by_text("1 comment of a trusted commenter approved and published.")
           ).to_be_visible()
    assert Comment.objects.get(pk=waiting.pk).status == Status.APPROVED
    assert Comment.objects.get(pk=stranger.pk).status == Status.PENDING  # still waiting

    # A note on the commenter, for the desk's moderators.
    page.goto(f"{live_server.url}/moderate/commenters/{first.commenter_id}/")
    page.get_by_label("New note").fill("Writes from the flooded district; reliable so far.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("The note is saved for the desk's moderators.")).to_be_visible()
    expect(page.get_by_text("Writes from the flooded district")).to_be_visible()
    assert CommenterNote.objects.get().created_by == editor
    late = make_comment(url=URL, body="Fourth: a shelter opened at the school.", token=regular,
                        author="Mei")
    page.goto(f"{live_server.url}/moderate/?order=oldest")
    expect(page.locator(f"#comment-{late.pk}")).to_contain_text("1 note")
    expect(page.locator(f"#comment-{late.pk}")).to_contain_text("Writes from the flooded")

    # Featuring a published comment: first and marked in the API and the no-JS page.
    page.goto(f"{live_server.url}/moderate/?status=approved")
    page.locator(f"#comment-{first.pk}").get_by_role("button", name="Feature").click()
    expect(page.get_by_text(f"Comment {first.pk} is featured")).to_be_visible()
    api = page.request.get(f"{live_server.url}/api/v1/comments", params={"url": URL}).json()
    assert api["comments"][0]["id"] == first.pk and api["comments"][0]["featured"] is True
    assert [c["featured"] for c in api["comments"][1:]] == [False] * (len(api["comments"]) - 1)
    assert early.pk in [c["id"] for c in api["comments"][1:]]
    page.goto(f"{live_server.url}/embed/thread?url={URL}")
    top = page.locator(".comment").first
    expect(top).to_contain_text("Featured by the moderators")
    expect(top).to_contain_text("First: thank you for the live blog.")
    page.screenshot(path=screenshots / "nightshift-featured-thread.png")


def test_the_idle_warning_comes_before_logout_and_staying_keeps_the_session(
    page, live_server, site, settings
):
    settings.TRIBUNE_SESSION_IDLE = 124  # the warning shows two minutes before: at once
    moderator = make_moderator(name="dawa", desk_codes=["en"])
    make_comment(url=URL, body="Waiting.")
    log_in(page, live_server, moderator)
    warning = page.get_by_role("alertdialog", name="Still there?")
    expect(warning).to_be_visible(timeout=8000)
    expect(warning).to_contain_text(re.compile(r"logged out in [0-2]:\d\d without activity"))
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # The session is alive, and the live stream alone does not keep it so.
    page.reload()
    expect(page.get_by_role("heading", name="Comment queue")).to_be_visible()


def test_a_new_moderator_after_the_demo_is_shown_no_decision_as_theirs(page, live_server):
    from tribune.demo.services import demo_load

    loaded = demo_load(origin="http://127.0.0.1:9", password="night-shift-demo-42")
    assert Decision.objects.filter(moderator__username=loaded.moderator).exists()
    page.goto(f"{live_server.url}/moderate/")
    page.get_by_label("User name").fill(loaded.moderator)
    page.get_by_label("Password").fill("night-shift-demo-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comment queue")).to_be_visible()
    expect(page.locator("#undo-form")).to_be_hidden()
    expect(page.locator("#undo-form [data-undo-text]")).to_have_text("")
    # Their own decision is theirs to undo.
    page.locator("[data-queue] [data-card][data-id]").first.get_by_role(
        "button", name="Approve").click()
    expect(page.locator("#undo-form")).to_be_visible()
    expect(page.locator("#undo-form")).to_contain_text("Your last decision")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_workspace_passes_axe_in_light_and_dark(browser, live_server, site, scheme,
                                                    screenshots):
    moderator = make_moderator(name="esra", desk_codes=["en"], role="editor")
    flood(campaign=4, ordinary=5)
    published = make_published(moderator, url=URL, body="A published comment.")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        log_in(page, live_server, moderator)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(17, 20, 24)" if scheme == "dark" else "rgb(244, 245, 247)")
        axe = Axe()
        pages = ["/moderate/", "/moderate/?status=approved", "/moderate/?view=comfortable",
                 f"/moderate/commenters/{published.commenter_id}/", "/moderate/desks/en/",
                 "/moderate/?view=compact"]
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            page.locator(".cluster-members").first.evaluate("d => d.open = true") \
                if page.locator(".cluster-members").count() else None
            results = axe.run(page)
            assert results.violations_count == 0, (path, results.generate_report())
        page.goto(f"{live_server.url}/moderate/")
        page.screenshot(path=screenshots / f"nightshift-queue-{scheme}.png")
    finally:
        context.close()
