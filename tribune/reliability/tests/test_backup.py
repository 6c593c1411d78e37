"""`tribune backup FILE` while a server writes, and `tribune restore FILE` into a
fresh installation: the data is identical, and a backup taken mid-load holds
every comment acknowledged before it started."""

from __future__ import annotations

import json
import threading
import time
import uuid

from conftest import TribuneCLI, free_port, fresh_database
from tribune.reliability.testing import ARTICLE, Server, request

LETTERS = str.maketrans("0123456789", "ghijklmnop")
NO_LIMITS = {"TRIBUNE_RATE_SUBMIT_COMMENTER": "", "TRIBUNE_RATE_SUBMIT_NETWORK": ""}
# What a restore must bring back identically (sessions and the like may differ
# only if written after the backup).
DUMPED = ["sites", "threads", "comments", "moderation", "publishing", "privacy", "auth.user"]


def dump(cli: TribuneCLI) -> list[dict]:
    out = cli.run("dumpdata", *DUMPED, "--indent", "0").stdout
    return sorted(json.loads(out), key=lambda row: (row["model"], str(row["pk"])))


def backup_bodies(cli: TribuneCLI) -> set[str]:
    rows = json.loads(cli.run("dumpdata", "comments.comment").stdout)
    return {row["fields"]["body"] for row in rows}


def test_backup_during_writes_and_restore_into_a_fresh_directory(prepared_tribune, tmp_path):
    cli = prepared_tribune
    server = Server(cli, free_port(), workers=2, env=NO_LIMITS)
    server.start()
    acked: list[tuple[float, str]] = []  # (time answered, body)
    stop = threading.Event()

    def writer(number: int) -> None:
        while not stop.is_set():
            body = f"Backup test {number} {uuid.uuid4().hex.translate(LETTERS)}"
            status, _body, _headers = request(
                f"{server.url}/api/v1/comments", method="POST",
                data={"url": ARTICLE, "author": "Writer", "body": body})
            assert status == 202
            acked.append((time.monotonic(), body))

    def acknowledged(count: int) -> None:
        """Wait until ``count`` comments have been answered 202 (a loaded
        machine's first requests are slow: a fixed second once saw only 4)."""
        deadline = time.monotonic() + 60
        while len(acked) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(3)]
    try:
        for thread in threads:
            thread.start()
        acknowledged(10)
        mid_started = time.monotonic()
        result = cli.run("backup", str(tmp_path / "mid.backup"))
        assert "Backed up the" in result.stdout
        acknowledged(len(acked) + 5)  # writes go on after the backup, too
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    try:
        cli.run("backup", str(tmp_path / "final.backup"))
        source = dump(cli)
    finally:
        server.stop()
    assert (tmp_path / "mid.backup").stat().st_mode & 0o077 == 0  # owner only

    before_mid = {body for at, body in acked if at < mid_started}
    all_sent = {body for _at, body in acked}
    assert len(before_mid) > 5 and len(all_sent) > len(before_mid)

    # The final backup, restored into a fresh installation, is the same data.
    final_dir = tmp_path / "restored-final"
    final_dir.mkdir()
    with fresh_database(final_dir) as env:
        restored = TribuneCLI(final_dir, env)
        restored.run("restore", str(tmp_path / "final.backup"))
        assert dump(restored) == source
        # A database that holds data is not overwritten by accident.
        refused = restored.run("restore", str(tmp_path / "mid.backup"), check=False)
        assert refused.returncode != 0
        assert "already holds data" in refused.stderr and "--force" in refused.stderr

    # The backup taken under load is a consistent snapshot holding every
    # comment answered 202 before it started, and nothing that was never sent.
    mid_dir = tmp_path / "restored-mid"
    mid_dir.mkdir()
    with fresh_database(mid_dir) as env:
        restored = TribuneCLI(mid_dir, env)
        restored.run("restore", str(tmp_path / "mid.backup"))
        bodies = {b for b in backup_bodies(restored) if b.startswith("Backup test ")}
        assert before_mid <= bodies <= all_sent


def test_restore_refuses_what_is_not_a_backup(fresh_tribune, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    result = fresh_tribune.run("restore", str(not_a_backup), check=False)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    missing = fresh_tribune.run("restore", str(tmp_path / "missing.backup"), check=False)
    assert missing.returncode != 0 and "There is no backup file" in missing.stderr
