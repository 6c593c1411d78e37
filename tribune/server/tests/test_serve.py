"""``tribune serve``: granian, with logs that never name a reader."""

import contextlib
import json
import os
import re
import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from conftest import RunningServer, TribuneCLI, free_port, process_alive
from tribune.privacy.logs import mask_addresses

USER_AGENT = "TribuneTestAgent/serve-7f3a"
FORWARDED = "198.51.100.23"
REFERRER = "https://referrer.example/private-page"


@pytest.mark.parametrize(("text", "expected"), [
    ("Invalid request from ip=203.0.113.9: bad", "Invalid request from ip=[address]: bad"),
    ("ip=::1: bad", "ip=[address]: bad"),
    ("Listening at: http://127.0.0.1:8000 (42)", "Listening at: http://[address]:8000 (42)"),
    ("peer [2001:db8::7]:443 closed", "peer [[address]]:443 closed"),
    ("Starting granian 2.8.9 at 12:30:45", "Starting granian 2.8.9 at 12:30:45"),
    ("Booting worker with pid: 1234", "Booting worker with pid: 1234"),
])
def test_mask_addresses(text, expected):
    assert mask_addresses(text) == expected


@pytest.mark.parametrize("option", [["--port", "0"], ["--port", "70000"], ["--workers", "0"],
                                    ["--threads", "0"], ["--host", " "]])
def test_serve_refuses_bad_options(option):
    with pytest.raises(CommandError):
        call_command("serve", *option)


