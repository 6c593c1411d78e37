"""Backups of the whole database, taken while Tribune serves, and their restore.

SQLite: SQLite's online backup API (:meth:`sqlite3.Connection.backup`) copies a
consistent snapshot in one step while the server goes on writing (in WAL mode a
reader never blocks the writer). The copy is checked (``PRAGMA
integrity_check``), made a self-contained file (no ``-wal``), readable by its
owner only, and only then moved into place, so ``FILE`` is never half written.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot too) and
``pg_restore``; both must be installed where the command runs, in a version at
least the server's.

Either way the backup holds everything in the database, the day's network key
included: keep it as safe as the database. The secret key that signs readers'
cookies is not in the database (``TRIBUNE_SECRET_KEY`` or ``var/secret_key``):
keep it with the backup, or readers' cookies stop working after a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

from tribune.privacy.vault import VAULT_KEY_TABLE

EXPECTED_TABLE = "django_migrations"


class BackupError(Exception):
    """A backup or restore that cannot be done, said plainly."""


@dataclass
class BackupResult:
    path: Path
    size: int
    engine: str


def _settings() -> dict:
    return connections["default"].settings_dict


def _vendor() -> str:
    return connections["default"].vendor


def _check_sqlite_file(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    if result != "ok":
        raise BackupError(f"{path} is damaged: integrity check says {result!r}")
    if EXPECTED_TABLE not in tables:
        raise BackupError(f"{path} is not a Tribune database (no {EXPECTED_TABLE} table).")


def _sqlite_backup(target: Path) -> BackupResult:
    source_path = Path(_settings()["NAME"])
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path} to back up.")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".tribune-backup-", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        source = sqlite3.connect(source_path, timeout=30)
        dest = sqlite3.connect(temp)
        try:
            # pages=-1: one step, so the copy is one consistent snapshot even while
            # the server commits (a stepwise copy would restart on every write).
            source.backup(dest, pages=-1)
            # Backups never hold the redaction vault's keys: a restore gives
            # back no removed personal information (tribune.privacy.vault).
            with dest:
                dest.execute(f"DELETE FROM {VAULT_KEY_TABLE}")  # noqa: S608 - a constant
            dest.execute("VACUUM")
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
            source.close()
        os.chmod(temp, 0o600)
        _check_sqlite_file(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return BackupResult(path=target, size=target.stat().st_size, engine="sqlite")


def _sqlite_has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(path)
    try:
        return bool(conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    finally:
        conn.close()


def _sqlite_restore(source: Path, *, force: bool) -> None:
    _check_sqlite_file(source)
    target = Path(_settings()["NAME"])
    if _sqlite_has_data(target) and not force:
        raise BackupError(
            f"The database {target} already holds data. Stop the server and run the "
            "restore again with --force to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    connections["default"].close()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode=WAL")
        result = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
        src.close()
    if result != "ok":
        raise BackupError(f"The restored database is damaged: {result!r}")


def _pg_env() -> dict[str, str]:
    settings = _settings()
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if settings.get(key):
            env[name] = str(settings[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"On PostgreSQL, backups use {name}, which is not installed here. Install "
            "the PostgreSQL client tools (Debian: apt-get install postgresql-client) in "
            "the server's version, or back up with your own pg_dump/pg_restore."
        )
    return path


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _pg_backup(target: Path) -> BackupResult:
    tool = _pg_tool("pg_dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".tribune-backup-", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        # The redaction vault's keys stay out (tribune.privacy.vault).
        _run([tool, "--format=custom", "--no-owner", "--no-privileges",
              f"--exclude-table-data={VAULT_KEY_TABLE}", "--file", str(temp)])
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return BackupResult(path=target, size=target.stat().st_size, engine="postgresql")


def _pg_has_data() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return bool(cursor.fetchone()[0])


def _pg_restore(source: Path, *, force: bool) -> None:
    tool = _pg_tool("pg_restore")
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    if _pg_has_data() and not force:
        raise BackupError(
            "The database already holds data. Stop the server and run the restore again "
            "with --force to replace it."
        )
    connections["default"].close()
    command = [tool, "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", "--dbname", _pg_env()["PGDATABASE"]]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)])


def database_backup(*, path: str | Path) -> BackupResult:
    """Write a consistent backup of the whole database to ``path`` (replaced
    atomically), while the server may go on serving."""
    target = Path(path).resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a directory; name the backup file.")
    vendor = _vendor()
    if vendor == "sqlite":
        return _sqlite_backup(target)
    if vendor == "postgresql":
        return _pg_backup(target)
    raise BackupError(f"Backups of {vendor} databases are not supported.")


def database_restore(*, path: str | Path, force: bool = False) -> None:
    """Load a backup made by :func:`database_backup` into the configured database.

    Refuses a database that already holds data unless ``force``; stop the server
    first when replacing a database in use.
    """
    source = Path(path).resolve()
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    vendor = _vendor()
    if vendor == "sqlite":
        return _sqlite_restore(source, force=force)
    if vendor == "postgresql":
        return _pg_restore(source, force=force)
    raise BackupError(f"Restores into {vendor} databases are not supported.")
