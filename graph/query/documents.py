"""What the document and target pages read: a document's tasks (agencies, timeframe, section) and targets,
the targets timeline, and the relations used between nodes. Any :class:`graph.store.Store`."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from graph.store import Store, Term
from graph.vocab import ONTOLOGY_GRAPH, sparql_prefixes

_PREFIXES = sparql_prefixes("pol", "prov", "rdf")
TASK_FIELDS = ("leadAgency", "cooperatingAgency", "timeframe", "sectionNumber", "taskKind")


def task_cards(store: Store, tasks: Iterable[str]) -> list[dict]:
    """Per task: its IRI and the values of :data:`TASK_FIELDS` (lists), ordered by section number."""
    tasks = list(dict.fromkeys(tasks))
    cards: dict[str, dict] = {t: {"iri": t} for t in tasks}
    # one branch per predicate, each a constant (Oxigraph scans on `VALUES ?p … ?t ?p ?o`)
    branches = " UNION ".join(f'{{ ?t pol:{f} ?o BIND("{f}" AS ?f) }}' for f in TASK_FIELDS)
    for i in range(0, len(tasks), 500):
        chunk = " ".join(str(ox.NamedNode(t)) for t in tasks[i:i + 500])
        for r in store.select(_PREFIXES + f"SELECT ?t ?f ?o WHERE {{ VALUES ?t {{ {chunk} }} {branches} }}").rows:
            cards[r["t"].value].setdefault(r["f"].value, []).append(r["o"].value)
    return sorted(cards.values(), key=lambda c: _natural((c.get("sectionNumber") or ["0"])[0]))


def _natural(section: str) -> list[tuple[int, int, str]]:
    """'1-2' < '2-1' < '10-1', '3.9' < '3.14', 'a' after numbers: sections sorted as people count them."""
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.findall(r"\d+|[^\d.\-\s]+", section)]


def document_targets(store: Store, document: str) -> list[dict[str, Term]]:
    """The goals and targets a document sets: value, unit, year, indicator."""
    # the type as a filter: as a joined pattern, Oxigraph scanned every goal of the store (76 ms at 1.8M quads)
    return store.select(_PREFIXES + f"""SELECT DISTINCT ?t ?value ?unit ?year ?indicator WHERE {{
        {{ {ox.NamedNode(document)} pol:hasGoal ?t }} UNION {{ ?t prov:wasDerivedFrom {ox.NamedNode(document)} }}
        FILTER EXISTS {{ ?t a pol:Goal }}
        OPTIONAL {{ ?t pol:targetValue ?value }} OPTIONAL {{ ?t pol:unit ?unit }}
        OPTIONAL {{ ?t pol:targetYear ?year }} OPTIONAL {{ ?t pol:indicator ?indicator }} }}
        ORDER BY ?year ?t""").rows


def targets_timeline(store: Store) -> list[dict[str, Term]]:
    """Every target with its year, indicator (IRI or text), value, range, unit, comparator, document, quote."""
    return store.select(_PREFIXES + """SELECT ?t ?year ?indicator ?value ?upper ?unit ?comparator ?doc ?quote WHERE {
        ?t a pol:Target .
        OPTIONAL { ?t pol:targetYear ?year } OPTIONAL { ?t pol:indicator ?ind0 }
        BIND(IF(BOUND(?ind0), IF(isIRI(?ind0), ?ind0, STR(?ind0)), "") AS ?indicator)
        OPTIONAL { ?t pol:targetValue ?value } OPTIONAL { ?t pol:upperValue ?upper }
        OPTIONAL { ?t pol:unit ?unit } OPTIONAL { ?t pol:comparator ?comparator }
        OPTIONAL { ?t prov:wasDerivedFrom ?doc } OPTIONAL { ?t pol:quote ?quote }
    } ORDER BY ?year ?indicator""").rows


def relations_in_use(store: Store) -> list[str]:
    """The predicates that link two nodes somewhere in the data (the ontology's own graph left out)."""
    return [r["p"].value for r in store.select(f"""SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(isIRI(?o) && ?g != <{ONTOLOGY_GRAPH}>) }}""").rows]



def coverage(store: Store) -> dict:
    """What the store holds, by jurisdiction: ``provinces`` as (IRI, name, documents) most documents first
    (the name as ``pol:provinceName`` writes it, 'Hà Tĩnh'), and ``central``, the documents issued by a
    central body (``pol:level "central"``). Documents only cited by others count too: they are in the graph."""
    provinces = [(r["p"].value, r["name"].value, int(r["n"].value)) for r in store.select(
        _PREFIXES + """SELECT ?p (SAMPLE(?pn) AS ?name) (COUNT(DISTINCT ?d) AS ?n) WHERE {
            ?d a pol:Document ; pol:jurisdiction ?p . ?p pol:provinceName ?pn }
            GROUP BY ?p ORDER BY DESC(?n) ?name""").rows]
    rows = store.select(_PREFIXES + """SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
        ?d a pol:Document ; pol:issuedBy ?b . ?b pol:level "central" }""").rows
    return {"provinces": provinces, "central": int(rows[0]["n"].value) if rows else 0}
