"""``tribune writer``: write every web worker's comments to SQLite, in batches.

    tribune writer

``tribune serve`` starts one beside its web workers (see
:mod:`tribune.comments.writer`); run it yourself only under another server.
It stops on SIGTERM or Ctrl+C after answering the comments in hand.
"""

from __future__ import annotations

import argparse
import signal

from django.core.management.base import BaseCommand, CommandError

from tribune.comments.writer import CommentWriter, socket_path


class Command(BaseCommand):
    help = ("Write readers' comments for every web worker of this host in one process "
            "(SQLite only; `tribune serve` starts one).")

    def add_arguments(self, parser):
        # `tribune serve` passes its process id: the writer stops if it is gone.
        parser.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, parent: int | None = None, **options):
        path = socket_path()
        if path is None:
            raise CommandError(
                "No comment writer is needed: the database is not a SQLite file, "
                "batched submissions are off (TRIBUNE_BATCH_SUBMISSIONS=0), or the "
                "database's path is too long for a socket beside it.")
        writer = CommentWriter(path, parent_pid=parent)
        try:
            listener = writer.listen()
        except (RuntimeError, OSError) as error:
            raise CommandError(f"Cannot listen for comments: {error}") from None
        signal.signal(signal.SIGTERM, writer.stop)
        signal.signal(signal.SIGINT, writer.stop)
        writer.run(listener)
