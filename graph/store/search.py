"""Full-text search: an embedded SQLite FTS5 index built with the store, beside it (``<store>-search.sqlite``).

What is indexed: every task's text, every evidence quote, document titles, subjects, labels and numbers,
targets and goals, and the names and aliases of agencies, projects, zones, places, indicators and people.
Text is folded with :func:`graph.text.fold_chars` (no diacritics, 'đ' -> 'd', lower case, one character per
character), so "vung ang" finds "Vũng Áng" and a match's offsets in the folded text are offsets in the
original: snippets are cut and highlighted on the text as written. Hits are ranked by bm25 over two columns, names
and texts (a name counts more than a long quote; data/search.yaml), one hit per node, and can be filtered by kind,
document, province (the document's pol:jurisdiction, read by the build) and year (the document's).

What keeps a broad query fast at 10^7 quads (one matching hundreds of thousands of entries):
- the filters are words of a third column, ``tags`` ('ktask', 'y2023', a document's hash, 'phatinh'), part of
  the FTS5 match (a join of posting lists), not a test on every matching row's stored columns;
- an entry's rowid puts it in the order of a static rank, the bm25 one hit of each word would give it in its
  column at its length (:func:`static_bucket`): every entry matching a query holds all its words, so this is
  bm25's own order but for words found more than once in an entry, and bm25 scores only the first
  :data:`BOUND` matches in rowid order, not every match (``bounded=False``: all, the reference);
- that bm25 is computed from statistics the index keeps (entries, their total length, each term's number of
  entries: FTS5's own bm25 reads every match of each word for its idf), the same scores as FTS5's;
- totals are counted up to :data:`COUNT_UP_TO` matching entries.
bench/bench_search_engines.py measures this against the exhaustive ranking and against tantivy (RESULTS.md).

The index is kept in step with the store by :func:`build_index` (the whole store, atomically: used by
``policykg build``) or, for an incremental ingest, :func:`index_document` after a document's quads are in the
store and :func:`remove_document` before they are taken out. An index written by another version of the schema
is refused by :class:`SearchIndex` (:class:`IndexVersionError`) and rebuilt by :func:`index_document`.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import yaml

from graph.text import collapse, fold, fold_chars
from graph.vocab import NAMED_CLASSES, RDF_TYPE, kind_of, sparql_prefixes

SETTINGS_PATH = Path(__file__).resolve().parents[2] / "data" / "search.yaml"
_PREFIXES = sparql_prefixes("pol", "rdf", "rdfs", "skos", "prov", "dcterms", "foaf")
_TOKEN = re.compile(r"[a-z0-9]+")
SNIPPET_CHARS = 240
NAME_FIELDS = ("name", "alias", "title")  # indexed in the 'name' column, the rest in 'body'
EXACT_TOTAL_UP_TO = 1000  # up to this many matching entries, their distinct nodes are counted; beyond, the
# total is the number of matching entries, an upper bound of the nodes (a node may match in several entries: its
# name and a quote), counted up to COUNT_UP_TO
COUNT_UP_TO = 10000
CANDIDATES = 200  # rows ranked by bm25 before boosts and grouping (at least; more for later pages)
BOUND = 1000  # matches scored by bm25, the first ones in rowid order, which is the order of the static rank
MAX_QUERY_TOKENS = 12
EXPAND_UP_TO = 8  # a last word beginning at most this many terms is matched as those terms, not as a prefix

SCHEMA_VERSION = 2  # 2: the filter column 'tags', rowids in the order of a static rank, term statistics
SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    name, body, tags, iri UNINDEXED, kind UNINDEXED, field UNINDEXED, text UNINDEXED, document UNINDEXED,
    province UNINDEXED, year UNINDEXED, length UNINDEXED, tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3');
CREATE TABLE IF NOT EXISTS documents (iri TEXT PRIMARY KEY, province TEXT, year INTEGER);
CREATE TABLE IF NOT EXISTS names (iri TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, entries INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kinds (kind TEXT PRIMARY KEY);
"""
# FTS5's bm25 constants (fts5_aux.c), for the static rank
K1, B = 1.2, 0.75
SEQUENCE_BITS = 40  # rowid = static rank bucket << SEQUENCE_BITS | insertion number


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(SETTINGS_PATH.read_text(encoding="utf-8"))


