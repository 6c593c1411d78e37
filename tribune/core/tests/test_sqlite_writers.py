"""SQLite writers take turns on a lock (tribune.core.sqlite) instead of
sleeping and retrying: under contention every transaction commits, in
threads of one process and across processes, and a writer that cannot get
the lock within the timeout is told "database is locked"."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time

import pytest
from django.db.utils import OperationalError

from tribune.core.sqlite.base import DatabaseWrapper

WRITERS, ROWS = 4, 50


def _connection(path, timeout: float = 20) -> DatabaseWrapper:
    return DatabaseWrapper({
        "ENGINE": "tribune.core.sqlite", "NAME": str(path), "USER": "", "PASSWORD": "",
        "HOST": "", "PORT": "", "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "TEST": {},
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                    "transaction_mode": "IMMEDIATE", "timeout": timeout},
    }, alias=f"writer-test-{threading.get_ident()}")


def _begin(connection: DatabaseWrapper) -> None:
    # What transaction.atomic does at its outermost level.
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(connection: DatabaseWrapper) -> None:
    connection.commit()
    connection.set_autocommit(True)


def _write(path, writer: int) -> None:
    connection = _connection(path)
    try:
        for row in range(ROWS):
            _begin(connection)
            with connection.cursor() as cursor:
                # Read then write in one transaction: a lost update would show.
                cursor.execute("SELECT total FROM counter")
                (total,) = cursor.fetchone()
                cursor.execute("UPDATE counter SET total = %s", [total + 1])
                cursor.execute("INSERT INTO row (writer, n) VALUES (%s, %s)", [writer, row])
            _end(connection)
    finally:
        connection.close()


@pytest.fixture
def database(tmp_path, django_db_blocker):
    path = tmp_path / "writers.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE counter (total INTEGER NOT NULL)")
        db.execute("INSERT INTO counter VALUES (0)")
        db.execute("CREATE TABLE row (writer INTEGER, n INTEGER)")
    # Connections of our own to a file of our own, not the test database.
    with django_db_blocker.unblock():
        yield path


def _figures(path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        return (db.execute("SELECT total FROM counter").fetchone()[0],
                db.execute("SELECT count(*) FROM row").fetchone()[0])


def test_threads_and_processes_all_commit_without_lost_updates(database):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write, args=(database, 100 + i)) for i in range(2)]
    threads = [threading.Thread(target=_write, args=(database, i)) for i in range(WRITERS)]
    for worker in (*processes, *threads):
        worker.start()
    for thread in threads:
        thread.join(timeout=120)
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    expected = (WRITERS + 2) * ROWS
    assert _figures(database) == (expected, expected)


def test_a_writer_waits_for_the_lock_then_gives_up_with_locked(database):
    holder = _connection(database)
    waiter = _connection(database, timeout=0.5)
    _begin(holder)
    with holder.cursor() as cursor:
        cursor.execute("UPDATE counter SET total = total + 1")
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        _begin(waiter)
    assert 0.4 < time.monotonic() - started < 5
    _end(holder)
    # Once the holder committed, the waiter writes at once.
    waiter.set_autocommit(True)
    _begin(waiter)
    with waiter.cursor() as cursor:
        cursor.execute("UPDATE counter SET total = total + 1")
    _end(waiter)
    holder.close()
    waiter.close()
    assert _figures(database)[0] == 2


def test_a_rolled_back_transaction_releases_the_lock(database):
    first, second = _connection(database, timeout=2), _connection(database, timeout=2)
    _begin(first)
    first.rollback()
    first.set_autocommit(True)
    _begin(second)  # would time out if the rollback had kept the lock
    _end(second)
    first.close()
    second.close()
