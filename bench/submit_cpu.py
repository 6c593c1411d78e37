"""Submissions under load, and the CPU each Tribune process spent on them.

    .venv/bin/python bench/submit_cpu.py bench/out/<run>/tribune [--rounds 2] [--seconds 15]
        [--threads 8] [--no-triage]

Copies the Tribune directory of a benchmark run (its database and renders) afresh for
each round, starts ``tribune serve --workers 2`` in the copy (its comment writer and
triage worker with it, unless ``--no-triage``), sends ``wrk -t2 -c32`` the benchmark's
submissions for ``--seconds``, and prints accepted submissions per second, p99, and the
CPU time (``/proc/<pid>/stat``) of the web workers, the writer and the triage worker per
accepted submission. Use a run made before any submission (e.g. ``bench/run.py --only
tribune.thread``), so that the triage worker has no backlog of its own to start with.
Run two versions of the code in turn, several rounds each: only side-by-side figures
compare on these machines.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from run import tribune_submissions  # bench/run.py, beside this script: the same submissions

TRIBUNE = Path(sys.executable).with_name("tribune")
TICKS = os.sysconf("SC_CLK_TCK")


def role(cmdline: str) -> str:
    """What a process under ``tribune serve`` is (granian's workers are forks of it)."""
    if " writer" in cmdline:
        return "writer"
    if " triage" in cmdline:
        return "triage"
    return "web"


def cpu_by_role(root: int) -> dict[str, float]:
    """CPU seconds of the descendants of ``root`` (``tribune serve``), by role."""
    parents, cpu, names = {}, {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        pid = int(entry)
        parents[pid], cpu[pid] = int(stat[1]), (int(stat[11]) + int(stat[12])) / TICKS
        names[pid] = cmdline
    totals: dict[str, float] = {}
    for pid in cpu:
        ancestor = pid
        while ancestor not in (0, 1, root):
            ancestor = parents.get(ancestor, 0)
        if ancestor == root and pid != root:  # the command itself only supervises
            kind = role(names[pid])
            totals[kind] = totals.get(kind, 0.0) + cpu[pid]
    return totals


def one_round(source: Path, args, scratch: Path, port: int) -> str:
    workdir = scratch / "tribune"
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.copytree(source, workdir)
    env = {**os.environ, "TRIBUNE_RATE_SUBMIT_NETWORK": "", "TRIBUNE_RATE_SUBMIT_COMMENTER": ""}
    env.pop("DATABASE_URL", None)
    env.pop("TRIBUNE_VAR_DIR", None)
    command = [str(TRIBUNE), "serve", "--port", str(port), "--workers", "2",
               "--threads", str(args.threads)]
    if args.no_triage:
        command.append("--no-triage-worker")
        env["TRIBUNE_TRIAGE_MODE"] = "off"
    log = (scratch / "serve.log").open("w")
    server = subprocess.Popen(command, cwd=workdir, env=env, stdout=log,  # noqa: S603
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        before = cpu_by_role(server.pid)
        output = subprocess.run(  # noqa: S603
            ["wrk", "-t2", "-c32", f"-d{args.seconds}s", "--latency", "-s",  # noqa: S607
             str(scratch / "submit.lua"), base], capture_output=True, text=True, check=True,
        ).stdout
        after = cpu_by_role(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    total = int(re.search(r"(\d+) requests in", output)[1])
    refused = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    accepted = total - (int(refused[1]) if refused else 0)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]) * accepted / max(total, 1)
    p99 = re.search(r"99%\s+(\S+)", output)[1]
    spent = {kind: (after.get(kind, 0) - before.get(kind, 0)) * 1000 / max(accepted, 1)
             for kind in ("web", "writer", "triage")}
    return (f"{rate:8.1f} accepted/s  p99 {p99:>8}  CPU per submission: web "
            f"{spent['web']:.2f} ms, writer {spent['writer']:.2f}, triage {spent['triage']:.2f}, "
            f"together {sum(spent.values()):.2f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path, help="a benchmark run's tribune directory")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=18123)
    parser.add_argument("--no-triage", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    with tempfile.TemporaryDirectory(prefix="submit-cpu-") as scratch_name:
        scratch = Path(scratch_name)
        tribune_submissions(scratch / "submit.lua")
        for number in range(1, args.rounds + 1):
            print(f"round {number}: {one_round(args.directory, args, scratch, args.port)}",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
