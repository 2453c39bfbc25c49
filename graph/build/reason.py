"""Stage 6: materialise what the ontology implies, so plain SPARQL sees it.

The rules are read from the ontology itself (no rule is hard-coded here):
``owl:inverseOf``, ``owl:TransitiveProperty``, two-step ``owl:propertyChainAxiom``,
``rdfs:subPropertyOf`` and ``rdfs:subClassOf`` (an OWL 2 RL subset), applied with SPARQL UPDATE in Oxigraph until
nothing new appears. Inferred triples go to the named graph ``id/graph/inferred``,
so they can be told apart from stated ones.

Then the dependency model (:mod:`graph.dependency`) is materialised: ``X pol:needs P`` for every pair of its
closure, and on every P the number of tasks and documents that need it (``pol:dependentTaskCount``,
``pol:dependentDocumentCount``), so dependency questions are an index lookup at query time.
:func:`materialise_needs` recomputes them from the stated facts alone; an incremental ingest calls it after
adding or removing a document.
"""

from __future__ import annotations

import time

import pyoxigraph as ox

from graph.dependency import NAMING, PART_OF, DependencyModel
from graph.vocab import OWL, POL, PROV, RDF, RDF_TYPE, RDFS, XSD

MAX_ROUNDS = 10


def _pairs(store: ox.Store, query: str) -> list[tuple[str, str]]:
    return [(r["a"].value, r["b"].value) for r in store.query(query, use_default_graph_as_union=True)
            if isinstance(r["a"], ox.NamedNode) and isinstance(r["b"], ox.NamedNode)]


def _heads(store: ox.Store, query: str) -> list[tuple[str, ox.BlankNode | ox.NamedNode]]:
    return [(r["a"].value, r["b"]) for r in store.query(query, use_default_graph_as_union=True)
            if isinstance(r["a"], ox.NamedNode)]


def _rdf_list(store: ox.Store, head: ox.BlankNode | ox.NamedNode) -> list[str]:
    """The members of an RDF list, in order."""
    first, rest, nil = (ox.NamedNode(RDF + x) for x in ("first", "rest", "nil"))
    items: list[str] = []
    node = head
    while node != nil and len(items) < 16:
        items += [q.object.value for q in store.quads_for_pattern(node, first, None)]
        nxt = [q.object for q in store.quads_for_pattern(node, rest, None)]
        if not nxt:
            break
        node = nxt[0]
    return items


def materialise(store: ox.Store, inferred_graph: str, timings: dict[str, float] | None = None) -> int:
    """Add the entailed triples to ``inferred_graph``; returns how many were added. ``timings``, when given,
    collects the seconds each rule took over all rounds (bench/bench_build.py)."""
    g = f"<{inferred_graph}>"
    inverses = _pairs(store, f"SELECT ?a ?b WHERE {{ ?a <{OWL}inverseOf> ?b }}")
    transitive = [r["p"].value for r in store.query(
        f"SELECT ?p WHERE {{ ?p a <{OWL}TransitiveProperty> }}", use_default_graph_as_union=True)]
    subprops = _pairs(store, f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subPropertyOf> ?b FILTER(?a != ?b) }}")
    subclasses = _pairs(store, f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subClassOf> ?b FILTER(?a != ?b) }}")
    chain_heads = _heads(store, f"SELECT ?a ?b WHERE {{ ?a <{OWL}propertyChainAxiom> ?b }}")
    chains = [(p, _rdf_list(store, head)) for p, head in chain_heads]
    updates: list[str] = []
    # (SPARQL UPDATE has no union default graph: every pattern names 'any graph')
    for sub, sup in subprops:
        updates.append(f"INSERT {{ GRAPH {g} {{ ?s <{sup}> ?o }} }} WHERE {{ GRAPH ?g1 {{ ?s <{sub}> ?o }} }}")
    for p in transitive:
        updates.append(f"INSERT {{ GRAPH {g} {{ ?s <{p}> ?o }} }} WHERE {{ GRAPH ?g1 {{ ?s <{p}> ?m }} "
                       f"GRAPH ?g2 {{ ?m <{p}> ?o }} FILTER(?s != ?o) }}")
    for a, b in inverses:
        for x, y in ((a, b), (b, a)):
            updates.append(f"INSERT {{ GRAPH {g} {{ ?o <{y}> ?s }} }} "
                           f"WHERE {{ GRAPH ?g1 {{ ?s <{x}> ?o }} FILTER(isIRI(?o)) }}")
    for p, parts in chains:
        # two-step chains (p1 ∘ p2 ⊑ p), e.g. dependsOn ∘ partOf ⊑ dependsOn
        if len(parts) == 2:
            updates.append(f"INSERT {{ GRAPH {g} {{ ?x <{p}> ?z }} }} WHERE {{ GRAPH ?g1 {{ ?x <{parts[0]}> ?y }} "
                           f"GRAPH ?g2 {{ ?y <{parts[1]}> ?z }} FILTER(?x != ?z) }}")
    for sub, sup in subclasses:
        updates.append(f"INSERT {{ GRAPH {g} {{ ?x <{RDF_TYPE}> <{sup}> }} }} "
                       f"WHERE {{ GRAPH ?g1 {{ ?x <{RDF_TYPE}> <{sub}> }} FILTER(isIRI(?x)) }}")
    before = len(store)
    clock = timings if timings is not None else {}
    for _ in range(MAX_ROUNDS):
        size = len(store)
        for update in updates:
            started = time.perf_counter()
            store.update(update)
            key = update.split("WHERE", 1)[1][:160]
            clock[key] = clock.get(key, 0.0) + time.perf_counter() - started
        clock["rounds"] = clock.get("rounds", 0) + 1
        if len(store) == size:
            break
    started = time.perf_counter()
    # a fact stated anywhere is not also 'inferred'
    store.update(
        f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
        f"GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g}) }}"
    )
    clock["deduplicate"] = time.perf_counter() - started
    started = time.perf_counter()
    materialise_needs(store, inferred_graph)
    clock["dependency model (pol:needs)"] = time.perf_counter() - started
    return len(store) - before