def index_path(store_path: Path) -> Path:
    """Where the search index of the store at ``store_path`` lives."""
    return store_path.with_name(store_path.name + "-search.sqlite")


# --------------------------------------------------------------------------- reading the graph


def _native(store) -> ox.Store:  # noqa: ANN001 (an ox.Store or a graph.store.OxigraphStore)
    return store.native if hasattr(store, "native") else store


def _rows(store: ox.Store, sparql: str, bindings: dict[str, ox.NamedNode] | None = None) -> list[dict]:
    if bindings:
        values = " ".join(f"?{k}" for k in bindings)
        terms = " ".join(str(v) for v in bindings.values())
        sparql = sparql.replace("WHERE {", f"WHERE {{ VALUES ({values}) {{ ({terms}) }}", 1)
    solutions = store.query(_PREFIXES + sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


@dataclass
class _Row:
    iri: str
    kind: str
    field: str
    text: str
    document: str | None = None


DocumentInfo = dict[str, tuple[str | None, int | None]]  # document -> (province, year)


def _document_facts(store: ox.Store, document: str | None) -> tuple[list[_Row], DocumentInfo]:
    """Rows owned by documents (the document itself, its tasks, targets and evidence); ``document`` None: all."""
    bind = {"d": ox.NamedNode(document)} if document else None
    rows: list[_Row] = []
    docs: dict[str, tuple[str | None, int | None]] = {}
    years: dict[str, int] = {}
    for r in _rows(store, """SELECT ?d ?date WHERE { ?d a pol:Document .
                             { ?d dcterms:issued ?date } UNION { ?d pol:issuedYear ?date } }""", bind):
        years.setdefault(r["d"].value, int(r["date"].value[:4]))
    # the province the build read for the document (pol:jurisdiction: its issuer block or place line)
    provinces = {r["d"].value: r["name"].value for r in _rows(
        store, """SELECT ?d (MIN(?n) AS ?name) WHERE { ?d a pol:Document ; pol:jurisdiction ?p .
                   ?p pol:provinceName ?n } GROUP BY ?d""", bind)}
    for r in _rows(store, """SELECT ?d ?p ?v WHERE { ?d a pol:Document .
            VALUES ?p { dcterms:title pol:citedSubject rdfs:label skos:prefLabel pol:documentNumber }
            ?d ?p ?v }""", bind):
        d = r["d"].value
        docs[d] = (provinces.get(d), years.get(d))
        name = r["p"].value.endswith(("documentNumber", "label", "prefLabel"))
        rows.append(_Row(d, "document", "name" if name else "title", r["v"].value, d))
    for r in _rows(store, """SELECT ?x ?c ?q ?d WHERE { VALUES ?c { pol:Task pol:Goal }
            ?x a ?c ; pol:quote ?q ; prov:wasDerivedFrom ?d . ?d a pol:Document }""", bind):
        kind = "task" if r["c"].value.endswith("Task") else "target"
        rows.append(_Row(r["x"].value, kind, kind, r["q"].value, r["d"].value))
    # for one document, the classes as a union of constants: with VALUES, Oxigraph joins every labelled task and
    # goal of the store first (0.3-0.9 s at 1,000 documents, against 0.01 s); for all of them VALUES is faster
    labelled = ("""SELECT ?x ?c ?l ?d WHERE { { ?x a pol:Task BIND(pol:Task AS ?c) } UNION
            { ?x a pol:Goal BIND(pol:Goal AS ?c) } ?x rdfs:label ?l ; prov:wasDerivedFrom ?d . ?d a pol:Document }"""
                if document else """SELECT ?x ?c ?l ?d WHERE { VALUES ?c { pol:Task pol:Goal }
            ?x a ?c ; rdfs:label ?l ; prov:wasDerivedFrom ?d . ?d a pol:Document }""")
    for r in _rows(store, labelled, bind):
        kind = "task" if r["c"].value.endswith("Task") else "target"
        rows.append(_Row(r["x"].value, kind, kind if kind == "task" else "name", r["l"].value, r["d"].value))
    for r in _rows(store, """SELECT ?s ?q ?d WHERE { ?e a pol:Evidence ; pol:quote ?q ; rdf:subject ?s ;
            prov:wasDerivedFrom ?d . ?d a pol:Document . FILTER(isIRI(?s)) }""", bind):
        rows.append(_Row(r["s"].value, "", "quote", r["q"].value, r["d"].value))
    for d in {row.document for row in rows if row.document}:
        docs.setdefault(d, (provinces.get(d), years.get(d)))
    return rows, docs


def _names(store: ox.Store, iris: Iterable[str] | None) -> list[_Row]:
    """Names and aliases of the agencies, projects, zones, places, indicators and people (``iris`` None: all)."""
    classes = " ".join(f"<{c}>" for c in NAMED_CLASSES)
    # a body is typed and labelled in the graph of every source that names it: the union default graph gives
    # each copy, so the nodes are made distinct before their names are joined (else copies × copies rows)
    query = f"""SELECT DISTINCT ?x ?p ?v WHERE {{ {{ SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {classes} }} ?x a ?c }} }}
        VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel foaf:name }} ?x ?p ?v }}"""
    if iris is None:
        found = _rows(store, query)
    else:
        found = []
        iris = list(iris)
        for i in range(0, len(iris), 500):
            chunk = " ".join(str(ox.NamedNode(x)) for x in iris[i:i + 500])
            # the nodes bound inside the subquery, which otherwise lists every named node of the store for
            # each chunk (~1 s at 1,000 documents)
            found += _rows(store, query.replace("SELECT DISTINCT ?x WHERE {",
                                                f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {chunk} }}", 1))
    return [_Row(r["x"].value, "", "alias" if r["p"].value.endswith(("altLabel", "hiddenLabel")) else "name",
                 r["v"].value) for r in found]


def _named_nodes(store: ox.Store, iris: Iterable[str]) -> list[str]:
    """Those of ``iris`` typed with a class whose nodes have names (index lookups: most of what a document links
    to are its evidence nodes and classes, and a SPARQL join over them costs ~0.4 s per 500)."""
    type_ = ox.NamedNode(RDF_TYPE)
    named = {ox.NamedNode(c) for c in NAMED_CLASSES}
    return [i for i in iris if any(q.object in named for q in store.quads_for_pattern(ox.NamedNode(i), type_, None))]


def _kinds(store: ox.Store, iris: set[str]) -> dict[str, str]:
    types: dict[str, set[str]] = defaultdict(set)
    iris_list = sorted(iris)
    for i in range(0, len(iris_list), 500):
        chunk = " ".join(str(ox.NamedNode(x)) for x in iris_list[i:i + 500])
        for r in _rows(store, f"SELECT DISTINCT ?x ?c WHERE {{ VALUES ?x {{ {chunk} }} ?x a ?c }}"):
            types[r["x"].value].add(r["c"].value)
    return {i: kind_of(types.get(i, set())) for i in iris}


# --------------------------------------------------------------------------- writing the index


Entry = tuple[str, bool, str, str, str, str, str | None, str | None, int | None]
# (folded text, in the name column?, iri, kind, field, text as written, document, province, year)


def _insert(conn: sqlite3.Connection, store: ox.Store, rows: list[_Row],
            docs: dict[str, tuple[str | None, int | None]]) -> int:
    kinds = _kinds(store, {r.iri for r in rows if not r.kind})
    seen: set[tuple[str, str]] = set()
    entries: list[Entry] = []
    for r in rows:
        text = collapse(r.text)
        if not text or (r.iri, text) in seen:
            continue
        seen.add((r.iri, text))
        province, year = docs.get(r.document, (None, None)) if r.document else (None, None)
        entries.append((fold_chars(text), r.field in NAME_FIELDS, r.iri, r.kind or kinds.get(r.iri, "other"),
                        r.field, text, r.document, province, year))
    write_entries(conn, entries)
    conn.executemany("INSERT OR REPLACE INTO documents (iri, province, year) VALUES (?, ?, ?)",
                     [(d, p, y) for d, (p, y) in docs.items()])
    conn.executemany("INSERT OR IGNORE INTO names (iri) VALUES (?)",
                     [(r.iri,) for r in rows if r.document is None])
    return len(entries)


@lru_cache(maxsize=4096)
def _tag(word: str) -> str:
    return "".join(_TOKEN.findall(fold(word)))


@lru_cache(maxsize=4096)
def _document_tag(document: str) -> str:
    return "d" + hashlib.sha1(document.encode("utf-8")).hexdigest()[:16]


def _tags(kind: str, document: str | None, province: str | None, year: int | None) -> list[str]:
    """The filter words of an entry, in the 'tags' column (weight 0 in bm25, never matched by typed words):
    filtering is then part of FTS5's match, a join of posting lists, not a read of every matching row."""
    tags = ["k" + _tag(kind)]
    if document:
        tags.append(_document_tag(document))
    if province:
        tags.append("p" + _tag(province))
    if year is not None:
        tags.append(f"y{int(year)}")
    return tags


def _meta(conn: sqlite3.Connection, key: str) -> object:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def static_bucket(weight: float, length: int, average: float) -> int:
    """An entry's place in the static rank (0 first): the bm25 of one hit of each query word in its column,
    ``weight`` × FTS5's term-frequency saturation at the entry's ``length`` in tokens (``average`` over the
    index). For the entries matching a query, all of which hold every word, bm25 orders them exactly so but
    for words found more than once in an entry (a long quote saying 'Vũng Áng' twice); so the first matches in
    rowid order are, but for those, the best ones."""
    single = weight * (K1 + 1) / (weight + K1 * (1 - B + B * length / average))
    return max(0, round((K1 + 1 - single) * 1000))


def _statistics(conn: sqlite3.Connection, texts: Iterable[tuple[str, int]], sign: int) -> None:
    """Add (``sign`` 1) or take out (-1) entries — (folded text, number of tags) — from the statistics bm25
    reads: the number of entries, their total length in tokens (FTS5's, the tags included) and each term's
    number of entries (the terms of the text columns)."""
    counts: Counter[str] = Counter()
    n = length = 0
    for folded, tags in texts:
        tokens = _TOKEN.findall(folded)
        counts.update(set(tokens))
        n += 1
        length += len(tokens) + tags
    for key, delta in (("entries", n), ("total_length", length)):
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                     "value = value + excluded.value", (key, sign * delta))
    conn.executemany("INSERT INTO terms (term, entries) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET "
                     "entries = entries + excluded.entries", [(t, sign * c) for t, c in counts.items()])
    if sign < 0:
        conn.execute("DELETE FROM terms WHERE entries <= 0")


