"""Score the real extraction against hand-written gold: precision and recall per field and per document.

A corpus directory holds ``dev/`` and/or ``heldout/`` (or is itself one split), each with ``<id>.txt`` (what a
PDF text layer gives) and ``<id>.yaml`` (its gold; the schema is ``tests/corpus/README.md``). Every text is run
through the same stages a build runs (``read_source -> normalise -> extract``), then each field is compared
with the gold.

Every field keeps a :class:`Tally` of five outcomes:

- ``right``: gold has a value and the extraction has the same one;
- ``wrong``: both have a value and they differ (it counts against precision and recall);
- ``missed``: gold has a value, the extraction none (or the item it belongs to was not found);
- ``spurious``: the extraction has a value the gold does not (a number for a blank draft, an extra task);
- ``empty``: neither has one (counts only in ``accuracy``).

Set fields (citations, implements, tasks, targets, entities, agencies, recipients) count found items as
``right``, gold items not found as ``missed`` and extracted items matching no gold item as ``spurious``.
Attributes of items (``tasks.lead``, ``citations.issued`` …) are counted over the gold items: an item that was
not found misses its attributes, so ``tasks.lead`` recall is "lead right, of the gold tasks that print one".

Hard checks count errors that must never happen (``HARD_CHECKS``): the document citing itself, a task made
from a recipient line, a task or entity the gold lists under ``not:``, a date or number for a document that
prints none, a date taken from a cited document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from graph.build.agencies import AgencyLexicon, fold_name, load_lexicon, split_agencies
from graph.build.model import Extraction, Parsed
from graph.config import Settings
from graph.text import fold, fold_chars

SPLITS = ("dev", "heldout")

DOCUMENT_FIELDS = ("type", "number", "issued", "issuer", "parent", "subject", "signer", "signer_role",
                   "province")
FIELDS = (
    *(f"document.{f}" for f in DOCUMENT_FIELDS), "document.recipients",
    "citations", "citations.type", "citations.issued", "citations.issuer", "citations.relation", "implements",
    "tasks", "tasks.lead", "tasks.cooperating", "tasks.timeframe", "tasks.start_year", "tasks.end_year",
    "tasks.deadline",
    "targets", "targets.value_year", "targets.comparator", "targets.unit",
    "entities", "entities.class",
    "agencies", "agencies.province",
)
HARD_CHECKS = {
    "self_citation": "a citation of the document's own number",
    "recipient_task": "a task made from a 'Nơi nhận' / 'Kính gửi' line",
    "not_task": "a task matching the gold's not.tasks",
    "not_entity": "an entity matching the gold's not.entities",
    "number_not_printed": "a number for a document that prints none",
    "date_not_printed": "a date for a document whose date is blank or absent",
    "date_from_citation": "the document's date is a cited document's date",
}
# The compact per-document table: (column, field, metric)
SUMMARY_COLUMNS = (
    ("number", "document.number", "accuracy"), ("issuer", "document.issuer", "accuracy"),
    ("prov", "document.province", "accuracy"), ("cit R", "citations", "recall"),
    ("cit P", "citations", "precision"), ("impl", "implements", "f1"), ("task R", "tasks", "recall"),
    ("task P", "tasks", "precision"), ("lead", "tasks.lead", "recall"), ("targ", "targets.value_year", "recall"),
    ("ent R", "entities", "recall"), ("ent P", "entities", "precision"), ("agency", "agencies", "f1"),
)
METRICS = ("precision", "recall", "f1", "accuracy")


class CorpusError(ValueError):
    """A corpus that cannot be scored (the message names the file and why); nothing is written."""


# -- tallies -------------------------------------------------------------------------------------------------
@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    spurious: int = 0
    empty: int = 0

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.missed += other.missed
        self.spurious += other.spurious
        self.empty += other.empty

    def record(self, gold: object, got: object, same: bool) -> None:
        """One comparison: ``gold``/``got`` are falsy when absent, ``same`` tells whether they agree."""
        if _present(gold):
            if not _present(got):
                self.missed += 1
            elif same:
                self.right += 1
            else:
                self.wrong += 1
        elif _present(got):
            self.spurious += 1
        else:
            self.empty += 1

    def miss(self, gold: object) -> None:
        """The item this value belongs to was not found: a gold value is missed, an empty one tells nothing."""
        if _present(gold):
            self.missed += 1

    @property
    def cases(self) -> int:
        return self.right + self.wrong + self.missed + self.spurious + self.empty

    @property
    def precision(self) -> float | None:
        n = self.right + self.wrong + self.spurious
        return self.right / n if n else None

    @property
    def recall(self) -> float | None:
        n = self.right + self.wrong + self.missed
        return self.right / n if n else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None and r is None:
            return None
        p, r = p or 0.0, r or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float | None:
        return (self.right + self.empty) / self.cases if self.cases else None

    def metric(self, name: str) -> float | None:
        if name not in METRICS:
            raise ValueError(f"unknown metric {name!r} (one of {', '.join(METRICS)})")
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        return {"right": self.right, "wrong": self.wrong, "missed": self.missed, "spurious": self.spurious,
                "empty": self.empty, **{m: _round(self.metric(m)) for m in METRICS}}


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) > 0
    return True


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class HardError:
    kind: str  # a key of HARD_CHECKS
    detail: str


@dataclass
class DocumentScore:
    id: str
    split: str
    fields: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    errors: list[HardError] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors.append(HardError(kind, detail))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "split": self.split, "fields": {k: v.to_dict() for k, v in self.fields.items()},
                "errors": [{"kind": e.kind, "detail": e.detail} for e in self.errors]}


@dataclass
class EvaluationResult:
    documents: list[DocumentScore]

    @property
    def fields(self) -> dict[str, Tally]:
        totals = {f: Tally() for f in FIELDS}
        for doc in self.documents:
            for name, tally in doc.fields.items():
                totals[name].add(tally)
        return totals

    @property
    def hard(self) -> dict[str, int]:
        counts = dict.fromkeys(HARD_CHECKS, 0)
        for doc in self.documents:
            for err in doc.errors:
                counts[err.kind] += 1
        return counts

    def to_dict(self, per_document: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "documents": len(self.documents),
            "splits": sorted({d.split for d in self.documents}),
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "hard": self.hard,
        }
        if per_document:
            out["per_document"] = [d.to_dict() for d in self.documents]
        return out

    def to_json(self, per_document: bool = True) -> str:
        return json.dumps(self.to_dict(per_document), ensure_ascii=False, indent=2)

    def render(self, per_document: bool = False) -> str:
        """Text report: the per-field table, the hard checks, one line per document (and each one's fields)."""
        splits = "+".join(sorted({d.split for d in self.documents}))
        out = [f"{len(self.documents)} documents ({splits})", "", render_fields(self.fields), "",
               "hard checks (must be 0):"]
        for kind, n in self.hard.items():
            out.append(f"  {kind:<20} {n:>4}   {HARD_CHECKS[kind]}")
        out += ["", "per document:", render_summary(self.documents)]
        if per_document:
            for doc in self.documents:
                out += ["", f"== {doc.split}/{doc.id}", render_fields(doc.fields, skip_unused=True)]
                for err in doc.errors:
                    out.append(f"  ! {err.kind}: {err.detail}")
        return "\n".join(out)


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def render_fields(fields: dict[str, Tally], skip_unused: bool = False) -> str:
    head = f"{'field':<22} {'P':>5} {'R':>5} {'F1':>5} {'acc':>5} {'right':>6} {'wrong':>6} {'missed':>6} " \
           f"{'spur':>5} {'empty':>5}"
    lines = [head, "-" * len(head)]
    for name, t in fields.items():
        if skip_unused and not t.cases:
            continue
        lines.append(f"{name:<22} {_fmt(t.precision):>5} {_fmt(t.recall):>5} {_fmt(t.f1):>5} {_fmt(t.accuracy):>5} "
                     f"{t.right:>6} {t.wrong:>6} {t.missed:>6} {t.spurious:>5} {t.empty:>5}")
    return "\n".join(lines)


def render_summary(documents: list[DocumentScore]) -> str:
    width = max([8] + [len(d.split) + 1 + len(d.id) for d in documents])
    head = f"{'document':<{width}} " + " ".join(f"{c:>6}" for c, _, _ in SUMMARY_COLUMNS) + f" {'errors':>6}"
    lines = [head, "-" * len(head)]
    for doc in documents:
        cells = [_fmt(doc.fields[f].metric(m)) for _, f, m in SUMMARY_COLUMNS]
        lines.append(f"{doc.split + '/' + doc.id:<{width}} " + " ".join(f"{c:>6}" for c in cells)
                     + f" {len(doc.errors):>6}")
    return "\n".join(lines)


# -- comparison keys -----------------------------------------------------------------------------------------
def text_key(text: str | None) -> str:
    """Folded text for phrase matching: glyph damage repaired, whitespace collapsed, no space around - and /."""
    if not text:
        return ""
    text = fold(text.replace("ƣ", "ư").replace("Ƣ", "Ư"))
    text = re.sub(r"\s*([-–/])\s*", lambda m: "-" if m.group(1) in "-–" else "/", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def timeframe_key(text: str | None) -> str:
    """A timeframe phrase for comparison: folded, no spaces, without a leading 'trong' / 'vào' ('trong quý II/2026'
    and 'quý II/2026' are the same time; golds written before this convention differ on the preposition)."""
    return re.sub(r"^(?:trong|vao)\s+", "", text_key(text)).replace(" ", "")


def number_key(number: str | None) -> str:
    """A document number for matching: spaces removed, case folded ('215- KL/TU' = '215-kl/tu')."""
    return re.sub(r"\s+", "", number or "").replace("–", "-").casefold()


class AgencyKeys:
    """Agency names compared after the lexicon's canonical form when it knows them, else folded. A province
    printed at the end of a name is split off ('UBND tỉnh Nghệ An' = 'UBND tỉnh' of Nghệ An): the provinces
    known are the gold's (the document's and its agencies') and the extraction's jurisdiction."""

    def __init__(self, lexicon: AgencyLexicon | None, provinces: list[str | None] | tuple = ()) -> None:
        self.lexicon = lexicon
        names = {p for p in provinces if p}
        self.provinces = sorted(((fold_name(p), p) for p in names), key=lambda kp: -len(kp[0]))

    def _canonical(self, key_or_name: str) -> str | None:
        canonical = self.lexicon.canonical(key_or_name) if self.lexicon is not None else None
        return fold_name(canonical) if canonical else None

    def split(self, name: str | None) -> tuple[str, str | None]:
        """(name key, province printed at its end or None)."""
        if not name:
            return "", None
        key = fold_name(re.sub(r"\s+", " ", name).strip(" ,.;:"))
        # the canonical names write 'Ủy ban nhân dân' 'UBND' and 'Hội đồng nhân dân' 'HĐND'
        key = re.sub(r"\buy ban nhan dan\b", "ubnd", re.sub(r"\bhoi dong nhan dan\b", "hdnd", key))
        # the province first: the lexicon may list 'UBND tỉnh Hà Tĩnh' as an alias of 'UBND tỉnh'
        for pkey, province in self.provinces:
            if key.endswith(" " + pkey) and len(key) > len(pkey) + 1:
                return self._resolve(key[: -len(pkey) - 1].strip()), province
        return self._resolve(key), None

    def _resolve(self, key: str) -> str:
        """The canonical key, else the folded name without a trailing 'tỉnh'/'thành phố' ('Sở Công Thương
        tỉnh', 'Sở Xây dựng thành phố', 'Đoàn đại biểu Quốc hội tỉnh' name the province's body)."""
        known = self._canonical(key)
        if known:
            return known
        bare = re.sub(r"\s+(?:tinh|thanh pho|tp)$", "", key)
        return (self._canonical(bare) if bare != key else None) or bare

    def key(self, name: str | None) -> str:
        return self.split(name)[0]

    def keys(self, names: list[str]) -> set[str]:
        return {k for k in (self.key(n) for n in names) if k}

    def level(self, name: str) -> str | None:
        if self.lexicon is None:
            return None
        canonical = self.lexicon.canonical(name)
        entry = next((e for e in self.lexicon.entries if e.name == canonical), None) if canonical else None
        return entry.level if entry else None


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CorpusError(f"not an ISO date: {value!r}") from exc


def _as_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise CorpusError(f"not a number: {value!r}") from exc


def _province_name(value: object) -> str | None:
    """The extracted jurisdiction as a name (a string, or an object with a ``name``/``province``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    for attr in ("name", "province", "label"):
        got = getattr(value, attr, None)
        if isinstance(got, str) and got:
            return got
    return str(value)


def _province_key(name: str | None) -> str:
    key = fold_name(name or "")
    return re.sub(r"^(?:tinh|thanh pho|tp)\s+", "", key)


# -- scoring one document ------------------------------------------------------------------------------------
def score_extraction(gold: dict[str, Any], extraction: Extraction, lexicon: AgencyLexicon | None = None, *,
                     doc_id: str = "", split: str = "") -> DocumentScore:
    """Compare one extraction with its gold (a parsed gold YAML mapping)."""
    score = DocumentScore(doc_id or str(gold.get("source", "")), split)
    provinces = [gold.get("province"), *(a.get("province") for a in gold.get("agencies") or []),
                 _province_name(getattr(extraction.document, "jurisdiction", None))]
    keys = AgencyKeys(lexicon, provinces)
    _score_document(score, gold, extraction, keys)
    _score_citations(score, gold, extraction, keys)
    _score_tasks(score, gold, extraction, keys)
    _score_targets(score, gold, extraction)
    _score_entities(score, gold, extraction)
    _score_agencies(score, gold, extraction, keys, lexicon)
    return score


def _score_set(tally: Tally, gold_keys: set[str], got_keys: set[str]) -> None:
    tally.right += len(gold_keys & got_keys)
    tally.missed += len(gold_keys - got_keys)
    tally.spurious += len(got_keys - gold_keys)


def _score_document(score: DocumentScore, gold: dict[str, Any], ex: Extraction, keys: AgencyKeys) -> None:
    g = gold.get("document") or {}
    record = ex.document
    ref = record.ref
    f = score.fields
    f["document.type"].record(g.get("type"), ref.type, text_key(g.get("type")) == text_key(ref.type))
    gnum, num = g.get("number"), ref.number
    f["document.number"].record(gnum, num, number_key(gnum) == number_key(num))
    if not gnum and num:
        score.error("number_not_printed", f"extracted number {num!r}")
    gdate, issued = _as_date(g.get("issued")), ref.issued
    f["document.issued"].record(gdate, issued, gdate == issued)
    if gdate is None and issued is not None:
        score.error("date_not_printed", f"extracted date {issued.isoformat()}")
    cited_dates = {_as_date(c.get("issued")) for c in gold.get("citations") or []}
    cited_dates |= {c.cited.issued for c in record.citations}
    if issued is not None and issued != gdate and issued in cited_dates:
        score.error("date_from_citation", f"extracted date {issued.isoformat()} is a cited document's date")
    f["document.issuer"].record(g.get("issuer"), ref.issuer, keys.key(g.get("issuer")) == keys.key(ref.issuer))
    parent = getattr(record, "parent", None) or getattr(ref, "parent", None)
    parent = _province_name(parent)
    f["document.parent"].record(g.get("parent"), parent, keys.key(g.get("parent")) == keys.key(parent))
    f["document.subject"].record(g.get("subject"), ref.title, text_key(g.get("subject")) == text_key(ref.title))
    signer = record.signer.name if record.signer else None
    f["document.signer"].record(g.get("signer"), signer, text_key(g.get("signer")) == text_key(signer))
    f["document.signer_role"].record(g.get("signer_role"), record.signer_role,
                                     text_key(g.get("signer_role")) == text_key(record.signer_role))
    province = _province_name(getattr(record, "jurisdiction", None))
    gprov = gold.get("province")
    f["document.province"].record(gprov, province, _province_key(gprov) == _province_key(province))
    _score_set(f["document.recipients"], keys.keys([recipient_line(r) for r in g.get("recipients") or []]),
               keys.keys([recipient_line(r.name) for r in record.recipients]))


def recipient_line(line: str) -> str:
    """A recipient line for comparison: no bullet, no trailing note in brackets ('(để b/c)'), no ';'."""
    line = re.sub(r"^\s*[-+•]\s*", "", line).strip(" ;.,")
    return re.sub(r"\s*\([^()]*\)\s*$", "", line).strip(" ;.,")


def _score_citations(score: DocumentScore, gold: dict[str, Any], ex: Extraction, keys: AgencyKeys) -> None:
    own = number_key((gold.get("document") or {}).get("number"))
    got: dict[str, list] = {}
    for cit in ex.document.citations:
        k = number_key(cit.cited.number)
        if not k:
            continue  # numberless citations are not scored (the gold lists documents by number)
        if own and k == own:
            score.error("self_citation", f"cites its own number {cit.cited.number!r}")
        got.setdefault(k, []).append(cit)
    wanted: dict[str, dict[str, Any]] = {}
    for c in gold.get("citations") or []:
        k = number_key(c.get("number"))
        if not k:
            raise CorpusError(f"{score.id}: a citation without a number in the gold")
        wanted[k] = c
    f = score.fields
    _score_set(f["citations"], set(wanted), set(got))
    for k, c in wanted.items():
        found = got.get(k) or []
        ref = found[0].cited if found else None
        t = ref.type if ref else None
        f["citations.type"].record(c.get("type"), t, text_key(c.get("type")) == text_key(t))
        gd = _as_date(c.get("issued"))
        d = next((x.cited.issued for x in found if x.cited.issued), None)
        f["citations.issued"].record(gd, d, gd == d)
        issuer = next((x.cited.issuer for x in found if x.cited.issuer), None)
        f["citations.issuer"].record(c.get("issuer"), issuer, keys.key(c.get("issuer")) == keys.key(issuer))
        rel = ("implements" if any(x.relation == "implements" for x in found) else "cites") if found else None
        f["citations.relation"].record(c.get("relation"), rel, c.get("relation") == rel)
    _score_set(f["implements"], {k for k, c in wanted.items() if c.get("relation") == "implements"},
               {k for k, cs in got.items() if any(x.relation == "implements" for x in cs)})


def recipient_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of the 'Nơi nhận:' and 'Kính gửi:' lists: the cue line and the bullet lines
    ('-', '+', '•') that follow it (blank lines between them allowed)."""
    spans: list[tuple[int, int]] = []
    lines = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[^\n]*", text)]
    i = 0
    while i < len(lines):
        start, end, line = lines[i]
        if re.match(r"\s*(?:Nơi nhận|Kính gửi)\s*:", line):
            spans.append((start, end))
            j = i + 1
            while j < len(lines):
                s, e, nxt = lines[j]
                if not nxt.strip():
                    j += 1
                    continue
                if not re.match(r"\s*[-+•]", nxt):
                    break
                spans.append((s, e))
                j += 1
            i = j
        else:
            i += 1
    return spans


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _greedy_match(phrases: list[str], candidates: list[tuple[int, str]]) -> dict[int, int]:
    """gold index -> candidate index, one to one: each phrase takes the shortest unused candidate text
    that contains it (gold order)."""
    used: set[int] = set()
    out: dict[int, int] = {}
    for gi, phrase in enumerate(phrases):
        best: tuple[int, int] | None = None
        for ci, (length, text) in enumerate(candidates):
            if ci in used or phrase not in text:
                continue
            if best is None or length < best[0]:
                best = (length, ci)
        if best is not None:
            used.add(best[1])
            out[gi] = best[1]
    return out


def _match_items(score: DocumentScore, gold: dict[str, Any], field_: str,
                 texts: list[str]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """Gold items of ``field_`` ('tasks', 'targets') matched to extracted ones by their ``match`` phrase; the
    field's right / missed / spurious counted. Returns the gold items and {gold index: extracted index}."""
    wanted = list(gold.get(field_) or [])
    phrases = [text_key(g.get("match")) for g in wanted]
    if any(not p for p in phrases):
        raise CorpusError(f"{score.id}: a gold {field_[:-1]} without a match phrase")
    pairs = _greedy_match(phrases, [(len(t), t) for t in texts])
    tally = score.fields[field_]
    tally.right += len(pairs)
    tally.missed += len(wanted) - len(pairs)
    tally.spurious += len(texts) - len(pairs)
    return wanted, pairs


def _score_tasks(score: DocumentScore, gold: dict[str, Any], ex: Extraction, keys: AgencyKeys) -> None:
    tasks = [t for t in ex.tasks if t.kind != "heading"]
    texts = [text_key(t.text) for t in tasks]
    spans = recipient_spans(ex.parsed.text.text)
    for task, txt in zip(tasks, texts, strict=True):
        if _overlaps((task.evidence.start, task.evidence.end), spans):
            score.error("recipient_task", f"task {task.section!r} from a recipient line: {task.text[:60]!r}")
        for phrase in (gold.get("not") or {}).get("tasks") or []:
            if text_key(phrase) and text_key(phrase) in txt:
                score.error("not_task", f"task {task.section!r} matches not.tasks {phrase!r}")
    wanted, pairs = _match_items(score, gold, "tasks", texts)
    f = score.fields
    for gi, g in enumerate(wanted):
        task = tasks[pairs[gi]] if gi in pairs else None
        for name, attr in (("lead", "lead"), ("cooperating", "cooperating")):
            gset = keys.keys(list(g.get(name) or []))
            xset = {keys.key(a.name) for a in getattr(task, attr) if not a.group} - {""} if task else set()
            if task is None:
                f[f"tasks.{name}"].miss(gset)
            else:
                f[f"tasks.{name}"].record(gset, xset, gset == xset)
        if task is None:
            for name in ("timeframe", "start_year", "end_year", "deadline"):
                f[f"tasks.{name}"].miss(g.get(name))
            continue
        f["tasks.timeframe"].record(g.get("timeframe"), task.timeframe,
                                    timeframe_key(g.get("timeframe")) == timeframe_key(task.timeframe))
        for name in ("start_year", "end_year"):
            f[f"tasks.{name}"].record(g.get(name), getattr(task, name), g.get(name) == getattr(task, name))
        gdl, dl = _as_date(g.get("deadline")), getattr(task, "deadline", None)
        f["tasks.deadline"].record(gdl, dl, gdl == dl)


def _score_targets(score: DocumentScore, gold: dict[str, Any], ex: Extraction) -> None:
    targets = ex.targets
    texts = [text_key(t.evidence.quote) + " | " + text_key(t.indicator) for t in targets]
    wanted, pairs = _match_items(score, gold, "targets", texts)
    f = score.fields
    for gi, g in enumerate(wanted):
        t = targets[pairs[gi]] if gi in pairs else None
        gvalue = _as_decimal(g.get("value"))
        gvy = (gvalue, g.get("year"))
        if t is None:
            f["targets.value_year"].miss(gvy)
            f["targets.comparator"].miss(g.get("comparator"))
            f["targets.unit"].miss(g.get("unit"))
            continue
        same = t.value is not None and gvalue is not None and t.value == gvalue and t.year == g.get("year")
        f["targets.value_year"].record(gvy, (t.value, t.year), same)
        f["targets.comparator"].record(g.get("comparator"), t.comparator,
                                       text_key(g.get("comparator")) == text_key(t.comparator))
        f["targets.unit"].record(g.get("unit"), t.unit, text_key(g.get("unit")) == text_key(t.unit))


def _score_entities(score: DocumentScore, gold: dict[str, Any], ex: Extraction) -> None:
    text = ex.parsed.text.text
    folded = fold_chars(text)
    mentions: dict[str, list] = {}
    for m in ex.mentions:
        mentions.setdefault(text_key(m.name), []).append(m)
    # not.entities: a mention named so, or whose evidence overlaps a printed occurrence of the phrase
    for phrase in (gold.get("not") or {}).get("entities") or []:
        p = fold_chars(phrase)
        spans = [(i.start(), i.start() + len(p)) for i in re.finditer(re.escape(p), folded)]
        for key, ms in mentions.items():
            if key == text_key(phrase) or any(_overlaps((m.evidence.start, m.evidence.end), spans) for m in ms):
                score.error("not_entity", f"entity {ms[0].name!r} matches not.entities {phrase!r}")
    f = score.fields
    matched: set[str] = set()
    for g in gold.get("entities") or []:
        names = {text_key(n) for n in [g.get("name"), *(g.get("aliases") or [])] if n}
        hit = next((k for k, ms in mentions.items()
                    if k not in matched and (k in names or any(text_key(m.printed) in names for m in ms))), None)
        if hit is None:
            f["entities"].missed += 1
            f["entities.class"].miss(g.get("class"))
            continue
        matched.add(hit)
        f["entities"].right += 1
        classes = {m.cls for m in mentions[hit]}
        f["entities.class"].record(g.get("class"), next(iter(classes)), g.get("class") in classes)
    f["entities"].spurious += len(set(mentions) - matched)


def extracted_agencies(ex: Extraction, lexicon: AgencyLexicon | None) -> list[tuple[str, Any]]:
    """(name, ref or None) of every body the extraction names: agencies, task leads and partners, the issuer,
    and the bodies of the recipient lines (split the way the extractor splits lists); groups left out."""
    out: list[tuple[str, Any]] = [(a.name, a) for a in ex.agencies if not a.group]
    for task in ex.tasks:
        out += [(a.name, a) for a in (*task.lead, *task.cooperating) if not a.group]
    if ex.document.ref.issuer:
        out.append((ex.document.ref.issuer, None))
    if lexicon is not None:
        for r in ex.document.recipients:
            out += [(a.name, a) for a in split_agencies(r.name, r.evidence, lexicon) if not a.group]
    return out


def _score_agencies(score: DocumentScore, gold: dict[str, Any], ex: Extraction, keys: AgencyKeys,
                    lexicon: AgencyLexicon | None) -> None:
    doc_province = _province_name(getattr(ex.document, "jurisdiction", None))
    got: dict[tuple[str, str], None] = {}  # (name key, province key), in order
    for name, ref in extracted_agencies(ex, lexicon):
        k, printed_province = keys.split(name)
        if not k:
            continue
        # the body's province: its own attribute when the extraction gives one, else the province printed in
        # its name, else the document's jurisdiction for a body the lexicon does not mark as central (what
        # resolution scopes it to)
        province = _province_name(getattr(ref, "province", None) or getattr(ref, "jurisdiction", None))
        province = province or printed_province
        if province is None and keys.level(name) != "central":
            province = doc_province
        got.setdefault((k, _province_key(province)), None)
    wanted: list[tuple[str, str]] = []
    for a in gold.get("agencies") or []:
        k, printed_province = keys.split(a.get("name"))
        pair = (k, _province_key(a.get("province") or printed_province))
        if pair not in wanted:
            wanted.append(pair)
    # a gold body is found by an extracted one of the same name, the same province first
    left = list(got)
    matches: list[tuple[tuple[str, str], tuple[str, str]]] = []
    for same_province in (True, False):
        for pair in wanted:
            if any(g == pair for g, _ in matches):
                continue
            hit = next((x for x in left if x[0] == pair[0] and (x[1] == pair[1] or not same_province)), None)
            if hit is not None:
                left.remove(hit)
                matches.append((pair, hit))
    f = score.fields
    f["agencies"].right += len(matches)
    f["agencies"].missed += len(wanted) - len(matches)
    f["agencies"].spurious += len(left)
    matched = dict(matches)
    for pair in wanted:
        hit = matched.get(pair)
        if hit is None:
            f["agencies.province"].miss(pair[1])
        else:
            f["agencies.province"].record(pair[1], hit[1], hit[1] == pair[1])


# -- the corpus ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GoldDocument:
    id: str
    split: str
    text: Path
    gold: dict[str, Any]


def load_corpus(directory: Path, split: str = "all") -> list[GoldDocument]:
    """The documents of ``directory`` (``dev/``, ``heldout/``, or the directory itself when it has neither),
    each with its parsed gold; refuses a text without gold, gold without text, or unreadable YAML."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(f"{directory}: not a directory")
    if split not in (*SPLITS, "all"):
        raise CorpusError(f"unknown split {split!r} (dev, heldout or all)")
    present = [s for s in SPLITS if (directory / s).is_dir()]
    if present:
        folders = [(s, directory / s) for s in present if split in ("all", s)]
        if not folders:
            raise CorpusError(f"{directory}: no {split}/ folder")
    else:
        folders = [(directory.name, directory)]
    docs: list[GoldDocument] = []
    for name, folder in folders:
        texts = {p.stem: p for p in folder.glob("*.txt")}
        golds = {p.stem: p for p in folder.glob("*.yaml")}
        for stem in sorted(set(texts) ^ set(golds)):
            have = texts.get(stem) or golds[stem]
            raise CorpusError(f"{have}: no matching {'.yaml' if stem in texts else '.txt'} beside it")
        for stem in sorted(texts):
            try:
                gold = yaml.safe_load(golds[stem].read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise CorpusError(f"{golds[stem]}: not valid YAML: {exc}") from exc
            if not isinstance(gold, dict) or not isinstance(gold.get("document"), dict):
                raise CorpusError(f"{golds[stem]}: gold must be a mapping with a 'document' section")
            docs.append(GoldDocument(stem, name, texts[stem], gold))
    if not docs:
        raise CorpusError(f"{directory}: no documents (<id>.txt + <id>.yaml) for split {split!r}")
    return docs


def extract_text(path: Path, settings: Settings | None = None, ctx: Any = None) -> Extraction:
    """Run the build's extraction on one text file (read_source -> normalise -> extract)."""
    from graph.build.extract import ExtractionContext, extract
    from graph.build.normalise import normalise
    from graph.build.sources import read_source

    ctx = ctx or ExtractionContext(settings or Settings())
    source = read_source(path)
    return extract(Parsed(source, normalise(source.raw)), ctx)


def evaluate_corpus(directory: Path, split: str = "all", settings: Settings | None = None) -> EvaluationResult:
    """Extract every document of the corpus and score it against its gold."""
    from graph.build.extract import ExtractionContext
    from graph.build.sources import SourceError

    settings = settings or Settings()
    ctx = ExtractionContext(settings)
    lexicon = load_lexicon(settings.agencies_path)
    scores: list[DocumentScore] = []
    for doc in load_corpus(directory, split):
        try:
            extraction = extract_text(doc.text, ctx=ctx)
        except SourceError as exc:
            raise CorpusError(str(exc)) from exc
        try:
            scores.append(score_extraction(doc.gold, extraction, lexicon, doc_id=doc.id, split=doc.split))
        except CorpusError as exc:
            raise CorpusError(f"{doc.split}/{doc.id}.yaml: {exc}") from exc
    return EvaluationResult(scores)


# -- goals ---------------------------------------------------------------------------------------------------
def load_goals(path: Path) -> dict[str, Any]:
    """``goals.yaml``: ``fields: {field: {metric: minimum}}`` and ``hard: {check: maximum}``."""
    try:
        goals = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{path}: cannot read goals: {exc}") from exc
    for name, metrics in (goals.get("fields") or {}).items():
        if name not in FIELDS:
            raise CorpusError(f"{path}: unknown field {name!r}")
        for metric in metrics or {}:
            if metric not in METRICS:
                raise CorpusError(f"{path}: {name}: unknown metric {metric!r}")
    for name in goals.get("hard") or {}:
        if name not in HARD_CHECKS:
            raise CorpusError(f"{path}: unknown hard check {name!r}")
    return goals


def check_goals(result: EvaluationResult, goals: dict[str, Any]) -> list[str]:
    """Every goal the result misses, one readable line each (empty when all are met). A metric that cannot be
    computed (no cases) is a failure: a goal with nothing to measure is not met."""
    failures: list[str] = []
    totals = result.fields
    for name, metrics in (goals.get("fields") or {}).items():
        for metric, minimum in (metrics or {}).items():
            value = totals[name].metric(metric)
            if value is None:
                failures.append(f"{name} {metric}: nothing to measure (goal ≥ {minimum})")
            elif value < minimum:
                failures.append(f"{name} {metric} {value:.3f} < {minimum}")
    hard = result.hard
    for name, maximum in (goals.get("hard") or {}).items():
        if hard[name] > maximum:
            failures.append(f"{name}: {hard[name]} > {maximum} ({HARD_CHECKS[name]})")
    return failures
