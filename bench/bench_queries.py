"""Time every named question on the five sources and on a ≥1M-triple synthetic graph, against rdflib.

    python bench/bench_queries.py [--documents 1000] [--repeat 3] [--no-rdflib] [--rdflib-timeout 120]

For each question: answer size and median time on the on-disk Oxigraph store (what ``policykg ask`` uses,
parameters bound by graph.query.questions exactly as the CLI binds them), and on rdflib's in-memory Dataset
holding the same quads, in the same process, with the same bindings (``initBindings``); the ratio is
rdflib / Oxigraph. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_store  # noqa: E402
from graph.build.pipeline import build  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.query.questions import Resolver, bind, load_library  # noqa: E402
from graph.store import OxigraphStore, write_store  # noqa: E402


def to_rdflib(term):  # noqa: ANN001, ANN201
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def rdflib_dataset(store: OxigraphStore):  # noqa: ANN201
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    for q in store.quads():
        ds.graph(rdflib.URIRef(q.graph_name.value)).add(
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return ds


def timed(fn, repeat: int) -> tuple[float, int]:  # noqa: ANN001
    times, size = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        size = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), size


class _Timeout(Exception):
    pass


def run_rdflib(ds, sparql: str, bindings, timeout: float) -> tuple[float | None, int]:  # noqa: ANN001
    """rdflib in this process and thread; SIGALRM interrupts it (pure Python) after ``timeout`` seconds.
    Returns (None, -1) on timeout and (None, -2) when rdflib cannot evaluate the query."""

    def alarm(signum, frame):  # noqa: ANN001, ANN202
        raise _Timeout

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        t = time.perf_counter()
        rows = list(ds.query(sparql, initBindings={k: to_rdflib(v) for k, v in bindings.items()}))
        return time.perf_counter() - t, len(rows)
    except _Timeout:
        return None, -1
    except Exception as exc:  # noqa: BLE001 - rdflib's own evaluation errors
        print(f"    rdflib error: {type(exc).__name__}: {exc}", flush=True)
        return None, -2
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def bench(label: str, store: OxigraphStore, repeat: int, use_rdflib: bool, timeout: float,
          skip: frozenset[str] = frozenset()) -> list[dict]:
    library = load_library()
    resolver = Resolver(store)
    ds = None
    if use_rdflib:
        t = time.perf_counter()
        ds = rdflib_dataset(store)
        print(f"[{label}] rdflib load: {time.perf_counter() - t:.1f} s", flush=True)
    results = []
    for name, q in library.items():
        if name in skip:
            print(f"[{label}] {name:<28} skipped (--skip-big)", flush=True)
            continue
        bindings, _ = bind(q, {}, resolver)
        seconds, size = timed(lambda q=q, b=bindings: len(store.select(q.sparql, b).rows), repeat)
        row = {"question": name, "rows": size, "oxigraph_s": seconds}
        if ds is not None:
            rs, rn = run_rdflib(ds, q.sparql, bindings, timeout)
            row.update(rdflib_s=rs, rdflib_rows=rn, ratio=(rs / seconds if rs is not None and seconds else None))
        results.append(row)
        line = f"[{label}] {name:<28} rows={size:<7} oxigraph={seconds * 1000:9.1f} ms"
        if ds is not None:
            if row.get("rdflib_s") is None:
                line += "  rdflib=timeout" if row.get("rdflib_rows") == -1 else "  rdflib=error"
            else:
                line += f"  rdflib={row['rdflib_s'] * 1000:9.1f} ms  ratio={row['ratio']:.1f}"
        print(line, flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=1000, help="synthetic documents (1000 ≈ 1.1M quads)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--rdflib-timeout", type=float, default=120.0)
    ap.add_argument("--skip-small", action="store_true")
    ap.add_argument("--skip-big", default="", help="comma-separated questions not to run on the synthetic graph "
                    "(Oxigraph queries cannot be interrupted)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_small:
            small = Path(tmp) / "small"
            build(Settings(store_path=small))
            store = OxigraphStore(small)
            print(f"five sources: {store.count()} quads")
            bench("5 sources", store, args.repeat, not args.no_rdflib, args.rdflib_timeout)
        t = time.perf_counter()
        memory = synthetic_store(args.documents)
        print(f"synthetic: {len(memory)} quads generated and reasoned in {time.perf_counter() - t:.1f} s", flush=True)
        big = Path(tmp) / "big"
        write_store(big, iter(memory))
        del memory
        store = OxigraphStore(big)
        bench(f"{store.count() // 1000}k", store, args.repeat, not args.no_rdflib, args.rdflib_timeout,
              frozenset(filter(None, args.skip_big.split(","))))


if __name__ == "__main__":
    main()
