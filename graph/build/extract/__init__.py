"""Stage 4a: extraction steps.

One shared :class:`~graph.build.model.Extraction` flows through every step (no step re-reads the raw input;
the text is normalised and segmented once, in :class:`~graph.build.model.Parsed`). Each step is registered
by name with what it ``requires`` (fields of the extraction an earlier step fills) and what it ``assigns``;
:func:`steps` checks the order instead of assuming it, so adding a step is registering it, not editing
callers. The document's own metadata is a step like the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from graph.build.agencies import AgencyLexicon, load_lexicon
from graph.build.bodies import BodyResolver, load_body_rules
from graph.build.extract.doctypes import DocumentTypes, load_document_types
from graph.build.jurisdiction import Provinces, load_provinces
from graph.build.model import DocumentRecord, DocumentRef, Extraction, Parsed
from graph.config import Settings

# Fields every extraction has before the first step runs.
GIVEN = frozenset({"parsed"})


@dataclass
class ExtractionContext:
    """Curated data the steps share (loaded once per build)."""

    settings: Settings
    extra: dict[str, object] = field(default_factory=dict)

    @cached_property
    def document_types(self) -> DocumentTypes:
        return load_document_types(self.data_file("document_types.yaml"))

    @cached_property
    def agencies(self) -> AgencyLexicon:
        return load_lexicon(self.settings.agencies_path)

    @cached_property
    def provinces(self) -> Provinces:
        return load_provinces(self.data_file("provinces.yaml"))

    @cached_property
    def bodies(self) -> BodyResolver:
        return BodyResolver(self.agencies, self.provinces, load_body_rules(self.settings.agencies_path))

    def data_file(self, name: str) -> Path:
        return self.settings.data_dir / name


StepFunction = Callable[[Extraction, ExtractionContext], None]


@dataclass(frozen=True)
class Step:
    name: str
    run: StepFunction
    requires: frozenset[str]
    assigns: frozenset[str]


_REGISTRY: dict[str, Step] = {}
# The order the steps run in. A step's requirements must be assigned by the steps before it (checked).
ORDER = ("document", "tasks", "targets", "entities", "links")


def step(name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()) -> Callable[
        [StepFunction], StepFunction]:
    """Register an extraction step: ``@step("tasks", requires=("document",), assigns=("tasks", "agencies"))``."""

    def register(fn: StepFunction) -> StepFunction:
        _REGISTRY[name] = Step(name, fn, frozenset(requires), frozenset(assigns))
        return fn

    return register


class StepOrderError(RuntimeError):
    pass


def steps() -> list[Step]:
    """The registered steps in :data:`ORDER`, each checked to find what it requires already assigned."""
    _register_builtin()
    have = set(GIVEN)
    ordered = []
    for name in ORDER:
        s = _REGISTRY[name]
        missing = s.requires - have
        if missing:
            raise StepOrderError(f"extraction step {name!r} needs {sorted(missing)}, assigned by no earlier step")
        have |= s.assigns
        ordered.append(s)
    unknown = set(_REGISTRY) - set(ORDER)
    if unknown:
        raise StepOrderError(f"registered steps not in ORDER: {sorted(unknown)}")
    return ordered


def _register_builtin() -> None:
    """The built-in steps, with what each needs and adds. (Imported here: the step modules import this one.)"""
    if set(ORDER) <= set(_REGISTRY):
        return
    from graph.build.extract.document_step import read_document
    from graph.build.extract.entities import extract_entities
    from graph.build.extract.links import extract_links
    from graph.build.extract.targets import targets_step
    from graph.build.extract.tasks import extract_tasks

    step("document", assigns=("document",))(read_document)
    step("tasks", requires=("document",), assigns=("tasks", "agencies"))(extract_tasks)
    step("targets", requires=("document", "tasks"), assigns=("goals", "targets", "links"))(targets_step)
    step("entities", requires=("tasks",), assigns=("mentions",))(extract_entities)
    step("links", requires=("tasks", "mentions", "targets"), assigns=("links",))(extract_links)


def extract(parsed: Parsed, ctx: ExtractionContext) -> Extraction:
    placeholder = DocumentRecord(ref=DocumentRef("Văn bản", None, None, None, None, parsed.evidence(0, 0)))
    extraction = Extraction(parsed=parsed, document=placeholder)
    for s in steps():
        s.run(extraction, ctx)
    return extraction
