"""Store benchmark: load, a transitive dependency query, a label search and a GROUP BY on
rdflib (in memory, the baseline), Oxigraph in memory, Oxigraph on disk and Virtuoso.

    python bench/bench_stores.py --triples 1000000

Times are medians of ``--repeat`` runs (load: one run); every engine is also reported as a
ratio to rdflib measured in the same run. Uses ``bench/synthetic.py`` when it exists, otherwise
the small generator below (tasks, projects, agencies, documents; dependsOn / partOf chains).
Virtuoso is skipped, with the reason, when ``virtuoso-t`` is not installed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EX = "https://w3id.org/policykg/bench/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREFIX = f"PREFIX ex: <{EX}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
QUERIES = {
    "transitive": PREFIX + "SELECT ?t WHERE { ?t (ex:dependsOn|ex:partOf)+ ex:project-0 "
                           "FILTER EXISTS { ?t a ex:Task } }",
    "label search": PREFIX + "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), 'cảng 12')) }",
    "group by": PREFIX + "SELECT ?a (COUNT(?t) AS ?n) WHERE { ?t ex:leadAgency ?a } GROUP BY ?a ORDER BY DESC(?n)",
}


def generate(path: Path, triples: int, seed: int = 7) -> int:
    """Write about ``triples`` quads shaped like the domain to ``path`` (N-Quads); returns the count."""
    synthetic = ROOT / "bench" / "synthetic.py"
    if synthetic.exists():
        sys.path.insert(0, str(synthetic.parent))
        import synthetic as colleague  # type: ignore[import-not-found]

        for name in ("write_nquads", "generate_nquads", "write"):
            if hasattr(colleague, name):
                result = getattr(colleague, name)(path, triples)
                return int(result) if isinstance(result, int) else sum(1 for _ in path.open("rb"))
    rng = random.Random(seed)
    n_tasks = max(10, triples // 7)
    n_projects, n_agencies, n_docs = max(2, n_tasks // 20), 200, 50
    written = 0

    def iri(kind: str, i: int) -> str:
        return f"<{EX}{kind}-{i}>"

    with path.open("w", encoding="utf-8") as out:
        for p in range(n_projects):
            g = iri("graph", p % n_docs)
            out.write(f"{iri('project', p)} <{RDF_TYPE}> <{EX}Project> {g} .\n")
            out.write(f'{iri("project", p)} <{LABEL}> "Cảng {p} Vũng Áng"@vi {g} .\n')
            if p:
                out.write(f"{iri('project', p)} <{EX}partOf> {iri('project', rng.randrange(p))} {g} .\n")
            written += 3 if p else 2
        for t in range(n_tasks):
            g = iri("graph", t % n_docs)
            task = iri("task", t)
            out.write(f"{task} <{RDF_TYPE}> <{EX}Task> {g} .\n")
            out.write(f'{task} <{LABEL}> "Nhiệm vụ {t}: đầu tư cảng {rng.randrange(1000)}"@vi {g} .\n')
            out.write(f"{task} <{EX}leadAgency> {iri('agency', rng.randrange(n_agencies))} {g} .\n")
            out.write(f"{task} <{EX}partOf> {iri('project', rng.randrange(n_projects))} {g} .\n")
            out.write(f"{task} <{EX}derivedFrom> {iri('doc', t % n_docs)} {g} .\n")
            out.write(f'{task} <{EX}quote> "văn bản {t}" {g} .\n')
            written += 6
            if t and rng.random() < 0.5:
                out.write(f"{task} <{EX}dependsOn> {iri('task', rng.randrange(t))} {g} .\n")
                written += 1
    return written


def median_time(run: Callable[[], object], repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(list(run()))  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def bench_rdflib(data: Path, repeat: int) -> dict[str, tuple[float, int]]:
    import rdflib

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(data), format="nquads")
    results = {"load": (time.perf_counter() - started, len(dataset))}
    for name, sparql in QUERIES.items():
        results[name] = median_time(lambda s=sparql: dataset.query(s), repeat)
    return results


def bench_oxigraph(data: Path, repeat: int, folder: Path | None) -> dict[str, tuple[float, int]]:
    started = time.perf_counter()
    store = ox.Store(str(folder)) if folder else ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    if folder:
        store.flush()
    results = {"load": (time.perf_counter() - started, len(store))}
    for name, sparql in QUERIES.items():
        results[name] = median_time(lambda s=sparql: store.query(s, use_default_graph_as_union=True), repeat)
    return results


def bench_virtuoso(data: Path, repeat: int, workdir: Path) -> dict[str, tuple[float, int]] | str:
    from tests.virtuoso import VirtuosoServer, skip_reason

    reason = skip_reason()
    if reason:
        return reason
    with VirtuosoServer(workdir, memory_gb=2.0) as server:
        results = {"start": (server.started_in or 0.0, 0)}
        started = time.perf_counter()
        server.bulk_load([data])
        store = server.store(graph_prefixes=[EX])
        results["load"] = (time.perf_counter() - started, store.count())
        for name, sparql in QUERIES.items():
            results[name] = median_time(lambda s=sparql: store.select(s).rows, repeat)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], choices=["rdflib", "oxigraph-disk", "virtuoso"])
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    try:
        data = work / "data.nq"
        started = time.perf_counter()
        n = generate(data, args.triples)
        print(f"{n} quads generated in {time.perf_counter() - started:.1f} s ({data.stat().st_size >> 20} MB)")
        engines: dict[str, dict[str, tuple[float, int]] | str] = {}
        if "rdflib" not in args.skip:
            engines["rdflib (memory)"] = bench_rdflib(data, args.repeat)
        engines["oxigraph (memory)"] = bench_oxigraph(data, args.repeat, None)
        if "oxigraph-disk" not in args.skip:
            engines["oxigraph (disk)"] = bench_oxigraph(data, args.repeat, work / "oxigraph")
        if "virtuoso" not in args.skip:
            engines["virtuoso"] = bench_virtuoso(data, args.repeat, work / "virtuoso")
        report(engines)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(engines: dict[str, dict[str, tuple[float, int]] | str]) -> None:
    base = engines.get("rdflib (memory)")
    columns = ["load", *QUERIES]
    print(f"\n{'engine':<20}" + "".join(f"{c:>26}" for c in columns))
    for engine, results in engines.items():
        if isinstance(results, str):
            print(f"{engine:<20} skipped: {results}")
            continue
        cells = []
        for column in columns:
            seconds, size = results[column]
            ratio = ""
            if isinstance(base, dict) and base[column][0] > 0:
                ratio = f" ({seconds / base[column][0]:.3f}x)"
            cells.append(f"{seconds:8.3f} s{ratio} [{size}]")
        print(f"{engine:<20}" + "".join(f"{c:>26}" for c in cells))
        if "start" in results:
            print(f"{'':<20} server start {results['start'][0]:.2f} s")
    print("\n(seconds; ratio to rdflib in memory in parentheses; [quads loaded / rows returned])")


if __name__ == "__main__":
    main()
