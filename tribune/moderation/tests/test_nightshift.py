"""The night shift through HTTP: the live stream and its bounds, the cards it
names, open comments, notes, featured comments, standing, idle timeouts and
what a refused or undone decision says. Browser tests are beside
(test_nightshift_browser.py); several hosts in test_live_hosts.py."""

from __future__ import annotations

import json
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from tribune.accounts.middleware import idle_limit
from tribune.accounts.signals import LOGIN_AT, SEEN_AT
from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator, make_published
from tribune.moderation import live_views
from tribune.moderation.decisions import comment_decide
from tribune.moderation.live import Cursor, cursor_now
from tribune.moderation.models import CommenterNote, Decision, FeatureChange, QueuePresence
from tribune.sites.models import Desk

EN = "https://news.example.org/2026/12/storm"
UG = "https://uy.example.org/2026/12/boran"


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stream(user, data: dict | None = None, headers: dict | None = None):
    """The live stream's answer for ``user``, called as the URL's view (the test
    client's own wrapper would end the test's database connection on close)."""
    request = RequestFactory().get("/moderate/live/stream", data or {}, headers=headers or {})
    request.user = user
    request.session = SessionStore()
    return live_views.live_stream(request)


def close(response) -> None:
    """Close a stream as the server does, without ending the test's database
    connection (closing a response ends the request's connections)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def events(response, *, wanted: int = 1, seconds: float = 5.0) -> list[dict]:
    """The ``queue`` events of a stream (or of a full answer), with their ids."""
    text = b""
    found: list[dict] = []
    if response.streaming:
        stream = iter(response.streaming_content)
        deadline = time.monotonic() + seconds
        try:
            while len(found) < wanted and time.monotonic() < deadline:
                text += next(stream)
                found = _parse(text)
        except StopIteration:
            pass
        finally:
            close(response)
    else:
        found = _parse(response.content)
    return found


def _parse(text: bytes) -> list[dict]:
    found = []
    for block in text.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines()
                     if ": " in line and not line.startswith(":"))
        if lines.get("event") == "queue":
            found.append({"id": lines["id"], **json.loads(lines["data"])})
    return found


@pytest.fixture
def desks(site, rtl_site, settings):
    settings.TRIBUNE_LIVE_SECONDS = 3
    return (make_moderator(name="amina", desk_codes=["en"]),
            make_moderator(name="bashir", desk_codes=["en"]),
            make_moderator(name="gulnar", desk_codes=["ug"]))


def test_the_stream_says_what_arrived_and_was_decided_since_its_cursor(desks):
    amina, bashir, gulnar = desks
    since = cursor_now()
    ours = make_comment(url=EN, body="The river rose overnight.")
    theirs = make_comment(url=UG, body="سۇ كۆتۈرۈلدى.")
    comment_decide(comment_id=ours.pk, moderator=bashir, action="approve")
    response = stream(amina, {"since": str(since)})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response[
        "Cache-Control"]
    first = events(response)[0]
    assert ours.pk not in first["arrived"]  # decided meanwhile: no longer waiting
    assert theirs.pk not in first["arrived"]  # another desk's: never told
    (decided,) = first["decided"]
    assert decided["comment"] == ours.pk and decided["status"] == "approved"
    assert decided["line"].startswith("Approved by bashir at ")
    assert decided["by_me"] is False
    # The other desk's moderator hears of their own desk only.
    other = events(stream(gulnar, {"since": str(since)}))[0]
    assert other["arrived"] == [theirs.pk] and other["decided"] == []


def test_a_held_stream_hears_a_new_comment_and_resumes_from_last_event_id(desks):
    amina, *_ = desks
    response = stream(amina, {"since": str(cursor_now())})
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"retry: ")
    first = _parse(next(chunks))[0]
    assert first["arrived"] == []
    fresh = make_comment(url=EN, body="A new comment while the queue is open.")
    started = time.monotonic()
    text = b""
    while not any(fresh.pk in e["arrived"] for e in _parse(text)):
        text += next(chunks)
        assert time.monotonic() - started < 2, text
    close(response)
    last = _parse(text)[-1]["id"]
    assert Cursor.parse(last).comment >= fresh.pk
    # Reconnecting with Last-Event-ID: what was seen is not said again as new,
    # what came after is.
    later = make_comment(url=EN, body="Another one, after the reconnection.")
    again = events(stream(amina, headers={"Last-Event-ID": last}))[0]
    assert later.pk in again["arrived"]
    assert Cursor.parse(again["id"]).comment == later.pk


def test_streams_are_bounded_per_process_and_the_rest_poll(desks, settings):
    amina, bashir, _ = desks
    settings.TRIBUNE_LIVE_STREAMS = 1
    held = stream(amina)
    assert held.streaming
    next(iter(held.streaming_content))
    assert live_views.streams_open() == 1
    comment = make_comment(url=EN, body="Arrives while the server is full.")
    started = time.monotonic()
    full = stream(bashir, {"since": "c0d0"})
    assert time.monotonic() - started < 1
    assert not full.streaming  # answered at once, no thread held
    body = full.content.decode()
    assert body.startswith("retry: 1500\n\n")
    assert comment.pk in _parse(full.content)[0]["arrived"]
    close(held)
    assert live_views.streams_open() == 0
    unread = stream(bashir)
    assert unread.streaming and live_views.streams_open() == 1
    close(unread)  # closed by the server before a byte was read: its place is free
    assert live_views.streams_open() == 0


def test_a_stream_ends_by_itself_and_beats_while_quiet(desks, settings, monkeypatch):
    amina, *_ = desks
    settings.TRIBUNE_LIVE_SECONDS = 1.5
    monkeypatch.setattr(live_views, "HEARTBEAT_SECONDS", 0.5)
    started = time.monotonic()
    response = session(amina).get("/moderate/live/stream")
    text = b"".join(response.streaming_content)  # it ends by itself
    assert 1.4 < time.monotonic() - started < 6  # its own bound, not the test's
    assert b": heartbeat\n\n" in text
    assert live_views.streams_open() == 0


def test_the_stream_and_cards_are_for_moderators_only(desks):
    assert Client().get("/moderate/live/stream").status_code == 302
    assert Client().get("/moderate/live/cards", {"ids": "1"}).status_code == 302
    assert Client().post("/moderate/live/open", {"comment": "1"}).status_code == 302


@pytest.mark.parametrize("ids", ["1,x", "-1", ",".join(str(n) for n in range(1, 60)),
                                 "1" * 30, "１"])
def test_cards_refuse_what_is_not_a_short_list_of_numbers(desks, ids):
    amina, *_ = desks
    response = session(amina).get("/moderate/live/cards", {"ids": ids})
    assert response.status_code == 400
    assert "at most 50 comments" in response.json()["error"]


def test_cards_are_the_queue_cards_of_the_moderators_desks(desks):
    amina, *_ = desks
    ours = make_comment(url=EN, body="Ours, pending.")
    theirs = make_comment(url=UG, body="Theirs.")
    answer = session(amina).get("/moderate/live/cards",
                                {"ids": f"{ours.pk},{theirs.pk}", "status": "pending"}).json()
    assert [c["id"] for c in answer["cards"]] == [ours.pk]
    html = answer["cards"][0]["html"]
    assert html.startswith("<li>") and f'id="comment-{ours.pk}"' in html
    assert 'name="expected_status" value="pending"' in html
    # Its forms come back to the queue, not to this address.
    assert '<input type="hidden" name="status" value="pending">' in html
    assert "/moderate/live/cards" not in html


def test_an_open_comment_is_marked_for_the_others_on_its_desk(desks):
    amina, bashir, gulnar = desks
    comment = make_comment(url=EN, body="Being read by Bashir.")
    assert session(bashir).post("/moderate/live/open",
                                {"comment": comment.pk}).status_code == 200
    seen = events(stream(amina))[0]
    assert seen["open"] == {str(comment.pk): "bashir"}
    assert events(stream(bashir))[0]["open"] == {}  # not oneself
    # Another desk's comment cannot be "opened", and says nothing of its existence.
    theirs = make_comment(url=UG, body="Another desk's.")
    refused = session(bashir).post("/moderate/live/open", {"comment": theirs.pk})
    assert refused.status_code == 404
    assert session(bashir).post("/moderate/live/open", {"comment": "x"}).status_code == 400
    # Leaving the queue withdraws it.
    assert session(bashir).post("/moderate/live/open").status_code == 200
    assert not QueuePresence.objects.exists()
    assert events(stream(amina))[0]["open"] == {}
    assert gulnar  # the other desk's moderator never saw any of it
    assert events(stream(gulnar))[0]["open"] == {}


def test_a_workspace_decision_on_a_comment_decided_meanwhile_says_by_whom(desks):
    amina, bashir, _ = desks
    comment = make_comment(url=EN, body="Two moderators, one comment.")
    comment_decide(comment_id=comment.pk, moderator=amina, action="reject", clause=3)
    response = session(bashir).post(
        f"/moderate/comments/{comment.pk}/decide",
        {"action": "approve", "expected_status": "pending"}, headers={"X-Tribune-Fetch": "1"})
    assert response.status_code == 409
    message = response.json()["error"]
    assert message.startswith("Already rejected by amina at ")
    assert message.endswith("Nothing was changed.")
    assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED
    assert Decision.objects.filter(comment=comment).count() == 1


def test_notes_are_for_the_desks_moderators_and_kept_when_withdrawn(desks):
    amina, bashir, gulnar = desks
    comment = make_comment(url=EN, body="From a commenter worth a note.")
    page = f"/moderate/commenters/{comment.commenter_id}/"
    response = session(amina).post(f"/moderate/commenters/{comment.commenter_id}/notes",
                                   {"desk": "en", "body": "Posts rumours during floods."})
    assert response.status_code == 303
    note = CommenterNote.objects.get()
    assert (note.created_by, note.desk.code) == (amina, "en")
    assert "Posts rumours during floods." in session(bashir).get(page).content.decode()
    queue = session(bashir).get("/moderate/", {"order": "oldest"}).content.decode()
    assert "Posts rumours during floods." in queue and "1 note" in queue
    # Another desk's moderator: not their desk, not their note.
    refused = session(gulnar).post(f"/moderate/commenters/{comment.commenter_id}/notes",
                                   {"desk": "en", "body": "Sneaky."})
    assert refused.status_code == 404
    assert CommenterNote.objects.count() == 1
    for body, field_message in (("", "Write the note first."),
                                ("bell\x07", "invisible control character")):
        answer = session(amina).post(f"/moderate/commenters/{comment.commenter_id}/notes",
                                     {"desk": "en", "body": body}, follow=True)
        assert field_message in answer.content.decode()
    # Withdrawn: no longer on the cards, still in the audit.
    assert session(bashir).post(f"/moderate/notes/{note.pk}/withdraw").status_code == 303
    note.refresh_from_db()
    assert note.withdrawn_by == bashir and note.body == "Posts rumours during floods."
    html = session(amina).get(page).content.decode()
    assert "Withdrawn by bashir" in html
    assert "1 note" not in session(amina).get("/moderate/").content.decode()
    assert session(gulnar).post(f"/moderate/notes/{note.pk}/withdraw").status_code == 404


def test_a_featured_comment_leads_its_thread_in_the_api(desks, client):
    amina, _, gulnar = desks
    early = make_published(amina, url=EN, body="The earliest published comment.")
    later = make_published(amina, url=EN, body="A later, thoughtful comment.")
    pending = make_comment(url=EN, body="Not published yet.")

    def api() -> list[dict]:
        return client.get("/api/v1/comments", {"url": EN}).json()["comments"]

    assert [c["id"] for c in api()] == [early.pk, later.pk]
    moderator = session(amina)
    assert moderator.post(f"/moderate/comments/{later.pk}/feature",
                          {"featured": "1"}).status_code == 303
    shown = api()
    assert [(c["id"], c["featured"]) for c in shown] == [(later.pk, True), (early.pk, False)]
    refused = moderator.post(f"/moderate/comments/{pending.pk}/feature", {"featured": "1"},
                             follow=True)
    assert "Only a published comment can be featured." in refused.content.decode()
    assert session(gulnar).post(f"/moderate/comments/{early.pk}/feature",
                                {"featured": "1"}).status_code == 404
    assert moderator.post(f"/moderate/comments/{later.pk}/feature",
                          {"featured": "0"}).status_code == 303
    assert [c["featured"] for c in api()] == [False, False]
    assert list(FeatureChange.objects.values_list("featured", "moderator__username")) == [
        (True, "amina"), (False, "amina")]
    schema = client.get("/api/v1/openapi.json").json()
    assert "featured" in schema["components"]["schemas"]["PublicCommentOut"]["properties"]


def test_standing_sends_good_records_to_the_trusted_queue(desks):
    amina, _, _ = desks
    editor = make_moderator(name="chen", desk_codes=["en"], role="editor")
    for n in range(2):
        make_published(amina, url=EN, body=f"Good comment {n}.", token="good-record")
    spotty = make_published(amina, url=EN, body="Fine once.", token="spotty-record")
    make_published(amina, url=EN, body="Fine twice.", token="spotty-record")
    rejected = make_comment(url=EN, body="Then an insult.", token="spotty-record")
    comment_decide(comment_id=rejected.pk, moderator=amina, action="reject", clause=3)
    good = make_comment(url=EN, body="A third one from a good record.", token="good-record")
    bad = make_comment(url=EN, body="And from the spotty record.", token="spotty-record")
    assert spotty
    # Off until the desk asks for it.
    assert f'id="comment-{good.pk}"' not in session(amina).get(
        "/moderate/", {"status": "trusted"}).content.decode()
    assert session(amina).post("/moderate/desks/en/", {"trusted_after": "2"}).status_code == 403
    for value in ("x", "0", "1001", "2.5"):
        answer = session(editor).post("/moderate/desks/en/", {"trusted_after": value})
        assert answer.status_code == 400, value
        assert "Trusted after 1 to 1000 approved comments" in answer.content.decode()
    assert session(editor).post("/moderate/desks/en/", {"trusted_after": "2",
                                                         "idle_minutes": "480"}).status_code == 303
    html = session(amina).get("/moderate/", {"status": "trusted"}).content.decode()
    assert f'id="comment-{good.pk}"' in html and f'id="comment-{bad.pk}"' not in html
    assert "Trusted commenter" in html
    # Still pre-moderated: nothing is published until a person decides.
    assert Comment.objects.get(pk=good.pk).status == Status.PENDING
    assert session(amina).post("/moderate/trusted/approve").status_code == 303
    assert Comment.objects.get(pk=good.pk).status == Status.APPROVED
    assert Comment.objects.get(pk=bad.pk).status == Status.PENDING
    assert Decision.objects.get(comment=good).moderator == amina


def test_idle_timeouts_are_long_for_desks_that_ask_and_short_for_administrators(
    desks, settings
):
    amina, _, gulnar = desks
    admin = make_moderator(name="root", desk_codes=[], admin=True)
    assert idle_limit(amina) == settings.TRIBUNE_SESSION_IDLE
    Desk.objects.filter(code="en").update(idle_minutes=480)
    assert idle_limit(amina) == 480 * 60
    assert idle_limit(gulnar) == settings.TRIBUNE_SESSION_IDLE
    assert idle_limit(admin) == settings.TRIBUNE_SESSION_IDLE_ADMIN < idle_limit(gulnar)
    # The idle clock: an open queue's own requests do not move it, "stay" does.
    client = session(amina)
    stale = int(time.time()) - 600
    store = client.session
    store[SEEN_AT] = stale
    store[LOGIN_AT] = stale
    store.save()
    settings.TRIBUNE_LIVE_SECONDS = 0.5
    assert b"event: queue" in b"".join(client.get("/moderate/live/stream").streaming_content)
    client.post("/moderate/live/open")
    assert client.session[SEEN_AT] == stale
    left = client.post("/moderate/session/keepalive").json()["idle_ends_in"]
    assert left == 480 * 60
    assert client.session[SEEN_AT] > stale


def test_the_undo_bar_offers_only_this_sessions_decisions(desks):
    amina, *_ = desks
    before = make_comment(url=EN, body="Decided by this account before this session.")
    comment_decide(comment_id=before.pk, moderator=amina, action="approve")
    time.sleep(1.1)  # the session's start is kept to the second
    client = Client()
    client.post("/moderate/login/", {"username": "amina", "password": amina.raw_password})
    html = client.get("/moderate/").content.decode()
    assert "Your last decision" not in html
    response = client.post("/moderate/decisions/undo", follow=True)
    assert "There is no recent decision of yours to undo." in response.content.decode()
    assert Comment.objects.get(pk=before.pk).status == Status.APPROVED
    now = make_comment(url=EN, body="Decided in this session.")
    client.post(f"/moderate/comments/{now.pk}/decide", {"action": "approve"})
    assert f"Your last decision: comment {now.pk} approved" in client.get(
        "/moderate/").content.decode()
