"""Where build time goes as the synthetic corpus grows (run on demand; not a test).

    python bench/bench_build.py --sizes 250,500,1000,2000
    python bench/bench_build.py --documents 10000 --store /tmp/policykg-bench-10000 [--json FILE]
    python bench/bench_build.py --documents 1000,2000,4000 --store /tmp/policykg-bench [--no-keep]

For each size of ``--sizes``: generating the synthetic quads (timed apart), then the reasoner's steps
(graph/build/reason.py ``materialised``, streamed as the build runs it, to no writer here: reading the stated
quads and keeping their facts, the fixpoint, the inferred quads, the dependency model), each with its wall-clock
and CPU seconds and its growth against the previous size (the exponent printed is log(time ratio) / log(size
ratio): 1.0 is linear); with ``--in-memory`` also the same reasoning into an in-memory store (``materialise``).
The five real sources are built once and their stated quads put before every corpus.

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
from graph.build.reason import materialise  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.vocab import inferred_graph  # noqa: E402


def _timed(f):  # noqa: ANN001, ANN202
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run(size: int, base: list[ox.Quad], in_memory: bool = False) -> dict:
    """One size: the synthetic quads generated alone (timed apart), then reasoned on as the build does — streamed,
    here to no writer, so the steps are the reasoner's own — or, with ``in_memory``, added to an in-memory store
    and materialised there (what an ingest runs; the build before this branch). Seconds and CPU seconds."""
    from graph.build.reason import materialised, rules_of

    n_generated, wall, cpu = _timed(lambda: sum(1 for _ in generate(size)))
    steps: dict[str, list[float]] = {"generate (timed apart)": [wall, cpu]}
    timings: dict[str, float] = {}
    if in_memory:
        store = ox.Store()
        _none, wall, cpu = _timed(lambda: (store.bulk_extend(base), store.bulk_extend(generate(size))))
        steps["generate + insert stated"] = [wall, cpu]
        _none, wall, cpu = _timed(lambda: materialise(store, inferred_graph(), timings))
        quads_out = len(store)
        del store
        steps.update({name: [seconds, float("nan")] for name, seconds in timings.items()})
    else:
        rules, axioms = rules_of(base)
        quads_out, wall, cpu = _timed(lambda: sum(1 for _ in materialised(
            itertools.chain(base, generate(size)), inferred_graph(), rules, axioms, timings)))
        steps.update({name: [seconds, timings[name + " (cpu)"]] for name, seconds in timings.items()
                      if not name.endswith(" (cpu)")})
    steps["total"] = [wall, cpu]
    # streamed: the quads as passed on, before a store drops the duplicates among the stated ones
    return {"size": size, "generated": n_generated, "quads_out": quads_out, "in_memory": in_memory,
            "steps": steps, "load_average": os.getloadavg()[0]}


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
    from graph.build.reason import after_materialised, materialised, rules_of
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
    streamed = [time.perf_counter(), time.process_time()]
    store.bulk_extend(materialised(itertools.chain(base, generate(documents)), inferred_graph(), rules, axioms,
                                   timings))
    streamed = [time.perf_counter() - streamed[0], time.process_time() - streamed[1]]
    resident.steps = None
    # the loader works on batches in its own threads: what it still had to do when the last quad was given
    timings["load tail"] = streamed[0] - sum(v for k, v in timings.items() if not k.endswith(" (cpu)"))
    timings["load tail (cpu)"] = streamed[1] - sum(v for k, v in timings.items() if k.endswith(" (cpu)"))
    names = {"stated quads (read, facts kept)": "generate_read_load_stated", "fixpoint": "fixpoint",
             "write inferred": "load_inferred", "dependency model (pol:needs)": "dependency_model",
             "load tail": "load_tail"}
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
    after_materialised(store, inferred_graph())  # as `policykg build` does on the written store
    store.flush()
    step("counts")
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
    ap.add_argument("--sizes", default="1000,2000,4000")
    ap.add_argument("--in-memory", action="store_true",
                    help="also reason in an in-memory store (materialise: what an ingest runs) at each size")
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
    base = _five_sources_stated(Settings())
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        for in_memory in ((False, True) if args.in_memory else (False,)):
            r = run(size, base, in_memory)
            results.append(r)
            print(f"{size:6d} docs ({'in memory' if in_memory else 'streamed'}): {r['quads_out']:>9} quads out, "
                  f"load average {r['load_average']:.1f}", flush=True)
            prev = next((x for x in reversed(results[:-1]) if x["in_memory"] == in_memory), None)
            k = math.log(size / prev["size"]) if prev else 0.0
            for name, (wall, cpu) in r["steps"].items():
                line = f"    {wall:8.2f} s  cpu {cpu:8.2f} s"
                if prev and name in prev["steps"]:
                    before = prev["steps"][name]
                    growth = [math.log(now / was) / k if was > 0 and now > 0 else float("nan")
                              for now, was in ((wall, before[0]), (cpu, before[1]))]
                    line += f"  exponent wall {growth[0]:5.2f} cpu {growth[1]:5.2f}"
                print(f"{line}  {name}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))

if __name__ == "__main__":
    main()
