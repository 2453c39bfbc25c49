"""Stage 6: materialise what the ontology implies, so plain SPARQL sees it.

The rules are read from the ontology itself (no rule is hard-coded here):
``owl:inverseOf``, ``owl:TransitiveProperty``, two-step ``owl:propertyChainAxiom``,
``rdfs:subPropertyOf`` and ``rdfs:subClassOf`` (an OWL 2 RL subset), applied with SPARQL UPDATE in Oxigraph until
nothing new appears. Inferred triples go to the named graph ``id/graph/inferred``,
so they can be told apart from stated ones.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.vocab import OWL, RDF, RDF_TYPE, RDFS

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


def materialise(store: ox.Store, inferred_graph: str) -> int:
    """Add the entailed triples to ``inferred_graph``; returns how many were added."""
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
    for _ in range(MAX_ROUNDS):
        size = len(store)
        for update in updates:
            store.update(update)
        if len(store) == size:
            break
    # a fact stated anywhere is not also 'inferred'
    store.update(
        f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
        f"GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g}) }}"
    )
    return len(store) - before
