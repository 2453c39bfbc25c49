"""The curated gazetteer of projects, zones and places (``data/gazetteer.yaml``) and name matching against it.

Matching works on a folded copy of the text (lower case, no diacritics, 'đ' -> 'd': ``hoá``/``hóa`` and
``Thủy``/``Thuỷ`` fold alike) that keeps one character per original character, so a match's offsets are
offsets into the normalised text. All aliases are searched; overlapping matches are resolved longest first,
and an alias must start and end at word boundaries ('quốc lộ 1' does not match inside 'quốc lộ 12C').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph.text import fold, fold_chars

CLASSES = ("Bridge", "Railway", "Road", "Port", "LogisticsCentre", "PowerPlant", "PowerLine", "IndustrialPark",
           "Plant", "Airport", "Mine", "InfrastructureProject", "Zone", "Place")
_WORD = "a-z0-9"


@dataclass(frozen=True)
class CuratedLink:
    subject: str
    predicate: str  # partOf | locatedIn | connects | dependsOn
    object: str
    note: str | None = None


@dataclass
class Entry:
    name: str
    cls: str
    en: str | None = None
    aliases: tuple[str, ...] = ()
    context: str | None = None  # required before the '~' aliases
    contextual: tuple[str, ...] = ()  # the '~' aliases
    nested: bool = False
    high_speed_railway: bool = False
    links: list[CuratedLink] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int
    end: int


class Gazetteer:
    def __init__(self, entries: list[Entry], generic: set[str]) -> None:
        self.entries = entries
        self.generic = generic
        self.by_name = {e.name: e for e in entries}
        self.by_fold = {fold(e.name): e for e in entries}
        forms: dict[str, tuple[Entry, bool]] = {}
        for e in entries:
            for alias in (e.name, *e.aliases):
                forms.setdefault(fold(alias), (e, False))
            for alias in e.contextual:
                forms.setdefault(fold(alias), (e, True))
        self._forms = sorted(forms.items(), key=lambda kv: -len(kv[0]))
        self._patterns = [(re.compile(rf"(?<![{_WORD}]){re.escape(f)}(?![{_WORD}])"), e, ctx)
                          for f, (e, ctx) in self._forms]
        for e in entries:
            if e.cls not in CLASSES:
                raise ValueError(f"gazetteer: unknown class {e.cls!r} for {e.name!r}")
            for link in e.links:
                if link.object not in self.by_name:
                    raise ValueError(f"gazetteer: {e.name!r} {link.predicate} unknown {link.object!r}")

    def lookup(self, name: str) -> Entry | None:
        """The entry whose name or alias folds to ``name``."""
        key = fold(name)
        for f, (e, _ctx) in self._forms:
            if f == key:
                return e
        return None

    def high_speed_railway(self) -> Entry | None:
        return next((e for e in self.entries if e.high_speed_railway), None)

    def is_generic(self, name: str) -> bool:
        return fold(name) in self.generic

    def _candidates(self, folded: str, lo: int, hi: int, exclude: Entry | None = None) -> list[Match]:
        found = []
        for pattern, entry, contextual in self._patterns:
            if entry is exclude:
                continue
            for m in pattern.finditer(folded, lo, hi):
                if contextual and not self._context_ok(folded, m.start(), entry):
                    continue
                found.append(Match(entry, m.start(), m.end()))
        return found

    @staticmethod
    def _context_ok(folded: str, start: int, entry: Entry) -> bool:
        """A '~' alias counts only after its context phrase, in the same sentence, within 200 characters."""
        window = folded[max(0, start - 200) : start]
        window = re.split(r"[.;\n]", window)[-1]
        return bool(entry.context) and fold(entry.context) in window

    def find(self, text: str, folded: str | None = None) -> list[Match]:
        """All gazetteer names in ``text``, longest first, non-overlapping (plus names nested in 'nested'
        entries), in text order."""
        folded = folded if folded is not None else fold_chars(text)
        chosen: list[Match] = []
        taken = bytearray(len(folded))
        for m in sorted(self._candidates(folded, 0, len(folded)), key=lambda m: (-(m.end - m.start), m.start)):
            if any(taken[m.start : m.end]):
                continue
            chosen.append(m)
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
        inner: list[Match] = []
        for m in chosen:
            if m.entry.nested:
                sub = self._candidates(folded, m.start, m.end, exclude=m.entry)
                used = bytearray(len(folded))
                for s in sorted(sub, key=lambda s: (-(s.end - s.start), s.start)):
                    if not any(used[s.start : s.end]):
                        inner.append(s)
                        used[s.start : s.end] = b"\x01" * (s.end - s.start)
        return sorted(chosen + inner, key=lambda m: (m.start, -m.end))


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]


def load_gazetteer(path: Path) -> Gazetteer:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for raw in data.get("entities", []):
        aliases = _as_list(raw.get("aliases"))
        entry = Entry(
            name=raw["name"],
            cls=raw["class"],
            en=raw.get("en"),
            aliases=tuple(a for a in aliases if not a.startswith("~")),
            contextual=tuple(a[1:] for a in aliases if a.startswith("~")),
            context=raw.get("context"),
            nested=bool(raw.get("nested", False)),
            high_speed_railway=bool(raw.get("high_speed_railway", False)),
        )
        for key, pred in (("part_of", "partOf"), ("located_in", "locatedIn"), ("connects", "connects")):
            entry.links += [CuratedLink(entry.name, pred, obj) for obj in _as_list(raw.get(key))]
        for dep in raw.get("depends_on") or []:
            entry.links.append(CuratedLink(entry.name, "dependsOn", dep["target"], dep.get("note")))
        entries.append(entry)
    return Gazetteer(entries, {fold(g) for g in _as_list(data.get("generic"))})
