"""Keeping the render store true when something a render depends on changes
outside a decision.

Decisions re-render through :func:`~tribune.publishing.services.thread_publish`
explicitly. These receivers cover the rest, whichever code path saves the rows:
a new thread (its empty view replaces "no thread yet"), a thread whose title was
filled or that closed by itself (threads' ``thread_view_changed``), a deleted thread, and
sites, origins and desks (which decide whether a URL has comments at all, and
the language and direction every render states).

They also bump the stamps under which processes keep configuration that every
submission needs (:meth:`tribune.publishing.store.FileStore.remembered`):
``CONFIG`` when webhooks or queue alerts change, ``BANS`` when bans do,
``THREADS`` when a thread is created, saved again or deleted (its settings, its
title; ``Thread.objects.update`` bumps it itself). On PostgreSQL the bump is
written and announced in the transaction of the change (see the store).

Apps above publishing (moderation's bans, notifications' queue alerts,
webhooks) name their stamped models themselves with :func:`stamp_on_change`
in their ``AppConfig.ready``: publishing does not import them.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from tribune.sites.models import Desk, Site, SiteOrigin
from tribune.threads.models import Thread
from tribune.threads.signals import thread_view_changed

from . import services
from .store import THREADS

# model -> the stamp its changes bump; filled by stamp_on_change.
STAMPED: dict[type, str] = {}


def _thread_saved(sender, instance: Thread, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if created:
        services.thread_created(thread=instance)
    services.stamp_invalidate(THREADS)


def _thread_view_changed(sender, thread: Thread, **kwargs) -> None:
    services.thread_publish(thread=thread)


def _thread_deleted(sender, instance: Thread, **kwargs) -> None:
    services.renders_invalidate()
    services.stamp_invalidate(THREADS)


def _site_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        services.renders_invalidate()


def _desk_saved(sender, instance: Desk, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if not created:
        services.desk_republish(desk_id=instance.pk)
    services.renders_invalidate()


def _stamped_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        services.stamp_invalidate(STAMPED[sender])


def connect() -> None:
    post_save.connect(_thread_saved, sender=Thread, dispatch_uid="publishing.thread_saved")
    post_delete.connect(_thread_deleted, sender=Thread, dispatch_uid="publishing.thread_deleted")
    thread_view_changed.connect(_thread_view_changed, sender=Thread,
                                dispatch_uid="publishing.thread_view_changed")
    for model in (Site, SiteOrigin):
        post_save.connect(_site_changed, sender=model,
                          dispatch_uid=f"publishing.{model.__name__}_saved")
        post_delete.connect(_site_changed, sender=model,
                            dispatch_uid=f"publishing.{model.__name__}_deleted")
    post_save.connect(_desk_saved, sender=Desk, dispatch_uid="publishing.desk_saved")
    post_delete.connect(_site_changed, sender=Desk, dispatch_uid="publishing.desk_deleted")


def stamp_on_change(model: type, stamp: str) -> None:
    """Bump ``stamp`` (a name of :mod:`tribune.publishing.store`, e.g. ``BANS``)
    whenever a ``model`` row is saved or deleted. Called by the owning app's
    ``ready``; connecting twice is harmless."""
    STAMPED[model] = stamp
    post_save.connect(_stamped_changed, sender=model,
                      dispatch_uid=f"publishing.{model.__name__}_stamp_saved")
    post_delete.connect(_stamped_changed, sender=model,
                        dispatch_uid=f"publishing.{model.__name__}_stamp_deleted")
