"""The curated agency lexicon (``data/agencies.yaml``) and name matching against it.

Matching is done on a *folded* copy of the text that keeps every character in place (lower case, no
diacritics, 'đ' -> 'd', punctuation and line breaks -> space), so a match's offsets are offsets into the
original text and 'Uỷ ban'/'Ủy ban', 'Sở Nông\\nnghiệp' and 'SỞ NÔNG NGHIỆP' all find the same body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from graph.text import fold, fold_chars


@lru_cache(maxsize=65536)
def fold_name(text: str) -> str:
    """Matching key for a body's name: folded, tone placement unified ('uỷ' = 'ủy'), no punctuation."""
    text = fold(text)
    return re.sub(r"\s+", " ", re.sub(r"[^\w ]+", " ", text)).strip()


def _alias_pattern(alias: str) -> str:
    words = fold_name(alias).split()
    return r"(?:\s*[-–,]\s*|\s+)".join(re.escape(w) for w in words)


@dataclass(frozen=True)
class AgencyEntry:
    name: str
    aliases: tuple[str, ...]
    level: str | None
    not_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ambiguous:
    printed: tuple[str, ...]
    choices: tuple[tuple[str | None, str], ...]  # (regex on the folded text that follows, name)

    def resolve(self, following: str) -> str:
        for when, name in self.choices:
            if when is None or re.search(when, following):
                return name
        return self.choices[-1][1]


@dataclass(frozen=True)
class Match:
    """A body named in a text: ``text[start:end]`` is the printed form."""

    start: int
    end: int
    name: str
    printed: str


@dataclass(frozen=True)
class AgencyLexicon:
    entries: tuple[AgencyEntry, ...]
    groups: tuple[str, ...]
    ambiguous: tuple[Ambiguous, ...] = ()
    group_heads: tuple[str, ...] = ("các",)
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __hash__(self) -> int:
        return hash((self.entries, self.groups, self.ambiguous, self.group_heads))

    def by_key(self) -> dict[str, AgencyEntry]:
        keys: dict[str, AgencyEntry] = {}
        for entry in self.entries:
            for alias in (entry.name, *entry.aliases):
                keys.setdefault(fold_name(alias), entry)
        return keys

    @property
    def names(self) -> set[str]:
        return {e.name for e in self.entries}

    def canonical(self, printed: str) -> str | None:
        """The canonical name for ``printed`` (the whole string names one body), else None."""
        key = fold_name(printed)
        entry = _index(self).get(key)
        if entry is not None:
            return entry.name
        for amb in self.ambiguous:
            if key in {fold_name(p) for p in amb.printed}:
                return amb.resolve("")
        return None

    def _regex(self) -> re.Pattern[str]:
        if "regex" not in self._cache:
            alts: list[tuple[str, str]] = []
            for i, entry in enumerate(self.entries):
                for alias in {entry.name, *entry.aliases}:
                    alts.append((f"e{i}", _alias_pattern(alias)))
            for j, amb in enumerate(self.ambiguous):
                for alias in amb.printed:
                    alts.append((f"a{j}", _alias_pattern(alias)))
            # longest alternatives first so 'Ban cán sự đảng Bộ Công Thương' beats 'Bộ Công Thương'
            alts.sort(key=lambda a: -len(a[1]))
            body = "|".join(f"(?:{pat})" for _, pat in alts)
            self._cache["regex"] = re.compile(rf"(?<![\w/-])(?:{body})(?![\w/]|-\w)")
            self._cache["alts"] = [(tag, re.compile(rf"(?:{pat})$")) for tag, pat in alts]
        return self._cache["regex"]

    def _which(self, folded_match: str) -> str:
        for tag, pat in self._cache["alts"]:
            if pat.match(folded_match):
                return tag
        raise LookupError(folded_match)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Every body named in ``text[start:end]`` (longest, non-overlapping matches, left to right)."""
        end = len(text) if end is None else end
        folded = fold_chars(text)
        regex = self._regex()
        out: list[Match] = []
        pos = start
        while pos < end:
            m = regex.search(folded, pos, end)
            if not m:
                break
            if text[m.start()].islower():  # 'cơ sở xây dựng' is not 'Sở Xây dựng': names are capitalised
                pos = m.start() + 1
                continue
            tag = self._which(m.group(0))
            following = re.sub(r"\s+", " ", folded[m.end() : m.end() + 60])
            if tag.startswith("e"):
                entry = self.entries[int(tag[1:])]
                after = fold(text[m.end() : m.end() + 30]) if m.end() < len(text) and text[m.end()].isspace() else ""
                if any(re.match(rf"{re.escape(fold_name(w))}\b", after) for w in entry.not_before):
                    pos = m.start() + 1
                    continue
                name = entry.name
            else:
                name = self.ambiguous[int(tag[1:])].resolve(following)
            out.append(Match(m.start(), m.end(), name, text[m.start() : m.end()]))
            pos = m.end()
        return out

    def is_group_start(self, printed: str) -> bool:
        key = fold_name(printed)
        return any(key == fold_name(h) or key.startswith(fold_name(h) + " ") for h in self.group_heads)


def _index(lexicon: AgencyLexicon) -> dict[str, AgencyEntry]:
    """The lexicon's entries by folded alias, made once per lexicon (kept in its cache: a cache keyed by the
    lexicon hashed every entry and alias on each call, 10 s of an ingest's 20 at 1,000 documents)."""
    found = lexicon._cache.get("by_key")
    if found is None:
        found = lexicon._cache["by_key"] = lexicon.by_key()
    return found


