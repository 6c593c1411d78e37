"""Profile submissions (``POST /api/v1/comments``) in-process, through the same WSGI
application ``tribune serve`` runs.

    cd DIR && tribune migrate && tribune site add https://bench.example.org --name Bench
    TRIBUNE_RATE_SUBMIT_NETWORK= TRIBUNE_RATE_SUBMIT_COMMENTER= \\
        .venv/bin/python bench/profile_submit.py [--n 300] [--top 40]

Prints the mean wall and CPU time of one submission (the CPU of this process,
so also of its comment writer thread when no ``tribune writer`` runs) and
cProfile's top functions by cumulative time (``--sort tottime`` for self time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--url", default="https://bench.example.org/t/3")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    args = parser.parse_args(argv)
    from tribune.publishing.wsgi import application

    def submit(i: int) -> str:
        body = json.dumps({"url": args.url, "author": "Bench",
                           "body": f"Comment number {i} from the benchmark."}).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/comments", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        }
        status = []
        chunks = application(environ, lambda s, h, e=None: status.append(s))
        b"".join(chunks)
        return status[0]

    for i in range(20):  # warm up
        assert submit(i).startswith("202"), submit(i)
    started, cpu = time.perf_counter(), time.process_time()
    if args.no_profile:
        for i in range(args.n):
            submit(i)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{args.n} submissions: {elapsed / args.n * 1000:.2f} ms each, "
              f"{cpu / args.n * 1000:.2f} ms of CPU")
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(args.n):
        submit(i)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{args.n} submissions: {elapsed / args.n * 1000:.2f} ms each (under cProfile)")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main(sys.argv[1:])
