"""The moderator's web path at /moderate/, through Django's test client.

Decisions are checked where they matter: in the public JSON API a reader's
browser reads, and in the audit trail.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator, make_published, make_site
from tribune.moderation.models import Decision

URL = "https://news.example.org/2026/11/article"
QUEUE = "/moderate/"
LOGIN = "/moderate/login/"


def decide_url(comment_id) -> str:
    return f"/moderate/comments/{comment_id}/decide"


def public_comments(url: str = URL) -> list[dict]:
    response = Client().get("/api/v1/comments", {"url": url})
    assert response.status_code == 200
    return response.json()["comments"]


def tab_count(html: str, label: str) -> int:
    match = re.search(rf'>{label} <span class="count">(\d+)</span>', html)
    assert match, f"no {label} tab"
    return int(match.group(1))


@pytest.fixture
def desk_client(moderator) -> Client:
    """A browser logged in as the ``moderator`` fixture (English desk)."""
    client = Client()
    client.force_login(moderator)
    return client


# Logging in and out ---------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(db, client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/moderate/"


def test_anonymous_decision_is_sent_to_login_and_changes_nothing(site, client):
    comment = make_comment()
    response = client.post(decide_url(comment.pk), {"action": "approve"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not Decision.objects.exists()


def test_login_page(db, client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_wrong_password_shows_the_login_page_with_an_error(client, moderator):
    response = client.post(LOGIN, {"username": moderator.username, "password": "not-it"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "do not match a moderator" in response.content.decode()
    assert client.get(QUEUE).status_code == 302


def test_login_opens_the_queue(client, moderator):
    response = client.post(
        LOGIN, {"username": moderator.username, "password": moderator.raw_password}
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert "Signed in as <strong>moderator</strong>" in response.content.decode()


def test_login_follows_next(client, moderator):
    response = client.post(
        LOGIN,
        {"username": moderator.username, "password": moderator.raw_password,
         "next": "/moderate/?status=rejected"},
    )
    assert response["Location"] == "/moderate/?status=rejected"


def test_login_never_sends_to_another_host(client, moderator):
    response = client.post(
        LOGIN,
        {"username": moderator.username, "password": moderator.raw_password,
         "next": "https://evil.example/"},
    )
    assert response["Location"] == QUEUE


def test_a_logged_in_moderator_is_not_looped_back_to_login(desk_client):
    response = desk_client.get(LOGIN, {"next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_an_account_that_is_not_staff_cannot_log_in(db, client):
    get_user_model().objects.create_user(username="reader", password="long-enough-secret")
    response = client.post(LOGIN, {"username": "reader", "password": "long-enough-secret"})
    assert response.status_code == 200
    assert "do not match a moderator" in response.content.decode()


def test_an_account_that_is_not_staff_gets_403(db, client):
    user = get_user_model().objects.create_user(username="reader", password="x" * 12)
    client.force_login(user)
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


def test_logout_is_a_post(desk_client):
    assert desk_client.get("/moderate/logout/").status_code == 405
    response = desk_client.post("/moderate/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert desk_client.get(QUEUE).status_code == 302


# The queue ------------------------------------------------------------------------


def test_queue_shows_pending_oldest_first_with_counts(site, moderator, desk_client):
    first = make_comment(body="First in line")
    make_comment(body="Second in line")
    make_comment(body="Third in line")
    make_published(moderator, body="Already published")
    rejected = make_comment(body="Turned down")
    Client(headers={"Authorization": f"Bearer {moderator.token}"}).post(
        f"/api/v1/moderation/comments/{rejected.pk}/decision",
        {"action": "reject", "clause": 5}, content_type="application/json",
    )

    response = desk_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(text) for text in ("First in line", "Second in line", "Third in line")]
    assert positions == sorted(positions)
    assert "Already published" not in html and "Turned down" not in html
    assert tab_count(html, "Pending") == 3
    assert tab_count(html, "Approved") == 1
    assert tab_count(html, "Rejected") == 1
    assert f'id="comment-{first.pk}"' in html
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]

    html = desk_client.get(QUEUE, {"status": "rejected"}).content.decode()
    assert "Turned down" in html and "First in line" not in html
    assert "5. No spam or advertising" in html


def test_card_shows_the_article_desk_author_pseudonym_and_reply_context(
    site, moderator, desk_client
):
    parent = make_published(moderator, body="The parent comment", author="Ana",
                            title="Floods in the north")
    reply = make_comment(body="A reply", author="Bo", parent=parent.pk)
    html = desk_client.get(QUEUE).content.decode()
    card = html[html.index(f'id="comment-{reply.pk}"'):]
    link = f'<a href="{URL}" rel="noopener noreferrer" target="_blank" dir="auto">'
    assert f"{link}Floods in the north</a>" in card
    assert "English" in card and '<span class="code">en</span>' in card
    assert ">Bo<" in card
    assert reply.commenter.pseudonym in card
    assert "In reply to" in card and "The parent comment" in card
    assert f'action="{decide_url(reply.pk)}"' in card


def test_the_article_url_stands_in_for_a_missing_title(site, desk_client):
    make_comment()
    html = desk_client.get(QUEUE).content.decode()
    assert f'<a href="{URL}" rel="noopener noreferrer" target="_blank" dir="auto">{URL}</a>' in html


def test_names_bodies_and_titles_are_escaped(site, desk_client):
    make_comment(
        author="<script>alert(1)</script>",
        body="<img src=x onerror=alert(2)>\nsee https://evil.example/x & more",
        title="<b>Bold</b> title",
    )
    html = desk_client.get(QUEUE).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;\nsee https://evil.example/x &amp; more" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in html
    # URLs in a comment stay text: never a link.
    assert 'href="https://evil.example' not in html


def test_pagination_is_by_keyset(site, desk_client):
    comments = [make_comment(body=f"Comment number {n}") for n in range(60)]
    html = desk_client.get(QUEUE).content.decode()
    assert html.count('<article class="card') == 50
    assert tab_count(html, "Pending") == 60
    next_link = f'href="/moderate/?status=pending&amp;after={comments[49].pk}"'
    assert next_link in html

    html = desk_client.get(QUEUE, {"status": "pending", "after": comments[49].pk}).content.decode()
    assert html.count('<article class="card') == 10
    assert f'id="comment-{comments[50].pk}"' in html
    assert f'id="comment-{comments[59].pk}"' in html
    assert "Next page" not in html
    assert "First page" in html


def test_exactly_one_page_has_no_next_page(site, desk_client):
    for n in range(50):
        make_comment(body=f"Comment {n}")
    html = desk_client.get(QUEUE).content.decode()
    assert html.count('<article class="card') == 50
    assert "Next page" not in html


def test_queue_queries_do_not_grow_with_the_page(site, moderator, desk_client):
    parent = make_published(moderator, body="Parent")
    make_comment(body="one", parent=parent.pk)
    with CaptureQueriesContext(connection) as few:
        assert desk_client.get(QUEUE).status_code == 200
    for n in range(20):
        make_comment(body=f"more {n}", parent=parent.pk)
    make_comment(url="https://news.example.org/other", body="another thread")
    with CaptureQueriesContext(connection) as many:
        assert desk_client.get(QUEUE).status_code == 200
    assert len(many) == len(few)


# Decisions ------------------------------------------------------------------------


def test_approve_publishes_and_writes_the_audit_row(site, moderator, desk_client):
    comment = make_comment(body="Worth publishing", author="Reader")
    response = desk_client.post(
        decide_url(comment.pk), {"action": "approve", "status": "pending"}
    )
    assert response.status_code == 303
    assert response["Location"] == "/moderate/?status=pending"

    html = desk_client.get(response["Location"]).content.decode()
    assert f"Comment {comment.pk} by Reader is approved and published." in html
    assert "Worth publishing" not in html  # it left the pending queue

    published = public_comments()
    assert [c["body"] for c in published] == ["Worth publishing"]
    assert published[0]["edited"] is False
    decision = Decision.objects.get(comment=comment)
    assert decision.moderator == moderator
    assert decision.action == "approve"
    assert decision.clause is None
    assert decision.body_before == decision.body_after == "Worth publishing"


def test_reject_without_a_clause_is_refused_and_changes_nothing(site, desk_client):
    comment = make_comment(body="Borderline")
    response = desk_client.post(
        decide_url(comment.pk), {"action": "reject", "clause": "", "note": "keep me"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the clause of the Terms of Use" in html
    assert 'role="alert"' in html
    # The form is re-shown open, with the note the moderator typed.
    assert '<details class="action-reject" data-reject open>' in html
    assert "keep me</textarea>" in html
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not Decision.objects.exists()
    assert public_comments() == []


def test_reject_with_a_clause(site, moderator, desk_client):
    comment = make_comment(body="You are all idiots")
    response = desk_client.post(
        decide_url(comment.pk),
        {"action": "reject", "clause": "3", "note": "insult", "status": "pending"},
    )
    assert response.status_code == 303
    html = desk_client.get(response["Location"]).content.decode()
    assert f"Comment {comment.pk} by Reader is rejected under clause 3." in html

    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert comment.decision_clause == 3
    decision = Decision.objects.get(comment=comment)
    assert (decision.moderator, decision.action, decision.clause, decision.note) == (
        moderator, "reject", 3, "insult"
    )
    assert decision.clause_title == "No personal attacks or hate"
    assert public_comments() == []

    html = desk_client.get(QUEUE, {"status": "rejected"}).content.decode()
    assert "Not published" in html and "3. No personal attacks or hate" in html
    assert "insult" in html and "by moderator" in html


def test_edit_with_a_clause_publishes_the_edit_and_keeps_the_original(
    site, moderator, desk_client
):
    comment = make_comment(body="Great piece. Call me on 555-0100!")
    response = desk_client.post(
        decide_url(comment.pk),
        {"action": "edit", "body": "Great piece.", "clause": "4", "note": "phone number"},
    )
    assert response.status_code == 303

    published = public_comments()
    assert len(published) == 1
    assert published[0]["body"] == "Great piece."
    assert published[0]["edited"] is True
    assert published[0]["edit_clause"] == 4
    comment.refresh_from_db()
    # Clause 4 is about personal information: the original is sealed in the
    # redaction vault (tribune/privacy/tests/test_vault.py), not kept in clear.
    assert comment.body == ""
    assert comment.edited_body == "Great piece."
    decision = Decision.objects.get(comment=comment)
    assert decision.action == "edit" and decision.clause == 4
    assert decision.body_before == ""
    assert decision.body_after == "Great piece."

    html = desk_client.get(QUEUE, {"status": "approved"}).content.decode()
    assert "Edited text (published)" in html
    assert "Original text removed (personal information)" in html
    assert "555-0100" not in html
    assert "4. No personal information about others" in html


def test_edit_without_a_clause_keeps_the_typed_text(site, desk_client):
    comment = make_comment(body="Original words")
    response = desk_client.post(
        decide_url(comment.pk), {"action": "edit", "body": "Moderated words", "clause": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<details class="action-edit" data-edit open>' in html
    assert "Moderated words</textarea>" in html
    comment.refresh_from_db()
    assert comment.status == Status.PENDING and comment.edited_body is None


def test_an_approved_comment_can_be_rejected_later(site, moderator, desk_client):
    comment = make_published(moderator, body="Published too soon")
    response = desk_client.post(
        decide_url(comment.pk), {"action": "reject", "clause": "2", "status": "approved"}
    )
    assert response.status_code == 303
    assert response["Location"] == "/moderate/?status=approved"
    assert public_comments() == []


def test_deciding_twice_is_a_conflict(site, moderator, desk_client):
    comment = make_published(moderator)
    response = desk_client.post(decide_url(comment.pk), {"action": "approve"})
    assert response.status_code == 409
    assert "already published" in response.content.decode()
    assert Decision.objects.filter(comment=comment).count() == 1


def test_the_decision_returns_to_the_same_page(site, desk_client):
    comments = [make_comment(body=f"c{n}") for n in range(3)]
    response = desk_client.post(
        decide_url(comments[2].pk),
        {"action": "approve", "status": "pending", "after": comments[0].pk},
    )
    assert response["Location"] == f"/moderate/?status=pending&after={comments[0].pk}"


# Desks ----------------------------------------------------------------------------


@pytest.fixture
def other_desk_comment(site):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    return make_comment(url="https://ko.example.org/2026/story", body="Korean desk comment")


def test_a_moderator_sees_only_their_desks(site, desk_client, other_desk_comment):
    make_comment(body="English desk comment")
    html = desk_client.get(QUEUE).content.decode()
    assert "English desk comment" in html
    assert "Korean desk comment" not in html
    assert tab_count(html, "Pending") == 1


def test_deciding_another_desks_comment_is_404_and_changes_nothing(
    site, desk_client, other_desk_comment
):
    for data in ({"action": "approve"}, {"action": "reject", "clause": "1"},
                 {"action": "edit", "clause": "1", "body": "changed"}):
        response = desk_client.post(decide_url(other_desk_comment.pk), data)
        assert response.status_code == 404
        assert "Korean desk comment" not in response.content.decode()
    other_desk_comment.refresh_from_db()
    assert other_desk_comment.status == Status.PENDING
    assert other_desk_comment.edited_body is None
    assert not Decision.objects.exists()


def test_an_administrator_sees_and_decides_every_desk(site, admin, other_desk_comment):
    make_comment(body="English desk comment")
    client = Client()
    client.force_login(admin)
    html = client.get(QUEUE).content.decode()
    assert "English desk comment" in html and "Korean desk comment" in html
    assert "All desks (administrator)" in html
    response = client.post(decide_url(other_desk_comment.pk), {"action": "approve"})
    assert response.status_code == 303
    assert [c["body"] for c in public_comments("https://ko.example.org/2026/story")] == [
        "Korean desk comment"
    ]


def test_a_moderator_of_two_desks_sees_both(site, other_desk_comment):
    user = make_moderator(name="both", desk_codes=["en", "ko"])
    make_comment(body="English desk comment")
    client = Client()
    client.force_login(user)
    html = client.get(QUEUE).content.decode()
    assert "English desk comment" in html and "Korean desk comment" in html


# Garbage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/moderate/comments/abc/decide", {"action": "approve"}),
        ("/moderate/comments/0/decide", {"action": "approve"}),
        ("/moderate/comments/-1/decide", {"action": "approve"}),
        ("/moderate/comments/99999999999999999999999999/decide", {"action": "approve"}),
        ("/moderate/comments/999999/decide", {"action": "approve"}),
        ("COMMENT", {}),
        ("COMMENT", {"action": "explode"}),
        ("COMMENT", {"action": "x" * 10_000}),
        ("COMMENT", {"action": "reject", "clause": "abc"}),
        ("COMMENT", {"action": "reject", "clause": "99"}),
        ("COMMENT", {"action": "reject", "clause": "-1"}),
        ("COMMENT", {"action": "reject", "clause": "9" * 30}),
        ("COMMENT", {"action": "reject", "clause": "1", "note": "bad \x00 byte"}),
        ("COMMENT", {"action": "reject", "clause": "1", "note": "n" * 5000}),
        ("COMMENT", {"action": "edit", "clause": "1", "body": ""}),
        ("COMMENT", {"action": "edit", "clause": "1", "body": "A comment."}),
        ("COMMENT", {"action": "edit", "clause": "1", "body": "b" * 50_000}),
        ("COMMENT", {"action": "edit", "clause": "1", "body": "bell \x07"}),
        ("COMMENT", {"action": "approve", "body": "sneaky"}),
        ("COMMENT", {"action": "approve", "clause": "1"}),
        ("COMMENT", {"action": "approve", "status": "nope", "after": "zzz"}),
        ("COMMENT", {"action": ["approve", "reject"], "status": ["a", "b"]}),
    ],
)
def test_garbage_decisions_are_refused_without_a_server_error(site, desk_client, path, data):
    comment = make_comment()
    path = decide_url(comment.pk) if path == "COMMENT" else path
    response = desk_client.post(path, data)
    assert response.status_code < 500
    if response.status_code == 303:  # only a valid decision gets through
        assert data.get("action") == "approve"
        assert response["Location"] == "/moderate/?status=pending"
    else:
        assert 400 <= response.status_code < 500
        comment.refresh_from_db()
        assert comment.status == Status.PENDING
        assert comment.edited_body is None


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nope"},
        {"after": "abc"},
        {"after": "0"},
        {"after": "9" * 40},
        {"after": "1" * 5000},
        {"status": "pending", "after": "99999999"},
    ],
)
def test_garbage_queue_pages_are_refused_without_a_server_error(site, desk_client, query):
    make_comment(body="Still here")
    response = desk_client.get(QUEUE, query)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "That page of the queue does not exist" in response.content.decode()
        assert "Still here" in response.content.decode()


def test_decide_is_post_only(site, desk_client):
    comment = make_comment()
    assert desk_client.get(decide_url(comment.pk)).status_code == 405
    assert desk_client.post(QUEUE).status_code == 405


def test_decisions_need_the_csrf_token(site, moderator):
    comment = make_comment()
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = client.post(decide_url(comment.pk), {"action": "approve"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_stale_decision_on_a_moved_comment(site, moderator, desk_client):
    """Two moderators on one comment: the second sees why, and the first decision stands."""
    comment = make_comment()
    other = make_moderator(name="colleague", desk_codes=["en"])
    colleague = Client()
    colleague.force_login(other)
    response = colleague.post(decide_url(comment.pk), {"action": "reject", "clause": "1"})
    assert response.status_code == 303
    response = desk_client.post(decide_url(comment.pk), {"action": "reject", "clause": "2"})
    assert response.status_code == 409
    assert Comment.objects.get(pk=comment.pk).decision_clause == 1
