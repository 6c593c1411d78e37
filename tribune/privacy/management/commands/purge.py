"""``tribune purge``: apply the retention policy (run it daily)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tribune.privacy.retention import retention_purge

_LABELS = {
    "rejected_erased": "rejected comments whose text was removed",
    "network_hashes_cleared": "network hashes cleared",
    "network_keys_destroyed": "network keys destroyed",
    "email_addresses_deleted": "expired e-mail addresses deleted",
    "rate_counters_deleted": "expired rate-limit counters deleted",
    "redacted_originals_deleted": "redacted originals past their retention deleted",
    "vault_keys_destroyed": "vault keys destroyed",
}


class Command(BaseCommand):
    help = (
        "Apply the retention policy: remove the text of comments rejected more than "
        "N days ago (their audit rows stay, without the text), clear old network "
        "hashes, destroy old network keys, delete expired e-mail addresses and "
        "rate-limit counters. Safe to run while Tribune serves; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rejected-days", type=int, default=None,
            help="Remove rejected comments' text this many days after the decision "
                 f"(default TRIBUNE_RETENTION_REJECTED_DAYS, now "
                 f"{settings.TRIBUNE_RETENTION_REJECTED_DAYS}).")
        parser.add_argument(
            "--network-hash-days", type=int, default=None,
            help="Clear comments' network hashes this many days after submission "
                 f"(default TRIBUNE_RETENTION_NETWORK_HASH_DAYS, now "
                 f"{settings.TRIBUNE_RETENTION_NETWORK_HASH_DAYS}).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count what would be removed.")

    def handle(self, *args, rejected_days, network_hash_days, dry_run, **options):
        for name, value in (("--rejected-days", rejected_days),
                            ("--network-hash-days", network_hash_days)):
            if value is not None and value < 0:
                raise CommandError(f"{name} must be 0 or more.")
        report = retention_purge(rejected_days=rejected_days,
                                 network_hash_days=network_hash_days, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for key, count in report.as_dict().items():
            if dry_run and key in ("network_keys_destroyed", "rate_counters_deleted",
                                   "vault_keys_destroyed"):
                continue
            self.stdout.write(f"{count} {_LABELS[key]}" + (f" ({verb} removed)" if dry_run
                                                           else ""))
