"""What the processes ``tribune serve`` starts beside its web workers share."""

from __future__ import annotations

import os
import threading


class CompanionLoop:
    """The stop switch of a companion process's loop: :meth:`stop` (from a
    signal handler or another thread) ends it, and so does the death of
    ``parent_pid`` (the ``tribune serve`` that started it, killed outright)."""

    def __init__(self, *, parent_pid: int | None = None):
        self.parent_pid = parent_pid
        self._stop = threading.Event()

    def stop(self, *_args: object) -> None:
        self._stop.set()

    def stopping(self) -> bool:
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            self._stop.set()
        return self._stop.is_set()
