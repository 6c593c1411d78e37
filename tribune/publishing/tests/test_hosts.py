"""Two app hosts on one database serve the same truth (issue #18).

On PostgreSQL the hosts are two ``tribune serve`` in separate working
directories (as two machines are), sharing nothing but the database: a decision,
a ban, a closed thread, a new site origin and a new webhook made through host A
hold on host B within the bound (safety state at once, published views within
a second), and a listener connection killed under B (a notification lost) is
recovered within the same bound. On SQLite, one host by nature, the two servers
share the working directory (its database file and its render files).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import urllib.error
import urllib.request

from conftest import TribuneCLI, fresh_database

ORIGIN = "https://hosts.example.org"
NEW_ORIGIN = "https://new-hosts.example.org"
ARTICLE = f"{ORIGIN}/news/coherence"
BOUND = 1.0
DECISIONS = 10
POSTGRES = bool(os.environ.get("DATABASE_URL"))


def _call(server, method: str, path: str, payload: dict | None = None, *,
          headers: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        f"{server.url}{path}", data=data, method=method,
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - ours
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _submit(server, *, url: str = ARTICLE, commenter: str | None = None) -> tuple[int, dict]:
    headers = {"X-Tribune-Commenter": commenter} if commenter else {}
    return _call(server, "POST", "/api/v1/comments",
                 {"url": url, "author": "Host", "body": "Seen by every host."}, headers=headers)


def _cors(server, origin: str) -> str | None:
    """The ``Access-Control-Allow-Origin`` of B's answer to a page of ``origin``."""
    request = urllib.request.Request(f"{server.url}/api/v1/comments?url={ARTICLE}",
                                     headers={"Origin": origin})
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - ours
        return response.headers.get("Access-Control-Allow-Origin")


def _count(server) -> int:
    status, answer = _call(server, "GET", f"/api/v1/comments?url={ARTICLE}")
    assert status == 200, answer
    return answer["thread"]["count"]


