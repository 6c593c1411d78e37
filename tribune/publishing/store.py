"""Where readers get a thread's published view without touching the database.

A decision renders the thread once (:func:`tribune.publishing.services.thread_publish`)
into the ``ThreadRender`` row, which is the record, and — once the transaction has
committed — into this store, which is what readers are served from.

On SQLite (one host) the store is a directory of render files (``var/renders``)
shared by every process on the host, with a small in-memory copy in each process:

* A read is one ``stat()`` of the thread's file and one of the ``EPOCH`` file. When
  both are as they were at the last read, the process answers from memory: no
  database query, no file read. When the file changed (a decision in another
  process replaced it) the process reads it again. So a decision in any process is
  seen by the next read in every process, with nothing to send between them.
* Files are replaced atomically (write, then ``rename``) and carry the render's
  version. A writer holds an ``flock`` on the shard directory and never replaces a
  newer version by an older one, so a reader that filled the store from the
  database just before a decision cannot put the old render back afterwards.
* ``EPOCH`` changes when sites, their origins or desks change: every render and
  every remembered "no comments here" / "not a registered site" answer made
  under the old epoch is then disregarded and fetched from the database again.
* A miss (no file, a file of another epoch, a damaged file) is never an error: the
  caller reads the ``ThreadRender`` row and puts it back here.

``EPOCH`` is one of several *stamp* files (:meth:`FileStore.stamp`), each a random
value replaced whenever what it stands for changes: ``CONFIG`` (webhooks, queue
alerts), ``BANS`` and ``THREADS``. :meth:`FileStore.remembered` keeps an answer in
the process for as long as its stamps are unchanged, so a submission reads its
site, thread, the bans in force and the site's webhooks from memory (one
``stat`` per stamp) and a change committed by any process is obeyed from the
next request on. The bumps come after commit, from the models' save and delete
signals (:mod:`tribune.publishing.signals`) and from ``Thread.objects.update``
(:class:`tribune.threads.models.ThreadQuerySet`).

Answers about URLs that have no thread (an article nobody has commented on, a URL
outside every site) are remembered in memory only, never as files, so that
requests for made-up URLs cannot fill the disk; they are still checked against
the thread's file (its appearance ends them) and against the epoch.

On PostgreSQL, where several hosts share one database, the store is
:class:`DatabaseStore` instead, with the same interface: renders and remembered
answers live in each process's memory, and what changed travels through the
database. A stamp is a row of ``publishing_version`` whose version goes up in the
transaction of the change, with a ``NOTIFY`` sent in that transaction; a render's
``NOTIFY`` carries its ``ThreadRender.version``. Each process listens on one
connection of its own (a daemon thread) and forgets what a notification names.
A process whose listener is not known to be connected reads the versions again
and drops its renders at most every ``POLL_SECONDS`` (a lost connection, a
notification missed while reconnecting), so no host stays stale longer than that
bound. docs/runtime.md draws the whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction

# The stamps' names (FileStore.stamp) are tribune.core.memory's, through which
# sites and threads, below publishing, reach this store; named here as well.
from tribune.core.memory import BANS as BANS
from tribune.core.memory import CONFIG as CONFIG
from tribune.core.memory import EPOCH as EPOCH
from tribune.core.memory import QUEUE as QUEUE
from tribune.core.memory import THREADS as THREADS

# In-memory copies per process: beyond this many bytes of bodies, start afresh
# (the files remain; the next reads re-fill memory from them).
MEMORY_BYTES = 64 * 1024 * 1024
ABSENT_MAX = 50_000
PATHS_MAX = 100_000
REMEMBERED_MAX = 10_000
T = TypeVar("T")
log = logging.getLogger("tribune.publishing")

# PostgreSQL (DatabaseStore): the channel every process listens on; how often the
# listener proves its connection alive (and compares the versions); how long
# that proof counts; at most how often a request reads the versions itself while
# no listener is known to be connected; how long a process's first read waits
# for its listener.
CHANNEL = "tribune_changes"
CHECK_SECONDS = 0.4
FRESH_SECONDS = 0.9
POLL_SECONDS = 0.5
START_SECONDS = 2.0
LATEST_MAX = 100_000
_VERSIONS_SQL = "SELECT name, version FROM publishing_version"
_BUMP_SQL = (
    "WITH bumped AS (INSERT INTO publishing_version (name, version) VALUES (%s, 1) "
    "ON CONFLICT (name) DO UPDATE SET version = publishing_version.version + 1 "
    "RETURNING version) "
    "SELECT version, pg_notify(%s, 'S:' || %s || ':' || version) FROM bumped"
)


@dataclass(frozen=True, slots=True)
class Render:
    """A thread's published view as served: ``body`` is the JSON text (UTF-8)."""

    version: int
    etag: str
    count: int
    language: str
    body: bytes
    epoch: str = ""

    def header(self) -> bytes:
        return json.dumps({"v": self.version, "e": self.etag, "c": self.count,
                           "l": self.language, "p": self.epoch}).encode() + b"\n"


