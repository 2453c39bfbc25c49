"""Before and after in one run: search, entity pages and the dependency answer against the in-memory walk,
measured with two checkouts of the code on the same store, alternately (run on demand; not a test).

    python bench/bench_speed.py --store /tmp/policykg-bench-1000 --before /work/main --after . [--rounds 2]

Each measurement runs in its own process with the checkout first on ``sys.path`` (``--measure TREE``), so the
two versions never share a process; the rounds alternate before / after so that the load of the shared
machine falls on both alike. The store is built by ``bench/bench_readside.py`` (same corpus, same pages).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PORT = "https://w3id.org/policykg/id/project/cang-vung-ang"
SEARCHES = ["vung ang", "cang vung ang", "so cong thuong", "ha tang ket noi", "logistics", "nghi quyet 11",
            "phat trien ha tang", "grdp", "ky anh", "cau treo", "nhiem vu 3", "thach ha", "quoc lo",
            "ha tang", "phat trien", "du an"]  # the last three: broad (thousands to 25,000 matching entries)
PAGES = ["/id/project/cang-vung-ang", "/id/zone/khu-kinh-te-vung-ang", "/id/agency/so-cong-thuong",
         "/id/doc/syn-10", "/id/task/syn-10/3", "/id/project/syn-100", "/id/doc/syn-500", "/id/task/syn-999/24"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(store_path: Path, repeat: int) -> dict:
    """The figures with the checkout already first on sys.path."""
    from graph.build.reason import stated_dependency_model
    from graph.config import Settings
    from graph.query.dependencies import Dependencies
    from graph.store import OxigraphStore
    from graph.store.search import SearchIndex, index_path
    from graph.vocab import inferred_graph
    from webapp import create_app

    store = OxigraphStore(store_path)
    out: dict = {}
    deps = Dependencies(store)
    model = stated_dependency_model(store.native, inferred_graph())
    full, walk = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        answer = deps.all_dependants(PORT)
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        walked = model.dependants(PORT)
        walk.append(time.perf_counter() - t)
    out["dependency"] = {"full_s": statistics.median(full), "walk_s": statistics.median(walk),
                         "ratio": statistics.median(full) / statistics.median(walk),
                         "same_set": answer == walked, "size": len(answer)}
    index = SearchIndex(index_path(store_path))
    times = []
    for _ in range(repeat):
        for q in SEARCHES:
            t = time.perf_counter()
            index.search(q, limit=20)
            times.append(time.perf_counter() - t)
    out["search"] = {"p50_s": percentile(times, 0.5), "p95_s": percentile(times, 0.95), "n": len(times)}
    app = create_app(Settings(store_path=store_path), store, config={"TESTING": True})
    client = app.test_client()
    for p in PAGES:  # warm: templates compiled, caches read
        assert client.get(p).status_code == 200, p
    times, worst = [], {}
    for _ in range(repeat):
        for p in PAGES:
            t = time.perf_counter()
            client.get(p)
            times.append(time.perf_counter() - t)
            worst[p] = max(worst.get(p, 0.0), times[-1])
    out["entity_pages"] = {"p50_s": percentile(times, 0.5), "p95_s": percentile(times, 0.95), "worst_s": worst}
    app.extensions["policykg"].pool.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, default=Path("/tmp/policykg-bench-1000"))
    ap.add_argument("--before", type=Path, default=Path("/work/main"))
    ap.add_argument("--after", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: one measurement, this tree
    args = ap.parse_args()
    if args.measure:
        sys.path.insert(0, str(args.measure.resolve()))
        print(json.dumps(measure(args.store, args.repeat)))
        return
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for name, tree in (("before", args.before), ("after", args.after)):
            done = subprocess.run([sys.executable, __file__, "--measure", str(tree), "--store", str(args.store),
                                   "--repeat", str(args.repeat)], cwd=tree, capture_output=True, text=True,
                                  check=True)
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
            r = runs[name][-1]
            print(f"{name:6} dependency {r['dependency']['full_s'] * 1000:6.1f} ms, walk "
                  f"{r['dependency']['walk_s'] * 1000:5.1f} ms, ratio {r['dependency']['ratio']:.2f} "
                  f"(same set {r['dependency']['same_set']}); search p50/p95 {r['search']['p50_s'] * 1000:5.1f} / "
                  f"{r['search']['p95_s'] * 1000:5.1f} ms; entity pages p50/p95 "
                  f"{r['entity_pages']['p50_s'] * 1000:6.1f} / {r['entity_pages']['p95_s'] * 1000:6.1f} ms",
                  flush=True)
            print("        worst page: " + ", ".join(f"{p.rsplit('/id/', 1)[-1]} {s * 1000:.0f}"
                                                     for p, s in r["entity_pages"]["worst_s"].items()), flush=True)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
