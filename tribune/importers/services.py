"""Importing comment histories and exporting Tribune's own state.

:func:`import_file` is the one entry point for every source. The whole import
runs in ONE database transaction: a malformed or hostile file, found at any
point up to its last byte, leaves the database exactly as it was. Memory stays
bounded because the file is streamed and rows are written in batches inside
that transaction — the database, not the process, holds the work in progress
(PostgreSQL and SQLite both handle a million-row transaction; readers of
SQLite wait on the write lock meanwhile, so import into a busy SQLite
installation at a quiet hour).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.errors import InvalidInput

from .engine import Counts, Importer, ImportRefused, runs_render_pending, threads_render
from .models import ImportRun, Source
from .sources import read_disqus, read_isso, read_tribune, read_wordpress

DEFAULT_SPAM_CLAUSE = 5  # "No spam or advertising" in the default Terms of Use
DEFAULT_DELETED_CLAUSE = 5


class _Progress:
    """A binary file that reports how many bytes were read."""

    def __init__(self, handle, advance: Callable[[int], None] | None):
        self.handle = handle
        self.advance = advance

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if self.advance:
            self.advance(len(data))
        return data

    def __iter__(self):
        for line in self.handle:
            if self.advance:
                self.advance(len(line))
            yield line


def import_file(
    *, source: str, path: str | Path, origin: str = "",
    spam_clause: int = DEFAULT_SPAM_CLAUSE, deleted_clause: int = DEFAULT_DELETED_CLAUSE,
    bytes_read: Callable[[int], None] | None = None,
    comments_read: Callable[[int], None] | None = None,
) -> Counts:
    """Import ``path`` as ``source`` (disqus, wordpress, isso, tribune).

    Raises :class:`ImportRefused` (nothing imported) for a file that is not
    what it claims, malformed, truncated, in a wrong encoding or hostile. On
    success everything is committed, then the touched threads' published views
    are rendered (in chunks, after the commit, so memory stays bounded), and the
    returned counts say what was imported and skipped.
    Running it again on the same file imports nothing twice."""
    if source not in Source.values:
        raise InvalidInput(_("Import from disqus, wordpress, isso or tribune."), field="source")
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(_("There is no file %(path)s.") % {"path": path})
    runs_render_pending()
    with transaction.atomic():
        run = ImportRun.objects.create(source=source, file_name=path.name[:255],
                                       started_at=timezone.now())
        importer = Importer(source=source, run=run, progress=comments_read,
                            clauses={"spam": spam_clause, "deleted": deleted_clause})
        try:
            if source == Source.ISSO:
                read_isso(path, importer, origin=origin)
            else:
                reader = {Source.DISQUS: read_disqus, Source.WORDPRESS: read_wordpress,
                          Source.TRIBUNE: read_tribune}[source]
                with path.open("rb") as handle:
                    reader(_Progress(handle, bytes_read), importer)
            counts = importer.finish()
        finally:
            importer.close()
    threads_render(run=run, thread_ids=importer.touched)
    return counts


__all__ = ["ImportRefused", "import_file"]