def _parse(data: bytes) -> Render | None:
    head, sep, body = data.partition(b"\n")
    if not sep:
        return None
    try:
        meta = json.loads(head)
        return Render(version=int(meta["v"]), etag=str(meta["e"]), count=int(meta["c"]),
                      language=str(meta["l"]), body=body, epoch=str(meta["p"]))
    except (ValueError, KeyError, TypeError):
        return None


class _Remembering(ABC):
    """What both stores share: one way to remember an answer under named stamps."""

    _lock: threading.Lock
    _remembered: dict[tuple[tuple[str, ...], Hashable], tuple[str, object]]

    @property
    @abstractmethod
    def enabled(self) -> bool: ...

    @abstractmethod
    def stamp(self, name: str = EPOCH) -> str: ...

    def remembered(self, stamp: str | tuple[str, ...], key: Hashable,
                   compute: Callable[[], T]) -> T:
        """``compute()``, kept in this process for as long as stamp ``stamp``
        (or each of several) is unchanged: configuration every request needs (a
        site, its webhooks, the bans in force) without a query, and seen by every
        process as soon as a change bumps the stamp. In a store that keeps nothing,
        or inside a transaction (which may see its own uncommitted writes, and
        bumps stamps only when it commits), ``compute()`` every time."""
        if not self.enabled or connection.in_atomic_block:
            return compute()
        if isinstance(stamp, str):  # most callers: one stamp, one stat()
            names, value = (stamp,), self.stamp(stamp)
        else:
            names, value = stamp, "/".join([self.stamp(name) for name in stamp])
        hit = self._remembered.get((names, key))
        if hit is not None and hit[0] == value:
            return hit[1]
        # Read under the stamp seen before computing: a change committed meanwhile
        # has bumped it, so this answer is not used again.
        answer = compute()
        with self._lock:
            if len(self._remembered) >= REMEMBERED_MAX:
                self._remembered.clear()
            self._remembered[(names, key)] = (value, answer)
        return answer


