"""Where build time goes as the synthetic corpus grows (run on demand; not a test).

    python bench/bench_build.py --sizes 250,500,1000,2000

For each size: generating the synthetic quads, then every rule of the reasoner (graph/build/reason.py, all
rounds together), the deduplication and the dependency model, each with its growth against the previous
size (1.0 per doubling of the corpus would be linear: the exponent printed is log(time ratio) / log(size
ratio)). The five real sources are built once and copied into every run, as bench/synthetic.py does.
"""

from __future__ import annotations

import argparse
import json
import math
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="250,500,1000,2000")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
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
