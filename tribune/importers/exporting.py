"""``tribune export FILE``: the whole editorial state as JSON Lines, and the
restore half that ``tribune import tribune FILE`` uses.

One record per line, in an order an import can follow: a header, desks,
moderators (and integrations), the desks' triage word lists, sites (origins,
Terms of Use, two-factor rule, triage policy, webhooks), threads, triage
clusters, comments (each with its decisions, triage, reports and erasure),
bans, an end record. Rows are named by keys that mean the same in any
installation: a desk by code, a site by its origins, a thread by URL, a
moderator by user name, a comment, ban or cluster by ``<instance>:<id>`` (or
the key it was imported under).

Secrets stay behind unless the operator asks for them (``include_secrets``,
``tribune export --include-secrets``): then password hashes and webhook
secrets are written too. Never exported: API tokens, two-factor secrets,
network keys, readers' e-mail addresses, outboxes and logs.
docs/import-export.md says what travels and why. Comments are read in pages of
:data:`PAGE`, so memory does not grow with the size of the database.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _

from tribune.accounts.models import SiteSecurity
from tribune.comments.models import Comment, Commenter
from tribune.integrations.models import Integration
from tribune.moderation.models import Ban, Decision, DeskAssignment, Report
from tribune.notifications.models import QueueAlert
from tribune.privacy.models import Erasure
from tribune.sites.models import Clause, Desk, Site, SiteOrigin
from tribune.threads.models import Thread
from tribune.triage import campaign
from tribune.triage.models import Band, Cluster, CommentTriage, Policy, Term
from tribune.webhooks.models import Webhook

from .models import ImportedComment, ImportedRecord, Instance, Source
from .records import ORIGIN, ImportRefused, dump_fields, load_fields

PAGE = 1000
FORMAT_VERSION = 2
# Fields of a user that stay behind: the password travels only as a secret,
# the last login belongs to the old server.
USER_SKIP = {"password", "username", "last_login"}


def _line(out, record: dict) -> None:
    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    out.write("\n")


def instance_key() -> str:
    row = Instance.objects.first()
    if row is None:
        row, _created = Instance.objects.get_or_create(key=uuid.uuid4().hex[:12])
    return row.key


def _record_keys(kind: str, ids) -> dict[int, str]:
    return dict(ImportedRecord.objects.filter(kind=kind, object_id__in=list(ids))
                .values_list("object_id", "key"))


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def export_write(out, *, progress=None, include_secrets: bool = False) -> dict[str, int]:
    """Write the export to the text stream ``out``; counts of what was written.
    Read in one transaction, so the file is a consistent snapshot. Password
    hashes and webhook secrets are written only with ``include_secrets``."""
    counts = defaultdict(int)
    me = instance_key()
    with transaction.atomic():
        _line(out, {"type": "tribune-export", "version": FORMAT_VERSION,
                    "secrets": include_secrets})
        _write_desks(out, counts)
        _write_people(out, counts, include_secrets=include_secrets)
        _write_sites(out, counts, include_secrets=include_secrets)
        for thread in Thread.objects.select_related("desk").order_by("id").iterator(PAGE):
            _line(out, {"type": "thread", "url": thread.url,
                        "fields": {**dump_fields(thread, skip={"url"}),
                                   "desk": thread.desk.code}})
            counts["threads"] += 1
        _write_clusters(out, counts, me)
        _write_comments(out, counts, me, progress)
        _write_bans(out, counts, me)
        _line(out, {"type": "end", **{k: counts[k] for k in sorted(counts)}})
    return dict(counts)


def _write_desks(out, counts) -> None:
    alerts = {a.desk_id: a for a in QueueAlert.objects.all()}
    for desk in Desk.objects.order_by("code"):
        alert = alerts.get(desk.pk)
        _line(out, {"type": "desk", "code": desk.code,
                    "fields": dump_fields(desk, skip={"code"}),
                    "queue_alert": dump_fields(alert, skip=set()) if alert else None})
        counts["desks"] += 1


def _write_people(out, counts, *, include_secrets: bool) -> None:
    User = get_user_model()
    for user in User.objects.order_by(User.USERNAME_FIELD):
        record = {
            "type": "moderator", "username": user.get_username(),
            "fields": dump_fields(user, skip=USER_SKIP),
            "can_log_in": user.has_usable_password(),
            "permissions": sorted(
                f"{app}.{code}" for app, code in user.user_permissions.values_list(
                    "content_type__app_label", "codename")),
            "desks": [{"desk": a.desk.code, "fields": dump_fields(a, skip=set())}
                      for a in DeskAssignment.objects.filter(user=user)
                      .select_related("desk").order_by("desk__code")],
        }
        if include_secrets:
            record["password"] = user.password
        _line(out, record)
        counts["moderators"] += 1
    for integration in Integration.objects.select_related("user").order_by("name"):
        _line(out, {"type": "integration", "name": integration.name,
                    "username": integration.user.get_username(),
                    "fields": dump_fields(integration, skip={"name"})})
        counts["integrations"] += 1
    by_desk = defaultdict(list)
    for term in Term.objects.select_related("desk", "added_by").order_by("desk__code", "term"):
        by_desk[term.desk.code].append({**dump_fields(term, skip=set()),
                                        "added_by": _name(term.added_by)})
    for code in sorted(by_desk):
        _line(out, {"type": "terms", "desk": code, "terms": by_desk[code]})
        counts["terms"] += len(by_desk[code])


def _write_sites(out, counts, *, include_secrets: bool) -> None:
    two_factor = set(SiteSecurity.objects.filter(require_two_factor=True)
                     .values_list("site_id", flat=True))
    policies = {p.site_id: p for p in Policy.objects.all()}
    for site in Site.objects.select_related("default_desk").order_by("id"):
        hooks = []
        for hook in Webhook.objects.filter(site=site).order_by("id"):
            entry = {"fields": dump_fields(hook, skip={"secret"})}
            if include_secrets:
                entry["secret"] = hook.secret
            hooks.append(entry)
        policy = policies.get(site.pk)
        _line(out, {
            "type": "site",
            "origins": list(SiteOrigin.objects.filter(site=site).order_by("id")
                            .values_list("origin", flat=True)),
            "desk": site.default_desk.code,
            "fields": dump_fields(site, skip=set()),
            "clauses": [dump_fields(c, skip={"site"})
                        for c in Clause.objects.filter(site=site).order_by("number")],
            "two_factor": site.pk in two_factor,
            "triage_policy": dump_fields(policy, skip=set()) if policy else None,
            "webhooks": hooks,
        })
        counts["sites"] += 1
        counts["webhooks"] += len(hooks)


def _write_clusters(out, counts, me: str) -> None:
    last = 0
    while True:
        page = list(Cluster.objects.filter(pk__gt=last).order_by("pk")[:PAGE])
        if not page:
            return
        last = page[-1].pk
        keys = _record_keys("cluster", (c.pk for c in page))
        for cluster in page:
            _line(out, {"type": "cluster", "key": keys.get(cluster.pk, f"{me}:{cluster.pk}"),
                        "fields": dump_fields(cluster, skip=set())})
            counts["clusters"] += 1


def _write_comments(out, counts, me: str, progress) -> None:
    last = 0
    while True:
        page = list(Comment.objects.filter(pk__gt=last).order_by("pk")
                    .select_related("thread", "commenter")[:PAGE])
        if not page:
            return
        last = page[-1].pk
        ids = {c.pk for c in page} | {c.parent_id for c in page if c.parent_id}
        keys = dict(ImportedComment.objects.filter(source=Source.TRIBUNE, comment_id__in=ids)
                    .values_list("comment_id", "source_id"))
        decisions = defaultdict(list)
        for d in (Decision.objects.filter(comment__in=page).select_related("moderator")
                  .order_by("created_at", "id")):
            decisions[d.comment_id].append(d)
        triages = {t.comment_id: t for t in CommentTriage.objects.filter(comment__in=page)}
        cluster_keys = _record_keys("cluster", {t.cluster_id for t in triages.values()
                                                if t.cluster_id})
        reports = defaultdict(list)
        for r in (Report.objects.filter(comment__in=page).select_related("resolved_by")
                  .order_by("created_at", "id")):
            reports[r.comment_id].append(r)
        erasures = {e.comment_id: e for e in Erasure.objects.filter(comment__in=page)}
        origins = _origins(c.pk for c in page)
        for comment in page:
            positions = {d.pk: i for i, d in enumerate(decisions[comment.pk])}
            triage = triages.get(comment.pk)
            erasure = erasures.get(comment.pk)
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
                     "moderator": _name(d.moderator),
                     "undoes": positions.get(d.undoes_id) if d.undoes_id else None}
                    for d in decisions[comment.pk]
                ],
                "triage": None if triage is None else {
                    **dump_fields(triage, skip=set()),
                    "cluster": (cluster_keys.get(triage.cluster_id, f"{me}:{triage.cluster_id}")
                                if triage.cluster_id else None)},
                "reports": [{**dump_fields(r, skip=set()), "resolved_by": _name(r.resolved_by)}
                            for r in reports[comment.pk]],
                "erasure": dump_fields(erasure, skip=set()) if erasure else None,
                "imported_from": origins.get(comment.pk),
            })
            counts["comments"] += 1
            counts["decisions"] += len(decisions[comment.pk])
            counts["reports"] += len(reports[comment.pk])
            counts["triaged"] += triage is not None
            counts["erasures"] += erasure is not None
        if progress:
            progress(len(page))


def _origins(ids) -> dict[int, dict]:
    """Which Disqus, WordPress or Isso comment each comment was imported from
    (here, or on the server whose export brought it), so that importing that
    source's file on the new server still imports nothing twice."""
    ids = list(ids)
    found = {cid: {"source": source, "id": sid} for cid, source, sid in
             ImportedComment.objects.filter(comment_id__in=ids).exclude(source=Source.TRIBUNE)
             .values_list("comment_id", "source", "source_id")}
    for cid, kind, key in (ImportedRecord.objects.filter(kind__startswith=ORIGIN,
                                                         object_id__in=ids)
                           .values_list("object_id", "kind", "key")):
        found[cid] = {"source": kind.removeprefix(ORIGIN), "id": key}
    return found


