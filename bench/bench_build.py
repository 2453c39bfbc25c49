"""Where build time goes as the synthetic corpus grows (run on demand; not a test).

    python bench/bench_build.py --sizes 250,500,1000,2000
    python bench/bench_build.py --documents 10000 --store /tmp/policykg-bench-10000 [--json FILE]

For each size: generating the synthetic quads, then every rule of the reasoner (graph/build/reason.py, all
rounds together), the deduplication and the dependency model, each with its growth against the previous
size (1.0 per doubling of the corpus would be linear: the exponent printed is log(time ratio) / log(size
ratio)). The five real sources are built once and copied into every run, as bench/synthetic.py does.

With ``--store`` it builds one corpus of ``--documents`` and writes what the app serves — the on-disk store
and its search index beside it (``<store>-search.sqlite``) — in steps that keep the peak low at 10^7 quads:
the reasoned in-memory store is written out as N-Quads and freed before the on-disk store is bulk-loaded
from that file, and the search index is read from the on-disk store. Each step's time and the process's
resident memory after it are printed (run it under ``/usr/bin/time -v`` for the peak).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import generate  # noqa: E402
from graph.build.pipeline import build_dataset  # noqa: E402
from graph.build.reason import materialise  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.vocab import ONTOLOGY_GRAPH, inferred_graph  # noqa: E402


def run(size: int, base: list[ox.Quad], ontology: Path) -> dict:
    store = ox.Store()
    store.bulk_extend(base)
    t = time.perf_counter()
    store.bulk_extend(generate(size))
    store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    generated = time.perf_counter() - t
    quads_in = len(store)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    materialise(store, inferred_graph(), timings)
    return {"size": size, "quads_in": quads_in, "quads_out": len(store), "generate_s": generated,
            "reason_s": time.perf_counter() - t, "rules": timings}


def _rss_gib() -> float:
    with open("/proc/self/statm", "rb") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**30


def write_served_store(documents: int, path: Path, scratch: Path | None = None) -> dict:
    """Build the synthetic corpus of ``documents`` and write the on-disk store at ``path`` and its search
    index; returns each step's seconds and the resident GiB after it."""
    from bench.synthetic import synthetic_store
    from graph.store.search import build_index, index_path
    from webapp.sparql_pool import release_memory

    figures: dict = {"documents": documents}

    def step(name: str, started: float) -> None:
        figures[name + "_s"] = round(time.perf_counter() - started, 1)
        figures[name + "_rss_gib"] = round(_rss_gib(), 2)
        print(f"{name}: {figures[name + '_s']} s, resident {figures[name + '_rss_gib']} GiB", flush=True)

    t = time.perf_counter()
    memory = synthetic_store(documents)
    figures["quads"] = len(memory)
    step("generate_and_reason", t)
    dump = (scratch or path.parent) / f"{path.name}.nq"
    t = time.perf_counter()
    with dump.open("wb") as fh:
        memory.dump(fh, ox.RdfFormat.N_QUADS)
    figures["nquads_bytes"] = dump.stat().st_size
    step("dump_nquads", t)
    del memory
    gc.collect()
    release_memory()
    step("free_memory_store", time.perf_counter())
    t = time.perf_counter()
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    store = ox.Store(str(tmp))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    figures["quads_on_disk"] = len(store)
    del store
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)
    dump.unlink()
    step("write_store", t)
    t = time.perf_counter()
    figures["search_entries"] = build_index(ox.Store.read_only(str(path)), index_path(path))
    step("search_index", t)
    figures["store_bytes"] = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    figures["index_bytes"] = index_path(path).stat().st_size
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="250,500,1000,2000")
    ap.add_argument("--documents", type=int, help="with --store: the corpus to write")
    ap.add_argument("--store", type=Path, help="write the served store (and its search index) here")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.store:
        figures = write_served_store(args.documents or 1000, args.store)
        print(json.dumps(figures))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1))
        return
    settings = Settings()
    memory, _index, _ex = build_dataset(settings)
    base = list(memory)
    del memory
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        r = run(size, base, settings.ontology_dir / "pol.ttl")
        results.append(r)
        print(f"{size:6d} docs: {r['quads_in']:>9} quads in, {r['quads_out']:>9} out; "
              f"generate {r['generate_s']:.1f} s, reason {r['reason_s']:.1f} s ({r['rules'].get('rounds')} rounds)",
              flush=True)
        if len(results) > 1:
            prev = results[-2]
            k = math.log(r["size"] / prev["size"])
            for rule, seconds in sorted(r["rules"].items(), key=lambda x: -x[1] if x[0] != "rounds" else 0):
                if rule == "rounds" or seconds < 0.05:
                    continue
                before = prev["rules"].get(rule, 0.0)
                exponent = math.log(seconds / before) / k if before > 0 else float("nan")
                print(f"    {seconds:8.2f} s  x{seconds / before if before else float('nan'):5.2f}  "
                      f"exponent {exponent:4.2f}  {' '.join(rule.split())[:110]}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
