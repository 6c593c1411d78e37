"""Threads as the CMS sets them: title, desk, open or closed, moderation mode.

Authorised by an API token holding the ``threads:write`` scope (a moderator's
own token holds it for the moderator's desks).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import HttpBearer

from tribune.integrations.services import UNSET, thread_save, token_authenticate_scoped
from tribune.moderation.permissions import Scope
from tribune.threads.models import Thread

from .schemas import ErrorOut, ThreadIn, ThreadSavedOut


class ScopedTokenAuth(HttpBearer):
    """A bearer token that must hold ``scope``."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str):
        return token_authenticate_scoped(token, scope=self.scope)


router = Router(tags=["threads"], auth=ScopedTokenAuth(Scope.THREADS_WRITE))


def thread_out(thread: Thread, *, created: bool) -> dict:
    render = getattr(thread, "render", None)
    return {
        "url": thread.url,
        "title": thread.title,
        "desk": thread.desk.code,
        "language": thread.desk.language,
        "direction": thread.desk.direction,
        "open": thread.is_open,
        "moderation": thread.moderation,
        "count": render.count if render is not None else 0,
        "created": created,
    }


@router.post(
    "/threads",
    response={200: ThreadSavedOut, 201: ThreadSavedOut, 400: ErrorOut, 401: ErrorOut,
              403: ErrorOut, 404: ErrorOut, 415: ErrorOut},
    summary="Create or update an article's thread",
)
def threads_save(request: HttpRequest, payload: ThreadIn):
    """Creates the thread of ``url`` (``201``) or changes the fields sent (``200``);
    fields left out keep their value. The published view is re-rendered at once,
    so readers see the new title, desk, and open or closed state."""
    sent = payload.model_fields_set
    saved = thread_save(
        actor=request.auth,
        url=payload.url,
        title=payload.title if "title" in sent else UNSET,
        desk=payload.desk if "desk" in sent else UNSET,
        is_open=payload.open if "open" in sent else UNSET,
        moderation=payload.moderation if "moderation" in sent else UNSET,
    )
    thread = Thread.objects.select_related("desk", "render").get(pk=saved.thread.pk)
    return Status(201 if saved.created else 200, thread_out(thread, created=saved.created))
