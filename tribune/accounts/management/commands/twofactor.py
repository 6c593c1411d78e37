"""``tribune twofactor {require,relax,status,reset,enrol}``: who must log in with
an authenticator app.

Administrators always must. ``require ORIGIN_OR_ID`` asks it of every moderator
of a site (from their next login); ``reset NAME`` removes a moderator's
authenticator after a lost phone; ``enrol NAME`` prints the one-time code with
which they bind an authenticator (a password alone never does: whoever stole it
would make the second factor theirs).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tribune.accounts.models import SiteSecurity
from tribune.accounts.services import (
    ENROLMENT_HOURS_DEFAULT,
    has_two_factor,
    site_two_factor_set,
    two_factor_disable,
    two_factor_enrolment_issue,
    two_factor_required,
)
from tribune.core.errors import TribuneError
from tribune.sites.models import Site, SiteOrigin


def _site(value: str) -> Site:
    site = None
    if value.isascii() and value.isdigit():
        site = Site.objects.filter(pk=int(value)).first()
    else:
        origin = SiteOrigin.objects.select_related("site").filter(origin=value.rstrip("/")).first()
        site = origin.site if origin else None
    if site is None:
        raise CommandError(f"There is no site {value} (give its id or one of its origins).")
    return site


class Command(BaseCommand):
    help = "Require or relax two-step login per site; show who uses it; reset a moderator's."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{require,relax,status,reset,enrol}")
        for name, text in (("require", "Every moderator of the site must use an authenticator."),
                           ("relax", "Moderators of the site may choose (administrators "
                                     "still must).")):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("site", metavar="SITE", help="The site's id or one of its origins.")
        actions.add_parser("status", help="Sites that require it; moderators and their state.")
        reset = actions.add_parser("reset", help="Remove a moderator's authenticator.")
        reset.add_argument("name", metavar="NAME", help="The moderator's login name.")
        enrol = actions.add_parser(
            "enrol", help="Print a one-time code with which a moderator sets up an "
                          "authenticator; give it to them by another channel than the "
                          "password.")
        enrol.add_argument("name", metavar="NAME", help="The moderator's login name.")
        enrol.add_argument("--hours", type=int, default=ENROLMENT_HOURS_DEFAULT,
                           help=f"How long the code is valid (default "
                                f"{ENROLMENT_HOURS_DEFAULT}).")

    def handle(self, *args, action: str, **options):
        if action in ("require", "relax"):
            site = _site(options["site"])
            site_two_factor_set(site=site, required=action == "require")
            verb = "must" if action == "require" else "may choose to"
            self.stdout.write(f"Moderators of {site.name} (site {site.pk}) {verb} use an "
                              "authenticator app, from their next login.")
        elif action in ("reset", "enrol"):
            user = get_user_model().objects.filter(username=options["name"],
                                                   is_staff=True).first()
            if user is None:
                raise CommandError(f"There is no moderator named {options['name']}.")
            if action == "reset":
                removed = two_factor_disable(user=user)
                self.stdout.write(
                    (f"Removed the authenticator of {user.username}." if removed
                     else f"{user.username} had no authenticator.")
                    + f" To set up a new one they need: tribune twofactor enrol {user.username}"
                )
                return
            try:
                code = two_factor_enrolment_issue(user=user, hours=options["hours"])
            except TribuneError as error:
                raise CommandError(error.message) from None
            self.stdout.write(
                f"{user.username} sets up an authenticator at their next login (or from "
                f"their account page) with this one-time code, valid {options['hours']} "
                "hours. Give it to them by another channel than their password:")
            self.stdout.write(code)
        else:
            self.status()

    def status(self) -> None:
        strict = SiteSecurity.objects.filter(require_two_factor=True).select_related("site")
        names = ", ".join(f"{s.site.name} ({s.site_id})" for s in strict) or "none"
        self.stdout.write(f"Sites that require it: {names}")
        for user in get_user_model().objects.filter(is_staff=True).order_by("username"):
            state = "set up" if has_two_factor(user) else "not set up"
            need = "required" if two_factor_required(user) else "optional"
            self.stdout.write(f"  {user.username}: {state} ({need})")
