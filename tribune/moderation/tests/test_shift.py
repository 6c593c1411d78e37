"""A whole shift in a real browser (Debian's Chromium) against a live server:
log in, work the queue by keyboard, edit with a clause, bulk-approve, undo,
keep a reader's report, ban a commenter and see the ban on the reader's form,
open the figures. And a queue of 200 comments cleared by keyboard alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator, make_published
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Decision, DeskAssignment, Report, Role
from tribune.privacy.vault import originals_open

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

URL = "https://news.example.org/2026/11/floods"
RTL_URL = "https://uy.example.org/2026/11/xewer"
TITLE = "Floods in the north: what we know"


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/moderate/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comment queue")).to_be_visible()


def press(page, key: str) -> None:
    """A shortcut that posts a form: wait for the queue to come back."""
    with page.expect_navigation():
        page.keyboard.press(key)


def decide(page, key: str) -> int:
    """A decision by keyboard (posted in the background): wait until the
    current card has left the queue; returns its comment id."""
    decided = current_id(page)
    page.keyboard.press(key)
    expect(page.locator(f"#comment-{decided}")).to_have_count(0)
    return decided


def current_id(page) -> int:
    return int(page.locator("[data-card].current").get_attribute("data-id"))


def history(moderators) -> None:
    """Ten days of earlier work, so that the figures have something to show."""
    now = timezone.now()
    for day in range(10, 0, -1):
        for n in range(3 + day % 4):
            comment = make_comment(url=URL, title=TITLE, author=f"Reader {day}-{n}",
                                   body=f"Earlier comment {day}-{n}")
            who = moderators[n % len(moderators)]
            if n % 3 == 2:
                comment_decide(comment_id=comment.pk, moderator=who, action="reject", clause=3)
            else:
                comment_decide(comment_id=comment.pk, moderator=who, action="approve")
            sent = now - dt.timedelta(days=day, hours=2 + n)
            Comment.objects.filter(pk=comment.pk).update(submitted_at=sent)
            # Some wait overnight: the queue is not empty at the end of every day.
            late = dt.timedelta(hours=20) if (n + day) % 3 == 0 else dt.timedelta(0)
            Decision.objects.filter(comment=comment).update(
                created_at=sent + late + dt.timedelta(minutes=7 + 11 * n + 3 * day))


def test_a_whole_shift(page, browser, live_server, site, rtl_site, screenshots):
    amina = make_moderator(name="amina", desk_codes=["en", "ug"])
    DeskAssignment.objects.filter(user=amina, desk__code="en").update(role=Role.EDITOR)
    colleague = make_moderator(name="dorje", desk_codes=["en"])
    history([amina, colleague])
    published = make_published(colleague, url=URL, title=TITLE, author="Dorje",
                               body="The bridge at the river crossing has been closed since "
                                    "Tuesday.")
    morning = [
        make_comment(url=URL, title=TITLE, author="Min-jun", body="Thank you for the reporting."),
        make_comment(url=URL, title=TITLE, author="troll99",
                     body="Anyone who believes this is an idiot."),
        make_comment(url=URL, title=TITLE, author="Sonam",
                     body="My cousin lives there, call her on 555 0100 for the real story."),
        make_comment(url=URL, title=TITLE, author="Lhamo", parent=published.pk,
                     body="It was reopened this morning for emergency vehicles only."),
        make_comment(url=RTL_URL, title="كەلكۈن خەۋىرى", author="ئايگۈل",
                     body="بۇ خەۋەر ئۈچۈن رەھمەت."),
        make_comment(url=URL, title=TITLE, author="Pema", body="Where can we send donations?"),
        make_comment(url=URL, title=TITLE, author="Kim", body="Stay safe, everyone."),
    ]
    third_party: list[str] = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or r.url.startswith("data:")
            or third_party.append(r.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, amina)
    # The morning in the order it came (by priority, triage's default, the
    # insult would lead: its word is in the insult lexicon).
    page.goto(f"{live_server.url}/moderate/?order=oldest")

    page.screenshot(path=screenshots / "moderation-queue.png", full_page=False)

    # The first card is current; j and k move.
    expect(page.locator("[data-card].current")).to_have_count(1)
    assert current_id(page) == morning[0].pk
    page.keyboard.press("j")
    assert current_id(page) == morning[1].pk
    page.keyboard.press("k")
    assert current_id(page) == morning[0].pk

    # ? lists the shortcuts; Escape closes the list.
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_hidden()

    # a approves; the next comment takes its place.
    decide(page, "a")
    expect(page.locator("#keys-status")).to_contain_text("is approved and published")
    assert Comment.objects.get(pk=morning[0].pk).status == Status.APPROVED
    assert current_id(page) == morning[1].pk

    # r then 3 rejects under clause 3.
    page.keyboard.press("r")
    decide(page, "3")
    expect(page.locator("#keys-status")).to_contain_text("is rejected under clause 3")
    assert Comment.objects.get(pk=morning[1].pk).decision_clause == 3

    # u undoes it; r 3 again.
    press(page, "u")
    expect(page.get_by_role("status").first).to_contain_text("is undone")
    assert Comment.objects.get(pk=morning[1].pk).status == Status.PENDING
    assert current_id(page) == morning[1].pk
    page.keyboard.press("r")
    decide(page, "3")

    # e edits: new text, clause 4 chosen by keyboard, sent with Enter.
    assert current_id(page) == morning[2].pk
    page.keyboard.press("e")
    body = page.locator(f"#edit-{morning[2].pk}-body")
    expect(body).to_be_focused()
    body.fill("My cousin lives there. [phone number removed]")
    page.keyboard.press("Tab")
    page.keyboard.press("4")
    expect(page.locator(f"#edit-{morning[2].pk}-clause")).to_have_value("4")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    press(page, "Enter")
    expect(page.get_by_role("status").first).to_contain_text("is edited under clause 4")
    edited = Comment.objects.get(pk=morning[2].pk)
    assert edited.edited_body == "My cousin lives there. [phone number removed]"
    # Clause 4 is about personal information: the original is kept only sealed
    # in the redaction vault (tribune.privacy.vault), not in the comment.
    assert edited.body == ""
    [sealed] = originals_open(comment_id=edited.pk, reader=amina)
    assert sealed.original.startswith("My cousin lives there, call her")

    # The right-to-left desk's comment reads right to left.
    rtl = page.locator(f"#comment-{morning[4].pk} p.body")
    expect(rtl).to_have_attribute("dir", "rtl")
    # The reply shows its parent; the card shows the commenter's record.
    expect(page.locator(f"#comment-{morning[3].pk} .parent")).to_contain_text("The bridge")

    # Bulk: x selects the current card; tick two more and decide them at once.
    page.keyboard.press("x")
    page.locator(f"#select-{morning[5].pk}").check()
    page.locator(f"#select-{morning[6].pk}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Decide selected").click()
    expect(page.get_by_role("status").first).to_contain_text("3 comments approved and published.")
    assert Comment.objects.filter(pk__in=[morning[3].pk, morning[5].pk, morning[6].pk],
                                  status=Status.APPROVED).count() == 3

    # A reader (no JavaScript) comments, and reports a published comment.
    reader_context = browser.new_context(java_script_enabled=False)
    reader = reader_context.new_page()
    reader.goto(f"{live_server.url}/embed/thread?url={URL}")
    reader.locator(f"#comment-{published.pk}").get_by_role("link", name="Report").click()
    reader.get_by_label("False or misleading").check()
    reader.get_by_label("Anything the moderators should know").fill("The bridge reopened.")
    reader.get_by_role("button", name="Send the report").click()
    expect(reader.get_by_role("status")).to_contain_text("Thank you")
    reader.get_by_role("link", name="Back to the comments").click()
    reader.get_by_label("Display name").fill("Angry")
    reader.get_by_label("Comment", exact=True).fill("You are all liars and idiots.")
    reader.get_by_role("button", name="Send for moderation").click()
    angry = Comment.objects.get(author="Angry")

    # The reported tab: keep the reported comment.
    page.goto(f"{live_server.url}/moderate/?status=reported")
    card = page.locator(f"#comment-{published.pk}")
    expect(card).to_contain_text("The bridge reopened.")
    page.screenshot(path=screenshots / "moderation-reported.png", full_page=True)
    decide(page, "a")
    expect(page.locator(".messages")).to_contain_text("stays published")
    assert Report.objects.get().resolution == "kept"

    # Approve the right-to-left comment; then ban the angry reader: h opens
    # their record, a suspension of one day.
    # (oldest first: by priority, triage's default, the angry comment would lead)
    page.goto(f"{live_server.url}/moderate/?order=oldest")
    assert current_id(page) == morning[4].pk
    decide(page, "a")
    expect(page.locator("[data-card].current")).to_have_attribute("data-id", str(angry.pk))
    with page.expect_navigation():
        page.keyboard.press("h")
    page.get_by_label("Length").select_option("1")
    page.get_by_label("Reason (for the moderators)").fill("insults")
    page.get_by_role("button", name="Ban", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("suspended until")
    page.screenshot(path=screenshots / "moderation-commenter.png", full_page=True)

    # The ban is enforced on the reader's form, saying until when.
    reader.goto(f"{live_server.url}/embed/thread?url={URL}")
    reader.get_by_label("Display name").fill("Angry")
    reader.get_by_label("Comment", exact=True).fill("Let me in again.")
    reader.get_by_role("button", name="Send for moderation").click()
    expect(reader.locator("body")).to_contain_text("suspended you from commenting here until")
    assert not Comment.objects.filter(body="Let me in again.").exists()
    reader_context.close()

    # Back in the queue: reject the angry comment by keyboard, then the figures.
    page.goto(f"{live_server.url}/moderate/")
    page.keyboard.press("r")
    assert decide(page, "3") == angry.pk
    page.goto(f"{live_server.url}/moderate/?status=all")
    page.screenshot(path=screenshots / "moderation-all.png", full_page=False)
    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", name="Figures", exact=True)).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(page.get_by_role("img", name="Approval rate per desk")).to_be_visible()
    page.screenshot(path=screenshots / "figures.png", full_page=True)
    assert third_party == []

    # 360 px wide: nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/moderate/?status=all")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 361)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    page.screenshot(path=screenshots / "moderation-360.png", full_page=False)


def test_clearing_200_comments_by_keyboard_alone(page, live_server, site):
    moderator = make_moderator(name="nightshift", desk_codes=["en"])
    for n in range(200):
        make_comment(url=f"{URL}-{n % 7}", author=f"Reader {n}", body=f"Comment number {n}.")
    log_in(page, live_server, moderator)
    expect(page.get_by_role("link", name="Pending 200")).to_be_visible()
    decided = [decide(page, "a") for _ in range(200)]
    assert len(set(decided)) == 200
    expect(page.get_by_role("link", name="Pending 0")).to_be_visible()
    expect(page.get_by_text("No comment is waiting for a decision.")).to_be_visible()
    assert Comment.objects.filter(status=Status.APPROVED).count() == 200
    assert Decision.objects.filter(moderator=moderator).count() == 200
