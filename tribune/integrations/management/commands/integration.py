"""``tribune integration {token,list,revoke}``: API tokens for systems (a CMS,
a moderation tool), each with scopes.

``tribune integration token NAME --scope threads:write [--scope …] [--desk CODE …]``
prints the token as its last line, like ``tribune token create`` does for a
moderator.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tribune.core.management import service_errors, when_text
from tribune.integrations.models import IntegrationToken
from tribune.integrations.services import integration_token_create, integration_token_revoke
from tribune.moderation.permissions import Scope


class Command(BaseCommand):
    help = "Manage integrations' API tokens and their scopes."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{token,list,revoke}")
        token = actions.add_parser("token", help="Make an API token for an integration "
                                                 "(created on first use).")
        token.add_argument("name", metavar="NAME", help="The integration's name, e.g. cms.")
        token.add_argument("--scope", action="append", required=True, choices=Scope.values,
                           help="What the token may do; repeat for several.")
        token.add_argument("--desk", action="append", default=[], metavar="CODE",
                           help="Limit the integration to this desk; repeat for several "
                                "(default: every desk).")
        actions.add_parser("list", help="List integrations' tokens (visible prefix only).")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix", metavar="PREFIX",
                            help="The token's first characters (at least 8, e.g. tri_AbCd).")

    def handle(self, *args, action: str, **options):
        if action == "token":
            with service_errors():
                raw = integration_token_create(name=options["name"], scopes=options["scope"],
                                               desk_codes=options["desk"])
            self.stdout.write(
                f"API token for the integration {options['name']} with "
                f"{', '.join(sorted(set(options['scope'])))}, shown this once (send it as "
                "'Authorization: Bearer TOKEN'):"
            )
            # Scripts read the last line: keep the token alone on it.
            self.stdout.write(raw)
        elif action == "list":
            tokens = IntegrationToken.objects.select_related("integration").order_by(
                "integration__name", "created_at")
            if not tokens:
                self.stdout.write("No integration tokens.")
                return
            self.stdout.write(f"{'PREFIX':<14} {'INTEGRATION':<20} {'SCOPES':<48} "
                              f"{'LAST USED':<21} STATE")
            for t in tokens:
                state = f"revoked {when_text(t.revoked_at)}" if t.revoked_at else "live"
                self.stdout.write(f"{t.prefix + '…':<14} {t.integration.name:<20} "
                                  f"{t.scopes:<48} {when_text(t.last_used_at):<21} {state}")
        else:
            with service_errors():
                count = integration_token_revoke(prefix=options["prefix"])
            self.stdout.write(f"Revoked {count} token(s).")
