"""Bodies and provinces as RDF: one node per body per province (central bodies once), the 2025 successions.

Every emitter that names a body (issuer, recipient, lead, cooperating) goes through :class:`BodyNodes`, so a
body has one IRI everywhere: ``id/agency/<province>/<name>`` for a provincial or local body,
``id/agency/<name>`` for a central one, ``id/agency/doc-<hash>/<name>`` when the document's province is
unknown (kept apart rather than guessed). Groups ('các sở, ban, ngành') are scoped the same way.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.build.agencies import fold_name
from graph.build.bodies import Body, BodyResolver, load_body_rules
from graph.build.emit.rdf import DCTERMS, PROV, SKOS, A, QuadSink, iri, lit, pol
from graph.build.iris import short_hash, slug
from graph.build.jurisdiction import Province, Provinces
from graph.build.model import Evidence, Extraction

ORG = "http://www.w3.org/ns/org#"


class BodyNodes:
    """Mints and describes body, group and province nodes for one build."""

    def __init__(self, sink: QuadSink, ctx, extractions: list[Extraction]) -> None:  # noqa: ANN001
        self.sink = sink
        self.resolver: BodyResolver = ctx.bodies
        self.provinces: Provinces = ctx.provinces
        self.rules = load_body_rules(ctx.settings.agencies_path)
        self.lexicon = ctx.agencies
        self.province_of: dict[str, Province | None] = {
            ex.parsed.key: self.provinces.get(ex.document.jurisdiction) if ex.document.jurisdiction else None
            for ex in extractions
        }
        self.locality_of: dict[str, str | None] = {
            ex.parsed.key: self.resolver.locality_of(ex.document.ref.issuer) for ex in extractions}
        self.bodies: dict[str, Body] = {}  # IRI -> body
        self.used: dict[str, set[str]] = {}  # IRI -> the source graphs that name the body

    # -- IRIs -------------------------------------------------------------------------------------------------
    def body(self, name: str, source: str) -> Body:
        name = self.resolver.localise(name, self.locality_of.get(source))  # 'Công an phường' of this ward
        return self.resolver.resolve(name, province=self.province_of.get(source), source=source)

    def body_iri(self, body: Body) -> str:
        return self.sink.minter.iri("agency", *self._scope(body.province, body.scope), slug(body.name))

    def province_iri(self, province: Province) -> str:
        return self.sink.minter.iri("province", slug(province.name))

    def _scope(self, province: Province | None, scope: str | None) -> tuple[str, ...]:
        if province is not None:
            return (slug(province.name),)
        if scope:
            return ("doc-" + short_hash(scope, length=8),)
        return ()

    # -- nodes ------------------------------------------------------------------------------------------------
    def agency(self, name: str, printed: str | None, source: str, graph: str,
               evidence: Evidence | None = None) -> ox.NamedNode:
        """The node of the body ``name`` (canonical or printed) named in ``source``."""
        explicit = bool(printed) and self.resolver.split_province(printed)[1] is not None
        b = self.body(printed if explicit else name, source)  # a province printed with the name wins
        node_iri = self.body_iri(b)
        node = iri(node_iri)
        self.sink.add(node, A, pol("Agency"), graph)
        self.sink.label(node, b.label, graph)
        if b.label != b.name:
            self.sink.add(node, iri(SKOS + "altLabel"), lit(b.name, "vi"), graph)
        if b.province is not None:
            self.sink.add(node, pol("jurisdiction"), iri(self.province_iri(b.province)), graph)
        self.sink.add(node, pol("level"), lit(b.level), graph)
        if not b.curated:  # found by its head word; data/agencies.yaml does not know it
            self.sink.fact(node, pol("curationStatus"), pol("Discovered"), graph,
                           evidence.with_method("rule", rule="body-head-word") if evidence else None)
        variant = " ".join((printed or "").split())
        if variant and variant not in (b.name, b.label):  # each source states the spellings it prints
            self.sink.add(node, iri(SKOS + "altLabel"), lit(variant, "vi"), graph)
        self.bodies[node_iri] = b
        self.used.setdefault(node_iri, set()).add(graph)
        return node

    def group(self, phrase: str, source: str, graph: str) -> ox.NamedNode:
        """A collective phrase ('Các sở, ban, ngành') of one document's province: never a body."""
        province = self.province_of.get(source)
        scope = self._scope(province, None if province else source)
        node = iri(self.sink.minter.iri("group", *scope, slug(phrase)))
        self.sink.add(node, A, pol("AgencyGroup"), graph)
        self.sink.label(node, phrase, graph)
        if province is not None:
            self.sink.add(node, pol("jurisdiction"), iri(self.province_iri(province)), graph)
        self.sink.add(node, iri(PROV + "wasDerivedFrom"), iri(self.sink.document_iris.get(source, graph)), graph)
        return node

    # -- once per build ---------------------------------------------------------------------------------------
    def finish(self) -> None:
        """Aliases of curated bodies, province nodes, and the successions between bodies the documents name,
        each in the graph of every source that names the body (so a graph depends on its own source only, and
        an ingest of one document writes the same quads as a build)."""
        entries = {fold_name(e.name): e for e in self.lexicon.entries}
        for node_iri, b in self.bodies.items():
            entry = entries.get(fold_name(b.name))
            for graph in sorted(self.used.get(node_iri, ())):
                if b.province is not None:
                    self._province_node(b.province, graph)
                for alias in entry.aliases if entry else ():
                    if fold_name(alias) != fold_name(entry.name):
                        self.sink.add(iri(node_iri), iri(SKOS + "altLabel"), lit(alias, "vi"), graph)
        for source, p in self.province_of.items():
            if p is not None:
                self._province_node(p, self.sink.minter.graph(source))
        self._successions()

    def _province_node(self, p: Province, graph: str) -> None:
        node = iri(self.province_iri(p))
        self.sink.add(node, A, pol("Province"), graph)
        self.sink.add(node, A, pol("Place"), graph)
        self.sink.label(node, p.label[:1].upper() + p.label[1:], graph)
        self.sink.add(node, iri(SKOS + "altLabel"), lit(p.name, "vi"), graph)
        self.sink.add(node, pol("provinceName"), lit(p.name), graph)
        for alias in p.aliases:
            self.sink.add(node, iri(SKOS + "altLabel"), lit(alias, "vi"), graph)
        successor = self.provinces.successor(p)
        if successor is not None and p.merged_on is not None:
            self._province_node(successor, graph)
            self._succession(node, iri(self.province_iri(successor)), p.merged_on.isoformat(), graph)

    def _successions(self) -> None:
        """'Sở Kế hoạch và Đầu tư tỉnh Nghệ An' -> 'Sở Tài chính tỉnh Nghệ An' from 1 March 2025, in every
        province where a document names the predecessor (and for central bodies once), in that document's graph."""
        for rule in self.rules.successions:
            for pred_iri, pred in list(self.bodies.items()):
                if fold_name(pred.name) != fold_name(rule.predecessor):
                    continue
                succ = Body(self.resolver.resolve(rule.successor, province=pred.province).name, pred.level,
                            pred.province, self.lexicon.canonical(rule.successor) is not None, pred.scope)
                succ_iri = self.body_iri(succ)
                for graph in sorted(self.used.get(pred_iri, ())):
                    node = iri(succ_iri)
                    self.sink.add(node, A, pol("Agency"), graph)
                    self.sink.label(node, succ.label, graph)
                    if succ.province is not None:
                        self.sink.add(node, pol("jurisdiction"), iri(self.province_iri(succ.province)), graph)
                    self.sink.add(node, pol("level"), lit(succ.level), graph)
                    self._succession(iri(pred_iri), node, rule.on.isoformat(), graph, org=True)

    def _succession(self, pred: ox.NamedNode, succ: ox.NamedNode, on: str, graph: str, *, org: bool = False) -> None:
        event = iri(self.sink.minter.iri("succession", short_hash(pred.value, succ.value, on, length=12)))
        self.sink.add(pred, pol("succeededBy"), succ, graph)
        self.sink.add(event, A, pol("Succession"), graph)
        self.sink.add(event, pol("predecessor"), pred, graph)
        self.sink.add(event, pol("successor"), succ, graph)
        self.sink.add(event, iri(DCTERMS + "date"), ox.Literal(on, datatype=iri("http://www.w3.org/2001/XMLSchema#date")),
                      graph)
        if org:
            self.sink.add(event, A, iri(ORG + "ChangeEvent"), graph)
            self.sink.add(event, iri(ORG + "originalOrganization"), pred, graph)
            self.sink.add(event, iri(ORG + "resultingOrganization"), succ, graph)
