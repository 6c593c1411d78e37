"""Import a generated Disqus export of N comments into a fresh SQLite database
and report the time and the importing process's peak memory (max RSS).

    .venv/bin/python bench/import_memory.py 20000 100000

Each size runs in its own `tribune` process and working directory, so the peak
is that import's alone. Bounded memory shows as a peak that hardly moves while
N grows tenfold. The import's CPU time (user + system) is printed beside the
wall-clock time: on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tribune.importers.tests.files import DISQUS_HEAD, disqus_post, disqus_thread  # noqa: E402

TRIBUNE = str(Path(sys.executable).with_name("tribune"))


def write_export(path: Path, n: int, threads: int = 200) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(DISQUS_HEAD)
        for t in range(threads):
            out.write(disqus_thread(str(t), f"https://news.example.org/story/{t}", f"Story {t}"))
        for i in range(1, n + 1):
            parent = str(i - 1) if i % 5 == 0 else None
            out.write(disqus_post(str(i), str(i % threads), f"<p>Comment {i} " + "x" * 300
                                  + "</p>", name=f"Reader {i % 5000}", parent=parent))
        out.write("</disqus>\n")


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
        env["TRIBUNE_VAR_DIR"] = str(Path(workdir) / "var")

        def tribune(*args: str) -> None:
            subprocess.run([TRIBUNE, *args], cwd=workdir, env=env, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)

        tribune("migrate", "--verbosity", "0")
        tribune("site", "add", "https://news.example.org")
        export = Path(workdir) / "disqus.xml"
        write_export(export, n)
        started = time.monotonic()
        process = subprocess.Popen([TRIBUNE, "import", "disqus", str(export),  # noqa: S603
                                    "--no-progress"], cwd=workdir, env=env,
                                   stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(process.pid, 0)  # this child's own peak
        elapsed = time.monotonic() - started
        assert status == 0, "the import failed"
        cpu = usage.ru_utime + usage.ru_stime
        print(f"{n:>9,} comments  file {export.stat().st_size / 1e6:7.1f} MB  "
              f"{elapsed:7.1f} s  {n / elapsed:7.0f}/s  CPU {cpu:6.1f} s  {n / cpu:6.0f}/CPU-s  "
              f"max RSS {usage.ru_maxrss / 1024:6.1f} MB")


if __name__ == "__main__":
    for size in (int(a) for a in (sys.argv[1:] or ["20000"])):
        run(size)
