"""Plain data passed between the pipeline stages (no RDF here).

Extractors read a :class:`Parsed` source and return these records; the resolver
turns names into identities; the emitter turns the records into RDF. Every record
that states a fact carries the :class:`Evidence` for it: the source, the exact
quote and its character offsets into the normalised text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from graph.build.iris import slug
from graph.build.normalise import NormalisedText
from graph.build.sources import Source

STATED, RULE, CURATED = "stated", "rule", "curated"


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: ``text.text[start:end] == quote`` in source ``source``."""

    source: str
    start: int
    end: int
    quote: str
    method: str = STATED
    cue: str | None = None
    rule: str | None = None
    used: tuple[Evidence, ...] = ()

    def with_method(self, method: str, *, cue: str | None = None, rule: str | None = None,
                    used: tuple[Evidence, ...] = ()) -> Evidence:
        return Evidence(self.source, self.start, self.end, self.quote, method, cue, rule, used)


@dataclass(frozen=True)
class Parsed:
    """A source after normalisation: what every extractor reads."""

    source: Source
    text: NormalisedText

    @property
    def key(self) -> str:
        return self.source.key

    @cached_property
    def blocks(self) -> tuple:  # tuple[graph.build.segment.Block, ...]
        """The outline (headings, numbered and lettered items, bullets), segmented once for every step."""
        from graph.build.segment import segment

        return tuple(segment(self.text))

    def evidence(self, start: int, end: int, **kw: object) -> Evidence:
        """Evidence for ``text[start:end]`` with surrounding whitespace trimmed."""
        raw = self.text.text
        while start < end and raw[start].isspace():
            start += 1
        while end > start and raw[end - 1].isspace():
            end -= 1
        return Evidence(self.key, start, end, raw[start:end], **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DocumentRef:
    """A document as one passage names it (its own header, or a citation)."""

    type: str  # Vietnamese type word, canonical case: "Nghị quyết", "Kết luận" ...
    number: str | None  # as printed: "11-NQ/TU"
    issued: date | None
    issuer: str | None  # issuing body as printed (resolved to an agency later)
    title: str | None
    evidence: Evidence


@dataclass(frozen=True)
class Citation:
    """``citing`` (the source itself when None) cites or implements ``cited``."""

    cited: DocumentRef
    relation: str  # "cites" | "implements"
    evidence: Evidence
    citing: DocumentRef | None = None


@dataclass(frozen=True)
class NamedRef:
    """A name printed in the text (recipient, signer ...), with its evidence."""

    name: str
    evidence: Evidence


@dataclass
class DocumentRecord:
    """What a source says about itself and the documents it cites."""

    ref: DocumentRef
    signer: NamedRef | None = None
    signer_role: str | None = None
    recipients: list[NamedRef] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    jurisdiction: str | None = None  # the province the document belongs to ('Nghệ An'); None: central/unknown
    jurisdiction_evidence: Evidence | None = None
    jurisdiction_rule: str | None = None  # issuer | place | mentions: where the province was read
    parent: str | None = None  # the parent body over the issuer in the title block ('UBND tỉnh' over a Sở)
    number_blank: bool = False  # the copy prints 'Số:' with the number left blank
    header_end: int = 0  # end of the title block in the text
    opening_end: int = 0  # end of the opening paragraph


@dataclass(frozen=True)
class NodeKey:
    """A reference to a node before IRIs exist: kind + identifying parts."""

    kind: str  # "task" | "entity" | "document" | "goal" | "target" | "agency"
    key: tuple[str, ...]


@dataclass(frozen=True)
class AgencyRef:
    """A body named in a task or list; ``name`` is canonical, ``group`` marks collective phrases."""

    name: str
    printed: str
    evidence: Evidence
    group: bool = False


@dataclass
class Task:
    source: str
    section: str  # as printed: "3.14", "2", "a"; bullets: parent + "-" + ordinal
    kind: str  # task | heading | implementation | appendix_row
    heading: str | None
    text: str
    evidence: Evidence
    lead: list[AgencyRef] = field(default_factory=list)
    cooperating: list[AgencyRef] = field(default_factory=list)
    timeframe: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    parent: str | None = None
    timeframe_evidence: Evidence | None = None  # the time cell / phrase, when it has its own span
    key: str = ""  # unique within its document (the section slug, prefixed where a number repeats)
    # tasks branch: the timeframe read further, and the product cell of a table
    quarter: int | None = None  # the quarter the work is due in ('Quý IV/2026' -> 4)
    month: int | None = None  # the month the work is due in ('tháng 6/2026' -> 6)
    deadline: date | None = None  # 'trước ngày 15/12/2026'
    recurring: bool = False  # 'Thường xuyên', 'Hằng năm', 'Định kỳ …'
    product: str | None = None  # the 'Sản phẩm' cell: what the task delivers ('Kế hoạch của UBND tỉnh')
    product_evidence: Evidence | None = None

    @property
    def node_key(self) -> NodeKey:
        return NodeKey("task", (self.source, self.key or slug(self.section)))


@dataclass
class Goal:
    source: str
    text: str
    year: int | None
    evidence: Evidence


@dataclass
class Target:
    source: str
    indicator: str
    value: Decimal | None  # None: a numbered chỉ tiêu printed without a value
    evidence: Evidence
    number: str | None = None
    upper: Decimal | None = None
    unit: str | None = None
    comparator: str | None = None
    year: int | None = None
    period: str | None = None
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    of: int | None = None  # rank out of N
    task: str | None = None  # section of the task it belongs to, if any
    baseline_of: int | None = None  # baseline rank out of N
    key: str | None = None  # local id within the document (IRI part), set by the targets step
    uncertain: str | None = None  # why the reading is uncertain (no year in the sentence ...)


@dataclass(frozen=True)
class EntityMention:
    """A project, zone or place named in the text, resolved to a canonical name and class."""

    name: str
    cls: str  # Bridge | Railway | Road | Port | ... | Zone | Place
    printed: str
    evidence: Evidence
    known: bool  # True when the gazetteer knows it, False when found by a naming rule
    task: str | None = None  # section of the task whose text holds the mention
    rule: str | None = None  # the naming rule that found it ('head-noun-name', 'head-noun-list' …); None: gazetteer
    listed: bool = False  # a name in a list after its head ('các khu công nghiệp (A, B)'): printed without the head
    whole: tuple[str, str] | None = None  # (class, name) of what it is part of: the known route of a section
    # ('X đoạn Y'), the port of a berth ('Cảng Đông Hồi đã đưa bến số 1 …')


@dataclass(frozen=True)
class Link:
    subject: NodeKey
    predicate: str  # local name in pol:, e.g. "dependsOn", "concerns", "partOf"
    object: NodeKey
    evidence: Evidence


@dataclass
class Extraction:
    """Everything extracted from one source."""

    parsed: Parsed
    document: DocumentRecord
    tasks: list[Task] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    agencies: list[AgencyRef] = field(default_factory=list)
    mentions: list[EntityMention] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