def _write_bans(out, counts, me: str) -> None:
    last = 0
    while True:
        page = list(Ban.objects.filter(pk__gt=last).order_by("pk")
                    .select_related("commenter", "desk", "created_by", "lifted_by")[:PAGE])
        if not page:
            return
        last = page[-1].pk
        keys = _record_keys("ban", (b.pk for b in page))
        for ban in page:
            _line(out, {"type": "ban", "key": keys.get(ban.pk, f"{me}:{ban.pk}"),
                        "commenter": ban.commenter.token_hash,
                        "desk": ban.desk.code if ban.desk else None,
                        "created_by": _name(ban.created_by),
                        "lifted_by": _name(ban.lifted_by),
                        "fields": dump_fields(ban, skip=set())})
            counts["bans"] += 1


# --- restoring (tribune import tribune) ----------------------------------------------
#
# The rule everywhere: a desk, site, moderator or integration that already
# exists keeps what it has (its settings, password, webhooks); only what is new
# is created, with everything the export says about it. Comments, bans and
# clusters are created once, by key, however often the file is imported.


def _set_created(model, pk: int, values: dict, name: str = "created_at") -> None:
    """``auto_now_add`` fields take the import's time on create: put the exported one back."""
    if values.get(name):
        model.objects.filter(pk=pk).update(**{name: values[name]})


