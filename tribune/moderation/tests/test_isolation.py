"""Desk isolation as a matrix: each role × each desk × each action, by page
and by API. A moderator of one desk neither sees nor decides another desk's
comments; settings and bans are for desk editors and administrators.

Expected outcomes: "ok" (done), "forbidden" (403: the desk is theirs but not
the action) or "hidden" (404 or absent: the desk is not theirs, so nothing
tells that the comment exists).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tribune.comments.models import Comment, Status
from tribune.core.testing import make_comment, make_moderator, make_published, make_site
from tribune.moderation.models import Ban, DeskAssignment, Report, Role
from tribune.moderation.reports import report_create
from tribune.threads.models import Thread

DESKS = {"en": "https://news.example.org/2026/story", "ko": "https://ko.example.org/2026/story"}
ACTIONS = ("see", "decide", "bulk", "keep", "history", "ban", "settings")


def expected(role: str, desk: str, action: str) -> str:
    if role == "admin":
        return "ok"
    if desk != "en":
        return "hidden"
    if action in ("ban", "settings") and role == "moderator":
        return "forbidden"
    return "ok"


@pytest.fixture
def desks(db):
    make_site(origin="https://news.example.org", desk_code="en", name="English")
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")


@pytest.fixture
def people(desks):
    moderator = make_moderator(name="mod-en", desk_codes=["en"])
    editor = make_moderator(name="editor-en", desk_codes=["en"])
    DeskAssignment.objects.filter(user=editor).update(role=Role.EDITOR)
    admin = make_moderator(name="admin", desk_codes=[], admin=True)
    return {"moderator": moderator, "editor": editor, "admin": admin}


def by_page(user, desk: str, action: str) -> str:
    client = Client()
    client.force_login(user)
    url = DESKS[desk]
    body = f"{desk} {action} by page"
    if action == "see":
        make_comment(url=url, body=body)
        html = client.get("/moderate/", {"status": "all"}).content.decode()
        html_desk = client.get("/moderate/", {"desk": desk}).content.decode()
        return "ok" if body in html and body in html_desk else "hidden"
    if action == "decide":
        comment = make_comment(url=url, body=body)
        response = client.post(f"/moderate/comments/{comment.pk}/decide", {"action": "approve"})
        done = Comment.objects.get(pk=comment.pk).status == Status.APPROVED
        assert done == (response.status_code == 303)
        assert body not in response.content.decode()
        return "ok" if done else _status(response.status_code)
    if action == "bulk":
        comment = make_comment(url=url, body=body)
        client.post("/moderate/decisions/bulk", {"ids": [comment.pk], "action": "approve"})
        return "ok" if Comment.objects.get(pk=comment.pk).status == Status.APPROVED else "hidden"
    if action == "keep":
        comment = make_published(None, url=url, body=body)
        report_create(comment_id=comment.pk, reason="spam")
        reported = client.get("/moderate/", {"status": "reported"}).content.decode()
        response = client.post(f"/moderate/comments/{comment.pk}/keep", {"status": "reported"})
        kept = not Report.objects.filter(comment=comment, resolved_at__isnull=True).exists()
        assert (body in reported) == kept
        return "ok" if kept else _status(response.status_code)
    if action == "history":
        comment = make_comment(url=url, body=body)
        response = client.get(f"/moderate/commenters/{comment.commenter_id}/")
        assert (body in response.content.decode()) == (response.status_code == 200)
        return "ok" if response.status_code == 200 else _status(response.status_code)
    if action == "ban":
        comment = make_comment(url=url, body=body)
        response = client.post(f"/moderate/commenters/{comment.commenter_id}/ban",
                               {"desk": desk, "length": "1"})
        banned = Ban.objects.filter(commenter_id=comment.commenter_id).exists()
        assert banned == (response.status_code == 303)
        return "ok" if banned else _status(response.status_code)
    if action == "settings":
        comment = make_comment(url=url, body=body)
        thread = comment.thread
        seen = client.get(f"/moderate/articles/{thread.pk}/")
        response = client.post(f"/moderate/articles/{thread.pk}/",
                               {"is_open": "0", "moderation": "pre"})
        closed = not Thread.objects.get(pk=thread.pk).is_open
        assert closed == (response.status_code == 303)
        assert seen.status_code == (200 if closed else response.status_code)
        Thread.objects.filter(pk=thread.pk).update(is_open=True)
        return "ok" if closed else _status(response.status_code)
    raise AssertionError(action)


def by_api(user, desk: str, action: str) -> str:
    api = Client(headers={"Authorization": f"Bearer {user.token}"})
    url = DESKS[desk]
    body = f"{desk} {action} by api"

    def post(path, data, method="post"):
        return getattr(api, method)(path, data, content_type="application/json")

    if action == "see":
        make_comment(url=url, body=body)
        rows = api.get("/api/v1/moderation/queue", {"status": "all", "limit": 200}).json()
        bodies = [c["body"] for c in rows["comments"]]
        return "ok" if body in bodies else "hidden"
    if action == "decide":
        comment = make_comment(url=url, body=body)
        response = post(f"/api/v1/moderation/comments/{comment.pk}/decision",
                        {"action": "approve"})
        done = Comment.objects.get(pk=comment.pk).status == Status.APPROVED
        assert done == (response.status_code == 200)
        return "ok" if done else _status(response.status_code)
    if action == "bulk":
        comment = make_comment(url=url, body=body)
        result = post("/api/v1/moderation/decisions", {"ids": [comment.pk],
                                                       "action": "approve"}).json()
        done = Comment.objects.get(pk=comment.pk).status == Status.APPROVED
        assert done == (result["decided"] == [comment.pk])
        assert done or "There is no comment" in result["refused"][str(comment.pk)]
        return "ok" if done else "hidden"
    if action == "keep":
        comment = make_published(None, url=url, body=body)
        report_create(comment_id=comment.pk, reason="spam")
        listed = api.get(f"/api/v1/moderation/comments/{comment.pk}/reports")
        response = post(f"/api/v1/moderation/comments/{comment.pk}/keep", {})
        assert listed.status_code == response.status_code
        return "ok" if response.status_code == 200 else _status(response.status_code)
    if action == "history":
        comment = make_comment(url=url, body=body)
        response = api.get(f"/api/v1/moderation/commenters/{comment.commenter_id}")
        return "ok" if response.status_code == 200 else _status(response.status_code)
    if action == "ban":
        comment = make_comment(url=url, body=body)
        response = post(f"/api/v1/moderation/commenters/{comment.commenter_id}/bans",
                        {"desk": desk, "days": 1})
        banned = Ban.objects.filter(commenter_id=comment.commenter_id).exists()
        assert banned == (response.status_code == 201)
        return "ok" if banned else _status(response.status_code)
    if action == "settings":
        comment = make_comment(url=url, body=body)
        thread_id = comment.thread_id
        seen = api.get(f"/api/v1/moderation/threads/{thread_id}")
        response = post(f"/api/v1/moderation/threads/{thread_id}",
                        {"open": False, "moderation": "pre"}, method="put")
        closed = not Thread.objects.get(pk=thread_id).is_open
        assert closed == (response.status_code == 200)
        assert (seen.status_code == 404) == (response.status_code == 404)
        Thread.objects.filter(pk=thread_id).update(is_open=True)
        return "ok" if closed else _status(response.status_code)
    raise AssertionError(action)


def _status(code: int) -> str:
    return {403: "forbidden", 404: "hidden"}.get(code, f"HTTP {code}")


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("role", ["moderator", "editor", "admin"])
def test_isolation_matrix(people, role, channel):
    user = people[role]
    run = by_page if channel == "page" else by_api
    results = {(desk, action): run(user, desk, action) for desk in DESKS for action in ACTIONS}
    wrong = {key: (got, expected(role, *key)) for key, got in results.items()
             if got != expected(role, *key)}
    assert wrong == {}, f"{role} by {channel}: (got, expected) {wrong}"
