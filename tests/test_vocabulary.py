"""Every term of our namespace that the data uses is declared in the ontology, and the data conforms."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

from graph.config import PROJECT_ROOT
from graph.query.validate import validate_store
from graph.store import OxigraphStore

POL = "https://w3id.org/policykg/ont#"


def test_data_uses_only_declared_terms(store: OxigraphStore) -> None:
    ontology = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / "pol.ttl")
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(POL)}
    used = set()
    for quad in store.quads():
        for term in (quad.predicate, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(POL):
                used.add(term.value)
    assert used - declared == set()


def test_built_graph_conforms_to_the_shapes(store: OxigraphStore) -> None:
    conforms, text = validate_store(store, PROJECT_ROOT / "ontology" / "shapes.ttl",
                                    PROJECT_ROOT / "ontology" / "pol.ttl")
    assert conforms, text[:3000]
