"""One process that writes every web worker's comments: ``tribune writer``.

Batches (:mod:`tribune.comments.batches`) made a submission's commit cheap, but
each web worker still had its own writer thread. Measured under a flood
(2 workers × 8 threads, docs/benchmarks.md), a batch of four comments held
SQLite's write lock for about 7 ms of which 2 ms were work: the rest was the
writer thread waiting for its own process's interpreter lock, taken by the
request threads, and the two workers' writers then waited for each other.

``tribune serve`` therefore starts this process beside the web workers (as it
starts the triage worker). It listens on a Unix socket beside the database
(``<database>.comments.sock``, readable by its owner only), takes every comment
the workers have sent since its last commit, writes them in one transaction
(:func:`~tribune.comments.batches.commit_jobs`, full synchronous commit) and
only then answers each with its id: "answered 202" still means "durable".
Nothing else runs in it, so it never waits for a request thread, and one
fsync serves the comments of every worker.

A web worker that finds no writer (another server than ``tribune serve``, the
writer restarting) writes with its own writer thread, as before; the two take
turns on the same host-wide lock (:mod:`tribune.core.sqlite`). If the writer
dies after a comment was sent and before it answered, that submission gets
503 "try again" (the comment may have been stored; the reader may send it
twice, never lose it silently).

The wire is a 4-byte length and a JSON object each way, at most
:data:`FRAME_MAX` bytes; a peer that sends anything else is disconnected.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import selectors
import socket
import struct
import threading
import time

from django.db import IntegrityError, connections
from django.db.utils import OperationalError

from tribune.core.companion import CompanionLoop

from .batches import BATCH_MAX, WAIT_SECONDS, _Job, batch_database, commit_jobs
from .models import Comment

log = logging.getLogger("tribune.comments")

SOCKET_SUFFIX = ".comments.sock"
# A Unix socket's path must fit in 108 bytes; beyond, no writer process.
SOCKET_PATH_MAX = 100
FRAME_MAX = 1 << 20
_LENGTH = struct.Struct(">I")
# What a comment carries over the wire, besides its submission time and the
# hash of its commenter's token (everything else is a column default).
WIRE_FIELDS = {"thread_id": int, "parent_id": (int, type(None)), "author": str,
               "body": str, "language": str, "network_hash": str,
               "commenter_id": (int, type(None))}
# After a failed connection, the workers write themselves for this long before
# trying the writer again.
ABSENT_SECONDS = 1.0
# The writer checks this often whether its parent (`tribune serve`) is gone.
PARENT_CHECK_SECONDS = 1.0
# A web worker reads its answer at once; one that does not is dropped after this.
SEND_SECONDS = 5.0
_ERRORS = {"IntegrityError": IntegrityError, "OperationalError": OperationalError}


def socket_path() -> str | None:
    """Where the writer listens: beside the :func:`batch_database`, if there is
    one and its path leaves room for the suffix; else None."""
    database = batch_database()
    if database is None:
        return None
    path = database + SOCKET_SUFFIX
    return path if len(path.encode()) <= SOCKET_PATH_MAX else None


# --- The wire -------------------------------------------------------------------------


def _frame(payload: dict) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return _LENGTH.pack(len(data)) + data


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(left)
        if not chunk:
            raise ConnectionError("the comment writer closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def job_encode(job: _Job) -> dict:
    comment = job.comment
    payload = {name: getattr(comment, name) for name in WIRE_FIELDS}
    payload["submitted_at"] = comment.submitted_at.isoformat()
    payload["token_hash"] = job.token_hash
    return payload


def job_decode(payload: object) -> _Job:
    """A job from what a web worker sent; ValueError if it is not one."""
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    values = {}
    for name, kind in WIRE_FIELDS.items():
        value = payload.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{name} is missing or of the wrong type")
        values[name] = value
    submitted, token = payload.get("submitted_at"), payload.get("token_hash")
    if not isinstance(submitted, str) or not isinstance(token, str) or not token:
        raise ValueError("submitted_at or token_hash is missing")
    values["submitted_at"] = dt.datetime.fromisoformat(submitted)
    if values["submitted_at"].tzinfo is None:
        raise ValueError("submitted_at has no time zone")
    return _Job(Comment(**values), token)


# --- The web workers' side --------------------------------------------------------------


class _Channel(threading.local):
    """Each request thread's connection to the writer (one answer awaited at a time)."""

    sock: socket.socket | None = None
    pid: int = 0
    path: str = ""


_channel = _Channel()
# Per socket path: until when a writer found absent is not tried again.
_absent_until: dict[str, float] = {}


def _connect(path: str) -> socket.socket | None:
    if time.monotonic() < _absent_until.get(path, 0.0):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(WAIT_SECONDS)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        _absent_until[path] = time.monotonic() + ABSENT_SECONDS
        return None
    _channel.sock, _channel.pid, _channel.path = sock, os.getpid(), path
    return sock


def _disconnect() -> None:
    if _channel.sock is not None:
        _channel.sock.close()
    _channel.sock = None


