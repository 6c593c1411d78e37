"""``tribune export FILE``: the whole editorial state as JSON Lines, and the
restore half that ``tribune import tribune FILE`` uses.

One record per line, in an order an import can follow: a header, desks,
sites (origins, Terms of Use), moderators (name, role, desks — no password),
threads, comments (each with its decisions, oldest first), an end record.
Rows are named by keys that mean the same in any installation: a desk by code,
a site by its origins, a thread by URL, a comment by ``<instance>:<id>`` (or
the key it was imported under), a moderator by user name. Not exported:
passwords, API tokens, webhook secrets, e-mail addresses, network keys.
Comments are read in pages of :data:`PAGE`, so memory does not grow with the
size of the database.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tribune.comments.models import Comment
from tribune.moderation.models import Decision, DeskAssignment
from tribune.sites.models import Clause, Desk, Site, SiteOrigin
from tribune.threads.models import Thread

from .engine import ImportRefused
from .models import ImportedComment, Instance, Source
from .records import dump_fields, load_fields

PAGE = 1000
FORMAT_VERSION = 1


def _line(out, record: dict) -> None:
    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    out.write("\n")


def instance_key() -> str:
    row = Instance.objects.first()
    if row is None:
        row, _created = Instance.objects.get_or_create(key=uuid.uuid4().hex[:12])
    return row.key


def export_write(out, *, progress=None) -> dict[str, int]:
    """Write the export to the text stream ``out``; counts of what was written.
    Read in one transaction, so the file is a consistent snapshot."""
    counts = defaultdict(int)
    me = instance_key()
    with transaction.atomic():
        _line(out, {"type": "tribune-export", "version": FORMAT_VERSION})
        for desk in Desk.objects.order_by("code"):
            _line(out, {"type": "desk", "code": desk.code,
                        "fields": dump_fields(desk, skip={"code"})})
            counts["desks"] += 1
        for site in Site.objects.select_related("default_desk").order_by("id"):
            _line(out, {
                "type": "site",
                "origins": list(SiteOrigin.objects.filter(site=site).order_by("id")
                                .values_list("origin", flat=True)),
                "desk": site.default_desk.code,
                "fields": dump_fields(site, skip=set()),
                "clauses": [dump_fields(c, skip={"site"})
                            for c in Clause.objects.filter(site=site).order_by("number")],
            })
            counts["sites"] += 1
        User = get_user_model()
        people = User.objects.filter(Q(is_staff=True) | Q(decisions__isnull=False)).distinct()
        for user in people.order_by("username"):
            _line(out, {
                "type": "moderator", "username": user.get_username(),
                "admin": user.is_superuser, "active": user.is_active, "staff": user.is_staff,
                "desks": [{"desk": a.desk.code, "fields": dump_fields(a, skip=set())}
                          for a in DeskAssignment.objects.filter(user=user)
                          .select_related("desk").order_by("desk__code")],
            })
            counts["moderators"] += 1
        for thread in Thread.objects.select_related("desk").order_by("id").iterator(PAGE):
            _line(out, {"type": "thread", "url": thread.url,
                        "fields": {**dump_fields(thread, skip={"url"}),
                                   "desk": thread.desk.code}})
            counts["threads"] += 1
        last = 0
        while True:
            page = list(Comment.objects.filter(pk__gt=last).order_by("pk")
                        .select_related("thread", "commenter")[:PAGE])
            if not page:
                break
            last = page[-1].pk
            ids = {c.pk for c in page} | {c.parent_id for c in page if c.parent_id}
            keys = dict(ImportedComment.objects.filter(source=Source.TRIBUNE, comment_id__in=ids)
                        .values_list("comment_id", "source_id"))
            decisions = defaultdict(list)
            for d in (Decision.objects.filter(comment__in=page).select_related("moderator")
                      .order_by("created_at", "id")):
                decisions[d.comment_id].append(d)
            for comment in page:
                positions = {d.pk: i for i, d in enumerate(decisions[comment.pk])}
                _line(out, {
                    "type": "comment",
                    "key": keys.get(comment.pk, f"{me}:{comment.pk}"),
                    "thread": comment.thread.url,
                    "parent": (keys.get(comment.parent_id, f"{me}:{comment.parent_id}")
                               if comment.parent_id else None),
                    "commenter": comment.commenter.token_hash,
                    "fields": dump_fields(comment, skip=set()),
                    "decisions": [
                        {**dump_fields(d, skip=set()),
                         "moderator": d.moderator.get_username() if d.moderator else None,
                         "undoes": positions.get(d.undoes_id)
                         if getattr(d, "undoes_id", None) else None}
                        for d in decisions[comment.pk]
                    ],
                })
                counts["comments"] += 1
                counts["decisions"] += len(decisions[comment.pk])
            if progress:
                progress(len(page))
        _line(out, {"type": "end", **{k: counts[k] for k in sorted(counts)}})
    return dict(counts)


# --- restoring (tribune import tribune) ----------------------------------------------


def restore_desk(record: dict) -> None:
    code = record["code"]
    if Desk.objects.filter(code=code).exists():
        return
    Desk.objects.create(code=code, **load_fields(Desk, record["fields"], skip={"code"}))


def restore_site(record: dict) -> None:
    """A site whose origins are all new is created with its own Terms of Use; one
    sharing an origin with a registered site is taken to be that site."""
    origins = record["origins"]
    if not origins:
        raise ImportRefused(_("A site record has no origins."))
    if SiteOrigin.objects.filter(origin__in=origins).exists():
        return
    desk = Desk.objects.filter(code=record["desk"]).first()
    if desk is None:
        raise ImportRefused(_("A site names a desk %(code)s the export does not describe.")
                            % {"code": record["desk"]})
    values = load_fields(Site, record["fields"], skip={"default_desk"})
    created_at = values.pop("created_at", None)
    site = Site.objects.create(default_desk=desk, **values)
    if created_at:
        Site.objects.filter(pk=site.pk).update(created_at=created_at)
    SiteOrigin.objects.bulk_create(SiteOrigin(site=site, origin=o) for o in origins)
    Clause.objects.bulk_create(Clause(site=site, **load_fields(Clause, c, skip={"site"}))
                               for c in record["clauses"])


def restore_moderator(record: dict) -> None:
    """A moderator who does not exist yet is created without a password (an
    administrator sets one); an existing one is left as it is."""
    User = get_user_model()
    name = record["username"]
    if User.objects.filter(username=name).exists():
        return
    user = User(username=name, is_staff=bool(record.get("staff", True)),
                is_superuser=bool(record.get("admin")),
                is_active=bool(record.get("active", True)))
    user.set_unusable_password()
    user.save()
    for entry in record.get("desks") or []:
        desk = Desk.objects.filter(code=entry["desk"]).first()
        if desk is None:
            raise ImportRefused(_("A moderator names a desk %(code)s the export does not "
                                  "describe.") % {"code": entry["desk"]})
        DeskAssignment.objects.create(
            user=user, desk=desk,
            **load_fields(DeskAssignment, entry.get("fields") or {}, skip={"user", "desk"}))
