"""The moderator's core loop in a real browser (Debian's Chromium) against a live
server: log in, decide, and see the result where readers see it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator, make_published
from tribune.privacy.vault import originals_open

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

URL = "https://news.example.org/2026/11/floods"
RTL_URL = "https://uy.example.org/2026/11/xewer"


def public_comments(page, live_server, url: str) -> list[dict]:
    response = page.request.get(f"{live_server.url}/api/v1/comments", params={"url": url})
    assert response.status == 200
    return response.json()["comments"]


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/moderate/")
    expect(page).to_have_url(f"{live_server.url}/moderate/login/?next=/moderate/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comment queue")).to_be_visible()


@pytest.fixture
def queue(site, rtl_site):
    """A moderator of the English and Uyghur desks and a morning's comments."""
    moderator = make_moderator(name="amina", desk_codes=["en", "ug"])
    title = "Floods in the north: what we know"
    published = make_published(
        moderator, url=URL, title=title, author="Dorje",
        body="The bridge at the river crossing has been closed since Tuesday.",
    )
    comments = {
        "approve": make_comment(
            url=URL, title=title, author="Min-jun",
            body="Thank you for the reporting.\nThe photos say more than words.",
        ),
        "reject": make_comment(url=URL, title=title, author="troll99",
                               body="Anyone who believes this is an idiot."),
        "edit": make_comment(
            url=URL, title=title, author="Sonam",
            body="My cousin lives there, call her on +1 555 0100 for the real story.",
        ),
        "reply": make_comment(
            url=URL, title=title, author="Lhamo", parent=published.pk,
            body="It was reopened this morning for emergency vehicles only.",
        ),
        "rtl": make_comment(url=RTL_URL, title="كەلكۈن خەۋىرى", author="ئايگۈل",
                            body="بۇ خەۋەر ئۈچۈن رەھمەت."),
        "script": make_comment(
            url=URL, title=title, author="<b>html</b>",
            body="<script>alert('x')</script> see https://example.com/more",
        ),
    }
    return moderator, comments


def test_moderator_decides_the_queue_in_a_browser(page, live_server, queue, tmp_path,
                                                  screenshots):
    moderator, comments = queue
    third_party = []
    page.on("request", lambda request: request.url.startswith(live_server.url)
            or third_party.append(request.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, moderator)
    # Oldest first, asked for (triage's priority order is the default).
    page.get_by_text("Filters and search").click()
    page.get_by_label("Order").select_option("oldest")
    page.get_by_role("button", name="Apply").click()

    # The pending queue, oldest first, with its counts.
    cards = page.locator("article.card")
    expect(cards).to_have_count(len(comments))
    expect(cards.first).to_contain_text("Thank you for the reporting.")
    expect(page.get_by_role("link", name="Pending 6")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="Approved 1")).to_be_visible()
    # Markup a reader typed is shown as text, not run.
    script_card = page.locator(f"#comment-{comments['script'].pk}")
    expect(script_card).to_contain_text("<script>alert('x')</script>")
    expect(script_card).to_contain_text("<b>html</b>")
    expect(script_card.locator("a[href^='https://example.com']")).to_have_count(0)
    # A reply shows what it answers.
    expect(page.locator(f"#comment-{comments['reply'].pk} .parent")).to_contain_text(
        "The bridge at the river crossing"
    )
    # The stylesheet came from Tribune's own static files.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(244, 245, 247)"

    # Approve.
    card = page.locator(f"#comment-{comments['approve'].pk}")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("is approved and published")
    expect(page.locator(f"#comment-{comments['approve'].pk}")).to_have_count(0)

    # Reject: the browser will not send it without a clause…
    card = page.locator(f"#comment-{comments['reject'].pk}")
    card.get_by_text("Reject…").click()
    card.get_by_role("button", name="Reject comment").click()
    assert Comment.objects.get(pk=comments["reject"].pk).status == Status.PENDING
    # …and sends it with one.
    pk = comments["reject"].pk
    card.locator(f"#reject-{pk}-clause").select_option(label="3. No personal attacks or hate")
    card.locator(f"#reject-{pk}-note").fill("insults other readers")
    card.get_by_role("button", name="Reject comment").click()
    expect(page.get_by_role("status")).to_contain_text("is rejected under clause 3")

    # Edit: new text and a clause.
    card = page.locator(f"#comment-{comments['edit'].pk}")
    card.get_by_text("Edit…").click()
    card.get_by_label("Text to publish").fill("My cousin lives there. [phone number removed]")
    card.locator(f"#edit-{comments['edit'].pk}-clause").select_option("4")
    card.get_by_role("button", name="Edit and publish").click()
    expect(page.get_by_role("status")).to_contain_text("is edited under clause 4")
    expect(page.get_by_role("link", name="Pending 3")).to_be_visible()
    page.screenshot(path=screenshots / "moderation-decided.png", full_page=True)

    # What readers get.
    published = {c["id"]: c for c in public_comments(page, live_server, URL)}
    assert published[comments["approve"].pk]["body"] == (
        "Thank you for the reporting.\nThe photos say more than words."
    )
    assert published[comments["approve"].pk]["edited"] is False
    assert comments["reject"].pk not in published
    edited = published[comments["edit"].pk]
    assert edited["body"] == "My cousin lives there. [phone number removed]"
    assert (edited["edited"], edited["edit_clause"]) == (True, 4)
    # Clause 4 is about personal information: the original leaves the comment
    # and is kept only sealed in the redaction vault (tribune.privacy.vault).
    assert Comment.objects.get(pk=comments["edit"].pk).body == ""
    [sealed] = originals_open(comment_id=comments["edit"].pk, reader=moderator)
    assert sealed.original.startswith("My cousin lives there, call")

    # The approved tab shows the published edit and says the original was removed.
    page.get_by_role("link", name="Approved 3").click()
    edited_card = page.locator(f"#comment-{comments['edit'].pk}")
    expect(edited_card).to_contain_text("Edited text (published)")
    expect(edited_card).to_contain_text("Original text removed (personal information)")
    expect(edited_card).not_to_contain_text("555 0100")
    expect(edited_card).to_contain_text("4. No personal information about others")

    page.screenshot(path=tmp_path / "queue-approved.png", full_page=True)
    assert third_party == []


def test_the_queue_fits_a_phone_and_works_without_javascript(
    nojs_page, live_server, queue, tmp_path
):
    moderator, comments = queue
    page = nojs_page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, moderator)

    # Nothing wider than the screen (measured without scripts: the layout box).
    assert page.locator("html").bounding_box()["width"] <= 360
    for locator in (page.locator("main"), page.locator("article.card").first,
                    page.get_by_role("button", name="Approve").first):
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360

    card = page.locator(f"#comment-{comments['rtl'].pk}")
    expect(card.locator("p.body")).to_have_attribute("dir", "rtl")
    card.get_by_text("Reject…").click()
    card.locator(f"#reject-{comments['rtl'].pk}-clause").select_option("5")
    page.screenshot(path=tmp_path / "queue-360.png", full_page=True)
    card.get_by_role("button", name="Reject comment").click()
    expect(page.get_by_role("status")).to_contain_text("is rejected under clause 5")
    assert Comment.objects.get(pk=comments["rtl"].pk).status == Status.REJECTED
