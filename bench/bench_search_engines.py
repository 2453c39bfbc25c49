"""Full-text search engines side by side: the product's SQLite FTS5 index (graph/store/search.py) and a tantivy
index holding the same entries (run on demand; not a test; needs the ``bench`` extra: ``pip install
'.[bench]'``).

    python bench/bench_search_engines.py --index /tmp/policykg-bench-1000-search.sqlite [--store DIR] \
        [--scratch DIR] [--repeat 5] [--json FILE]

One source of rows: the entries are read from the product's own index (``--index``, only read), as build_index
wrote them — the folded text (graph.text.fold_chars: no diacritics, 'đ' -> 'd'), the text as written, node,
kind, field, document, province, year — and written into

- FTS5: a fresh file through the product's own schema and writer (``_connect``, ``write_entries``: tags, static
  rank, statistics), timed as the engine's load; the product's ``build_index`` from the store (``--store``, opened
  read-only: pass a copy) is timed too, its extraction being what both engines would share;
- tantivy 0.27 (Python bindings): fields ``name`` and ``body`` (its default tokenizer: alphanumeric runs, lower
  case, over the folded text), the rest stored and indexed as raw terms, ``year`` an integer, ``node`` a dense
  number of the node (a fast field, for exact totals).

Engines (``--engines``, the first is the reference): "fts5 exhaustive" (this branch's index, bm25 over every
match), "fts5 base (main)" (graph/store/search.py at the merge base with main, on the ``--index`` file, which it
wrote), "fts5 bounded" (the product), "tantivy". Queries: graph/store/search.py's own semantics in all — every
word whole, the last one a prefix (tantivy: expanded to the terms of its dictionary beginning with it), a hit
in a name weighted 3 against 1 in a text (data/search.yaml), the same filters (kind, document, province, year),
the candidates (at least 200) grouped and boosted by graph.store.search.rank_candidates (one hit per node, the
phrase bonus, the highlighted snippet), the same total rule. Page size 20, the readside bench's 13 queries plus
broad ones, each unfiltered and with each filter, in turns (each engine first every other round); then the
web page's own call (every kind, 200 hits). Reported: build time and size, p50/p95 per engine, overlap@20 of
the top nodes and agreement@20 (the share of an engine's first page the reference scores at least as high as
its own last hit: equal scores are not misses), one document's entries replaced.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import tantivy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_readside import SEARCHES, percentile  # noqa: E402
from graph.store.search import (  # noqa: E402
    _TOKEN,
    CANDIDATES,
    COUNT_UP_TO,
    EXACT_TOTAL_UP_TO,
    MAX_QUERY_TOKENS,
    SearchIndex,
    SearchPage,
    _connect,
    rank_candidates,
    remove_document,
    settings,
    write_entries,
)
from graph.text import fold, fold_chars  # noqa: E402

# queries matching a large share of the entries (at 10,000 documents "vung ang" matches ~250,000)
BROAD = ["ha tinh", "phat trien", "du an", "ke hoach", "nhiem vu", "tinh", "xa"]
QUERIES = SEARCHES + [q for q in BROAD if q not in SEARCHES]
PAGE = 20

Row = tuple  # (entry, folded, named, iri, kind, field, text, document, province, year)


def read_rows(index: Path) -> list[Row]:
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    rows = conn.execute("SELECT rowid, name || body, name != '', iri, kind, field, text, document, province, year "
                        "FROM search ORDER BY rowid").fetchall()
    conn.close()
    return rows


def load_fts5(rows: list[Row], path: Path, source: Path) -> float:
    """The engine's own load: the rows into a fresh file through the product's schema and writer
    (graph.store.search.write_entries: tags, static-rank rowids), optimised (and the index's two small tables,
    the documents' provinces and years and the nodes named, copied from ``source``)."""
    path.unlink(missing_ok=True)
    t = time.perf_counter()
    conn = _connect(path)
    write_entries(conn, [(r[1], bool(r[2]), *r[3:]) for r in rows])
    conn.execute("INSERT INTO search (search) VALUES ('optimize')")
    conn.commit()
    elapsed = time.perf_counter() - t
    conn.execute("ATTACH DATABASE ? AS source", (f"file:{source}?mode=ro",))
    conn.execute("INSERT INTO documents SELECT * FROM source.documents")
    conn.execute("INSERT INTO names SELECT * FROM source.names")
    conn.commit()
    conn.close()
    return elapsed


@functools.lru_cache(maxsize=1)
def base_search_module() -> object:
    """graph/store/search.py as it is at the merge base with main (the exhaustive bm25 over every match, the
    filters read from the rows), to run on the index given, which it wrote."""
    root = Path(__file__).resolve().parents[1]
    base = subprocess.run(["git", "-C", str(root), "merge-base", "HEAD", "main"], capture_output=True, text=True,
                          check=True).stdout.strip()
    source = subprocess.run(["git", "-C", str(root), "show", f"{base}:graph/store/search.py"], capture_output=True,
                            text=True, check=True).stdout
    path = Path(tempfile.mkdtemp(prefix="bench-search-base-")) / "base_search.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("base_search", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["base_search"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.SETTINGS_PATH = root / "data" / "search.yaml"  # read from the worktree, not beside the copy
    return module


class Exhaustive:
    """This branch's index, every match scored (the reference ranking)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def search(self, query: str, **kw: object) -> SearchPage:
        return self.index.search(query, bounded=False, **kw)


class Reference:
    """The score the reference ranking (this branch's index, bm25 over all of a node's matching entries, with
    rank_candidates' phrase bonus) gives a node: to tell a different hit from an equally scored one (the
    synthetic corpus has thousands of ties)."""

    def __init__(self, index: SearchIndex) -> None:
        self.conn = index._conn
        self.entries: dict[str, list[int]] = {}
        for (rowid, iri) in self.conn.execute("SELECT rowid, iri FROM search"):
            self.entries.setdefault(iri, []).append(rowid)

    def score(self, index: SearchIndex, query: str, kw: dict, iri: str) -> float:
        # the same MATCH as the search, with the filters, restricted to the node's entries
        rowids = self.entries.get(iri, [])
        if not rowids:
            return float("-inf")
        match = index.match(query, **kw)
        rows = self.conn.execute(
            "SELECT iri, kind, field, text, document, year, province, name || body, -rank FROM search WHERE "
            f"search MATCH ? AND rowid IN ({', '.join('?' * len(rowids))})", (match, *rowids)).fetchall()
        hits, _n = rank_candidates(query, rows, 1, 0)
        return hits[0].score if hits else float("-inf")


# --------------------------------------------------------------------------- tantivy


def tantivy_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("name", "body"):  # bm25 needs frequencies, not positions (no phrase queries)
        sb.add_text_field(name, index_option="freq")
    for name in ("iri", "kind", "field", "document", "province"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", stored=True, indexed=True)
    sb.add_integer_field("node", stored=False, indexed=False, fast=True)
    sb.add_integer_field("entry", stored=True, indexed=True)
    sb.add_bytes_field("text", stored=True)
    return sb.build()


class Nodes:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, iri: str) -> int:
        return self.ids.setdefault(iri, len(self.ids))


def _document(row: Row, nodes: Nodes) -> tantivy.Document:
    entry, folded, named, iri, kind, fld, text, document, province, year = row
    doc = tantivy.Document()
    doc.add_text("name" if named else "body", folded)
    doc.add_text("iri", iri)
    doc.add_text("kind", kind)
    doc.add_text("field", fld)
    if document:
        doc.add_text("document", document)
    if province:
        doc.add_text("province", province)
    if year is not None:
        doc.add_integer("year", int(year))
    doc.add_integer("node", nodes(iri))
    doc.add_integer("entry", int(entry))
    doc.add_bytes("text", text.encode("utf-8"))
    return doc


def load_tantivy(rows: list[Row], path: Path, nodes: Nodes) -> tuple[float, tantivy.Index]:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    t = time.perf_counter()
    index = tantivy.Index(tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for row in rows:
        writer.add_document(_document(row, nodes))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return time.perf_counter() - t, index


class TantivySearch:
    """graph.store.search.SearchIndex.search's contract over a tantivy index."""

    def __init__(self, index: tantivy.Index, provinces: dict[str, str]) -> None:
        self.index = index
        self.schema = index.schema
        self.provinces = provinces  # folded -> as written (the product's _province_name)
        weights = settings()["column_weights"]
        self.weights = {"name": float(weights["name"]), "body": float(weights["body"])}

    def _word(self, searcher: tantivy.Searcher, word: str, prefix: bool) -> tantivy.Query:
        clauses = []
        for fld, weight in self.weights.items():
            terms = [t for t, _n in searcher.terms_with_prefix(fld, word)] if prefix else [word]
            for term in terms:
                q = tantivy.Query.term_query(self.schema, fld, term, index_option="freq")
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, weight)))
        return tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.empty_query()

    def search(self, query: str, *, kinds: Iterable[str] | None = None, document: str | None = None,
               province: str | None = None, year: int | None = None, limit: int = 20,
               offset: int = 0) -> SearchPage:
        words = _TOKEN.findall(fold(query))[:MAX_QUERY_TOKENS]
        if not words:
            return SearchPage(query, [], 0, limit, offset, True)
        searcher = self.index.searcher()
        must = [(tantivy.Occur.Must, self._word(searcher, w, i == len(words) - 1)) for i, w in enumerate(words)]

        def only(q: tantivy.Query) -> tuple:  # a filter adds nothing to the score
            return tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)

        kinds = sorted(set(kinds or ()))
        if kinds:
            must.append(only(tantivy.Query.term_set_query(self.schema, "kind", kinds)))
        if document:
            must.append(only(tantivy.Query.term_query(self.schema, "document", document)))
        if year is not None:
            must.append(only(tantivy.Query.term_query(self.schema, "year", int(year))))
        if province:
            name = self.provinces.get(fold(province), province)
            must.append(only(tantivy.Query.term_query(self.schema, "province", name)))
        q = tantivy.Query.boolean_query(must)
        want = max(CANDIDATES, 4 * (offset + limit))
        result = searcher.search(q, limit=want, count=True)
        entries = result.count
        exact = entries <= EXACT_TOTAL_UP_TO
        if exact:
            every = result.hits if entries <= want else searcher.search(q, limit=entries, count=False).hits
            nodes = len(set(searcher.fast_field_values("node", [a for _s, a in every])))
        candidates = []
        for score, address in result.hits:
            d = searcher.doc(address)
            text = d.get_first("text").decode("utf-8")
            candidates.append((d.get_first("iri"), d.get_first("kind"), d.get_first("field"), text,
                               d.get_first("document"), d.get_first("year"), d.get_first("province"),
                               fold_chars(text), score))
        hits, grouped = rank_candidates(query, candidates, limit, offset)
        total = nodes if exact else max(min(entries, COUNT_UP_TO), grouped)  # the product's rule
        return SearchPage(query, hits, total, limit, offset, exact)


