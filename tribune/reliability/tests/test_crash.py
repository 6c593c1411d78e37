"""Nothing accepted is lost: a real `tribune serve` (2 workers) under submission
load is killed with SIGKILL three times and restarted; every submission that was
answered 202 is in the moderation queue exactly once."""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from collections import Counter

from conftest import free_port
from tribune.reliability.testing import ARTICLE, Server, queue_all, request

CLIENTS = 4
KILLS = 3
LOAD_SECONDS = 1.5  # of load before each kill, and after the last restart
LETTERS = str.maketrans("0123456789", "ghijklmnop")
NO_LIMITS = {"TRIBUNE_RATE_SUBMIT_COMMENTER": "", "TRIBUNE_RATE_SUBMIT_NETWORK": ""}


def test_sigkill_under_load_loses_and_doubles_nothing(prepared_tribune):
    token = prepared_tribune.token
    server = Server(prepared_tribune, free_port(), workers=2, env=NO_LIMITS)
    server.start()
    accepted: list[tuple[str, int]] = []  # (marker, id) answered 202
    attempted: list[str] = []
    failures = Counter()
    stop = threading.Event()
    lock = threading.Lock()

    def client(number: int) -> None:
        while not stop.is_set():
            # Letters only: digits could read as a phone number to the personal
            # information check, which would ask the sender to confirm.
            marker = f"marker-{number}-{uuid.uuid4().hex.translate(LETTERS)}"
            with lock:
                attempted.append(marker)
            try:
                status, body, _headers = request(
                    f"{server.url}/api/v1/comments", method="POST", timeout=10,
                    data={"url": ARTICLE, "author": f"Client {number}",
                          "body": f"Load test {marker}"})
            except OSError as error:  # the server died under us: outcome unknown
                with lock:
                    failures[type(error).__name__] += 1
                time.sleep(0.05)
                continue
            with lock:
                if status == 202:
                    accepted.append((marker, json.loads(body)["id"]))
                else:
                    failures[f"HTTP {status} {body[:200]!r}"] += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    kills = []
    try:
        for _ in range(KILLS):
            time.sleep(LOAD_SECONDS)
            before = len(accepted)
            kills.append((server.kill(), before))
            server.start()
        time.sleep(LOAD_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    try:
        queued = queue_all(server.url, token)
    finally:
        server.stop()

    assert [code for code, _ in kills] == [-signal.SIGKILL] * KILLS
    # The load really ran across every kill.
    assert all(before > 0 for _, before in kills)
    assert len(accepted) >= 40, (len(accepted), failures)
    assert not [f for f in failures if f.startswith("HTTP")], failures

    bodies = Counter(c["body"].removeprefix("Load test ") for c in queued
                     if c["body"].startswith("Load test marker-"))
    doubled = [marker for marker, n in bodies.items() if n > 1]
    assert doubled == []
    lost = [marker for marker, _id in accepted if bodies[marker] != 1]
    assert lost == []
    # Ids answered match the rows, and nothing appeared that nobody sent.
    by_marker = {c["body"].removeprefix("Load test "): c["id"] for c in queued
                 if c["body"].startswith("Load test marker-")}
    assert all(by_marker[marker] == comment_id for marker, comment_id in accepted)
    assert set(bodies) <= set(attempted)