def write_entries(conn: sqlite3.Connection, entries: list[Entry]) -> None:
    """Write ``entries``, each with its filter tags and a rowid in the order of the static rank
    (:func:`static_bucket`; within a bucket, in the order written), and count them in the statistics. The
    average length of the static rank is the one of the entries of the first write (the build's), kept: an
    ingest's entries are placed on the same scale."""
    tags = [_tags(e[3], e[6], e[7], e[8]) for e in entries]
    lengths = [len(_TOKEN.findall(e[0])) + len(t) for e, t in zip(entries, tags, strict=True)]
    average = _meta(conn, "average_length")
    if average is None:
        average = sum(lengths) / len(lengths) if lengths else 1.0
        conn.execute("INSERT INTO meta (key, value) VALUES ('average_length', ?)", (average,))
    number = int(_meta(conn, "next_entry") or 0)
    weights = settings()["column_weights"]
    name_w, body_w = float(weights["name"]), float(weights["body"])
    records = []
    for (folded, named, *rest), tag, length in zip(entries, tags, lengths, strict=True):
        bucket = static_bucket(name_w if named else body_w, length, float(average))
        records.append(((bucket << SEQUENCE_BITS) | number, folded if named else "", "" if named else folded,
                        " ".join(tag), *rest, length))
        number += 1
    # in rowid order: FTS5 flushes its pending terms to a new segment whenever a rowid is lower than the last
    records.sort(key=lambda r: r[0])
    conn.executemany("INSERT INTO search (rowid, name, body, tags, iri, kind, field, text, document, province, "
                     "year, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_entry', ?)", (number,))
    conn.executemany("INSERT OR IGNORE INTO kinds (kind) VALUES (?)", [(k,) for k in {e[3] for e in entries}])
    _statistics(conn, ((e[0], len(t)) for e, t in zip(entries, tags, strict=True)), 1)


