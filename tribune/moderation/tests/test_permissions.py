"""One permission rule per action, whatever the route (issue #20): every cell of
role × desk × action, checked through HTTP, with what it left in the database.

The actor's own desk is ``en`` (https://news.example.org); the other desk is
``ug`` (https://uy.example.org). Each desk has an article whose thread is
pre-moderated and a pending comment on it.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tribune.comments.models import Comment
from tribune.core.testing import make_comment, make_moderator
from tribune.integrations.services import integration_token_create
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Ban, CommenterNote, QueuePresence
from tribune.sites.models import Desk
from tribune.threads.models import Thread

ARTICLES = {"own": "https://news.example.org/2026/12/own",
            "other": "https://uy.example.org/2026/12/other"}
NEW_ARTICLES = {"own": "https://news.example.org/2026/12/new",
                "other": "https://uy.example.org/2026/12/new"}
DESKS = {"own": "en", "other": "ug"}

# What each role gets, desk by desk: "seen" / "unseen" (the desk's comment in the
# queue or not), else the HTTP status. Own desk first, then the other desk.
EXPECTED = {
    "moderator": {
        "read_queue": ("seen", "unseen"), "decide": (200, 404),
        "settings_moderation_api": (403, 404), "settings_threads_api": (403, 403),
        "settings_workspace": (403, 404), "create_thread": (403, 403),
        "claim_thread": (403, 403), "ban": (403, 404),
    },
    "desk_editor": {
        "read_queue": ("seen", "unseen"), "decide": (200, 404),
        "settings_moderation_api": (200, 404), "settings_threads_api": (200, 403),
        "settings_workspace": (303, 404), "create_thread": (201, 403),
        "claim_thread": (201, 403), "ban": (201, 404),
    },
    "admin": {
        "read_queue": ("seen", "seen"), "decide": (200, 200),
        "settings_moderation_api": (200, 200), "settings_threads_api": (200, 200),
        "settings_workspace": (303, 303), "create_thread": (201, 201),
        "claim_thread": (201, 201), "ban": (201, 201),
    },
    # Integrations without desks cover every desk, within their token's scopes:
    # docs/embed.md files article settings under threads:write only.
    "integration_threads_write": {
        "read_queue": (401, 401), "decide": (401, 401),
        "settings_moderation_api": (401, 401), "settings_threads_api": (200, 200),
        "create_thread": (201, 201), "claim_thread": (201, 201), "ban": (401, 401),
    },
    "integration_moderation_read": {
        "read_queue": ("seen", "seen"), "decide": (401, 401),
        "settings_moderation_api": (401, 401), "settings_threads_api": (401, 401),
        "create_thread": (401, 401), "claim_thread": (401, 401), "ban": (401, 401),
    },
    "integration_moderation_write": {
        "read_queue": (401, 401), "decide": (200, 200),
        "settings_moderation_api": (403, 403), "settings_threads_api": (401, 401),
        "create_thread": (401, 401), "claim_thread": (401, 401), "ban": (201, 201),
    },
    # Every scope, limited to the desk en.
    "integration_desk_limited": {
        "read_queue": ("seen", "unseen"), "decide": (200, 404),
        "settings_moderation_api": (200, 404), "settings_threads_api": (200, 403),
        "create_thread": (201, 403), "claim_thread": (201, 403), "ban": (201, 404),
    },
}
# The night shift's workspace actions (people only: an integration has no
# session). Notes, featuring and the open comment: the desk's moderators; the
# desk's standing rule and idle timeout: its editors and administrators.
WORKSPACE = {
    "moderator": {"note": (303, 404), "feature": (303, 404), "standing": (403, 404),
                  "open_comment": (200, 404)},
    "desk_editor": {"note": (303, 404), "feature": (303, 404), "standing": (303, 404),
                    "open_comment": (200, 404)},
    "admin": {"note": (303, 303), "feature": (303, 303), "standing": (303, 303),
              "open_comment": (200, 200)},
}
for _role, _cells in WORKSPACE.items():
    EXPECTED[_role].update(_cells)

CELLS = [(role, action, desk, outcome)
         for role, actions in EXPECTED.items()
         for action, outcomes in actions.items()
         for desk, outcome in zip(("own", "other"), outcomes, strict=True)]


@pytest.fixture
def world(site, rtl_site):
    comments = {}
    for desk, url in ARTICLES.items():
        comments[desk] = make_comment(url=url, body=f"A comment on the {desk} desk.")
    return comments


def _actor(role: str):
    """(client, how it authenticates): a person's session and own token, or an
    integration's token."""
    if role in ("moderator", "desk_editor", "admin"):
        user = make_moderator(name=role, desk_codes=[] if role == "admin" else ["en"],
                              admin=role == "admin",
                              role="editor" if role == "desk_editor" else "moderator")
        token_client = Client(headers={"Authorization": f"Bearer {user.token}"})
        session_client = Client()
        session_client.force_login(user)
        return token_client, session_client
    scopes, desks = {
        "integration_threads_write": (["threads:write"], None),
        "integration_moderation_read": (["moderation:read"], None),
        "integration_moderation_write": (["moderation:write"], None),
        "integration_desk_limited": (["threads:write", "moderation:read", "moderation:write"],
                                     ["en"]),
    }[role]
    token = integration_token_create(name=role, scopes=scopes, desk_codes=desks)
    return Client(headers={"Authorization": f"Bearer {token}"}), None


