"""What a process may remember between requests, and the news that it changed.

Every submission needs the site of an origin and the thread of a URL; sites and
threads keep those answers in the process under *stamps* (names below), and a
change to what a stamp stands for is announced so that every process drops what
it kept under it. The render store (:mod:`tribune.publishing.store`) does the
remembering and carries the news between processes and hosts; publishing sits
above sites and threads, so it installs the store here in its
``AppConfig.ready`` (:func:`memory_install`) and they ask this module. Without
a store installed nothing is remembered and nobody needs telling.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

# The stamps: renders, sites and desks (EPOCH); webhooks and queue alerts
# (CONFIG); bans (BANS); threads (THREADS). QUEUE: the moderation queue moved
# (a comment arrived, was decided, or a moderator opened one); nothing is kept
# under it, open queues watch it to know when to look at the database.
EPOCH, CONFIG, BANS, THREADS = "EPOCH", "CONFIG", "BANS", "THREADS"
QUEUE = "QUEUE"

T = TypeVar("T")


class Memory(Protocol):
    def remembered(self, stamp: str | tuple[str, ...], key: Hashable,
                   compute: Callable[[], T]) -> T:
        """``compute()``, kept for as long as ``stamp`` (each of several) is
        unchanged."""

    def changed(self, name: str) -> None:
        """Record in the current transaction that what stamp ``name`` stands for
        changes: once committed, every process drops what it keeps under it."""


class _Forgetful:
    def remembered(self, stamp: str | tuple[str, ...], key: Hashable,
                   compute: Callable[[], T]) -> T:
        return compute()

    def changed(self, name: str) -> None:
        return None


_FORGETFUL = _Forgetful()
_memory: Callable[[], Memory] = lambda: _FORGETFUL  # noqa: E731 - replaced at ready


def memory_install(memory: Callable[[], Memory]) -> None:
    """Remember through ``memory()`` (the process's render store, which tests may
    swap, hence a function); called by publishing's ``ready``."""
    global _memory
    _memory = memory


def remembered(stamp: str | tuple[str, ...], key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process for as long as ``stamp`` is unchanged
    (inside a transaction, or without a store, ``compute()`` every time)."""
    return _memory().remembered(stamp, key, compute)


def changed(name: str) -> None:
    """Announce, once the current transaction commits, that what stamp ``name``
    stands for has changed."""
    _memory().changed(name)
