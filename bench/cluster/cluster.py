"""A Tribune cluster on one machine, as an operator runs several: N hosts, one
PostgreSQL, HAProxy in front and, optionally, Varnish in front of HAProxy.

Each host is ``tribune serve`` in a working directory of its own (its own ``var/``,
as two machines have), on a port of its own, with the same ``DATABASE_URL`` and
``TRIBUNE_SECRET_KEY``. Everything listens on 127.0.0.1 only. Used by
``bench/cluster/run`` (start, stop, status), by the cluster tests beside it and by
``bench/run.py``'s cluster cases.

PostgreSQL: ``database="auto"`` uses the server at 127.0.0.1:5432 when it answers
(in a database of the cluster's own, dropped on stop), else starts a private one
from Debian's packages (``initdb`` in a temporary directory, on a free port).
``"private"`` always starts one; a ``postgres://`` URL names a server to make the
cluster's database on (path ``/postgres`` or none) or a database to use as it is.
Only a private instance is ever restarted (:meth:`Cluster.postgres_restart`): the
machine's shared server never is.

HAProxy and Varnish come from Debian. When one is missing, it is installed with
``apt-get`` if we are root, and otherwise we say how. Neither logs a client
address: HAProxy has no ``log`` line, and Varnish's request log stays in its
shared memory (nothing runs ``varnishncsa``).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TRIBUNE_VENV", ROOT / ".venv"))
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# The events whose answer changes what readers see; the purge receiver takes these.
PURGE_EVENTS = ("approved", "rejected", "edited")


class ClusterError(Exception):
    """Something the cluster needs is missing or did not come up; the message says
    what to do."""


class MissingTool(ClusterError):
    """A program from Debian the cluster needs is not installed and could not be."""


def free_port() -> int:
    """A free port: the system's choice, or the next free one of ``BENCH_PORTS``
    (``FIRST-LAST``) on a machine where each user keeps to a range of ports."""
    wanted = os.environ.get("BENCH_PORTS", "")
    if wanted:
        first, last = (int(part) for part in wanted.split("-"))
        for port in range(first, last + 1):
            if port in _GIVEN:
                continue
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _GIVEN.add(port)
            return port
        raise SystemExit(f"no free port in BENCH_PORTS={wanted}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_GIVEN: set[int] = set()  # handed out already (perhaps not yet bound)


def _is_root() -> bool:
    return os.geteuid() == 0


def debian_tool(executable: str, package: str) -> str:
    """The path of ``executable``, installing Debian's ``package`` first when it
    is missing and we are root with apt-get."""
    for candidate in (shutil.which(executable), f"/usr/sbin/{executable}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    if _is_root() and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False,  # noqa: S607
                       capture_output=True, timeout=600)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", package],  # noqa: S603,S607
                              env=env, capture_output=True, text=True, timeout=600)
        found = shutil.which(executable) or (f"/usr/sbin/{executable}"
                                             if os.access(f"/usr/sbin/{executable}", os.X_OK)
                                             else None)
        if found:
            return found
        raise ClusterError(f"apt-get install {package} failed:\n{done.stdout}{done.stderr}")
    raise MissingTool(f"{executable} is missing: install Debian's {package} "
                       f"(sudo apt-get install -y {package}) and run this again.")


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if found:
        return found[0]
    if shutil.which(name):
        return shutil.which(name)
    raise MissingTool(f"PostgreSQL's {name} is missing: sudo apt-get install -y postgresql")


def _connect_kwargs(url: str, dbname: str = "postgres") -> dict:
    parts = urlsplit(url)
    return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432,
            "user": parts.username or "postgres", "password": parts.password or None,
            "dbname": dbname, "autocommit": True, "connect_timeout": 3}


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(**_connect_kwargs(url)):
            return True
    except psycopg.Error:
        return False


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def http_get(url: str, *, timeout: float = 5, headers: dict | None = None
             ) -> tuple[int, dict, bytes]:
    """``(status, headers with lower-case names, body)`` of a GET."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


@dataclass
class State:
    """What ``stop`` and ``status`` need from ``start``, kept in ``state.json``."""

    root: str
    hosts: list[dict] = field(default_factory=list)  # {"port", "pid", "dir"}
    database_url: str = ""
    created_database: str = ""  # dropped on stop
    admin_url: str = ""  # where created_database lives
    postgres_dir: str = ""  # a private instance's data directory
    postgres_port: int = 0
    postgres_user: str = ""
    balancer: dict = field(default_factory=dict)  # {"port", "pid"}
    cache: dict = field(default_factory=dict)  # {"port", "pid", "workdir"}
    purger: dict = field(default_factory=dict)  # {"port", "pid"}
    runtime_dir: str = ""


