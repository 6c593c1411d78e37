"""``tribune triage``: evaluate and train the models, keep word lists, policies.

    tribune triage evaluate FILE.csv [--lang en|ko|spam] [--models DIR]
    tribune triage train [--data DIR] [--out DIR] [--model NAME ...] [--no-priors]
    tribune triage words DESK list|add|remove [TERM ...]
    tribune triage policy SITE_ID [--hold N] [--reject N --clause N]
    tribune triage senior NAME [--remove]
    tribune triage backfill [--days N] [--limit N]
    tribune triage worker [--poll SECONDS] [--batch N]
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tribune.core.errors import TribuneError
from tribune.sites.models import Site
from tribune.triage.classifier import model_for
from tribune.triage.evaluation import evaluate, read_rows
from tribune.triage.models import Term
from tribune.triage.policy import policy_set
from tribune.triage.scoring import triage_missing
from tribune.triage.seniors import senior_set
from tribune.triage.wordlists import term_add, term_remove
from tribune.triage.worker import BATCH, POLL_SECONDS, Worker, lower_priority


class Command(BaseCommand):
    help = "Triage: evaluate and train the models, desk word lists, site policies."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="Precision, recall and ROC AUC on a labelled CSV.")
        ev.add_argument("file", help="CSV with columns text,label (1 = offensive, hateful "
                                     "or spam; 0 otherwise)")
        ev.add_argument("--lang", default="en",
                        help="en or ko (insult and hate models) or spam (default en)")
        ev.add_argument("--models", help="a folder of models made by `tribune triage train "
                                         "--out` (default: the shipped models)")
        tr = sub.add_parser("train", help="Rebuild every shipped model from the data.")
        tr.add_argument("--data", help="Folder of the training CSVs (default ../shared/data)")
        tr.add_argument("--out", help="Where to write the models (default: the package)")
        tr.add_argument("--model", action="append", choices=["en_toxicity", "ko_toxicity", "spam"],
                        help="only this model (repeatable; default: all three)")
        tr.add_argument("--no-priors", action="store_true",
                        help="without the lexicons made from published packages "
                             "(alt-profanity-check, korcen), to compare")
        words = sub.add_parser(
            "words", help="A desk's list of insults and slurs - never political words or "
                          "names (the workspace: /moderate/triage/words/).")
        words.add_argument("desk", help="the desk's code")
        words.add_argument("verb", choices=["list", "add", "remove"])
        words.add_argument("terms", nargs="*")
        policy = sub.add_parser("policy", help="A site's hold and rejection thresholds.")
        policy.add_argument("site", type=int)
        policy.add_argument("--hold", type=int, default=None)
        policy.add_argument("--reject", type=int, default=None)
        policy.add_argument("--clause", type=int, default=None)
        senior = sub.add_parser("senior", help="Let a moderator decide held comments.")
        senior.add_argument("name")
        senior.add_argument("--remove", action="store_true")
        backfill = sub.add_parser(
            "backfill", help="Triage recent comments that have no triage yet (a process "
                             "stopped before triaging them, or TRIBUNE_TRIAGE_MODE=off).")
        backfill.add_argument("--days", type=int, default=7,
                              help="how far back to look (default 7)")
        backfill.add_argument("--limit", type=int, default=None, help="at most this many")
        worker = sub.add_parser(
            "worker", help="Triage new comments as they come, in this process, until "
                           "SIGTERM or Ctrl+C (the web processes run with "
                           "TRIBUNE_TRIAGE_MODE=worker; `tribune serve` starts one).")
        worker.add_argument("--poll", type=float, default=POLL_SECONDS,
                            help=f"seconds between looks for new comments "
                                 f"(default {POLL_SECONDS})")
        worker.add_argument("--batch", type=int, default=BATCH,
                            help=f"comments taken per look (default {BATCH})")
        # `tribune serve` passes its process id: the worker stops if it is gone.
        worker.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except TribuneError as error:
            raise CommandError(error.message) from None

    def _evaluate(self, options):
        try:
            model = model_for(options["lang"], options["models"])
        except KeyError:
            raise CommandError(
                f"No model for --lang {options['lang']}; use en, ko or spam."
            ) from None
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot load the model from {options['models']}: {error}") \
                from None
        result = evaluate(model, read_rows(Path(options["file"])))
        self.stdout.write(f"model: {model.name} ({model.description})")
        self.stdout.write(f"rows: {result.rows} ({result.positives} labelled 1)")
        for at in result.at:
            self.stdout.write(
                f"threshold {at.name} {at.threshold:.2f}: precision {at.precision:.3f} "
                f"recall {at.recall:.3f} ({at.flagged} flagged)"
            )
        self.stdout.write(f"ROC AUC: {result.roc_auc:.3f}")

    def _train(self, options):
        try:
            # Only training needs the train extra (scikit-learn); a server lacks it.
            from tribune.triage.training.train import MODELS, MODELS_DIR, train_all
        except ImportError as error:
            raise CommandError(
                f"Training needs the train extra (pip install 'tribune[train]'): {error}"
            ) from None
        folder = Path(options["data"]) if options["data"] else None
        out = Path(options["out"]) if options["out"] else MODELS_DIR
        if folder is not None and not folder.is_dir():
            raise CommandError(f"There is no folder {folder}.")
        try:
            train_all(folder=folder, out=out, say=self.stdout.write,
                      models=tuple(options["model"] or MODELS),
                      priors=not options["no_priors"])
        except ImportError as error:
            raise CommandError(
                f"Training needs the train extra (pip install 'tribune[train]'): {error}"
            ) from None
        except FileNotFoundError as error:
            raise CommandError(f"Training data not found: {error.filename}") from None

    def _words(self, options):
        desk, verb, terms = options["desk"], options["verb"], options["terms"]
        if verb != "list" and not terms:
            raise CommandError(f"Name the terms to {verb}.")
        for term in terms:
            if verb == "add":
                term_add(desk_code=desk, term=term)
            elif not term_remove(desk_code=desk, term=term):
                self.stderr.write(f"{term!r} was not listed.")
        for term in Term.objects.filter(desk__code=desk.lower()).values_list("term", flat=True):
            self.stdout.write(term)

    def _policy(self, options):
        site = Site.objects.filter(pk=options["site"]).first()
        if site is None:
            raise CommandError(f"There is no site {options['site']}.")
        policy = policy_set(site=site, hold_threshold=options["hold"],
                            reject_threshold=options["reject"], reject_clause=options["clause"])
        self.stdout.write(
            f"site {site.pk}: hold from {policy.hold_threshold or '-'}, reject from "
            f"{policy.reject_threshold or '-'} under clause {policy.reject_clause or '-'}"
        )

    def _senior(self, options):
        senior_set(name=options["name"], senior=not options["remove"])
        self.stdout.write(f"{options['name']}: {'not ' if options['remove'] else ''}senior")

    def _backfill(self, options):
        if options["days"] < 1 or (options["limit"] is not None and options["limit"] < 1):
            raise CommandError("--days and --limit must be 1 or more.")
        done = triage_missing(days=options["days"], limit=options["limit"])
        self.stdout.write(f"triaged {done} comment(s)")

    def _worker(self, options):
        if not 0 < options["poll"] <= 60 or options["batch"] < 1:
            raise CommandError("--poll must be between 0 and 60 seconds, --batch 1 or more.")
        worker = Worker(poll_seconds=options["poll"], batch=options["batch"],
                        parent_pid=options["parent"])
        # Finish the comment in hand, then leave (exit status 0).
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        lower_priority()
        worker.run()
