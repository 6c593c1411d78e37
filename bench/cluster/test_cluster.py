"""Several hosts on one PostgreSQL serve the same truth (issue #18, items 4 and 5).

Every test drives a real cluster started by ``cluster.py``: ``tribune serve``
hosts in directories of their own, HAProxy, Varnish and the purge receiver, on
PostgreSQL. Under ``DATABASE_URL`` (the PostgreSQL run) the cluster's database is
made on that server; without it (the SQLite run) the harness starts a private
PostgreSQL, so these tests run, never skip, in both. The PostgreSQL restart test
always has a private instance: the shared server is never restarted.

The script's own cluster (``run start``, ``status``, ``stop``) is the one whose
private PostgreSQL is restarted under load.

What "holds within the bound" means: after the call that made a change has
answered on one host, every other host shows it within ``BOUND`` seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

# The harness beside this file is a script folder, not a package, and pytest's
# importlib mode (pyproject.toml) leaves sys.path alone. The hosts run the
# `tribune` of the environment these tests run in (./scripts/test: the installed
# wheel in .venv-test), not the demo's .venv.
os.environ.setdefault("TRIBUNE_VENV", sys.prefix)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import Cluster, MissingTool, free_port, http_get, postgres_answers  # noqa: E402

BOUND = 1.0  # seconds: issue #18's bound for a change to reach every host
GIVE_UP = 6.0  # how long a test waits before calling a host stale
ORIGIN = "https://news.example.org"
# Every request comes from 127.0.0.1: the per-network submission limits would
# refuse the tests' own traffic.
BANNED, CRASHED = "203.0.113.7", "198.51.100.7"  # the networks of banned test readers
CLUSTER_ENV = {"TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": ""}


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return urlunsplit(urlsplit(url)._replace(path="/postgres"))
    return "private"


def request(method: str, url: str, data: dict | None = None, *, headers: dict | None = None,
            timeout: float = 15) -> tuple[int, dict]:
    body = json.dumps(data).encode() if data is not None else None
    sent = {"Content-Type": "application/json", **(headers or {})}
    call = urllib.request.Request(url, data=body, method=method, headers=sent)  # noqa: S310
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw.decode(errors="replace")}


def submit(base: str, url: str, body: str, *, token: str = "", origin: str = ORIGIN,
           network: str = "") -> tuple[int, dict]:
    """A reader's submission; ``network`` is the reader's address as the balancer
    reports it (hosts believe 127.0.0.1's X-Forwarded-For): a ban covers the
    networks its commenter wrote from, so a banned test reader has one of its own."""
    headers = {"Origin": origin}
    if token:
        headers["X-Tribune-Commenter"] = token
    if network:
        headers["X-Forwarded-For"] = network
    return request("POST", f"{base}/api/v1/comments",
                   {"url": url, "author": "Reader", "body": body}, headers=headers)


def thread(base: str, url: str) -> dict:
    status, answer = request("GET", f"{base}/api/v1/comments?url={quote(url, safe='')}")
    assert status == 200, answer
    return answer


def count(base: str, url: str) -> int:
    status, answer = request("GET", f"{base}/api/v1/counts?url={quote(url, safe='')}")
    assert status == 200, answer
    return answer[url]


def wait_for(check, *, give_up: float = GIVE_UP, every: float = 0.02) -> float:
    """Seconds until ``check()`` is true; fails the test after ``give_up``."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > give_up:
            pytest.fail(f"still stale after {give_up}s")
        time.sleep(every)


def _started(cluster: Cluster) -> Cluster:
    """``cluster.start()``; outside CI, a machine without HAProxy, Varnish or
    PostgreSQL's programs (and no root to install them) skips, as the browser tests
    do without Chromium; under ``CI=true`` (where a skip fails anyway) it fails."""
    try:
        return cluster.start()
    except MissingTool as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two hosts, HAProxy, Varnish and the purge receiver, with one site."""
    cluster = _started(Cluster(tmp_path_factory.mktemp("cluster"), hosts=2, workers=1,
                               threads=4, database=_database(), cache=True, env=CLUSTER_ENV))
    with cluster.stopping():
        cluster.site_add(ORIGIN)
        cluster.tribune("moderator", "create", "chief", "--admin", "--password",
                        "a long password for the tests")
        cluster.token = cluster.tribune("token", "create", "chief").strip().splitlines()[-1]
        yield cluster


def moderate(cluster: Cluster, host: int, method: str, path: str, data: dict | None = None
             ) -> tuple[int, dict]:
    return request(method, f"{cluster.host_urls[host]}/api/v1/moderation{path}", data,
                   headers={"Authorization": f"Bearer {cluster.token}"})


def queued(cluster: Cluster, comment_id: int) -> dict:
    """The comment as the moderation queue shows it (with its thread and commenter ids)."""
    status, queue = moderate(cluster, 0, "GET", "/queue?status=all&order=newest&limit=200")
    assert status == 200, queue
    return next(c for c in queue["comments"] if c["id"] == comment_id)


def test_a_decision_on_one_host_is_served_by_the_others_within_the_bound(cluster):
    url = f"{ORIGIN}/2026/decision"
    status, first = submit(cluster.host_urls[1], url, "Waiting for a moderator.")
    assert status == 202, first
    for base in cluster.host_urls:  # every host remembers the thread without it
        assert thread(base, url)["comments"] == [] and count(base, url) == 0

    status, decided = moderate(cluster, 0, "POST", f"/comments/{first['id']}/decision",
                               {"action": "approve"})
    assert status == 200, decided

    def everywhere() -> bool:
        return all([c["id"] for c in thread(base, url)["comments"]] == [first["id"]]
                   and count(base, url) == 1 for base in cluster.host_urls[1:])

    assert wait_for(everywhere) <= BOUND


def test_a_ban_on_one_host_holds_on_the_others_within_the_bound(cluster):
    url = f"{ORIGIN}/2026/ban"
    status, first = submit(cluster.host_urls[1], url, "Before the ban.", network=BANNED)
    assert status == 202, first
    token = first["commenter_token"]
    commenter = queued(cluster, first["id"])["commenter_id"]

    status, ban = moderate(cluster, 0, "POST", f"/commenters/{commenter}/bans",
                           {"reason": "spam"})
    assert status == 201, ban

    answers = []

    def refused() -> bool:
        answers.append(submit(cluster.host_urls[1], url, "After the ban.", token=token,
                              network=BANNED))
        return answers[-1][0] == 403

    assert wait_for(refused) <= BOUND
    assert answers[-1][1]["error"]["code"] == "banned"
    # Through the balancer, whichever host answers, it holds too.
    for _ in range(4):
        status, answer = submit(cluster.balancer_url, url, "Again.", token=token,
                                network=BANNED)
        assert (status, answer["error"]["code"]) == (403, "banned")


def test_a_closed_thread_on_one_host_is_closed_on_the_others_within_the_bound(cluster):
    url = f"{ORIGIN}/2026/closing"
    status, first = submit(cluster.host_urls[1], url, "While it is open.")
    assert status == 202, first
    assert thread(cluster.host_urls[1], url)["thread"]["open"] is True
    thread_id = queued(cluster, first["id"])["thread"]

    status, settings = moderate(cluster, 0, "PUT", f"/threads/{thread_id}",
                                {"open": False, "moderation": "pre"})
    assert status == 200 and settings["open"] is False, settings

    def closed() -> bool:
        status, _answer = submit(cluster.host_urls[1], url, "After closing.")
        return status != 202 and thread(cluster.host_urls[1], url)["thread"]["open"] is False

    assert wait_for(closed) <= BOUND
    status, answer = submit(cluster.host_urls[1], url, "Still closed.")
    assert status in (403, 409) and answer["error"]["code"], answer


def test_a_new_site_added_on_one_host_is_served_by_the_others_within_the_bound(cluster):
    origin = "https://second.example.org"
    url = f"{origin}/2026/first"
    status, answer = submit(cluster.host_urls[1], url, "Too early.", origin=origin)
    assert (status, answer["error"]["code"]) == (404, "unknown_site")

    cluster.tribune("site", "add", origin, "--name", "Second", "--desk", "en")  # host 1's dir

    assert wait_for(lambda: submit(cluster.host_urls[1], url, "Welcome.",
                                   origin=origin)[0] == 202) <= BOUND


class _Receiver(BaseHTTPRequestHandler):
    deliveries: list[dict]

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        return

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.deliveries.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_new_webhook_added_on_one_host_is_sent_by_the_others_within_the_bound(cluster):
    deliveries: list[dict] = []
    handler = type("Receiver", (_Receiver,), {"deliveries": deliveries})
    receiver = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"{ORIGIN}/2026/webhook"
    try:
        assert submit(cluster.host_urls[1], url, "Before the webhook.")[0] == 202
        cluster.tribune("webhook", "add", ORIGIN,
                        f"http://127.0.0.1:{receiver.server_address[1]}/", "--event",
                        "submitted")  # in host 1's directory
        added = time.monotonic()
        sent: list[tuple[float, int]] = []
        while time.monotonic() - added < 2 * BOUND:
            status, answer = submit(cluster.host_urls[1], url, f"Number {len(sent)}.")
            assert status == 202, answer
            sent.append((time.monotonic() - added, answer["id"]))
            time.sleep(0.05)
        wait_for(lambda: any(d["comment"]["id"] == sent[-1][1] for d in deliveries))
    finally:
        receiver.shutdown()
    delivered = {d["comment"]["id"] for d in deliveries}
    first = next(i for i, (_t, comment_id) in enumerate(sent) if comment_id in delivered)
    assert sent[first][0] <= BOUND, f"the first submission sent to it came {sent[first][0]}s late"
    assert all(comment_id in delivered for _t, comment_id in sent[first:])


def test_a_decision_reaches_readers_through_the_cache_within_the_bound(cluster):
    url = f"{ORIGIN}/2026/cached"
    status, first = submit(cluster.url, url, "Through the cache.")
    assert status == 202, first
    reads = [http_get(f"{cluster.cache_url}/api/v1/comments?url={quote(url, safe='')}")
             for _ in range(3)]
    assert [r[1].get("x-cache") for r in reads] == ["MISS", "HIT", "HIT"]
    # A refusal is not kept: a site added later is served at once.
    unknown = f"{cluster.cache_url}/api/v1/comments?url={quote('https://later.example.org/a')}"
    assert [http_get(unknown)[0] for _ in range(2)] == [404, 404]
    assert http_get(unknown)[1]["x-cache"] == "MISS"
    assert "max-age" in reads[0][1]["cache-control"] and reads[0][1]["etag"]

    # A delivery without a valid signature is refused and purges nothing.
    body = json.dumps({"id": "x", "thread": {"url": url}}).encode()
    forged = urllib.request.Request(cluster.purge_url, data=body, method="POST",  # noqa: S310
                                    headers={"Tribune-Signature": "t=1,v1=00"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=5)  # noqa: S310
    assert refused.value.code == 401
    assert http_get(f"{cluster.cache_url}/api/v1/comments?url={quote(url, safe='')}"
                    )[1]["x-cache"] == "HIT"

    status, decided = moderate(cluster, 0, "POST", f"/comments/{first['id']}/decision",
                               {"action": "approve"})
    assert status == 200, decided

    def readers_see_it() -> bool:
        return ([c["id"] for c in thread(cluster.cache_url, url)["comments"]] == [first["id"]]
                and count(cluster.cache_url, url) == 1)

    assert wait_for(readers_see_it) <= BOUND
    time.sleep(1.5)  # after the purge receiver's last ban: still the truth
    assert readers_see_it()


def test_a_host_killed_and_restarted_serves_the_current_truth(cluster):
    url = f"{ORIGIN}/2026/killed"
    status, first = submit(cluster.host_urls[1], url, "Before the crash.", network=CRASHED)
    assert status == 202, first
    assert thread(cluster.host_urls[1], url)["comments"] == []  # host 2 remembers it so

    cluster.host_kill(1)
    # Readers through the balancer do not notice.
    for _ in range(10):
        assert request("GET", f"{cluster.balancer_url}/api/v1/comments?url="
                              f"{quote(url, safe='')}")[0] == 200
    status, decided = moderate(cluster, 0, "POST", f"/comments/{first['id']}/decision",
                               {"action": "approve"})
    assert status == 200, decided
    commenter = queued(cluster, first["id"])["commenter_id"]
    assert moderate(cluster, 0, "POST", f"/commenters/{commenter}/bans",
                    {"reason": "while host 2 was down"})[0] == 201

    cluster.host_start(1)
    assert [c["id"] for c in thread(cluster.host_urls[1], url)["comments"]] == [first["id"]]
    assert count(cluster.host_urls[1], url) == 1
    status, answer = submit(cluster.host_urls[1], url, "After.", token=first["commenter_token"],
                           network=CRASHED)
    assert (status, answer["error"]["code"]) == (403, "banned")


def run_script(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``bench/cluster/run ARGS``, as an operator types it."""
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(Path(__file__).with_name("run")), *args], capture_output=True,
        text=True, timeout=timeout, env={**os.environ, **CLUSTER_ENV})