def send_to_writer(job: _Job, path: str | None = None) -> bool:
    """Have the writer process listening on ``path`` (:func:`socket_path` by
    default) store ``job``'s comment: True once it is committed (its ``pk`` and
    ``commenter_id`` set); False if no writer took it (the caller stores it
    itself). Raises what storing it raised, or ``OperationalError`` if the
    writer went away before answering."""
    path = path or socket_path()
    if path is None:
        return False
    frame = _frame(job_encode(job))
    for _attempt in range(2):  # a connection left by a writer since restarted fails at once
        if _channel.sock is not None and (_channel.pid != os.getpid()
                                          or _channel.path != path):
            _disconnect()  # inherited across a fork, or another writer's
        sock = _channel.sock
        if sock is None and (sock := _connect(path)) is None:
            return False
        try:
            sock.sendall(frame)
            break
        except OSError:  # not delivered: a Unix socket refuses at once when its peer is gone
            _disconnect()
    else:
        return False
    try:
        (size,) = _LENGTH.unpack(_receive_exactly(sock, _LENGTH.size))
        answer = json.loads(_receive_exactly(sock, size))
    except (OSError, ValueError) as error:
        _disconnect()
        raise OperationalError("the comment writer stopped before answering") from error
    if "error" in answer:
        raise _ERRORS.get(answer["error"], OperationalError)(answer.get("message", ""))
    job.comment.pk, job.comment.commenter_id = answer["id"], answer["commenter_id"]
    job.comment._state.adding = False
    return True


# --- The writer process -----------------------------------------------------------------


class _Peer:
    __slots__ = ("buffer", "sock")

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = bytearray()

    def frames(self) -> list[object]:
        """Complete frames received so far, decoded; ValueError on a bad one."""
        found = []
        while len(self.buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self.buffer)
            if size > FRAME_MAX:
                raise ValueError("frame too large")
            if len(self.buffer) < _LENGTH.size + size:
                break
            data = bytes(self.buffer[_LENGTH.size:_LENGTH.size + size])
            del self.buffer[:_LENGTH.size + size]
            found.append(json.loads(data))
        return found


class CommentWriter(CompanionLoop):
    """The loop of ``tribune writer``: :meth:`run` until :meth:`stop` (from a
    signal handler or another thread) or until ``parent_pid`` is gone."""

    def __init__(self, path: str, *, parent_pid: int | None = None):
        super().__init__(parent_pid=parent_pid)
        self.path = path
        self.written = 0
        self.commits = 0
        self._peers: dict[int, _Peer] = {}

    def listen(self) -> socket.socket:
        """The listening socket; RuntimeError if another writer answers there."""
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(self.path)
        except OSError:
            pass  # nobody: a file left by a writer that was killed, or none
        else:
            raise RuntimeError(f"another comment writer is listening on {self.path}")
        finally:
            probe.close()
        if os.path.exists(self.path):
            os.unlink(self.path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)  # the owner only: the socket file is made 0600
        try:
            listener.bind(self.path)
        finally:
            os.umask(mask)
        listener.listen(256)
        listener.setblocking(False)
        return listener

    def run(self, listener: socket.socket | None = None) -> None:
        listener = listener or self.listen()
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ)
        log.info("comment writer started (pid %s)", os.getpid())
        try:
            while not self.stopping():
                jobs: list[tuple[_Peer, _Job]] = []
                for key, _events in selector.select(timeout=PARENT_CHECK_SECONDS):
                    if key.fileobj is listener:
                        self._accept(listener, selector)
                    else:
                        jobs += self._read(self._peers[key.fd], selector)
                for start in range(0, len(jobs), BATCH_MAX):
                    self._write(jobs[start:start + BATCH_MAX], selector)
        finally:
            for peer in list(self._peers.values()):
                self._drop(peer, selector)
            selector.close()
            listener.close()
            if os.path.exists(self.path):
                os.unlink(self.path)
            connections.close_all()
            log.info("comment writer stopped (pid %s): %s comment(s) written in %s batch(es)",
                     os.getpid(), self.written, self.commits)

    def _accept(self, listener: socket.socket, selector) -> None:
        while True:
            try:
                sock, _address = listener.accept()
            except BlockingIOError:
                return
            # Read only when the selector says so; answers wait at most this.
            sock.settimeout(SEND_SECONDS)
            self._peers[sock.fileno()] = _Peer(sock)
            selector.register(sock, selectors.EVENT_READ)

    def _drop(self, peer: _Peer, selector) -> None:
        self._peers.pop(peer.sock.fileno(), None)
        selector.unregister(peer.sock)
        peer.sock.close()

    def _read(self, peer: _Peer, selector) -> list[tuple[_Peer, _Job]]:
        try:
            data = peer.sock.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            self._drop(peer, selector)
            return []
        peer.buffer += data
        try:
            return [(peer, job_decode(payload)) for payload in peer.frames()]
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            log.warning("comment writer: a connection sent something else than a "
                        "comment (%s); closed", type(error).__name__)
            self._drop(peer, selector)
            return []

    def _write(self, jobs: list[tuple[_Peer, _Job]], selector) -> None:
        commit_jobs([job for _peer, job in jobs])
        self.commits += 1
        for peer, job in jobs:
            if job.error is None:
                self.written += 1
                answer = {"id": job.comment.pk, "commenter_id": job.comment.commenter_id}
            else:
                answer = {"error": type(job.error).__name__, "message": str(job.error)}
            if peer.sock.fileno() < 0:
                continue  # dropped since (another frame of it was bad)
            try:
                peer.sock.sendall(_frame(answer))
            except OSError:  # gone, or not reading its answers
                self._drop(peer, selector)
