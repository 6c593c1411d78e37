"""What django-csp's middleware costs per answer, beside the hand-written header it
replaced (Tribune's ``SecurityHeadersMiddleware`` up to commit e10cbdd), in one run.

    .venv/bin/python bench/csp_cost.py [--calls 20000] [--rounds 5]

Both middlewares wrap the same view, which returns a prepared answer: once
without a policy of its own (most answers: the default policy is written) and once
with one (the reader's pages, whose policy names their site's origins). Rounds
alternate the two; reported: microseconds per call (median of the rounds) and the
ratio. The whole reader page (``/embed/thread``) is measured by ``bench/run.py
--compare e10cbdd --new 7450725 --only reader``; this says how much of it the
middleware can be.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
os.environ.setdefault("TRIBUNE_SECRET_KEY", "bench-" + "x" * 50)
import django  # noqa: E402

django.setup()

from csp.middleware import CSPMiddleware  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

# The hand-written middleware as it was (tribune/security/middleware.py at e10cbdd).
DEFAULT_CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-src 'self'",
    "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
])


class HandWritten:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = DEFAULT_CSP
        return response


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    request = RequestFactory().get("/embed/thread?url=https://news.example.org/a")
    for own in (False, True):
        def view(_request, own=own):
            response = HttpResponse(b"<p>page</p>")
            if own:
                response["Content-Security-Policy"] = (
                    "default-src 'none'; frame-ancestors 'self' https://news.example.org")
            return response

        ways = {"hand-written": HandWritten(view), "django-csp": CSPMiddleware(view)}
        for way in ways.values():  # warm
            for _ in range(1000):
                way(request)
        figures: dict[str, list[float]] = {name: [] for name in ways}
        for round_ in range(args.rounds):
            order = list(ways) if round_ % 2 == 0 else list(reversed(ways))
            for name in order:
                way = ways[name]
                start = time.perf_counter()
                for _ in range(args.calls):
                    way(request)
                figures[name].append(1e6 * (time.perf_counter() - start) / args.calls)
        mine, theirs = (statistics.median(figures[n]) for n in ("hand-written", "django-csp"))
        label = "answer with its own policy" if own else "answer without a policy"
        print(f"{label:28} hand-written {mine:6.2f} µs/call, django-csp {theirs:6.2f} µs/call "
              f"(rounds: {', '.join(f'{v:.2f}' for v in figures['django-csp'])}); "
              f"django-csp costs {theirs - mine:+.2f} µs per answer", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
