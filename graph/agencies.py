"""The curated agency lexicon (``data/agencies.yaml``) and name matching against it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .normalise import fold


def fold_name(text: str) -> str:
    """Matching key for a body's name: folded, tone placement unified ('uỷ' = 'ủy'), no punctuation."""
    text = fold(text)
    return re.sub(r"[^\w ]+", " ", text).replace("  ", " ").strip()


@dataclass(frozen=True)
class AgencyEntry:
    name: str
    aliases: tuple[str, ...]
    level: str | None


@dataclass(frozen=True)
class AgencyLexicon:
    entries: tuple[AgencyEntry, ...]
    groups: tuple[str, ...]

    def by_key(self) -> dict[str, AgencyEntry]:
        keys: dict[str, AgencyEntry] = {}
        for entry in self.entries:
            for alias in (entry.name, *entry.aliases):
                keys.setdefault(fold_name(alias), entry)
        return keys

    def canonical(self, printed: str) -> str | None:
        """The canonical name for ``printed`` if the lexicon knows it, else None."""
        return _index(self).get(fold_name(printed), None).name if fold_name(printed) in _index(self) else None


@lru_cache(maxsize=8)
def _index(lexicon: AgencyLexicon) -> dict[str, AgencyEntry]:
    return lexicon.by_key()


@lru_cache(maxsize=4)
def load_lexicon(path: Path) -> AgencyLexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = tuple(
        AgencyEntry(e["name"], tuple(e.get("aliases") or ()), e.get("level")) for e in data.get("agencies", [])
    )
    return AgencyLexicon(entries, tuple(data.get("groups") or ()))


def sentence_case(caps: str) -> str:
    """'BAN THƯỜNG VỤ TỈNH ỦY' -> 'Ban thường vụ tỉnh ủy' (used only when the lexicon has no entry)."""
    caps = re.sub(r"\s+", " ", caps).strip()
    return caps[:1].upper() + caps[1:].lower()


_GROUP_START = re.compile(r"^(?:các|cán)\s", re.I)


def split_agencies(printed: str, evidence, lexicon: AgencyLexicon) -> list:  # noqa: ANN001
    """Split a printed list of bodies ('Các ban Đảng, UBKT, Văn phòng Tỉnh ủy') into agency refs.

    A phrase that names a collective ('Các sở, ban, ngành …') is one group, never a body.
    """
    from .model import AgencyRef

    text = re.sub(r"\s+", " ", printed).strip(" ,.;")
    if not text:
        return []
    known = lexicon.canonical(text)
    if known:
        return [AgencyRef(known, text, evidence)]
    if _GROUP_START.match(text) and not re.search(r",\s*(?:[A-ZĐ]{2,}|Văn phòng|Ban|Sở)\b", text):
        return [AgencyRef(text, text, evidence, group=True)]
    refs = []
    parts = [p.strip() for p in re.split(r",\s*", text) if p.strip()]
    for part in parts:
        name = lexicon.canonical(part)
        if name:
            refs.append(AgencyRef(name, part, evidence))
        elif _GROUP_START.match(part):
            refs.append(AgencyRef(part, part, evidence, group=True))
        else:
            refs.append(AgencyRef(part, part, evidence))
    return refs
