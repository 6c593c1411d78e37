"""``tribune import {disqus,wordpress,isso,tribune} FILE``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from tribune.actions.imports import comments_import
from tribune.core.management import service_errors
from tribune.importers.services import DEFAULT_DELETED_CLAUSE, DEFAULT_SPAM_CLAUSE
from tribune.importers.sources import isso_count


class Command(BaseCommand):
    help = ("Import comments from a Disqus XML export, a WordPress export (WXR), an Isso "
            "database or a Tribune export. All or nothing; running it twice imports nothing "
            "twice. Threads are created only for URLs under a registered site (tribune site "
            "add); comments of other URLs are counted as skipped.")

    def add_arguments(self, parser):
        parser.add_argument("source", choices=["disqus", "wordpress", "isso", "tribune"])
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--origin", default="",
                            help="Isso only: the site origin its thread paths belong to.")
        parser.add_argument("--spam-clause", type=int, default=DEFAULT_SPAM_CLAUSE,
                            metavar="N", help="Clause cited for comments marked as spam in "
                            f"the source (default {DEFAULT_SPAM_CLAUSE}).")
        parser.add_argument("--deleted-clause", type=int, default=DEFAULT_DELETED_CLAUSE,
                            metavar="N", help="Clause cited for comments deleted in the "
                            f"source (default {DEFAULT_DELETED_CLAUSE}).")
        parser.add_argument("--no-progress", action="store_true",
                            help="No progress bar (it is shown on a terminal only anyway).")

    def handle(self, *args, source: str, file: str, **options):
        path = Path(file)
        disable = True if options["no_progress"] else None  # None: only on a terminal
        with service_errors():
            if source == "isso":
                total = isso_count(path) if path.is_file() else None
                bar = tqdm(total=total, unit="comment", disable=disable, file=self.stderr._out)
                kwargs = {"comments_read": bar.update}
            else:
                total = path.stat().st_size if path.is_file() else None
                bar = tqdm(total=total, unit="B", unit_scale=True, disable=disable,
                           file=self.stderr._out)
                kwargs = {"bytes_read": bar.update}
            try:
                counts = comments_import(
                    source=source, path=path, origin=options["origin"],
                    spam_clause=options["spam_clause"],
                    deleted_clause=options["deleted_clause"], **kwargs,
                )
            finally:
                bar.close()
        c = counts
        write = self.stdout.write
        write(f"Imported {c.comments_imported} comments from {source} "
              f"({c.approved} published, {c.pending} awaiting moderation, "
              f"{c.rejected} not published).")
        write(f"Threads: {c.threads_created} created ({c.threads_closed} of them closed, as "
              f"in the source), {c.threads_existing} already there (their settings kept), "
              f"{c.threads_skipped} skipped (not under a registered site or not a valid URL).")
        write(f"Replies linked to their parents: {c.replies_linked}; "
              f"shown at the top level: {c.replies_orphaned} (parent missing: "
              f"{c.replies_parent_missing}, under another article: "
              f"{c.replies_parent_elsewhere}, not older than the reply: "
              f"{c.replies_parent_later}).")
        write(f"Skipped: {c.already_imported} already imported, {c.skipped_outside_sites} "
              f"outside registered sites, {c.skipped_empty} empty, {c.skipped_deleted} deleted "
              f"with nothing left, {c.skipped_other} other (pingbacks, trackbacks, private "
              "notes, unknown thread).")
        write("Not carried over: e-mail and IP addresses, author websites, likes and votes.")
        for url in c.skipped_urls:
            write(f"  skipped thread: {url}")
        if c.restored:
            write("Also created: " + ", ".join(f"{n} {kind}" for kind, n in
                                              sorted(c.restored.items())) + ".")
        if c.moderators_without_password:
            write(f"Moderators created without a password, because the export holds none "
                  f"({len(c.moderators_without_password)}); set each one with "
                  "tribune changepassword NAME: "
                  + ", ".join(c.moderators_without_password) + ".")
        if c.webhooks_without_secret:
            write(f"Webhooks not created because the export holds no secret for them "
                  f"({len(c.webhooks_without_secret)}); add each again with the receiver's "
                  "secret:")
            for hook in c.webhooks_without_secret:
                write(f"  tribune webhook add {hook} --secret SECRET")
