"""Importing another system's comments (``tribune import``).

Effects: everything is committed in one transaction, then the touched threads'
published views are rendered after the commit, in chunks
(:func:`tribune.importers.services.import_file`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tribune.importers.engine import Counts
from tribune.importers.services import (
    DEFAULT_DELETED_CLAUSE,
    DEFAULT_SPAM_CLAUSE,
    import_file,
)


def comments_import(
    *, source: str, path: str | Path, origin: str = "", spam_clause: int = DEFAULT_SPAM_CLAUSE,
    deleted_clause: int = DEFAULT_DELETED_CLAUSE, bytes_read: Callable[[int], None] | None = None,
    comments_read: Callable[[int], None] | None = None,
) -> Counts:
    """Import ``path`` as ``source``; ``ImportRefused`` (nothing imported) for a
    file that is not what it claims."""
    return import_file(source=source, path=path, origin=origin, spam_clause=spam_clause,
                       deleted_clause=deleted_clause, bytes_read=bytes_read,
                       comments_read=comments_read)