@pytest.fixture(scope="module")
def script_cluster(tmp_path_factory):
    """A cluster as ``bench/cluster/run start`` leaves it, on a private PostgreSQL (the
    only kind ever restarted): ``(Cluster.load(dir), start's output, --dir args)``. The
    last test of the module stops it with the script; if it did not, this does."""
    where = ("--dir", str(tmp_path_factory.mktemp("script") / "cluster"))
    started = run_script("start", "--hosts", "2", "--database", "private", "--site", ORIGIN,
                         *where, timeout=300)
    if (started.returncode != 0 and " is missing: " in started.stderr
            and os.environ.get("CI", "").lower() != "true"):
        pytest.skip(started.stderr.strip())  # as _started(): no HAProxy or PostgreSQL here
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield Cluster.load(Path(where[1])), started.stdout, where
    finally:
        if (Path(where[1]) / "state.json").exists():
            run_script("stop", *where)


def test_the_run_script_starts_a_cluster_and_reports_on_it(script_cluster):
    cluster, output, where = script_cluster
    balancer = output.split("readers and submissions: ")[1].split()[0]
    assert balancer == cluster.balancer_url
    assert submit(balancer, f"{ORIGIN}/2026/script", "Through the script's balancer.")[0] == 202
    status = run_script("status", *where)
    rows = [line.split() for line in status.stdout.splitlines()]
    assert [row[0] for row in rows] == ["host-1", "host-2", "haproxy", "postgresql"], rows
    assert all(row[-1] == "up" for row in rows), status.stdout


