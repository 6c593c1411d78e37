"""Fixtures shared by every app's tests: factories, API clients and a browser.

Browser tests drive Debian's Chromium through Playwright. Outside CI a machine
without Chromium skips them; in CI (``CI=true``) a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from tribune.core import testing as factories

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the
# tests make beside it are still synchronous, so Django's guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"

# The no-JS form refuses a post sent sooner than TRIBUNE_FORM_MIN_SECONDS after
# the page was served; browsers driven by tests type faster than people. Tests of
# that guard (tribune/abuse/tests) set it themselves; `tribune` subprocesses
# inherit the environment.
os.environ.setdefault("TRIBUNE_FORM_MIN_SECONDS", "0")
django_settings.TRIBUNE_FORM_MIN_SECONDS = float(os.environ["TRIBUNE_FORM_MIN_SECONDS"])

# Triage runs after commit in a thread by default (tribune.triage.background);
# most tests never commit, so they triage inside the submission. Tests of the
# thread set it themselves.
os.environ.setdefault("TRIBUNE_TRIAGE_MODE", "inline")


@pytest.fixture
def site(db):
    """An English-desk site at https://news.example.org with the default clauses."""
    return factories.make_site()


@pytest.fixture
def rtl_site(db):
    """A Uyghur-desk (right-to-left) site at https://uy.example.org."""
    return factories.make_site(origin="https://uy.example.org", desk_code="ug", name="Uyghur")


@pytest.fixture
def moderator(db, site):
    """A moderator of the site's desk, with an API token (``moderator.token``)."""
    return factories.make_moderator(desk_codes=[site.default_desk.code])


@pytest.fixture
def admin(db):
    return factories.make_moderator(name="admin", desk_codes=[], admin=True)


@pytest.fixture
def reader():
    """A reader's browser-like client (keeps the commenter cookie)."""
    return Client()


@pytest.fixture
def api(moderator):
    """A client that sends the moderator's API token."""
    return Client(headers={"Authorization": f"Bearer {moderator.token}"})