def build_index(store, path: Path) -> int:  # noqa: ANN001 (an ox.Store or a graph.store.OxigraphStore)
    """(Re)build the whole index of ``store`` at ``path`` atomically; returns the number of entries."""
    native = _native(store)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    conn = _connect(tmp)
    try:
        rows, docs = _document_facts(native, None)
        n = _insert(conn, native, _names(native, None) + rows, docs)  # names first: they win a tie on text
        conn.execute("INSERT INTO search (search) VALUES ('optimize')")
        conn.commit()
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    os.replace(tmp, path)
    return n


class IndexVersionError(RuntimeError):
    """A search index written by an earlier version of the schema."""


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    table = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    version = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() else None
    if table and (version is None or int(version[0]) != SCHEMA_VERSION):
        raise IndexVersionError(f"the search index at {path} was written by another version of policykg "
                                f"(schema {version[0] if version else 1}, this one reads {SCHEMA_VERSION}): "
                                "rebuild it with `policykg build`")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    try:
        _check_version(conn, path)
    except IndexVersionError:
        conn.close()
        raise
    conn.executescript(SCHEMA)
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('version', ?)", (SCHEMA_VERSION,))
    weights = settings()["column_weights"]
    # bm25 with a weight per column: a hit in a name counts more than one in a long text; the tags, 0
    conn.execute("INSERT INTO search (search, rank) VALUES ('rank', ?)",
                 (f"bm25({float(weights['name'])}, {float(weights['body'])}, 0.0)",))
    return conn


