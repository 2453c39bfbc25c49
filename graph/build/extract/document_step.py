"""The document step: the title block, the end (signature, recipients) and every citation of a source."""

from __future__ import annotations

from dataclasses import replace

from graph.build.extract import ExtractionContext
from graph.build.extract.citations import CitationReader, load_citation_cues
from graph.build.extract.title_block import TitleBlockReader, load_title_block_words
from graph.build.model import Citation, DocumentRecord, DocumentRef, Extraction, Parsed


def read_document(extraction: Extraction, ctx: ExtractionContext) -> None:
    extraction.document = document_record(extraction.parsed, ctx)


def document_record(parsed: Parsed, ctx: ExtractionContext) -> DocumentRecord:
    """What ``parsed`` says about itself and the documents it cites."""
    block = _title_reader(ctx).read(parsed)
    record = DocumentRecord(ref=block.ref, signer=block.signer, signer_role=block.signer_role,
                            recipients=block.recipients)
    record.jurisdiction = block.province.name if block.province else None
    record.jurisdiction_evidence = block.province_evidence
    record.jurisdiction_rule = block.province_rule
    record.parent = block.parent
    record.number_blank = block.number_blank
    record.header_end, record.opening_end = block.header_end, block.opening_end
    record.citations = _citation_reader(ctx).read(parsed, block.ref, block.header_end, block.opening_end)
    locality = ctx.bodies.locality_of(block.ref.issuer)
    if locality:  # 'của HĐND phường' in a ward's document: that ward's HĐND
        record.citations = [_localised(c, locality, ctx) for c in record.citations]
    return record


def _localised(citation: Citation, locality: str, ctx: ExtractionContext) -> Citation:
    def fix(ref: DocumentRef | None) -> DocumentRef | None:
        if ref is None or not ref.issuer:
            return ref
        return replace(ref, issuer=ctx.bodies.localise(ref.issuer, locality))

    return replace(citation, cited=fix(citation.cited), citing=fix(citation.citing))


def _title_reader(ctx: ExtractionContext) -> TitleBlockReader:
    reader = ctx.extra.get("title_block")
    if reader is None:
        reader = TitleBlockReader(ctx.document_types, ctx.agencies, ctx.provinces, ctx.bodies,
                                  load_title_block_words(ctx.data_file("title_block.yaml")))
        ctx.extra["title_block"] = reader
    return reader  # type: ignore[return-value]


def _citation_reader(ctx: ExtractionContext) -> CitationReader:
    reader = ctx.extra.get("citations")
    if reader is None:
        reader = CitationReader(ctx.document_types, ctx.agencies,
                                load_citation_cues(ctx.data_file("citation_cues.yaml")), ctx.bodies)
        ctx.extra["citations"] = reader
    return reader  # type: ignore[return-value]


__all__ = ["read_document"]
