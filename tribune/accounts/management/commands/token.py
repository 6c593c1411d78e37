"""``tribune token {create,list,revoke}``: moderators' API tokens (the one
command for them; ``create`` prints the token as the last line)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tribune.accounts.tokens import token_create, token_revoke, tokens_list
from tribune.core.management import service_errors, when_text


class Command(BaseCommand):
    help = "Manage moderators' API tokens: create, list, revoke."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Make an API token for a moderator.")
        create.add_argument("name", metavar="NAME", help="The moderator's login name.")
        listing = actions.add_parser(
            "list", help="List tokens (their visible prefix only) with their state.")
        listing.add_argument("name", metavar="NAME", nargs="?", default=None,
                             help="Only this moderator's tokens.")
        revoke = actions.add_parser(
            "revoke", help="Revoke a token at once (by its prefix), or all of a moderator's.")
        which = revoke.add_mutually_exclusive_group(required=True)
        which.add_argument("prefix", metavar="PREFIX", nargs="?", default=None,
                           help="The token's first characters (at least 8, e.g. trb_AbCd).")
        which.add_argument("--all-of", dest="all_of", metavar="NAME", default=None,
                           help="Every live token of this moderator.")

    def handle(self, *args, action: str, **options):
        if action == "create":
            return self.create(options["name"])
        if action == "list":
            return self.list(options["name"])
        return self.revoke(options["prefix"], options["all_of"])

    def create(self, name: str) -> None:
        with service_errors():
            token = token_create(name=name)
        self.stdout.write(
            f"API token for {name}, shown this once (send it as "
            "'Authorization: Bearer TOKEN'):"
        )
        # Scripts read the last line: keep the token alone on it.
        self.stdout.write(token)

    def list(self, name: str | None) -> None:
        with service_errors():
            tokens = tokens_list(name=name)
        if not tokens:
            self.stdout.write("No API tokens.")
            return
        self.stdout.write(f"{'PREFIX':<14} {'MODERATOR':<20} {'CREATED':<21} "
                          f"{'LAST USED':<21} STATE")
        for t in tokens:
            state = f"revoked {when_text(t.revoked_at)}" if t.revoked_at else "live"
            self.stdout.write(f"{t.prefix + '…':<14} {t.user:<20} {when_text(t.created_at):<21} "
                              f"{when_text(t.last_used_at):<21} {state}")

    def revoke(self, prefix: str | None, all_of: str | None) -> None:
        if not prefix and not all_of:
            raise CommandError("Name a token's prefix or --all-of NAME.")
        with service_errors():
            count = token_revoke(prefix=prefix, name=all_of)
        if all_of:
            self.stdout.write(f"Revoked {count} token(s) of {all_of}.")
        else:
            self.stdout.write(f"Revoked token {prefix}….")
