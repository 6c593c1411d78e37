"""``tribune restore FILE``: load a backup made by ``tribune backup``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tribune.reliability.backups import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `tribune backup` into the configured database. A "
        "database that already holds data is only replaced with --force; stop the "
        "server first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup to restore.")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that already holds data.")

    def handle(self, *args, file: str, force: bool, **options):
        try:
            database_restore(path=file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file}. Run `tribune migrate` if this version of "
                          "Tribune is newer than the backup.")
