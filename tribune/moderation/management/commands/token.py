"""``tribune token create NAME``: an API token, printed as the last line."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tribune.core.management import service_errors
from tribune.moderation.services import token_create


class Command(BaseCommand):
    help = "Manage moderators' API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = actions.add_parser("create", help="Make an API token for a moderator.")
        create.add_argument("name", metavar="NAME", help="The moderator's login name.")

    def handle(self, *args, action: str, name: str, **options):
        with service_errors():
            token = token_create(name=name)
        self.stdout.write(
            f"API token for {name}, shown this once (send it as "
            "'Authorization: Bearer TOKEN'):"
        )
        # Scripts read the last line: keep the token alone on it.
        self.stdout.write(token)
