"""SHACL validation of the store (pySHACL over an rdflib copy of the data)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from graph.store import OxigraphStore


def store_to_rdflib(store: OxigraphStore) -> rdflib.Graph:
    """The union of all graphs as an rdflib Graph (N-Triples round trip: exact and fast enough)."""
    data = ox.serialize(dict.fromkeys(q.triple for q in store.quads()), format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def validate_store(store: OxigraphStore, shapes: Path, ontology: Path | None = None) -> tuple[bool, str]:
    from pyshacl import validate

    data = store_to_rdflib(store)
    shapes_graph = rdflib.Graph().parse(shapes)
    # the ontology is mixed in so that sh:class pol:Document accepts pol:Conclusion etc.
    ont = rdflib.Graph().parse(ontology) if ontology and ontology.exists() else None
    conforms, _, text = validate(data, shacl_graph=shapes_graph, ont_graph=ont, inference="none",
                                 abort_on_first=False, allow_warnings=True)
    return bool(conforms), str(text)