def _desk(code: str | None, what: str) -> Desk:
    desk = Desk.objects.filter(code=code).first()
    if desk is None:
        raise ImportRefused(_("%(what)s names a desk %(code)s the export does not describe.")
                            % {"what": what, "code": code})
    return desk


def _user(name: str | None, what: str):
    if not name:
        return None
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise ImportRefused(_("%(what)s names a moderator %(name)s the export does not "
                              "describe.") % {"what": what, "name": name})
    return user


def _count(importer, kind: str, n: int = 1) -> None:
    if importer is not None and n:
        importer.counts.restored[kind] = importer.counts.restored.get(kind, 0) + n


def restore_desk(record: dict, importer=None) -> None:
    code = record["code"]
    if Desk.objects.filter(code=code).exists():
        return
    desk = Desk.objects.create(code=code, **load_fields(Desk, record["fields"], skip={"code"}))
    _count(importer, "desks")
    alert = record.get("queue_alert")
    if alert:
        QueueAlert.objects.create(desk=desk, **load_fields(QueueAlert, alert, skip={"desk"}))
        _count(importer, "queue alerts")


def restore_site(record: dict, importer=None) -> None:
    """A site whose origins are all new is created with its own Terms of Use,
    two-factor rule, triage policy and webhooks; one sharing an origin with a
    registered site is taken to be that site, whose settings stay as they are.
    A webhook exported without its secret is not created: it is listed in the
    summary, to be added again with the receiver's secret."""
    origins = record["origins"]
    if not origins:
        raise ImportRefused(_("A site record has no origins."))
    if SiteOrigin.objects.filter(origin__in=origins).exists():
        return
    desk = _desk(record["desk"], _("A site"))
    values = load_fields(Site, record["fields"], skip={"default_desk"})
    site = Site.objects.create(default_desk=desk, **values)
    _set_created(Site, site.pk, values)
    _count(importer, "sites")
    SiteOrigin.objects.bulk_create(SiteOrigin(site=site, origin=o) for o in origins)
    Clause.objects.bulk_create(Clause(site=site, **load_fields(Clause, c, skip={"site"}))
                               for c in record["clauses"])
    if record.get("two_factor"):
        SiteSecurity.objects.create(site=site, require_two_factor=True)
    policy = record.get("triage_policy")
    if policy:
        Policy.objects.create(site=site, **load_fields(Policy, policy, skip={"site"}))
    for entry in record.get("webhooks") or []:
        values = load_fields(Webhook, entry["fields"], skip={"site", "secret"})
        secret = entry.get("secret")
        if not isinstance(secret, str) or not secret:
            if importer is not None:
                importer.counts.webhooks_without_secret.append(
                    f"{origins[0]} {values.get('url', '')} "
                    f"--event {' --event '.join(values.get('events', '').split(','))}")
            continue
        hook = Webhook.objects.create(site=site, secret=secret, **values)
        _set_created(Webhook, hook.pk, values)
        _count(importer, "webhooks")


