"""Bans of a person, not a network; network restrictions as their own, brief,
explicit action; sites whose readers come through shared exits (issue #15).
Through HTTP: readers post to the API from addresses (``REMOTE_ADDR``), editors
act in the workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tribune.actions.site_safety import site_safety_set
from tribune.comments.models import Comment
from tribune.core.testing import make_moderator
from tribune.moderation.models import NetworkRestriction

ARTICLE = "https://news.example.org/2026/12/flood"
TROLL_ADDRESS = "203.0.113.7"
NEIGHBOUR_ADDRESS = "203.0.113.200"  # same /24: a Tor exit, a VPN, an office
ELSEWHERE_ADDRESS = "198.51.100.9"


def reader_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def submit(client: Client, body: str = "A comment.", url: str = ARTICLE):
    return client.post("/api/v1/comments", {"url": url, "author": "Reader", "body": body},
                       content_type="application/json")


@pytest.fixture
def editor(site):
    user = make_moderator(name="editor", desk_codes=["en"], role="editor")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def plain_moderator(site):
    user = make_moderator(name="plain", desk_codes=["en"])
    client = Client()
    client.force_login(user)
    return client


def troll_comment(troll: Client) -> Comment:
    response = submit(troll, "You are all idiots")
    assert response.status_code == 202
    return Comment.objects.get(pk=response.json()["id"])


def test_a_ban_silences_the_troll_and_not_their_network(site, editor):
    troll = reader_at(TROLL_ADDRESS)
    comment = troll_comment(troll)
    response = editor.post(f"/moderate/commenters/{comment.commenter_id}/ban",
                           {"desk": "en", "length": "7", "reason": "insults"})
    assert response.status_code == 303
    refused = submit(troll, "Still here")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "banned"
    assert "suspended you" in refused.json()["error"]["message"]
    # The next reader on the same network is not punished, nor told they are.
    neighbour = submit(reader_at(NEIGHBOUR_ADDRESS), "I disagree, politely.")
    assert neighbour.status_code == 202, neighbour.json()
    assert neighbour.json()["status"] == "pending"
    # The commenter page says so, and offers the network as a separate action.
    page = editor.get(f"/moderate/commenters/{comment.commenter_id}/").content.decode()
    assert "Other readers on the same network are not affected." in page
    assert f"/moderate/commenters/{comment.commenter_id}/network" in page
    assert not NetworkRestriction.objects.exists()


def test_restricting_a_network_shows_who_else_first_and_is_its_own_action(site, editor):
    troll = reader_at(TROLL_ADDRESS)
    comment = troll_comment(troll)
    for n in range(2):  # two other commenters seen from the same network today
        assert submit(reader_at(NEIGHBOUR_ADDRESS), f"Neighbour {n}").status_code == 202
    assert submit(reader_at(ELSEWHERE_ADDRESS), "Far away").status_code == 202
    url = f"/moderate/commenters/{comment.commenter_id}/network"

    page = editor.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 other commenters were seen from this network in the last 24 hours." in html
    assert "This is not a ban." in html
    assert "holding back 2 other commenters" in html

    # Without confirming the number shown, nothing is restricted.
    missing = editor.post(url, {"desk": "en", "hours": "3"})
    assert missing.status_code == 400
    assert "Confirm the number" in missing.content.decode()
    stale = editor.post(url, {"desk": "en", "hours": "3", "others_seen": "0"})
    assert stale.status_code == 400
    assert "2 other commenters have now been seen" in stale.content.decode()
    too_long = editor.post(url, {"desk": "en", "hours": "48", "others_seen": "2"})
    assert too_long.status_code == 400
    assert "1 to 24 hours" in too_long.content.decode()
    assert not NetworkRestriction.objects.exists()

    made = editor.post(url, {"desk": "en", "hours": "3", "others_seen": "2",
                             "reason": "flood from one exit"})
    assert made.status_code == 303
    restriction = NetworkRestriction.objects.get()
    assert restriction.others_seen == 2 and restriction.desk.code == "en"
    assert restriction.until - restriction.created_at == dt.timedelta(hours=3)
    assert len(restriction.network_hash) == 64  # a keyed hash, never an address

    # A reader on that network is told plainly it concerns the network, not them.
    held = submit(reader_at("203.0.113.99"), "Hello")
    assert held.status_code == 403
    error = held.json()["error"]
    assert error["code"] == "network_restricted"
    assert "network you are connected through" in error["message"]
    assert "This is not about you: you have not been banned." in error["message"]
    # The no-JS form says the same.
    page = reader_at("203.0.113.99").post(
        "/embed/thread?url=" + ARTICLE, {"author": "A", "body": "Hello", "url": ARTICLE})
    assert page.status_code == 403
    assert "This is not about you" in page.content.decode()
    # Other networks are untouched; the commenter is not banned by it.
    assert submit(reader_at(ELSEWHERE_ADDRESS), "Fine").status_code == 202
    assert not comment.commenter.bans.exists()

    # Lifting it ends it at once.
    lifted = editor.post(f"/moderate/restrictions/{restriction.pk}/lift")
    assert lifted.status_code == 303
    assert submit(reader_at("203.0.113.99"), "Hello again").status_code == 202


def test_a_restriction_ends_by_itself(site, editor):
    troll = reader_at(TROLL_ADDRESS)
    comment = troll_comment(troll)
    url = f"/moderate/commenters/{comment.commenter_id}/network"
    assert editor.post(url, {"desk": "en", "hours": "1", "others_seen": "0"}).status_code == 303
    assert submit(reader_at(NEIGHBOUR_ADDRESS)).status_code == 403
    restriction = NetworkRestriction.objects.get()
    restriction.until = timezone.now() - dt.timedelta(seconds=1)
    restriction.save(update_fields=["until"])
    assert submit(reader_at(NEIGHBOUR_ADDRESS)).status_code == 202


def test_only_desk_editors_restrict_networks(site, plain_moderator, admin):
    comment = troll_comment(reader_at(TROLL_ADDRESS))
    url = f"/moderate/commenters/{comment.commenter_id}/network"
    page = plain_moderator.get(url)
    assert page.status_code == 200
    assert "Desk editors and administrators can restrict networks." in page.content.decode()
    refused = plain_moderator.post(url, {"desk": "en", "hours": "1", "others_seen": "0"})
    assert refused.status_code == 403
    assert not NetworkRestriction.objects.exists()
    boss = Client()
    boss.force_login(admin)
    assert boss.post(url, {"desk": "en", "hours": "1", "others_seen": "0"}).status_code == 303


def test_shared_exits_turn_network_restrictions_off(site, editor, settings):
    comment = troll_comment(reader_at(TROLL_ADDRESS))
    url = f"/moderate/commenters/{comment.commenter_id}/network"
    # A restriction made before the site declared shared exits…
    assert editor.post(url, {"desk": "en", "hours": "3", "others_seen": "0"}).status_code == 303
    assert submit(reader_at(NEIGHBOUR_ADDRESS)).status_code == 403
    site_safety_set(site=site, shared_exits=True)
    # …is no longer applied, and no new one can be made.
    assert submit(reader_at(NEIGHBOUR_ADDRESS)).status_code == 202
    page = editor.get(url).content.decode()
    assert "networks cannot be restricted there" in page
    refused = editor.post(url, {"desk": "en", "hours": "3", "others_seen": "1"})
    assert refused.status_code == 403
    assert "shared exits" in refused.content.decode()
    assert NetworkRestriction.objects.count() == 1


def test_shared_exits_rate_limit_per_commenter_and_thread_not_network(site, settings):
    settings.TRIBUNE_RATE_LIMITS = {"submit": {"commenter": "2/3600", "network": "3/3600",
                                               "thread": "5/3600"}}
    # Ordinary site: four fresh readers behind one exit, the fourth is limited.
    for n in range(3):
        assert submit(reader_at(f"203.0.113.{n + 1}"), f"Hi {n}").status_code == 202
    assert submit(reader_at("203.0.113.50"), "Fourth").status_code == 429
    site_safety_set(site=site, shared_exits=True)
    # Shared exits: the network does not count; the thread does, and the commenter.
    other = f"{ARTICLE}-2"
    for n in range(5):
        assert submit(reader_at(f"203.0.113.{n + 60}"), f"Tor {n}", url=other).status_code == 202
    limited = submit(reader_at("203.0.113.99"), "Sixth on the thread", url=other)
    assert limited.status_code == 429 and limited.has_header("Retry-After")
    assert submit(reader_at("203.0.113.98"), "Elsewhere",
                  url=f"{ARTICLE}-3").status_code == 202
    one = reader_at("203.0.113.97")
    assert submit(one, "a", url=f"{ARTICLE}-4").status_code == 202
    assert submit(one, "b", url=f"{ARTICLE}-5").status_code == 202
    assert submit(one, "c", url=f"{ARTICLE}-6").status_code == 429  # per commenter


def test_restrictions_hold_inside_the_submission_transaction(site, editor, django_db_blocker):
    """What every host obeys: a restriction written by another process (a direct
    insert, as another host's would be) is seen by the next submission, on
    PostgreSQL inside its transaction, on SQLite through the BANS stamp."""
    comment = troll_comment(reader_at(TROLL_ADDRESS))
    assert submit(reader_at(NEIGHBOUR_ADDRESS), "first").status_code == 202  # remembered: none
    NetworkRestriction.objects.create(
        network_hash=comment.network_hash, desk=comment.thread.desk, until=timezone.now()
        + dt.timedelta(hours=1), created_by=editor.user, created_at=timezone.now())
    assert submit(reader_at(NEIGHBOUR_ADDRESS), "second").status_code == 403


def test_the_moderation_api_restricts_networks_the_same_way(site):
    editor = make_moderator(name="apieditor", desk_codes=["en"], role="editor")
    plain = make_moderator(name="apiplain", desk_codes=["en"])
    api = Client(headers={"Authorization": f"Bearer {editor.token}"})
    comment = troll_comment(reader_at(TROLL_ADDRESS))
    assert submit(reader_at(NEIGHBOUR_ADDRESS), "Neighbour").status_code == 202
    base = f"/api/v1/moderation/commenters/{comment.commenter_id}"
    seen = api.get(f"{base}/network").json()
    assert seen == {"others": 1, "window_hours": 24, "networks": 1, "shared_exits": False,
                    "desks": ["en"]}

    def restrict(client: Client, **fields):
        body = {"desk": "en", "hours": 2, "others_seen": 1} | fields
        return client.post(f"{base}/network-restrictions", body,
                           content_type="application/json")

    stale = restrict(api, others_seen=0)
    assert stale.status_code == 400 and stale.json()["error"]["code"] == "others_changed"
    assert restrict(api, hours=25).status_code == 400
    plain_api = Client(headers={"Authorization": f"Bearer {plain.token}"})
    assert restrict(plain_api).status_code == 403
    made = restrict(api)
    assert made.status_code == 201
    [restriction] = made.json()
    assert restriction["others_seen"] == 1 and restriction["in_force"] is True
    assert submit(reader_at(NEIGHBOUR_ADDRESS), "Again").status_code == 403
    lifted = api.post(f"/api/v1/moderation/network-restrictions/{restriction['id']}/lift")
    assert lifted.status_code == 200 and lifted.json()["in_force"] is False
    assert submit(reader_at(NEIGHBOUR_ADDRESS), "Again").status_code == 202
    assert api.post("/api/v1/moderation/network-restrictions/999999/lift").status_code == 404