def test_postgresql_restarted_under_load_loses_no_accepted_comment_and_leaves_no_host_stale(
        script_cluster):
    cluster = script_cluster[0]
    token = cluster.moderator_token("night")
    url = f"{ORIGIN}/2026/restart"
    accepted: list[int] = []
    statuses: dict[int, int] = {}
    stop = threading.Event()

    def load() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                status, answer = submit(cluster.balancer_url, url, f"Comment {n}.")
            except OSError:
                status, answer = 0, {}
            statuses[status] = statuses.get(status, 0) + 1
            if status == 202:
                accepted.append(answer["id"])

    loaders = [threading.Thread(target=load) for _ in range(4)]
    for loader in loaders:
        loader.start()
    try:
        time.sleep(2)
        before = len(accepted)
        cluster.postgres_restart(down_seconds=1.0)
        time.sleep(3)
    finally:
        stop.set()
        for loader in loaders:
            loader.join(timeout=60)
    assert before > 0 and len(accepted) > before, statuses  # load before and after

    import psycopg

    with psycopg.connect(cluster.state.database_url) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM comments_comment")}
    assert set(accepted) <= stored, f"lost: {sorted(set(accepted) - stored)[:20]}"
    assert 500 not in statuses, statuses

    # No host is stale once it is back: each remembers the thread, then a
    # decision on host 1 reaches host 2 within the bound.
    for base in cluster.host_urls:
        assert count(base, url) == 0
    status, decided = request(
        "POST", f"{cluster.host_urls[0]}/api/v1/moderation/comments/{accepted[-1]}/decision",
        {"action": "approve"}, headers={"Authorization": f"Bearer {token}"})
    assert status == 200, decided
    assert wait_for(lambda: count(cluster.host_urls[1], url) == 1) <= BOUND


def test_the_run_script_stops_every_part(script_cluster):
    cluster, _output, where = script_cluster
    state = cluster.state
    pids = [host["pid"] for host in state.hosts] + [state.balancer["pid"]]
    stopped = run_script("stop", *where)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not cluster.state_path.exists()
    assert not [pid for pid in pids if _running(pid)], "stop left processes running"
    assert not postgres_answers(state.database_url)  # the private PostgreSQL too
    assert not Path(state.runtime_dir).exists()
    assert run_script("status", *where).returncode == 1  # nothing left to report on


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"
    except OSError:
        return False
