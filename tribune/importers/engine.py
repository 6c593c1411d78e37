"""What every import shares: batches, threads, pseudonyms, parents, the summary.

A source adapter (Disqus, WordPress, Isso, a Tribune export) streams
:class:`ThreadIn` and :class:`CommentIn` records into :class:`Importer`, which
writes them in batches of :data:`BATCH` rows. Memory holds one batch plus one
entry per thread and per imported author (bounded caches), never the file.

Decisions. Imported comments are created directly in their final status —
approved, pending or rejected — and each decided one gets its audit
:class:`~tribune.moderation.models.Decision` row in the same batch, with no
moderator and a note saying it was imported and why (e.g. "imported from
disqus: marked as spam in the source"). This is the one place besides
``comment_decide`` that writes a status, and only for comments it creates:
going through ``comment_decide`` would lock, re-read and re-render the thread
once per comment (a million renders for a million comments). Threads are
rendered once each at the end instead.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Commenter, Status
from tribune.core.errors import TribuneError
from tribune.moderation.models import Action, Decision
from tribune.publishing.services import thread_publish
from tribune.sites.models import Clause, Desk
from tribune.threads.models import Thread
from tribune.threads.services import TITLE_MAX, article_resolve, thread_get_or_create

from .exporting import restore_comment_extras
from .models import ImportedComment, ImportedRecord, ImportRun, Source
from .records import ORIGIN, ImportRefused, load_fields
from .text import plain

BATCH = 1000
CACHE_MAX = 50_000
# URL → (thread id, site id, language): ~200 bytes each. Large enough for an
# export of 100,000 threads whose comments come in any order (a smaller cache is
# cleared again and again, and every comment then resolves its URL anew).
THREAD_CACHE_MAX = 250_000

REASON_NOTES = {
    "": "",
    "spam": "marked as spam in the source",
    "deleted": "deleted in the source",
    "thread_deleted": "its thread was deleted in the source",
}
# The clause a rejection for each reason cites (the keys of ``Importer.clauses``).
REASON_CLAUSE = {"spam": "spam", "deleted": "deleted", "thread_deleted": "deleted"}


@dataclass
class ThreadIn:
    url: str
    title: str = ""
    # What the source says of the thread; used only when the import creates it
    # (a thread already here keeps its own settings). A closed thread is created
    # closed; ``created`` is the article's date in the source, from which the
    # site's automatic closing counts.
    is_open: bool = True
    created: datetime | None = None
    # Exact field values (Tribune exports only): desk code, is_open, …
    fields: dict = field(default_factory=dict)


@dataclass
class CommentIn:
    source_id: str
    thread_url: str
    author: str
    body: str
    created: datetime
    status: str = Status.APPROVED
    reason: str = ""
    parent_source_id: str = ""
    commenter_hash: str = ""
    # Tribune exports only: every Comment field, and the decisions verbatim.
    fields: dict | None = None
    decisions: list[dict] | None = None
    thread_title: str = ""
    # Tribune exports only: triage, reports and erasure (see exporting.py).
    extras: dict | None = None
    # The source's thread, for the thread this comment may create (see ThreadIn).
    thread_open: bool = True
    thread_created: datetime | None = None


def pseudonym_hash(source: str, author_key: str) -> str:
    """The commenter of an imported author: a keyed hash nobody can hold a
    cookie for, the same for every comment of that author in that source."""
    message = f"tribune-import:{source}:{author_key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class Counts:
    threads_created: int = 0
    threads_existing: int = 0
    threads_skipped: int = 0
    # Created closed, because the source had closed (or deleted) them.
    threads_closed: int = 0
    comments_imported: int = 0
    approved: int = 0
    pending: int = 0
    rejected: int = 0
    already_imported: int = 0
    skipped_outside_sites: int = 0
    skipped_empty: int = 0
    # Deleted in the source with nothing left of them (Isso blanks them).
    skipped_deleted: int = 0
    skipped_other: int = 0
    replies_linked: int = 0
    # Replies shown at the top level, by why: the parent is not in any import
    # (``replies_parent_missing``), is under another article
    # (``replies_parent_elsewhere``), or is not older than the reply, as in a
    # cycle of parents (``replies_parent_later``). ``replies_orphaned``: their sum.
    replies_orphaned: int = 0
    replies_parent_missing: int = 0
    replies_parent_elsewhere: int = 0
    replies_parent_later: int = 0
    skipped_urls: list[str] = field(default_factory=list)
    # Tribune exports only: what else was created, by kind ("bans": 2, …), and
    # the webhooks left out because the export holds no secret for them.
    restored: dict[str, int] = field(default_factory=dict)
    webhooks_without_secret: list[str] = field(default_factory=list)
    moderators_without_password: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


class Importer:
    def __init__(self, *, source: str, run: ImportRun, clauses: dict[str, int] | None = None,
                 progress=None):
        self.source = source
        self.run = run
        self.clauses = clauses or {}
        self.counts = Counts()
        self.progress = progress
        # url → (thread id, site id, language) or None when skipped.
        self.threads: dict[str, tuple[int, int, str] | None] = {}
        self.desks: dict[str, object] = {}
        self.touched: set[int] = set()
        self.commenters: dict[str, int] = {}
        self.site_clauses: dict[int, dict[int, str]] = {}
        self.users: dict[str, int] = {}
        self.buffer: list[CommentIn] = []
        # Tribune exports: cluster key → id, and this installation's own key prefix.
        self.clusters: dict[str, int] = {}
        self.local_prefix: str | None = None
        self._frozen = False

    # --- threads ---------------------------------------------------------------

    def thread(self, record: ThreadIn) -> tuple[int, int, str] | None:
        """The thread for a URL, created under a registered site; None (and
        counted) for a URL outside every site or not a valid article URL."""
        if record.url in self.threads:
            return self.threads[record.url]
        try:
            ref = article_resolve(url=record.url)
        except TribuneError:
            self.threads[record.url] = None
            self.counts.threads_skipped += 1
            if len(self.counts.skipped_urls) < 20:
                self.counts.skipped_urls.append(record.url[:200])
            return None
        if ref.thread is not None:
            thread = ref.thread
            self.counts.threads_existing += 1
        elif record.fields:
            thread = self._thread_exact(record, ref.url, ref.site)
            self.counts.threads_created += 1
        else:
            thread = self._thread_new(record, ref)
            self.counts.threads_created += 1
        value = (thread.pk, thread.site_id, thread.desk.language)
        self._remember(self.threads, record.url, value, limit=THREAD_CACHE_MAX)
        return value

    def _thread_new(self, record: ThreadIn, ref) -> Thread:
        """A thread as the source had it: closed if it was closed, dated from the
        article's date in the source, so that the site's automatic closing
        (``auto_close_days``) counts from when the article was published, not
        from the day of the migration."""
        title = " ".join(plain(record.title or "", keep_newlines=False).split())[:TITLE_MAX]
        created = record.created
        if created is not None and created > timezone.now():
            created = None  # a date in the future is an error of the source
        if record.is_open and created is None:
            return thread_get_or_create(url=ref.url, title=title)
        site = ref.site
        closes_at = None
        if site.auto_close_days:
            closes_at = (created or timezone.now()) + timedelta(days=site.auto_close_days)
        try:
            with transaction.atomic():
                thread = Thread.objects.create(site=site, desk=site.default_desk, url=ref.url,
                                               title=title, is_open=record.is_open,
                                               closes_at=closes_at)
        except IntegrityError:
            # A reader's first comment created it meanwhile: it keeps its settings.
            return Thread.objects.select_related("desk", "site").get(url=ref.url)
        if created is not None:
            Thread.objects.filter(pk=thread.pk).update(created_at=created)
            thread.created_at = created
        if not record.is_open:
            self.counts.threads_closed += 1
        return thread

    def _thread_exact(self, record: ThreadIn, url: str, site) -> Thread:
        values = load_fields(Thread, record.fields, skip={"site", "desk"})
        desk_code = record.fields.get("desk")
        # One look-up per desk, not per thread (an export of 100,000 threads names a
        # handful of desks); the site is the one article_resolve already found.
        desk = self.desks.get(desk_code)
        if desk is None:
            desk = Desk.objects.filter(code=desk_code).first()
            if desk is None:
                raise ImportRefused(_("The export names a desk %(code)s it does not "
                                      "describe.") % {"code": desk_code})
            self.desks[desk_code] = desk
        created_at = values.pop("created_at", None)
        values["url"] = url
        thread = Thread.objects.create(site=site, desk=desk, **values)
        if created_at:
            Thread.objects.filter(pk=thread.pk).update(created_at=created_at)
            thread.created_at = created_at
        return thread

    @staticmethod
    def _remember(cache: dict, key, value, limit: int = CACHE_MAX) -> None:
        if len(cache) >= limit:
            cache.clear()
        cache[key] = value

    # --- comments ----------------------------------------------------------------

    def add(self, record: CommentIn) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= BATCH:
            self.flush()

    def _commenter_ids(self, hashes: Iterable[str]) -> dict[str, int]:
        wanted = {h for h in hashes if h not in self.commenters}
        if wanted:
            found = dict(Commenter.objects.filter(token_hash__in=wanted)
                         .values_list("token_hash", "id"))
            missing = wanted - found.keys()
            if missing:
                Commenter.objects.bulk_create([Commenter(token_hash=h) for h in missing],
                                              ignore_conflicts=True)
                found.update(Commenter.objects.filter(token_hash__in=missing)
                             .values_list("token_hash", "id"))
            if len(self.commenters) + len(found) > CACHE_MAX:
                self.commenters.clear()
            self.commenters.update(found)
        return self.commenters

    def _clause(self, site_id: int, number: int) -> str:
        if site_id not in self.site_clauses:
            self.site_clauses[site_id] = dict(
                Clause.objects.filter(site_id=site_id).values_list("number", "title"))
        titles = self.site_clauses[site_id]
        if number not in titles:
            raise ImportRefused(
                _("The site's Terms of Use have no clause %(number)s to cite for comments "
                  "rejected in the source; choose one with --spam-clause/--deleted-clause.")
                % {"number": number})
        return titles[number]

    def _user_id(self, username: str | None) -> int | None:
        if not username:
            return None
        if username not in self.users:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise ImportRefused(_("A decision names a moderator %(name)s the export does "
                                      "not describe.") % {"name": username})
            self.users[username] = user.pk
        return self.users[username]

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        ids = {r.source_id for r in batch}
        done = set(ImportedComment.objects.filter(source=self.source, source_id__in=ids)
                   .values_list("source_id", flat=True))
        if self.local_prefix:
            done |= self._local_existing(ids)
            done |= self._origins_existing(batch)
        if self.source != Source.TRIBUNE:  # imported here, or on the server exported from
            done |= set(ImportedRecord.objects.filter(kind=ORIGIN + self.source, key__in=ids)
                        .values_list("key", flat=True))
        keep: list[tuple[CommentIn, tuple[int, int, str]]] = []
        seen: set[str] = set()
        for record in batch:
            if record.source_id in done or record.source_id in seen:
                self.counts.already_imported += 1
                continue
            seen.add(record.source_id)
            if not record.body.strip() and record.fields is None:
                self.counts.skipped_empty += 1
                continue
            thread = self.thread(ThreadIn(url=record.thread_url, title=record.thread_title,
                                          is_open=record.thread_open,
                                          created=record.thread_created))
            if thread is None:
                self.counts.skipped_outside_sites += 1
                continue
            keep.append((record, thread))
        if not keep:
            self._advance(len(batch))
            return
        commenters = self._commenter_ids(r.commenter_hash for r, _t in keep)
        comments = [self._comment(r, t, commenters) for r, t in keep]
        Comment.objects.bulk_create(comments)
        ImportedComment.objects.bulk_create([
            ImportedComment(source=self.source, source_id=r.source_id, comment=c,
                            run=self.run, parent_source_id=r.parent_source_id)
            for (r, _t), c in zip(keep, comments, strict=True)
        ])
        self._decisions(keep, comments)
        if any(r.extras for r, _t in keep):
            restore_comment_extras(self, [(r, c) for (r, _t), c in zip(keep, comments,
                                                                        strict=True)])
        for (_record, thread), comment in zip(keep, comments, strict=True):
            # Only published comments change a thread's published view: a thread
            # this import created shows its empty view from its creation
            # (tribune.publishing.services.thread_created), and one that was here
            # keeps its view when only pending or rejected comments arrive.
            if comment.status == Status.APPROVED:
                self.touched.add(thread[0])
            self.counts.comments_imported += 1
            setattr(self.counts, comment.status, getattr(self.counts, comment.status) + 1)
        count = len(batch)
        del keep, comments, batch
        self._after_batch()
        self._advance(count)

    def _local_existing(self, ids: set[str]) -> set[str]:
        """Keys of this installation's own export (``<instance>:<id>``) whose
        comment is still here: importing one's own export imports nothing."""
        local = {}
        for key in ids:
            head, _sep, tail = key.partition(":")
            if head == self.local_prefix and tail.isdigit():
                local[int(tail)] = key
        if not local:
            return set()
        return {local[pk] for pk in Comment.objects.filter(pk__in=local)
                .values_list("pk", flat=True)}

    @staticmethod
    def _origins_existing(batch: list[CommentIn]) -> set[str]:
        """Keys of exported comments whose Disqus/WordPress/Isso original is
        already here (that file was imported on this server too)."""
        wanted: dict[tuple[str, str], str] = {}
        for record in batch:
            origin = (record.extras or {}).get("imported_from")
            if isinstance(origin, dict) and origin.get("source") and origin.get("id"):
                wanted[(str(origin["source"]), str(origin["id"]))] = record.source_id
        if not wanted:
            return set()
        found = set()
        for source in {s for s, _i in wanted}:
            ids = [i for s, i in wanted if s == source]
            found |= {(source, i) for i in ImportedComment.objects.filter(
                source=source, source_id__in=ids).values_list("source_id", flat=True)}
            found |= {(source, i) for i in ImportedRecord.objects.filter(
                kind=ORIGIN + source, key__in=ids).values_list("key", flat=True)}
        return {wanted[k] for k in found}

    def _after_batch(self) -> None:
        # Model instances of a batch hold reference cycles; collect them now
        # rather than let several batches' worth pile up before the collector runs.
        # The objects alive when the import began (Django, the app registry…) are
        # frozen out of the collector's sight, so each collection only walks
        # what the import made since: a tenth of the time of a full walk.
        if not self._frozen:
            gc.collect()
            gc.freeze()
            self._frozen = True
        gc.collect()

    def _advance(self, n: int) -> None:
        if self.progress is not None:
            self.progress(n)

    def _comment(self, record: CommentIn, thread: tuple[int, int, str],
                 commenters: dict[str, int]) -> Comment:
        if record.fields is not None:
            values = load_fields(Comment, record.fields, skip={"thread", "parent", "commenter"})
            return Comment(thread_id=thread[0], commenter_id=commenters[record.commenter_hash],
                           **values)
        status = record.status
        decided = record.created if status != Status.PENDING else None
        clause = None
        if status == Status.REJECTED:
            clause = self.clauses.get(REASON_CLAUSE.get(record.reason, "deleted"))
        return Comment(
            thread_id=thread[0], commenter_id=commenters[record.commenter_hash],
            author=record.author, body=record.body, status=status,
            decision_clause=clause, language=thread[2], network_hash="",
            submitted_at=record.created, decided_at=decided,
            published_at=record.created if status == Status.APPROVED else None,
        )

    def _decisions(self, keep, comments) -> None:
        rows: list[Decision] = []
        undo_links: list[tuple[int, int]] = []  # (index in rows, index it undoes)
        for (record, thread), comment in zip(keep, comments, strict=True):
            if record.decisions is not None:
                first = len(rows)
                for entry in record.decisions:
                    values = load_fields(Decision, entry,
                                         skip={"comment", "moderator", "undoes"})
                    if entry.get("undoes") is not None:
                        undo_links.append((len(rows), first + int(entry["undoes"])))
                    rows.append(Decision(comment=comment,
                                         moderator_id=self._user_id(entry.get("moderator")),
                                         **values))
                continue
            if comment.status == Status.PENDING:
                continue
            note = f"imported from {self.source}"
            if REASON_NOTES.get(record.reason):
                note += f": {REASON_NOTES[record.reason]}"
            action = Action.APPROVE if comment.status == Status.APPROVED else Action.REJECT
            clause = comment.decision_clause
            rows.append(Decision(
                comment=comment, moderator=None, action=action, clause=clause,
                clause_title=self._clause(thread[1], clause) if clause is not None else "",
                note=note, status_before=Status.PENDING, status_after=comment.status,
                body_before=comment.body, body_after=comment.body,
                created_at=comment.decided_at,
            ))
        if not undo_links:
            Decision.objects.bulk_create(rows)
            return
        # An undo points at an earlier decision: create in order, linking as we go.
        for index, row in enumerate(rows):
            target = next((t for i, t in undo_links if i == index), None)
            if target is not None:
                row.undoes = rows[target]
            row.save(force_insert=True)

    # --- the end -------------------------------------------------------------------

    def link_parents(self) -> None:
        """Give each imported reply its parent, now that every comment is in.

        A reply is linked only to a parent under the same article that came
        before it (earlier, or at the same time and earlier in the import): so no
        file, however its parents point, can make a cycle of replies. Otherwise the
        reply is shown at the top level and counted with its reason: parent
        missing, under another article, or not older than the reply."""
        last = 0
        while True:
            rows = list(
                ImportedComment.objects.filter(run=self.run, id__gt=last)
                .exclude(parent_source_id="")
                .order_by("id")
                .values_list("id", "comment_id", "comment__thread_id",
                             "comment__submitted_at", "parent_source_id")[:BATCH]
            )
            if not rows:
                return
            last = rows[-1][0]
            wanted = {r[4] for r in rows}
            parents = {
                sid: (cid, tid, at) for sid, cid, tid, at in
                ImportedComment.objects.filter(
                    source=self.source, source_id__in=wanted
                ).values_list("source_id", "comment_id", "comment__thread_id",
                              "comment__submitted_at")
            }
            if self.source != Source.TRIBUNE:
                carried = dict(ImportedRecord.objects.filter(
                    kind=ORIGIN + self.source, key__in=wanted - parents.keys())
                    .values_list("object_id", "key"))
                parents.update(
                    (carried[cid], (cid, tid, at)) for cid, tid, at in
                    Comment.objects.filter(pk__in=carried)
                    .values_list("pk", "thread_id", "submitted_at"))
            updates = []
            for _id, comment_id, thread_id, submitted_at, parent_sid in rows:
                parent = parents.get(parent_sid)
                if parent is None:
                    reason = "replies_parent_missing"
                elif parent[1] != thread_id:
                    reason = "replies_parent_elsewhere"
                elif (parent[2], parent[0]) >= (submitted_at, comment_id):
                    reason = "replies_parent_later"
                else:
                    updates.append(Comment(pk=comment_id, parent_id=parent[0]))
                    continue
                self.counts.replies_orphaned += 1
                setattr(self.counts, reason, getattr(self.counts, reason) + 1)
            Comment.objects.bulk_update(updates, ["parent"], batch_size=500)
            self.counts.replies_linked += len(updates)

    def finish(self) -> Counts:
        """Write what is left and link replies. The touched threads are rendered
        afterwards, by :func:`threads_render`, once this transaction committed."""
        self.flush()
        self.link_parents()
        self.run.finished_at = timezone.now()
        self.run.summary = {**self.counts.as_dict(), "rendered": False}
        self.run.save(update_fields=["finished_at", "summary"])
        return self.counts

    def close(self) -> None:
        """Give the frozen objects back to the collector (also after a failure)."""
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


