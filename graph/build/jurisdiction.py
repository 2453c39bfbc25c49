"""Provinces: which province a document and a provincial or local body belong to.

Curated in ``data/provinces.yaml`` (the 63 provinces and cities before 1 July 2025 and the 34 after, with
who merged into whom). Names are found in text diacritic- and tone-placement-insensitively, on word
boundaries, with their offsets (``fold_chars`` keeps one character per character).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from graph.text import fold, fold_chars


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # "tỉnh" | "thành phố"
    aliases: tuple[str, ...] = ()
    merged_into: str | None = None
    merged_on: date | None = None

    @property
    def label(self) -> str:
        """'tỉnh Nghệ An', 'thành phố Đà Nẵng'."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class ProvinceMatch:
    start: int
    end: int
    province: Province
    printed: str


@dataclass(frozen=True)
class Provinces:
    provinces: tuple[Province, ...]

    @cached_property
    def _by_key(self) -> dict[str, Province]:
        keys: dict[str, Province] = {}
        for p in self.provinces:
            for name in (p.name, *p.aliases):
                keys.setdefault(_key(name), p)
        return keys

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        names = sorted(self._by_key, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(w) for w in re.split(r"\s+|(?<=-)|(?=-)", n) if w) for n in names)
        # 'tỉnh Nghệ An', 'TP. Hồ Chí Minh', 'Thành phố Đà Nẵng' or the bare name
        return re.compile(rf"(?<![\w])(?:(?:tinh|thanh pho|tp\.?)\s+)?(?P<name>{body})(?![\w])")

    def get(self, name: str) -> Province | None:
        return self._by_key.get(_key(name))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[ProvinceMatch]:
        folded = fold_chars(text)
        out = []
        for m in self._regex.finditer(folded, start, len(text) if end is None else end):
            prov = self._by_key[_key(m.group("name"))]
            out.append(ProvinceMatch(m.start(), m.end(), prov, text[m.start() : m.end()]))
        return out

    def at_end(self, name: str) -> tuple[str, Province] | None:
        """'Sở Công Thương tỉnh Nghệ An' -> ('Sở Công Thương', Nghệ An); 'TỈNH ỦY NGHỆ AN' -> ('TỈNH ỦY', …);
        'ỦY BAN NHÂN DÂN TỈNH NGHỆ AN' -> ('ỦY BAN NHÂN DÂN TỈNH', …) (the kind word stays with the body)."""
        found = [m for m in self.find(name) if not name[m.end :].strip(" ,.;")]
        if not found:
            return None
        m = found[-1]
        head = name[: m.start]
        whole = name[m.start : m.end]
        kind = re.match(r"(?i)(tỉnh|thành phố|tp\.?)\s+", whole)
        if kind and head.strip() and not _ends_with_body_word(head):
            word = "thành phố" if kind.group(1).lower().startswith("tp") else kind.group(1)
            return head.rstrip() + " " + (word.upper() if head.isupper() else word), m.province
        return head.rstrip(" ,-"), m.province

    def successor(self, province: Province) -> Province | None:
        return self.get(province.merged_into) if province.merged_into else None


def _ends_with_body_word(head: str) -> bool:
    """'Sở Công Thương tỉnh Nghệ An': 'tỉnh Nghệ An' qualifies a whole body name, so the kind word goes with
    the province; 'Ủy ban nhân dân tỉnh Nghệ An': 'nhân dân' needs the kind word ('UBND tỉnh')."""
    return not re.search(r"(?i)(nhân dân|ủy ban|uỷ ban|UBND|HĐND|đảng bộ|tỉnh ủy|tỉnh uỷ|mặt trận tổ quốc|"
                         r"UBMTTQ|đoàn|công an|quân sự)\s*$", head)


def _key(name: str) -> str:
    return re.sub(r"\s*-\s*", " - ", fold(name))


@lru_cache(maxsize=4)
def load_provinces(path: Path) -> Provinces:
    rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("provinces", [])
    out = []
    for r in rows:
        merged_on = r.get("merged_on")
        out.append(Province(r["name"], r.get("kind", "tỉnh"), tuple(r.get("aliases") or ()), r.get("merged_into"),
                            merged_on if isinstance(merged_on, date) or merged_on is None
                            else date.fromisoformat(str(merged_on))))
    return Provinces(tuple(out))
