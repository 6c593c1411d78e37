"""Rate limits on submissions: per commenter token and per network hash, on the
API and the no-JS form; 429 with Retry-After; reads never limited."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tribune.abuse.models import RateCounter
from tribune.abuse.services import (
    BadRateSetting,
    RateLimited,
    parse_rules,
    ratelimit_check,
    ratelimit_expired_delete,
)
from tribune.comments.models import Comment

pytestmark = pytest.mark.django_db

ARTICLE = "https://news.example.org/2026/11/article"


def limits(**scopes):
    """Settings with only the given rules, e.g. submit={"commenter": "2/60"}."""
    return override_settings(TRIBUNE_RATE_LIMITS=scopes)


def submit(client: Client, body: str = "A comment.", **extra):
    return client.post("/api/v1/comments",
                       data=json.dumps({"url": ARTICLE, "author": "A", "body": body}),
                       content_type="application/json", **extra)


def test_rules_parse_and_bad_settings_are_named():
    assert [(r.hits, r.seconds) for r in parse_rules("10/60, 60/3600")] == [(10, 60), (60, 3600)]
    assert parse_rules("") == ()
    for bad in ("ten/60", "10", "0/60", "5/-1"):
        with pytest.raises(BadRateSetting):
            parse_rules(bad)


def test_the_defaults_are_stated_in_settings(settings):
    assert settings.TRIBUNE_RATE_LIMITS["submit"] == {
        "commenter": "10/60,60/3600", "network": "60/60,600/3600",
        "thread": "30/60,300/3600"}  # per thread: only on a site with shared exits
    assert set(settings.TRIBUNE_RATE_LIMITS["report"]) == {"commenter", "network"}


def test_a_key_over_its_limit_waits_until_the_window_ends():
    with limits(report={"commenter": "2/60"}):
        now = 6000.0 + 15  # 15 s into a 60 s window
        ratelimit_check(scope="report", keys={"commenter": "x"}, now=now)
        ratelimit_check(scope="report", keys={"commenter": "x"}, now=now)
        with pytest.raises(RateLimited) as refused:
            ratelimit_check(scope="report", keys={"commenter": "x"}, now=now)
        assert refused.value.status == 429
        assert refused.value.retry_after == 45
        assert "45 seconds" in refused.value.message
        # Another reader, another scope, or the next window are not affected.
        ratelimit_check(scope="report", keys={"commenter": "y"}, now=now)
        ratelimit_check(scope="submit", keys={"commenter": "x"}, now=now)
        ratelimit_check(scope="report", keys={"commenter": "x"}, now=now + 45)


def test_the_longest_wait_wins_and_empty_keys_are_skipped():
    with limits(submit={"commenter": "1/60,2/3600", "network": "5/60"}):
        ratelimit_check(scope="submit", keys={"commenter": "x", "network": ""}, now=70)
        with pytest.raises(RateLimited) as refused:
            ratelimit_check(scope="submit", keys={"commenter": "x", "network": ""}, now=100)
        assert refused.value.retry_after == 20
        with pytest.raises(RateLimited) as refused:
            ratelimit_check(scope="submit", keys={"commenter": "x"}, now=200)
        assert refused.value.retry_after == 3400
        assert "57 minutes" in refused.value.message
    assert not RateCounter.objects.filter(key_hash="").exists()


def test_counters_hold_no_identity_and_expire():
    with limits(submit={"commenter": "5/60"}):
        ratelimit_check(scope="submit", keys={"commenter": "token-hash-value"}, now=100)
    counter = RateCounter.objects.get()
    assert "token-hash-value" not in counter.key_hash and len(counter.key_hash) == 64
    assert ratelimit_expired_delete(now=119) == 0
    assert ratelimit_expired_delete(now=120) == 1


@override_settings(TRIBUNE_RATE_LIMIT_CACHE="default")
def test_a_shared_cache_can_hold_the_counters_instead():
    from django.core.cache import cache

    cache.clear()
    with limits(submit={"commenter": "1/60"}):
        ratelimit_check(scope="submit", keys={"commenter": "z"}, now=10)
        with pytest.raises(RateLimited):
            ratelimit_check(scope="submit", keys={"commenter": "z"}, now=11)
    assert not RateCounter.objects.exists()


def test_api_submissions_per_token_get_a_clear_429_with_retry_after(site):
    client = Client()
    with limits(submit={"commenter": "2/60"}):
        assert submit(client).status_code == 202
        assert submit(client).status_code == 202
        refused = submit(client, body="Third.")
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        error = refused.json()["error"]
        assert error["code"] == "rate_limited"
        assert "try again in" in error["message"]
        # Someone else is not slowed down by this reader.
        assert submit(Client()).status_code == 202
    assert not Comment.objects.filter(body="Third.").exists()


def test_api_submissions_per_network_catch_fresh_cookies(site):
    with limits(submit={"commenter": "100/60", "network": "3/60"}):
        statuses = [submit(Client(), REMOTE_ADDR="203.0.113.5").status_code for _ in range(3)]
        assert statuses == [202, 202, 202]
        # Another host of the same /24 shares the network's allowance.
        assert submit(Client(), REMOTE_ADDR="203.0.113.99").status_code == 429
        assert submit(Client(), REMOTE_ADDR="198.51.100.7").status_code == 202


def test_the_no_js_form_is_limited_too_and_keeps_the_text(site):
    reader = Client()
    with limits(submit={"commenter": "1/60"}):
        first = reader.post("/embed/thread", {"url": ARTICLE, "author": "A", "body": "One."})
        assert first.status_code == 303
        refused = reader.post("/embed/thread", {"url": ARTICLE, "author": "A",
                                                "body": "Text to keep."})
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        page = refused.content.decode()
        assert "You have sent many comments in a short time" in page
        assert "Text to keep." in page


def test_reads_are_never_limited_and_never_touch_the_counters(site, moderator):
    from tribune.core.testing import make_published

    make_published(moderator, url=ARTICLE, body="Published.")
    client = Client()
    with limits(submit={"commenter": "1/60", "network": "1/60"}):
        assert submit(client).status_code == 202
        assert submit(client).status_code == 429
        with CaptureQueriesContext(connection) as queries:
            for _ in range(20):
                assert client.get("/api/v1/comments", {"url": ARTICLE}).status_code == 200
                assert client.get("/api/v1/counts", {"url": ARTICLE}).status_code == 200
                assert client.get("/embed/thread", {"url": ARTICLE}).status_code == 200
    assert not any("abuse_ratecounter" in q["sql"] for q in queries.captured_queries)


def test_reports_are_limited_per_network_with_retry_after(site, moderator):
    from tribune.core.testing import make_published

    comments = [make_published(moderator, url=ARTICLE, body=f"Published {n}.") for n in range(3)]
    with limits(report={"network": "2/60"}):
        statuses = []
        for comment in comments:
            response = Client().post(f"/api/v1/comments/{comment.pk}/reports",
                                     data=json.dumps({"reason": "spam"}),
                                     content_type="application/json")
            statuses.append(response.status_code)
        assert statuses == [201, 201, 429]
        assert int(response["Retry-After"]) >= 1
        assert "You have sent many reports in a short time" in response.json()["error"]["message"]