def reject_clauses(*, spam: int, deleted: int) -> dict[str, int]:
    return {"spam": spam, "deleted": deleted}



# A transaction of renders ends after this many threads or this many published
# comments, whichever comes first: each render waits in memory for its commit.
RENDER_CHUNK = 200
RENDER_COMMENTS = 2_000


def threads_render(*, run: ImportRun, thread_ids: Iterable[int] | None = None) -> int:
    """Render the published view of every thread an import touched, ``RENDER_CHUNK``
    threads (or :data:`RENDER_COMMENTS` comments) per transaction, then mark the run
    rendered. Returns how many.

    Rendering inside the import's own transaction would keep every render in
    memory until it commits (each one is handed to the render store after
    commit): a million comments' worth. Rendered in chunks after the commit,
    memory holds one chunk. If this is interrupted, the next ``tribune import``
    finishes it (:func:`runs_render_pending`)."""
    if thread_ids is None:
        thread_ids = (ImportedComment.objects.filter(run=run)
                      .values_list("comment__thread_id", flat=True).distinct())
    ids = sorted(set(thread_ids))
    position = 0
    while position < len(ids):
        chunk = ids[position:position + RENDER_CHUNK]
        threads = Thread.objects.select_related("site", "desk").in_bulk(chunk)
        with transaction.atomic():
            shown = 0
            for thread_id in chunk:
                position += 1
                if thread_id in threads:
                    shown += thread_publish(thread=threads[thread_id]).count
                if shown >= RENDER_COMMENTS:
                    break
    run.summary = {**run.summary, "rendered": True}
    ImportRun.objects.filter(pk=run.pk).update(summary=run.summary)
    return len(ids)


def runs_render_pending() -> int:
    """Finish the rendering of imports that committed but were interrupted
    before their threads were all rendered."""
    done = 0
    for run in ImportRun.objects.filter(finished_at__isnull=False,
                                        summary__rendered=False).order_by("pk"):
        done += threads_render(run=run)
    return done
