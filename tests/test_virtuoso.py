"""Scale-out check: the graph built from the five sources, bulk-loaded into a real Virtuoso, answers
the same SPARQL questions as the embedded Oxigraph store (document/citation questions, every
``queries/*.rq`` with its default parameters, more than Virtuoso's default 10,000-row cap), and
the Graph Store writes of :class:`graph.store.remote.SparqlStore` round-trip.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.config import PROJECT_ROOT, Settings
from graph.store import OxigraphStore, SelectResult, StoreError, Term
from graph.store.remote import SparqlStore
from graph.text import fold
from tests.virtuoso import VirtuosoServer, skip_reason

pytestmark = [pytest.mark.virtuoso, pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")]

PREFIXES = """PREFIX pol: <https://w3id.org/policykg/ont#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
XSD = "http://www.w3.org/2001/XMLSchema#"
QUERIES = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
OWN_GRAPHS = ("https://w3id.org/policykg/",)


@pytest.fixture(scope="module")
def virtuoso(built: tuple[Settings, OxigraphStore], tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[VirtuosoServer, SparqlStore]]:
    """A Virtuoso server holding the built graph (bulk-loaded from N-Quads)."""
    _, store = built
    workdir = tmp_path_factory.mktemp("virtuoso")
    dump = workdir / "policykg.nq"
    store.dump(dump, "nq")
    with VirtuosoServer(workdir) as server:
        server.bulk_load([dump])
        yield server, server.store(graph_prefixes=OWN_GRAPHS)


def _key(term: Term | None) -> str:
    if term is None:
        return "UNBOUND"
    if isinstance(term, ox.BlankNode):
        return "_:b"  # labels are per store
    if isinstance(term, ox.Literal) and term.datatype.value in (XSD + "decimal", XSD + "double", XSD + "float"):
        return f"{float(term.value):.6g}"  # 2.50 vs 2.5e0: same number
    return str(term)


_SAMPLE = re.compile(r"\bSAMPLE\s*\(\s*\??\w+\s*\)\s*AS\s+\?(\w+)", re.I)
_CONCAT = re.compile(r"\bGROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*?(?:;\s*separator\s*=\s*(\"[^\"]*\"|'[^']*'))?\s*\)"
                     r"\s*AS\s+\?(\w+)", re.I)


def _rows(result: SelectResult, sparql: str = "") -> Counter:
    """Rows as comparable keys: SAMPLE(…) columns left out (any value is right), GROUP_CONCAT parts sorted."""
    sampled = set(_SAMPLE.findall(sparql))
    concat = {var: sep[1:-1] if sep else " " for sep, var in _CONCAT.findall(sparql)}

    def key(var: str, term: Term | None) -> str:
        if var in sampled:
            return "SAMPLE"
        if var in concat:  # no values: "" on Virtuoso, unbound on Oxigraph
            return repr(sorted(term.value.split(concat[var]))) if isinstance(term, ox.Literal) and term.value else ""
        return _key(term)

    return Counter(tuple(key(v, row.get(v)) for v in result.variables) for row in result.rows)


def _same(sparql: str, bindings: dict[str, Term] | None, oxi: OxigraphStore, virt: SparqlStore) -> SelectResult:
    """The same rows on both stores; SAMPLE columns are compared again with SAMPLE read as MIN."""
    expected = oxi.select(sparql, bindings)
    got = virt.select(sparql, bindings)
    assert got.variables == expected.variables
    missing, extra = _rows(expected, sparql) - _rows(got, sparql), _rows(got, sparql) - _rows(expected, sparql)
    assert not missing and not extra, (f"{len(expected.rows)} rows on Oxigraph, {len(got.rows)} on Virtuoso;\n"
                                       f"only Oxigraph: {list(missing)[:5]}\nonly Virtuoso: {list(extra)[:5]}")
    if _SAMPLE.search(sparql):  # the same candidates for each SAMPLE
        candidates = re.sub(r"\bSAMPLE\s*\(\s*(\??\w+)\s*\)", r'GROUP_CONCAT(DISTINCT STR(\1); separator="|")',
                            sparql, flags=re.I)
        _same(candidates, bindings, oxi, virt)
    return expected


