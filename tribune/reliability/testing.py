"""Helpers for tests that run Tribune as its users do: the installed ``tribune``
command, a real ``tribune serve`` subprocess, and plain HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

SITE = "https://news.example.org"
ARTICLE = f"{SITE}/2026/11/article"
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - a test moderator


def prepare(cli, *, moderator: str = "mod") -> str:
    """Migrate ``cli``'s database, add the site and a moderator; return an API token."""
    cli.run("migrate", "--verbosity", "0")
    cli.run("site", "add", SITE, "--name", "Example News")
    cli.run("moderator", "create", moderator, "--desk", "en", "--password", PASSWORD)
    return cli.run("token", "create", moderator).stdout.strip().splitlines()[-1]


class Server:
    """``tribune serve`` that a test may start, SIGKILL and start again."""

    def __init__(self, cli, port: int, *, workers: int = 2, env: dict | None = None,
                 args: tuple[str, ...] = ()):
        self.cli, self.port, self.workers, self.args = cli, port, workers, args
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.process: subprocess.Popen | None = None
        self.runs = 0
        self.log_paths: list[Path] = []

    def start(self, timeout: float = 60) -> None:
        self.runs += 1
        out = self.cli.workdir / f"serve-{self.port}-{self.runs}.log"
        self.log_paths.append(out)
        saved = self.cli.env
        if self.env is not None:
            self.cli.env = {**saved, **self.env}
        try:
            with open(out, "w") as handle:
                self.process = self.cli.popen("serve", "--port", str(self.port), "--workers",
                                              str(self.workers), *self.args, stdout=handle,
                                              stderr=subprocess.STDOUT)
        finally:
            self.cli.env = saved
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"tribune serve exited:\n{out.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"tribune serve not healthy:\n{out.read_text()}")

    def kill(self) -> int:
        """SIGKILL the master and every worker at once (their process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def logs(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.log_paths)


def request(url: str, *, method: str = "GET", data: dict | None = None,
            headers: dict | None = None, opener=None, form: bool = False,
            timeout: float = 15) -> tuple[int, bytes, Message]:
    """One HTTP request; ``(status, body, headers)``, the headers looked up
    case-insensitively (HTTP/1.1 servers may send names in lower case); errors
    answered by the server are returned, not raised."""
    body = None
    headers = dict(headers or {})
    if data is not None:
        if form:
            from urllib.parse import urlencode

            body = urlencode(data).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        else:
            body = json.dumps(data).encode()
            headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    open_ = (opener or urllib.request.build_opener(NoRedirect())).open
    try:
        with open_(req, timeout=timeout) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser_opener() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect()), jar


def queue_all(base: str, token: str, *, status: str = "pending") -> list[dict]:
    """Every comment of the moderation queue with ``status``, through the API."""
    comments: list[dict] = []
    after = None
    while True:
        query = f"status={status}&limit=200" + (f"&after={after}" if after else "")
        code, body, _headers = request(f"{base}/api/v1/moderation/queue?{query}",
                                       headers={"Authorization": f"Bearer {token}"})
        assert code == 200, body
        page = json.loads(body)
        comments += page["comments"]
        after = page["next_after"]
        if not after:
            return comments
