"""A reader erasing their data: deleting one of their comments or all of them.

Effects (tribune.privacy.retention): a pending comment is deleted; a decided
one is erased, moved to a fresh pseudonym, and its thread re-rendered in the
same transaction, so after commit no published view shows it.
"""

from __future__ import annotations

from tribune.comments.models import Commenter
from tribune.privacy.retention import DeletionReport, reader_comments_delete


def reader_data_erase(*, commenter: Commenter | None, comment_id: object = None) -> DeletionReport:
    """Delete or erase the reader's comment ``comment_id``, or all their comments
    (``comment_id`` None). Another reader's comment is ``NotFound``."""
    return reader_comments_delete(commenter=commenter, comment_id=comment_id)
