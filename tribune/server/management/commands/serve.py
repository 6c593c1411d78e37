"""``tribune serve``: Tribune under granian, a production server.

Readers may be under surveillance, so the server's own logs must not betray
them: there is no access log unless ``--access-log`` asks for one, and it names
the request's method, path, status and duration — never the client's address,
user agent, referrer or query string —; every IP address in granian's own log is
masked before it is written, but for the server's own listening address.

granian (a Rust HTTP server) runs Tribune's WSGI application in ``--workers``
forked processes of ``--threads`` Python threads each; a read of a published
thread is answered by :mod:`tribune.publishing.fastpath` before Django. The
peer's address reaches the application as ``REMOTE_ADDR`` (see
:func:`tribune.privacy.services.network_hash`, the only reader of it).

Triage is kept out of the web workers: the server starts one ``tribune triage
worker`` process (at a lower CPU priority; restarted if it dies, stopped with
the server) and runs its web workers with ``TRIBUNE_TRIAGE_MODE=worker``, so
that a flood of submissions is taken in at full speed and scored right after.
An operator who sets ``TRIBUNE_TRIAGE_MODE`` chooses for themselves (no worker
is started); ``--no-triage-worker`` starts none and leaves triage to each web
worker's thread (the default mode).

On SQLite, it also starts ``tribune writer``, which commits the comments of
every web worker in batches (:mod:`tribune.comments.writer`); restarted if it
dies, stopped after the web workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from granian.constants import Interfaces
from granian.server import Server

from tribune.comments.writer import socket_path
from tribune.publishing.store import store
from tribune.triage.background import triage_mode_chosen

# No client address, user agent, referrer or query string: method, path, status, time.
ACCESS_LOG_FORMAT = '[%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).0fms'
# Measured with the benchmark (docs/benchmarks.md): 8 threads took as many submissions or more
# per second than 4 in each of three alternated runs (mean 427 against 348) and
# served reads as fast or faster.
THREADS = 8
# Requests a worker takes in at once; the rest wait in the kernel's backlog.
BACKPRESSURE = 64
GRACEFUL_TIMEOUT = 20
# A companion process that dies is started again after these delays (the longest
# from then on), counted afresh once one has run for RESTART_STABLE_SECONDS.
RESTART_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0)
RESTART_STABLE_SECONDS = 60.0
# It finishes what it has in hand within this on SIGTERM; after, it is killed.
COMPANION_STOP_SECONDS = 30.0


def _log_config(listening: str = "") -> dict:
    """granian's logging: its own messages on stderr, masked; the access log on stdout.

    ``listening`` (``127.0.0.1:8000``) is the server's own address: the operator
    reads it in granian's "Listening at" line, the one line written unmasked
    (matched whole, so no client's text can pass as it)."""
    keep = [f"Listening at: {proto}://{listening}" for proto in ("http", "https")
            if listening]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": "tribune.privacy.logs.RedactPersonalData", "keep": keep}},
        "formatters": {
            "generic": {"format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
                        "datefmt": "%Y-%m-%d %H:%M:%S %z"},
            "access": {"format": "%(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "generic",
                        "filters": ["mask"], "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "access",
                       "filters": ["mask"], "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


class _ProxyHeaders:
    """Drops ``X-Forwarded-Proto`` unless the peer is a trusted proxy (what
    gunicorn's ``forwarded_allow_ips`` did), so a client talking to the server
    directly cannot claim HTTPS. ``X-Forwarded-For`` is judged by
    :mod:`tribune.privacy.services`, the only reader of client addresses."""

    def __init__(self, app, trusted):
        self.app, self.trusted = app, trusted

    def __call__(self, environ, start_response):
        if "HTTP_X_FORWARDED_PROTO" in environ and not self.trusted(
                environ.get("REMOTE_ADDR", "")):
            del environ["HTTP_X_FORWARDED_PROTO"]
        return self.app(environ, start_response)


def _load_application(_target: str):
    """The WSGI application a worker serves (called in each worker after the fork):
    Django behind the published-render fast path."""
    # Imported in the worker, after the fork: the serving process itself never
    # loads the application (nor opens its connections) that workers share.
    from tribune.privacy.services import peer_is_trusted_proxy
    from tribune.publishing.wsgi import application

    return _ProxyHeaders(application, peer_is_trusted_proxy)


class Companion:
    """A child process beside the web workers (``tribune triage worker``,
    ``tribune writer``), started again if it dies."""

    def __init__(self, name: str, command: list[str], say):
        self.name, self.command, self.say = name, command, say
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen:
        # The same interpreter and settings; it stops by itself if this process
        # is killed outright (it watches its parent).
        return subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "tribune.cli", *self.command, "--parent", str(os.getpid())],
        )

    def start(self) -> None:
        self.process = self._spawn()
        self._watcher = threading.Thread(target=self._watch, name=f"tribune-{self.name}-watch",
                                         daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            code = self.process.wait()
            if self.stopping.is_set():
                return
            if time.monotonic() - started >= RESTART_STABLE_SECONDS:
                failures = 0
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            failures += 1
            self.say(f"The {self.name} exited ({code}); starting it again in {delay:g}s.")
            if self.stopping.wait(delay):
                return
            with self._lock:
                if self.stopping.is_set():
                    return
                self.process = self._spawn()

    def stop_on_signals(self) -> None:
        """From the next SIGINT or SIGTERM on, do not start it again (a
        Ctrl+C reaches it too). Call in the main thread, after granian has set
        its handlers, which are still called."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)

            def handler(number, frame, previous=previous):
                self.stopping.set()
                if callable(previous):
                    previous(number, frame)

            signal.signal(signum, handler)

    def stop(self) -> None:
        """SIGTERM (it finishes what it has in hand), wait, then kill."""
        self.stopping.set()
        with self._lock:
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(COMPANION_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _unapplied_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Serve Tribune with granian (a production server). Put it behind a TLS "
        "reverse proxy; the logs never contain readers' addresses or user agents."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000,
                            help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=2,
                            help="Worker processes (default 2).")
        parser.add_argument("--threads", type=int, default=THREADS,
                            help=f"Python threads per worker (default {THREADS}).")
        parser.add_argument("--access-log", action="store_true",
                            help="Write an access log on stdout: time, method, path, "
                                 "status and duration, nothing about the client. Off by "
                                 "default: it costs about 45%% of a cached read's "
                                 "throughput (docs/benchmarks.md).")
        parser.add_argument("--no-triage-worker", action="store_true",
                            help="Start no `tribune triage worker` process: each web "
                                 "worker triages in a thread of its own, unless "
                                 "TRIBUNE_TRIAGE_MODE says otherwise.")

    def _say(self, text: str) -> None:
        self.stderr.write(text)
        self.stderr.flush()

    def handle(self, *args, host: str, port: int, workers: int, threads: int = THREADS,
               access_log: bool = False, no_triage_worker: bool = False, **options):
        host = host.strip().strip("[]")
        if not host:
            raise CommandError("--host must name an address, e.g. 127.0.0.1.")
        if not 1 <= port <= 65535:
            raise CommandError("--port must be between 1 and 65535.")
        if not 1 <= workers <= 64:
            raise CommandError("--workers must be between 1 and 64.")
        if not 1 <= threads <= 64:
            raise CommandError("--threads must be between 1 and 64.")

        try:
            pending = _unapplied_migrations()
        except DatabaseError as error:
            raise CommandError(f"Cannot use the database: {error}") from None
        if pending:
            self.stderr.write(
                f"Warning: {pending} database migration(s) are not applied; "
                "run `tribune migrate` first."
            )
        # Workers are forked from this process: they must not share its connection.
        connections.close_all()
        # A process stopped between a decision's commit and its render file would
        # leave that file behind the database (see FileStore.host_started).
        store().host_started()

        url_host = f"[{host}]" if ":" in host else host
        address = f"http://{url_host}:{port}/"
        stdout = self.stdout

        server = Server(
            "tribune.publishing.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            backpressure=BACKPRESSURE,
            websockets=False,
            log_dictconfig=_log_config(f"{url_host}:{port}"),
            log_access=access_log,
            log_access_format=ACCESS_LOG_FORMAT,
            workers_kill_timeout=GRACEFUL_TIMEOUT,
        )

        # The live queue holds at most half of each worker's threads with open
        # streams (tribune.moderation.live_views); the workers read it from here.
        os.environ["TRIBUNE_SERVE_THREADS"] = str(threads)
        companions = []
        if socket_path() is not None:
            # Started first, stopped last: the web workers send it their comments.
            companions.append(Companion("comment writer", ["writer"], say=self._say))
        # An operator who chose a triage mode keeps it, and runs any worker.
        if not triage_mode_chosen() and not no_triage_worker:
            # The web workers are forked from this process and read it from there.
            os.environ["TRIBUNE_TRIAGE_MODE"] = "worker"
            companions.append(Companion("triage worker", ["triage", "worker"], say=self._say))

        @server.on_startup
        def announce() -> None:
            # Called once the listening socket is bound, before the workers start:
            # connections made from now on wait in its backlog.
            for companion in companions:
                companion.stop_on_signals()
            stdout.write(f"Tribune is serving on {address} ({workers} workers). "
                         "Stop with Ctrl+C.")
            stdout.flush()

        sys.stdout.flush()
        sys.stderr.flush()
        for companion in companions:
            companion.start()
        try:
            # SIGTERM or SIGINT: granian stops accepting, lets each worker finish the
            # requests it holds (up to GRACEFUL_TIMEOUT seconds), then exits 0.
            server.serve(target_loader=_load_application)
        finally:
            # After the web workers: the writer answers the comments they sent
            # last, then the triage worker may still score them.
            for companion in companions:
                companion.stop()
