"""Coarse public times (issue #15): published views give a comment's time to
the site's precision — the day by default, in the desk's time zone — while
moderators keep exact times, and the published order never changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tribune.actions.site_safety import site_safety_set
from tribune.comments.models import Comment
from tribune.core.testing import make_comment
from tribune.moderation.decisions import comment_decide
from tribune.sites.safety import desk_time_zone_set

ARTICLE = "https://news.example.org/2026/12/times"
# 20:47:13 UTC on 6 December is 05:47:13 on 7 December in Seoul.
SENT = dt.datetime(2026, 12, 6, 20, 47, 13, 512000, tzinfo=dt.UTC)


def published_at(moderator, *, body: str, sent: dt.datetime) -> Comment:
    comment = make_comment(url=ARTICLE, body=body)
    Comment.objects.filter(pk=comment.pk).update(submitted_at=sent)
    return comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")


def public() -> dict:
    response = Client().get("/api/v1/comments", {"url": ARTICLE})
    assert response.status_code == 200
    return response.json()


def page() -> str:
    response = Client().get("/embed/thread", {"url": ARTICLE})
    assert response.status_code == 200
    return response.content.decode()


def test_by_default_the_day_in_the_desks_time_zone(site, moderator, api):
    desk_time_zone_set(desk=site.default_desk, time_zone="Asia/Seoul")
    comment = published_at(moderator, body="Seoul morning", sent=SENT)
    data = public()
    assert (data["thread"]["times"], data["thread"]["time_zone"]) == ("day", "Asia/Seoul")
    [shown] = data["comments"]
    assert shown["created"] == "2026-12-07T00:00:00+09:00"
    assert shown["published"].endswith("T00:00:00+09:00")
    # The no-JS page: the date only, no time of day.
    html = page()
    assert '<time class="comment-date" datetime="2026-12-07">' in html
    assert "05:47" not in html and "20:47" not in html
    # Moderators still see the exact time.
    queue = api.get("/api/v1/moderation/queue", {"status": "approved"}).json()
    [exact] = [c for c in queue["comments"] if c["id"] == comment.pk]
    assert dt.datetime.fromisoformat(exact["submitted"]) == SENT


@pytest.mark.parametrize(("precision", "created"), [
    ("hour", "2026-12-06T20:00:00+00:00"),
    ("minute", "2026-12-06T20:47:00+00:00"),
])
def test_hour_or_minute_by_choice(site, moderator, precision, created):
    published_at(moderator, body="Exact enough", sent=SENT)
    site_safety_set(site=site, public_times=precision)  # renders the site's threads again
    [shown] = public()["comments"]
    assert shown["created"] == created
    assert public()["thread"]["times"] == precision
    html = page()
    assert "20:" in html and "20:47:13" not in html


def test_the_published_order_stays_the_order_of_sending(site, moderator):
    # Three comments the same day, the ids in another order than their times.
    late = published_at(moderator, body="third", sent=SENT + dt.timedelta(hours=2))
    early = published_at(moderator, body="first", sent=SENT - dt.timedelta(hours=5))
    middle = published_at(moderator, body="second", sent=SENT)
    data = public()
    assert [c["body"] for c in data["comments"]] == ["first", "second", "third"]
    assert len({c["created"] for c in data["comments"]}) == 1  # one day
    # Pages of one keep that order, and so does the no-JS page.
    client = Client()
    bodies, cursor = [], None
    for _ in range(3):
        query = {"url": ARTICLE, "limit": 1} | ({"cursor": cursor} if cursor else {})
        paged = client.get("/api/v1/comments", query).json()
        bodies += [c["body"] for c in paged["comments"]]
        cursor = paged["page"]["next"]
    assert bodies == ["first", "second", "third"] and cursor is None
    html = page()
    assert html.index("first") < html.index("second") < html.index("third")
    assert {early.pk, middle.pk, late.pk} == {c["id"] for c in data["comments"]}


def test_since_misses_nothing_published_in_the_same_period(site, moderator):
    published_at(moderator, body="today", sent=SENT)
    data = Client().get("/api/v1/comments", {"url": ARTICLE,
                                             "since": "2026-12-06T23:59:00Z"}).json()
    # Published "today" (coarse): a client asking since late today still gets it.
    assert [c["body"] for c in data["comments"]] == ["today"]


def test_a_bad_time_zone_or_precision_is_refused(site, tribune_cli):
    result = tribune_cli.run("desk", "add", "ko", check=False)
    assert result.returncode == 0
    bad = tribune_cli.run("desk", "time-zone", "ko", "Mars/Olympus", check=False)
    assert bad.returncode != 0 and "not a time zone name" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = tribune_cli.run("desk", "time-zone", "ko", "Asia/Seoul")
    assert "Asia/Seoul" in good.stdout
    tribune_cli.run("site", "add", "https://times.example.org", "--desk", "ko")
    shown = tribune_cli.run("site", "set", "https://times.example.org", "--public-times",
                            "hour", "--shared-exits", "yes", "--redaction-days", "3").stdout
    assert "public times: to the hour" in shown and "shared exits: yes" in shown
    assert "redaction days: 3" in shown
    refused = tribune_cli.run("site", "set", "https://times.example.org", "--redaction-days",
                              "0", check=False)
    assert refused.returncode != 0 and "1 to 90 days" in refused.stderr
