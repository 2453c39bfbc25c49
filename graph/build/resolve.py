"""Stage 4: decide which names are the same thing across all sources.

Documents: a document is identified by type + number + year + the province of its issuer (full
date and issuer name are recorded but do not split nodes, so a citation that misprints a date stays on
the same node and the conflict stays visible). A number whose issuer code is central ('29-NQ/TW',
'30/2020/NĐ-CP') is one document everywhere; a provincial one ('12-NQ/TU', '57/KH-UBND') belongs to the
province of the document that prints or cites it, so Nghệ An's 12-NQ/TU is not Hà Tĩnh's.
A citation without a date goes to the document with that number that the same source last cited with a date, or to
the only document with that number; if that is ambiguous it is kept apart and
reported. Documents without a printed number are identified by their source file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from graph.build.bodies import BodyResolver
from graph.build.extract.numbering import codes, number_key
from graph.build.iris import Minter, short_hash, slug
from graph.build.jurisdiction import Province, Provinces
from graph.build.model import Citation, DocumentRef, Evidence, Extraction


@dataclass
class DocumentNode:
    iri: str
    type: str
    number: str | None
    year: int | None
    held_by: str | None = None  # source key of the file that is this document
    issued: date | None = None  # from the document's own header
    cited_dates: list[tuple[date, Evidence]] = field(default_factory=list)
    issuers: list[tuple[str, Evidence]] = field(default_factory=list)
    titles: list[tuple[str, Evidence]] = field(default_factory=list)
    mentions: list[Evidence] = field(default_factory=list)
    ambiguous: bool = False
    jurisdiction: Province | None = None

    @property
    def dates(self) -> set[date]:
        found = {d for d, _ in self.cited_dates}
        if self.issued:
            found.add(self.issued)
        return found

    def label(self) -> str:
        if self.number:
            return f"{self.type} số {self.number}"
        title = self.titles[0][0] if self.titles else None
        return f"{self.type} {title}" if title else f"{self.type} (không số)"


@dataclass
class CitationLink:
    citing: str  # IRI
    cited: str  # IRI
    relation: str
    evidence: Evidence


@dataclass
class DocumentIndex:
    nodes: dict[str, DocumentNode]  # by IRI
    held: dict[str, str]  # source key -> IRI
    links: list[CitationLink]
    unresolved: list[tuple[DocumentRef, str]]  # (reference, reason)


@dataclass
class DocumentScope:
    """Which province a document number belongs to (None: a central document, one node everywhere)."""

    bodies: BodyResolver
    provinces: Provinces
    province_of: dict[str, Province | None] = field(default_factory=dict)  # source key -> its province

    def of(self, ref: DocumentRef, source: str) -> tuple[str | None, Province | None]:
        """(scope key, province) of a document printed or cited in ``source``."""
        here = self.province_of.get(source)
        if ref.issuer:
            body = self.bodies.resolve(ref.issuer, province=here, source=source)
            if body.level == "central":
                return None, None
            if body.province is not None:
                return body.province.name, body.province
        if ref.number:
            c = codes(ref.number)
            if any(self.bodies.rules.central_code(code) for code in c.issuer_codes[:1]):
                return None, None
        if here is not None:
            return here.name, here
        return f"?{source}", None


def _key(ref: DocumentRef, year: int | None, scope: str | None) -> tuple[str, str, int | None, str | None]:
    return (ref.type, number_key(ref.number or ""), year, scope)


def resolve_documents(extractions: list[Extraction], minter: Minter,
                      scope: DocumentScope | None = None) -> DocumentIndex:
    nodes: dict[tuple[str, str, int | None, str | None], DocumentNode] = {}
    by_iri: dict[str, DocumentNode] = {}
    held: dict[str, str] = {}
    current: dict[str, str] = {"source": ""}  # the source whose citations are being resolved

    def node_for(ref: DocumentRef, year: int | None, source: str | None = None) -> DocumentNode:
        where, province = scope.of(ref, source or current["source"]) if scope else (None, None)
        if ref.number:
            key = _key(ref, year, where)
            local = slug(f"{ref.type} {ref.number}") + (f"-{year}" if year else "")
            if where is not None:  # doc/<province>/<type-number-year>; a central document has no province part
                local = (slug(where) if province is not None else "doc-" + short_hash(where, length=8)) + "/" + local
        else:
            key = (ref.type, f"held:{source}", None, None)
            issuer = slug(ref.issuer or "", 40)
            by = f"-{issuer}" if issuer and issuer != "x" else ""
            local = f"{slug(ref.type)}{by}-{short_hash(source, length=8)}"
        node = nodes.get(key)
        if node is None:
            node = DocumentNode(minter.iri("doc", local), ref.type, ref.number, year, jurisdiction=province)
            nodes[key] = node
            by_iri[node.iri] = node
        return node

    def record(node: DocumentNode, ref: DocumentRef, own: bool) -> None:
        node.mentions.append(ref.evidence)
        if ref.issued:
            if own:
                node.issued = ref.issued
            else:
                node.cited_dates.append((ref.issued, ref.evidence))
        if ref.issuer:
            node.issuers.append((ref.issuer, ref.evidence))
        if ref.title:
            node.titles.append((ref.title, ref.evidence))

    # 1. the documents the sources are, then every dated citation (these fix the identities)
    for ex in extractions:
        own = ex.document.ref
        node = node_for(own, own.issued.year if own.issued else None, ex.parsed.key)
        node.held_by = ex.parsed.key
        held[ex.parsed.key] = node.iri
        record(node, own, own=True)
    for ex in extractions:
        current["source"] = ex.parsed.key
        for c in _all_refs(ex.document.citations):
            if c.number and c.issued:
                node_for(c, c.issued.year)

    years_by_number: dict[tuple[str, str, str | None], set[int | None]] = defaultdict(set)
    for t, n, y, w in nodes:
        if n and not n.startswith("held:"):
            years_by_number[(t, n, w)].add(y)

    links: list[CitationLink] = []
    unresolved: list[tuple[DocumentRef, str]] = []
    for ex in extractions:
        current["source"] = ex.parsed.key
        source_iri = held[ex.parsed.key]
        last_year: dict[tuple[str, str, str | None], int] = {}
        own_number = ex.document.ref.number
        for citation in sorted(ex.document.citations, key=lambda c: c.evidence.start):
            resolved: list[str] = []
            for ref in (citation.citing, citation.cited):
                if ref is None:
                    resolved.append(source_iri)
                    continue
                where = scope.of(ref, ex.parsed.key)[0] if scope else None
                iri_ = _resolve_ref(ref, where, last_year, years_by_number, node_for, unresolved)
                if iri_ is None:
                    break
                if ref is citation.cited or citation.citing is not None:
                    record(by_iri[iri_], ref, own=False)
                resolved.append(iri_)
            if len(resolved) != 2 or resolved[0] == resolved[1]:
                continue
            if own_number and number_key(citation.cited.number or "") == number_key(own_number) and \
                    resolved[0] == source_iri:
                continue
            links.append(CitationLink(resolved[0], resolved[1], citation.relation, citation.evidence))
    for node in by_iri.values():
        where = node.jurisdiction.name if node.jurisdiction else None
        if node.number and not node.held_by and len(
                years_by_number.get((node.type, number_key(node.number), where), ())) > 1:
            node.ambiguous = True  # shares its number with another document: say so in the report
    return DocumentIndex(by_iri, held, links, unresolved)


def _all_refs(citations: list[Citation]) -> list[DocumentRef]:
    refs = []
    for c in citations:
        refs.append(c.cited)
        if c.citing is not None:
            refs.append(c.citing)
    return refs


def _resolve_ref(ref, where, last_year, years_by_number, node_for, unresolved) -> str | None:  # noqa: ANN001
    number_key_ = (ref.type, number_key(ref.number or ""), where)
    if ref.issued:
        last_year[number_key_] = ref.issued.year
        return node_for(ref, ref.issued.year).iri
    if number_key_ in last_year:
        return node_for(ref, last_year[number_key_]).iri
    years = years_by_number.get(number_key_, set())
    if len(years) == 1:
        return node_for(ref, next(iter(years))).iri
    if not years:
        return node_for(ref, None).iri
    unresolved.append((ref, f"{len(years)} documents share the number {ref.number}; no date in this citation"))
    return None
