"""``tribune site add ORIGIN`` and ``tribune site list``."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from tribune.actions.site_safety import site_safety_set
from tribune.core.management import service_errors
from tribune.sites.models import PublicTimes, Site
from tribune.sites.safety import site_find
from tribune.sites.services import desk_get_or_create, site_create

DEFAULT_DESK = "en"


class Command(BaseCommand):
    help = "Manage sites: every article URL under a site's origins may have a thread."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,list}")
        add = actions.add_parser("add", help="Register a site with the default Terms of Use.")
        add.add_argument("origin", metavar="ORIGIN",
                         help="The site's origin, e.g. https://news.example.org")
        add.add_argument("--name", default="", help="Display name (default: the origin).")
        add.add_argument("--desk", default=DEFAULT_DESK, metavar="CODE",
                         help="Default desk of the site's threads, created if missing "
                              f"(default: {DEFAULT_DESK}).")
        add.add_argument("--origin", dest="more_origins", action="append", default=[],
                         metavar="ORIGIN",
                         help="Another origin of the same site (repeatable), e.g. "
                              "https://www.news.example.org")
        actions.add_parser("list", help="List the sites and their origins.")
        safety = actions.add_parser(
            "set", help="Change a site's safety settings (issue #15); shows them all.")
        safety.add_argument("site", metavar="ORIGIN|SITE_ID")
        safety.add_argument(
            "--shared-exits", choices=("yes", "no"), default=None,
            help="yes: readers come through shared exits (Tor, VPN); networks cannot be "
                 "restricted, and rate limits count per commenter and per thread.")
        safety.add_argument(
            "--public-times", choices=PublicTimes.values, default=None,
            help="Precision of published times, in the desk's time zone (default day).")
        safety.add_argument(
            "--redaction-days", type=int, default=None, metavar="N",
            help="Days the original of a comment edited or rejected under a "
                 "personal-information clause is kept, sealed (default 7).")

    def handle(self, *args, action: str, **options):
        if action == "add":
            self.add(options)
        elif action == "set":
            self.safety(options)
        else:
            self.list()

    def safety(self, options: dict) -> None:
        shared = options["shared_exits"]
        with service_errors():
            site = site_safety_set(
                site=site_find(ref=options["site"]),
                shared_exits=None if shared is None else shared == "yes",
                public_times=options["public_times"], redaction_days=options["redaction_days"])
        self.stdout.write(f"Site {site.pk}: {site.name}")
        self.stdout.write(f"  shared exits: {'yes' if site.shared_exits else 'no'}")
        self.stdout.write(f"  public times: to the {site.public_times}")
        self.stdout.write(f"  redaction days: {site.redaction_days}")

    def add(self, options: dict) -> None:
        # One transaction: a refused origin must not leave a new desk behind.
        with service_errors(), transaction.atomic():
            desk = desk_get_or_create(code=options["desk"])
            site = site_create(
                origins=[options["origin"], *options["more_origins"]],
                name=options["name"],
                desk=desk,
            )
        self.stdout.write(f"Created site {site.pk}: {site.name} (desk {desk.code})")
        self.stdout.write("Origins:")
        for origin in site.origins.order_by("id"):
            self.stdout.write(f"  {origin.origin}")
        self.stdout.write("Terms of Use (the default clauses; decisions cite them by number):")
        for clause in site.clauses.all():
            self.stdout.write(f"  {clause.number}. {_(clause.title)}")

    def list(self) -> None:
        sites = Site.objects.select_related("default_desk").prefetch_related("origins")
        if not sites:
            self.stdout.write("No sites yet. Add one with: tribune site add ORIGIN")
        for site in sites:
            origins = ", ".join(o.origin for o in site.origins.all())
            self.stdout.write(f"{site.pk}\t{site.name}\t{site.default_desk.code}\t{origins}")
