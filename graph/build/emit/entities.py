"""Projects, zones and places, the gazetteer as SKOS, and the links of graph/extract/links.py as RDF.

* The gazetteer goes to the curated graph (``id/graph/gazetteer``): each entry is a ``skos:Concept`` in the
  scheme ``id/scheme/gazetteer`` with ``skos:prefLabel``/``rdfs:label`` (@vi, and @en where curated),
  ``skos:altLabel`` for its aliases, ``a pol:<Class>``, and its curated ``pol:partOf`` / ``pol:locatedIn`` /
  ``pol:connects`` / ``pol:dependsOn`` facts. Curated facts carry a ``pol:Evidence`` with ``pol:method
  pol:Curated``, ``prov:wasDerivedFrom`` the gazetteer and (for dependsOn) the curator's note as
  ``rdfs:comment``.
* Every mention goes to its source's graph: ``a pol:<Class>`` and ``pol:mentionedIn`` the document, each with
  the mention's evidence (quote and offsets), ``prov:wasDerivedFrom`` the document, the printed form as
  ``skos:altLabel`` when it differs from the canonical name, and labels for names the gazetteer lacks.
* A thing the gazetteer lacks (found by a naming rule of graph/build/extract/entities.py) is marked
  ``pol:curationStatus pol:Discovered``, with rule evidence naming the rule and quoting the sentence; a name
  that matches a gazetteer name or alias is the gazetteer's node and is not marked.
* Every link is written with ``sink.fact`` so it carries its evidence (stated + cue, rule + used, …).

IRIs: ``id/zone/<slug>``, ``id/place/<slug>``, ``id/project/<slug>`` from the canonical name (one node per
real thing across documents); tasks ``id/task/<document slug>/<section slug>`` as the tasks emitter mints them.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.build.emit.rdf import PROV, RDF, RDFS, SKOS, A, QuadSink, iri, lit, pol
from graph.build.extract import ExtractionContext
from graph.build.extract.entities import gazetteer
from graph.build.iris import Minter, slug
from graph.build.model import RULE, Extraction, NodeKey
from graph.build.resolve import DocumentIndex

GAZETTEER_SOURCE = "data/gazetteer.yaml"


def entity_iri(minter: Minter, cls: str, name: str) -> str:
    return minter.iri({"Zone": "zone", "Place": "place"}.get(cls, "project"), slug(name))


def task_iri(minter: Minter, index: DocumentIndex, source: str, key: str) -> str:
    """The IRI the tasks emitter mints for the task with ``key`` (Task.key) in ``source``."""
    return minter.under("task", index.held[source], key)


def _node(minter: Minter, index: DocumentIndex, key: NodeKey) -> ox.NamedNode:
    if key.kind == "task":
        return iri(task_iri(minter, index, *key.key))
    if key.kind == "entity":
        return iri(entity_iri(minter, *key.key))
    raise ValueError(f"unknown node kind {key.kind}")


def _curated(sink: QuadSink, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal,
             note: str | None = None) -> None:
    graph = sink.minter.curated_graph()
    sink.add(s, p, o, graph)
    node = iri(sink.minter.evidence("curated", s.value, p.value, str(o)))
    sink.add(node, A, pol("Evidence"), graph)
    sink.add(node, iri(RDF + "subject"), s, graph)
    sink.add(node, iri(RDF + "predicate"), p, graph)
    sink.add(node, iri(RDF + "object"), o, graph)
    sink.add(node, pol("method"), pol("Curated"), graph)
    sink.add(node, iri(PROV + "wasDerivedFrom"), iri(sink.minter.iri("dataset", "gazetteer")), graph)
    if note:
        sink.add(node, iri(RDFS + "comment"), lit(note, "en"), graph)
    sink.add(s, pol("evidence"), node, graph)


def emit_entities(sink: QuadSink, extractions: list[Extraction], index: DocumentIndex,
                  ctx: ExtractionContext) -> None:
    minter = sink.minter
    gaz = gazetteer(ctx)
    cg = minter.curated_graph()
    scheme = iri(minter.iri("scheme", "gazetteer"))
    sink.add(scheme, A, iri(SKOS + "ConceptScheme"), cg)
    sink.label(scheme, "Danh mục công trình, khu và địa danh", cg)
    sink.label(scheme, "Gazetteer of projects, zones and places", cg, "en")
    dataset = iri(minter.iri("dataset", "gazetteer"))
    sink.add(dataset, A, iri(PROV + "Entity"), cg)
    sink.add(dataset, iri(RDFS + "label"), lit(GAZETTEER_SOURCE), cg)

    for e in gaz.entries:
        node = iri(entity_iri(minter, e.cls, e.name))
        sink.add(node, A, iri(SKOS + "Concept"), cg)
        sink.add(node, iri(SKOS + "inScheme"), scheme, cg)
        _curated(sink, node, A, pol(e.cls))
        sink.label(node, e.name, cg)
        if e.en:
            sink.label(node, e.en, cg, "en")
        for alias in (*e.aliases, *e.contextual):
            if alias != e.name:
                sink.add(node, iri(SKOS + "altLabel"), lit(alias, "vi"), cg)
        for link in e.links:
            target = gaz.by_name[link.object]
            _curated(sink, node, pol(link.predicate), iri(entity_iri(minter, target.cls, target.name)), link.note)

    for ex in extractions:
        source = ex.parsed.key
        g = minter.graph(source)
        doc = iri(index.held[source])
        for m in ex.mentions:
            node = iri(entity_iri(minter, m.cls, m.name))
            sink.fact(node, A, pol(m.cls), g, m.evidence)
            sink.fact(node, pol("mentionedIn"), doc, g, m.evidence)
            sink.add(node, iri(PROV + "wasDerivedFrom"), doc, g)
            if not m.known:
                sink.label(node, m.name, g)
                sink.add(node, A, iri(SKOS + "Concept"), g)
                # found by a naming rule: marked discovered, with the rule and the sentence as evidence
                sink.fact(node, pol("curationStatus"), pol("Discovered"), g,
                          m.evidence.with_method(RULE, rule=m.rule or "head-noun-name", used=(m.evidence,)))
            if m.printed != m.name and not m.listed:  # a listed name is printed without its head ('Nam Cấm')
                sink.add(node, iri(SKOS + "altLabel"), lit(" ".join(m.printed.split()), "vi"), g)

    for ex in extractions:
        g = minter.graph(ex.parsed.key)
        for link in ex.links:
            if link.subject.kind == "task" and link.subject.key[0] not in index.held:
                continue
            if link.object.kind == "target":
                continue  # task -> target: the targets emitter writes it
            s = _node(minter, index, link.subject)
            o = _node(minter, index, link.object)
            sink.fact(s, pol(link.predicate), o, g, link.evidence)
