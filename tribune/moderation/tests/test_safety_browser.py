"""Issue #15 in a real browser (Debian's Chromium) against a live server, where
every reader comes from 127.0.0.1 — one shared network, as behind a Tor exit,
a VPN or an office NAT: a moderator bans a troll and the next reader on that
network can still comment; restricting the network is a separate, explicit
step that first says how many other commenters it would hold back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tribune.comments.models import Comment
from tribune.core.testing import make_moderator
from tribune.moderation.models import NetworkRestriction

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

ARTICLE = "https://news.example.org/2026/12/shared-exit"
RECEIVED = ("Thank you. Your comment has been received and awaits moderation. "
            "It will not appear in real time.")


def send(page, live_server, *, name: str, body: str) -> None:
    page.goto(f"{live_server.url}/embed/thread?url={ARTICLE}")
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Comment", exact=True).fill(body)
    page.get_by_role("button", name="Send for moderation").click()


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/moderate/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Comment queue")).to_be_visible()


def test_a_ban_on_a_shared_network_leaves_the_next_reader_free(browser, live_server, site,
                                                               screenshots):
    editor = make_moderator(name="editor", desk_codes=["en"], role="editor")
    contexts = {who: browser.new_context(java_script_enabled=False)
                for who in ("troll", "neighbour", "third")}
    moderator_context = browser.new_context()
    try:
        troll = contexts["troll"].new_page()
        send(troll, live_server, name="troll", body="Everyone here is an idiot.")
        expect(troll.get_by_text(RECEIVED)).to_be_visible()
        commenter_id = Comment.objects.get(author="troll").commenter_id

        # The moderator bans the troll from their record.
        desk = moderator_context.new_page()
        log_in(desk, live_server, editor)
        desk.goto(f"{live_server.url}/moderate/commenters/{commenter_id}/")
        expect(desk.get_by_text("Other readers on the same network are not affected.")
               ).to_be_visible()
        desk.get_by_label("Length").select_option("7")
        desk.get_by_label("Reason (for the moderators)").fill("insults")
        desk.get_by_role("button", name="Ban", exact=True).click()
        expect(desk.get_by_text("The commenter is suspended until")).to_be_visible()

        # The troll is refused…
        send(troll, live_server, name="troll", body="You cannot stop me.")
        expect(troll.get_by_text("A moderator has suspended you from commenting here")
               ).to_be_visible()
        # …the next reader on the same network is not, and is told nothing of it.
        neighbour = contexts["neighbour"].new_page()
        send(neighbour, live_server, name="Mina", body="A fair report, thank you.")
        expect(neighbour.get_by_text(RECEIVED)).to_be_visible()
        expect(neighbour.get_by_text("suspended")).to_have_count(0)
        assert Comment.objects.filter(author="Mina").count() == 1

        # Restricting the network is its own step, and says who else it holds back.
        desk.goto(f"{live_server.url}/moderate/commenters/{commenter_id}/")
        desk.get_by_role("link", name="Restrict this commenter's network for a few hours…"
                         ).click()
        expect(desk.get_by_role("heading", name="Restrict a network", exact=True)
               ).to_be_visible()
        expect(desk.get_by_text(
            "1 other commenter was seen from this network in the last 24 hours.")).to_be_visible()
        desk.screenshot(path=screenshots / "network-restriction.png", full_page=True)
        desk.get_by_label("How long").select_option("1")
        desk.get_by_role("button", name="Restrict the network, holding back 1 other commenter"
                         ).click()
        expect(desk.get_by_text("The network is restricted on this desk until")).to_be_visible()
        assert NetworkRestriction.objects.get().others_seen == 1

        # A reader on it now is told it is about the network, not them.
        third = contexts["third"].new_page()
        send(third, live_server, name="Jae-won", body="Is the bridge open?")
        expect(third.get_by_text("This is not about you: you have not been banned.")
               ).to_be_visible()
        expect(third.get_by_label("Comment", exact=True)).to_have_value("Is the bridge open?")
    finally:
        for context in [*contexts.values(), moderator_context]:
            context.close()
