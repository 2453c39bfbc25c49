"""Small helpers to write quads with pyoxigraph terms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from graph.build.iris import Minter, short_hash
from graph.build.model import CURATED, RULE, STATED, Evidence
from graph.vocab import DCTERMS, FOAF, ORG, POL, PROV, RDF, RDFS, SKOS, XSD  # noqa: F401 (re-exported to emitters)

METHODS = {STATED: POL + "Stated", RULE: POL + "Rule", CURATED: POL + "Curated"}


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def pol(local: str) -> ox.NamedNode:
    return ox.NamedNode(POL + local)


A = ox.NamedNode(RDF + "type")


def lit(value: object, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        if "." not in text:
            text += ".0"
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


class QuadSink:
    """Collects quads for one build; duplicate quads are dropped."""

    def __init__(self, minter: Minter) -> None:
        self.minter = minter
        self._quads: dict[ox.Quad, None] = {}
        self.document_iris: dict[str, str] = {}  # source key -> IRI of the document it holds
        self.bodies: Any = None  # graph.build.emit.bodies.BodyNodes: the one way to name a body

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, graph: str) -> None:
        self._quads[ox.Quad(s, p, o, ox.NamedNode(graph))] = None

    def label(self, s: ox.NamedNode, text: str, graph: str, lang: str = "vi") -> None:
        self.add(s, iri(RDFS + "label"), lit(text, lang), graph)
        self.add(s, iri(SKOS + "prefLabel"), lit(text, lang), graph)

    def evidence(
        self,
        evidence: Evidence,
        subject: ox.NamedNode,
        predicate: ox.NamedNode,
        obj: ox.NamedNode | ox.Literal,
        graph: str,
    ) -> ox.NamedNode:
        """Write the evidence node for the fact (subject, predicate, obj) and return it."""
        node = iri(self.minter.evidence(subject.value, predicate.value, str(obj), evidence.source,
                                        evidence.start, evidence.end, evidence.method))
        add = self.add
        add(node, A, pol("Evidence"), graph)
        add(node, iri(RDF + "subject"), subject, graph)
        add(node, iri(RDF + "predicate"), predicate, graph)
        add(node, iri(RDF + "object"), obj, graph)
        add(subject, pol("evidence"), node, graph)
        add(node, pol("quote"), lit(evidence.quote), graph)
        add(node, pol("startOffset"), lit(evidence.start), graph)
        add(node, pol("endOffset"), lit(evidence.end), graph)
        add(node, pol("sourceText"), iri(self.minter.text(evidence.source)), graph)
        doc = self.document_iris.get(evidence.source)
        if doc:
            add(node, iri(PROV + "wasDerivedFrom"), iri(doc), graph)
        add(node, pol("method"), iri(METHODS[evidence.method]), graph)
        if evidence.cue:
            add(node, pol("cue"), lit(evidence.cue), graph)
        if evidence.rule:
            add(node, pol("rule"), lit(evidence.rule), graph)
        for used in evidence.used:
            used_node = iri(self.minter.iri("excerpt", short_hash(used.source, used.start, used.end, length=16)))
            add(node, pol("usedExcerpt"), used_node, graph)
            add(used_node, A, pol("Excerpt"), graph)
            add(used_node, pol("quote"), lit(used.quote), graph)
            add(used_node, pol("startOffset"), lit(used.start), graph)
            add(used_node, pol("endOffset"), lit(used.end), graph)
            add(used_node, pol("sourceText"), iri(self.minter.text(used.source)), graph)
            add(used_node, pol("method"), iri(METHODS[used.method]), graph)
            used_doc = self.document_iris.get(used.source)
            if used_doc:
                add(used_node, iri(PROV + "wasDerivedFrom"), iri(used_doc), graph)
        return node

    def fact(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, graph: str,
             evidence: Evidence | None) -> None:
        """A triple plus (when given) the evidence for it."""
        self.add(s, p, o, graph)
        if evidence is not None:
            self.evidence(evidence, s, p, o, graph)

    def quads(self) -> Iterable[ox.Quad]:
        return self._quads.keys()

    def __len__(self) -> int:
        return len(self._quads)