def _within_bound(check) -> float:
    """Seconds until ``check()`` holds; fails past the bound."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        elapsed = time.monotonic() - started
        assert elapsed <= BOUND, f"still stale after {elapsed:.2f}s"
        time.sleep(0.01)


@contextlib.contextmanager
def _two_hosts(tmp_path):
    with fresh_database(tmp_path) as env:
        env = {**env, "TRIBUNE_SECRET_KEY": "hosts-" + "k" * 50,
               "TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": "",
               "TRIBUNE_TRIAGE_MODE": "off", "TRIBUNE_BATCH_SUBMISSIONS": "0"}
        home_a = tmp_path / "host-a"
        # On SQLite the second server is on the same host: same directory.
        home_b = tmp_path / "host-b" if POSTGRES else home_a
        home_a.mkdir()
        home_b.mkdir(exist_ok=True)
        a, b = TribuneCLI(home_a, env), TribuneCLI(home_b, env)
        a.run("migrate", "--verbosity", "0")
        a.run("site", "add", ORIGIN, "--name", "Hosts")
        a.run("moderator", "create", "chief", "--admin", "--password", "a-long-password-1")
        token = a.run("token", "create", "chief").stdout.strip().splitlines()[-1]
        with a.serving(workers=1, args=("--no-triage-worker",)) as host_a, \
                b.serving(workers=1, args=("--no-triage-worker",)) as host_b:
            yield a, host_a, host_b, {"Authorization": f"Bearer {token}"}


def _decide(host, auth, comment_id: int) -> None:
    status, answer = _call(host, "POST", f"/api/v1/moderation/comments/{comment_id}/decision",
                           {"action": "approve"}, headers=auth)
    assert status == 200, answer


def _queued(host, auth, comment_id: int) -> dict:
    status, answer = _call(host, "GET", "/api/v1/moderation/queue?status=pending",
                           headers=auth)
    assert status == 200, answer
    return next(item for item in answer["comments"] if item["id"] == comment_id)


def test_what_host_a_decides_holds_on_host_b_within_the_bound(tmp_path):
    with _two_hosts(tmp_path) as (cli_a, host_a, host_b, auth):
        status, first = _submit(host_a)
        assert status == 202, first
        commenter = first["commenter_token"]
        more = [_submit(host_a)[1]["id"] for _ in range(DECISIONS - 1)]
        # B has read the thread (and keeps it) before A decides.
        assert _count(host_b) == 0 and _count(host_b) == 0
        lags = []
        for number, comment_id in enumerate([first["id"], *more], start=1):
            _decide(host_a, auth, comment_id)
            lags.append(_within_bound(lambda number=number: _count(host_b) == number))
        assert _count(host_a) == DECISIONS

        # A ban made through A: B refuses the very next submission.
        queued = _queued(host_a, auth, _submit(host_b, commenter=commenter)[1]["id"])
        status, ban = _call(host_a, "POST",
                            f"/api/v1/moderation/commenters/{queued['commenter_id']}/bans",
                            {"reason": "coherence"}, headers=auth)
        assert status == 201, ban
        assert _submit(host_b, commenter=commenter)[0] == 403
        status, _lifted = _call(host_a, "POST", f"/api/v1/moderation/bans/{ban['id']}/lift",
                                headers=auth)
        assert status == 200
        assert _submit(host_b, commenter=commenter)[0] == 202

        # A thread closed through A: B refuses at once, and its readers see it closed.
        status, settings = _call(host_a, "PUT", f"/api/v1/moderation/threads/{queued['thread']}",
                                 {"open": False, "moderation": "pre"}, headers=auth)
        assert status == 200, settings
        status, refused = _submit(host_b, commenter=commenter)
        assert (status, refused["error"]["code"]) == (403, "thread_closed")
        _within_bound(lambda: _call(host_b, "GET", f"/api/v1/comments?url={ARTICLE}")[1]
                      ["thread"]["open"] is False)
        _call(host_a, "PUT", f"/api/v1/moderation/threads/{queued['thread']}",
              {"open": True, "moderation": "pre"}, headers=auth)

        # A new site origin, registered on host A's machine: B takes its comments.
        new_article = f"{NEW_ORIGIN}/a"
        status, refused = _submit(host_b, url=new_article)
        assert (status, refused["error"]["code"]) == (404, "unknown_site")
        assert _cors(host_b, NEW_ORIGIN) is None
        cli_a.run("site", "add", NEW_ORIGIN, "--name", "New")
        assert _submit(host_b, url=new_article)[0] == 202
        # ... and its pages may read B's answers (CORS), from the same one answer.
        _within_bound(lambda: _cors(host_b, NEW_ORIGIN) == NEW_ORIGIN)

        # A new webhook, added on host A's machine: B's next submissions queue it.
        cli_a.run("webhook", "add", ORIGIN, "https://hooks.example.org/in",
                  "--event", "comment.submitted")

        def delivered() -> bool:
            assert _submit(host_b, commenter=commenter)[0] == 202
            log = cli_a.run("webhook", "log").stdout
            return "comment.submitted" in log

        _within_bound(delivered)
    lags.sort()
    print(f"decisions reached host B after {lags[len(lags) // 2] * 1000:.0f} ms (median), "
          f"{lags[-1] * 1000:.0f} ms (slowest of {len(lags)})")


def _listeners(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        return admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tribune-listener' "
            "AND datname = current_database()").fetchone()[0]


if POSTGRES:  # a listener connection exists only on PostgreSQL
    def test_a_lost_notification_is_recovered_within_the_bound(tmp_path):
        import psycopg

        with _two_hosts(tmp_path) as (cli_a, host_a, host_b, auth):
            ids = [_submit(host_a)[1]["id"] for _ in range(3)]
            assert _count(host_a) == _count(host_b) == 0  # each has started listening
            url = cli_a.env["DATABASE_URL"]
            _within_bound(lambda: _listeners(url) >= 2)
            lags = []
            for comment_id in ids:
                # Every host's listener connection is cut, then A decides: B may
                # not hear the notification, and still serves the decision
                # within the bound.
                with psycopg.connect(url, autocommit=True) as admin:
                    killed = admin.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = 'tribune-listener' "
                        "AND datname = current_database()").fetchone()[0]
                assert killed >= 2  # one per web worker of each host
                before = _count(host_b)
                _decide(host_a, auth, comment_id)
                lags.append(_within_bound(
                    lambda before=before: _count(host_b) == before + 1))
                # ... and hears the next ones again once reconnected.
                _within_bound(lambda: _listeners(url) >= 2)
        print("after a lost listener: " + ", ".join(f"{lag * 1000:.0f} ms" for lag in lags))