# --------------------------------------------------------------------------- running


def variants(fts: SearchIndex) -> list[tuple[str, dict]]:
    from webapp.kg import BROWSABLE_KINDS

    (document,) = fts._conn.execute(
        "SELECT document FROM search WHERE document IS NOT NULL GROUP BY document ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    (year,) = fts._conn.execute(
        "SELECT year FROM documents WHERE year IS NOT NULL GROUP BY year ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    province = (fts.provinces() or [None])[0]
    out = [("none", {}), ("kind=task", {"kinds": ["task"]}), (f"year={year}", {"year": year}),
           ("document", {"document": document}), ("kinds=web page's", {"kinds": sorted(BROWSABLE_KINDS)})]
    if province:
        out.append((f"province={fold(province)}", {"province": fold(province)}))
    return out


def overlap(a: SearchPage, b: SearchPage) -> float | None:
    x, y = [h.iri for h in a.hits], [h.iri for h in b.hits]
    if not x and not y:
        return None
    return len(set(x) & set(y)) / max(len(x), len(y))


def agreement(ref: SearchPage, page: SearchPage, score) -> float | None:  # noqa: ANN001
    """The share of ``page``'s hits the reference ranking would also put in its first page: scored (by
    ``score``) at least as high as the reference's last hit — a different node of equal score counts."""
    if not ref.hits and not page.hits:
        return None
    if not ref.hits or not page.hits:
        return 0.0
    last = ref.hits[-1].score
    return sum(score(h.iri) >= last - 1e-9 * abs(last) for h in page.hits) / max(len(page.hits), len(ref.hits))


def measure(engines: dict[str, object], repeat: int, cases: list[tuple[str, str, dict]], reference: str,
            judge: Reference) -> dict:
    """p50/p95 per engine (all cases; the broad ones), overlap@20 and tie-aware agreement@20 with the
    ``reference`` engine."""
    names = list(engines)
    times: dict[str, list[float]] = {n: [] for n in names}
    broad: dict[str, list[float]] = {n: [] for n in names}
    per_case: dict[str, dict[str, list[float]]] = {}
    pages: dict[tuple[str, str], dict[str, SearchPage]] = {}
    for turn in range(repeat):
        order = names if turn % 2 == 0 else names[::-1]
        for q, label, kw in cases:
            for n in order:
                t = time.perf_counter()
                page = engines[n].search(q, limit=PAGE, **kw)
                dt = time.perf_counter() - t
                times[n].append(dt)
                per_case.setdefault(f"{q} | {label}", {}).setdefault(n, []).append(dt)
                if q in BROAD or q == "vung ang":
                    broad[n].append(dt)
                pages.setdefault((q, label), {})[n] = page
    kws = {(q, label): kw for q, label, kw in cases}
    out: dict = {"engines": {}}
    ref_index = engines[reference].index
    for n in names:
        e = out["engines"][n] = {"p50_ms": round(1000 * percentile(times[n], 0.5), 1),
                                 "p95_ms": round(1000 * percentile(times[n], 0.95), 1),
                                 "max_ms": round(1000 * max(times[n]), 1),
                                 "broad_p50_ms": round(1000 * percentile(broad[n], 0.5), 1),
                                 "broad_p95_ms": round(1000 * percentile(broad[n], 0.95), 1),
                                 "n": len(times[n])}
        if n == reference:
            continue
        over = {k: overlap(p[reference], p[n]) for k, p in pages.items()}
        agree = {k: agreement(p[reference], p[n],
                              lambda iri, k=k: judge.score(ref_index, k[0], kws[k], iri)) for k, p in pages.items()}
        for key, values in (("overlap@20", over), ("agreement@20", agree)):
            scored = [v for v in values.values() if v is not None]
            e[key + "_mean"] = round(sum(scored) / len(scored), 3) if scored else None
            e[key + "_min"] = round(min(scored), 3) if scored else None
        e["agreement@20_worst"] = [(round(v, 2), " | ".join(k)) for v, k in
                                   sorted((v, k) for k, v in agree.items() if v is not None)[:6]]
        e["same_total"] = f"{sum(p[reference].total == p[n].total for p in pages.values())}/{len(pages)}"
    labels = dict.fromkeys(label for _q, label, _kw in cases)
    out["p95_ms_by_filter"] = {n: {label: round(1000 * percentile(
        [t for key, v in per_case.items() if key.endswith(f" | {label}") for t in v[n]], 0.95), 1)
        for label in labels} for n in names}
    out["slowest"] = {n: sorted(((round(1000 * max(v[n]), 1), k) for k, v in per_case.items()), reverse=True)[:6]
                      for n in names}
    out["matches"] = {q: pages[(q, "none")][reference].total for q in dict.fromkeys(q for q, _l, _k in cases)}
    return out


def web_call(engines: dict[str, object], repeat: int) -> dict:
    """p50/p95 of the web page's own call (webapp/search.py: every kind it shows, 200 hits) per engine."""
    from webapp.kg import BROWSABLE_KINDS
    from webapp.search import PAGE as WEB_PAGE

    times: dict[str, list[float]] = {n: [] for n in engines}
    for turn in range(repeat):
        for q in QUERIES:
            for n in (list(engines) if turn % 2 == 0 else list(engines)[::-1]):
                t = time.perf_counter()
                engines[n].search(q, kinds=BROWSABLE_KINDS, limit=WEB_PAGE)
                times[n].append(time.perf_counter() - t)
    return {n: {"p50_ms": round(1000 * percentile(v, 0.5), 1), "p95_ms": round(1000 * percentile(v, 0.95), 1)}
            for n, v in times.items()}


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, required=True, help="the product's search index (only read)")
    ap.add_argument("--store", type=Path, help="its store (opened read-only): time build_index from it")
    ap.add_argument("--scratch", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--engines", default="fts5 exhaustive,fts5 base (main),fts5 bounded,tantivy",
                    help="which to run, comma-separated (the first is the reference of the agreement)")
    ap.add_argument("--prefix-index", help="FTS5's prefix option for this run instead of the schema's ('' none)")
    ap.add_argument("--bound", type=int, help="graph.store.search.BOUND for this run (the matches bm25 scores)")
    args = ap.parse_args()
    if args.bound:
        import graph.store.search

        graph.store.search.BOUND = args.bound
    if args.prefix_index is not None:
        import graph.store.search

        option = f", prefix = '{args.prefix_index}'" if args.prefix_index else ""
        graph.store.search.SCHEMA = re.sub(r", prefix = '[0-9 ]*'", option, graph.store.search.SCHEMA)
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="bench-search-"))
    scratch.mkdir(parents=True, exist_ok=True)
    figures: dict = {"load_average_start": os.getloadavg(), "bound": args.bound, "prefix_index": args.prefix_index}

    if args.store:
        import pyoxigraph as ox

        from graph.store.search import build_index

        t = time.perf_counter()
        figures["fts5_build_index_from_store_entries"] = build_index(ox.Store.read_only(str(args.store)),
                                                                     scratch / "from-store.sqlite")
        figures["fts5_build_index_from_store_s"] = round(time.perf_counter() - t, 1)
        (scratch / "from-store.sqlite").unlink()
    t = time.perf_counter()
    rows = read_rows(args.index)
    figures["entries"] = len(rows)
    figures["read_rows_s"] = round(time.perf_counter() - t, 1)
    fts_path = scratch / "fts5.sqlite"
    figures["fts5_load_s"] = round(load_fts5(rows, fts_path, args.index), 1)
    figures["fts5_bytes"] = fts_path.stat().st_size
    nodes = Nodes()
    tantivy_s, index = load_tantivy(rows, scratch / "tantivy", nodes)
    figures["tantivy_load_s"] = round(tantivy_s, 1)
    figures["tantivy_bytes"] = dir_bytes(scratch / "tantivy")
    print(json.dumps(figures), flush=True)

    fts = SearchIndex(fts_path)
    base = base_search_module().SearchIndex(args.index)
    provinces = {fold(p): p for p in fts.provinces()}
    every = {"fts5 exhaustive": Exhaustive(fts), "fts5 base (main)": base, "fts5 bounded": fts,
             "tantivy": TantivySearch(index, provinces)}
    engines = {name: every[name] for name in args.engines.split(",")}
    filters = variants(fts)
    cases = [(q, label, kw) for q in QUERIES for label, kw in filters]
    figures.update(measure(engines, args.repeat, cases, next(iter(engines)), Reference(fts)))
    figures["web_call"] = web_call(engines, args.repeat)

    # an ingest's update of one document, engine side only (both read the same rows from the store first):
    # its entries taken out and written again, committed
    doc = filters[3][1]["document"]
    mine = [r for r in rows if r[7] == doc]
    t = time.perf_counter()
    remove_document(fts_path, doc)
    conn = _connect(fts_path)
    write_entries(conn, [(r[1], bool(r[2]), *r[3:]) for r in mine])
    conn.commit()
    conn.close()
    figures["fts5_update_one_document_ms"] = round(1000 * (time.perf_counter() - t), 1)
    copy = scratch / "base.sqlite"
    shutil.copyfile(args.index, copy)
    module = base_search_module()
    t = time.perf_counter()
    module.remove_document(copy, doc)
    conn = module._connect(copy)
    conn.executemany("INSERT INTO search (name, body, iri, kind, field, text, document, province, year) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(r[1] if r[2] else "", "" if r[2] else r[1], *r[3:]) for r in mine])
    conn.commit()
    conn.close()
    figures["fts5_base_update_one_document_ms"] = round(1000 * (time.perf_counter() - t), 1)
    copy.unlink()
    t = time.perf_counter()
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    writer.delete_documents_by_term("document", doc)
    for r in mine:
        writer.add_document(_document(r, nodes))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    figures["tantivy_update_one_document_ms"] = round(1000 * (time.perf_counter() - t), 1)
    figures["update_entries"] = len(mine)
    figures["load_average_end"] = os.getloadavg()
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