@lru_cache(maxsize=4)
def load_lexicon(path: Path) -> AgencyLexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = tuple(
        AgencyEntry(e["name"], tuple(e.get("aliases") or ()), e.get("level"), tuple(e.get("not_before") or ()))
        for e in data.get("agencies", [])
    )
    ambiguous = tuple(
        Ambiguous(tuple(a["printed"]), tuple((c.get("when"), c["name"]) for c in a["choices"]))
        for a in data.get("ambiguous") or ()
    )
    heads = tuple(data.get("group_heads") or ("các",))
    return AgencyLexicon(entries, tuple(data.get("groups") or ()), ambiguous, heads)


def sentence_case(caps: str) -> str:
    """'BAN THƯỜNG VỤ TỈNH ỦY' -> 'Ban thường vụ tỉnh ủy' (used only when the lexicon has no entry)."""
    caps = re.sub(r"\s+", " ", caps).strip()
    return caps[:1].upper() + caps[1:].lower()


def load_agency_heads(path: Path) -> re.Pattern[str]:
    """The head words of bodies' names (``data/agency_heads.yaml``) as one anchored, case-sensitive regex."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    heads = sorted({str(h).strip() for h in data.get("heads") or () if str(h).strip()}, key=lambda h: -len(h))
    if not heads:
        raise ValueError(f"{path}: no 'heads' listed")
    nots = sorted({str(h).strip() for h in data.get("not_heads") or () if str(h).strip()}, key=lambda h: -len(h))
    guard = "(?!(?:" + "|".join(re.escape(h) for h in nots) + r")(?![\w-]))" if nots else ""
    return re.compile(r"^" + guard + r"(?:" + "|".join(re.escape(h) for h in heads) + r")(?![\w-])")


_HEADS_FILE = Path(__file__).resolve().parents[2] / "data" / "agency_heads.yaml"
# Head words of a body's name: an unknown name that starts with one of these is taken as a body.
AGENCY_HEAD = load_agency_heads(_HEADS_FILE)


@lru_cache(maxsize=1)
def _heads_data() -> dict:
    return yaml.safe_load(_HEADS_FILE.read_text(encoding="utf-8")) or {}


def uncurated_name(printed: str) -> str:
    """The name of a body the lexicon does not know: as printed, whitespace collapsed, written in the canonical
    forms of ``data/agency_heads.yaml`` ('Thường trực Hội đồng nhân dân tỉnh' -> 'Thường trực HĐND tỉnh'), without
    the province's name."""
    name = re.sub(r"\s+", " ", printed).strip()
    for long, short in (_heads_data().get("canonical_forms") or {}).items():
        name = re.sub(rf"(?<!\w){re.escape(long)}(?!\w)", short, name)
    # the province is left out of the name ('Đoàn đại biểu Quốc hội tỉnh Hà Tĩnh' -> '… tỉnh'); the printed
    # form keeps it for the resolver, which scopes the body to its province
    return re.sub(rf"\b(tỉnh|thành phố)\s+[{UPPER}][^\W\d_]*(?:\s+[{UPPER}][^\W\d_]*)*$", r"\1", name)


@lru_cache(maxsize=1)
def local_unit() -> re.Pattern[str]:
    """A commune-level unit and its name right after a body's name: ' phường Hải Châu', ' xã Hải Lăng'."""
    units = "|".join(re.escape(u) for u in _heads_data().get("local_units") or ("xã", "phường"))
    word = rf"[{UPPER}][^\W\d_]*"
    return re.compile(rf"(?:\s+Việt Nam)?\s+(?:{units})\s+{word}(?:\s+(?:{word}|\d+))*")


UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"  # Vietnamese capitals
# A part of a list that is a collective (continues a group phrase): lower-case nouns for kinds of bodies.
_GROUP_CONT = re.compile(
    r"^(?:các\b|cán\b|ban\b|ngành\b|sở\b|đơn vị\b|địa phương\b|đoàn thể\b|cơ quan\b|tổ chức\b|cấp\b|thành\b|"
    r"thị ủy\b|thị uỷ\b|huyện\b|xã\b|phường\b|đảng ủy\b|đảng uỷ\b|đảng đoàn\b|ban cán sự\b|chính quyền\b|"
    r"UBND (?:các|cấp)\b|Ủy ban nhân dân (?:các|cấp)\b|Mặt trận\b|doanh nghiệp\b)"
)
_COLLECTIVE_UBND = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân)\s+(?:các|cấp)\b", re.I)
_PEOPLE = re.compile(r"^(?:các|cán)\s+(?:đồng chí|đ/c)\b", re.I)
_NOISE = re.compile(r"^(?:\(.*\)|Lưu\s*:.*|[A-Z0-9]{1,4}|báo cáo|để báo cáo|b/c)$", re.I)
_OFFICE = re.compile(r"^(?:Lưu\s*:?\s*|Chánh\s+|Chủ tịch\s+|Phó Chủ tịch\s+|các\s+PCT\s+|PCT\s+|Giám đốc\s+|"
                     r"Thủ trưởng\s+|Trưởng\s+)", re.I)


def _only_joiners(text: str, found: list[Match], end: int) -> bool:
    """True when nothing but ',', 'và', brackets lies between and after the bodies found ('X và Y', 'X (Y)')."""
    ends = [f.end for f in found]
    starts = [f.start for f in found[1:]] + [end]
    return all(not text[a:b].strip(" ,;()").removeprefix("và").strip() for a, b in zip(ends, starts, strict=True))


def split_agencies(printed: str, evidence, lexicon: AgencyLexicon) -> list:  # noqa: ANN001
    """Split a printed list of bodies ('Các ban Đảng, UBKT, Văn phòng Tỉnh ủy') into agency refs.

    Known bodies become refs with their canonical name (an abbreviation is resolved by the list it sits in:
    'UBKT, Văn phòng TW Đảng' -> Ủy ban Kiểm tra Trung ương). Each contiguous run of collective parts
    ('Các sở, ban, ngành, UBND các địa phương') is ONE group ref with the phrase as printed; a body named
    through an office holder ('Chánh Văn phòng UBND tỉnh') gives the body; filing notes ('Lưu: VT, KT'),
    '(báo cáo)' and collectives of people ('Các đồng chí Tỉnh ủy viên') give nothing. An unknown part that
    starts like a body's name ('Sở …', 'Ban …', 'Chi cục …') is kept as a body with its printed name.
    """
    from graph.build.model import AgencyRef

    text = re.sub(r"\s+", " ", printed).strip(" ,.;:")
    if not text or _PEOPLE.match(text):
        return []
    if re.match(r"^Lưu\s*:", text):
        return []
    # parts separated by ',' ';' (commas inside brackets or inside a known name do not split)
    inside = {i for m in lexicon.find(text) for i in range(m.start, m.end)}
    parts: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if i in inside:
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            parts.append((start, i))
            start = i + 1
    parts.append((start, len(text)))
    refs: list = []
    run: tuple[int, int] | None = None  # span of the current group phrase in ``text``

    def close_run() -> None:
        nonlocal run
        if run is not None:
            phrase = text[run[0] : run[1]].strip(" ,;")
            if phrase and not _PEOPLE.match(phrase):
                refs.append(AgencyRef(phrase, phrase, evidence, group=True))
        run = None

    for a, b in parts:
        raw = text[a:b]
        part = raw.strip()
        if not part:
            continue
        p0 = a + raw.index(part)
        bare = re.sub(r"\s*\((?:báo cáo|b/c|để báo cáo)\)\s*$", "", part, flags=re.I).strip()
        if not bare:
            continue
        p1 = p0 + len(bare)
        found = lexicon.find(text, p0, p1)
        if not found and _NOISE.match(bare):
            continue
        whole = len(found) == 1 and found[0].start == p0 and found[0].end == p1
        if not whole and _OFFICE.match(bare) and found and found[-1].end == p1:
            whole, found = True, found[-1:]
        is_group = not whole and (
            lexicon.is_group_start(bare) or bool(_COLLECTIVE_UBND.match(bare))
            or (run is not None and bool(_GROUP_CONT.match(bare)))
        )
        if is_group:
            run = (run[0] if run else p0, p1)
            continue
        close_run()
        if whole:
            refs.append(AgencyRef(found[0].name, bare, evidence))
        elif found and found[0].start == p0 and _only_joiners(text, found, p1):
            refs.extend(AgencyRef(f.name, f.printed, evidence) for f in found)  # 'X và Y'
        elif AGENCY_HEAD.match(bare) and len(bare.split()) <= 12:
            refs.append(AgencyRef(uncurated_name(bare), bare, evidence))
    close_run()
    # one ref per body
    seen: set[tuple[str, bool]] = set()
    unique = []
    for ref in refs:
        if (ref.name, ref.group) not in seen:
            seen.add((ref.name, ref.group))
            unique.append(ref)
    return unique
