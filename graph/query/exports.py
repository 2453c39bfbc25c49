"""Exports that need more than the store's own serialiser (JSON-LD with the fixed context)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import rdflib

from graph.config import Settings
from graph.store import OxigraphStore


def jsonld_context(settings: Settings) -> dict:
    path = settings.ontology_dir / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_jsonld(store: OxigraphStore, output: Path, settings: Settings) -> None:
    """JSON-LD (named graphs kept) compacted with the project's fixed context."""
    data = ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="nquads")
    context = jsonld_context(settings).get("@context")
    text = dataset.serialize(format="json-ld", context=context, auto_compact=True) if context else \
        dataset.serialize(format="json-ld")
    output.write_text(text, encoding="utf-8")
