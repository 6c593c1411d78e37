"""Changing a site's safety settings (issue #15), from the command line.

Effects: the site row is saved (bumping ``EPOCH``: every process reads the site
again); when the precision of public times changes, every published thread of
the site is rendered again in the same transaction, since the times are part of
each render.
"""

from __future__ import annotations

from django.db import transaction

from tribune.publishing.services import thread_publish
from tribune.sites.models import Site
from tribune.sites.safety import site_safety_save
from tribune.threads.models import Thread


def site_safety_set(*, site: Site, shared_exits: bool | None = None,
                    public_times: object = None, redaction_days: object = None) -> Site:
    """Change what is given (None: unchanged); ``InvalidInput`` for a bad value."""
    with transaction.atomic():
        site, times_changed = site_safety_save(
            site=site, shared_exits=shared_exits, public_times=public_times,
            redaction_days=redaction_days)
        if times_changed:
            for thread in Thread.objects.select_related("desk", "site").filter(
                    site=site, render__isnull=False).iterator(chunk_size=500):
                thread_publish(thread=thread)
    return site
