"""Where readers get a thread's published view without touching the database.

A decision renders the thread once (:func:`tribune.publishing.services.thread_publish`)
into the ``ThreadRender`` row, which is the record, and — once the transaction has
committed — into this store, which is what readers are served from.

The default store is a directory of render files (``var/renders``) shared by every
process on the host, with a small in-memory copy in each process:

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
signals (:mod:`tribune.publishing.signals`) and from the few ``QuerySet.update``
calls on threads.

Answers about URLs that have no thread (an article nobody has commented on, a URL
outside every site) are remembered in memory only, never as files, so that
requests for made-up URLs cannot fill the disk; they are still checked against
the thread's file (its appearance ends them) and against the epoch.

Trade-off: files are shared by the processes of one host. Several hosts behind a
balancer would each keep their own copy, and a decision made on one host would not
reach the others; such a deployment points ``TRIBUNE_RENDER_DIR`` at storage every
host shares, or lets a CDN in front (``Cache-Control`` and ``ETag`` are made for it).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connection

# In-memory copies per process: beyond this many bytes of bodies, start afresh
# (the files remain; the next reads re-fill memory from them).
MEMORY_BYTES = 64 * 1024 * 1024
ABSENT_MAX = 50_000
PATHS_MAX = 100_000
REMEMBERED_MAX = 10_000
# Stamp files (see FileStore.stamp): renders, sites and desks; webhooks and
# queue alerts; bans; threads.
EPOCH, CONFIG, BANS, THREADS = "EPOCH", "CONFIG", "BANS", "THREADS"
T = TypeVar("T")


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


class FileStore:
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

    def remembered(self, stamp: str | tuple[str, ...], key: Hashable,
                   compute: Callable[[], T]) -> T:
        """``compute()``, kept in this process for as long as stamp file ``stamp``
        (or each of several) is unchanged: configuration every request needs (a
        site, its webhooks, the bans in force) without a query, and seen by every
        process as soon as a change bumps the stamp. Without a store directory,
        or inside a transaction (which may see its own uncommitted writes, and
        bumps stamps only when it commits), ``compute()`` every time."""
        if self.directory is None or connection.in_atomic_block:
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


def _default_directory() -> Path | None:
    configured = getattr(settings, "TRIBUNE_RENDER_DIR", None)
    if configured == "":
        return None
    return Path(configured) if configured else Path(settings.VAR_DIR) / "renders"


_store: FileStore | None = None
_store_lock = threading.Lock()


def store() -> FileStore:
    """The process's render store (made on first use from the settings)."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = FileStore(_default_directory())
    return _store


@contextlib.contextmanager
def store_at(directory: Path | None) -> Iterator[FileStore]:
    """Use a store at ``directory`` (None: no store, every read asks the
    database) for the duration of the block; for tests."""
    global _store
    previous = _store
    _store = FileStore(directory)
    try:
        yield _store
    finally:
        _store = previous
