"""Materialisation: facts that exist only through the ontology's axioms."""

from __future__ import annotations

import pyoxigraph as ox

from graph.build.reason import materialise
from graph.config import PROJECT_ROOT

POL = "https://w3id.org/policykg/ont#"


def _store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(PROJECT_ROOT / "ontology" / "pol.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("urn:ont"))
    store.update(f"""PREFIX pol: <{POL}> INSERT DATA {{ GRAPH <urn:g> {{
        <urn:task> a pol:Task ; pol:dependsOn <urn:berth> .
        <urn:berth> a pol:Port ; pol:partOf <urn:port> .
        <urn:port> a pol:Port ; pol:partOf <urn:system> .
        <urn:doc> a pol:Conclusion ; pol:hasTask <urn:task> ; pol:implements <urn:res> . }} }}""")
    return store


def _inferred(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None,
                                                             ox.NamedNode("urn:inferred"))}


def test_dependency_through_part_of_is_inferred() -> None:
    store = _store()
    materialise(store, "urn:inferred")
    # depending on a berth is depending on its port and the port system (chain + transitivity)
    assert _inferred(store, "urn:task", POL + "dependsOn") == {"urn:port", "urn:system"}
    assert _inferred(store, "urn:berth", POL + "partOf") == {"urn:system"}


