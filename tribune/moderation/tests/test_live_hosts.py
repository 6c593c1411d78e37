"""The live queue across processes and hosts, under `tribune serve` (granian):
a comment submitted and a decision made through one host reach a queue held
open on another host within 2 seconds (on PostgreSQL — DATABASE_URL — through
the versions table and LISTEN/NOTIFY; on SQLite through the stamp files of the
one host), and open queues never take the threads that readers need."""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from conftest import TribuneCLI, fresh_database
from tribune.reliability.testing import PASSWORD, SITE, prepare

URL = SITE + "/2026/12/live"

SESSION = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="{name}"))
name = settings.SESSION_COOKIE_NAME
print(name + "=" + client.cookies[name].value)
"""

SUBMIT = """
import secrets
from tribune.actions.submit import comment_submit
print(comment_submit(url="{url}", author="Reader", body="{body}",
                     commenter_token=secrets.token_urlsafe(16)).pk)
"""


def port_in_range() -> int:
    """A free port among this suite's own (23000–23999)."""
    for candidate in random.sample(range(23000, 24000), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise AssertionError("no free port in 23000–23999")


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("live-hosts")
    with fresh_database(workdir) as env:
        cli = TribuneCLI(workdir, env)
        cli.token = prepare(cli)
        cli.run("moderator", "create", "night", "--desk", "en", "--password", PASSWORD)
        cli.cookie = cli.run("shell", "-c", SESSION.format(name="night")).stdout.split()[-1]
        yield cli


class Listener:
    """A moderator's open queue: the stream read in a thread, each event timed."""

    def __init__(self, base: str, cookie: str):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.connection.request("GET", "/moderate/live/stream",
                                headers={"Cookie": cookie, "Accept": "text/event-stream"})
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()[:500]
        assert self.response.getheader("Content-Type").startswith("text/event-stream")
        self.events: list[tuple[float, dict]] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        data = None
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("data: "):
                    data = json.loads(line[6:])
                elif not line and data is not None:
                    self.events.append((time.monotonic(), data))
                    data = None
        except (OSError, ValueError, AttributeError):
            pass  # closed by the test (http.client drops its file: AttributeError)

    def wait_for(self, test, since: float, seconds: float = 5) -> float:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for at, data in list(self.events):
                if at >= since - 0.5 and test(data):
                    return at - since
            time.sleep(0.02)
        raise AssertionError(f"not heard within {seconds}s: {self.events}")

    def close(self) -> None:
        self.connection.close()
        self.thread.join(timeout=5)


def test_a_queue_on_one_host_hears_another_host_within_two_seconds(installation):
    cli = installation
    with cli.serving(port=port_in_range(), workers=1) as host_a, \
            cli.serving(port=port_in_range(), workers=1) as host_b:
        queue = Listener(host_b.url, cli.cookie)
        try:
            time.sleep(1)  # connected, first event read
            submitted = cli.run("shell", "-c", SUBMIT.format(
                url=URL, body="Water over the road at the bridge.")).stdout.split()
            sent = time.monotonic()
            comment_id = int(submitted[-1])
            heard = queue.wait_for(lambda d: comment_id in d["arrived"], sent)
            assert heard < 2, (heard, [(round(at - sent, 2), d) for at, d in queue.events])

            request = urllib.request.Request(  # noqa: S310 - our own server
                f"{host_a.url}/api/v1/moderation/comments/{comment_id}/decision",
                data=json.dumps({"action": "approve"}).encode(), method="POST",
                headers={"Authorization": f"Bearer {cli.token}",
                         "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                assert answer.status == 200
            decided = time.monotonic()
            heard = queue.wait_for(lambda d: any(
                e["comment"] == comment_id and e["line"].startswith("Approved by mod at")
                for e in d["decided"]), decided)
            assert heard < 2, heard
        finally:
            queue.close()


def test_open_queues_never_take_the_threads_readers_need(installation):
    cli = installation
    # One worker of two threads: one open queue at most holds a thread.
    with cli.serving(port=port_in_range(), workers=1, args=("--threads", "2")) as host:
        held = Listener(host.url, cli.cookie)
        try:
            time.sleep(0.5)
            started = time.monotonic()
            parts = urlsplit(host.url)
            second = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            second.request("GET", "/moderate/live/stream", headers={"Cookie": cli.cookie})
            answer = second.getresponse()
            body = answer.read().decode()  # complete at once: told to poll instead
            assert time.monotonic() - started < 2
            assert body.startswith("retry: 1500\n\n") and "event: queue" in body
            second.close()
            # Readers are served meanwhile.
            for _ in range(5):
                began = time.monotonic()
                with urllib.request.urlopen(  # noqa: S310 - our own server
                        f"{host.url}/api/v1/comments?url={URL}", timeout=5) as read:
                    assert read.status == 200
                assert time.monotonic() - began < 1
        finally:
            held.close()
