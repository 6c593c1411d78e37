"""``tribune export FILE``: JSON Lines that ``tribune import tribune FILE`` reads back."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tribune.importers.exporting import export_write


class Command(BaseCommand):
    help = ("Export desks, moderators, sites and their settings, threads, comments with "
            "their decisions, triage, reports and erasures, and bans as JSON Lines "
            "(docs/import-export.md). No passwords or webhook secrets unless "
            "--include-secrets; never API tokens, two-factor secrets or readers' e-mail "
            "addresses. Use - for standard output.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--include-secrets", action="store_true",
                            help="Also write moderators' password hashes and webhook secrets "
                            "in clear, for a move to a new server. Keep such a file as "
                            "safe as the database itself.")

    def handle(self, *args, file: str, include_secrets: bool = False, **options):
        if file == "-":
            export_write(self.stdout._out, include_secrets=include_secrets)
            return
        path = Path(file)
        partial = path.with_name(path.name + ".partial")
        try:
            # A file that may hold secrets is readable by its owner only.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "w", encoding="utf-8") as out:
                counts = export_write(out, include_secrets=include_secrets)
            os.replace(partial, path)  # a reader never sees half a file
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
        c = counts.get
        self.stdout.write(
            f"Exported {c('comments', 0)} comments with {c('decisions', 0)} decisions, "
            f"{c('reports', 0)} reports and {c('triaged', 0)} triage results, "
            f"{c('threads', 0)} threads, {c('sites', 0)} sites, {c('desks', 0)} desks, "
            f"{c('moderators', 0)} moderators, {c('bans', 0)} bans and "
            f"{c('webhooks', 0)} webhooks to {path}"
            + (" (with password hashes and webhook secrets)." if include_secrets else
               " (no secrets: webhooks need their secret again on import)."))
