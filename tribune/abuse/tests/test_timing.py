"""A comment sent seconds after its page opened, through HTTP: a person who
pastes a reply is accepted and held for a moderator, who sees why; a program
(a young page and another sign: links, spam, a burst) is refused. The no-JS
form (CSRF enforced, as in a browser) and the JSON API (with the stamp of
``GET /api/v1/stamp``) alike."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from django.test import Client

from tribune.abuse.forms import form_stamp
from tribune.actions.thread_settings import thread_settings_update
from tribune.comments.models import Comment, Status
from tribune.core.testing import make_published
from tribune.threads.services import thread_get_or_create
from tribune.triage.models import CommentTriage

pytestmark = pytest.mark.django_db

ARTICLE = "https://news.example.org/2026/11/article"
OTHER = "https://news.example.org/2026/11/other"
BOT_TEXT = "Great article! Cheap watches at https://watches.example.com"


@pytest.fixture(autouse=True)
def human_speed(settings):
    settings.TRIBUNE_FORM_MIN_SECONDS = 3


@pytest.fixture
def browser_like():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def desk_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def form_fields(client: Client, url: str = ARTICLE) -> dict[str, str]:
    page = client.get("/embed/thread", {"url": url}).content.decode()
    form = page[page.index('<form method="post"'):page.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {k: unescape(v) for k, v in fields.items()}


def post_form(client: Client, body: str, fields: dict[str, str] | None = None):
    fields = fields if fields is not None else form_fields(client)
    return client.post("/embed/thread", {**fields, "author": "Reader", "body": body})


def stamp(client: Client, url: str = ARTICLE) -> str:
    response = client.get("/api/v1/stamp", {"url": url})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json()["min_seconds"] == 3
    return response.json()["issued"]


def post_api(client: Client, body: str, issued: str | None, url: str = ARTICLE):
    payload = {"url": url, "author": "Reader", "body": body}
    if issued is not None:
        payload["issued"] = issued
    return client.post("/api/v1/comments", payload, content_type="application/json")


def label_of(comment: Comment) -> dict | None:
    triage = CommentTriage.objects.get(comment=comment)
    return next((label for label in triage.labels if label["code"] == "sent_fast"), None)


def seen_by_moderator(desk_client: Client, body: str) -> str:
    """The queue card of the comment with ``body``, as the moderator reads it."""
    html = desk_client.get("/moderate/", {"status": "pending"}).content.decode()
    start = html.index(body)
    return unescape(html[start:html.index("</article>", start)])


def test_a_fast_paste_on_the_no_js_form_is_accepted_and_held(site, browser_like, desk_client):
    response = post_form(browser_like, "Thank you, agreed.")  # sent at once
    assert response.status_code == 303
    comment = Comment.objects.get(body="Thank you, agreed.")
    assert comment.status == Status.PENDING
    label = label_of(comment)
    assert label is not None and label["signals"] == [] and 0 <= label["seconds"] < 3
    assert CommentTriage.objects.get(comment=comment).priority >= 15
    card = seen_by_moderator(desk_client, "Thank you, agreed.")
    assert "s after its page opened (a paste, or a program)" in card


def test_a_person_who_takes_their_time_is_not_marked(site, browser_like):
    fields = {**form_fields(browser_like),
              "issued": form_stamp(url=ARTICLE, now=time.time() - 30)}
    assert post_form(browser_like, "Written slowly.", fields).status_code == 303
    assert label_of(Comment.objects.get(body="Written slowly.")) is None


def test_a_bot_on_the_no_js_form_is_refused_with_its_text_kept(site, browser_like):
    response = post_form(browser_like, BOT_TEXT)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "sent only seconds after the page opened and looks like what automated " \
           "programs send" in page
    assert BOT_TEXT in page
    assert not Comment.objects.exists()
    # A person who reads the message and sends again after a moment gets through.
    fields = {**form_fields(browser_like), "issued": form_stamp(url=ARTICLE,
                                                                now=time.time() - 5)}
    assert post_form(browser_like, BOT_TEXT, fields).status_code == 303


def test_a_burst_from_a_young_page_is_refused(site, browser_like):
    slow = {**form_fields(browser_like), "issued": form_stamp(url=ARTICLE,
                                                              now=time.time() - 30)}
    assert post_form(browser_like, "A first comment, typed.", slow).status_code == 303
    response = post_form(browser_like, "And a second one at once.")
    assert response.status_code == 400
    assert "looks like what automated programs send" in unescape(response.content.decode())


def test_a_known_commenter_pasting_a_link_is_held_not_refused(site, browser_like,
                                                              desk_client):
    slow = {**form_fields(browser_like), "issued": form_stamp(url=ARTICLE,
                                                              now=time.time() - 600)}
    assert post_form(browser_like, "An earlier comment.", slow).status_code == 303
    earlier = Comment.objects.get(body="An earlier comment.")
    Comment.objects.filter(pk=earlier.pk).update(
        status=Status.APPROVED, submitted_at=earlier.submitted_at.replace(year=2025))
    text = "The report is at https://data.example.org/report"
    assert post_form(browser_like, text).status_code == 303
    comment = Comment.objects.get(body=text)
    assert comment.status == Status.PENDING
    assert "links" in label_of(comment)["signals"]
    assert "known commenter, despite: links" in seen_by_moderator(desk_client, text)


def test_the_json_api_holds_a_fast_paste_and_refuses_a_bot(site, reader, desk_client):
    response = post_api(reader, "Agreed, thanks.", stamp(reader))
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    comment = Comment.objects.get(body="Agreed, thanks.")
    assert label_of(comment)["code"] == "sent_fast"
    assert "after its page opened" in seen_by_moderator(desk_client, "Agreed, thanks.")

    bot = Client()
    response = post_api(bot, BOT_TEXT, stamp(bot))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_fast"
    assert "automated programs" in response.json()["error"]["message"]
    assert not Comment.objects.filter(body=BOT_TEXT).exists()

    # An old enough stamp, or none at all (a CMS posting for its readers): as before.
    aged = form_stamp(url=ARTICLE, now=time.time() - 30)
    assert post_api(Client(), "Written slowly.", aged).status_code == 202
    assert post_api(Client(), "From a CMS.", None).status_code == 202
    assert label_of(Comment.objects.get(body="Written slowly.")) is None
    assert label_of(Comment.objects.get(body="From a CMS.")) is None


def test_a_fast_paste_is_held_even_on_a_post_moderated_thread(site, admin):
    thread = thread_get_or_create(url=ARTICLE)
    thread_settings_update(actor=admin, thread_id=thread.pk, is_open=True, moderation="post",
                           closes_at=None)
    slow = post_api(Client(), "Published at once.", form_stamp(url=ARTICLE,
                                                                now=time.time() - 30))
    assert slow.json()["status"] == "approved"
    client = Client()
    fast = post_api(client, "Held for a moderator.", stamp(client))
    assert fast.status_code == 202
    assert fast.json()["status"] == "pending"
    published = Client().get("/api/v1/comments", {"url": ARTICLE}).json()["comments"]
    assert [c["body"] for c in published] == ["Published at once."]


@pytest.mark.parametrize("issued", ["forged", "other_thread", "expired"])
def test_the_json_api_refuses_a_stamp_that_is_not_this_forms(site, settings, issued):
    value = {
        "forged": "1700000000:0123456789abcdef:forgedsignature",
        "other_thread": form_stamp(url=OTHER, now=time.time() - 30),
        "expired": form_stamp(url=ARTICLE,
                              now=time.time() - settings.TRIBUNE_FORM_MAX_AGE - 60),
    }[issued]
    response = post_api(Client(), "A comment.", value)
    assert response.status_code == 400
    code = response.json()["error"]["code"]
    assert code == ("form_expired" if issued == "expired" else "form_tampered")
    assert not Comment.objects.exists()


def test_a_stamp_is_only_for_an_article_of_a_registered_site(site):
    response = Client().get("/api/v1/stamp", {"url": "https://elsewhere.example/post"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_site"


def test_a_published_history_is_a_commenters_own(site, browser_like):
    """Another commenter's published comments do not vouch for a new one."""
    make_published(body="Someone else's comment.")
    response = post_form(browser_like, BOT_TEXT)
    assert response.status_code == 400


def test_the_widget_may_fetch_a_stamp_from_the_publishers_page(site):
    """Open to a registered site's origin, like the other reader endpoints."""
    ours = Client().get("/api/v1/stamp", {"url": ARTICLE},
                        headers={"Origin": "https://news.example.org"})
    assert ours["Access-Control-Allow-Origin"] == "https://news.example.org"
    theirs = Client().get("/api/v1/stamp", {"url": ARTICLE},
                          headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in theirs
