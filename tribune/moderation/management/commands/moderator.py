"""``tribune moderator create NAME [--desk CODE ...] [--admin] [--password PW]``."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from tribune.core.management import service_errors
from tribune.moderation.moderators import moderator_create


class Command(BaseCommand):
    help = "Manage moderators."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = actions.add_parser("create", help="Create a moderator.")
        create.add_argument("name", metavar="NAME", help="The moderator's login name.")
        create.add_argument("--desk", dest="desks", action="extend", nargs="+", default=[],
                            metavar="CODE",
                            help="Desk(s) the moderator works on: --desk ko ug, or "
                                 "--desk ko --desk ug.")
        create.add_argument("--admin", action="store_true",
                            help="An administrator: every desk, and the site settings.")
        create.add_argument("--password", default=None,
                            help="The password (prompted for, without echo, when omitted; "
                                 "on the command line it may stay in the shell's history).")

    def handle(self, *args, action: str, name: str, desks: list[str], admin: bool,
               password: str | None, **options):
        desk_codes = [code for value in desks for code in value.split(",") if code.strip()]
        if password is None:
            password = self.prompt_password(name)
        with service_errors():
            user = moderator_create(
                name=name, password=password, desk_codes=desk_codes, admin=admin
            )
        scope = "every desk (administrator)" if admin else "desks " + ", ".join(
            sorted(a.desk.code for a in user.desk_assignments.select_related("desk"))
        )
        self.stdout.write(f"Created moderator {user.username}: {scope}.")
        self.stdout.write("They sign in at /moderate/login/; for an API token run: "
                          f"tribune token create {user.username}")
        if admin:
            # Administrators must use an authenticator, bound with a one-time code.
            self.stdout.write("Administrators log in with an authenticator app: give them "
                              "the code of: tribune twofactor enrol " + user.username)

    def prompt_password(self, name: str) -> str:
        try:
            first = getpass.getpass(f"Password for {name}: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password given.") from None
        if first != second:
            raise CommandError("The two passwords differ.")
        return first
