"""Tribune against Isso 0.14 and hello-world ceilings, side by side, on 127.0.0.1.

    python3 bench/run.py [--seconds 10] [--connections 32] [--workers 2] [--threads 8]
                         [--submit-rounds 3] [--cluster-hosts 3] [--decisions 100]
    python3 bench/run.py --compare REF [--rounds 3] [--seconds 5]

Tribune is measured three ways in the same run: one host on SQLite (cases
``tribune.*``), one host on PostgreSQL (``pg1.*``: host 1 of the cluster, addressed
directly) and ``--cluster-hosts`` hosts on PostgreSQL behind HAProxy (``pgN.*``),
the cluster started by ``bench/cluster/cluster.py`` (PostgreSQL at 127.0.0.1:5432
if it answers, else a private instance). ``decision.propagation`` is the time from a
decision's answer on host 1 until every host serves it (``--decisions`` of them).

Run from the repository root with Tribune's venv in ``.venv``. It makes Isso's own
venv (``bench/.venv-isso``, ``pip install isso==0.14.*`` and gunicorn, which also
runs the hello-world ceilings: Tribune itself does not depend on it) if missing,
loads the same data into both (1,000 threads of 20 comments and one of 500), starts
every server with the same number of worker processes, and measures each case
with ``wrk`` for a fixed time. Results: ``bench/out/<time>/results.json`` and the
table printed, which ``docs/benchmarks.md`` quotes. Every wait is bounded.

``--compare REF`` measures this tree against the commit ``REF`` instead (Isso, the
ceilings and the cluster are left out): a git worktree of ``REF`` with its own venv
(``bench/.compare/<commit>/``, made once), each tree's data loaded by its own
``generate.py``, then ``--rounds`` rounds of Tribune on SQLite, one host, each round
both trees in turn (the order alternates from round to round), each on a fresh
copy of its loaded data, through the read cases and the submission case (with
``--only reader,widget``: the no-JS thread page and ``/embed.js`` gzipped; ``--new
REF2`` measures the commit ``REF2`` in place of this tree). Reported:
each case's requests per second by round, the ratio this tree / ``REF`` of each
round, their median and the run-to-run spread of each tree (its slowest round's
figure against its fastest's).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV = ROOT / ".venv" / "bin"
ISSO_VENV = BENCH / ".venv-isso" / "bin"
ORIGIN = "https://bench.example.org"
THREADS, PER_THREAD, BIG = 1000, 20, 500
COUNT_URLS = 10

# One port helper for the benchmark and the cluster it may start, so the two
# never hand out the same port (bench/cluster/cluster.py).
sys.path.insert(0, str(BENCH / "cluster"))
from cluster import Cluster, free_port  # noqa: E402


def run(cmd: list[str], **kwargs) -> str:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900,  # noqa: S603
                            check=False, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Server:
    def __init__(self, name: str, cmd: list[str], *, port: int, cwd: Path, env: dict,
                 probe: str, log: Path):
        self.name, self.port, self.probe = name, port, probe
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self.log,  # noqa: S603
                                        stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log.name}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + self.probe, timeout=5):  # noqa: S310
                    return
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within {timeout}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


WRK_LINE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None,
        headers: dict | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    output = run([*cmd, url])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    latency = {f"p{m[1]}": float(m[2]) * UNITS[m[3]] for m in WRK_LINE.finditer(output)}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    total = int(re.search(r"(\d+) requests in", output)[1])
    non_2xx = int(errors[1]) if errors else 0
    # Only answered-as-intended requests count (a refused submission is not one).
    return {"rps": round(rps * (total - non_2xx) / total, 1) if total else 0.0,
            "rps_all": rps, **latency, "requests": total, "non_2xx": non_2xx}


def tribune_submissions(path: Path) -> Path:
    """The wrk script of Tribune's submission case (also bench/submit_cpu.py's)."""
    return lua_post(path, "/api/v1/comments",
                    '{"url":"' + ORIGIN + '/t/3","author":"Bench","body":"Comment '
                    'number %d from the benchmark."}', {"Content-Type": "application/json"})


def lua_post(path: Path, target: str, body_format: str, headers: dict) -> Path:
    """A wrk script that POSTs a different body each time (``%d`` is a counter)."""
    lines = ['counter = 0', 'wrk.method = "POST"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    lines += ["request = function()", "  counter = counter + 1",
              f"  local body = string.format({json.dumps(body_format)}, counter)",
              f"  return wrk.format(nil, {json.dumps(target)}, nil, body)", "end"]
    path.write_text("\n".join(lines) + "\n")
    return path


def ensure_isso() -> None:
    if (ISSO_VENV / "gunicorn").exists() and (ISSO_VENV / "isso").exists():
        return
    run([sys.executable, "-m", "venv", str(ISSO_VENV.parent)])
    run([str(ISSO_VENV / "pip"), "install", "-q", "isso==0.14.*", "gunicorn==27.0.1"])


def decision_propagation(cluster, *, decisions: int, give_up: float = 3.0) -> dict:
    """Seconds from a decision's answer on host 1 until every host serves it, for
    ``decisions`` approvals in a row, each on a thread every host has just read
    (so each remembers it without the comment). Polls every host in turn."""
    from urllib.parse import quote

    token = cluster.moderator_token("bench-propagation", desks=("en",))
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, url: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method,  # noqa: S310
                                         headers={**auth, "Origin": ORIGIN})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())

    seconds, stale = [], 0
    for n in range(decisions):
        url = f"{ORIGIN}/propagation/{n}"
        comment = call("POST", cluster.host_urls[0] + "/api/v1/comments",
                       {"url": url, "author": "Bench", "body": f"Decision {n}."})
        reads = [f"{base}/api/v1/comments?url={quote(url, safe='')}"
                 for base in cluster.host_urls]
        for read in reads:
            call("GET", read)
        call("POST", f"{cluster.host_urls[0]}/api/v1/moderation/comments/{comment['id']}"
                     "/decision", {"action": "approve"})
        started = time.monotonic()
        waiting = set(reads)
        while waiting and time.monotonic() - started < give_up:
            for read in list(waiting):
                if call("GET", read)["comments"]:
                    waiting.discard(read)
        if waiting:
            stale += 1
            if stale >= 5 and stale == n + 1:
                break  # hosts do not hear of decisions at all: no use waiting more
        else:
            seconds.append(time.monotonic() - started)
    seconds.sort()

    def pct(p: float) -> float | None:
        return round(1000 * seconds[min(len(seconds) - 1, int(p * len(seconds)))], 1) \
            if seconds else None

    result = {"decisions": len(seconds) + stale, "reached_every_host": len(seconds),
              f"stale_after_{give_up:g}s": stale, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
              "max_ms": round(1000 * seconds[-1], 1) if seconds else None}
    print(f"{'decision.propagation':24} p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms"
          f"  max {result['max_ms']} ms  ({len(seconds)} of {result['decisions']} reached "
          f"every host within {give_up:g}s)", flush=True)
    return result


def machine_load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start_cluster(root: Path, *, hosts: int, workers: int, threads: int, env: dict):
    """``hosts`` Tribune hosts on PostgreSQL behind HAProxy (bench/cluster/cluster.py),
    with the benchmark's data loaded before they start."""
    overrides = {k: env[k] for k in ("TRIBUNE_RATE_SUBMIT_NETWORK",
                                     "TRIBUNE_RATE_SUBMIT_COMMENTER")}
    cluster = Cluster(root, hosts=hosts, workers=workers, threads=threads, env=overrides)
    started = time.monotonic()

    def load(cluster) -> None:
        run([str(VENV / "python"), str(BENCH / "generate.py"), "--threads", str(THREADS),
             "--comments", str(THREADS * PER_THREAD), "--published-threads", str(THREADS),
             "--big", str(BIG), "--origin", ORIGIN], cwd=root / "host-1", env=cluster.env())

    cluster.start(prepare=load)
    cluster.load_seconds = round(time.monotonic() - started, 1)
    return cluster


