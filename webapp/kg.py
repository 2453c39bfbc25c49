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

from graph.query.lookup import Evidence, evidence_for
from graph.vocab import (  # noqa: F401 (re-exported to the views)
    BROWSABLE_KINDS,
    DCTERMS,
    FOAF,
    KIND_COLOURS,
    KIND_NAMES,
    KINDS,
    ONTOLOGY_GRAPH,
    OWL,
    POL,
    PREFIXES,
    PROV,
    RDF,
    RDF_TYPE,
    RDFS,
    SKOS,
    inferred_graph,
    kind_of,
)

LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCTERMS + "title")
ALIAS_PREDICATES = (SKOS + "altLabel", SKOS + "hiddenLabel", POL + "documentNumber", SKOS + "notation")


# Links that are plumbing, not relations a reader follows in a network.
NOT_RELATIONS = {
    RDF_TYPE, POL + "evidence", POL + "sourceText", POL + "describes", PROV + "wasDerivedFrom", POL + "usedExcerpt",
    DCTERMS + "source", RDFS + "seeAlso", RDF + "subject", RDF + "predicate", RDF + "object",
    "http://data.europa.eu/eli/ontology#cites", POL + "method", RDFS + "isDefinedBy",
    POL + "needs", POL + "leadsTo",  # the dependency closure: every pair, not a relation between neighbours
}
# left out of entity pages: the dependency closure (read through the dependency explorer), and the link from a
# thing's footprint node, which the project_footprint question reads (graph/build/counts.py)
HIDDEN = {POL + "needs", POL + "leadsTo", POL + "footprintOf"}
# links into a node from its evidence nodes (and their documents): read for the links shown, not as links
EVIDENCE_LINKS = frozenset({RDF + "subject", RDF + "object", POL + "evidence"})
LINKS_SHOWN = 50  # incoming links of one predicate on an entity page; the rest is paged
Term = ox.NamedNode | ox.BlankNode | ox.Literal


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
    incoming_totals: dict[str, int] = field(default_factory=dict)  # links per predicate, before the cut
    incoming_offsets: dict[str, int] = field(default_factory=dict)  # where the shown part of each begins
    links_shown: int = 0  # the cut: at most this many links of a group


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


