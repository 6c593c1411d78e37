"""``tribune notifications alert DESK --threshold N --to ADDRESS``, ``alerts``,
``unalert DESK`` and ``send`` (sends due e-mails, deletes expired addresses)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tribune.core.errors import NotFound
from tribune.core.management import service_errors
from tribune.notifications.models import QueueAlert
from tribune.notifications.services import mails_send_due, queue_alert_remove, queue_alert_set
from tribune.sites.models import Desk


def _desk(code: str) -> Desk:
    desk = Desk.objects.filter(code=code.strip().lower()).first()
    if desk is None:
        raise NotFound(_("There is no desk %(codes)s.") % {"codes": code})
    return desk


class Command(BaseCommand):
    help = "E-mail notifications: moderators' queue alerts, and sending what is due."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{alert,alerts,unalert,send}")
        alert = actions.add_parser(
            "alert", help="E-mail moderators when a desk's queue grows past a threshold.")
        alert.add_argument("desk", metavar="DESK")
        alert.add_argument("--threshold", type=int, required=True)
        alert.add_argument("--to", action="append", required=True, metavar="ADDRESS")
        alert.add_argument("--every", type=int, default=60, metavar="MINUTES",
                           help="At most one alert per this many minutes (default 60).")
        actions.add_parser("alerts", help="List the queue alerts.")
        unalert = actions.add_parser("unalert", help="Remove a desk's queue alert.")
        unalert.add_argument("desk", metavar="DESK")
        actions.add_parser("send", help="Send due e-mails and delete expired addresses.")

    def handle(self, *args, action: str, **options):
        with service_errors():
            if action == "alert":
                alert = queue_alert_set(desk=_desk(options["desk"]),
                                        threshold=options["threshold"],
                                        recipients=options["to"],
                                        every_minutes=options["every"])
                self.stdout.write(f"Queue alert for desk {alert.desk.code}: above "
                                  f"{alert.threshold} pending, at most every "
                                  f"{alert.every_minutes} minutes.")
            elif action == "alerts":
                for alert in QueueAlert.objects.select_related("desk"):
                    self.stdout.write(f"{alert.desk.code}\t{alert.threshold}\t"
                                      f"{alert.every_minutes}\t{alert.recipients}")
            elif action == "unalert":
                queue_alert_remove(desk=_desk(options["desk"]))
                self.stdout.write(f"Removed the queue alert of desk {options['desk']}.")
            else:
                mails_send_due()
                self.stdout.write("Sent what was due.")
