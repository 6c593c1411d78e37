"""E-mail: the commenter's notice of a decision (address deleted once used), the
moderators' queue alert, and a console backend that never logs an address."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tribune.core import testing as factories
from tribune.notifications.backends import RedactingConsoleBackend
from tribune.notifications.models import NoticeAddress, QueuedMail
from tribune.notifications.services import mails_send_due

URL = "https://news.example.org/2026/11/story"
ADDRESS = "reader.private@example.net"


@pytest.fixture(autouse=True)
def inline(settings):
    settings.TRIBUNE_OUTBOX_MODE = "inline"


def submit(reader: Client, **extra):
    return reader.post("/api/v1/comments", {"url": URL, "author": "Ana", "body": "Hello",
                                            **extra}, content_type="application/json")


def test_commenter_told_of_the_decision_then_address_deleted(
        site, api, reader, django_capture_on_commit_callbacks):
    response = submit(reader, email=f"  {ADDRESS} ")
    assert response.status_code == 202
    comment_id = response.json()["id"]
    assert NoticeAddress.objects.get().address == ADDRESS

    queue = api.get("/api/v1/moderation/queue?status=pending")
    assert queue.status_code == 200 and ADDRESS not in queue.content.decode()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        decided = api.post(f"/api/v1/moderation/comments/{comment_id}/decision",
                           {"action": "reject", "clause": 3}, content_type="application/json")
    assert decided.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ADDRESS]
    assert "was not published" in message.body and "No personal attacks or hate" in message.body
    assert URL in message.body
    assert not NoticeAddress.objects.exists()

    # A later decision on the same comment sends nothing: the address is gone.
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/moderation/comments/{comment_id}/decision",
                 {"action": "approve"}, content_type="application/json")
    assert len(mail.outbox) == 1


def test_bad_address_is_refused_and_nothing_is_kept(site, reader):
    response = submit(reader, email="not an address")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "email"
    assert not NoticeAddress.objects.exists()
    assert submit(reader, email="").status_code == 202
    assert not NoticeAddress.objects.exists()


def test_unused_address_expires(site, reader):
    submit(reader, email=ADDRESS)
    mails_send_due(now=timezone.now() + timedelta(days=31))
    assert not NoticeAddress.objects.exists()
    assert mail.outbox == []


def test_no_js_form_takes_an_optional_address(site, moderator, reader,
                                              django_capture_on_commit_callbacks):
    page = reader.get("/embed/thread", {"url": URL})
    assert 'name="email"' in page.content.decode()
    refused = reader.post("/embed/thread", {"url": URL, "author": "Bo", "body": "Hi",
                                            "email": "bo@"})
    assert refused.status_code == 400 and 'id="email-error"' in refused.content.decode()
    sent = reader.post("/embed/thread", {"url": URL, "author": "Bo", "body": "Hi",
                                         "email": ADDRESS})
    assert sent.status_code == 303
    notice = NoticeAddress.objects.get()
    from tribune.moderation.decisions import comment_decide

    with django_capture_on_commit_callbacks(execute=True):
        comment_decide(comment_id=notice.comment_id, moderator=moderator, action="approve")
    assert mail.outbox[0].to == [ADDRESS] and "was published." in mail.outbox[0].body


def test_moderators_alerted_when_the_queue_grows_rate_limited(
        site, django_capture_on_commit_callbacks):
    out = io.StringIO()
    call_command("notifications", "alert", "en", "--threshold", "2", "--to", "desk@example.org",
                 "--every", "60", stdout=out)
    assert "above 2 pending" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            factories.make_comment(body=f"Comment {n}")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_comment(body="The third")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["desk@example.org"]
    assert "3 comments are waiting" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_comment(body="The fourth")
    assert len(mail.outbox) == 1  # rate-limited: one per hour
    assert not QueuedMail.objects.exists()


def test_console_backend_never_prints_the_address():
    stream = io.StringIO()
    backend = RedactingConsoleBackend(stream=stream)
    sent = backend.send_messages([EmailMessage(
        subject="Your comment", body="was published.", to=[ADDRESS], cc=["other@example.net"],
        bcc=["b@example.net"], reply_to=["r@example.net"])])
    printed = stream.getvalue()
    assert sent == 1 and "was published." in printed and "redacted" in printed
    for address in (ADDRESS, "other@example.net", "b@example.net", "r@example.net"):
        assert address not in printed


def test_default_backend_is_the_redacting_console(settings):
    import subprocess
    import sys

    code = ("import django,os;os.environ['DJANGO_SETTINGS_MODULE']='tribune.settings';"
            "django.setup();from django.conf import settings;print(settings.EMAIL_BACKEND)")
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("EMAIL")}
    env.pop("TRIBUNE_EMAIL_BACKEND", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert result.stdout.strip() == "tribune.notifications.backends.RedactingConsoleBackend"
