"""What the pages read from the graph: labels, kinds, descriptions, links with their evidence.

One :class:`KnowledgeGraph` wraps the store for the whole app. Labels and kinds of every
node are read once at start-up (they are small next to the graph and every page needs them);
everything else is an indexed lookup per request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.store import PREFIXES

POL = PREFIXES["pol"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
ONTOLOGY_GRAPH = "https://w3id.org/policykg/ont"
RDF_TYPE = RDF + "type"

LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCTERMS + "title")
ALIAS_PREDICATES = (SKOS + "altLabel", SKOS + "hiddenLabel", POL + "documentNumber", SKOS + "notation")

# Kinds, most specific first: the first class a node has decides how it is shown and grouped.
KINDS: list[tuple[str, str, str, str]] = [
    # (class IRI, kind key, Vietnamese name, colour)
    (POL + "Document", "document", "Văn bản", "#4e79a7"),
    (POL + "Target", "target", "Chỉ tiêu", "#f28e2b"),
    (POL + "Goal", "goal", "Mục tiêu", "#ffbe7d"),
    (POL + "Task", "task", "Nhiệm vụ", "#59a14f"),
    (POL + "InfrastructureProject", "project", "Công trình, dự án", "#e15759"),
    (POL + "Zone", "zone", "Khu kinh tế, khu", "#b07aa1"),
    (POL + "Place", "place", "Địa danh", "#9c755f"),
    (POL + "AgencyGroup", "group", "Nhóm cơ quan", "#bab0ac"),
    (POL + "Agency", "agency", "Cơ quan", "#76b7b2"),
    (FOAF + "Person", "person", "Người ký", "#edc948"),
    (POL + "Indicator", "indicator", "Chỉ số", "#ff9da7"),
    (POL + "Evidence", "evidence", "Bằng chứng", "#d3d3d3"),
    (POL + "SourceText", "text", "Văn bản nguồn", "#d3d3d3"),
]
KIND_NAMES = {k: name for _, k, name, _ in KINDS} | {"other": "Khác"}
KIND_COLOURS = {k: colour for _, k, _, colour in KINDS} | {"other": "#cccccc"}
BROWSABLE_KINDS = [k for _, k, _, _ in KINDS if k not in ("evidence", "text")]

# Links that are plumbing, not relations a reader follows in a network.
NOT_RELATIONS = {
    RDF_TYPE, POL + "evidence", POL + "sourceText", POL + "describes", PROV + "wasDerivedFrom", POL + "usedExcerpt",
    DCTERMS + "source", RDFS + "seeAlso", RDF + "subject", RDF + "predicate", RDF + "object",
    "http://data.europa.eu/eli/ontology#cites", POL + "method", RDFS + "isDefinedBy",
}


@dataclass
class Evidence:
    iri: str
    quote: str
    document: str | None = None
    method: str | None = None
    start: int | None = None
    end: int | None = None
    cue: str | None = None
    rule: str | None = None
    page: int | None = None  # the page of the original PDF the quote starts on
    original: str | None = None  # the original file, relative to the sources folder ('originals/….pdf')
    ocr: bool = False  # read by OCR from a scan


# page, original file and OCR mark of an evidence node (graph/build/provenance.py), for the evidence lists
EVIDENCE_ORIGIN = f"""OPTIONAL {{ ?e <{POL}page> ?page }} OPTIONAL {{ ?e <{POL}ocrDerived> ?ocr }}
            OPTIONAL {{ ?e <{POL}sourceText>/<{POL}original>/<{POL}originalPath> ?original }}"""


def _origin(r: dict) -> dict:
    return {"page": int(r["page"].value) if "page" in r else None, "original": _value(r.get("original")),
            "ocr": "ocr" in r and r["ocr"].value == "true"}


@dataclass
class Link:
    predicate: str
    other: ox.NamedNode | ox.BlankNode
    inferred: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    types: list[str]
    kind: str
    labels: list[ox.Literal]
    aliases: list[ox.Literal]
    literals: dict[str, list[ox.Literal]]
    outgoing: dict[str, list[Link]]
    incoming: dict[str, list[Link]]
    own_evidence: list[Evidence]


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


class KnowledgeGraph:
    """Read access for the pages; ``store`` is a :class:`graph.store.OxigraphStore`."""

    def __init__(self, store, base: str) -> None:  # noqa: ANN001 (any graph.store.Store)
        self.store = store
        self.base = base if base.endswith("/") else base + "/"
        self.inferred_graph = self.base + "graph/inferred"
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.kinds: dict[str, str] = {}
        self.inverse: dict[str, str] = {}
        self.reload()

    # -- start-up caches -------------------------------------------------------------------
    def reload(self) -> None:
        self.labels.clear()
        self.aliases.clear()
        self.types.clear()
        predicates = " ".join(f"<{p}>" for p in LABEL_PREDICATES + ALIAS_PREDICATES)
        ranks: dict[tuple[str, str], int] = {}
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o FILTER(isLiteral(?o)) }}"
        for row in self._rows(query):
            s, p, o = row["s"].value, row["p"].value, row["o"]
            if p in LABEL_PREDICATES:
                lang = o.language or ""
                rank = LABEL_PREDICATES.index(p)
                if rank < ranks.get((s, lang), 99):  # skos:prefLabel over rdfs:label over foaf:name …
                    self.labels[s][lang] = o.value
                    ranks[(s, lang)] = rank
            else:
                self.aliases[s].append(o.value)
        for row in self._rows("SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s)) }"):
            self.types[row["s"].value].add(row["t"].value)
        self.kinds = {s: self._kind_of(ts) for s, ts in self.types.items()}
        self.inverse = {}
        for row in self._rows(f"SELECT ?a ?b WHERE {{ ?a <{PREFIXES['owl']}inverseOf> ?b }}"):
            self.inverse[row["a"].value] = row["b"].value
            self.inverse[row["b"].value] = row["a"].value

    @staticmethod
    def _kind_of(types: Iterable[str]) -> str:
        types = set(types)
        for cls, kind, _, _ in KINDS:
            if cls in types:
                return kind
        return "other"

    def _rows(self, sparql: str, bindings: dict | None = None) -> list[dict]:
        return self.store.select(sparql, bindings).rows

    # -- labels -----------------------------------------------------------------------------
    def label(self, iri: str, lang: str = "vi") -> str:
        labels = self.labels.get(iri)
        if labels:
            for key in (lang, "vi", "", "en"):
                if key in labels:
                    return labels[key]
            return next(iter(labels.values()))
        return self.short(iri)

    def short(self, iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and prefix != "id":
                return f"{prefix}:{iri[len(ns):]}"
        if iri.startswith(self.base):
            return iri[len(self.base):]
        return iri

    def kind(self, iri: str) -> str:
        return self.kinds.get(iri, "other")

    def exists(self, iri: str) -> bool:
        if iri in self.types or iri in self.labels:
            return True
        return self.store.ask("ASK { { ?s ?p ?o } UNION { ?o ?p ?s } }", {"s": ox.NamedNode(iri)})

    # -- descriptions -------------------------------------------------------------------------
    def evidence_for(self, subject: str | None, predicate: str | None, obj: str | None) -> list[Evidence]:
        """Evidence nodes for (subject predicate obj); None leaves that position open."""
        bindings = {}
        if subject:
            bindings["s"] = ox.NamedNode(subject)
        if predicate:
            bindings["p"] = ox.NamedNode(predicate)
        if obj:
            bindings["o"] = ox.NamedNode(obj)
        rows = self._rows(f"""SELECT ?e ?s ?p ?o ?quote ?doc ?method ?start ?end ?cue ?rule ?page ?ocr ?original
          WHERE {{
            {"?e <" + RDF + "subject> ?s ." if subject else ""} {"?e <" + RDF + "object> ?o ." if obj else ""}
            ?e <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ; <{POL}quote> ?quote .
            OPTIONAL {{ ?e <{PROV}wasDerivedFrom> ?doc }} OPTIONAL {{ ?e <{POL}method> ?method }}
            OPTIONAL {{ ?e <{POL}startOffset> ?start }} OPTIONAL {{ ?e <{POL}endOffset> ?end }}
            OPTIONAL {{ ?e <{POL}cue> ?cue }} OPTIONAL {{ ?e <{POL}rule> ?rule }} {EVIDENCE_ORIGIN} }}""", bindings)
        out: list[Evidence] = []
        for r in rows:
            out.append(Evidence(
                iri=r["e"].value, quote=r["quote"].value, document=_value(r.get("doc")),
                method=_value(r.get("method")), start=int(r["start"].value) if "start" in r else None,
                end=int(r["end"].value) if "end" in r else None, cue=_value(r.get("cue")),
                rule=_value(r.get("rule")), **_origin(r)))
        return out

    def _evidence_index(self, rows: list[dict], key: str) -> dict[tuple[str, str], list[Evidence]]:
        index: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        for r in rows:
            index[(r["p"].value, r[key].value)].append(Evidence(
                iri=r["e"].value, quote=r["quote"].value, document=_value(r.get("doc")),
                method=_value(r.get("method")), start=int(r["start"].value) if "start" in r else None,
                end=int(r["end"].value) if "end" in r else None, cue=_value(r.get("cue")), **_origin(r)))
        return index

    def describe(self, iri: str) -> Description:
        node = ox.NamedNode(iri)
        out_rows = self._rows("SELECT ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {"s": node})
        in_rows = self._rows("SELECT ?x ?p ?g WHERE { GRAPH ?g { ?x ?p ?s } }", {"s": node})
        # the bound end of the evidence first: Oxigraph joins in the written order
        ev_tail = f"""?e <{RDF}predicate> ?p ; <{POL}quote> ?quote .
            OPTIONAL {{ ?e <{PROV}wasDerivedFrom> ?doc }} OPTIONAL {{ ?e <{POL}method> ?method }}
            OPTIONAL {{ ?e <{POL}startOffset> ?start }} OPTIONAL {{ ?e <{POL}endOffset> ?end }}
            OPTIONAL {{ ?e <{POL}cue> ?cue }} {EVIDENCE_ORIGIN} }}"""
        ev_out = self._evidence_index(self._rows(
            "SELECT ?e ?p ?o ?quote ?doc ?method ?start ?end ?cue ?page ?ocr ?original WHERE { "
            f"?e <{RDF}subject> ?s ; <{RDF}object> ?o . " + ev_tail, {"s": node}), "o")
        ev_in = self._evidence_index(self._rows(
            "SELECT ?e ?p ?x ?quote ?doc ?method ?start ?end ?cue ?page ?ocr ?original WHERE { "
            f"?e <{RDF}object> ?s ; <{RDF}subject> ?x . " + ev_tail, {"s": node}), "x")

        graphs_out: dict[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal], set[str]] = defaultdict(set)
        for r in out_rows:
            graphs_out[(r["p"].value, r["o"])].add(r["g"].value)
        graphs_in: dict[tuple[str, ox.NamedNode | ox.BlankNode], set[str]] = defaultdict(set)
        for r in in_rows:
            graphs_in[(r["p"].value, r["x"])].add(r["g"].value)

        types: list[str] = []
        labels: list[ox.Literal] = []
        aliases: list[ox.Literal] = []
        literals: dict[str, list[ox.Literal]] = defaultdict(list)
        outgoing: dict[str, list[Link]] = defaultdict(list)
        incoming: dict[str, list[Link]] = defaultdict(list)
        for (p, o), graphs in graphs_out.items():
            inferred = graphs == {self.inferred_graph}
            if p == RDF_TYPE:
                if o.value not in types:
                    types.append(o.value)
            elif isinstance(o, ox.Literal):
                if p in LABEL_PREDICATES[:2]:
                    if o not in labels:
                        labels.append(o)
                elif p in (SKOS + "altLabel", SKOS + "hiddenLabel"):
                    aliases.append(o)
                else:
                    literals[p].append(o)
            elif p == POL + "evidence":
                continue
            elif inferred and p in self.inverse:
                continue  # shown once, as the stated link in the other direction
            else:
                outgoing[p].append(Link(p, o, inferred, ev_out.get((p, o.value), [])))
        for (p, x), graphs in graphs_in.items():
            if p in (RDF + "subject", RDF + "object", POL + "evidence"):
                continue
            inferred = graphs == {self.inferred_graph}
            if inferred and p in self.inverse:
                continue
            incoming[p].append(Link(p, x, inferred, ev_in.get((p, x.value), [])))
        for links in list(outgoing.values()) + list(incoming.values()):
            links.sort(key=lambda link: (link.inferred, self.label(link.other.value).lower()))
        own = [e for e in self.evidence_for(iri, RDF_TYPE, None)]
        return Description(iri, types, self._kind_of(types), labels, aliases, dict(literals),
                           dict(outgoing), dict(incoming), own)

    def triples_about(self, iri: str) -> list[ox.Triple]:
        """The RDF twin of an entity page: its statements, links into it, and their evidence nodes."""
        node = ox.NamedNode(iri)
        triples = self.store.construct(f"""CONSTRUCT {{ ?s ?p ?o . ?x ?q ?s . ?e ?ep ?eo . ?o <{RDFS}label> ?ol }}
            WHERE {{ {{ ?s ?p ?o OPTIONAL {{ ?o <{RDFS}label> ?ol }} }}
              UNION {{ ?x ?q ?s FILTER(?q NOT IN (<{RDF}subject>, <{RDF}object>)) }}
              UNION {{ ?e <{RDF}subject> ?s ; ?ep ?eo }} }}""", {"s": node})
        return list(dict.fromkeys(triples))

    # -- statistics --------------------------------------------------------------------------------
    def kind_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for iri, kind in self.kinds.items():
            if iri.startswith(self.base):
                counts[kind] += 1
        return dict(counts)

    def document_links(self, iri: str, d: Description | None = None) -> tuple[list[Link], list[Link]]:
        """(acts on, acted on by): links through pol:cites and its sub-properties, both ways."""
        d = d or self.describe(iri)
        cite_like = self.cite_predicates()
        acts_on = [link for p in cite_like for link in d.outgoing.get(p, [])]
        acted_by = [link for p in cite_like for link in d.incoming.get(p, [])]
        return _dedupe_links(acts_on), _dedupe_links(acted_by)

    def cite_predicates(self) -> list[str]:
        rows = self._rows(f"SELECT DISTINCT ?p WHERE {{ ?p <{RDFS}subPropertyOf>* <{POL}cites> }}")
        preds = [r["p"].value for r in rows]
        # the most specific first, so a link that is both 'implements' and 'cites' shows as 'implements'
        preds.sort(key=lambda p: p == POL + "cites")
        return preds or [POL + "cites"]


def _dedupe_links(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        if link.other.value not in seen:
            seen[link.other.value] = link
    return list(seen.values())
