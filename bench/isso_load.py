"""Load the benchmark's data into an Isso 0.14 database (run with Isso's venv).

Usage: bench/.venv-isso/bin/python bench/isso_load.py CONFIG THREADS PER_THREAD BIG
Thread i is at /t/i (i = 1..THREADS); the big thread is at /big.
"""

import sqlite3
import sys
import time

from isso import config, db
from isso.utils import Bloomfilter

conf = config.load(config.default_file(), sys.argv[1])
threads, per_thread, big = (int(value) for value in sys.argv[2:5])
database = db.SQLite3(conf.get("general", "dbpath"), conf)
now = time.time() - 86400


voters = memoryview(Bloomfilter(iterable=["127.0.0.0"]).array)
rows = []
uris = [f"/t/{i}" for i in range(1, threads + 1)] + ["/big"]
with sqlite3.connect(conf.get("general", "dbpath")) as con:
    for tid, uri in enumerate(uris, start=1):
        con.execute("INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
                    (tid, uri, f"Article {uri}"))
        count = big if uri == "/big" else per_thread
        for n in range(count):
            rows.append((tid, None, now + n, None, 1, "127.0.0.0",
                         f"Comment {n} on {uri}: a sentence or two of reader's text, about "
                         "the length of a typical comment under a news article.",
                         f"Reader {n}", None, None, 0, 0, voters, None))
    con.executemany(
        "INSERT INTO comments (tid, parent, created, modified, mode, remote_addr, text, "
        "author, email, website, likes, dislikes, voters, notification) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
print(f"isso: {len(uris)} threads, {len(rows)} comments")