def test_same_quads(store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    _, virt = virtuoso
    assert virt.count() == store.count() > 1000

    def ground(quads: Iterator[ox.Quad]) -> set[ox.Quad]:
        return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert ground(virt.quads()) == ground(store.quads())
    assert {g.value for g in virt.graphs()} == {q.graph_name.value for q in store.quads()}


DOCUMENT_QUESTIONS: list[tuple[str, str, dict[str, Term] | None]] = [
    ("documents", """SELECT ?d ?n ?issued ?held WHERE { ?d a pol:Document .
        OPTIONAL { ?d pol:documentNumber ?n } OPTIONAL { ?d dcterms:issued ?issued }
        BIND(EXISTS { ?d pol:heldInCorpus true } AS ?held) }""", None),
    ("held documents", "SELECT ?d WHERE { ?d pol:heldInCorpus true }", None),
    ("unnumbered held", "SELECT ?d WHERE { ?d pol:heldInCorpus true FILTER NOT EXISTS { ?d pol:documentNumber ?n } }",
     None),
    ("same number, two documents", """SELECT ?d ?issued WHERE { ?d a pol:Document ; pol:documentNumber ?num .
        OPTIONAL { ?d dcterms:issued ?issued } }""", {"num": ox.Literal("08-NQ/TU")}),
    ("cited dates", """SELECT ?d ?cd WHERE { ?d pol:documentNumber ?num ; pol:citedDate ?cd }""",
     {"num": ox.Literal("57-KL/TU")}),
    ("citations", "SELECT ?a ?b WHERE { ?a pol:cites ?b }", None),
    ("citations by graph", "SELECT ?g ?a ?b WHERE { GRAPH ?g { ?a pol:cites ?b } }", None),
    ("citing documents", """SELECT DISTINCT ?s WHERE { ?s pol:cites ?d . ?d pol:documentNumber ?num }""",
     {"num": ox.Literal("11-NQ/TU")}),
    ("citation counts", """SELECT ?b (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a pol:cites ?b } GROUP BY ?b""", None),
    # Virtuoso needs one end of a + / * path bound (see test_virtuoso_path_quirks)
    ("cites, transitively", "SELECT DISTINCT ?b WHERE { ?a pol:cites+ ?b . ?a pol:documentNumber ?num }",
     {"num": ox.Literal("26-CTr/TU")}),
    ("implemented by, transitively", "SELECT DISTINCT ?a WHERE { ?a pol:implements+ ?b . ?b pol:documentNumber ?num }",
     {"num": ox.Literal("29-NQ/TW")}),
    ("evidence of a cited date", """SELECT ?quote ?doc WHERE { ?e a pol:Evidence ; rdf:predicate pol:citedDate ;
        rdf:object ?date ; pol:quote ?quote ; prov:wasDerivedFrom ?doc }""",
     {"date": ox.Literal("2022-11-07", datatype=ox.NamedNode(XSD + "date"))}),
    ("quotes at their offsets", """SELECT ?e ?quote ?slice WHERE {
        ?e a pol:Evidence ; pol:quote ?quote ; pol:startOffset ?s ; pol:endOffset ?t ; pol:sourceText ?src .
        ?src pol:text ?text . BIND(SUBSTR(?text, ?s + 1, ?t - ?s) AS ?slice) }""", None),
    # the union default graph on Virtuoso also holds its own system graphs (virtrdf# …): keep to ours
    ("kinds", """SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?x a ?cls }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/policykg/")) } GROUP BY ?cls""", None),
    ("labels", "SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(LANG(?l) = 'vi') }", None),
    ("label search", "SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), 'nghị quyết')) }",
     None),
]


@pytest.mark.parametrize(("name", "sparql", "bindings"), DOCUMENT_QUESTIONS, ids=[q[0] for q in DOCUMENT_QUESTIONS])
def test_document_questions(name: str, sparql: str, bindings: dict[str, Term] | None, store: OxigraphStore,
                            virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    result = _same(PREFIXES + sparql, bindings, store, virtuoso[1])
    if name not in ("cited dates",):
        assert result.rows, f"{name}: no answers on either store, the comparison proves nothing"


def test_ask_and_construct(store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    _, virt = virtuoso
    ask = PREFIXES + "ASK { ?d pol:documentNumber ?num ; pol:heldInCorpus true }"
    for number in ("57-KL/TU", "no-such-number"):
        assert virt.ask(ask, {"num": ox.Literal(number)}) == store.ask(ask, {"num": ox.Literal(number)})
    construct = PREFIXES + ("CONSTRUCT { ?a pol:cites ?b . ?b rdfs:label ?l } "
                            "WHERE { ?a pol:cites ?b . ?b rdfs:label ?l }")
    expected, got = set(store.construct(construct)), set(virt.construct(construct))
    assert expected and got == expected


def test_more_than_ten_thousand_rows(store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    """Virtuoso's default ResultSetMaxRows (10,000) would cut this silently; the test server raises it."""
    sparql = ("SELECT ?s ?p ?o ?k WHERE { GRAPH ?g { ?s ?p ?o } "
              "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/policykg/')) VALUES ?k { 1 2 3 4 } }")
    assert len(virtuoso[1].select(sparql).rows) == 4 * store.count() > 10_000


def test_virtuoso_path_quirks(store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    """What Virtuoso 7.2 does differently with property paths (a failure here means it changed: update the docs).

    1. ``?a p+ ?b`` with neither end bound is an error ("transitive start not given").
    2. ``?a p* ?b`` returns a pair once per path, where SPARQL (and Oxigraph) return it once.
    """
    _, virt = virtuoso
    with pytest.raises(StoreError, match="transitive start not given"):
        virt.select(PREFIXES + "SELECT ?a ?b WHERE { ?a pol:cites+ ?b }")
    pairs = PREFIXES + "SELECT ?a ?b WHERE { ?a pol:implements* ?b . ?a a pol:Document }"
    expected, got = _rows(store.select(pairs)), _rows(virt.select(pairs))
    assert set(got) == set(expected)
    assert max(expected.values()) == 1
    assert got != expected  # 26-CTr/TU reaches 29-NQ/TW directly and through 13-KH/TW: two rows


# Every named question is written in shapes both engines answer alike (README, "Virtuoso"); what Virtuoso
# 7.2.5 answers wrongly is pinned in test_virtuoso_path_quirks and avoided in queries/*.rq, not excused here.


# ---- named questions: queries/*.rq with their default parameters -------------------------------
_PARAM = re.compile(r"^#\s*param\s*:\s*\??(\w+)\s+(\w+)(?:\s+default=(\"[^\"]*\"|\S*))?", re.I)
ENTITY_CLASSES = {"document": ["Document"], "agency": ["Agency", "AgencyGroup"],
                  "project": ["InfrastructureProject", "Zone", "Place"], "zone": ["Zone", "Place"],
                  "task": ["Task"], "target": ["Target", "Goal"], "indicator": ["Indicator", "Target"]}


def _resolve(store: OxigraphStore, kind: str, name: str) -> ox.NamedNode | None:
    """The node a parameter's default names (document number, or label / alias), as the web app would pick."""
    classes = " ".join(f"pol:{c}" for c in ENTITY_CLASSES.get(kind, []))
    rows = store.select(PREFIXES + f"""SELECT DISTINCT ?x ?name WHERE {{
        {{ ?x pol:documentNumber ?name }} UNION {{ ?x rdfs:label|skos:prefLabel|skos:altLabel ?name }}
        {"VALUES ?cls { " + classes + " } ?x a ?cls ." if classes else ""} }}""").rows
    wanted = fold(name)
    exact = sorted(r["x"].value for r in rows if fold(r["name"].value) == wanted)
    partial = sorted((len(r["name"].value), r["x"].value) for r in rows if wanted in fold(r["name"].value))
    iri = exact[0] if exact else partial[0][1] if partial else None
    return ox.NamedNode(iri) if iri else None


def default_bindings(path: Path, store: OxigraphStore) -> dict[str, Term]:
    bindings: dict[str, Term] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = _PARAM.match(line)
        if not m or not m.group(3):
            continue  # no default: the variable stays unbound (e.g. "empty: all tasks")
        name, kind, value = m.group(1), m.group(2).lower(), m.group(3).strip('"')
        if kind in ("integer", "int", "year"):
            bindings[name] = ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        elif kind in ("decimal", "number"):
            bindings[name] = ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))
        elif kind == "date":
            bindings[name] = ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        elif kind == "boolean":
            bindings[name] = ox.Literal(value.lower(), datatype=ox.NamedNode(XSD + "boolean"))
        elif kind in ("string", "text", "literal"):
            bindings[name] = ox.Literal(value)
        elif value.startswith("<") or kind in ("iri", "uri"):
            bindings[name] = ox.NamedNode(value.strip("<>"))
        else:
            node = _resolve(store, kind, value)
            if node is not None:
                bindings[name] = node
    return bindings


@pytest.mark.skipif(not QUERIES, reason="no queries/*.rq yet")
@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_named_question(path: Path, store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    sparql = path.read_text(encoding="utf-8")
    bindings = default_bindings(path, store)
    _same(sparql, bindings, store, virtuoso[1])


# ---- writes through the Graph Store protocol ------------------------------------------------
def test_graph_store_load_and_drop(virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    _, virt = virtuoso
    graph = ox.NamedNode("https://w3id.org/policykg/id/graph/test-scratch")
    node = ox.NamedNode("https://w3id.org/policykg/id/task/scratch")
    label = ox.Literal("Nhiệm vụ thử: “ngoặc”\n", language="vi")
    before = virt.count()
    assert virt.load([ox.Triple(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), label)], graph) == 1
    rows = virt.select("SELECT ?l WHERE { GRAPH ?g { ?x ?p ?l } }", {"g": graph, "x": node}).rows
    assert [r["l"] for r in rows] == [label]
    virt.drop(graph)
    assert virt.count() == before


def test_replace_all_round_trip(store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    _, virt = virtuoso
    stray = ox.NamedNode("https://w3id.org/policykg/id/graph/left-over")
    virt.load([ox.Quad(stray, stray, stray, stray)])
    assert virt.replace_all(store.native) == store.count()
    assert virt.count() == store.count()
    assert stray not in virt.graphs()
    _same(PREFIXES + "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                     "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/policykg/')) } GROUP BY ?g", None, store, virt)


PAGED = sorted(p.stem for p in QUERIES if (p.parent / "pages" / f"{p.stem}.core.rq").is_file())


@pytest.mark.skipif(not PAGED, reason="no paged questions")
@pytest.mark.parametrize("name", PAGED)
def test_paged_question(name: str, store: OxigraphStore, virtuoso: tuple[VirtuosoServer, SparqlStore]) -> None:
    """The paged form (queries/pages/: the core counted and cut, the page's rows decorated) gives both engines
    the same pages and totals as the whole question."""
    from graph.query.questions import Resolver, answer_page, bind, load_library

    question = load_library()[name]
    bindings, shown = bind(question, {}, Resolver(store))
    expected = answer_page(store, question, bindings, shown, limit=None)
    sparql = question.paging.rows  # SAMPLE / GROUP_CONCAT columns compared as _rows does
    for offset in sorted({0, 2, max(expected.total - 2, 0)}):  # (the last: a page in a further section, if any)
        got = answer_page(store, question, bindings, shown, limit=3, offset=offset, select=virtuoso[1].select)
        oxi = answer_page(store, question, bindings, shown, limit=3, offset=offset)
        assert got.total == oxi.total == expected.total
        assert got.result.variables == oxi.result.variables == expected.result.variables
        assert _rows(got.result, sparql) == _rows(oxi.result, sparql)