class KnowledgeGraph:
    """Read access for the pages; ``store`` is a :class:`graph.store.OxigraphStore`."""

    def __init__(self, store, base: str) -> None:  # noqa: ANN001 (any graph.store.Store)
        self.store = store
        self.base = base if base.endswith("/") else base + "/"
        self.inferred_graph = inferred_graph(self.base)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.kinds: dict[str, str] = {}
        self.inverse: dict[str, str] = {}
        self._coverage: dict | None = None
        self.reload()

    # -- start-up caches -------------------------------------------------------------------
    def reload(self) -> None:
        self._coverage = None
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
        for row in self._rows(f"SELECT ?a ?b WHERE {{ ?a <{OWL}inverseOf> ?b }}"):
            self.inverse[row["a"].value] = row["b"].value
            self.inverse[row["b"].value] = row["a"].value

    @staticmethod
    def _kind_of(types: Iterable[str]) -> str:
        return kind_of(list(types))

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

    def coverage(self) -> dict:
        """The jurisdictions of the documents held (:func:`graph.query.documents.coverage`), read once per
        store: an ingest makes a new :class:`KnowledgeGraph`."""
        if self._coverage is None:
            from graph.query.documents import coverage

            self._coverage = coverage(self.store)
        return self._coverage

    def exists(self, iri: str) -> bool:
        if iri in self.types or iri in self.labels:
            return True
        return self.store.ask("ASK { { ?s ?p ?o } UNION { ?o ?p ?s } }", {"s": ox.NamedNode(iri)})

    # -- descriptions -------------------------------------------------------------------------
    def _around(self, node: ox.NamedNode, *, incoming: bool) -> list[tuple[str, Term, str]]:
        """(predicate, the other end, graph) of the quads out of (or into) ``node`` a page may show: not the
        dependency closure (``pol:needs``, ``pol:leadsTo``: thousands of pairs on a port, read through the
        explorer), nor the links only inferred through an inverse (shown once, as the
        stated link in the other direction; thousands of inferred ``dependsOn`` into a port, ``isDependencyOf``
        out of it). One query per predicate, each a constant, so those are skipped inside the store."""
        pattern = "?o ?p ?s" if incoming else "?s ?p ?o"
        predicates = [r["p"].value for r in self._rows(
            f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ {pattern} }} }}", {"s": node})]
        out: list[tuple[str, Term, str]] = []
        for p in predicates:
            if p in HIDDEN or (incoming and p in EVIDENCE_LINKS):
                continue
            stated_only = f"FILTER(?g != <{self.inferred_graph}>)" if p in self.inverse else ""
            quad = f"?o <{p}> ?s" if incoming else f"?s <{p}> ?o"
            out += [(p, r["o"], r["g"].value) for r in self._rows(
                f"SELECT ?o ?g WHERE {{ GRAPH ?g {{ {quad} }} {stated_only} }}", {"s": node})]
        return out

    def describe(self, iri: str, *, links: int = LINKS_SHOWN, pages: dict[str, int] | None = None) -> Description:
        """What an entity page shows. Each group of incoming links is sorted (stated first, then by label)
        and cut to ``links`` from the offset ``pages`` gives for its predicate (0 else); its size is in
        ``incoming_totals``. Evidence is read for the links shown only."""
        node = ox.NamedNode(iri)
        pages = pages or {}
        graphs_out: dict[tuple[str, Term], set[str]] = defaultdict(set)
        for p, o, g in self._around(node, incoming=False):
            graphs_out[(p, o)].add(g)
        graphs_in: dict[tuple[str, Term], set[str]] = defaultdict(set)
        for p, x, g in self._around(node, incoming=True):
            graphs_in[(p, x)].add(g)

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
                outgoing[p].append(Link(p, o, inferred))
        for (p, x), graphs in graphs_in.items():
            inferred = graphs == {self.inferred_graph}
            if inferred and p in self.inverse:
                continue
            incoming[p].append(Link(p, x, inferred))
        for group in list(outgoing.values()) + list(incoming.values()):
            group.sort(key=lambda link: (link.inferred, self.label(link.other.value).lower()))
        totals = {p: len(group) for p, group in incoming.items()}
        offsets = {p: min(max(0, pages.get(p, 0)), max(0, totals[p] - 1)) for p in incoming}
        incoming = {p: group[offsets[p]:offsets[p] + links] for p, group in incoming.items()}
        shown = [(link, (iri, link.predicate, link.other.value)) for group in outgoing.values() for link in group]
        shown += [(link, (link.other.value, link.predicate, iri)) for group in incoming.values() for link in group]
        shown = [(link, fact) for link, fact in shown if isinstance(link.other, ox.NamedNode)]
        own_facts = [(iri, RDF_TYPE, t) for t in types]
        evidence = evidence_for(self.store, [fact for _link, fact in shown] + own_facts)
        for link, fact in shown:
            link.evidence = evidence.get(fact, [])
        own = [e for fact in own_facts for e in evidence.get(fact, [])]
        return Description(iri, types, self._kind_of(types), labels, aliases, dict(literals),
                           dict(outgoing), incoming, own, totals, offsets, links)

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


NAMED_PROVINCES = 3  # more than this and the heading counts them, naming the ones with most documents


def coverage_words(cov: dict) -> dict[str, str]:
    """The brand line and the home heading in Vietnamese and English for what the store holds
    (``cov`` from :meth:`KnowledgeGraph.coverage`): its provinces and central bodies. Used by the pages' header
    and home heading and by the DCAT catalogue."""
    names = [name for _iri, name, _n in cov["provinces"]]
    central = cov["central"] > 0
    if len(names) > NAMED_PROVINCES:
        shown = ", ".join(names[:NAMED_PROVINCES]) + "…"
        vi_places = [f"{len(names)} tỉnh, thành phố ({shown})"]
        en_places = [f"{len(names)} provinces and cities ({shown})"]
        brand = [f"{len(names)} tỉnh, thành"]
    else:
        vi_places = en_places = brand = list(names)
    if central:
        vi_places, en_places, brand = (vi_places + ["các cơ quan trung ương"], en_places + ["central bodies"],
                                       brand + ["Trung ương"])

    def join(parts: list[str], word: str) -> str:
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {word} " + parts[-1]

    return {"brand": " · ".join(brand),
            "vi": "Đồ thị tri thức văn bản chính sách" + (f" của {join(vi_places, 'và')}" if vi_places else ""),
            "en": "A knowledge graph of policy documents" + (f" of {join(en_places, 'and')}" if en_places else "")}