def restore_moderator(record: dict, importer=None) -> None:
    """A moderator who does not exist yet is created with their desks, roles
    and permissions, and with their password hash when the export carries it
    (``--include-secrets``); otherwise without a usable password (an
    administrator sets one). An existing one is left as it is."""
    User = get_user_model()
    name = record["username"]
    if User.objects.filter(username=name).exists():
        return
    if "fields" in record:
        values = load_fields(User, record["fields"], skip=USER_SKIP)
    else:  # version 1
        values = {"is_staff": bool(record.get("staff", True)),
                  "is_superuser": bool(record.get("admin")),
                  "is_active": bool(record.get("active", True))}
    user = User(username=name, **values)
    password = record.get("password")
    if isinstance(password, str) and password:
        user.password = password
    else:
        user.set_unusable_password()
        # Listed for an administrator to set a password, unless they had none to
        # use before either (an integration's user, a disabled account).
        if importer is not None and record.get("can_log_in") and user.is_active:
            importer.counts.moderators_without_password.append(name)
    user.save()
    _count(importer, "moderators")
    for entry in record.get("desks") or []:
        desk = _desk(entry["desk"], _("A moderator"))
        DeskAssignment.objects.create(
            user=user, desk=desk,
            **load_fields(DeskAssignment, entry.get("fields") or {}, skip={"user", "desk"}))
    for permission in record.get("permissions") or []:
        app, _dot, codename = str(permission).partition(".")
        found = Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        if found is None:
            raise ImportRefused(_("A moderator holds a permission %(name)s this installation "
                                  "does not know.") % {"name": str(permission)[:80]})
        user.user_permissions.add(found)


def restore_integration(record: dict, importer=None) -> None:
    """An integration is created (without tokens: issue new ones) unless one of
    that name exists; its user comes from the moderator records before it."""
    name = record["name"]
    if Integration.objects.filter(name=name).exists():
        return
    user = _user(record["username"], _("An integration"))
    values = load_fields(Integration, record.get("fields") or {}, skip={"name", "user"})
    integration = Integration.objects.create(name=name, user=user, **values)
    _set_created(Integration, integration.pk, values)
    _count(importer, "integrations")


def restore_terms(record: dict, importer=None) -> None:
    """A desk's triage word list, merged: terms it already lists stay as they are."""
    desk = _desk(record["desk"], _("A word list"))
    for entry in record["terms"]:
        values = load_fields(Term, entry, skip={"desk", "added_by"})
        term = values.pop("term", "")
        if not term:
            raise ImportRefused(_("A word list holds an empty term."))
        by = get_user_model().objects.filter(username=entry.get("added_by") or "").first()
        _found, created = Term.objects.get_or_create(
            desk=desk, term=term, defaults={"added_by": by, **values})
        _count(importer, "triage terms", int(created))


def _recorded(importer, kind: str, key: str) -> int | None:
    """The row a key was imported as before, or this installation's own row
    for a key of its own export; None when it is new."""
    head, _sep, tail = key.partition(":")
    if head == importer.local_prefix and tail.isdigit():
        model = {"ban": Ban, "cluster": Cluster}[kind]
        if model.objects.filter(pk=int(tail)).exists():
            return int(tail)
    return (ImportedRecord.objects.filter(kind=kind, key=key)
            .values_list("object_id", flat=True).first())


