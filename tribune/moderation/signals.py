"""Django signals of the moderation domain.

:data:`comment_decided` lets the layers above hear of a decision without this
package importing them (webhooks and e-mail live above moderation; see
docs/architecture.md): they connect in their ``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by comment_decide inside the decision's transaction, with ``comment`` (the
# decided Comment) and ``action`` (approve, reject or edit; an undo sends none).
# What a receiver writes commits or rolls back with the decision itself.
comment_decided = Signal()
