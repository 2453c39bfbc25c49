"""One node per real body: which province a body belongs to, and what succeeded what.

A body named in a document (issuer, lead, cooperating, recipient) is a provincial or local body of the
province of that document (Sở Công Thương in a Nghệ An plan is Sở Công Thương tỉnh Nghệ An), unless its name
carries its province ('Sở Công Thương tỉnh Hà Tĩnh'), or it is a central body (Bộ Công Thương, Văn phòng
Chính phủ), which is one node for every province. A body the lexicon does not know keeps its printed name and
is marked as not curated (and listed by ``policykg report``), never merged into a look-alike. When the
document's province is unknown, its provincial bodies stay the document's own (no guess).

The level rules for unknown bodies and the 2025 successions are curated in ``data/agencies.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.agencies import AgencyLexicon, sentence_case
from graph.build.jurisdiction import Province, Provinces
from graph.text import fold


@dataclass(frozen=True)
class Body:
    """A body's identity: its name (canonical when curated) and the province it belongs to."""

    name: str
    level: str  # "central" | "province" | "local"
    province: Province | None  # None: central, or the province is unknown (then ``scope`` is the document)
    curated: bool
    scope: str | None = None  # the source key, for a provincial body of a document of unknown province

    @property
    def label(self) -> str:
        """The name a reader can tell apart: 'Sở Công Thương tỉnh Nghệ An', 'UBND tỉnh Hà Tĩnh',
        'Tỉnh ủy Nghệ An', 'UBND phường Trường Vinh, tỉnh Nghệ An'; a central body's name as it is."""
        if self.province is None:
            return self.name
        p = self.province
        if self.level == "local":
            return f"{self.name}, {p.label}"
        if fold(self.name).endswith(("tinh", "thanh pho", "tinh uy", "thanh uy")):
            return f"{self.name} {p.name}"
        return f"{self.name} {p.label}"

    @property
    def key(self) -> tuple[str, str]:
        where = self.province.name if self.province else (f"?{self.scope}" if self.scope else "")
        return (fold(self.name), where)


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successor: str
    on: date


@dataclass(frozen=True)
class BodyRules:
    central: tuple[re.Pattern[str], ...]
    local: tuple[re.Pattern[str], ...]
    successions: tuple[Succession, ...]
    central_codes: tuple[re.Pattern[str], ...] = ()

    def central_code(self, code: str) -> bool:
        """'TW', 'CP', 'QH15', 'VPCP', 'BCT' name central bodies; 'TU', 'UBND', 'SCT' do not."""
        return any(p.fullmatch(code) for p in self.central_codes)


@lru_cache(maxsize=4)
def load_body_rules(path: Path) -> BodyRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    succ = tuple(
        Succession(r["predecessor"], r["successor"],
                   r["date"] if isinstance(r["date"], date) else date.fromisoformat(str(r["date"])))
        for r in data.get("successions") or ()
    )
    return BodyRules(tuple(re.compile(p) for p in data.get("central_patterns") or ()),
                     tuple(re.compile(p) for p in data.get("local_patterns") or ()), succ,
                     tuple(re.compile(p) for p in data.get("central_number_codes") or ()))