def _chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def playwright_session():
    """The one Playwright driver of the test session. Its synchronous API keeps an
    event loop running in this thread while it is started, so a second
    ``sync_playwright()`` beside it fails: a module that needs a browser of its own
    (other fonts, say) launches it from this driver."""
    path = _chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("Chromium is not installed; CI must install Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser(playwright_session):
    chromium = playwright_session.chromium.launch(
        executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context with JavaScript on."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs_page(browser):
    """A fresh browser context with JavaScript off (Tor Browser's safest mode)."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


# --- Nothing is skipped silently in CI ------------------------------------------

_CI_SKIP_MESSAGE = "Skipped under CI=true, where every test must run: {reason}"


def _skip_reason(longrepr) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = _CI_SKIP_MESSAGE.format(reason=_skip_reason(report.longrepr))


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = _CI_SKIP_MESSAGE.format(reason=_skip_reason(report.longrepr))


# --- The installed `tribune` command, run as a user would ---------------------------


class TribuneCLI:
    """Runs the installed ``tribune`` script in ``workdir`` with ``env``.

    Its database is its own — never the test database: a fresh SQLite file under
    ``workdir/var``, or a fresh PostgreSQL database when ``DATABASE_URL`` is set.
    """

    script = str(Path(sys.executable).with_name("tribune"))

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir = workdir
        self.env = env

    def run(self, *args: str, input: str | None = None, timeout: float = 180,
            check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - our own installed script
            [self.script, *args], cwd=self.workdir, env=self.env, input=input,
            capture_output=True, text=True, timeout=timeout,
            # No controlling terminal: getpass reads the piped input instead of
            # waiting for someone to type at the developer's terminal.
            start_new_session=True,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"tribune {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    def popen(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - our own installed script
            [self.script, *args], cwd=self.workdir, env=self.env, text=True,
            start_new_session=True, **kwargs,
        )

    @contextlib.contextmanager
    def serving(self, *, port: int | None = None, workers: int = 2, timeout: float = 60,
                args: tuple[str, ...] = ()):
        """``tribune serve`` (on a free port by default, with extra ``args``) until the
        block ends, then SIGTERM and a bounded wait."""
        port = port or free_port()
        server = RunningServer(f"http://127.0.0.1:{port}", self.workdir / f"serve-{port}")
        with open(server.stdout_path, "w") as out, open(server.stderr_path, "w") as err:
            server.process = self.popen("serve", "--port", str(port), "--workers", str(workers),
                                        *args, stdout=out, stderr=err)
        try:
            server.wait_until_healthy(timeout)
            yield server
        finally:
            server.stop()


class RunningServer:
    def __init__(self, url: str, log_prefix: Path):
        self.url = url
        self.stdout_path = log_prefix.with_suffix(".out")
        self.stderr_path = log_prefix.with_suffix(".err")
        self.process: subprocess.Popen | None = None

    def output(self) -> str:
        return self.stdout_path.read_text() + self.stderr_path.read_text()

    def children(self, command: bytes) -> list[int]:
        """Ids of the server's child processes whose command line holds
        ``command`` (arguments joined by NUL bytes, e.g. ``b"triage\\0worker"``)."""
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            for pid in children.read_text().split():
                with contextlib.suppress(OSError):
                    if command in Path(f"/proc/{pid}/cmdline").read_bytes():
                        pids.append(int(pid))
        return pids

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"tribune serve exited {self.process.returncode}:\n"
                                     f"{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:  # noqa: S310 - our own server
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"tribune serve not healthy after {timeout}s:\n{self.output()}")

    def stop(self, timeout: float = 40) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def process_alive(pid: int) -> bool:
    """Whether ``pid`` still runs. A zombie does not: an orphan that exited waits
    for whoever adopted it to reap it, which on some machines takes a long time."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def fresh_database(workdir: Path):
    """The environment for a ``tribune`` process with an empty database of its own."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
                          "TRIBUNE_VAR_DIR", "DATABASE_URL"}}
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield env
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = f"tribune_cli_{secrets.token_hex(6)}"
    connect = {"host": config["HOST"] or None, "port": config["PORT"] or None,
               "user": config["USER"] or None, "password": config["PASSWORD"] or None,
               "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**connect) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        yield env
    finally:
        with psycopg.connect(**connect) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def fresh_tribune(tmp_path):
    """The ``tribune`` command in an empty working directory with an empty
    database, as on a new machine: nothing is migrated yet."""
    with fresh_database(tmp_path) as env:
        yield TribuneCLI(tmp_path, env)


@pytest.fixture
def screenshots(request) -> Path:
    """Where browser tests write screenshots: ``var/screenshots`` under the
    checkout, which git ignores. ``docs/screenshots`` holds the committed ones,
    copied from here by hand when the pages change, so a test run leaves the
    checkout clean."""
    folder = request.config.rootpath / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def tribune_cli(tmp_path_factory):
    """The ``tribune`` command on a migrated database shared by the session's tests
    (so each test names its own sites and moderators)."""
    workdir = tmp_path_factory.mktemp("tribune-cli")
    with fresh_database(workdir) as env:
        cli = TribuneCLI(workdir, env)
        cli.run("migrate", "--verbosity", "0")
        yield cli


@pytest.fixture(autouse=True)
def _render_store(request, tmp_path_factory):
    """Each test gets a render store of its own (tribune.publishing.store).

    The store is written after commit, so it only follows the database in tests
    that really commit (``transactional_db``, ``live_server``); in the others,
    whose transaction is rolled back, there is no store and every read asks the
    database, as a cold process does.
    """
    from tribune.publishing.store import store_at

    marker = request.node.get_closest_marker("django_db")
    committing = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )
    with store_at(tmp_path_factory.mktemp("renders") if committing else None):
        yield


@pytest.fixture(autouse=True)
def _live_streams_end(request):
    """A test's open queues' streams end with it, as they do when a server stops.

    The live server outlives the test; a queue page's stream would otherwise
    hold one of the process's few stream places (``streams_max``) for up to
    ``TRIBUNE_LIVE_SECONDS`` after its browser went away, and a later test's
    queue would be told to poll instead of being connected.
    """
    yield
    if "live_server" in request.fixturenames:
        from tribune.moderation.live_views import streams_stop

        streams_stop()


@pytest.fixture(autouse=True)
def _language_of_the_test():
    """Each test starts and ends in the settings' language.

    A view speaks a desk's language by activating it for its thread
    (``tribune.threads.language.request_speak``), as ``LocaleMiddleware`` does for
    the browser's; in a server every request activates its own first. The test
    client runs views in the test's own thread, so without this a Burmese page
    fetched by one test would leave a later one — a management command's refusal,
    say — speaking Burmese.
    """
    translation.deactivate()
    yield
    translation.deactivate()
