"""The read side at scale: dependency answers against a plain in-memory walk, the first page of every named
question, full-text search, entity pages (run on demand; not a test).

    python bench/bench_readside.py --documents 1000 [--store DIR] [--repeat 5]

Builds (or reuses, with ``--store``) the synthetic corpus (bench/synthetic.py) on disk with its search index,
then prints, in the same run:

- the full dependency answer for Cảng Vũng Áng read from the materialised model (graph/query/dependencies.py:
  the dependant index, one value) and, for comparison, from the pol:needs pairs (as it was read before the index),
  its first 100 rows with the total, and the named question tasks_depending_on_project, beside a plain
  in-memory breadth-first walk over the same stated edges (graph/dependency.py: dicts, no store) — with the
  check that both find the same set;
- the first page (100 rows, with the total) of every named question, as `policykg ask --limit 100` runs it
  (a question with a paged form, queries/pages/, pages its core in SPARQL), beside the same page cut from the
  whole answer of the questions in ``--before-queries`` (e.g. the main checkout's queries/, run whole and sliced
  as run() did before the paged forms): the same rows are checked where the two libraries hold the same file;
- search p50/p95 over typed queries (graph/query/search.py);
- entity page p50/p95 through the Flask app (in process, no HTTP).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_store  # noqa: E402
from graph.build.reason import materialise_needs, stated_dependency_model  # noqa: E402
from graph.config import Settings  # noqa: E402
from graph.query.dependencies import Dependencies  # noqa: E402
from graph.query.questions import Resolver, load_library, run  # noqa: E402
from graph.store import OxigraphStore, write_store  # noqa: E402
from graph.vocab import DEFAULT_BASE, POL, inferred_graph  # noqa: E402

PORT = DEFAULT_BASE + "project/cang-vung-ang"
SEARCHES = ["vung ang", "cang vung ang", "so cong thuong", "ha tang ket noi", "logistics", "nghi quyet 11",
            "phat trien ha tang", "grdp", "ky anh", "cau treo", "nhiem vu 3", "thach ha", "quoc lo"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def build_store(documents: int, path: Path) -> dict:
    figures: dict = {}
    t = time.perf_counter()
    memory = synthetic_store(documents)
    figures["generate_and_reason_s"] = time.perf_counter() - t
    t = time.perf_counter()
    materialise_needs(memory, inferred_graph())
    figures["needs_closure_s"] = time.perf_counter() - t
    t = time.perf_counter()
    write_store(path, iter(memory))
    figures["write_store_s"] = time.perf_counter() - t
    figures["quads"] = len(memory)
    try:
        from graph.store.search import build_index, index_path

        t = time.perf_counter()
        build_index(memory, index_path(path))
        figures["search_index_s"] = time.perf_counter() - t
    except ImportError:
        pass
    return figures


def in_memory_walk(store: OxigraphStore, target: str, repeat: int = 1) -> tuple[float, float, set[str]]:
    """(load the stated edges, walk them (the median of ``repeat`` walks, as the index's time is), the set): a
    breadth-first walk over plain dicts, nothing precomputed."""
    t = time.perf_counter()
    model = stated_dependency_model(store.native, inferred_graph())
    load = time.perf_counter() - t
    walk, found = timed(lambda: model.dependants(target), repeat)
    return load, walk, found


def questions(args: argparse.Namespace, store: OxigraphStore, figures: dict) -> None:
    # -- first page of every named question: paged (this library) and whole-and-sliced (--before-queries)
    library = load_library()
    before = load_library(args.before_queries) if args.before_queries else library
    resolver = Resolver(store)
    for kind in ("agency", "project", "document"):  # the name indexes, built once, not charged to one question
        resolver.candidates(kind, "x")
    figures["questions"] = {}
    print(f"  {'question':<28} {'total':>7} {'paged first page':>17} {'whole, sliced':>14} {'ratio':>7}  same page")
    for name in library:  # the median of --repeat runs of each, taken in turns (the load on a shared machine moves)
        new_t: list[float] = []
        old_t: list[float] = []
        ans = old = None
        for turn in range(args.repeat):  # in turns, each first every other time (the second finds the cache warm)
            for which in ("new", "old") if turn % 2 == 0 else ("old", "new"):
                t = time.perf_counter()
                if which == "new":
                    ans = run(store, name, resolver=resolver, library=library, limit=100)
                    new_t.append(time.perf_counter() - t)
                elif name in before:
                    old = run(store, before[name], resolver=resolver, limit=100, paged=False)
                    old_t.append(time.perf_counter() - t)
        assert ans is not None
        seconds = statistics.median(new_t)
        old_s = statistics.median(old_t) if old_t else None
        same = None if old is None else (old.total == ans.total and old.result.rows == ans.result.rows)
        figures["questions"][name] = {"first_page_s": seconds, "total": ans.total, "paged": bool(library[name].paging),
                                      "before_first_page_s": old_s, "same_page_as_before": same}
        ratio = f"{old_s / seconds:6.1f}x" if old_s else ""
        print(f"  {name:<28} {ans.total:>7} {ms(seconds)}{' (paged)' if library[name].paging else '        '} "
              f"{ms(old_s) if old_s else '':>14} {ratio:>7}  {same}", flush=True)
    if args.questions_only and args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))


def pairs_answer(store: OxigraphStore, target: str) -> set[str]:
    """The whole answer read from the pol:needs pairs (what graph/query/dependencies.py read before the dependant
    index): one string joined inside the store, so no solution object per dependant, but each IRI decoded."""
    rows = store.select('SELECT (GROUP_CONCAT(STR(?x); separator=" ") AS ?all) WHERE { ?x '
                        f"<{POL}needs> <{target}> }}").rows
    joined = rows[0]["all"].value if rows and "all" in rows[0] else ""
    return set(joined.split(" ")) - {""}


def entity_pages(args: argparse.Namespace, path: Path, store: OxigraphStore, figures: dict):  # noqa: ANN201
    """Entity pages through the Flask app in process (no HTTP): p50 / p95 over ``repeat`` rounds of eight; the
    app, for the explorer page after them."""
    from webapp import create_app

    app = create_app(Settings(store_path=path), store, config={"TESTING": True})
    app.extensions["policykg"].pool.start()  # its workers open the store beside the first requests otherwise
    client = app.test_client()
    pages = ["/id/project/cang-vung-ang", "/id/zone/khu-kinh-te-vung-ang", "/id/agency/so-cong-thuong",
             "/id/doc/syn-10", "/id/task/syn-10/3", "/id/project/syn-100", "/id/doc/syn-500", "/id/task/syn-999/24"]
    for p in pages:
        assert client.get(p).status_code == 200, p
    times = []
    for _ in range(args.repeat):
        for p in pages:
            t = time.perf_counter()
            client.get(p)
            times.append(time.perf_counter() - t)
    figures["entity_pages"] = {"p50_s": percentile(times, 0.5), "p95_s": percentile(times, 0.95), "n": len(times)}
    print(f"entity pages: p50 {ms(figures['entity_pages']['p50_s'])}  p95 {ms(figures['entity_pages']['p95_s'])}"
          f"  ({len(times)} requests; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--store", type=Path, help="reuse (or build into) this store folder")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, help="write the figures here too")
    ap.add_argument("--questions-only", action="store_true", help="time the named questions only")
    ap.add_argument("--before-queries", type=Path,
                    help="a queries/ folder to time whole-and-sliced beside the paged library (default: this one)")
    ap.add_argument("--dependencies-only", action="store_true", help="stop after the dependency answer")
    ap.add_argument("--pages-only", action="store_true", help="time the entity pages only (in process)")
    args = ap.parse_args()
    path = args.store or Path(f"/tmp/policykg-bench-{args.documents}")
    figures: dict = {"documents": args.documents}
    if not (path / "CURRENT").exists():
        figures["build"] = build_store(args.documents, path)
        print("build:", json.dumps(figures["build"]), flush=True)
    store = OxigraphStore(path)
    figures["quads"] = store.count()
    print(f"{figures['quads']} quads at {path}", flush=True)

    if args.questions_only:
        questions(args, store, figures)
        return
    if args.pages_only:
        entity_pages(args, path, store, figures).extensions["policykg"].pool.close()
        return
    # -- dependency answer vs the in-memory walk
    deps = Dependencies(store)
    full_s, everything = timed(lambda: deps.all_dependants(PORT), args.repeat)
    pairs_s, from_pairs = timed(lambda: pairs_answer(store, PORT), args.repeat)
    page_s, page = timed(lambda: deps.dependants(PORT, limit=100), args.repeat)
    load_s, walk_s, walked = in_memory_walk(store, PORT, args.repeat)
    q_s, answer = timed(lambda: run(store, "tasks_depending_on_project"), max(1, args.repeat // 2))
    tasks = {r["task"].value for r in answer.result.rows}
    task_set = {x for x in everything if "/task/" in x}
    figures["dependency"] = {
        "answer_size": len(everything), "tasks": len(task_set), "walk_size": len(walked),
        "same_set": everything == walked, "question_same_tasks": tasks == task_set,
        "index_same_as_pairs": everything == from_pairs, "full_answer_s": full_s, "from_pairs_s": pairs_s,
        "ratio_pairs_to_walk": pairs_s / walk_s if walk_s else None,
        "first_100_with_total_and_paths_s": page_s, "total": page.total,
        "walk_load_edges_s": load_s, "walk_s": walk_s, "named_question_s": q_s,
        "ratio_full_to_walk": full_s / walk_s if walk_s else None}
    d = figures["dependency"]
    print(f"dependants of Cảng Vũng Áng: {d['answer_size']} ({d['tasks']} tasks); in-memory walk {d['walk_size']}, "
          f"same set: {d['same_set']}; question rows = tasks: {d['question_same_tasks']}")
    print(f"  full answer (index)       {ms(full_s)}   ({d['ratio_full_to_walk']:.2f}× the walk; "
          f"same set as the pairs: {d['index_same_as_pairs']})")
    print(f"  the same from the pairs   {ms(pairs_s)}   ({d['ratio_pairs_to_walk']:.2f}× the walk: pol:needs, "
          "GROUP_CONCAT, each IRI decoded)")
    print(f"  first 100 + total + paths {ms(page_s)}")
    print(f"  named question (all rows) {ms(q_s)}")
    print(f"  in-memory walk            {ms(walk_s)}   (+ {load_s:.2f} s to load the edges into dicts)")

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.dependencies_only:
        return

    questions(args, store, figures)

    # -- search
    try:
        from graph.store.search import SearchIndex, index_path

        index = SearchIndex(index_path(path))
        times = []
        for _ in range(args.repeat):
            for q in SEARCHES:
                t = time.perf_counter()
                index.search(q, limit=20)
                times.append(time.perf_counter() - t)
        figures["search"] = {"p50_s": percentile(times, 0.5), "p95_s": percentile(times, 0.95), "n": len(times)}
        print(f"search: p50 {ms(figures['search']['p50_s'])}  p95 {ms(figures['search']['p95_s'])}")
    except ImportError:
        pass

    app = entity_pages(args, path, store, figures)
    client = app.test_client()
    t = time.perf_counter()
    r = client.get("/explore/dependencies", query_string={"project": PORT, "limit": 100})
    figures["explorer_first_page_s"] = time.perf_counter() - t
    print(f"dependency explorer page (100 rows): {ms(figures['explorer_first_page_s'])} status {r.status_code}")
    app.extensions["policykg"].pool.close()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
