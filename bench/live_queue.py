"""How many open moderation queues one `tribune serve` holds while still answering
readers, and how fast each queue hears a decision.

Starts `tribune serve --workers W --threads T` on a fresh installation (SQLite in a
temporary directory, or the empty PostgreSQL database in DATABASE_URL), opens N
live queues (each a moderator's browser: an SSE stream that reconnects after the
server's `retry`, as EventSource does), and for SECONDS both reads a published
thread in a loop (GET /api/v1/comments, one reader at a time) and decides one
comment a second through the API, timing when each queue hears of it. Side by
side, one run, for each N:

    python3 bench/live_queue.py --queues 0 8 32 96 --seconds 8

docs/live-queue.md keeps the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIBUNE = str(ROOT / ".venv" / "bin" / "tribune")
SITE = "https://news.example.org"
URL = SITE + "/2026/12/bench-live"
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - a benchmark moderator

SETUP = """
import json, secrets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from tribune.actions.submit import comment_submit
from tribune.moderation.decisions import comment_decide
mod = get_user_model().objects.get(username="mod")
for n in range(40):
    c = comment_submit(url="{url}", author="Reader", body=f"Published comment {{n}} on the bench.",
                       commenter_token=secrets.token_urlsafe(16))
    comment_decide(comment_id=c.pk, moderator=mod, action="approve")
pending = [comment_submit(url="{url}", author="Reader", body=f"Waiting comment number {{n}}.",
                          commenter_token=secrets.token_urlsafe(16)).pk for n in range(400)]
cookies = []
for n in range({queues}):
    client = Client()
    client.force_login(get_user_model().objects.get(username="night"))
    name = settings.SESSION_COOKIE_NAME
    cookies.append(name + "=" + client.cookies[name].value)
print(json.dumps({{"pending": pending, "cookies": cookies}}))
"""


def run(env, *args, cwd) -> str:
    result = subprocess.run([TRIBUNE, *args], cwd=cwd, env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=600, check=False)
    if result.returncode:
        sys.exit(f"tribune {' '.join(args)}: {result.stderr}")
    return result.stdout


def free_port() -> int:
    for candidate in random.sample(range(23000, 24000), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise SystemExit("no free port in 23000–23999")


class Queue(threading.Thread):
    """One moderator's open queue: reconnects as EventSource does."""

    def __init__(self, port: int, cookie: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.cookie, self.stop = port, cookie, stop
        self.heard: dict[int, float] = {}
        self.held = 0      # connections that streamed (held a thread)
        self.polled = 0    # connections answered at once (server full)
        self.last = ""

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
                headers = {"Cookie": self.cookie}
                if self.last:
                    headers["Last-Event-ID"] = self.last
                conn.request("GET", "/moderate/live/stream", headers=headers)
                response = conn.getresponse()
                streamed = response.getheader("Content-Length") is None
                data = None
                for raw in response:
                    line = raw.decode().rstrip("\n")
                    if line.startswith("id: "):
                        self.last = line[4:]
                    elif line.startswith("data: "):
                        data = json.loads(line[6:])
                    elif not line and data is not None:
                        now = time.monotonic()
                        for event in data["decided"]:
                            self.heard.setdefault(event["comment"], now)
                        data = None
                    if self.stop.is_set():
                        break
                conn.close()
                if streamed and time.monotonic() - started > 2:
                    self.held += 1
                else:
                    self.polled += 1
            except (OSError, http.client.HTTPException, ValueError):
                pass
            self.stop.wait(1.5)  # the server's retry


def measure(port: int, token: str, cookies: list[str], pending: list[int], seconds: float):
    stop = threading.Event()
    queues = [Queue(port, cookie, stop) for cookie in cookies]
    for queue in queues:
        queue.start()
    time.sleep(2 if queues else 0)  # connected
    reads: list[float] = []
    decided: dict[int, float] = {}
    deadline = time.monotonic() + seconds
    next_decision = time.monotonic()
    while time.monotonic() < deadline:
        began = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/comments?url={URL}",  # noqa: S310
                                    timeout=30) as answer:
            answer.read()
        reads.append(time.monotonic() - began)
        if queues and time.monotonic() >= next_decision and pending:
            comment_id = pending.pop(0)
            request = urllib.request.Request(  # noqa: S310 - our own server
                f"http://127.0.0.1:{port}/api/v1/moderation/comments/{comment_id}/decision",
                data=b'{"action": "approve"}', method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                answer.read()
            decided[comment_id] = time.monotonic()
            next_decision += 1.0
    time.sleep(3)  # the last decision reaches every queue
    stop.set()
    delays = [queue.heard[c] - at for c, at in decided.items() for queue in queues
              if c in queue.heard]
    missed = sum(1 for c in decided for queue in queues if c not in queue.heard)
    return {
        "queues": len(queues),
        "held": sum(q.held for q in queues), "polled": sum(q.polled for q in queues),
        "reads_per_s": len(reads) / seconds,
        "read_p50_ms": 1000 * statistics.median(reads),
        # Starved readers may have had fewer than two answers.
        "read_p95_ms": 1000 * (statistics.quantiles(reads, n=20)[-1] if len(reads) > 1
                               else max(reads)),
        "read_max_ms": 1000 * max(reads),
        "hear_p50_s": statistics.median(delays) if delays else None,
        "hear_p95_s": statistics.quantiles(delays, n=20)[-1] if len(delays) > 1 else None,
        "hear_max_s": max(delays) if delays else None,
        "missed": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, nargs="+", default=[0, 8, 32, 96])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tribune-live-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update({"TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": ""})
    server = None
    try:
        run(env, "migrate", "--verbosity", "0", cwd=workdir)
        run(env, "site", "add", SITE, "--name", "Bench News", cwd=workdir)
        run(env, "moderator", "create", "mod", "--desk", "en", "--password", PASSWORD, cwd=workdir)
        run(env, "moderator", "create", "night", "--desk", "en", "--password", PASSWORD,
            cwd=workdir)
        token = run(env, "token", "create", "mod", cwd=workdir).strip().splitlines()[-1]
        setup = json.loads(run(env, "shell", "-c", SETUP.format(
            url=URL, queues=max(args.queues)), cwd=workdir).strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [TRIBUNE, "serve", "--port", str(port), "--workers", str(args.workers),
             "--threads", str(args.threads)], cwd=workdir, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(150):
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    break
            time.sleep(0.2)
        database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
        print(f"tribune serve --workers {args.workers} --threads {args.threads} ({database}); "
              f"{args.seconds:.0f} s per case; one reader in a loop; one decision a second")
        print("| open queues | held streams | polling answers | reads/s | read p50 | read p95 "
              "| read max | heard p50 | heard p95 | heard max | missed |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in args.queues:
            r = measure(port, token, setup["cookies"][:n], setup["pending"], args.seconds)

            def s(v):
                return "–" if v is None else f"{v:.2f} s"
            print(f"| {r['queues']} | {r['held']} | {r['polled']} | {r['reads_per_s']:.0f} | "
                  f"{r['read_p50_ms']:.1f} ms | {r['read_p95_ms']:.1f} ms | "
                  f"{r['read_max_ms']:.0f} ms | {s(r['hear_p50_s'])} | "
                  f"{s(r['hear_p95_s'])} | {s(r['hear_max_s'])} | {r['missed']} |", flush=True)
    finally:
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