def _json(client: Client, method: str, path: str, payload: dict):
    return getattr(client, method)(path, data=json.dumps(payload),
                                   content_type="application/json")


def _act(action: str, desk: str, client: Client, session: Client | None, comment: Comment):
    thread = comment.thread
    if action == "read_queue":
        response = client.get("/api/v1/moderation/queue", {"status": "pending"})
        if response.status_code != 200:
            return response.status_code
        ids = [c["id"] for c in response.json()["comments"]]
        return "seen" if comment.pk in ids else "unseen"
    if action == "decide":
        return _json(client, "post", f"/api/v1/moderation/comments/{comment.pk}/decision",
                     {"action": "approve"}).status_code
    if action == "settings_moderation_api":
        return _json(client, "put", f"/api/v1/moderation/threads/{thread.pk}",
                     {"open": True, "moderation": "post"}).status_code
    if action == "settings_threads_api":
        return _json(client, "post", "/api/v1/threads",
                     {"url": ARTICLES[desk], "moderation": "post"}).status_code
    if action == "settings_workspace":
        return session.post(f"/moderate/articles/{thread.pk}/",
                            {"is_open": "1", "moderation": "post"}).status_code
    if action == "create_thread":
        return _json(client, "post", "/api/v1/threads",
                     {"url": NEW_ARTICLES[desk], "title": "New"}).status_code
    if action == "claim_thread":
        # A new article of the column's site, claimed for the actor's own desk.
        return _json(client, "post", "/api/v1/threads",
                     {"url": NEW_ARTICLES[desk], "desk": "en"}).status_code
    if action == "ban":
        return _json(client, "post", f"/api/v1/moderation/commenters/{comment.commenter_id}/bans",
                     {"desk": DESKS[desk], "days": 3}).status_code
    if action == "note":
        return session.post(f"/moderate/commenters/{comment.commenter_id}/notes",
                            {"desk": DESKS[desk], "body": "Seen before."}).status_code
    if action == "feature":
        comment_decide(comment_id=comment.pk, moderator=None, action="approve")
        return session.post(f"/moderate/comments/{comment.pk}/feature",
                            {"featured": "1"}).status_code
    if action == "standing":
        return session.post(f"/moderate/desks/{DESKS[desk]}/",
                            {"trusted_after": "3", "idle_minutes": "240"}).status_code
    if action == "open_comment":
        return session.post("/moderate/live/open", {"comment": comment.pk}).status_code
    raise AssertionError(action)


def _left_in_database(action: str, desk: str, comment: Comment) -> bool:
    """Whether the action changed anything."""
    if action == "decide":
        comment.refresh_from_db()
        return comment.status != "pending"
    if action.startswith("settings_"):
        return Thread.objects.get(pk=comment.thread_id).moderation == "post"
    if action in ("create_thread", "claim_thread"):
        return Thread.objects.filter(url=NEW_ARTICLES[desk]).exists()
    if action == "ban":
        return Ban.objects.filter(commenter_id=comment.commenter_id).exists()
    if action == "note":
        return CommenterNote.objects.filter(commenter_id=comment.commenter_id).exists()
    if action == "feature":
        return Comment.objects.get(pk=comment.pk).featured_at is not None
    if action == "standing":
        return Desk.objects.get(code=DESKS[desk]).trusted_after == 3
    if action == "open_comment":
        return QueuePresence.objects.filter(comment=comment).exists()
    return False


@pytest.mark.parametrize(("role", "action", "desk", "expected"), CELLS,
                         ids=[f"{r}-{a}-{d}" for r, a, d, _ in CELLS])
def test_permission_matrix(world, role, action, desk, expected):
    client, session = _actor(role)
    outcome = _act(action, desk, client, session, world[desk])
    assert outcome == expected
    allowed = expected in ("seen", "unseen") or expected < 400
    if action != "read_queue":
        assert _left_in_database(action, desk, world[desk]) is allowed


def test_the_matrix_covers_every_role_action_and_desk():
    people = {"moderator", "desk_editor", "admin"}
    actions = {"read_queue", "decide", "settings_moderation_api", "settings_threads_api",
               "create_thread", "claim_thread", "ban"}
    for role, cells in EXPECTED.items():
        # The workspace is for people: an integration cannot log in.
        workspace = {"settings_workspace", "note", "feature", "standing", "open_comment"}
        assert set(cells) == actions | (workspace if role in people else set())


def test_an_integration_is_never_a_superuser(db, site):
    from tribune.integrations.models import Integration

    integration_token_create(name="every-desk", scopes=["moderation:write"])
    integration = Integration.objects.select_related("user").get(name="every-desk")
    assert integration.all_desks and not integration.user.is_superuser
    # Limiting it later takes "every desk" away.
    integration_token_create(name="every-desk", scopes=["moderation:write"], desk_codes=["en"])
    integration.refresh_from_db()
    assert not integration.all_desks


def test_an_integration_never_bans_on_every_desk(world):
    client, _ = _actor("integration_moderation_write")
    comment = world["own"]
    response = _json(client, "post", f"/api/v1/moderation/commenters/{comment.commenter_id}/bans",
                     {"days": 3})
    assert response.status_code == 403
    assert response.json()["error"]["field"] == "desk"
    assert not Ban.objects.exists()
