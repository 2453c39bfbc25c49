"""Served throughput: /sparql requests per second and entity pages under waitress and gunicorn (run on demand).

    python bench/bench_serve.py --store /tmp/policykg-bench-1000 [--seconds 10] [--clients 16]

Each server runs the same app (``webapp.create_app``) as a separate process on 127.0.0.1 over the same store;
the load comes from client processes with keep-alive connections (no wrk on this machine), which share the
machine's cores with the server: the figures are a floor, not the server's ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SPARQL = ("PREFIX pol: <https://w3id.org/policykg/ont#> "
          "SELECT ?d ?n WHERE { ?d a pol:Document ; pol:documentNumber ?n } LIMIT 20")
PAGES = ["/id/project/cang-vung-ang", "/id/zone/khu-kinh-te-vung-ang", "/id/agency/so-cong-thuong",
         "/id/doc/syn-10", "/id/task/syn-10/3", "/id/project/syn-100", "/id/doc/syn-500", "/id/task/syn-999/24"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(server: str, store: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "POLICYKG_STORE": str(store), "PYTHONPATH": str(ROOT)}
    if server == "waitress":
        code = ("from waitress import serve; from webapp import create_app; "
                f"serve(create_app(), host='127.0.0.1', port={port}, threads={threads}, ident='policykg')")
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads", str(threads),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webapp:create_app()"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sparql?" + urlencode({"query": SPARQL}),
                         headers={"Accept": "application/sparql-results+json"})
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{server} did not answer on port {port}")


def _client(port: int, seconds: float, threads: int, out: multiprocessing.Queue) -> None:
    body = "/sparql?" + urlencode({"query": SPARQL})
    stop = time.perf_counter() + seconds
    counts = [0] * threads
    errors = [0] * threads

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < stop:
            conn.request("GET", body, headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((sum(counts), sum(errors)))


def sparql_rate(port: int, seconds: float, clients: int, processes: int) -> tuple[float, int]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client, args=(port, seconds, max(1, clients // processes), queue))
             for _ in range(processes)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results) / elapsed, sum(r[1] for r in results)


def page_times(port: int, rounds: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times = []
    for _ in range(rounds):
        for path in PAGES:
            t = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "text/html"})
            resp = conn.getresponse()
            resp.read()
            times.append(time.perf_counter() - t)
            assert resp.status == 200, (path, resp.status)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, default=Path("/tmp/policykg-bench-1000"))
    ap.add_argument("--servers", default="waitress,gunicorn")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--processes", type=int, default=2, help="client processes")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    figures = {}
    for server in args.servers.split(","):
        port = free_port()
        proc = start(server, args.store, port, args.workers, args.threads)
        try:
            page_times(port, 1)  # warm up
            times = page_times(port, args.rounds)
            rate, errors = sparql_rate(port, args.seconds, args.clients, args.processes)
            ordered = sorted(times)
            figures[server] = {"sparql_req_per_s": round(rate, 1), "errors": errors,
                               "entity_p50_ms": round(1000 * statistics.median(times), 1),
                               "entity_p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
                               "workers": args.workers if server == "gunicorn" else 1, "threads": args.threads}
            print(server, json.dumps(figures[server]), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