class FileStore(_Remembering):
    """Render files under ``directory``, fronted by a per-process memory copy."""

    def __init__(self, directory: Path | None):
        self.directory = Path(directory) if directory is not None else None
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[tuple[int, int, int], Render]] = {}
        self._memory_bytes = 0
        self._absent: dict[tuple[str, str], tuple[str, object]] = {}
        self._stamps: dict[str, tuple[tuple[int, int, int], str]] = {}
        # Path strings, kept: building them was a third of a warm read's time.
        self._paths: dict[str, str] = {}
        self._stamp_paths: dict[str, str] = {}
        self._remembered: dict[tuple[tuple[str, ...], Hashable], tuple[str, object]] = {}

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    # --- Paths ----------------------------------------------------------------

    def _path(self, url: str) -> str:
        path = self._paths.get(url)
        if path is None:
            digest = hashlib.sha256(url.encode()).hexdigest()
            assert self.directory is not None
            path = os.path.join(self.directory, digest[:2], f"{digest[2:40]}.render")
            if len(self._paths) >= PATHS_MAX:
                self._paths.clear()
            self._paths[url] = path
        return path

    # --- Stamps -----------------------------------------------------------------

    def stamp(self, name: str = EPOCH) -> str:
        """The current value of stamp file ``name`` (``EPOCH`` is one): one ``stat``,
        read again only when the file changed."""
        assert self.directory is not None
        path = self._stamp_paths.get(name)
        if path is None:
            path = self._stamp_paths[name] = os.path.join(self.directory, name)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return self.stamp_bump(name)
        token = (st.st_ino, st.st_mtime_ns, st.st_size)
        known = self._stamps.get(name)
        if known is not None and known[0] == token:
            return known[1]
        value = Path(path).read_text().strip()
        if not value:  # a torn write cannot happen (rename), but stay safe
            return self.stamp_bump(name)
        self._stamps[name] = (token, value)
        return value

    def stamp_bump(self, name: str = EPOCH) -> str:
        """Give stamp ``name`` a new value: every process drops what it keeps under it."""
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(8)
        tmp = self.directory / f".{name}.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(value)
        os.replace(tmp, self.directory / name)
        self._stamps.pop(name, None)
        return value

    def epoch(self) -> str:
        """The current epoch (see the module's docstring)."""
        return self.stamp(EPOCH)

    def epoch_bump(self) -> str:
        """Start a new epoch: every render and remembered answer is checked again."""
        return self.stamp_bump(EPOCH)

    # --- Reads ------------------------------------------------------------------

    def lookup(self, url: str, kind: str = "view", *,
               epoch: str | None = None) -> Render | object | None:
        """The render of ``url`` (a normalised URL), a remembered answer of
        ``kind`` for a URL without a render, or None when the caller must ask the
        database. ``epoch``: the current one, when the caller looks up several
        URLs for one request."""
        if self.directory is None:
            return None
        if epoch is None:
            epoch = self.epoch()
        path = self._path(url)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            remembered = self._absent.get((kind, url))
            if remembered is not None and remembered[0] == epoch:
                return remembered[1]
            return None
        token = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = self._memory.get(url)
        if cached is not None and cached[0] == token and cached[1].epoch == epoch:
            return cached[1]
        try:
            with open(path, "rb") as handle:
                render = _parse(handle.read())
        except FileNotFoundError:
            return None
        if render is None or render.epoch != epoch:
            return None
        self._remember(url, token, render)
        return render

    def _remember(self, url: str, token: tuple[int, int, int], render: Render) -> None:
        with self._lock:
            if self._memory_bytes + len(render.body) > MEMORY_BYTES:
                self._memory.clear()
                self._memory_bytes = 0
            old = self._memory.get(url)
            if old is not None:
                self._memory_bytes -= len(old[1].body)
            self._memory[url] = (token, render)
            self._memory_bytes += len(render.body)

    def remember_absent(self, url: str, answer: object, *, epoch: str, kind: str = "view") -> None:
        """Remember, in this process only, the answer for a URL that has no render."""
        if self.directory is None:
            return
        with self._lock:
            if len(self._absent) >= ABSENT_MAX:
                self._absent.clear()
            self._absent[(kind, url)] = (epoch, answer)

    # --- Writes -----------------------------------------------------------------

    @contextlib.contextmanager
    def _shard_locked(self, shard: Path) -> Iterator[None]:
        shard.mkdir(parents=True, exist_ok=True)
        fd = os.open(shard, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def save(self, url: str, render: Render) -> bool:
        """Put ``render`` in place unless the file holds a newer version of the same
        epoch. Returns whether it was written."""
        if self.directory is None:
            return False
        path = Path(self._path(url))
        with self._shard_locked(path.parent):
            try:
                current = _parse(path.read_bytes())
            except FileNotFoundError:
                current = None
            if (current is not None and current.epoch == render.epoch
                    and current.version >= render.version):
                return False
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            with open(tmp, "wb") as handle:
                handle.write(render.header())
                handle.write(render.body)
            os.replace(tmp, path)
        return True

    def forget_memory(self) -> None:
        """Drop this process's memory copies (the files stay)."""
        with self._lock:
            self._memory.clear()
            self._memory_bytes = 0
            self._absent.clear()
            self._stamps.clear()
            self._remembered.clear()

    # --- Changes (the interface both stores share) --------------------------------

    def changed(self, name: str) -> None:
        """What stamp ``name`` stands for changes in the current transaction: once
        it commits, every process of the host drops what it keeps under it."""
        if self.directory is not None:
            transaction.on_commit(lambda: self.stamp_bump(name))

    def published(self, url: str, *, version: int, make: Callable[[str], Render]) -> None:
        """The render of ``url`` becomes ``version`` in the current transaction:
        once committed, ``make(epoch)`` replaces the file (never by an older one)."""
        if self.directory is not None:
            transaction.on_commit(lambda: self.save(url, make(self.epoch())))

    def host_started(self) -> None:
        """A server starts on this host: a process stopped between a decision's
        commit and its render file would have left that file behind the database,
        so renders made before are checked against the database again."""
        if self.directory is not None:
            self.epoch_bump()

    def close(self) -> None:
        """Nothing to stop (files need no connection)."""


class DatabaseStore(_Remembering):
    """The store on PostgreSQL: memory in each process, coherence through the
    database that every host shares (see the module's docstring).

    Same interface as :class:`FileStore`. Stamp values are the versions of
    ``publishing_version``; the epoch also counts this process's wholesale drops,
    so a render read from the database before a drop is not kept after it. A
    render is kept only if no notification named a newer version of its URL.
    ``enabled=False``: nothing is kept and no listener runs, but changes are still
    recorded and announced (other processes may be listening)."""

    def __init__(self, *, enabled: bool = True):
        self._enabled = enabled
        self._lock = threading.Lock()
        self._poll_lock = threading.Lock()
        self._memory: dict[str, Render] = {}
        self._memory_bytes = 0
        self._absent: dict[tuple[str, str], tuple[str, object]] = {}
        self._remembered: dict[tuple[tuple[str, ...], Hashable], tuple[str, object]] = {}
        self._versions: dict[str, int] = {}
        # The highest render version a notification named, per URL.
        self._latest: dict[str, int] = {}
        self._drops = 0
        self._epoch = "0.0"
        self._fresh_until = 0.0
        self._polled_at = 0.0
        self._pid = 0
        self._closed = False
        self._wake = threading.Event()
        self._listening = threading.Event()
        self._listener: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self._enabled

    # --- Hearing of changes ---------------------------------------------------------

    def _current(self) -> None:
        """Make sure this process hears of changes: the listener runs, and while it
        is not known to be connected, read the versions (at most every
        ``POLL_SECONDS``) and drop the renders, which may have changed unheard."""
        if self._pid != os.getpid():
            self._start()
        now = time.monotonic()
        if now < self._fresh_until or now < self._polled_at + POLL_SECONDS:
            return
        if connection.in_atomic_block or not self._poll_lock.acquire(blocking=False):
            return
        try:
            self._polled_at = now
            try:
                with connection.cursor() as cursor:
                    cursor.execute(_VERSIONS_SQL)
                    rows = cursor.fetchall()
            except DatabaseError:
                connection.close()  # the next try reconnects
                return
            self._apply(rows, drop=True)
        finally:
            self._poll_lock.release()

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked child has its parent's memory but not its listener.
            self._forget_locked()
            self._pid = os.getpid()
            self._fresh_until = 0.0
            self._polled_at = 0.0
            self._listening.clear()
            self._listener = threading.Thread(target=self._listen, name="tribune-listener",
                                              daemon=True)
            self._listener.start()
        # The listener drops every render when it starts listening (it cannot know
        # what changed before): wait for that, briefly, before keeping any.
        self._listening.wait(timeout=START_SECONDS)

    def _listen(self) -> None:
        """The listener thread: ``LISTEN``, compare the versions, then hear
        notifications, checking the connection every ``CHECK_SECONDS``; reconnect
        when it is lost."""
        delay = 0.05
        while not self._closed:
            listening = None
            try:
                listening = _listener_connection()
                listening.execute(f"LISTEN {CHANNEL}")
                # Listening from here on: what changed before is in the table, and
                # a render may have changed unheard while no connection listened.
                self._apply(listening.execute(_VERSIONS_SQL).fetchall(), drop=True)
                self._fresh_until = time.monotonic() + FRESH_SECONDS
                self._listening.set()
                delay = 0.05
                while not self._closed:
                    for note in listening.notifies(timeout=CHECK_SECONDS):
                        self._heard(note.payload)
                    self._apply(listening.execute(_VERSIONS_SQL).fetchall(), drop=False)
                    self._fresh_until = time.monotonic() + FRESH_SECONDS
            except Exception as error:  # noqa: BLE001 - whatever broke it, listen again
                if not self._closed:
                    log.warning("change listener lost its connection (%s); reconnecting",
                                type(error).__name__)
            finally:
                self._fresh_until = 0.0
                if listening is not None:
                    with contextlib.suppress(Exception):
                        listening.close()
            if self._wake.wait(delay):
                break
            delay = min(delay * 2, 1.0)

    def _apply(self, rows, *, drop: bool) -> None:
        with self._lock:
            for name, version in rows:
                if version > self._versions.get(name, 0):
                    self._versions[name] = version
            if drop:
                self._drop_renders_locked()
            else:
                self._epoch = f"{self._versions.get(EPOCH, 0)}.{self._drops}"

    def _heard(self, payload: str) -> None:
        kind, _sep, rest = payload.partition(":")
        try:
            if kind == "S":
                name, _sep, version = rest.rpartition(":")
                self._apply([(name, int(version))], drop=name == EPOCH)
            elif kind == "R":
                version, _sep, url = rest.partition(":")
                self._render_heard(url, int(version))
        except ValueError:
            log.warning("change listener: a notification it does not understand")

    def _render_heard(self, url: str, version: int) -> None:
        with self._lock:
            if len(self._latest) >= LATEST_MAX:
                self._drop_renders_locked()
            if version > self._latest.get(url, -2):
                self._latest[url] = version
            current = self._memory.get(url)
            if current is not None and current.version < version:
                del self._memory[url]
                self._memory_bytes -= len(current.body)
            self._absent.pop(("view", url), None)
            self._absent.pop(("count", url), None)

    def _drop_renders_locked(self) -> None:
        self._memory.clear()
        self._memory_bytes = 0
        self._absent.clear()
        self._latest.clear()
        self._drops += 1
        self._epoch = f"{self._versions.get(EPOCH, 0)}.{self._drops}"

    def _forget_locked(self) -> None:
        self._drop_renders_locked()
        self._remembered.clear()

    # --- Stamps -----------------------------------------------------------------------

    def stamp(self, name: str = EPOCH) -> str:
        """The version of stamp ``name`` this process has heard of."""
        if time.monotonic() >= self._fresh_until:
            self._current()
        return str(self._versions.get(name, 0))

    def stamp_bump(self, name: str = EPOCH) -> str:
        """Raise stamp ``name`` in the current transaction (its own when there is
        none), announced to every process at commit."""
        with connection.cursor() as cursor:
            cursor.execute(_BUMP_SQL, [name, CHANNEL, name])
            version = cursor.fetchone()[0]
        transaction.on_commit(lambda: self._apply([(name, version)], drop=name == EPOCH))
        return str(version)

    def changed(self, name: str) -> None:
        """See :meth:`FileStore.changed`: here recorded in the transaction itself."""
        self.stamp_bump(name)

    def epoch(self) -> str:
        if time.monotonic() >= self._fresh_until:
            self._current()
        return self._epoch

    def epoch_bump(self) -> str:
        return self.stamp_bump(EPOCH)

    def host_started(self) -> None:
        """Nothing to do: a new process starts with an empty memory."""

    # --- Renders ----------------------------------------------------------------------

    def lookup(self, url: str, kind: str = "view", *,
               epoch: str | None = None) -> Render | object | None:
        """See :meth:`FileStore.lookup`: a dictionary lookup."""
        if not self._enabled:
            return None
        if epoch is None:
            epoch = self.epoch()
        render = self._memory.get(url)
        if render is not None:
            return render if render.epoch == epoch else None
        remembered = self._absent.get((kind, url))
        if remembered is not None and remembered[0] == epoch:
            return remembered[1]
        return None

    def save(self, url: str, render: Render) -> bool:
        """Keep ``render`` unless it was read before a drop, or a notification
        named a newer version, or a newer one is kept."""
        if not self._enabled:
            return False
        with self._lock:
            if render.epoch != self._epoch or render.version < self._latest.get(url, -2):
                return False
            current = self._memory.get(url)
            if current is not None:
                if current.epoch == render.epoch and current.version >= render.version:
                    return False
                self._memory_bytes -= len(current.body)
            if self._memory_bytes + len(render.body) > MEMORY_BYTES:
                self._memory.clear()
                self._memory_bytes = 0
            self._memory[url] = render
            self._memory_bytes += len(render.body)
            self._absent.pop(("view", url), None)
            self._absent.pop(("count", url), None)
        return True

    def remember_absent(self, url: str, answer: object, *, epoch: str, kind: str = "view") -> None:
        if not self._enabled:
            return
        with self._lock:
            # A notification about the URL means it has a render now.
            if epoch != self._epoch or url in self._latest:
                return
            if len(self._absent) >= ABSENT_MAX:
                self._absent.clear()
            self._absent[(kind, url)] = (epoch, answer)

    def published(self, url: str, *, version: int, make: Callable[[str], Render]) -> None:
        """See :meth:`FileStore.published`: announced in the current transaction
        (every process forgets older renders of ``url`` at commit), and kept here
        once committed."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"R:{version}:{url}"])

        def keep() -> None:
            self._render_heard(url, version)
            if self._enabled:
                self.save(url, make(self._epoch))

        transaction.on_commit(keep)

    def forget_memory(self) -> None:
        with self._lock:
            self._forget_locked()

    def close(self) -> None:
        """Stop the listener (tests make a store each)."""
        self._closed = True
        self._wake.set()
        listener = self._listener
        if listener is not None and listener is not threading.current_thread():
            listener.join(timeout=5)


def _listener_connection():
    """A connection of its own for ``LISTEN`` (autocommit), made as Django makes
    its own, with TCP keepalives so that a dead peer is noticed."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    return psycopg.connect(**params, autocommit=True, keepalives=1, keepalives_idle=5,
                           keepalives_interval=1, keepalives_count=3, connect_timeout=5,
                           application_name="tribune-listener")


Store = FileStore | DatabaseStore


def _default_directory() -> Path | None:
    configured = settings.TRIBUNE_RENDER_DIR
    if configured == "":
        return None
    return Path(configured) if configured else Path(settings.VAR_DIR) / "renders"


_store: Store | None = None
_store_lock = threading.Lock()


def _made(directory: Path | None) -> Store:
    """The store for the database in use: files on SQLite (one host), memory and
    ``LISTEN``/``NOTIFY`` on PostgreSQL (any number of hosts)."""
    if connection.vendor == "postgresql":
        return DatabaseStore(enabled=directory is not None)
    return FileStore(directory)


def store() -> Store:
    """The process's render store (made on first use from the settings)."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = _made(_default_directory())
    return _store


@contextlib.contextmanager
def store_at(directory: Path | None) -> Iterator[Store]:
    """Use a store at ``directory`` (None: no store, every read asks the
    database; on PostgreSQL any directory means a store in memory) for the
    duration of the block; for tests."""
    global _store
    previous = _store
    _store = _made(directory)
    try:
        yield _store
    finally:
        _store.close()
        _store = previous
