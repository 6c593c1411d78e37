"""The source adapters: each reads one kind of file as a stream and feeds
:class:`~.engine.Importer` with threads and comments. Only what Tribune keeps
is read: display names, text, dates, statuses, threads and replies — never an
e-mail or IP address, which the sources do hold."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _

from tribune.comments.models import Status
from tribune.core.errors import TribuneError
from tribune.sites.url_rules import origin_of

from . import exporting as ex
from .engine import CommentIn, Importer, ImportRefused, ThreadIn, pseudonym_hash
from .text import ANONYMOUS, author_name, html_to_text, plain
from .xml import HELD_MAX, attr, child, child_text, events, local


def _when(value: str, *, what: str) -> dt.datetime:
    text = (value or "").strip()
    try:
        when = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise ImportRefused(_("%(what)s has a date that cannot be read: %(value)s. Nothing "
                              "was imported.") % {"what": what, "value": text[:40]}) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _true(value: str) -> bool:
    return (value or "").strip().lower() in ("true", "1")


# --- Disqus -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DisqusThread:
    link: str
    title: str
    created: dt.datetime | None
    closed: bool
    deleted: bool


def read_disqus(fileobj, importer: Importer) -> None:
    """A Disqus XML export: ``<disqus>`` holding ``<category>``, ``<thread dsq:id>``
    and ``<post dsq:id>`` elements (threads before the posts that cite them).

    Disqus may hold several threads for one article (one per identifier it was
    embedded with); the article is closed in Tribune when every one of them was
    closed or deleted. Closed articles are created once the threads have been read,
    even those without a comment, so that nobody can comment where the newsroom
    had closed comments."""
    threads: dict[str, _DisqusThread] = {}
    closed_links: dict[str, bool] = {}  # link → every thread of it closed or deleted
    threads_done = False
    for event, elem, open_ in events(fileobj, kind="Disqus"):
        if event == "start":
            if not open_ and local(elem.tag) != "disqus":
                raise ImportRefused(_("This is not a Disqus export: it starts with <%(tag)s> "
                                      "instead of <disqus>. Nothing was imported.")
                                    % {"tag": local(elem.tag)[:40]})
            continue
        if len(open_) != 1:
            continue
        name = local(elem.tag)
        if name == "thread":
            thread = _disqus_thread(elem)
            threads[attr(elem, "id")] = thread
            closed_links[thread.link] = (closed_links.get(thread.link, True)
                                         and (thread.closed or thread.deleted))
        elif name == "post":
            if not threads_done:
                _disqus_closed_threads(threads, closed_links, importer)
                threads_done = True
            _disqus_post(elem, threads, closed_links, importer)
        open_[0].remove(elem)
    if not threads_done:
        _disqus_closed_threads(threads, closed_links, importer)


def _disqus_thread(elem) -> _DisqusThread:
    created = child_text(elem, "createdAt").strip()
    return _DisqusThread(
        link=child_text(elem, "link").strip(), title=child_text(elem, "title"),
        created=_when(created, what=f"Thread {attr(elem, 'id')}") if created else None,
        closed=_true(child_text(elem, "isClosed")), deleted=_true(child_text(elem, "isDeleted")),
    )


def _disqus_closed_threads(threads: dict[str, _DisqusThread], closed_links: dict[str, bool],
                           importer: Importer) -> None:
    seen: set[str] = set()
    for thread in threads.values():
        if closed_links.get(thread.link) and thread.link not in seen:
            seen.add(thread.link)
            importer.thread(ThreadIn(url=thread.link, title=thread.title, is_open=False,
                                     created=thread.created))


def _disqus_post(elem, threads: dict[str, _DisqusThread], closed_links: dict[str, bool],
                 importer: Importer) -> None:
    # Disqus's own id (dsq:id); the documented format also allows a post named
    # only by its <id>.
    post_id = attr(elem, "id") or child_text(elem, "id").strip()
    if not post_id:
        raise ImportRefused(_("A <post> has no dsq:id. Nothing was imported."))
    thread_ref = child(elem, "thread")
    thread = threads.get(attr(thread_ref, "id")) if thread_ref is not None else None
    if thread is None:
        importer.counts.skipped_other += 1
        return
    author = child(elem, "author")
    name = author_name(child_text(author, "name") if author is not None else "")
    username = child_text(author, "username").strip() if author is not None else ""
    anonymous = author is None or _true(child_text(author, "isAnonymous"))
    if _true(child_text(elem, "isSpam")):
        status, reason = Status.REJECTED, "spam"
    elif _true(child_text(elem, "isDeleted")):
        status, reason = Status.REJECTED, "deleted"
    elif thread.deleted:
        status, reason = Status.REJECTED, "thread_deleted"
    elif child(elem, "isApproved") is not None and not _true(child_text(elem, "isApproved")):
        status, reason = Status.PENDING, ""
    else:
        status, reason = Status.APPROVED, ""
    parent = child(elem, "parent")
    importer.add(CommentIn(
        source_id=post_id, thread_url=thread.link, thread_title=thread.title,
        thread_open=not closed_links.get(thread.link, False), thread_created=thread.created,
        author=name, body=html_to_text(child_text(elem, "message")),
        created=_when(child_text(elem, "createdAt"), what=f"Post {post_id}"),
        status=status, reason=reason,
        parent_source_id=(attr(parent, "id") or (parent.text or "").strip())
        if parent is not None else "",
        commenter_hash=pseudonym_hash("disqus", _author_key(
            account=username if not anonymous else "", name=name, source_id=post_id)),
    ))


def _author_key(*, account: str, name: str, source_id: str) -> str:
    """Who an imported comment's commenter is: the source's account when it had
    one; a guest by the name they gave; a guest who gave no name is a commenter
    of their own (one per comment), not one "Anonymous" who wrote them all."""
    if account:
        return f"u:{account}"
    if name != ANONYMOUS:
        return f"n:{name}"
    return f"c:{source_id}"


# --- WordPress (WXR) -----------------------------------------------------------------

_WP_STATUS = {"1": (Status.APPROVED, ""), "approve": (Status.APPROVED, ""),
              "0": (Status.PENDING, ""), "hold": (Status.PENDING, ""),
              "spam": (Status.REJECTED, "spam"), "trash": (Status.REJECTED, "deleted"),
              "post-trashed": (Status.REJECTED, "deleted")}


def read_wordpress(fileobj, importer: Importer) -> None:
    """A WordPress export (WXR): ``<rss><channel><item>`` with ``<wp:comment>``s.
    Each comment is handled as it ends and then dropped, so an article with a
    hundred thousand comments is no more memory than one with ten."""
    blog = ""
    waiting: list = []  # comments read before their item's <link>
    for event, elem, open_ in events(fileobj, kind="WordPress"):
        if event == "start":
            if not open_ and local(elem.tag) != "rss":
                raise ImportRefused(_("This is not a WordPress export (WXR): it starts with "
                                      "<%(tag)s> instead of <rss>. Nothing was imported.")
                                    % {"tag": local(elem.tag)[:40]})
            continue
        depth, name = len(open_), local(elem.tag)
        if depth == 3 and name == "comment" and local(open_[2].tag) == "item":
            item = open_[2]
            if child(item, "link") is None:
                if len(waiting) >= HELD_MAX:  # held until the item's link: bounded
                    raise ImportRefused(_("An <item> holds more than %(max)d comments before "
                                          "its <link>. Nothing was imported.")
                                        % {"max": HELD_MAX})
                waiting.append(elem)
            else:
                _wp_comment(elem, item, blog, importer)
            item.remove(elem)
        elif depth == 2:
            if name == "link" or name == "base_blog_url":
                blog = blog or (elem.text or "").strip()
                continue
            if name == "item":
                for pending in waiting:
                    _wp_comment(pending, elem, blog, importer)
                waiting = []
                _wp_closed_item(elem, importer)
            open_[1].remove(elem)


# Comments of these types are readers' comments; the others are pingbacks,
# trackbacks and plugins' private records (WooCommerce's order notes are
# comments of type "order_note"), which are not imported.
_WP_COMMENT_TYPES = {"", "comment", "review"}
# Items that are not articles: their comment settings mean nothing to readers.
_WP_NOT_ARTICLES = {"attachment", "nav_menu_item", "revision", "custom_css",
                    "customize_changeset", "oembed_cache", "user_request", "wp_block",
                    "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation",
                    "wp_font_family", "wp_font_face"}


def _wp_thread_fields(item) -> tuple[bool, dt.datetime | None]:
    """Whether the article takes comments (``wp:comment_status``) and its date."""
    is_open = child_text(item, "comment_status").strip().lower() != "closed"
    when = child_text(item, "post_date_gmt").strip()
    if not when or when.startswith("0000"):
        when = child_text(item, "post_date").strip()
    created = None
    if when and not when.startswith("0000"):
        created = _when(when, what=f"Post {child_text(item, 'post_id').strip()[:20]}")
    return is_open, created


def _wp_closed_item(item, importer: Importer) -> None:
    """An article whose comments were closed in WordPress is created closed,
    even without a comment, so that readers cannot comment where they could not.
    Only published articles: drafts, private posts and plugins' records (orders,
    attachments) are no page a reader can comment under."""
    link = child_text(item, "link").strip()
    if (not link or child_text(item, "post_type").strip() in _WP_NOT_ARTICLES
            or child_text(item, "status").strip() != "publish"):
        return
    is_open, created = _wp_thread_fields(item)
    if not is_open:
        importer.thread(ThreadIn(url=link, title=child_text(item, "title"), is_open=False,
                                 created=created))


def _wp_comment(elem, item, blog: str, importer: Importer) -> None:
    comment_id = child_text(elem, "comment_id").strip()
    if not comment_id:
        raise ImportRefused(_("A <wp:comment> has no comment_id. Nothing was imported."))
    if child_text(elem, "comment_type").strip() not in _WP_COMMENT_TYPES:
        importer.counts.skipped_other += 1
        return
    approved = child_text(elem, "comment_approved").strip()
    status, reason = _WP_STATUS.get(approved, (Status.PENDING, ""))
    when = child_text(elem, "comment_date_gmt").strip()
    if not when or when.startswith("0000"):
        when = child_text(elem, "comment_date").strip()
    user_id = child_text(elem, "comment_user_id").strip()
    name = author_name(child_text(elem, "comment_author"))
    key = _author_key(account=user_id if user_id not in ("", "0") else "", name=name,
                      source_id=comment_id)
    parent = child_text(elem, "comment_parent").strip()
    thread_open, thread_created = _wp_thread_fields(item)
    importer.add(CommentIn(
        source_id=f"{blog}#{comment_id}", thread_url=child_text(item, "link").strip(),
        thread_title=child_text(item, "title"), thread_open=thread_open,
        thread_created=thread_created,
        author=name, body=html_to_text(child_text(elem, "comment_content")),
        created=_when(when, what=f"Comment {comment_id}"), status=status, reason=reason,
        parent_source_id=f"{blog}#{parent}" if parent not in ("", "0") else "",
        commenter_hash=pseudonym_hash(f"wordpress:{blog}", key),
    ))


# --- Isso -------------------------------------------------------------------------------

_ISSO_COLUMNS = {"threads": {"id", "uri", "title"},
                 "comments": {"id", "tid", "parent", "created", "mode", "text", "author"}}
_ISSO_MODES = {1: (Status.APPROVED, ""), 2: (Status.PENDING, ""), 4: (Status.REJECTED, "deleted")}


def isso_count(path: Path) -> int:
    with _isso_connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM comments").fetchone()[0]


def _isso_connect(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        for table, needed in _ISSO_COLUMNS.items():
            have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}  # noqa: S608
            if not needed <= have:
                db.close()
                raise ImportRefused(_(
                    "This is not an Isso database: its table %(table)s lacks %(columns)s. "
                    "Nothing was imported.")
                    % {"table": table, "columns": ", ".join(sorted(needed - have))})
    except sqlite3.DatabaseError as error:
        raise ImportRefused(_("This is not an Isso SQLite database (%(error)s). Nothing was "
                              "imported.") % {"error": error}) from None
    return db


def read_isso(path: Path, importer: Importer, *, origin: str = "") -> None:
    """An Isso database (read only). Isso names threads by path (``/2026/story/``);
    ``origin`` makes them article URLs."""
    base = origin_of(origin, field="origin") if origin else ""
    db = _isso_connect(path)
    try:
        rows = db.execute(
            "SELECT c.id, c.parent, c.created, c.mode, c.text, c.author, t.uri, t.title "
            "FROM comments c JOIN threads t ON t.id = c.tid ORDER BY c.id"
        )
        for cid, parent, created, mode, text, author, uri, title in rows:
            uri = str(uri or "")
            if urlsplit(uri).scheme in ("http", "https"):
                url = uri
            elif base:
                url = base + "/" + uri.lstrip("/")
            else:
                raise ImportRefused(_("Isso names threads by path (%(uri)s); give the site's "
                                      "origin with --origin. Nothing was imported.")
                                    % {"uri": uri[:100]})
            try:
                created_at = dt.datetime.fromtimestamp(float(created), tz=dt.UTC)
            except (TypeError, ValueError, OverflowError):
                raise ImportRefused(_("Comment %(id)s has no readable date. Nothing was "
                                      "imported.") % {"id": cid}) from None
            status, reason = _ISSO_MODES.get(mode, (Status.PENDING, ""))
            body = plain(str(text or "")).strip()
            if mode == 4 and not body:
                # Isso keeps a deleted comment that has replies as an empty row
                # (its text and name wiped): nothing of it is left to keep.
                importer.counts.skipped_deleted += 1
                continue
            name = author_name(str(author or ""))
            try:
                prefix = origin_of(url)
            except TribuneError:
                prefix = ""
            importer.add(CommentIn(
                source_id=f"{prefix}#{cid}", thread_url=url, thread_title=str(title or ""),
                author=name, body=body, created=created_at,
                status=status, reason=reason,
                parent_source_id=f"{prefix}#{parent}" if parent else "",
                commenter_hash=pseudonym_hash(f"isso:{prefix}", _author_key(
                    account="", name=name, source_id=str(cid))),
            ))
    except sqlite3.DatabaseError as error:
        raise ImportRefused(_("The Isso database cannot be read (%(error)s). Nothing was "
                              "imported.") % {"error": error}) from None
    finally:
        db.close()


# --- Tribune's own export ---------------------------------------------------------------


def read_tribune(fileobj, importer: Importer) -> None:
    restore = {"desk": ex.restore_desk, "site": ex.restore_site,
               "moderator": ex.restore_moderator, "integration": ex.restore_integration,
               "terms": ex.restore_terms, "cluster": ex.restore_cluster, "ban": ex.restore_ban}
    importer.local_prefix = ex.instance_key()
    for number, raw in enumerate(fileobj, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            record = json.loads(line)
            kind = record["type"] if isinstance(record, dict) else None
        except (UnicodeDecodeError, ValueError, KeyError):
            raise ImportRefused(_("Line %(line)d is not a JSON record of a Tribune export. "
                                  "Nothing was imported.") % {"line": number}) from None
        try:
            if number == 1:
                if kind != "tribune-export":
                    raise ImportRefused(_("This is not a Tribune export (JSON Lines starting "
                                          "with a tribune-export record)."))
                version = record.get("version")
                if not isinstance(version, int) or not 1 <= version <= ex.FORMAT_VERSION:
                    raise ImportRefused(_("This export is in format version %(version)s; "
                                          "this Tribune reads versions 1 to %(max)s.")
                                        % {"version": str(version)[:10],
                                           "max": ex.FORMAT_VERSION})
                continue
            if kind in restore:
                restore[kind](record, importer)
            elif kind == "thread":
                importer.thread(ThreadIn(url=record["url"], fields=record["fields"]))
            elif kind == "comment":
                fields = record["fields"]
                importer.add(CommentIn(
                    source_id=record["key"], thread_url=record["thread"],
                    author=fields["author"], body=fields["body"], created=importer.run.started_at,
                    parent_source_id=record.get("parent") or "",
                    commenter_hash=record["commenter"], fields=fields,
                    decisions=record.get("decisions") or [],
                    extras={k: record[k] for k in ("triage", "reports", "erasure",
                                                             "imported_from")
                            if record.get(k)} or None,
                ))
            elif kind == "end":
                return
            else:
                raise ImportRefused(_("Unknown record type %(type)s.") % {"type": str(kind)[:40]})
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise ImportRefused(_("Line %(line)d lacks %(what)s. Nothing was imported.")
                                % {"line": number, "what": error}) from None
        except ImportRefused as error:
            raise ImportRefused(_("Line %(line)d: %(problem)s") % {
                "line": number, "problem": error.message}) from None
        except (IntegrityError, DataError) as error:
            raise ImportRefused(_("Line %(line)d contradicts the rest of the export "
                                  "(%(error)s). Nothing was imported.")
                                % {"line": number, "error": str(error)[:200]}) from None
    raise ImportRefused(_("The export ends before its end record: it was cut short. Nothing "
                          "was imported."))