COMPARE = BENCH / ".compare"


def compare_tree(ref: str) -> tuple[str, Path, Path]:
    """The commit ``ref`` names, a worktree of it and its venv's bin folder (made if
    missing: ``git worktree add --detach`` and ``pip install -e``)."""
    commit = run(["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=ROOT).strip()
    home = COMPARE / commit[:12]
    tree, venv = home / "tree", home / "venv" / "bin"
    if not (tree / "pyproject.toml").exists():
        home.mkdir(parents=True, exist_ok=True)
        run(["git", "worktree", "prune"], cwd=ROOT)  # one whose folder was deleted
        run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT)
    if not (venv / "tribune").exists():
        print(f"installing {commit[:12]} in its own venv…", flush=True)
        run([sys.executable, "-m", "venv", str(venv.parent)])
        run([str(venv / "pip"), "install", "-q", "-e", str(tree)])
    return commit, tree, venv


def compare(args, env: dict) -> None:
    """This tree against ``args.compare``, side by side in one run (see the module's
    docstring)."""
    commit, ref_tree, ref_venv = compare_tree(args.compare)
    if args.new:  # two commits, neither of them this tree (e.g. to find a change)
        head, new_tree, new_venv = compare_tree(args.new)
        dirty = False
    else:
        head, new_tree, new_venv = run(["git", "rev-parse", "HEAD"], cwd=ROOT).strip(), \
            ROOT, VENV
        dirty = bool(run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT))
    out = BENCH / "out" / (dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-compare")
    out.mkdir(parents=True)
    sides = {"new": (new_tree, new_venv), "old": (ref_tree, ref_venv)}
    print(f"new: {head[:12]}{' (with uncommitted changes)' if dirty else ''}; "
          f"old: {commit[:12]}; loading data…", flush=True)
    for side, (tree, venv) in sides.items():
        loaded = out / side / "loaded"
        loaded.mkdir(parents=True)
        run([str(venv / "tribune"), "migrate", "-v", "0"], cwd=loaded, env=env)
        run([str(venv / "python"), str(tree / "bench" / "generate.py"), "--threads",
             str(THREADS), "--comments", str(THREADS * PER_THREAD), "--published-threads",
             str(THREADS), "--big", str(BIG), "--origin", ORIGIN], cwd=loaded, env=env)
    from urllib.parse import urlencode

    submit = tribune_submissions(out / "submit_tribune.lua")
    count_urls = [f"{ORIGIN}/t/{i}" for i in range(1, COUNT_URLS + 1)]
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    cases = [
        ("thread", "/api/v1/comments?" + urlencode({"url": f"{ORIGIN}/t/7"}), None, None),
        ("big", "/api/v1/comments?" + urlencode({"url": ORIGIN + "/big"}), None, None),
        ("counts", "/api/v1/counts?" + urlencode([("url", u) for u in count_urls]), None,
         None),
        ("submit", "", submit, None),
        # Only with --only: the no-JS thread page (Django's whole middleware stack,
        # the reader's CSP) and the widget's script, gzipped.
        ("reader", "/embed/thread?" + urlencode({"url": f"{ORIGIN}/t/7"}), None, None),
        ("widget", "/embed.js", None, gzip),
    ]
    only = {c for c in args.only.split(",") if c} or {"thread", "big", "counts", "submit"}
    cases = [case for case in cases if case[0] in only]
    figures: dict = {side: {name: [] for name, *_rest in cases} for side in sides}
    for round_ in range(1, args.rounds + 1):
        order = ["new", "old"] if round_ % 2 else ["old", "new"]
        for side in order:
            venv = sides[side][1]
            # A fresh copy of the loaded data: the last round's submissions, which its
            # triage worker may have left unscored, are not scored during this one.
            here = out / side / f"round-{round_}"
            shutil.copytree(out / side / "loaded", here)
            port = free_port()
            server = Server(f"{side}#{round_}", [
                str(venv / "tribune"), "serve", "--port", str(port), "--workers",
                str(args.workers), "--threads", str(args.threads)],
                port=port, cwd=here, env=env, probe="/healthz",
                log=out / f"{side}-{round_}.log")
            try:
                server.wait()
                for name, path, script, headers in cases:
                    url = server.url + path
                    with contextlib.suppress(OSError):
                        urllib.request.urlopen(url, timeout=30).read()  # noqa: S310
                    load = machine_load()
                    result = wrk(url, seconds=args.seconds, connections=args.connections,
                                 script=script, headers=headers)
                    result["load_before"] = load
                    figures[side][name].append(result)
                    print(f"round {round_} {side} {name:8} {result['rps']:>10.1f} req/s  "
                          f"p50 {result.get('p50', 0):7.2f} ms  p99 {result.get('p99', 0):7.2f}"
                          f" ms  non-2xx {result['non_2xx']}  (load {load})", flush=True)
            finally:
                server.stop()
    summary_rows = {}
    for name, *_rest in cases:
        new = [r["rps"] for r in figures["new"][name]]
        old = [r["rps"] for r in figures["old"][name]]
        ratios = sorted(n / o for n, o in zip(new, old, strict=True) if o)
        row = {
            "new_rps": new, "old_rps": old,
            "ratios": [round(r, 3) for r in ratios],
            "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
            # Each tree's own run-to-run spread: its slowest round against its fastest.
            "new_spread": round(min(new) / max(new), 3) if max(new) else None,
            "old_spread": round(min(old) / max(old), 3) if max(old) else None,
        }
        summary_rows[name] = row
        print(f"{name:8} new/old by round {', '.join(f'{r:.2f}' for r in ratios)} (sorted); "
              f"median {row['ratio_median']}; spread within a tree: new "
              f"{row['new_spread']}, old {row['old_spread']} (slowest/fastest round)",
              flush=True)
    results = {"new": head, "new_dirty": dirty, "old": commit, "rounds": args.rounds,
               "seconds": args.seconds, "connections": args.connections,
               "workers": args.workers, "threads": args.threads,
               "figures": figures, "summary": summary_rows}
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"results: {out / 'results.json'}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8,
                        help="Python threads per Tribune worker (tribune serve --threads)")
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--submit-rounds", type=int, default=3,
                        help="submission cases run this many times, Tribune and Isso in "
                             "turn; the ratio reported is the median of the rounds'")
    parser.add_argument("--cluster-hosts", type=int, default=3,
                        help="hosts of the PostgreSQL cluster behind HAProxy (0: none)")
    parser.add_argument("--decisions", type=int, default=100,
                        help="decisions timed from host 1 to every host of the cluster")
    parser.add_argument("--compare", default="", metavar="REF",
                        help="measure this tree against the commit REF instead, SQLite, "
                             "one host, side by side (see the module's docstring)")
    parser.add_argument("--new", default="", metavar="REF2",
                        help="with --compare: measure the commit REF2 instead of this tree")
    parser.add_argument("--rounds", type=int, default=3,
                        help="with --compare: rounds, each tree once per round")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if args.compare:
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "TRIBUNE_VAR_DIR"}}
        env["TRIBUNE_RATE_SUBMIT_NETWORK"] = env["TRIBUNE_RATE_SUBMIT_COMMENTER"] = ""
        compare(args, env)
        return
    if args.cluster_hosts and Path(sys.prefix).resolve() != VENV.parent.resolve():
        # The cluster's harness needs Tribune's venv (psycopg): run again under it.
        os.execv(VENV / "python", [str(VENV / "python"), __file__, *argv])  # noqa: S606
    ensure_isso()

    out = BENCH / "out" / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True)
    tribune_dir, isso_dir = out / "tribune", out / "isso"
    tribune_dir.mkdir()
    isso_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRIBUNE_VAR_DIR"}}
    # Every request comes from 127.0.0.1: Tribune's per-network and per-commenter
    # submission limits are switched off, as Isso runs with its guard off.
    env["TRIBUNE_RATE_SUBMIT_NETWORK"] = env["TRIBUNE_RATE_SUBMIT_COMMENTER"] = ""

    print("loading data…", flush=True)
    started = time.monotonic()
    run([str(VENV / "tribune"), "migrate", "-v", "0"], cwd=tribune_dir, env=env)
    run([str(VENV / "python"), str(BENCH / "generate.py"), "--threads", str(THREADS),
         "--comments", str(THREADS * PER_THREAD), "--published-threads", str(THREADS),
         "--big", str(BIG), "--origin", ORIGIN], cwd=tribune_dir, env=env)
    isso_cfg = isso_dir / "isso.cfg"
    isso_cfg.write_text(
        "[general]\n"
        f"dbpath = {isso_dir / 'comments.db'}\n"
        f"host = {ORIGIN}\n"
        "[moderation]\nenabled = false\n"
        "[guard]\nenabled = false\n"
        "[server]\nlisten = http://127.0.0.1:0/\n"
    )
    run([str(ISSO_VENV / "python"), str(BENCH / "isso_load.py"), str(isso_cfg),
         str(THREADS), str(PER_THREAD), str(BIG)], env=env)
    load_seconds = time.monotonic() - started

    w = str(args.workers)
    ports = {name: free_port() for name in (
        "tribune", "isso", "hello_sync", "hello_gthread", "hello_granian")}
    def tribune_server(round_: int = 1) -> Server:
        port = ports["tribune"] if round_ == 1 else free_port()
        return Server("tribune", [str(VENV / "tribune"), "serve", "--port", str(port),
                                  "--workers", w, "--threads", str(args.threads)],
                      port=port, cwd=tribune_dir, env=env, probe="/healthz",
                      log=out / ("tribune.log" if round_ == 1 else f"tribune-{round_}.log"))

    servers = {
        "tribune": tribune_server(),
        "isso": Server("isso", [str(ISSO_VENV / "gunicorn"), "-w", w, "-b",
                                f"127.0.0.1:{ports['isso']}", "isso.run"],
                       port=ports["isso"], cwd=isso_dir,
                       env={**env, "ISSO_SETTINGS": str(isso_cfg)}, probe="/info",
                       log=out / "isso.log"),
        "hello_sync": Server("hello_sync", [str(ISSO_VENV / "gunicorn"), "-w", w, "-b",
                                            f"127.0.0.1:{ports['hello_sync']}", "hello"],
                             port=ports["hello_sync"], cwd=BENCH, env=env, probe="/",
                             log=out / "hello_sync.log"),
        "hello_gthread": Server(
            "hello_gthread", [str(ISSO_VENV / "gunicorn"), "-w", w, "-k", "gthread", "--threads",
                              "4", "-b", f"127.0.0.1:{ports['hello_gthread']}", "hello"],
            port=ports["hello_gthread"], cwd=BENCH, env=env, probe="/",
            log=out / "hello_gthread.log"),
        "hello_granian": Server(
            "hello_granian", [str(VENV / "granian"), "--interface", "wsgi", "--workers", w,
                              "--host", "127.0.0.1", "--port", str(ports["hello_granian"]),
                              "--no-ws", "hello:application"],
            port=ports["hello_granian"], cwd=BENCH, env=env, probe="/",
            log=out / "hello_granian.log"),
    }
    results: dict = {"load_seconds": round(load_seconds, 1), "cases": {}}
    try:
        for server in servers.values():
            server.wait()
        from urllib.parse import quote, urlencode

        thread_url = f"{ORIGIN}/t/7"
        count_urls = [f"{ORIGIN}/t/{i}" for i in range(1, COUNT_URLS + 1)]
        count_uris = [f"/t/{i}" for i in range(1, COUNT_URLS + 1)]
        submit_t = tribune_submissions(out / "submit_tribune.lua")
        submit_i = lua_post(out / "submit_isso.lua", "/new?uri=" + quote("/t/3"),
                            '{"author":"Bench","text":"Comment number %d from the '
                            'benchmark."}', {"Content-Type": "application/json"})
        count_i = out / "count_isso.lua"
        count_i.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = '
                           '"application/json"\n'
                           f"wrk.body = {json.dumps(json.dumps(count_uris))}\n")
        cases = []
        cluster_bases = []
        if args.cluster_hosts:
            cluster_bases = [("pg1", "host 1"), (f"pg{args.cluster_hosts}", "balancer")]
        for label, base in (("tribune", servers["tribune"].url), *cluster_bases):
            cases += [
                (f"{label}.thread", base + "/api/v1/comments?" + urlencode({"url": thread_url}),
                 None),
                (f"{label}.big", base + "/api/v1/comments?" + urlencode({"url": ORIGIN + "/big"}),
                 None),
                (f"{label}.counts", base + "/api/v1/counts?" + urlencode(
                    [("url", u) for u in count_urls]), None),
                (f"{label}.submit", base, submit_t),
            ]
        # The cluster's reads first, then its submissions, whose flood its triage
        # workers score afterwards.
        cases.sort(key=lambda case: case[0].split(".")[0] in {name for name, _w in cluster_bases}
                   and case[0].endswith(".submit"))
        isso = servers["isso"].url
        cases += [
            ("isso.thread", isso + "/?uri=" + quote("/t/7"), None),
            ("isso.big", isso + "/?uri=" + quote("/big"), None),
            ("isso.counts", isso + "/count", count_i),
            ("isso.submit", isso, submit_i),
            ("hello.sync", servers["hello_sync"].url + "/", None),
            ("hello.gthread", servers["hello_gthread"].url + "/", None),
            ("hello.granian", servers["hello_granian"].url + "/", None),
        ]
        only = {c for c in args.only.split(",") if c}

        def measure(name: str, url: str, script: Path | None) -> dict:
            # One request first, so every case starts from a warmed server.
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=30).read()  # noqa: S310
            load = machine_load()
            result = wrk(url, seconds=args.seconds, connections=args.connections,
                         script=script)
            result["load_before"] = load
            print(f"{name:24} {result['rps']:>10.1f} req/s  p50 {result.get('p50', 0):7.2f} ms"
                  f"  p99 {result.get('p99', 0):7.2f} ms  non-2xx {result['non_2xx']}"
                  f"  (load {load})", flush=True)
            return result

        cluster = None
        cluster_labels = {label for label, _where in cluster_bases}

        def cluster_started():
            nonlocal cluster
            if cluster is None:
                print(f"starting {args.cluster_hosts} hosts on PostgreSQL behind HAProxy and "
                      "loading the same data…", flush=True)
                cluster = start_cluster(out / "cluster", hosts=args.cluster_hosts,
                                        workers=args.workers, threads=args.threads, env=env)
                results["cluster"] = {"hosts": args.cluster_hosts,
                                      "load_seconds": cluster.load_seconds,
                                      "database": "private" if cluster.state.postgres_dir
                                      else "127.0.0.1:5432"}
            return cluster

        for name, url, script in cases:
            if only and name not in only:
                continue
            label = name.split(".")[0]
            if not name.startswith("tribune.") and servers["tribune"].process.poll() is None:
                # Tribune's triage worker scores the flood of the submission case
                # after it (at low priority); stopped here so that it does not
                # take CPU from the servers measured next.
                servers["tribune"].stop()
            if label in cluster_labels:
                running = cluster_started()
                url = url.replace("host 1", running.host_urls[0]).replace(
                    "balancer", running.balancer_url)
                if (name.endswith(".submit") and args.decisions
                        and "decision_propagation" not in results):
                    # Before the submission cases, whose flood the triage workers
                    # then score: the cluster is quiet.
                    results["decision_propagation"] = decision_propagation(
                        running, decisions=args.decisions)
            elif cluster is not None:
                cluster.stop()  # its hosts' triage workers would take CPU from the rest
                cluster = None
            results["cases"][name] = measure(name, url, script)
        if cluster is not None:
            cluster.stop()

        # Isso waits for the disk on every comment and Tribune for the CPU, and
        # this machine lends both unevenly from minute to minute: the submission
        # cases again, in turn, each round's ratio kept and the median reported.
        rounds = []
        if "tribune.submit" in results["cases"] and "isso.submit" in results["cases"]:
            rounds.append((results["cases"]["tribune.submit"], results["cases"]["isso.submit"]))
        for round_ in range(2, args.submit_rounds + 1 if rounds else 0):
            servers["tribune"] = tribune_server(round_)
            servers["tribune"].wait()
            tribune_result = measure(f"tribune.submit#{round_}", servers["tribune"].url,
                                     submit_t)
            servers["tribune"].stop()
            rounds.append((tribune_result, measure(f"isso.submit#{round_}", isso, submit_i)))
        if rounds:
            ratios = sorted(t["rps"] / i["rps"] for t, i in rounds if i["rps"])
            results["submit_rounds"] = [{"tribune": t, "isso": i} for t, i in rounds]
            results["submit_ratio_median"] = round(ratios[len(ratios) // 2], 2)
            print(f"submissions, Tribune / Isso by round: "
                  f"{', '.join(f'{r:.2f}' for r in ratios)} (sorted); "
                  f"median {results['submit_ratio_median']:.2f}", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    (out / "results.json").write_text(json.dumps(results, indent=2))
    summary(results)
    print(f"results: {out / 'results.json'}")


def summary(results: dict) -> None:
    """Each Tribune setup against Isso, and reads against the fastest ceiling."""
    cases = results["cases"]
    ceiling = max((c["rps"] for n, c in cases.items() if n.startswith("hello.")), default=0)
    labels = sorted({n.split(".")[0] for n in cases if n.split(".")[0] not in
                     ("isso", "hello")})
    for label in labels:
        parts = []
        for kind in ("thread", "big", "counts", "submit"):
            mine, isso = cases.get(f"{label}.{kind}"), cases.get(f"isso.{kind}")
            if mine and isso and isso["rps"]:
                parts.append(f"{kind} {mine['rps'] / isso['rps']:.1f}x")
        for kind in ("thread", "counts"):
            mine = cases.get(f"{label}.{kind}")
            if mine and ceiling:
                parts.append(f"{kind} {100 * mine['rps'] / ceiling:.1f}% of ceiling")
        print(f"{label:10} against Isso: {', '.join(parts)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