def restore_cluster(record: dict, importer) -> None:
    key = str(record["key"])
    found = _recorded(importer, "cluster", key)
    if found is not None:
        importer.clusters[key] = found
        return
    cluster = Cluster.objects.create(**load_fields(Cluster, record["fields"], skip=set()))
    ImportedRecord.objects.create(kind="cluster", key=key, object_id=cluster.pk)
    importer.clusters[key] = cluster.pk
    _count(importer, "triage clusters")


def _cluster_id(importer, key: str | None) -> int | None:
    if not key:
        return None
    if key not in importer.clusters:
        found = _recorded(importer, "cluster", key)
        if found is None:
            raise ImportRefused(_("A comment's triage names a cluster %(key)s the export does "
                                  "not describe.") % {"key": str(key)[:80]})
        importer.clusters[key] = found
    return importer.clusters[key]


def restore_comment_extras(importer, pairs) -> None:
    """Triage (with its band keys rebuilt from the stored signature), reports and
    erasures of comments just created from a Tribune export."""
    triages, bands, reports, erasures = [], [], [], []
    for record, comment in pairs:
        extras = record.extras or {}
        found = extras.get("triage")
        if found:
            triage = CommentTriage(
                comment=comment, thread_id=comment.thread_id,
                commenter_id=comment.commenter_id,
                cluster_id=_cluster_id(importer, found.get("cluster")),
                **load_fields(CommentTriage, found, skip={"thread", "commenter", "cluster"}))
            triages.append(triage)
            if triage.signature:
                try:
                    keys = campaign.band_keys(campaign.decode(triage.signature))
                except (ValueError, TypeError):
                    raise ImportRefused(_("A comment's triage signature cannot be read."))\
                        from None
                bands.extend(Band(key=k, triage=triage, submitted_at=triage.submitted_at)
                             for k in keys)
        for entry in extras.get("reports") or []:
            reports.append(Report(
                comment=comment, resolved_by_id=importer._user_id(entry.get("resolved_by")),
                **load_fields(Report, entry, skip={"comment", "resolved_by"})))
        origin = extras.get("imported_from")
        if origin:
            source = origin.get("source")
            if source not in Source.values or source == Source.TRIBUNE or not origin.get("id"):
                raise ImportRefused(_("A comment names a source %(source)s it cannot come "
                                      "from.") % {"source": str(source)[:40]})
            ImportedRecord.objects.create(kind=ORIGIN + source, key=str(origin["id"])[:200],
                                          object_id=comment.pk)
        erasure = extras.get("erasure")
        if erasure:
            erasures.append(Erasure(comment=comment,
                                    **load_fields(Erasure, erasure, skip={"comment"})))
    CommentTriage.objects.bulk_create(triages)
    Band.objects.bulk_create(bands, batch_size=1000)
    Report.objects.bulk_create(reports)
    Erasure.objects.bulk_create(erasures)
    _count(importer, "triage results", len(triages))
    _count(importer, "reports", len(reports))
    _count(importer, "erasures", len(erasures))


def restore_ban(record: dict, importer) -> None:
    """A ban, suspension or lifted ban."""
    key = str(record["key"])
    if _recorded(importer, "ban", key) is not None:
        return
    token_hash = str(record["commenter"])
    if not token_hash or len(token_hash) > 64:
        raise ImportRefused(_("A ban names no commenter."))
    commenter, _created = Commenter.objects.get_or_create(token_hash=token_hash)
    desk = _desk(record["desk"], _("A ban")) if record.get("desk") else None
    created_by = _user(record.get("created_by"), _("A ban"))
    if created_by is None:
        raise ImportRefused(_("A ban names no moderator who made it."))
    ban = Ban.objects.create(
        commenter=commenter, desk=desk, created_by=created_by,
        lifted_by=_user(record.get("lifted_by"), _("A ban")),
        **load_fields(Ban, record["fields"], skip={"commenter", "desk", "created_by",
                                                   "lifted_by"}))
    # A ban names a person, never a network (issue #15): the "networks" of
    # older exports are left out; their daily-keyed hashes match nothing now.
    ImportedRecord.objects.create(kind="ban", key=key, object_id=ban.pk)
    _count(importer, "bans")
