"""A bounded load test of the public service on 127.0.0.1 (run on demand; not a test).

    python bench/bench_load.py                      # 60 s at 25 requests/s offered, 16 clients
    python bench/bench_load.py --rate 0 --clients 8 # closed loop: each client as fast as it can
    python bench/bench_load.py --every 0            # the same mix without pathological queries

Builds the five sources into a temporary store and starts `python -m graph serve` (waitress, the
production settings) in a subprocess. Then, for a fixed time and at most --max-requests requests,
--clients keep-alive clients send a mix of home, search, entity pages, network JSON and expansion,
named questions and simple /sparql queries, at --rate requests per second in all (open loop: a slow
answer does not slow the arrivals) or as fast as each client can (--rate 0); every 50th request (2%,
--every) is pathological: cross products, nested SERVICE, deep nesting, full dumps by SELECT and
CONSTRUCT, ORDER BY over a cross product.

Prints a Markdown table: requests, errors, p50/p95/p99 per kind, memory of the server (the web
process and its SPARQL workers, RSS and PSS) at the start and the end, and whether the goals hold:
0 errors on normal requests, page p99 <= 300 ms, simple /sparql p99 <= 100 ms, memory at the end
within 10% of the start. The server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE_KINDS = ("home", "search", "entity", "network json", "expand")
SEARCHES = ["vung ang", "so cong thuong", "nghi quyet", "cang", "ubnd tinh", "logistics", "2030", "ket luan 57"]
SIMPLE = [
    "PREFIX pol: <https://w3id.org/policykg/ont#> SELECT ?d ?n WHERE { ?d a pol:Document ; pol:documentNumber ?n }"
    " LIMIT 20",
    "PREFIX pol: <https://w3id.org/policykg/ont#> ASK { ?t a pol:Task }",
    "PREFIX pol: <https://w3id.org/policykg/ont#> SELECT (COUNT(?t) AS ?n) WHERE { ?t a pol:Task }",
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o } LIMIT 50",
]
QUESTIONS = ["/questions/agency_tasks?agency=so+cong+thuong", "/questions/document_cites?document=26-CTr%2FTU",
             "/questions/tasks_depending_on_project", "/questions/targets_by_year"]
PATHOLOGICAL = [
    ("cross product COUNT", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ("nested SERVICE", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/a> { SERVICE <http://127.0.0.1:9/b> "
                       "{ ?s ?p ?o } } }"),
    ("deep nesting", "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000),
    ("full dump SELECT", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("cross product SELECT", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"),
    ("ORDER BY cross product", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 10"),
    ("full dump CONSTRUCT", "CONSTRUCT WHERE { ?s ?p ?o }"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children[ppid].append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def memory_mb(pid: int) -> dict[str, float]:
    """Memory (MB) summed over the server process and its descendants: RSS, PSS (shared pages divided among
    the processes that share them), anonymous PSS (what the processes own, without the store's files and
    libraries mapped from the page cache), the web process's PSS alone, and how many processes."""
    out = {"rss": 0.0, "pss": 0.0, "anon": 0.0, "web": 0.0, "processes": 0.0}
    for p in descendants(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        out["processes"] += 1
        for line in text.splitlines():
            name, _, rest = line.partition(":")
            value = int(rest.split()[0]) / 1024 if rest.strip() and rest.split()[0].isdigit() else 0.0
            if name == "Rss":
                out["rss"] += value
            elif name == "Pss":
                out["pss"] += value
                out["web"] += value if p == pid else 0.0
            elif name == "Pss_Anon":
                out["anon"] += value
    return out


class Pacer:
    """Hands out send times ``1 / rate`` apart (an open-loop arrival rate); no pacing when rate is 0."""

    def __init__(self, rate: float) -> None:
        self.gap = 1.0 / rate if rate else 0.0
        self.next = time.perf_counter()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.gap:
            return
        with self.lock:
            slot = max(self.next, time.perf_counter() - 1.0)  # a late client does not bunch a burst
            self.next = slot + self.gap
        delay = slot - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


class Client(threading.Thread):
    def __init__(self, port: int, pick, stop_at: float, counter, max_requests: int, out: list,  # noqa: ANN001
                 pacer: Pacer | None = None) -> None:
        super().__init__(daemon=True)
        self.port, self.pick, self.stop_at, self.counter, self.max_requests, self.out = (
            port, pick, stop_at, counter, max_requests, out)
        self.pacer = pacer or Pacer(0)

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.perf_counter() < self.stop_at:
            self.pacer.wait()
            if time.perf_counter() >= self.stop_at:
                break
            n = next(self.counter)
            if n >= self.max_requests:
                break
            kind, method, path, body, headers, pathological = self.pick(n)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            except (OSError, http.client.HTTPException):
                status = 0  # connection failed or timed out
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.out.append((kind, status, time.perf_counter() - started, pathological))
        conn.close()


def targets(port: int) -> dict[str, list[str]]:
    def sparql(query: str) -> list[dict]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": "application/json"})
        data = json.loads(conn.getresponse().read())
        conn.close()
        return data["results"]["bindings"]

    rows = sparql("""PREFIX pol: <https://w3id.org/policykg/ont#> SELECT DISTINCT ?x WHERE {
        VALUES ?c { pol:Document pol:Task pol:Agency pol:InfrastructureProject pol:Target pol:Zone }
        ?x a ?c FILTER(STRSTARTS(STR(?x), "https://w3id.org/policykg/id/")) } ORDER BY ?x""")
    entities = [r["x"]["value"] for r in rows]
    entities = entities[:: max(1, len(entities) // 60)][:60]
    return {"entities": entities}


def make_picker(found: dict[str, list[str]], seed: int, every: int = 50):  # noqa: ANN201
    rng = random.Random(seed)
    lock = threading.Lock()
    entities = found["entities"]
    weights = [("home", 8), ("search", 14), ("entity", 24), ("network json", 10), ("expand", 6), ("question", 8),
               ("sparql simple", 30)]
    kinds, cum = zip(*weights, strict=True)
    accept_html = {"Accept": "text/html"}

    def pick(n: int):  # noqa: ANN202
        if every and n % every == every - 1:
            name, query = PATHOLOGICAL[(n // every) % len(PATHOLOGICAL)]
            return (f"pathological: {name}", "POST", "/sparql", urlencode({"query": query}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}, True)
        with lock:
            kind = rng.choices(kinds, weights=cum)[0]
            iri = rng.choice(entities)
            q = rng.choice(SEARCHES)
            simple = rng.choice(SIMPLE)
            question = rng.choice(QUESTIONS)
        if kind == "home":
            return kind, "GET", "/", None, accept_html, False
        if kind == "search":
            return kind, "GET", "/search?" + urlencode({"q": q}), None, accept_html, False
        if kind == "entity":
            return kind, "GET", "/id/" + iri.removeprefix("https://w3id.org/policykg/id/"), None, accept_html, False
        if kind == "network json":
            return kind, "GET", f"/network?format=json&iri={quote(iri, safe='')}", None, {}, False
        if kind == "expand":
            return (kind, "POST", "/network/expand.json", json.dumps({"iri": iri, "present": [], "limit": 30}).encode(),
                    {"Content-Type": "application/json"}, False)
        if kind == "question":
            return kind, "GET", question, None, accept_html, False
        return (kind, "GET", "/sparql?" + urlencode({"query": simple.replace("{iri}", iri)}),
                None, {"Accept": "application/sparql-results+json"}, False)

    return pick


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--threads", type=int, default=0, help="waitress threads (default: the app's SERVER_THREADS)")
    ap.add_argument("--rate", type=float, default=25.0,
                    help="requests per second offered in all (open loop); 0: each client sends as fast as it can")
    ap.add_argument("--every", type=int, default=50, help="one request in EVERY is pathological (0: none)")
    ap.add_argument("--server", choices=["waitress", "gunicorn-sync", "gunicorn-gthread"], default="waitress",
                    help="gunicorn must be installed for the comparison (it is not a dependency)")
    ap.add_argument("--processes", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--warmup", type=float, default=15.0, help="seconds of the same mix before measuring")
    ap.add_argument("--json", type=Path, help="also write the raw summary here")
    args = ap.parse_args()

    from graph.build.pipeline import build
    from graph.config import Settings

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    settings = Settings(store_path=tmp / "store")
    build(settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if args.threads:
        env["POLICYKG_SERVER_THREADS"] = str(args.threads)
    if args.server == "waitress":  # what `policykg serve` runs
        command = [sys.executable, "-m", "graph", "--store", str(settings.store), "serve", "--port", str(port)]
    else:  # for comparison: gunicorn, one app (and one SPARQL pool) per process
        kind = args.server.removeprefix("gunicorn-")
        env["POLICYKG_STORE"] = str(settings.store)
        command = [sys.executable, "-m", "gunicorn", "-w", str(args.processes), "-k", kind, "--threads",
                   str(args.threads or 32), "-b", f"127.0.0.1:{port}", "--timeout", "60", "webapp:create_app()"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/sparql?query=ASK%7B%7D")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        found = targets(port)
        # warm-up: the same mix, untimed (caches, templates, worker pages in memory)
        warm: list = []
        warm_until = time.perf_counter() + args.warmup
        warm_pacer = Pacer(args.rate)
        warmers = [Client(port, make_picker(found, args.seed + 100 + i, args.every), warm_until, itertools.count(),
                          10**6, warm, warm_pacer) for i in range(args.clients)]
        for c in warmers:
            c.start()
        for c in warmers:
            c.join(args.warmup + 60)
        time.sleep(1.0)
        mem_start = memory_mb(server.pid)
        results: list = []
        counter = itertools.count()
        stop_at = time.perf_counter() + args.seconds
        pacer = Pacer(args.rate)
        clients = [Client(port, make_picker(found, args.seed + i + 1, args.every), stop_at, counter,
                          args.max_requests, results, pacer) for i in range(args.clients)]
        started = time.perf_counter()
        for c in clients:
            c.start()
        for c in clients:
            c.join(args.seconds + 60)
        elapsed = time.perf_counter() - started
        time.sleep(1.0)
        mem_end = memory_mb(server.pid)
    finally:
        server.terminate()
        try:
            _, err = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
        shutil.rmtree(tmp, ignore_errors=True)

    by_kind: dict[str, list] = defaultdict(list)
    for kind, status, seconds, pathological in results:
        by_kind[kind].append((status, seconds, pathological))
    offered = f"offered {args.rate:g}/s" if args.rate else "closed loop"
    lines = [f"{len(results)} requests in {elapsed:.1f} s ({len(results) / elapsed:.0f}/s), {args.clients} clients, "
             f"{offered}, server: {args.server}"
             + (f" × {args.processes} processes" if args.server != "waitress" else "")
             + f", threads: {args.threads or 'default'}", "",
             "| kind | requests | errors | p50 ms | p95 ms | p99 ms | max ms | statuses |",
             "|---|---|---|---|---|---|---|---|"]
    summary: dict = {"requests": len(results), "seconds": elapsed, "kinds": {}}
    order = ["home", "search", "entity", "network json", "expand", "question", "sparql simple"]
    order += sorted(k for k in by_kind if k not in order)
    for kind in order:
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        times = [1000 * s for _, s, _ in rows]
        statuses: dict[int, int] = defaultdict(int)
        for status, _, _ in rows:
            statuses[status] += 1
        pathological = rows[0][2]
        # a normal request must answer 200; a pathological one may be refused (400) or stopped (503), never fail
        errors = sum(n for st, n in statuses.items() if (st not in (200, 400, 413, 503) if pathological else st != 200))
        summary["kinds"][kind] = {"n": len(rows), "errors": errors, "p50": statistics.median(times),
                                  "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
                                  "max": max(times), "statuses": dict(statuses)}
        k = summary["kinds"][kind]
        lines.append(f"| {kind} | {k['n']} | {k['errors']} | {k['p50']:.1f} | {k['p95']:.1f} | {k['p99']:.1f} | "
                     f"{k['max']:.0f} | {', '.join(f'{st}×{n}' for st, n in sorted(statuses.items()))} |")
    pages = [1000 * s for kind in PAGE_KINDS for _, s, _ in by_kind.get(kind, [])]
    normal_errors = sum(v["errors"] for kind, v in summary["kinds"].items() if not kind.startswith("pathological"))
    sparql_p99 = summary["kinds"].get("sparql simple", {}).get("p99", float("nan"))
    page_p99 = percentile(pages, 0.99)
    growth = (mem_end["pss"] - mem_start["pss"]) / mem_start["pss"]
    anon_growth = (mem_end["anon"] - mem_start["anon"]) / mem_start["anon"]
    lines += ["", "| memory (web process + SPARQL workers) | start | end | change |", "|---|---|---|---|"]
    for key, name in (("rss", "RSS"), ("pss", "PSS"), ("anon", "anonymous PSS"), ("web", "web process PSS"),
                      ("processes", "processes")):
        change = f"{100 * (mem_end[key] - mem_start[key]) / mem_start[key]:+.1f}%" if mem_start[key] else ""
        lines.append(f"| {name} | {mem_start[key]:.0f} | {mem_end[key]:.0f} | {change} |")
    lines += ["",
              "| goal | measured | met |", "|---|---|---|",
              f"| 0 errors on normal requests | {normal_errors} | {'yes' if normal_errors == 0 else 'no'} |",
              f"| page p99 ≤ 300 ms ({', '.join(PAGE_KINDS)}) | {page_p99:.1f} ms | "
              f"{'yes' if page_p99 <= 300 else 'no'} |",
              f"| /sparql simple p99 ≤ 100 ms | {sparql_p99:.1f} ms | {'yes' if sparql_p99 <= 100 else 'no'} |",
              f"| memory at the end within 10% of the start (PSS / anonymous PSS) | {100 * growth:+.1f}% / "
              f"{100 * anon_growth:+.1f}% | {'yes' if abs(growth) <= 0.10 else 'no'} / "
              f"{'yes' if abs(anon_growth) <= 0.10 else 'no'} |"]
    summary.update({"page_p99": page_p99, "sparql_simple_p99": sparql_p99, "normal_errors": normal_errors,
                    "memory_start": mem_start, "memory_end": mem_end})
    print("\n".join(lines))
    tracebacks = err.decode("utf-8", "replace").count("Traceback")
    print(f"\nserver log: {tracebacks} tracebacks")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
