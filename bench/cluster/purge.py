"""A purge receiver: Tribune's signed decision webhooks become BANs in Varnish.

    TRIBUNE_PURGE_SECRET=whsec_… .venv/bin/python bench/cluster/purge.py \\
        --port 8090 --varnish http://127.0.0.1:6081

Register it for every site whose reads the cache keeps, with the same secret:
``tribune webhook add ORIGIN http://127.0.0.1:8090/ --event approved --event
rejected --event edited --secret whsec_…`` (``bench/cluster/run start --cache``
does this for the sites it adds).

A delivery is believed only with a valid ``Tribune-Signature`` (checked by
:func:`tribune.webhooks.signing.signature_verify`, timestamp within 5 minutes);
anything else is answered 401 and purges nothing. A valid one bans every kept
read whose ``url`` parameter is the thread's URL — the comments and the counts
that name it — at once, and again after each ``--again`` delay: a host that had
not yet heard of the decision may have refilled the cache in between (hosts
hear within their bound, 1 s: the bans go at 0.1, 0.3, 0.6 and 1 s).

Limit: the ban matches the URL as Tribune stores it (normalised), percent-encoded
as browsers and ``urllib`` encode it, or left as it is. A read that spells the
URL otherwise is not banned and expires by ``max-age`` (30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.request
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

from tribune.webhooks.signing import HEADER, signature_verify

BODY_MAX = 1_000_000
REGEX_SPECIAL = set(".^$*+?()[]{}|\\")


def _literal(text: str) -> str:
    """``text`` as a regular expression that matches only itself, without
    backslashes (each special character in a class of its own)."""
    return "".join(f"[{c}]" if c in REGEX_SPECIAL and c not in "^\\[]" else
                   (f"\\{c}" if c in "^\\[]" else c) for c in text)


def ban_expression(article_url: str) -> str:
    """A regular expression for the kept reads of ``article_url``: a ``url``
    parameter equal to it, percent-encoded either way or as it is."""
    spellings = sorted({quote(article_url, safe=""), quote_plus(article_url, safe=""),
                        article_url})
    alternatives = "|".join(_literal(s) for s in spellings)
    # (?i): %3a and %3A are the same byte.
    return f"(?i)[?&]url=({alternatives})(&|$)"


class Purger:
    def __init__(self, *, varnish: str, secret: str, again: tuple[float, ...]):
        self.varnish, self.secret, self.again = varnish.rstrip("/"), secret, again
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.lock = threading.Lock()

    def first_time(self, delivery: str) -> bool:
        with self.lock:
            if delivery in self.seen:
                return False
            self.seen[delivery] = None
            while len(self.seen) > 10_000:
                self.seen.popitem(last=False)
            return True

    def ban(self, expression: str) -> int:
        request = urllib.request.Request(  # noqa: S310 - the configured Varnish
            self.varnish + "/", method="BAN", headers={"X-Ban-Url": expression})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def purge(self, article_url: str) -> int:
        expression = ban_expression(article_url)
        status = self.ban(expression)

        def later() -> None:
            waited = 0.0
            for delay in self.again:
                time.sleep(max(0.0, delay - waited))
                waited = delay
                self.ban(expression)

        if self.again:
            threading.Thread(target=later, daemon=True).start()
        return status


class Handler(BaseHTTPRequestHandler):
    purger: Purger
    server_version = "tribune-purge"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        # Nothing about the sender is logged (it is Tribune, on 127.0.0.1 anyway).
        return

    def _answer(self, status: int, message: str) -> None:
        body = json.dumps({"message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/healthz":
            return self._answer(200, "ok")
        return self._answer(404, "Deliveries are POSTed to /.")

    def do_POST(self):  # noqa: N802 - http.server's name
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= BODY_MAX:
            return self._answer(400, "A delivery has a JSON body of at most 1 MB.")
        body = self.rfile.read(length)
        if not signature_verify(secret=self.purger.secret, body=body,
                                header=self.headers.get(HEADER, "")):
            return self._answer(401, "The signature is missing, wrong or too old.")
        try:
            payload = json.loads(body)
            article_url = payload["thread"]["url"]
        except (ValueError, KeyError, TypeError):
            return self._answer(400, "The delivery is not a Tribune comment event.")
        if not isinstance(article_url, str) or not article_url:
            return self._answer(400, "The delivery names no thread URL.")
        if not self.purger.first_time(self.headers.get("Tribune-Delivery", "")
                                      or payload.get("id", "")):
            return self._answer(200, "Already purged.")
        status = self.purger.purge(article_url)
        if status != 200:
            # Tribune retries a failed delivery with backoff: let it.
            return self._answer(502, f"Varnish answered the ban with {status}.")
        return self._answer(200, "Purged.")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--varnish", default="http://127.0.0.1:6081")
    parser.add_argument("--again", default="0.1,0.3,0.6,1",
                        help="seconds after the first ban to ban again, comma-separated")
    args = parser.parse_args(argv)
    secret = os.environ.get("TRIBUNE_PURGE_SECRET", "")
    if not 16 <= len(secret) <= 128:
        raise SystemExit("Set TRIBUNE_PURGE_SECRET to the webhooks' secret (16-128 characters).")
    again = tuple(sorted(float(s) for s in args.again.split(",") if s.strip()))
    Handler.purger = Purger(varnish=args.varnish, secret=secret, again=again)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main(sys.argv[1:])
