"""The development corpus built into one graph (documents of Hà Tĩnh, other provinces and central bodies):
bodies of two provinces are never one node, central bodies are shared, no document cites itself, and what was
discovered rather than curated is listed by the report."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.build.pipeline import build_dataset
from graph.config import Settings
from graph.query.report import build_report
from graph.store import OxigraphStore
from graph.text import fold

CORPUS = Path(__file__).parent / "corpus" / "dev"
PREFIX = "PREFIX pol: <https://w3id.org/policykg/ont#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    mp = pytest.MonkeyPatch()
    mp.setenv("POLICYKG_SOURCES", str(CORPUS))
    try:
        memory, _, _ = build_dataset(Settings())
    finally:
        mp.undo()
    path = tmp_path_factory.mktemp("corpus-store")
    disk = ox.Store(str(path))
    disk.bulk_extend(iter(memory))
    disk.flush()
    del disk
    return OxigraphStore(path, read_only=True)


def _select(store: OxigraphStore, sparql: str) -> list[dict]:
    return [{k: v.value for k, v in ((var, row[var]) for var in r.variables if var in row)}
            for r in [store.select(PREFIX + sparql)] for row in r.rows]


def test_no_body_is_shared_by_two_provinces(corpus_store: OxigraphStore) -> None:
    shared = _select(corpus_store, """
        SELECT ?body (COUNT(DISTINCT ?p) AS ?n) WHERE { ?body a pol:Agency ; pol:jurisdiction ?p }
        GROUP BY ?body HAVING (COUNT(DISTINCT ?p) > 1)""")
    assert shared == []
    # a document of province P names another province's body only where the sentence prints that province
    rows = _select(corpus_store, """
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?doc ?body ?name ?quote WHERE {
          ?doc a pol:Document ; pol:heldInCorpus true ; pol:jurisdiction ?dp .
          { ?doc pol:issuedBy|pol:recipient ?body . BIND(?doc AS ?s) } UNION
          { ?doc pol:hasTask ?s . ?s pol:leadAgency|pol:cooperatingAgency ?body }
          ?body pol:jurisdiction ?bp . FILTER(?bp != ?dp) ?bp skos:altLabel ?name .
          ?ev rdf:subject ?s ; rdf:object ?body ; pol:quote ?quote .
        }""")
    by_fact: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in rows:
        by_fact.setdefault((r["doc"], r["body"]), []).append((fold(r["name"]), fold(r["quote"])))
    for fact, pairs in by_fact.items():
        assert any(name in quote for name, quote in pairs), fact


def test_one_name_two_provinces_two_nodes_central_one(corpus_store: OxigraphStore) -> None:
    rows = _select(corpus_store, """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?body ?p WHERE { ?body a pol:Agency ; skos:altLabel|rdfs:label "UBND tỉnh"@vi ; pol:jurisdiction ?p }
        """)
    provinces = {r["p"] for r in rows}
    assert len(provinces) >= 4 and len({r["body"] for r in rows}) == len(provinces)
    central = _select(corpus_store, """
        SELECT DISTINCT ?body WHERE { ?body a pol:Agency ; rdfs:label "Bộ Công Thương"@vi }""")
    assert len(central) == 1


def test_no_document_cites_itself(corpus_store: OxigraphStore) -> None:
    assert _select(corpus_store, "SELECT ?d WHERE { ?d pol:cites ?d }") == []


def test_report_lists_discovered_bodies(corpus_store: OxigraphStore) -> None:
    report = build_report(corpus_store)
    discovered = report.section("discovered_bodies").rows
    assert discovered and all(r.get("label") for r in discovered)
    # a ward's body is its own node, never 'UBND tỉnh'
    labels = {r["label"] for r in discovered}
    assert any("phường" in label for label in labels)
