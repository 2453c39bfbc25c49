"""Where build time goes as the synthetic corpus grows (run on demand; not a test).

    python bench/bench_build.py --sizes 250,500,1000,2000
    python bench/bench_build.py --documents 10000 --store /tmp/policykg-bench-10000 [--json FILE]
    python bench/bench_build.py --documents 1000,2000,4000 --store /tmp/policykg-bench [--no-keep]

For each size: generating the synthetic quads, then every rule of the reasoner (graph/build/reason.py, all
rounds together), the deduplication and the dependency model, each with its growth against the previous
size (1.0 per doubling of the corpus would be linear: the exponent printed is log(time ratio) / log(size
ratio)). The five real sources are built once and copied into every run, as bench/synthetic.py does.

With ``--store`` it builds the corpus of ``--documents`` and writes what the app serves — the on-disk store
and its search index beside it (``<store>-search.sqlite``) — as `policykg build` does: the stated quads (the
five sources' and the synthetic ones) are reasoned on as they flow to Oxigraph's on-disk bulk loader and the
inferred graph follows them (graph/build/reason.py ``materialised``), so no store is held in memory; then the
store is optimised and the search index read from it. Each step's wall-clock and CPU seconds and the largest
resident memory during it are printed (``/usr/bin/time -v`` for the process's peak), and with several sizes
each step's growth exponent (1.0 is linear).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import shutil
import sys
import threading
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


class _Resident:
    """The largest resident size seen while it runs (sampled every 0.1 s by a thread), reset per step; while
    ``steps`` (the timings a streamed write fills as its steps end) is set, also the peak of each of its steps."""

    def __init__(self) -> None:
        self.peak = _rss_gib()
        self.steps: dict[str, float] | None = None
        self.step_peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            rss = _rss_gib()
            self.peak = max(self.peak, rss)
            if self.steps is not None:
                done = len(self.steps) // 2  # each step leaves its seconds and its CPU seconds
                self.step_peaks[done] = max(self.step_peaks.get(done, 0.0), rss)

    def take(self) -> float:
        peak, self.peak = max(self.peak, _rss_gib()), _rss_gib()
        return round(peak, 2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _five_sources_stated(settings: Settings) -> list[ox.Quad]:
    """The stated quads of the five real sources and the ontology, as `policykg build` writes them."""
    from graph.build.pipeline import run_extraction, stated_quads

    extractions, ctx = run_extraction(settings)
    return stated_quads(settings, extractions, ctx)[0]


def write_served_store(documents: int, path: Path, base: list[ox.Quad] | None = None) -> dict:
    """Build the synthetic corpus of ``documents`` beside the five sources and write the on-disk store at ``path``
    and its search index, as `policykg build` does: the stated quads are reasoned on as they flow to the on-disk
    bulk loader, and the inferred graph follows them (no store in memory). Returns each step's seconds (wall
    clock and CPU of the whole process) and the largest resident GiB during it."""
    from graph.build.reason import materialised, rules_of
    from graph.store.search import build_index, index_path

    figures: dict = {"documents": documents, "load_average": [round(x, 2) for x in os.getloadavg()]}
    resident = _Resident()
    started = [time.perf_counter(), time.process_time()]

    def step(name: str, wall: float | None = None, cpu: float | None = None) -> None:
        now = [time.perf_counter(), time.process_time()]
        figures[name + "_s"] = round(wall if wall is not None else now[0] - started[0], 2)
        figures[name + "_cpu_s"] = round(cpu if cpu is not None else now[1] - started[1], 2)
        figures[name + "_peak_gib"] = resident.take()
        print(f"  {name}: {figures[name + '_s']} s (cpu {figures[name + '_cpu_s']} s), "
              f"peak resident {figures[name + '_peak_gib']} GiB", flush=True)
        started[:] = now

    base = base if base is not None else _five_sources_stated(Settings())
    rules, axioms = rules_of(base)  # the synthetic quads state no axiom (materialised checks it)
    step("five_sources")
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    store = ox.Store(str(tmp))
    timings: dict[str, float] = {}
    resident.steps, resident.step_peaks = timings, {}
    store.bulk_extend(materialised(itertools.chain(base, generate(documents)), inferred_graph(), rules, axioms,
                                   timings))
    resident.steps = None
    names = {"stated quads (read, facts kept)": "generate_read_load_stated", "fixpoint": "fixpoint",
             "write inferred": "load_inferred", "dependency model (pol:needs)": "dependency_model"}
    for i, (name, short) in enumerate(names.items()):
        figures[short + "_s"] = round(timings[name], 2)
        figures[short + "_cpu_s"] = round(timings[name + " (cpu)"], 2)
        figures[short + "_peak_gib"] = round(resident.step_peaks.get(i, 0.0), 2)
    # the peak of the whole streamed write (its steps run inside one bulk_extend)
    figures["streamed_peak_gib"] = resident.take()
    started[:] = [time.perf_counter(), time.process_time()]
    for short in names.values():
        print(f"  {short}: {figures[short + '_s']} s (cpu {figures[short + '_cpu_s']} s), "
              f"peak resident {figures[short + '_peak_gib']} GiB", flush=True)
    print(f"  (peak resident while streaming {figures['streamed_peak_gib']} GiB)", flush=True)
    store.flush()
    step("flush")
    store.optimize()
    figures["quads"] = len(store)
    del store
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)
    step("optimize")
    figures["search_entries"] = build_index(ox.Store.read_only(str(path)), index_path(path))
    step("search_index")
    figures["build_s"] = round(sum(v for k, v in figures.items() if k.endswith("_s") and not k.endswith("_cpu_s")
                                   and k != "five_sources_s"), 1)
    figures["build_cpu_s"] = round(sum(v for k, v in figures.items() if k.endswith("_cpu_s")
                                       and k != "five_sources_cpu_s"), 1)
    figures["store_bytes"] = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    figures["index_bytes"] = index_path(path).stat().st_size
    resident.stop()
    return figures


def _growth(results: list[dict]) -> None:
    """Each step's exponent against the previous size (1.0: linear), from the CPU seconds and the wall clock."""
    for prev, cur in zip(results, results[1:], strict=False):
        k = math.log(cur["documents"] / prev["documents"])
        print(f"{prev['documents']} -> {cur['documents']} documents: exponent (cpu / wall)", flush=True)
        for key in cur:
            if key.endswith("_cpu_s") and prev.get(key):
                wall = key[: -len("_cpu_s")] + "_s"
                print(f"    {key[: -len('_cpu_s')]:28s} {math.log(cur[key] / prev[key]) / k:5.2f} / "
                      f"{math.log(cur[wall] / prev[wall]) / k if prev[wall] > 0 else float('nan'):5.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="250,500,1000,2000")
    ap.add_argument("--documents", help="with --store: the corpus to write (several, comma-separated: one store "
                                        "each, <store>-<n>, measured in the same run)")
    ap.add_argument("--keep", action=argparse.BooleanOptionalAction, default=True,
                    help="with several --documents: keep each store (default) or remove it once measured")
    ap.add_argument("--store", type=Path, help="write the served store (and its search index) here")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.store:
        sizes = [int(x) for x in (args.documents or "1000").split(",")]
        base = _five_sources_stated(Settings())
        results = []
        for n in sizes:
            path = args.store if len(sizes) == 1 else args.store.with_name(f"{args.store.name}-{n}")
            print(f"{n} documents -> {path}", flush=True)
            results.append(write_served_store(n, path, base))
            print(json.dumps(results[-1]), flush=True)
            if args.keep is False and len(sizes) > 1:
                shutil.rmtree(path)
        _growth(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
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
