"""Webhooks: signed, sent after commit, retried with backoff, logged — checked by
a receiver running inside the test on 127.0.0.1."""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from tribune.core import testing as factories
from tribune.moderation.decisions import comment_decide
from tribune.webhooks.models import Attempt, Delivery, DeliveryStatus
from tribune.webhooks.services import deliveries_send_due, retry_delay
from tribune.webhooks.signing import signature_verify


class Receiver:
    """An HTTP receiver that answers with the queued status codes (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                if code in (301, 302, 307):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tribune"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def add_webhook(url: str, *events: str) -> str:
    out = io.StringIO()
    args = [a for e in events for a in ("--event", e)]
    call_command("webhook", "add", "https://news.example.org", url, *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]  # the secret, printed last


@pytest.fixture
def inline(settings):
    settings.TRIBUNE_OUTBOX_MODE = "inline"


def test_signed_events_after_commit(site, moderator, receiver, inline,
                                    django_capture_on_commit_callbacks):
    secret = add_webhook(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        comment = factories.make_comment(body="Hello", author="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        comment_decide(comment_id=comment.pk, moderator=moderator, action="edit",
                       body="Hello!", clause=2)
    with django_capture_on_commit_callbacks(execute=True):
        comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=3)

    events = [json.loads(r["body"])["event"] for r in receiver.requests]
    assert events == ["comment.submitted", "comment.edited", "comment.rejected"]
    for request in receiver.requests:
        header = request["headers"]["Tribune-Signature"]
        assert signature_verify(secret=secret, body=request["body"], header=header)
        assert not signature_verify(secret=secret, body=request["body"] + b" ", header=header)
        assert not signature_verify(secret="wrong" * 4, body=request["body"], header=header)
        assert not signature_verify(secret=secret, body=request["body"], header=header,
                                    now=time.time() + 3600)  # a replay, an hour later
        assert request["headers"]["Content-Type"].startswith("application/json")
    edited = json.loads(receiver.requests[1]["body"])
    assert edited["comment"]["id"] == comment.pk
    assert edited["comment"]["body"] == "Hello" and edited["comment"]["published_body"] == "Hello!"
    assert edited["thread"]["url"] == comment.thread.url
    assert edited["id"] == receiver.requests[1]["headers"]["Tribune-Delivery"]
    assert "network_hash" not in json.dumps(edited) and "commenter" not in edited["comment"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_only_subscribed_events_and_nothing_for_a_rolled_back_change(site, moderator, receiver,
                                                                     inline):
    add_webhook(receiver.url, "approved")
    comment = factories.make_comment(body="Hello")
    assert not Delivery.objects.exists()  # submitted: not subscribed

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
        assert Delivery.objects.count() == 1  # written in the deciding transaction…
        raise Abort
    assert not Delivery.objects.exists()  # …and gone with it
    deliveries_send_due()
    assert receiver.requests == []


def test_retries_with_exponential_backoff_and_a_delivery_log(site, moderator, receiver,
                                                             settings):
    settings.TRIBUNE_OUTBOX_MODE = "worker"  # only the worker sends, at the times we say
    settings.TRIBUNE_WEBHOOK_RETRY_BASE = 10
    secret = add_webhook(receiver.url, "approved")
    receiver.answers = [500, 503, 302]
    factories.make_published(moderator, body="Hello")
    delivery = Delivery.objects.get()
    t0 = timezone.now()

    assert deliveries_send_due(now=t0) == pytest.approx(10, abs=1)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status, delivery.last_status_code) == (1, "pending", 500)
    assert delivery.next_attempt_at == t0 + timedelta(seconds=10)

    deliveries_send_due(now=t0 + timedelta(seconds=9))  # not yet due
    assert len(receiver.requests) == 1
    deliveries_send_due(now=t0 + timedelta(seconds=10))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30)  # then 20 s: doubled
    deliveries_send_due(now=t0 + timedelta(seconds=30))  # a redirect is not followed
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t0 + timedelta(seconds=70)
    assert deliveries_send_due(now=t0 + timedelta(seconds=70)) is None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 4

    assert [r["path"] for r in receiver.requests] == ["/hooks/tribune"] * 4
    assert len({r["headers"]["Tribune-Delivery"] for r in receiver.requests}) == 1
    assert all(signature_verify(secret=secret, body=r["body"],
                                header=r["headers"]["Tribune-Signature"])
               for r in receiver.requests)
    assert list(Attempt.objects.order_by("number").values_list("number", "status_code")) == [
        (1, 500), (2, 503), (3, 302), (4, 200)]
    assert retry_delay(30) == timedelta(hours=6)  # capped

    out = io.StringIO()
    call_command("webhook", "log", stdout=out)
    assert "delivered" in out.getvalue() and "#3" in out.getvalue() and " 302 " in out.getvalue()


def test_gives_up_after_the_last_attempt(site, moderator, settings):
    settings.TRIBUNE_OUTBOX_MODE = "worker"
    settings.TRIBUNE_WEBHOOK_MAX_ATTEMPTS = 2
    add_webhook("http://127.0.0.1:9/nothing-listens-here", "approved")
    factories.make_published(moderator)
    t0 = timezone.now()
    deliveries_send_due(now=t0)
    assert deliveries_send_due(now=t0 + timedelta(hours=1)) is None
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    assert delivery.last_error


def test_commands(site, receiver):
    with pytest.raises(CommandError, match="not a registered site"):
        call_command("webhook", "add", "https://unknown.example", receiver.url)
    with pytest.raises(CommandError, match="Unknown event"):
        add_webhook(receiver.url, "deleted")
    with pytest.raises(CommandError, match="http:// or https://"):
        add_webhook("ftp://example.org/x")
    add_webhook(receiver.url, "approved", "rejected")
    out = io.StringIO()
    call_command("webhook", "list", stdout=out)
    assert receiver.url in out.getvalue()
    assert "comment.approved,comment.rejected" in out.getvalue()
    hook_id = out.getvalue().split()[0]
    call_command("webhooks", "remove", hook_id, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no webhook"):
        call_command("webhook", "remove", hook_id)


@pytest.mark.django_db(transaction=True)
def test_background_sender_delivers_without_the_request_waiting(receiver, settings):
    """The default mode: a thread started on commit sends; the API answers first."""
    settings.TRIBUNE_OUTBOX_MODE = "thread"
    factories.make_site()
    secret = add_webhook(receiver.url, "submitted")
    from django.test import Client

    response = Client().post("/api/v1/comments", {
        "url": "https://news.example.org/2026/story", "author": "Ana", "body": "Hi"},
        content_type="application/json")
    assert response.status_code == 202
    deadline = time.monotonic() + 10
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.requests, "the background sender did not deliver"
    request = receiver.requests[0]
    assert signature_verify(secret=secret, body=request["body"],
                            header=request["headers"]["Tribune-Signature"])
    assert json.loads(request["body"])["comment"]["id"] == response.json()["id"]
    deadline = time.monotonic() + 5
    while Delivery.objects.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED
