"""``tribune webhook add ORIGIN URL [--event E ...]``, ``list``, ``remove ID``,
``log [ID]`` and ``deliver`` (the outbox worker)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tribune.core.management import service_errors
from tribune.sites.services import site_for_origin
from tribune.sites.url_rules import origin_of
from tribune.webhooks.models import Attempt, Delivery, Webhook
from tribune.webhooks.services import deliveries_send_due, webhook_add, webhook_remove


class Command(BaseCommand):
    help = "Manage the webhooks that tell a site's systems about comment events."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{add,list,remove,log,deliver}")
        add = actions.add_parser("add", help="Send a site's comment events to URL.")
        add.add_argument("origin", metavar="ORIGIN", help="An origin of a registered site.")
        add.add_argument("url", metavar="URL", help="The receiver's http(s) address.")
        add.add_argument("--event", action="append", default=[], metavar="EVENT",
                         help="submitted, approved, rejected or edited (repeatable; "
                              "default: all four).")
        add.add_argument("--secret", default=None,
                         help="The signing key (default: generated and printed once).")
        actions.add_parser("list", help="List the webhooks.")
        remove = actions.add_parser("remove", help="Remove a webhook and its delivery log.")
        remove.add_argument("id", type=int, metavar="ID")
        log = actions.add_parser("log", help="The latest deliveries and their attempts.")
        log.add_argument("id", type=int, nargs="?", metavar="ID", help="Only this webhook.")
        log.add_argument("--limit", type=int, default=20)
        deliver = actions.add_parser(
            "deliver", help="Send due deliveries; with --loop, keep doing so (a worker).")
        deliver.add_argument("--loop", action="store_true")
        deliver.add_argument("--interval", type=float, default=5.0,
                             help="Seconds between polls with --loop (default 5).")

    def handle(self, *args, action: str, **options):
        with service_errors():
            getattr(self, f"do_{action}")(options)

    def do_add(self, options: dict) -> None:
        site = site_for_origin(origin_of(options["origin"], field="origin"))
        hook = webhook_add(site=site, url=options["url"], events=options["event"],
                           secret=options["secret"])
        self.stdout.write(f"Added webhook {hook.pk} for site {site.pk} ({site.name}): "
                          f"{hook.url}")
        self.stdout.write(f"Events: {', '.join(hook.event_list)}")
        self.stdout.write("Signing secret (give it to the receiver; shown only now):")
        self.stdout.write(hook.secret)

    def do_list(self, options: dict) -> None:
        hooks = Webhook.objects.select_related("site")
        if not hooks:
            self.stdout.write("No webhooks. Add one with: tribune webhook add ORIGIN URL")
        for hook in hooks:
            state = "active" if hook.is_active else "disabled"
            self.stdout.write(f"{hook.pk}\t{hook.site.name}\t{hook.url}\t"
                              f"{','.join(hook.event_list)}\t{state}")

    def do_remove(self, options: dict) -> None:
        webhook_remove(webhook_id=options["id"])
        self.stdout.write(f"Removed webhook {options['id']}.")

    def do_log(self, options: dict) -> None:
        deliveries = Delivery.objects.order_by("-id")
        if options["id"]:
            deliveries = deliveries.filter(webhook_id=options["id"])
        for d in reversed(list(deliveries[: options["limit"]])):
            self.stdout.write(
                f"delivery {d.pk}\twebhook {d.webhook_id}\t{d.event}\t{d.status}\t"
                f"attempts {d.attempts}\tlast {d.last_status_code or '-'}\t"
                f"next {d.next_attempt_at.isoformat() if d.status == 'pending' else '-'}"
            )
            for a in Attempt.objects.filter(delivery=d):
                self.stdout.write(f"  #{a.number} {a.attempted_at.isoformat()} "
                                  f"{a.status_code or '-'} {a.error} {a.duration_ms}ms")

    def do_deliver(self, options: dict) -> None:
        while True:
            close_old_connections()
            wait = deliveries_send_due()
            if not options["loop"]:
                pending = Delivery.objects.filter(status="pending").count()
                self.stdout.write(f"Sent what was due; {pending} pending.")
                return
            time.sleep(min(options["interval"], wait) if wait is not None
                       else options["interval"])