def test_inverse_subproperty_and_subclass_are_inferred() -> None:
    store = _store()
    materialise(store, "urn:inferred")
    assert _inferred(store, "urn:task", POL + "isTaskOf") == {"urn:doc"}
    assert _inferred(store, "urn:doc", POL + "cites") == {"urn:res"}
    assert POL + "Document" in _inferred(store, "urn:doc", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert POL + "InfrastructureProject" in _inferred(store, "urn:port",
                                                       "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_stated_facts_are_not_repeated_as_inferred() -> None:
    store = _store()
    materialise(store, "urn:inferred")
    assert not _inferred(store, "urn:task", POL + "dependsOn") & {"urn:berth"}


# --- the fixpoint in Python against the rules as SPARQL UPDATE (how they were evaluated before) -----------

def _sparql_reference(store: ox.Store, graph: str) -> None:
    """The ontology's rules, one SPARQL UPDATE each, repeated until nothing new appears; then the facts
    stated elsewhere are removed from ``graph``. Slow at scale, but plainly the rules: the oracle."""
    from graph.build.reason import Rules

    rules = Rules.read(store)
    g, any_graph = f"<{graph}>", "GRAPH ?g1"
    updates = [f"INSERT {{ GRAPH {g} {{ ?s <{sup}> ?o }} }} WHERE {{ {any_graph} {{ ?s <{sub}> ?o }} }}"
               for sub, sups in rules.super_properties.items() for sup in sups]
    updates += [f"INSERT {{ GRAPH {g} {{ ?s <{p}> ?o }} }} WHERE {{ {any_graph} {{ ?s <{p}> ?m }} "
                f"GRAPH ?g2 {{ ?m <{p}> ?o }} FILTER(?s != ?o) }}" for p in rules.transitive]
    updates += [f"INSERT {{ GRAPH {g} {{ ?o <{y}> ?s }} }} WHERE {{ {any_graph} {{ ?s <{x}> ?o }} FILTER(isIRI(?o)) }}"
                for x, ys in rules.inverse.items() for y in ys]
    updates += [f"INSERT {{ GRAPH {g} {{ ?x <{p}> ?z }} }} WHERE {{ {any_graph} {{ ?x <{first}> ?y }} "
                f"GRAPH ?g2 {{ ?y <{second}> ?z }} FILTER(?x != ?z) }}"
                for first, pairs in rules.chain_first.items() for second, p in pairs]
    updates += [f"INSERT {{ GRAPH {g} {{ ?x a <{sup}> }} }} "
                f"WHERE {{ {any_graph} {{ ?x a <{sub}> }} FILTER(isIRI(?x)) }}"
                for sub, sups in rules.super_classes.items() for sup in sups]
    while True:
        size = len(store)
        for update in updates:
            store.update(update)
        if len(store) == size:
            break
    store.update(f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
                 f"GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g}) }}")


def _graph(store: ox.Store, graph: str) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def _same_inferences(quads: list[ox.Quad], graph: str) -> None:
    from graph.build.counts import materialise_counts
    from graph.build.reason import materialise_needs

    python, sparql = ox.Store(), ox.Store()
    python.extend(quads)
    sparql.extend(quads)
    materialise(python, graph)
    _sparql_reference(sparql, graph)
    materialise_needs(sparql, graph)
    materialise_counts(sparql, graph)
    got, expected = _graph(python, graph), _graph(sparql, graph)
    assert got == expected, (sorted(map(str, got - expected))[:5], sorted(map(str, expected - got))[:5])
    assert len(got) > 0


def _stated(graph: str, extra: list[ox.Quad] | None = None) -> list[ox.Quad]:
    from graph.build.pipeline import build_dataset
    from graph.config import Settings

    memory, _index, _ex = build_dataset(Settings())
    return [q for q in memory if q.graph_name != ox.NamedNode(graph)] + (extra or [])


def test_fixpoint_equals_the_sparql_rules_on_the_sources_and_a_synthetic_corpus() -> None:
    from bench.synthetic import generate
    from graph.vocab import inferred_graph

    graph = inferred_graph()
    sources = _stated(graph)
    _same_inferences(sources, graph)
    _same_inferences(sources + list(generate(40)), graph)


def test_fixpoint_equals_the_sparql_rules_when_reasoning_again() -> None:
    # an ingest reasons again over a store whose inferred graph is already full, with new facts beside it
    store = _store()
    materialise(store, "urn:inferred")
    store.add(ox.Quad(ox.NamedNode("urn:task2"), ox.NamedNode(POL + "dependsOn"), ox.NamedNode("urn:port"),
                      ox.NamedNode("urn:g2")))
    store.add(ox.Quad(ox.NamedNode("urn:task"), ox.NamedNode(POL + "dependsOn"), ox.NamedNode("urn:system"),
                      ox.NamedNode("urn:g2")))  # now stated: no longer 'inferred'
    _same_inferences(list(store), "urn:inferred")
    materialise(store, "urn:inferred")
    assert _inferred(store, "urn:task", POL + "dependsOn") == {"urn:port"}
    assert _inferred(store, "urn:task2", POL + "dependsOn") == {"urn:system"}


# --- the build's path: reasoning on the quads as they flow to the on-disk store ------------------------------

def _streamed(quads: list[ox.Quad], graph: str) -> set[ox.Quad]:
    # as `policykg build` writes a store: the streamed quads into the loader, then the counts on what was written
    from graph.build.reason import after_materialised, materialised, rules_of

    store = ox.Store()
    store.bulk_extend(materialised(quads, graph, *rules_of(quads)))
    after_materialised(store, graph)
    return set(store)


def _in_memory(quads: list[ox.Quad], graph: str) -> set[ox.Quad]:
    store = ox.Store()
    store.extend(quads)
    materialise(store, graph)
    return set(store)


def test_streamed_reasoning_gives_the_store_materialise_leaves() -> None:
    from bench.synthetic import generate
    from graph.vocab import inferred_graph

    graph = inferred_graph()
    stated = _stated(graph, list(generate(40)))
    got = _streamed(stated, graph)
    assert got == _in_memory(stated, graph)
    assert any(q.predicate.value == POL + "dependantIndex" for q in got)


def test_streamed_reasoning_over_a_store_already_reasoned() -> None:
    # an earlier run's inferred graph among the quads: reasoned on, stale facts and the dependency model redone
    store = _store()
    materialise(store, "urn:inferred")
    store.add(ox.Quad(ox.NamedNode("urn:task"), ox.NamedNode(POL + "dependsOn"), ox.NamedNode("urn:system"),
                      ox.NamedNode("urn:g2")))  # now stated: no longer 'inferred'
    quads = list(store)
    got = _streamed(quads, "urn:inferred")
    assert got == _in_memory(quads, "urn:inferred")
    assert ox.Quad(ox.NamedNode("urn:task"), ox.NamedNode(POL + "dependsOn"), ox.NamedNode("urn:system"),
                   ox.NamedNode("urn:inferred")) not in got


def test_streamed_reasoning_refuses_an_axiom_the_rules_were_not_read_from() -> None:
    import pytest

    from graph.build.reason import materialised, rules_of

    quads = list(_store())
    rules, axioms = rules_of(quads)
    extra = ox.Quad(ox.NamedNode(POL + "concerns"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"),
                    ox.NamedNode(POL + "mentions"), ox.NamedNode("urn:g"))
    with pytest.raises(ValueError, match="axiom"):
        list(materialised([*quads, extra], "urn:inferred", rules, axioms))
