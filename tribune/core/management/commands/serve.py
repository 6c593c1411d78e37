"""``tribune serve``: Tribune under gunicorn, a production server.

Readers may be under surveillance, so the server's own logs must not betray
them: the access log names the request, its status, size and duration — never
the client's address, user agent or referrer — and every IP address in
gunicorn's error log is masked before it is written.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
THREADS = 4
TIMEOUT = 30
GRACEFUL_TIMEOUT = 20
MASK = "[address]"

# Candidates are checked with ipaddress before they are masked, so "27.0.1" or
# "12:30:45" survive and "203.0.113.9", "[2001:db8::1]:443" do not.
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d)")
_IPV6 = re.compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*")
# Atoms that describe the person rather than the request: address, user agent,
# referrer, user. Request headers ({…}i) and environ ({…}e) go too, since they
# carry the same (X-Forwarded-For, User-Agent, REMOTE_ADDR, cookies).
_PERSONAL_ATOMS = ("h", "a", "f", "u", "l")


def _mask_valid(match: re.Match) -> str:
    token = match.group(0)
    # "ip=::1: error" — the address may be followed by punctuation.
    for candidate in dict.fromkeys((token, token.rstrip(":."))):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return MASK + token[len(candidate):]
    return token


def mask_addresses(text: str) -> str:
    """``text`` with every IPv4 and IPv6 address replaced by ``[address]``."""
    return _IPV6.sub(_mask_valid, _IPV4.sub(_mask_valid, text))


class _MaskAddresses(logging.Filter):
    """Masks IP addresses in a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_addresses(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_addresses(record.exc_text)
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, minus everything that identifies a client."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, _MaskAddresses) for f in log.filters):
                log.addFilter(_MaskAddresses())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in _PERSONAL_ATOMS:
            atoms[name] = "-"
        return {key: value for key, value in atoms.items()
                if not (key.startswith("{") and key.endswith(("}i", "}e")))}


class TribuneServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from tribune.publishing.fastpath import PublishedFastPath
        from tribune.wsgi import application

        # Warm reads of published renders are answered before Django.
        return PublishedFastPath(application)


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _unapplied_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Serve Tribune with gunicorn (a production server). Put it behind a TLS "
        "reverse proxy; the logs never contain readers' addresses or user agents."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000,
                            help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=2,
                            help="Worker processes (default 2), each with "
                                 f"{THREADS} threads.")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        host = host.strip().strip("[]")
        if not host:
            raise CommandError("--host must name an address, e.g. 127.0.0.1.")
        if not 1 <= port <= 65535:
            raise CommandError("--port must be between 1 and 65535.")
        if not 1 <= workers <= 64:
            raise CommandError("--workers must be between 1 and 64.")

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
        # leave that file behind the database: renders made before this start
        # are checked against the database again.
        from tribune.publishing.store import store

        if store().enabled:
            store().epoch_bump()

        url_host = f"[{host}]" if ":" in host else host
        address = f"http://{url_host}:{port}/"
        stdout = self.stdout

        def when_ready(server) -> None:
            stdout.write(f"Tribune is serving on {address} ({workers} workers). "
                         "Stop with Ctrl+C.")
            stdout.flush()

        options = {
            "bind": [_bind_address(host, port)],
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS,
            "timeout": TIMEOUT,
            "graceful_timeout": GRACEFUL_TIMEOUT,
            "keepalive": 5,
            "accesslog": "-",
            "errorlog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": PrivateLogger,
            "loglevel": "info",
            "proc_name": "tribune",
            "control_socket_disable": True,
            "when_ready": when_ready,
        }
        if settings.TRUSTED_PROXIES:
            # Lets gunicorn believe X-Forwarded-Proto from the TLS proxy only.
            options["forwarded_allow_ips"] = ",".join(settings.TRUSTED_PROXIES)
        sys.stdout.flush()
        TribuneServer(options).run()