def remove_document(path: Path, document: str) -> int:
    """Take a document's entries (its own, its tasks', targets' and evidence's) out; returns how many."""
    match = f'tags : "{_document_tag(document)}"'
    with _connect(path) as conn:
        gone = conn.execute("SELECT name || body, tags FROM search WHERE search MATCH ?", (match,)).fetchall()
        _statistics(conn, ((folded, len(tags.split())) for folded, tags in gone), -1)
        conn.execute("DELETE FROM search WHERE rowid IN (SELECT rowid FROM search WHERE search MATCH ?)", (match,))
        conn.execute("DELETE FROM documents WHERE iri = ?", (document,))
    conn.close()
    return len(gone)


def index_document(path: Path, store, document: str) -> int:  # noqa: ANN001
    """(Re)index one document whose quads are in ``store``, and the names of the agencies, projects … its
    facts link to that the index does not hold yet; returns the number of entries written (an index written
    by another version of the schema is rebuilt from ``store``)."""
    native = _native(store)
    try:
        remove_document(path, document)
    except IndexVersionError:  # an index of another version is derived data: rebuilt whole, with the document
        return build_index(native, path)
    rows, docs = _document_facts(native, document)
    # the document written as a constant: bound from outside, ?d is not in scope of the BIND inside the union,
    # which then left ?x unbound and listed every object of the store; evidence nodes, documents and classes,
    # most of what is linked, have no names
    doc = ox.NamedNode(document)
    linked = {r["o"].value for r in _rows(native, f"""SELECT DISTINCT ?o WHERE {{
        {{ ?x prov:wasDerivedFrom {doc} }} UNION {{ BIND({doc} AS ?x) }} ?x ?p ?o .
        FILTER(isIRI(?o) && ?p NOT IN (pol:evidence, prov:wasDerivedFrom, pol:mentionedIn, rdf:type)) }}""")}
    with _connect(path) as conn:
        known = {iri for iri in linked if conn.execute("SELECT 1 FROM names WHERE iri = ?", (iri,)).fetchone()}
        n = _insert(conn, native, _names(native, _named_nodes(native, linked - known)) + rows, docs)
    conn.close()
    return n