NEEDS = POL + "needs"
LEADS_TO = POL + "leadsTo"
TASK_COUNT = POL + "dependentTaskCount"
DOCUMENT_COUNT = POL + "dependentDocumentCount"


def stated_dependency_model(store: ox.Store, inferred_graph: str) -> DependencyModel:
    """The dependency model over the stated facts of ``store`` (every graph but the inferred one)."""
    model = DependencyModel()
    inferred = ox.NamedNode(inferred_graph)
    for local in (*NAMING, PART_OF):
        for q in store.quads_for_pattern(None, ox.NamedNode(POL + local), None):
            if q.graph_name != inferred and isinstance(q.subject, ox.NamedNode) \
                    and isinstance(q.object, ox.NamedNode):
                model.add_fact(q.subject.value, local, q.object.value)
    return model


def materialise_needs(store: ox.Store, inferred_graph: str) -> int:
    """(Re)write ``pol:needs``, ``pol:leadsTo`` and the dependant counts into ``inferred_graph``; returns how
    many ``pol:needs`` pairs."""
    g = ox.NamedNode(inferred_graph)
    for predicate in (NEEDS, LEADS_TO, TASK_COUNT, DOCUMENT_COUNT):
        for q in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, g)):
            store.remove(q)
    model = stated_dependency_model(store, inferred_graph)
    tasks = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Task"))}
    documents = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                                   ox.NamedNode(POL + "Document"))}
    derived = ox.NamedNode(PROV + "wasDerivedFrom")
    needs = ox.NamedNode(NEEDS)
    task_count: dict[str, int] = {}
    doc_sets: dict[str, set[str]] = {}
    quads: list[ox.Quad] = []
    pairs = 0
    for node, reached in model.closure():
        subject = ox.NamedNode(node)
        is_task = node in tasks
        docs = {q.object.value for q in store.quads_for_pattern(subject, derived, None)
                if q.object.value in documents} if is_task else set()
        for target in reached:
            quads.append(ox.Quad(subject, needs, ox.NamedNode(target), g))
            if is_task:
                task_count[target] = task_count.get(target, 0) + 1
                doc_sets.setdefault(target, set()).update(docs)
        pairs += len(reached)
    leads_to = ox.NamedNode(LEADS_TO)
    for named in list(model.named_by):
        subject = ox.NamedNode(named)
        quads += [ox.Quad(subject, leads_to, ox.NamedNode(target), g) for target in model.leads_to(named)]
    integer = ox.NamedNode(XSD + "integer")
    for target, n in task_count.items():
        quads.append(ox.Quad(ox.NamedNode(target), ox.NamedNode(TASK_COUNT), ox.Literal(str(n), datatype=integer), g))
        quads.append(ox.Quad(ox.NamedNode(target), ox.NamedNode(DOCUMENT_COUNT),
                             ox.Literal(str(len(doc_sets[target])), datatype=integer), g))
    store.extend(quads)
    return pairs
