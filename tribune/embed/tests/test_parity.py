"""The same scenarios on the widget (JavaScript on, on a publisher's page of
another origin) and on the no-JS thread page (JavaScript off): a reader reports
a comment with a reason, asks for an e-mail about the decision, replies, follows
their own comments' decisions, and is asked before personal information is sent.

Each scenario is written once against :class:`Surface`, which knows only where
each surface puts things; what the reader reads, types and clicks is the same.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_published, make_site, spoken
from tribune.embed.testing import HostSite
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Report
from tribune.notifications.models import NoticeAddress
from tribune.triage.models import CommentTriage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PATH = "/2026/11/article"
RECEIVED = ("Thank you. Your comment has been received and awaits moderation. "
            "It will not appear in real time.")
AWAITING = "Awaiting moderation. Only you can see it; it will not appear in real time."


class Surface:
    """The widget or the no-JS page, opened on the same article."""

    def __init__(self, kind: str, page, host: HostSite, tribune: str, language: str = "en"):
        self.kind, self.page, self.host, self.tribune = kind, page, host, tribune
        self.language = language
        self.article = host.origin + PATH
        self.foreign: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((host.origin, tribune))
                else self.foreign.append(r.url))

    def say(self, english: str) -> str:
        """The desk's words for ``english``, as its reader sees them."""
        return spoken(self.language, english)

    @property
    def widget(self) -> bool:
        return self.kind == "widget"

    def open(self) -> None:
        if self.widget:
            self.host.attributes = {"data-url": self.article, "data-title": "An article"}
            self.page.goto(self.article)
        else:
            self.page.goto(f"{self.tribune}/embed/thread?{urlencode({'url': self.article})}")
        expect(self.root.get_by_role("heading", name=self.say("Comments"), exact=True)
               ).to_be_visible()

    @property
    def root(self):
        return self.page.locator(".tribune-comments .trb") if self.widget else self.page

    def action(self, name: str):
        """A comment's Reply or Report: a button in the widget, a link without scripts."""
        return self.root.get_by_role("button" if self.widget else "link", name=name)

    def own(self):
        """The reader's own comments."""
        return self.root.locator(".trb-own-box" if self.widget else "#your-comments")

    def published(self):
        return self.root.locator(".trb-comments" if self.widget else "#comments")

    def warning(self):
        return self.root.locator(".trb-warning" if self.widget else ".notice-warning")

    def write(self, *, author: str, body: str, email: str = "") -> None:
        self.root.get_by_label(self.say("Display name")).fill(author)
        self.root.get_by_label(self.say("Comment"), exact=True).fill(body)
        if email:
            self.root.get_by_label(self.say("E-mail address (optional)")).fill(email)

    def send(self) -> None:
        self.root.get_by_role("button", name=self.say("Send for moderation")).click()


@pytest.fixture(params=["widget", "nojs"])
def surface(request, live_server):
    host = HostSite(live_server.url)
    make_site(origin=host.origin, name="Host News")
    page = request.getfixturevalue("page" if request.param == "widget" else "nojs_page")
    yield Surface(request.param, page, host, live_server.url)
    host.close()


def test_report_a_published_comment_with_a_reason(surface):
    earlier = make_published(url=surface.article, author="Earlier", body="Buy cheap watches")
    surface.open()
    surface.action("Report the comment by Earlier").click()
    root = surface.root
    expect(root.get_by_role("group", name="Why should the moderators look at it?")).to_be_visible()
    # No reason chosen: refused, with a message a person understands.
    root.get_by_role("button", name="Send the report").click()
    if surface.widget:  # the no-JS page's radio is `required`: the browser asks first
        expect(root.get_by_role("alert")).to_contain_text("Choose a reason for the report.")
    assert not Report.objects.exists()
    root.get_by_label("Spam or advertising").check()
    root.get_by_label("Anything the moderators should know (optional)").fill("Posted 5 times")
    root.get_by_role("button", name="Send the report").click()
    expect(root.get_by_text("Thank you. The moderators will look at this comment; it stays "
                            "published until they decide.")).to_be_visible()
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.text) == (earlier.pk, "spam",
                                                                "Posted 5 times")
    assert report.reporter_hash  # a keyed hash, never an address
    assert surface.foreign == []


def test_ask_for_an_e_mail_about_the_decision(surface):
    surface.open()
    root = surface.root
    expect(root.get_by_text("Only if you want one e-mail telling you the decision on this "
                            "comment.")).to_be_visible()
    # An address a browser lets pass and Tribune cannot write to.
    surface.write(author="Mina", body="Tell me what you decide.", email="mina@example")
    surface.send()
    expect(root.get_by_text("This is not an e-mail address we can write to.", exact=False).first
           ).to_be_visible()
    expect(root.get_by_label("Comment", exact=True)).to_have_value("Tell me what you decide.")
    assert not Comment.objects.exists()

    root.get_by_label("E-mail address (optional)").fill("mina@example.org")
    surface.send()
    expect(root.get_by_text(RECEIVED)).to_be_visible()
    comment = Comment.objects.get()
    assert NoticeAddress.objects.get(comment=comment).address == "mina@example.org"
    assert surface.foreign == []


