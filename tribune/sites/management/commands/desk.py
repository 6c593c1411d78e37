"""``tribune desk add CODE`` and ``tribune desk list``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tribune.core.management import service_errors
from tribune.sites.models import Desk, Direction
from tribune.sites.safety import desk_time_zone_set
from tribune.sites.services import desk_create, desk_get


def describe(desk: Desk) -> str:
    return f"{desk.code}\t{desk.name}\t{desk.language}\t{desk.get_direction_display()}"


class Command(BaseCommand):
    help = "Manage desks: the publisher's language services (English, Korean, Uyghur…)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{add,list,time-zone}")
        add = actions.add_parser("add", help="Create a desk.")
        add.add_argument("code", metavar="CODE",
                         help="Short code, usually the language code: en, ko, ug, zh-hans…")
        add.add_argument("--name", default="",
                         help="Display name (default: the language's own name).")
        add.add_argument("--language", default="",
                         help="BCP 47 language code (default: CODE).")
        add.add_argument("--direction", choices=Direction.values, default="",
                         help="Script direction (default: from the language; ug is rtl).")
        actions.add_parser("list", help="List the desks.")
        zone = actions.add_parser(
            "time-zone", help="Set the time zone of a desk's published dates.")
        zone.add_argument("code", metavar="CODE")
        zone.add_argument("time_zone", metavar="ZONE", help="IANA name, e.g. Asia/Seoul.")

    def handle(self, *args, action: str, **options):
        if action == "time-zone":
            with service_errors():
                desk = desk_time_zone_set(desk=desk_get(code=options["code"]),
                                          time_zone=options["time_zone"])
            self.stdout.write(f"Desk {desk.code}: published dates in {desk.time_zone}.")
            return
        if action == "add":
            with service_errors():
                desk = desk_create(
                    code=options["code"], name=options["name"],
                    language=options["language"], direction=options["direction"],
                )
            self.stdout.write(
                f"Created desk {desk.code}: {desk.name} "
                f"(language {desk.language}, {desk.get_direction_display()})."
            )
        else:
            desks = list(Desk.objects.all())
            if not desks:
                self.stdout.write("No desks yet. Add one with: tribune desk add CODE")
            for desk in desks:
                self.stdout.write(describe(desk))
