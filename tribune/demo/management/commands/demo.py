"""``tribune demo``: a demo site with desks, articles, comments and a moderator."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tribune.core.management import service_errors
from tribune.demo.content import ARTICLES, DEFAULT_ORIGIN, DESKS, IFRAME, WIDGET
from tribune.demo.services import demo_load


class Command(BaseCommand):
    help = (
        "Load the demo: five desks (English, Korean, Uyghur, Tibetan, Mandarin), "
        "articles written for the demo with comments, and a moderator 'demo', "
        "editor of every demo desk. "
        "Running it again adds nothing twice and resets the moderator's password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--origin", default=DEFAULT_ORIGIN,
                            help="Where the demo will be served, as the browser sees it "
                                 f"(default {DEFAULT_ORIGIN}).")
        parser.add_argument("--password", default=None,
                            help="Password of the moderator 'demo' (default: random, "
                                 "printed at the end).")
        parser.add_argument("--serving", action="store_true",
                            help="Say that the server is being started (as ./scripts/demo "
                                 "does) instead of how to start it.")

    def handle(self, *args, origin: str, password: str | None, serving: bool, **options):
        with service_errors():
            loaded = demo_load(origin=origin, password=password)
        base = loaded.origin
        if loaded.moved_from:
            self.stdout.write(
                f"The demo site “{loaded.site.name}” (site {loaded.site.pk}) moved from "
                f"{', '.join(loaded.moved_from)} to {base}, with its articles and comments."
            )
        if loaded.created_comments:
            self.stdout.write(
                f"Loaded the demo site “{loaded.site.name}” (site {loaded.site.pk}) at {base}."
            )
        else:
            self.stdout.write(
                f"The demo site “{loaded.site.name}” (site {loaded.site.pk}) at {base} was "
                "already loaded; nothing was added."
            )
        self.stdout.write(
            f"Desks: {', '.join(d.code for d in DESKS)}. Articles: {loaded.articles}. "
            f"Comments: {loaded.published} published, {loaded.pending} awaiting moderation."
        )
        self.stdout.write("")
        if serving:
            self.stdout.write("The server is starting. Open:")
        else:
            self.stdout.write("Start the server with `tribune serve`, then open:")
        self.stdout.write(f"  Demo front page:  {base}/demo/")
        widget = next(a for a in ARTICLES if a.embed == WIDGET)
        iframe = next(a for a in ARTICLES if a.embed == IFRAME)
        self.stdout.write(f"  With the widget:  {base}{widget.path}")
        self.stdout.write(f"  In an iframe:     {base}{iframe.path}")
        self.stdout.write(f"  Moderation:       {base}/moderate/login/")
        self.stdout.write("")
        self.stdout.write("Moderator login (desk editor of every demo desk):")
        self.stdout.write(f"  user:     {loaded.moderator}")
        self.stdout.write(f"  password: {loaded.password}")
