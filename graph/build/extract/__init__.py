"""Stage 4a: extractors. Each reads a :class:`~graph.build.model.Parsed` source and fills an
:class:`~graph.build.model.Extraction`; they run in the order of :func:`steps`, so a later step
(links) can use what an earlier one found (tasks, mentions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from graph.build.agencies import AgencyLexicon, load_lexicon
from graph.build.extract.documents import DocumentExtractor, DocumentType, load_document_types
from graph.build.model import Extraction, Parsed
from graph.config import Settings


@dataclass
class ExtractionContext:
    """Curated data the extractors share (loaded once per build)."""

    settings: Settings
    extra: dict[str, object] = field(default_factory=dict)

    @cached_property
    def document_types(self) -> tuple[DocumentType, ...]:
        return load_document_types(self.settings.data_dir / "document_types.yaml")

    @cached_property
    def agencies(self) -> AgencyLexicon:
        return load_lexicon(self.settings.agencies_path)

    @cached_property
    def documents(self) -> DocumentExtractor:
        return DocumentExtractor(self.document_types, self.agencies)

    def data_file(self, name: str) -> Path:
        return self.settings.data_dir / name


Step = Callable[[Extraction, ExtractionContext], None]


def steps() -> list[Step]:
    """The extraction steps, in order: tasks and agencies, goals and targets, entities, links.

    (Imported here, not at module level: the step modules use :class:`ExtractionContext`.)
    """
    from graph.build.extract.entities import extract_entities
    from graph.build.extract.links import extract_links
    from graph.build.extract.targets import targets_step
    from graph.build.extract.tasks import extract_tasks

    return [extract_tasks, targets_step, extract_entities, extract_links]


def extract(parsed: Parsed, ctx: ExtractionContext) -> Extraction:
    extraction = Extraction(parsed=parsed, document=ctx.documents.extract(parsed))
    for step in steps():
        step(extraction, ctx)
    return extraction
