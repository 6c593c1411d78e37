"""``tribune backup FILE``: a consistent copy of the database, taken while serving."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tribune.reliability.backups import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole database to FILE while Tribune goes on "
        "serving (SQLite: online backup API; PostgreSQL: pg_dump). FILE is replaced "
        "atomically and readable by its owner only. Keep the secret key "
        "(TRIBUNE_SECRET_KEY or var/secret_key) with it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup.")

    def handle(self, *args, file: str, **options):
        try:
            result = database_backup(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the {result.engine} database to {result.path} "
                          f"({result.size} bytes).")