class Cluster:
    """N Tribune hosts on one PostgreSQL behind HAProxy (and Varnish with
    ``cache=True``). ``start()`` returns once every part answers; ``stop()`` stops
    them all and removes what was created for them."""

    def __init__(self, root: Path, *, hosts: int = 3, workers: int = 1, threads: int = 8,
                 database: str = "auto", balancer: bool = True, cache: bool = False,
                 env: dict[str, str] | None = None, serve_args: tuple[str, ...] = ()):
        if hosts < 1:
            raise ClusterError("A cluster has one host or more.")
        self.root = Path(root).resolve()
        self.count, self.workers, self.threads = hosts, workers, threads
        self.database, self.with_balancer, self.with_cache = database, balancer, cache
        self.extra_env = dict(env or {})
        self.serve_args = tuple(serve_args)
        self.state = State(root=str(self.root))
        self.secret_key = secrets.token_urlsafe(50)
        self.purge_secret = "whsec_" + secrets.token_urlsafe(32)
        self._processes: dict[str, subprocess.Popen] = {}

    # --- what the parts are called ----------------------------------------------

    @property
    def state_path(self) -> Path:
        return self.root / "state.json"

    @property
    def host_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{host['port']}" for host in self.state.hosts]

    @property
    def balancer_url(self) -> str:
        return f"http://127.0.0.1:{self.state.balancer['port']}"

    @property
    def cache_url(self) -> str:
        return f"http://127.0.0.1:{self.state.cache['port']}"

    @property
    def purge_url(self) -> str:
        return f"http://127.0.0.1:{self.state.purger['port']}/"

    @property
    def url(self) -> str:
        """Where readers go: the cache if there is one, else the balancer, else host 1."""
        if self.state.cache:
            return self.cache_url
        if self.state.balancer:
            return self.balancer_url
        return self.host_urls[0]

    def env(self) -> dict[str, str]:
        """The environment of every ``tribune`` process of the cluster."""
        env = {k: v for k, v in os.environ.items()
               if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
                            "TRIBUNE_VAR_DIR", "DATABASE_URL"}}
        env.update({"DATABASE_URL": self.state.database_url,
                    "TRIBUNE_SECRET_KEY": self.secret_key,
                    "TRIBUNE_TRUSTED_PROXIES": "127.0.0.1"})
        env.update(self.extra_env)
        return env

    def tribune(self, *args: str, host: int = 0, timeout: float = 300,
                input: str | None = None) -> str:
        """``tribune ARGS`` in host ``host``'s directory; its output, or ClusterError."""
        done = subprocess.run(  # noqa: S603 - our own installed script
            [str(VENV / "bin" / "tribune"), *args], cwd=self._host_dir(host), env=self.env(),
            capture_output=True, text=True, timeout=timeout, input=input,
            start_new_session=True,
        )
        if done.returncode != 0:
            raise ClusterError(f"tribune {' '.join(args)} exited {done.returncode}:\n"
                               f"{done.stdout}{done.stderr}")
        return done.stdout

    def _host_dir(self, index: int) -> Path:
        return self.root / f"host-{index + 1}"

    # --- start ----------------------------------------------------------------

    def start(self, *, timeout: float = 120, prepare=None) -> Cluster:
        """Start every part; ``prepare(cluster)``, if given, runs once the database
        is migrated and before any host starts (e.g. to load data)."""
        if not (VENV / "bin" / "tribune").exists():
            raise ClusterError(f"{VENV}/bin/tribune is missing: python3 -m venv .venv && "
                               ".venv/bin/pip install -e . (from the repository root)")
        self.root.mkdir(parents=True, exist_ok=True)
        # Private PostgreSQL and Varnish run as their own users, who must reach their
        # directories: pytest's and many home directories are closed to others.
        self.state.runtime_dir = tempfile.mkdtemp(prefix="tribune-cluster-")
        os.chmod(self.state.runtime_dir, 0o755)  # noqa: S103 - holds only sockets and data dirs of their own modes
        try:
            self._start_postgres()
            self._save()
            for index in range(self.count):
                self._host_dir(index).mkdir(parents=True, exist_ok=True)
            self.tribune("migrate", "--verbosity", "0")
            if prepare is not None:
                prepare(self)
            for index in range(self.count):
                self.state.hosts.append({"port": free_port(), "pid": 0,
                                         "dir": str(self._host_dir(index))})
                self.host_start(index, wait=False)
            self._save()
            for index in range(self.count):
                self.host_wait(index, timeout=timeout)
            if self.with_balancer:
                self._start_balancer()
            if self.with_cache:
                self._start_cache()
                self._start_purger()
            self._save()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_postgres(self) -> None:
        if self.database not in ("auto", "private"):
            if urlsplit(self.database).path.strip("/") in ("", "postgres"):
                self._create_database(self.database)
            else:  # a database of the caller's: used as it is, never dropped
                self.state.database_url = self.database
            return
        if self.database == "auto" and postgres_answers(LOCAL_POSTGRES):
            self._create_database(LOCAL_POSTGRES)
            return
        self._start_private_postgres()

    def _create_database(self, server_url: str) -> None:
        import psycopg
        from psycopg import sql

        name = f"tribune_cluster_{secrets.token_hex(5)}"
        try:
            with psycopg.connect(**_connect_kwargs(server_url)) as admin:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            raise ClusterError(f"Cannot create a database on {server_url}: {error}") from error
        self.state.admin_url, self.state.created_database = server_url, name
        self.state.database_url = _with_database(server_url, name)

    def _postgres_user(self) -> list[str]:
        """The command prefix that runs PostgreSQL's tools: as ``postgres`` when we
        are root (initdb refuses root), else as ourselves."""
        if not _is_root():
            return []
        try:
            pwd.getpwnam("postgres")
        except KeyError as error:
            raise ClusterError("Running as root needs the postgres user "
                               "(apt-get install -y postgresql).") from error
        self.state.postgres_user = "postgres"
        return ["runuser", "-u", "postgres", "--"]

    def _start_private_postgres(self) -> None:
        initdb = _postgres_bin("initdb")
        data = Path(self.state.runtime_dir) / "postgres"
        data.mkdir(mode=0o700)
        prefix = self._postgres_user()
        if prefix:
            shutil.chown(data, "postgres", "postgres")
        done = subprocess.run(  # noqa: S603
            [*prefix, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--no-sync"], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise ClusterError(f"initdb failed:\n{done.stdout}{done.stderr}")
        self.state.postgres_dir, self.state.postgres_port = str(data), free_port()
        self._save()
        self._pg_ctl("start")
        self._create_database(f"postgres://postgres@127.0.0.1:{self.state.postgres_port}"
                              "/postgres")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        data = self.state.postgres_dir
        options = (f"-p {self.state.postgres_port} -k {data} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200")
        prefix = ["runuser", "-u", "postgres", "--"] if self.state.postgres_user else []
        done = subprocess.run(  # noqa: S603
            [*prefix, _postgres_bin("pg_ctl"), "-D", data, "-l", f"{data}/server.log", "-w",
             "-t", "60", "-o", options, *extra, action],
            capture_output=True, text=True, timeout=120,
        )
        if done.returncode != 0 and action != "stop":
            log = Path(data, "server.log")
            raise ClusterError(f"pg_ctl {action} failed:\n{done.stdout}{done.stderr}"
                               f"{log.read_text()[-2000:] if log.exists() else ''}")

    def postgres_restart(self, *, down_seconds: float = 0.0) -> None:
        """Stop the private PostgreSQL at once (``-m immediate``, as a crash would),
        wait ``down_seconds``, start it again. Refused for a shared server."""
        if not self.state.postgres_dir:
            raise ClusterError("Only a private PostgreSQL (database='private') is restarted; "
                               "the machine's shared server never is.")
        self._pg_ctl("stop", "-m", "immediate")
        time.sleep(down_seconds)
        self._pg_ctl("start")

    def _spawn(self, name: str, command: list[str], *, cwd: Path, env: dict | None = None
               ) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        try:
            process = subprocess.Popen(  # noqa: S603
                command, cwd=cwd, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        finally:
            log.close()
        self._processes[name] = process
        return process

    def host_start(self, index: int, *, wait: bool = True, timeout: float = 120) -> None:
        host = self.state.hosts[index]
        process = self._spawn(
            f"host-{index + 1}",
            [str(VENV / "bin" / "tribune"), "serve", "--host", "127.0.0.1", "--port",
             str(host["port"]), "--workers", str(self.workers), "--threads", str(self.threads),
             *self.serve_args],
            cwd=Path(host["dir"]),
        )
        host["pid"] = process.pid
        self._save()
        if wait:
            self.host_wait(index, timeout=timeout)

    def host_wait(self, index: int, *, timeout: float = 120) -> None:
        name = f"host-{index + 1}"
        self._wait_http(name, f"{self.host_urls[index]}/healthz", timeout=timeout)

    def host_kill(self, index: int) -> None:
        """SIGKILL to the host's every process (its web workers, triage worker…),
        as when the machine loses power."""
        pid = self.state.hosts[index]["pid"]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        process = self._processes.get(f"host-{index + 1}")
        if process is not None:
            process.wait(timeout=30)

    def _wait_http(self, name: str, url: str, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        process = self._processes.get(name)
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise ClusterError(f"{name} exited {process.returncode}; its output:\n"
                                   f"{self.log(name)[-3000:]}")
            with contextlib.suppress(OSError):
                status, _headers, _body = http_get(url, timeout=3)
                if status == 200:
                    return
            time.sleep(0.2)
        raise ClusterError(f"{name} did not answer {url} within {timeout:.0f}s; its output:\n"
                           f"{self.log(name)[-3000:]}")

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _start_balancer(self) -> None:
        haproxy = debian_tool("haproxy", "haproxy")
        port = free_port()
        servers = "\n".join(
            f"    server host{i + 1} 127.0.0.1:{host['port']} check"
            for i, host in enumerate(self.state.hosts))
        config = self.root / "haproxy.cfg"
        config.write_text(
            "# Written by bench/cluster/cluster.py. No 'log' line: HAProxy logs nothing,\n"
            "# so no client address is written anywhere.\n"
            "global\n    maxconn 4096\n\n"
            "defaults\n    mode http\n    timeout connect 2s\n    timeout client 60s\n"
            "    timeout server 60s\n    timeout http-keep-alive 10s\n"
            # A request that never reached a host (a dead one) goes to another; so does
            # a read whose host died before answering, but never a submission.
            "    retries 3\n    option redispatch\n"
            "    retry-on conn-failure empty-response response-timeout\n\n"
            f"frontend tribune\n    bind 127.0.0.1:{port}\n    option forwardfor\n"
            "    default_backend hosts\n\n"
            "backend hosts\n    balance roundrobin\n"
            "    http-request disable-l7-retry unless METH_GET\n"
            "    option httpchk\n"
            "    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1\n"
            "    http-check expect status 200\n"
            "    default-server inter 500ms fastinter 250ms fall 2 rise 1\n"
            f"{servers}\n"
        )
        check = subprocess.run([haproxy, "-c", "-q", "-f", str(config)],  # noqa: S603
                               capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise ClusterError(f"haproxy refused {config}:\n{check.stdout}{check.stderr}")
        process = self._spawn("haproxy", [haproxy, "-db", "-f", str(config)], cwd=self.root,
                              env={"PATH": os.environ.get("PATH", "")})
        self.state.balancer = {"port": port, "pid": process.pid}
        self._wait_http("haproxy", f"{self.balancer_url}/healthz", timeout=30)

    def _start_cache(self) -> None:
        varnishd = debian_tool("varnishd", "varnish")
        port, admin = free_port(), free_port()
        workdir = Path(self.state.runtime_dir) / "varnish"
        backend = self.state.balancer["port"] if self.state.balancer else self.state.hosts[0][
            "port"]
        vcl = Path(self.state.runtime_dir) / "tribune.vcl"
        vcl.write_text((HERE / "tribune.vcl").read_text().replace("BACKEND_PORT",
                                                                  str(backend)))
        os.chmod(vcl, 0o644)
        process = self._spawn("varnish", [
            varnishd, "-F", "-n", str(workdir), "-a", f"127.0.0.1:{port}",
            "-T", f"127.0.0.1:{admin}", "-f", str(vcl), "-s", "malloc,64m",
            "-p", "ban_lurker_sleep=0.1",
        ], cwd=self.root, env={"PATH": os.environ.get("PATH", "")})
        self.state.cache = {"port": port, "pid": process.pid, "workdir": str(workdir)}
        self._wait_http("varnish", f"{self.cache_url}/healthz", timeout=60)

    def _start_purger(self) -> None:
        port = free_port()
        env = {"PATH": os.environ.get("PATH", ""), "TRIBUNE_PURGE_SECRET": self.purge_secret}
        process = self._spawn("purger", [
            str(VENV / "bin" / "python"), str(HERE / "purge.py"), "--port", str(port),
            "--varnish", self.cache_url,
        ], cwd=self.root, env=env)
        self.state.purger = {"port": port, "pid": process.pid}
        self._wait_http("purger", f"{self.purge_url}healthz", timeout=30)

    def site_add(self, origin: str, *, desk: str = "en", name: str | None = None) -> None:
        """``tribune site add ORIGIN`` and, with a cache, the purge webhook for it."""
        self.tribune("site", "add", origin, "--desk", desk, "--name", name or origin)
        if self.state.purger:
            events = [arg for event in PURGE_EVENTS for arg in ("--event", event)]
            self.tribune("webhook", "add", origin, self.purge_url, *events,
                         "--secret", self.purge_secret)

    def moderator_token(self, name: str, *, desks: tuple[str, ...] = ("en",)) -> str:
        """A moderator of ``desks`` and an API token for them."""
        # One argument, "--password=…": a random password may begin with "-".
        self.tribune("moderator", "create", name, "--desk", *desks,
                     f"--password={secrets.token_urlsafe(16)}")
        return self.tribune("token", "create", name).strip().splitlines()[-1]

    # --- state, status, stop ---------------------------------------------------

    def _save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = {**asdict(self.state), "secret_key": self.secret_key,
                "purge_secret": self.purge_secret, "workers": self.workers,
                "threads": self.threads}
        fd = os.open(self.state_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2)

    @classmethod
    def load(cls, root: Path) -> Cluster:
        """The cluster ``start`` left in ``root`` (for ``stop`` and ``status``)."""
        path = Path(root).resolve() / "state.json"
        if not path.exists():
            raise ClusterError(f"No cluster in {path.parent} (no state.json).")
        data = json.loads(path.read_text())
        cluster = cls(path.parent, hosts=max(1, len(data.get("hosts", []))),
                      workers=data.get("workers", 1), threads=data.get("threads", 8))
        cluster.secret_key, cluster.purge_secret = data.pop("secret_key"), data.pop(
            "purge_secret")
        data.pop("workers", None)
        data.pop("threads", None)
        cluster.state = State(**data)
        return cluster

    def status(self) -> list[tuple[str, str, str]]:
        """``(part, address, state)`` for every part."""
        rows = []
        for index, url in enumerate(self.host_urls):
            rows.append((f"host-{index + 1}", url, self._answer(f"{url}/healthz")))
        if self.state.balancer:
            rows.append(("haproxy", self.balancer_url,
                         self._answer(f"{self.balancer_url}/healthz")))
        if self.state.cache:
            rows.append(("varnish", self.cache_url, self._answer(f"{self.cache_url}/healthz")))
        if self.state.purger:
            rows.append(("purger", self.purge_url, self._answer(f"{self.purge_url}healthz")))
        if self.state.database_url:
            where = "private" if self.state.postgres_dir else "shared server"
            database = urlsplit(self.state.database_url)
            rows.append((f"postgresql ({where})",
                         f"{database.hostname}:{database.port}{database.path}",
                         "up" if postgres_answers(self.state.database_url) else "down"))
        return rows

    @staticmethod
    def _answer(url: str) -> str:
        try:
            status, _headers, _body = http_get(url, timeout=3)
        except OSError as error:
            return f"down ({error.__class__.__name__})"
        return "up" if status == 200 else f"answers {status}"

    def stop(self) -> None:
        """Stop every part (SIGTERM, then SIGKILL after a bounded wait), drop the
        database made for the cluster and stop a private PostgreSQL."""
        parts = [("purger", self.state.purger.get("pid")),
                 ("varnish", self.state.cache.get("pid")),
                 ("haproxy", self.state.balancer.get("pid"))]
        parts += [(f"host-{i + 1}", host.get("pid")) for i, host in enumerate(self.state.hosts)]
        for _name, pid in parts:
            if pid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 40
        for name, pid in parts:
            if not pid:
                continue
            while time.monotonic() < deadline and _alive(pid, self._processes.get(name)):
                time.sleep(0.1)
            # Whatever is left of the group (a worker that outlived its parent) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            process = self._processes.get(name)
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
        if self.state.created_database and not self.state.postgres_dir:
            self._drop_database()
        if self.state.postgres_dir:
            self._pg_ctl("stop", "-m", "fast")
        if self.state.runtime_dir:
            shutil.rmtree(self.state.runtime_dir, ignore_errors=True)
        self.state.hosts, self.state.balancer, self.state.cache, self.state.purger = (
            [], {}, {}, {})
        self.state.postgres_dir = self.state.runtime_dir = self.state.created_database = ""
        with contextlib.suppress(FileNotFoundError):
            self.state_path.unlink()

    def _drop_database(self) -> None:
        import psycopg
        from psycopg import sql

        with contextlib.suppress(psycopg.Error):
            with psycopg.connect(**_connect_kwargs(self.state.admin_url)) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.state.created_database)))

    @contextlib.contextmanager
    def stopping(self):
        """A started cluster, stopped when the block ends."""
        try:
            yield self
        finally:
            self.stop()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _alive(pid: int, process: subprocess.Popen | None) -> bool:
    if process is not None:
        return process.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie of another parent is gone as far as we are concerned.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"
    return False


if __name__ == "__main__":
    sys.exit("Use bench/cluster/run start|stop|status.")
