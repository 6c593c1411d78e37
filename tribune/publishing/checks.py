"""A system check: the fast paths answer some requests before Django's middleware
(:mod:`tribune.publishing.fastpath`, :mod:`tribune.publishing.intake`), reproducing only
what Tribune's own middleware do for them. Middleware added to ``MIDDLEWARE``
would be skipped for those requests without a word, so ``tribune check`` (and
``tribune serve``, which runs the checks) fails instead, until the fast paths are
switched off (``TRIBUNE_FAST_PATHS=0``) or the list is Tribune's again."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def fast_paths_know_every_middleware(app_configs=None, **kwargs) -> list[Error]:
    # Imported only when the check runs: a deployment may use settings of its own,
    # and importing the shipped module reads (or makes) its secret key.
    from tribune import settings as shipped

    if not settings.TRIBUNE_FAST_PATHS:
        return []
    configured = list(settings.MIDDLEWARE)
    if configured == list(shipped.MIDDLEWARE):
        return []
    unknown = [name for name in configured if name not in shipped.MIDDLEWARE]
    missing = [name for name in shipped.MIDDLEWARE if name not in configured]
    described = ", ".join([*(f"added {name}" for name in unknown),
                           *(f"removed {name}" for name in missing)]) or "reordered"
    return [Error(
        f"MIDDLEWARE differs from Tribune's own ({described}): the fast paths for "
        "reads and submissions answer before Django's middleware and would skip it.",
        hint="Set TRIBUNE_FAST_PATHS=0 to send every request through Django, or keep "
             "Tribune's MIDDLEWARE.",
        id="tribune.E001",
    )]