def _exercise(server) -> None:
    request = urllib.request.Request(f"{server.url}/healthz", headers={
        "User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED, "Referer": REFERRER})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200
    # A malformed request is refused without naming the peer.
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(b"NOT AN HTTP REQUEST\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400")


def _assert_private(server, announcement: str) -> None:
    stdout = server.stdout_path.read_text()
    stderr = server.stderr_path.read_text()
    assert stdout.count(announcement) == 1
    # granian names the server's own listening address, which the operator needs:
    # that one line, whole, is written as it is; any other address is masked.
    listening = f"Listening at: {server.url}"
    assert re.search(rf"\] {re.escape(listening)}$", stderr, re.MULTILINE)
    everything_else = (stdout + stderr).replace(announcement, "").replace(listening, "")
    for secret in ("127.0.0.1", FORWARDED, USER_AGENT, "referrer.example"):
        assert secret not in everything_else


def test_serve_answers_and_logs_no_address_user_agent_or_referrer(tribune_cli):
    with tribune_cli.serving(workers=2) as server:
        _exercise(server)
        returncode = server.stop()
    assert returncode == 0  # SIGTERM: a graceful stop
    _assert_private(server, f"Tribune is serving on {server.url}/ (2 workers).")
    assert "GET /healthz" not in server.output()  # no access log by default


def test_access_log_names_the_request_not_the_reader(tribune_cli):
    port = free_port()
    server = RunningServer(f"http://127.0.0.1:{port}", tribune_cli.workdir / f"serve-{port}")
    with open(server.stdout_path, "w") as out, open(server.stderr_path, "w") as err:
        server.process = tribune_cli.popen("serve", "--port", str(port), "--workers", "1",
                                           "--access-log", stdout=out, stderr=err)
    try:
        server.wait_until_healthy(60)
        _exercise(server)
    finally:
        assert server.stop() == 0
    stdout = server.stdout_path.read_text()
    assert re.search(r'^\[[^\]]+\] "GET /healthz HTTP/1.1" 200 \d+ms$', stdout, re.MULTILINE)
    _assert_private(server, f"Tribune is serving on {server.url}/ (1 workers).")


def test_forwarded_proto_is_believed_only_from_trusted_proxies():
    from tribune.privacy.services import peer_is_trusted_proxy
    from tribune.server.management.commands.serve import _ProxyHeaders

    seen = []

    def app(environ, start_response):
        seen.append(environ.get("HTTP_X_FORWARDED_PROTO"))
        return [b""]

    wrapped = _ProxyHeaders(app, peer_is_trusted_proxy)
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "not an address"]):
        for peer in ("10.1.2.3", "::ffff:10.1.2.3", "203.0.113.9", "", "garbage"):
            wrapped({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_PROTO": "https"}, None)
    assert seen == ["https", "https", None, None, None]


# --- Triage in a worker process of its own ------------------------------------------

TRIAGE_ORIGIN = "https://serve-triage.example.org"
TRIAGED = """
import json, time
from tribune.triage.models import CommentTriage

ids = {ids!r}
start = time.monotonic()
while (CommentTriage.objects.filter(pk__in=ids).count() < len(ids)
       and time.monotonic() - start < 20):
    time.sleep(0.05)
clusters = set(CommentTriage.objects.filter(pk__in=ids).values_list("cluster_id", flat=True))
print(json.dumps({{"triaged": CommentTriage.objects.filter(pk__in=ids).count(),
                   "clusters": len(clusters - {{None}})}}))
"""


def _triage_worker_pids(server) -> list[int]:
    return server.children(b"triage\0worker")


def _submit_campaign(server, count: int, *, start: int = 0) -> list[int]:
    from tribune.reliability.testing import request
    from tribune.triage.simulation import CAMPAIGN

    ids = []
    for index in range(start, start + count):
        status, body, _headers = request(f"{server.url}/api/v1/comments", method="POST", data={
            "url": f"{TRIAGE_ORIGIN}/2026/article", "author": f"Reader {index}",
            "body": f"{CAMPAIGN} number {'abcdefgh'[index % 8]}"})
        assert status == 202, body
        ids.append(json.loads(body)["id"])
    return ids


def test_serve_triages_in_a_worker_process_restarted_if_it_dies(tribune_cli):
    # The test suite sets TRIBUNE_TRIAGE_MODE=inline; an operator who sets
    # nothing gets the worker.
    env = {key: value for key, value in tribune_cli.env.items()
           if key != "TRIBUNE_TRIAGE_MODE"}
    cli = TribuneCLI(tribune_cli.workdir, env)
    cli.run("site", "add", TRIAGE_ORIGIN, "--name", "Serve triage")
    with cli.serving(workers=2) as server:
        deadline = time.monotonic() + 20
        while not (pids := _triage_worker_pids(server)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(pids) == 1
        # Web workers come first: it lowers its priority as it starts.
        while os.getpriority(os.PRIO_PROCESS, pids[0]) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert os.getpriority(os.PRIO_PROCESS, pids[0]) >= 10
        ids = _submit_campaign(server, 4)
        outcome = json.loads(cli.run("shell", "-c", TRIAGED.format(ids=ids)).stdout
                             .strip().splitlines()[-1])
        assert outcome == {"triaged": 4, "clusters": 1}

        os.kill(pids[0], signal.SIGKILL)  # it dies: it is started again
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _triage_worker_pids(server) in ([], pids):
            time.sleep(0.1)
        assert len(_triage_worker_pids(server)) == 1
        more = _submit_campaign(server, 3, start=4)
        outcome = json.loads(cli.run("shell", "-c", TRIAGED.format(ids=more)).stdout
                             .strip().splitlines()[-1])
        assert outcome == {"triaged": 3, "clusters": 1}
        last = _triage_worker_pids(server)[0]
        returncode = server.stop()
    assert returncode == 0
    assert not Path(f"/proc/{last}").exists()  # stopped (and reaped) with the server
    stderr = server.stderr_path.read_text()
    assert stderr.count("triage worker started") == 2
    assert "The triage worker exited (-9); starting it again in 1s." in stderr
    assert "triage worker stopped" in stderr
    _assert_private(server, f"Tribune is serving on {server.url}/ (2 workers).")


def test_serve_starts_no_triage_worker_when_told(tribune_cli):
    env = {key: value for key, value in tribune_cli.env.items()
           if key != "TRIBUNE_TRIAGE_MODE"}
    cli = TribuneCLI(tribune_cli.workdir, env)
    with cli.serving(workers=1, args=("--no-triage-worker",)) as server:
        time.sleep(1)
        assert _triage_worker_pids(server) == []
    # An operator's TRIBUNE_TRIAGE_MODE is theirs: tribune_cli sets one.
    with tribune_cli.serving(workers=1) as server:
        time.sleep(1)
        assert _triage_worker_pids(server) == []
    assert "triage worker" not in server.output()


def test_the_triage_worker_stops_when_the_server_is_killed(tribune_cli):
    env = {key: value for key, value in tribune_cli.env.items()
           if key != "TRIBUNE_TRIAGE_MODE"}
    cli = TribuneCLI(tribune_cli.workdir, env)
    with cli.serving(workers=1) as server:
        deadline = time.monotonic() + 20
        while not (pids := _triage_worker_pids(server)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(pids) == 1
        server.process.kill()  # the server alone, not its process group
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while process_alive(pids[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        gone = not process_alive(pids[0])
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)  # its web workers
    assert gone
