"""``tribune export FILE``: JSON Lines that ``tribune import tribune FILE`` reads back."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tribune.importers.exporting import export_write


class Command(BaseCommand):
    help = ("Export desks, sites, moderators (no passwords), threads, comments and their "
            "decisions as JSON Lines. No secrets, tokens or e-mail addresses. Use - for "
            "standard output.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file: str, **options):
        if file == "-":
            counts = export_write(self.stdout._out)
            return
        path = Path(file)
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                counts = export_write(out)
            os.replace(partial, path)  # a reader never sees half a file
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
        self.stdout.write(
            f"Exported {counts.get('comments', 0)} comments with {counts.get('decisions', 0)} "
            f"decisions, {counts.get('threads', 0)} threads, {counts.get('sites', 0)} sites, "
            f"{counts.get('desks', 0)} desks and {counts.get('moderators', 0)} moderators "
            f"to {path}.")
