"""Stage 4a: extractors. Each reads a :class:`~graph.model.Parsed` source and fills an
:class:`~graph.model.Extraction`; they run in the order of ``STEPS``, so a later step
(links) can use what an earlier one found (tasks, mentions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..agencies import AgencyLexicon, load_lexicon
from ..config import Settings
from ..model import Extraction, Parsed
from .documents import DocumentExtractor, DocumentType, load_document_types
from .links import STEPS_AFTER_TASKS
from .targets import targets_step


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

# Later extraction stages register here, in order.
STEPS: list[Step] = []
STEPS.append(__import__("graph.extract.tasks", fromlist=["extract_tasks"]).extract_tasks)
STEPS.append(targets_step)  # goals and targets (order-free: task links are made at emit time)
STEPS.extend(STEPS_AFTER_TASKS)  # entities, then links (re-run at emit time if tasks came later)


def extract(parsed: Parsed, ctx: ExtractionContext) -> Extraction:
    extraction = Extraction(parsed=parsed, document=ctx.documents.extract(parsed))
    for step in STEPS:
        step(extraction, ctx)
    return extraction
