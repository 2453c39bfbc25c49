"""Web app timings under waitress on 127.0.0.1 (run on demand; not a test).

    python bench/bench_web.py                 # the five sources
    python bench/bench_web.py --synthetic 1000  # plus the ≈1M-quad synthetic corpus (bench/synthetic.py)

Prints p50/p95 of the entity page, search and a 200-node network page (sequential requests over
HTTP), and /sparql requests per second under a bounded load (a pool of keep-alive clients for a
fixed time; with `wrk` too when it is installed).
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.build.pipeline import build  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.store import write_store  # noqa: E402

SEARCHES = ["vung ang", "so cong thuong", "nghi quyet", "cang", "ubnd tinh", "logistics", "2030", "ket luan 57"]
SPARQL = ("PREFIX pol: <https://w3id.org/policykg/ont#> "
          "SELECT ?d ?n WHERE { ?d a pol:Document ; pol:documentNumber ?n } LIMIT 20")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed_gets(port: int, paths: list[str], rounds: int) -> tuple[list[float], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times: list[float] = []
    size = 0
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "text/html"})
            resp = conn.getresponse()
            body = resp.read()
            times.append(time.perf_counter() - started)
            assert resp.status == 200, (path, resp.status, body[:200])
            size = max(size, len(body))
    conn.close()
    return times, size


def sparql_load(port: int, clients: int, seconds: float) -> tuple[float, int]:
    body = urlencode({"query": SPARQL})
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    errors = [0] * clients

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < stop:
            conn.request("GET", "/sparql?" + body, headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return sum(counts) / (time.perf_counter() - started), sum(errors)


def wrk(port: int) -> str | None:
    if not shutil.which("wrk"):
        return None
    url = f"http://127.0.0.1:{port}/sparql?" + urlencode({"query": SPARQL})
    out = subprocess.run(["wrk", "-t2", "-c8", "-d10s", "-H", "Accept: application/sparql-results+json", url],
                         capture_output=True, text=True, check=False).stdout
    return next((line.strip() for line in out.splitlines() if line.startswith("Requests/sec")), out[-200:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--synthetic", type=int, default=0, help="synthetic documents to add (1000 ≈ 1.1M quads)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=8, help="waitress threads")
    ap.add_argument("--workers", type=int, default=2, help="SPARQL worker processes")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    settings = Settings(store_path=tmp / "store")
    started = time.perf_counter()
    if args.synthetic:
        sys.path.insert(0, str(Path(__file__).parent))
        from synthetic import synthetic_store

        memory = synthetic_store(args.synthetic, settings)
        write_store(settings.store, iter(memory))
        del memory
    else:
        build(settings)
    print(f"store ready in {time.perf_counter() - started:.1f} s at {settings.store}")

    from waitress.server import create_server

    from webapp import create_app

    started = time.perf_counter()
    app = create_app(settings, config={"SPARQL_WORKERS": args.workers, "SPARQL_CAP": 10_000})
    services = app.extensions["policykg"]
    print(f"app ready in {time.perf_counter() - started:.2f} s ({services.store.count()} quads)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=args.threads)
    threading.Thread(target=server.run, daemon=True).start()
    time.sleep(0.3)

    kg = services.kg
    entities = [iri for iri, kind in kg.kinds.items() if iri.startswith(kg.base)
                and kind in ("document", "task", "agency", "project", "target", "zone")]
    entities = sorted(entities)[:: max(1, len(entities) // 40)][:40]
    entity_paths = [services.iris.local(iri) for iri in entities]
    search_paths = ["/search?" + urlencode({"q": q}) for q in SEARCHES]
    degree = services.store.select("""SELECT ?x (COUNT(*) AS ?n) WHERE { { ?x ?p ?y } UNION { ?y ?p ?x }
        FILTER(isIRI(?y)) FILTER(STRSTARTS(STR(?x), "https://w3id.org/policykg/id/doc/")
        || STRSTARTS(STR(?x), "https://w3id.org/policykg/id/agency/")) } GROUP BY ?x ORDER BY DESC(?n) LIMIT 5""").rows
    hubs = [r["x"].value for r in degree]
    network_paths = [f"/network?depth=3&cap=200&iri={quote(h, safe='')}" for h in hubs]
    nodes = [len(services.networks.ego(h, 3, None, None, 200).nodes) for h in hubs]

    results = {}
    timed_gets(port, entity_paths[:5] + search_paths[:2] + network_paths[:1], 1)  # warm up
    for name, paths in (("entity page", entity_paths), ("search", search_paths), ("network (≤200 nodes)",
                                                                                   network_paths)):
        times, size = timed_gets(port, paths, args.rounds)
        results[name] = {"n": len(times), "p50_ms": round(1000 * statistics.median(times), 1),
                         "p95_ms": round(1000 * percentile(times, 0.95), 1), "max_bytes": size}
    results["network nodes"] = nodes
    rps, errors = sparql_load(port, args.clients, args.seconds)
    results["sparql"] = {"clients": args.clients, "seconds": args.seconds, "req_per_s": round(rps, 1),
                         "errors": errors, "waitress_threads": args.threads, "workers": args.workers}
    results["sparql wrk -t2 -c8 -d10s"] = wrk(port)
    print(json.dumps(results, ensure_ascii=False, indent=1))
    server.close()
    services.pool.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
