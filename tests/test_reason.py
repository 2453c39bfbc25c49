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