def test_reply_to_a_published_comment(surface):
    earlier = make_published(url=surface.article, author="Earlier", body="The figures are old.")
    surface.open()
    surface.action("Reply to Earlier").click()
    root = surface.root
    expect(root.get_by_role("heading", name="Write a reply")).to_be_visible()
    expect(root.get_by_text("Replying to Earlier")).to_be_visible()
    expect(root.locator("blockquote")).to_have_text("The figures are old.")
    surface.write(author="Mina", body="They are from 2025.")
    surface.send()
    expect(root.get_by_text(RECEIVED)).to_be_visible()
    reply = Comment.objects.get(author="Mina")
    assert reply.parent_id == earlier.pk
    expect(surface.own()).to_contain_text("In reply to Earlier")
    expect(surface.own()).to_contain_text(AWAITING)
    assert surface.foreign == []


def test_own_comments_and_the_decisions_on_them(surface):
    surface.open()
    surface.write(author="Mina", body="You are all idiots.")
    surface.send()
    expect(surface.root.get_by_text(RECEIVED)).to_be_visible()
    if not surface.widget:
        surface.open()
    surface.write(author="Mina", body="The bridge closed in 2019, call 5551234 for details.")
    surface.send()
    expect(surface.own()).to_contain_text("The bridge closed in 2019")
    rejected = Comment.objects.get(body="You are all idiots.")
    edited = Comment.objects.exclude(pk=rejected.pk).get()
    comment_decide(comment_id=rejected.pk, moderator=None, action="reject", clause=3)
    comment_decide(comment_id=edited.pk, moderator=None, action="edit", clause=4,
                   body="The bridge closed in 2019.")

    surface.open()
    own = surface.own()
    expect(own).to_contain_text("Not published under clause 3: No personal attacks or hate")
    clause = own.get_by_role("link", name="Read clause 3 of the Terms of Use")
    assert clause.get_attribute("href").endswith("#clause-3")
    expect(own).to_contain_text("Published with changes by a moderator under clause 4:")
    # Clause 4 is about personal information: what it removed is kept only
    # sealed, for desk editors (tribune.privacy.vault), not shown even to the
    # author, so the reader's own list has no "What you wrote" for it.
    expect(own.get_by_text("What you wrote")).to_have_count(0)
    expect(own).not_to_contain_text("5551234")
    published = surface.published()
    expect(published).to_contain_text("The bridge closed in 2019.")
    expect(published).not_to_contain_text("5551234")
    expect(published).to_contain_text("Edited by a moderator under clause 4:")
    expect(published).not_to_contain_text("idiots")
    assert surface.foreign == []


def test_asked_before_personal_information_is_sent(surface):
    surface.open()
    root = surface.root
    surface.write(author="Mina", body="Call me on 010-1234-5678 about this")
    surface.send()
    expect(root.get_by_role("heading", name="Before you send your comment")).to_be_visible()
    warning = surface.warning()
    expect(warning).to_contain_text("phone number")
    assert not Comment.objects.exists()
    # A caution, not an error: not in red. Editing is the primary action.
    colour = warning.evaluate("e => getComputedStyle(e).color")
    assert colour not in ("rgb(176, 0, 32)", "rgb(122, 22, 22)"), colour
    edit = root.get_by_role("button", name="Edit my comment")
    anyway = root.get_by_role("button", name="Send it anyway")
    fill = "b => getComputedStyle(b).backgroundColor"
    assert edit.evaluate(fill) not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert anyway.evaluate(fill) in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    edit_box, anyway_box = edit.bounding_box(), anyway.bounding_box()
    assert (edit_box["y"], edit_box["x"]) <= (anyway_box["y"], anyway_box["x"])  # first

    edit.click()
    expect(root.get_by_label("Comment", exact=True)).to_have_value(
        "Call me on 010-1234-5678 about this")
    assert not Comment.objects.exists()
    surface.send()
    root.get_by_role("button", name="Send it anyway").click()
    expect(root.get_by_text(RECEIVED)).to_be_visible()
    assert Comment.objects.get().body == "Call me on 010-1234-5678 about this"
    assert surface.foreign == []


def test_a_long_reply_chain_names_whom_a_flattened_reply_answers(surface):
    parent = None
    for n in range(7):
        parent = make_published(url=surface.article, author=f"R{n}", body=f"Reply {n}",
                                parent=parent).pk
    surface.open()
    published = surface.published()
    expect(published).to_contain_text("Reply 6")
    # Five levels deep and below, replies are shown at one depth, each naming its parent.
    expect(published.get_by_text("In reply to R4")).to_be_visible()
    expect(published.get_by_text("In reply to R5")).to_be_visible()
    expect(published.get_by_text("In reply to R3")).to_have_count(0)


def test_a_fast_paste_is_held_and_a_fast_program_refused(surface, settings):
    """Both surfaces carry the form's signed time of issue: every comment here is
    'young', so a link in it reads as a program and a plain paste is held."""
    settings.TRIBUNE_FORM_MIN_SECONDS = 600
    surface.open()
    root = surface.root
    surface.write(author="Bot", body="Great article! Cheap watches at https://watches.example.com")
    surface.send()
    expect(root.get_by_text("looks like what automated programs send", exact=False)
           ).to_be_visible()
    expect(root.get_by_label("Comment", exact=True)).to_have_value(
        "Great article! Cheap watches at https://watches.example.com")
    assert not Comment.objects.exists()

    root.get_by_label("Comment", exact=True).fill("Thank you, agreed.")
    surface.send()
    expect(root.get_by_text(RECEIVED)).to_be_visible()
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    labels = CommentTriage.objects.get(comment=comment).labels
    assert [label["code"] for label in labels if label["code"] == "sent_fast"] == ["sent_fast"]
    assert surface.foreign == []
