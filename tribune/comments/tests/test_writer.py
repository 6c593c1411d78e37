"""The host's comment writer (``tribune writer``, tribune.comments.writer): web
workers send it their comments over a Unix socket, it commits them in batches
and answers each with its id; a comment that cannot be stored fails alone, a
peer that sends anything but comments is cut off, and without a writer the
web workers store comments themselves."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import stat
import struct
import threading
import time
from pathlib import Path

import pytest
from django.db import IntegrityError, connections
from django.utils import timezone

from conftest import TribuneCLI, process_alive
from tribune.comments.batches import _Job
from tribune.comments.commenters import token_hash
from tribune.comments.models import Comment, Commenter
from tribune.comments.tests.test_batches import ARTICLE, STORED, _submit, sqlite_cli
from tribune.comments.writer import CommentWriter, send_to_writer
from tribune.core.testing import make_comment


@pytest.fixture
def writer(tmp_path, transactional_db):
    """A writer listening on a socket under ``tmp_path``, in a thread of this
    process (its own database connection), stopped after the test."""
    path = str(tmp_path / "tribune.sqlite3.comments.sock")
    running = CommentWriter(path)
    listener = running.listen()
    thread = threading.Thread(target=running.run, args=(listener,), daemon=True)
    thread.start()
    yield running
    running.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    connections.close_all()


def _job(thread_id: int, body: str, *, commenter_id: int | None = None,
         token: str | None = None) -> _Job:
    comment = Comment(thread_id=thread_id, author="Writer", body=body, language="en",
                      network_hash="", submitted_at=timezone.now(), commenter_id=commenter_id)
    return _Job(comment, token or token_hash(secrets.token_urlsafe(16)))


def test_comments_from_many_threads_are_stored_under_the_ids_answered(writer, site):
    thread = make_comment().thread
    existing = Commenter.objects.get()
    answered: dict[str, tuple[int, int]] = {}
    errors = []

    def send(number: int) -> None:
        try:
            for turn in range(10):
                known = turn % 2 == 0 and number == 0
                job = _job(thread.pk, f"sender {number} turn {turn}",
                           commenter_id=existing.pk if known else None,
                           token=existing.token_hash if known else None)
                assert send_to_writer(job, writer.path) is True
                answered[job.comment.body] = (job.comment.pk, job.comment.commenter_id)
        except Exception as error:  # reported below, with the test's own assertion
            errors.append(error)

    senders = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=60)
    assert errors == []
    stored = {c.body: (c.pk, c.commenter_id) for c in Comment.objects.filter(author="Writer")}
    assert stored == answered
    assert len(stored) == 80
    # The known commenter kept its id; each other comment brought a commenter of its own.
    assert [ids[1] for body, ids in stored.items()
            if body.startswith("sender 0 turn ") and int(body[-1]) % 2 == 0] == [existing.pk] * 5
    assert Commenter.objects.count() == 1 + 75
    # Fewer commits than comments: they were taken in batches.
    assert 1 <= writer.commits <= 80 and writer.written == 80


def test_a_comment_the_writer_cannot_store_fails_alone(writer, site):
    thread = make_comment().thread
    good, bad = _job(thread.pk, "stored"), _job(999_999, "on no thread")
    assert send_to_writer(good, writer.path) is True
    with pytest.raises(IntegrityError):
        send_to_writer(bad, writer.path)
    assert bad.comment.pk is None
    assert send_to_writer(_job(thread.pk, "after it"), writer.path) is True
    assert set(Comment.objects.values_list("body", flat=True)) == {
        "A comment.", "stored", "after it"}


def test_a_peer_that_sends_something_else_is_cut_off_and_the_writer_goes_on(writer, site):
    thread = make_comment().thread
    assert stat.S_IMODE(os.stat(writer.path).st_mode) == 0o600  # its owner's only
    for junk in (b"\x00\x00\x00\x05hello",                    # not JSON
                 struct.pack(">I", 1 << 30) + b"{",            # announces a gigabyte
                 struct.pack(">I", 2) + b"[]",                 # not a comment
                 struct.pack(">I", 200_000) + b"[" * 200_000,  # nested past the stack
                 struct.pack(">I", 17) + b'{"thread_id":"1"}'):  # wrong types
        peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        peer.settimeout(10)
        peer.connect(writer.path)
        peer.sendall(junk)
        assert peer.recv(100) == b""  # closed without an answer
        peer.close()
    assert send_to_writer(_job(thread.pk, "still served"), writer.path) is True
    assert Comment.objects.filter(body="still served").exists()


def test_a_second_writer_on_the_same_socket_is_refused(writer):
    with pytest.raises(RuntimeError, match="another comment writer"):
        CommentWriter(writer.path).listen()


def test_without_a_writer_the_sender_stores_nothing_and_says_so(tmp_path, site):
    job = _job(make_comment().thread.pk, "nobody listens")
    assert send_to_writer(job, str(tmp_path / "absent.sock")) is False
    assert job.comment.pk is None



def _listening(path: Path) -> bool:
    """Whether a writer takes connections on ``path`` (a connection closed at
    once, before sending anything, is no comment: the writer lets it go)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def test_serve_writes_through_its_writer_and_does_without_it_while_it_restarts(tmp_path):
    cli = sqlite_cli(tmp_path)
    sock = tmp_path / "var" / "tribune.sqlite3.comments.sock"
    bodies = []
    with cli.serving(workers=2) as server:
        deadline = time.monotonic() + 20
        while not (sock.exists() and server.children(b"writer")) and time.monotonic() < deadline:
            time.sleep(0.1)
        (pid,) = server.children(b"writer")
        for number in range(6):
            bodies.append(f"through the writer {number}")
            assert _submit(f"{server.url}/api/v1/comments", bodies[-1], None)[0] == 202

        os.kill(pid, signal.SIGKILL)  # gone: the web workers write themselves meanwhile
        while process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        for number in range(6):
            bodies.append(f"while it restarts {number}")
            assert _submit(f"{server.url}/api/v1/comments", bodies[-1], None)[0] == 202
        while server.children(b"writer") in ([], [pid]) and time.monotonic() < deadline + 20:
            time.sleep(0.1)
        assert len(server.children(b"writer")) == 1
        # The new writer's process exists before it listens (a loaded machine
        # takes seconds to start it): wait until its socket takes connections.
        while not _listening(sock) and time.monotonic() < deadline + 40:
            time.sleep(0.1)
        assert _listening(sock)
        time.sleep(1.5)  # the web workers try a writer again a second after missing it
        for number in range(6):
            bodies.append(f"after the restart {number}")
            assert _submit(f"{server.url}/api/v1/comments", bodies[-1], None)[0] == 202
        stored = json.loads(cli.run("shell", "-c", STORED.format(url=ARTICLE))
                            .stdout.strip().splitlines()[-1])
        assert server.stop() == 0
    assert sorted(body for _pk, body, _commenter in stored) == sorted(bodies)
    stderr = server.stderr_path.read_text()
    assert stderr.count("comment writer started") == 2
    assert "The comment writer exited (-9); starting it again in 1s." in stderr
    # Stopped after the web workers, having written the comments sent to it.
    written = re.search(r"comment writer stopped \(pid \d+\): (\d+) comment", stderr)
    assert written and int(written.group(1)) >= 1
    assert not sock.exists()


def test_the_writer_command_refuses_without_a_sqlite_file(tribune_cli, tmp_path):
    env = {**tribune_cli.env, "TRIBUNE_BATCH_SUBMISSIONS": "0"}
    result = TribuneCLI(tribune_cli.workdir, env).run("writer", check=False)
    assert result.returncode != 0
    assert "No comment writer is needed" in result.stderr
    assert not list(Path(tribune_cli.workdir).rglob("*.comments.sock"))