# --------------------------------------------------------------------------- searching


@dataclass
class Hit:
    iri: str
    kind: str
    matched_in: str  # name, alias, title, task, target or quote
    text: str
    document: str | None
    year: int | None
    province: str | None
    score: float
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, highlighted) in order


@dataclass
class SearchPage:
    query: str
    hits: list[Hit]
    total: int  # matching nodes; when not ``exact``, the matching entries counted up to COUNT_UP_TO
    limit: int
    offset: int
    exact: bool = True


def match_expression(query: str) -> str | None:
    """The FTS5 query for what a person typed: every word, in any order, the last one as a prefix (it may be
    still being typed); None: no word. A Vietnamese word is one syllable, so the words before the last are
    whole: as prefixes ("ha"* is hai, han, hanh, hang …) they multiplied the matches of a broad query, and
    FTS5 scores every match before its top-k."""
    words = _TOKEN.findall(fold(query))[:MAX_QUERY_TOKENS]
    return " ".join(f'"{w}"' for w in words[:-1]) + (" " if len(words) > 1 else "") + f'"{words[-1]}"*' \
        if words else None


def matched_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where in ``text`` a word is one of the query ``words``, or begins with the last of them (FTS5's match,
    on the same alphanumeric runs its tokenizer splits on); offsets in ``text`` itself, as fold_chars keeps
    them."""
    whole, last = set(words[:-1]), words[-1] if words else ""

    def hit(token: str) -> int:
        return len(token) if token in whole else len(last) if last and token.startswith(last) else 0

    return [(m.start(), m.start() + n) for m in _TOKEN.finditer(fold_chars(text)) if (n := hit(m.group()))]


def _snippet(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` where most of the matched words are, the matches marked."""
    if len(text) <= SNIPPET_CHARS or not spans:
        lo, hi = 0, min(len(text), SNIPPET_CHARS)
    else:  # the window holding the most distinct matched words
        def words(lo: int) -> int:
            return len({fold(text[a:b]) for a, b in spans if lo <= a and b <= lo + SNIPPET_CHARS})
        lo = max((max(0, a - SNIPPET_CHARS // 4) for a, _b in spans), key=lambda lo: (words(lo), -lo))
        hi = min(len(text), lo + SNIPPET_CHARS)
    out: list[tuple[str, bool]] = [("…", False)] if lo > 0 else []
    cur = lo
    for a, b in spans:
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            continue
        if a > cur:
            out.append((text[cur:a], False))
        out.append((text[a:b], True))
        cur = b
    if cur < hi:
        out.append((text[cur:hi], False))
    if hi < len(text):
        out.append(("…", False))
    return out


Candidate = tuple[str, str, str, str, str | None, int | None, str | None, str, float]
# (iri, kind, field, text, document, year, province, folded text, engine score: higher is better)


def rank_candidates(query: str, candidates: Iterable[Candidate], limit: int, offset: int) -> tuple[list[Hit], int]:
    """The page of hits from an engine's best candidates: an entry whose folded text is the typed phrase scores
    3×, one containing it 2×, then one hit per node (its best entry), each with its snippet; and the number of
    distinct nodes among the candidates."""
    phrase = " ".join(_TOKEN.findall(fold(query)))
    best: dict[str, tuple] = {}
    for row in candidates:
        folded = row[7]
        bonus = 3.0 if folded == phrase else 2.0 if phrase and phrase in folded else 1.0
        score = row[8] * bonus
        if row[0] not in best or score > best[row[0]][-1]:
            best[row[0]] = (*row[:7], score)
    ranked = sorted(best.values(), key=lambda r: (-r[-1], r[0]))[offset:offset + limit]
    words = _TOKEN.findall(fold(query))[:MAX_QUERY_TOKENS]
    return [Hit(iri, kind, fld, text, doc, yr, prov, score, _snippet(text, matched_spans(text, words)))
            for iri, kind, fld, text, doc, yr, prov, score in ranked], len(best)


class SearchIndex:
    """Read access to a search index file."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise FileNotFoundError(f"no search index at {path}: run `policykg build`")
        self.path = path
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        _check_version(self._conn, path)

    def search(self, query: str, *, kinds: Iterable[str] | None = None, document: str | None = None,
               province: str | None = None, year: int | None = None, limit: int = 20,
               offset: int = 0, bounded: bool = True) -> SearchPage:
        """Hits for what a person typed, best first, one per node. bm25 scores the first :data:`BOUND`
        matches in rowid order, the order of the static rank (:func:`static_bucket`), not every match (a broad
        query matches hundreds of thousands of entries at 10^7 quads); ``bounded=False`` scores them all (the
        reference the bounded ranking is measured against)."""
        match = self.match(query, kinds=kinds, document=document, province=province, year=year, expand=bounded)
        if match is None:
            return SearchPage(query, [], 0, limit, offset, True)
        # filters are words of the match: counting reads the posting lists, no row; up to COUNT_UP_TO (FTS5
        # counts ~10^7 matches a second: 500,000 would take 50 ms)
        (entries,) = self._conn.execute("SELECT COUNT(*) FROM (SELECT rowid FROM search WHERE search MATCH ? "
                                        "LIMIT ?)", (match, COUNT_UP_TO)).fetchone()
        exact = entries <= EXACT_TOTAL_UP_TO
        nodes = self._conn.execute("SELECT COUNT(DISTINCT iri) FROM search WHERE search MATCH ?",
                                   (match,)).fetchone()[0] if exact else entries
        want = max(CANDIDATES, 4 * (offset + limit))
        if bounded:
            first = self._conn.execute("SELECT rowid, name || body, name != '', length FROM search WHERE search "
                                       "MATCH ? ORDER BY rowid LIMIT ?", (match, max(BOUND, want))).fetchall()
            score = self._bm25(_TOKEN.findall(fold(query))[:MAX_QUERY_TOKENS])
            scored = sorted(((rowid, -score(folded, named, length)) for rowid, folded, named, length in first),
                            key=lambda r: (r[1], r[0]))[:want]
        else:
            scored = self._conn.execute("SELECT rowid, rank FROM search WHERE search MATCH ? ORDER BY rank, rowid "
                                        "LIMIT ?", (match, want)).fetchall()
        ranks = dict(scored)
        rows = []
        for i in range(0, len(scored), 500):  # the candidates' texts, by rowid
            chunk = [rowid for rowid, _rank in scored[i:i + 500]]
            rows += [(*row[1:], -ranks[row[0]]) for row in self._conn.execute(
                "SELECT rowid, iri, kind, field, text, document, year, province, name || body FROM search "
                f"WHERE rowid IN ({', '.join('?' * len(chunk))})", chunk)]
        hits, grouped = rank_candidates(query, rows, limit, offset)
        total = nodes if exact else max(nodes, grouped)
        return SearchPage(query, hits, total, limit, offset, exact)

    def _bm25(self, words: list[str]) -> Callable[[str, bool, int], float]:
        """FTS5's bm25 (fts5_aux.c, the column weights of data/search.yaml, the tags weighing 0) of an entry
        — (folded text, in the name column?, length in tokens) — for the typed ``words``, the last a prefix,
        from the statistics the index keeps; a prefix's number of entries is the sum over the terms it begins
        (FTS5 counts an entry holding two of them once)."""
        n = float(_meta(self._conn, "entries") or 0)
        average = float(_meta(self._conn, "total_length") or 0) / n if n else 1.0
        idf = []
        for i, word in enumerate(words):
            if i < len(words) - 1:
                row = self._conn.execute("SELECT entries FROM terms WHERE term = ?", (word,)).fetchone()
            else:
                row = self._conn.execute("SELECT SUM(entries) FROM terms WHERE term >= ? AND term < ?",
                                         (word, word + "\uffff")).fetchone()
            hits = float(row[0] or 0) if row else 0.0
            value = math.log((n - hits + 0.5) / (hits + 0.5)) if n else 0.0
            idf.append(value if value > 0 else 1e-6)
        weights = settings()["column_weights"]
        name_w, body_w = float(weights["name"]), float(weights["body"])
        patterns = [re.compile(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])") for w in words[:-1]]
        patterns.append(re.compile(r"(?<![a-z0-9])" + re.escape(words[-1])))  # a token beginning with it

        def hits(folded: str, i: int) -> int:
            # an entry matched holds the word: once in its text (a cheap count), the word once
            return 1 if folded.count(words[i]) <= 1 else len(patterns[i].findall(folded))

        def score(folded: str, named: bool, length: int) -> float:
            """``length``: the entry's tokens, its tags included (FTS5's)."""
            norm = K1 * (1 - B + B * length / average)
            weight = name_w if named else body_w
            total = 0.0
            for i in range(len(words)):
                f = weight * hits(folded, i)
                total += idf[i] * f * (K1 + 1) / (f + norm)
            return total

        return score

    def match(self, query: str, *, kinds: Iterable[str] | None = None, document: str | None = None,
              province: str | None = None, year: int | None = None, expand: bool = False) -> str | None:
        """The FTS5 MATCH of a search: the typed words in the text columns, each filter a tag (None: no word).
        A filter by kind names the kinds left out when they are fewer (the web page asks for every kind it
        shows, which is every kind the index holds: no filter at all). ``expand``: the last word, a prefix,
        written as the terms it begins when they are few (FTS5 merges every posting of a prefix's terms into
        one list before it matches: 100,000 for "trien"* at 4,000 documents)."""
        expression = match_expression(query)
        if expression is None:
            return None
        if expand:
            words = _TOKEN.findall(fold(query))[:MAX_QUERY_TOKENS]
            terms = [t for (t,) in self._conn.execute(
                "SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT ?",
                (words[-1], words[-1] + "\uffff", EXPAND_UP_TO + 1))]
            if 0 < len(terms) <= EXPAND_UP_TO:
                expression = " AND ".join([*(f'"{w}"' for w in words[:-1]),
                                           "(" + " OR ".join(f'"{t}"' for t in terms) + ")"])
        clauses = [f"{{name body}} : ({expression})"]  # typed words never match a tag
        left_out: list[str] = []
        if kinds:
            wanted = {_tag(k) for k in kinds} - {""}
            present = {_tag(k) for (k,) in self._conn.execute("SELECT kind FROM kinds")}
            if not wanted or not present <= wanted:
                if len(present - wanted) < len(wanted & present):
                    left_out = sorted(present - wanted)
                else:
                    clauses.append("tags : (" + " OR ".join(f'"k{k}"' for k in sorted(wanted) or [""]) + ")")
        if document:
            clauses.append(f'tags : "{_document_tag(document)}"')
        if year is not None:
            clauses.append(f'tags : "y{int(year)}"')
        if province:
            clauses.append(f'tags : "p{_tag(province)}"')
        match = " AND ".join(clauses)
        if left_out:
            match = f"({match}) NOT tags : (" + " OR ".join(f'"k{k}"' for k in left_out) + ")"
        return match

    def provinces(self) -> list[str]:
        return [p for (p,) in self._conn.execute(
            "SELECT DISTINCT province FROM documents WHERE province IS NOT NULL ORDER BY province")]

    def years(self) -> list[int]:
        return [y for (y,) in self._conn.execute(
            "SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY year")]
