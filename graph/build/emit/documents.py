"""Documents, their metadata, signers, recipients and citations as RDF."""

from __future__ import annotations

from graph.build.agencies import AgencyLexicon, split_agencies
from graph.build.emit.rdf import DCTERMS, FOAF, PROV, A, QuadSink, iri, lit, pol
from graph.build.extract.doctypes import DocumentTypes
from graph.build.model import Extraction
from graph.build.resolve import DocumentIndex


def emit_sources(sink: QuadSink, extractions: list[Extraction], index: DocumentIndex) -> None:
    """One pol:SourceText per file (the normalised text every offset points into)."""
    for ex in extractions:
        key = ex.parsed.key
        g = sink.minter.graph(key)
        node = iri(sink.minter.text(key))
        sink.add(node, A, pol("SourceText"), g)
        sink.add(node, pol("text"), lit(ex.parsed.text.text), g)
        sink.add(node, pol("fileName"), lit(ex.parsed.source.file_name), g)
        sink.add(node, pol("sha256"), lit(ex.parsed.source.sha256), g)
        sink.add(node, pol("describes"), iri(index.held[key]), g)
        sink.add(iri(index.held[key]), iri(DCTERMS + "source"), node, g)


def emit_documents(
    sink: QuadSink,
    extractions: list[Extraction],
    index: DocumentIndex,
    types: DocumentTypes,
    agencies: AgencyLexicon,
) -> None:
    cls = {t.word: t.cls for t in types.types}
    for node in index.nodes.values():
        graphs = {ev.source for ev in node.mentions} or {node.held_by or ""}
        s = iri(node.iri)
        home = sink.minter.graph(node.held_by) if node.held_by else sink.minter.graph(sorted(graphs)[0])
        first = min(node.mentions, key=lambda e: (e.source != node.held_by, e.source, e.start), default=None)
        sink.fact(s, A, pol(cls.get(node.type, "Document")), home, first)
        sink.add(s, A, pol("Document"), home)
        sink.label(s, node.label(), home)
        sink.add(s, pol("documentType"), lit(node.type, "vi"), home)
        if node.number:
            sink.add(s, pol("documentNumber"), lit(node.number), home)
        if node.held_by:
            sink.add(s, pol("heldInCorpus"), lit(True), home)
        if node.ambiguous:
            sink.add(s, pol("sharesNumber"), lit(True), home)
        dates = node.dates
        if node.issued:
            sink.add(s, iri(DCTERMS + "issued"), lit(node.issued), home)
        elif len(dates) == 1:
            sink.add(s, iri(DCTERMS + "issued"), lit(next(iter(dates))), home)
        if node.year and not node.issued and len(dates) != 1:
            sink.add(s, pol("issuedYear"), lit(node.year), home)
        for printed, ev in node.cited_dates:
            sink.fact(s, pol("citedDate"), lit(printed), sink.minter.graph(ev.source), ev)
        if len(dates) > 1:
            sink.add(s, pol("uncertain"), lit(True), home)
        seen_titles: set[str] = set()
        for title, ev in node.titles:
            if title in seen_titles:
                continue
            seen_titles.add(title)
            p = iri(DCTERMS + "title") if ev.source == node.held_by else pol("citedSubject")
            sink.fact(s, p, lit(title, "vi"), sink.minter.graph(ev.source), ev)
        for issuer, ev in _unique(node.issuers):
            g = sink.minter.graph(ev.source)
            sink.fact(s, pol("issuedBy"), sink.bodies.agency(issuer, None, ev.source, g, ev), g, ev)
        if node.jurisdiction is not None:
            sink.add(s, pol("jurisdiction"), iri(sink.bodies.province_iri(node.jurisdiction)), home)

    for link in index.links:
        g = sink.minter.graph(link.evidence.source)
        sink.fact(iri(link.citing), pol(link.relation), iri(link.cited), g, link.evidence)
        if link.relation == "implements":
            sink.add(iri(link.citing), pol("cites"), iri(link.cited), g)

    for ex in extractions:
        doc = iri(index.held[ex.parsed.key])
        g = sink.minter.graph(ex.parsed.key)
        record = ex.document
        if record.signer:
            person = iri(sink.minter.person(record.signer.name))
            sink.fact(doc, pol("signedBy"), person, g, record.signer.evidence)
            sink.add(person, A, iri(FOAF + "Person"), g)
            sink.add(person, iri(FOAF + "name"), lit(record.signer.name), g)
            sink.label(person, record.signer.name, g)
        if record.signer_role:
            sink.add(doc, pol("signerRole"), lit(record.signer_role, "vi"), g)
        for recipient in record.recipients:
            for ref in split_agencies(recipient.name, recipient.evidence, agencies):
                if ref.group:
                    sink.fact(doc, pol("recipientGroup"), sink.bodies.group(ref.name, ex.parsed.key, g), g,
                              ref.evidence)
                else:
                    sink.fact(doc, pol("recipient"), sink.bodies.agency(ref.name, ref.printed, ex.parsed.key, g,
                                                                           ref.evidence), g,
                              ref.evidence)
        if record.parent:
            sink.add(doc, pol("issuerParent"), sink.bodies.agency(record.parent, None, ex.parsed.key, g,
                                                                  record.ref.evidence), g)
        if record.jurisdiction_evidence is not None and record.jurisdiction:
            province = sink.bodies.provinces.get(record.jurisdiction)
            if province is not None:
                sink.fact(doc, pol("jurisdiction"), iri(sink.bodies.province_iri(province)), g,
                          record.jurisdiction_evidence.with_method(
                              "stated" if record.jurisdiction_rule != "mentions" else "rule",
                              rule="jurisdiction-from-mentions" if record.jurisdiction_rule == "mentions" else None))
        sink.add(doc, iri(PROV + "wasDerivedFrom"), iri(sink.minter.text(ex.parsed.key)), g)


def _unique(pairs: list[tuple[str, object]]) -> list[tuple[str, object]]:
    seen: dict[str, object] = {}
    for name, ev in pairs:
        seen.setdefault(name, ev)
    return list(seen.items())