class BodyResolver:
    """Turns a body's printed or canonical name, in a document of a given province, into a :class:`Body`."""

    def __init__(self, lexicon: AgencyLexicon, provinces: Provinces, rules: BodyRules) -> None:
        self.lexicon = lexicon
        self.provinces = provinces
        self.rules = rules
        self._levels = {fold(e.name): (e.level or "province") for e in lexicon.entries}
        self._names: dict[str, tuple[str, str, Province | None, bool]] = {}

    def split_province(self, printed: str) -> tuple[str, Province | None]:
        """'Sở Công Thương tỉnh Nghệ An' -> ('Sở Công Thương', Nghệ An); 'Sở Tài chính' -> (…, None)."""
        text = re.sub(r"\s+", " ", printed).strip(" ,.;:")
        if self.lexicon.canonical(text) is not None:
            return text, None  # a proper name that ends in a place: 'Trường Đại học Hà Tĩnh', 'Đại học Quốc gia Hà Nội'
        found = self.provinces.at_end(text)
        if found and found[0].strip():
            return found[0].strip(), found[1]
        return text, None

    def _named(self, printed: str) -> tuple[str, str, Province | None, bool]:
        """(canonical name, level, the province the name itself says, curated) of a printed name: what does not
        depend on the document it is printed in, kept per name (a corpus of a thousand documents prints a
        few dozen issuers forty thousand times, and an ingest resolves them all)."""
        found = self._names.get(printed)
        if found is None:
            name, named_province = self.split_province(printed)
            canonical = self.lexicon.canonical(name)
            curated = canonical is not None
            if canonical is None:
                canonical = _display_name(name)
            level = self._levels.get(fold(canonical)) or self._level_of_unknown(canonical)
            if fold(canonical).endswith((" tinh", " thanh pho")):
                level = "province"  # a central body's branch in a province ('Cục Thống kê tỉnh', 'Thuế tỉnh')
            found = self._names[printed] = (canonical, level, named_province, curated)
        return found

    def resolve(self, printed: str, *, province: Province | None, source: str | None = None) -> Body:
        canonical, level, named_province, curated = self._named(printed)
        if level == "central":
            return Body(canonical, level, None, curated)
        where = named_province or province
        return Body(canonical, level, where, curated, None if where else source)

    @staticmethod
    def locality_of(issuer: str | None) -> str | None:
        """The commune or ward a local issuer belongs to: 'UBND phường Cửa Lò' -> 'phường Cửa Lò'."""
        m = re.search(r"\b(xã|phường|thị trấn|đặc khu)\s+([A-ZĐÀ-Ỹ0-9].*)$", issuer or "")
        return f"{m.group(1)} {m.group(2)}" if m else None

    @staticmethod
    def localise(name: str, locality: str | None) -> str:
        """'HĐND phường' in a document of UBND phường Cửa Lò is 'HĐND phường Cửa Lò' (its own ward's body); a
        name that already names its commune or ward, or another kind of locality, stays as it is."""
        if not locality:
            return name
        kind = locality.split(" ", 1)[0] if not locality.startswith("thị trấn") else "thị trấn"
        if re.search(rf"(?i)\b{kind}$", name.strip()):
            return f"{name.strip()}{locality[len(kind):]}"
        return name

    def _level_of_unknown(self, name: str) -> str:
        key = fold(name)
        if any(p.search(key) for p in self.rules.central):
            return "central"
        if any(p.search(key) for p in self.rules.local):
            return "local"
        return "province"


def _display_name(printed: str) -> str:
    """An unknown body's name as Vietnamese writes it: capital on the first word, and after a head noun the
    proper name keeps its capitals ('SỞ DU LỊCH' -> 'Sở Du lịch'; 'UBND PHƯỜNG TRƯỜNG VINH' ->
    'UBND phường Trường Vinh')."""
    text = re.sub(r"\s+", " ", printed).strip(" ,.;:")
    if text.isupper():
        text = _cased(text)
    # the convention of the lexicon: 'Ủy ban nhân dân' written 'UBND', 'Hội đồng nhân dân' 'HĐND'
    text = re.sub(r"^(?:Ủy|Uỷ) ban nhân dân\b", "UBND", text)
    return re.sub(r"^Hội đồng nhân dân\b", "HĐND", text)


def _cased(text: str) -> str:
    words = sentence_case(text).split(" ")
    keep_upper = {"ubnd", "hđnd", "ubmttq", "tw", "bql", "kcn", "kkt"}
    out = []
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in keep_upper:
            out.append(w.upper())
        elif i > 0 and words[i - 1].lower() in {"xã", "phường", "huyện", "thị", "trấn", "khu", "quận"} and (
                i < 2 or words[i - 1].lower() != "khu"):
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
    # a locality name runs to the end: 'phường Trường Vinh'
    m = re.search(r"\b(xã|phường|thị trấn|đặc khu)\s+(.+)$", " ".join(out))
    if m:
        name = " ".join(x[:1].upper() + x[1:] for x in m.group(2).split(" "))
        return " ".join(out)[: m.start(2)] + name
    if len(out) > 1 and out[0] in {"Sở", "Ban", "Cục", "Chi", "Trung", "Văn", "Đài", "Báo"}:
        out[1] = out[1][:1].upper() + out[1][1:]
    return " ".join(out)
