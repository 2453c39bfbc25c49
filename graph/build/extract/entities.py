"""Infrastructure projects, zones and places named in a source.

Two sources of names:

1. The curated gazetteer (``data/gazetteer.yaml``, :mod:`graph.build.gazetteer`): canonical name, class, aliases;
   matched ignoring case, diacritics and tone placement, longest match first.
2. Naming rules for names the gazetteer lacks: a head word that says what the thing is ('cầu', 'đường sắt',
   'cao tốc', 'Quốc lộ', 'cảng', 'Nhà máy', 'Dự án', 'Khu công nghiệp' …) followed by a name. Vietnamese
   capitalises only the first word of a common noun phrase but every syllable of a proper name, so the name is
   a run of capitalised words or numbers ('cầu Bến Thủy 3', 'Quốc lộ 15B', 'cao tốc Vũng Áng - Chalo'),
   optionally after a few lower-case descriptor words ('Nhà máy sản xuất ô tô VinFast'). The run stops at the
   first lower-case word after it, at punctuation, and descriptors stop at cue words ('của', 'tại', 'và' …),
   so a rule never runs past the end of a name. A capitalised 'Cầu' mid-sentence is a place name ('Cầu Treo',
   the border gate), never a bridge; generic words ('dự án ODA') and bare place names ('cảng biển Hà Tĩnh')
   are not projects.

One node per real thing: a mention resolves to the gazetteer's canonical name, or (rule) to its printed name
with the head word normalised ('đường bộ cao tốc X' -> 'Cao tốc X'), so the same name in two documents is one
node (IRIs are minted from the folded name).
"""

from __future__ import annotations

import re
import unicodedata

from graph.build.gazetteer import Gazetteer, fold_chars, load_gazetteer
from graph.build.model import EntityMention, Extraction, Task

# head (folded) -> (class, canonical head as printed in a name, max lower-case descriptor words)
HEADS: dict[str, tuple[str, str, int]] = {
    "du an": ("InfrastructureProject", "Dự án", 4),
    "cau": ("Bridge", "Cầu", 0),
    "duong sat": ("Railway", "Đường sắt", 3),
    "duong bo cao toc": ("Road", "Cao tốc", 0),
    "duong cao toc": ("Road", "Cao tốc", 0),
    "cao toc": ("Road", "Cao tốc", 0),
    "quoc lo": ("Road", "Quốc lộ", 0),
    "tinh lo": ("Road", "Tỉnh lộ", 0),
    "duong tinh": ("Road", "Đường tỉnh", 0),
    "tuyen duong": ("Road", "Tuyến đường", 0),
    "cang": ("Port", "Cảng", 0),
    "ben cang": ("Port", "Bến cảng", 0),
    "cang bien": ("Port", "Cảng biển", 0),
    "cang can": ("Port", "Cảng cạn", 0),
    "cang hang khong": ("Airport", "Cảng hàng không", 0),
    "san bay": ("Airport", "Sân bay", 0),
    "trung tam logistics": ("LogisticsCentre", "Trung tâm logistics", 0),
    "nhiet dien": ("PowerPlant", "Nhiệt điện", 0),
    "nha may nhiet dien": ("PowerPlant", "Nhà máy nhiệt điện", 0),
    "nha may dien": ("PowerPlant", "Nhà máy điện", 2),
    "dien gio": ("PowerPlant", "Điện gió", 0),
    "dien mat troi": ("PowerPlant", "Điện mặt trời", 0),
    "thuy dien": ("PowerPlant", "Thủy điện", 0),
    "duong day": ("PowerLine", "Đường dây", 3),
    "nha may": ("Plant", "Nhà máy", 5),
    "khu lien hop": ("Plant", "Khu liên hợp", 4),
    "khu cong nghiep": ("IndustrialPark", "Khu công nghiệp", 0),
    "cum cong nghiep": ("IndustrialPark", "Cụm công nghiệp", 0),
    "kcn": ("IndustrialPark", "Khu công nghiệp", 0),
    "mo": ("Mine", "Mỏ", 2),
    "khu kinh te": ("Zone", "Khu kinh tế", 3),
    "khu thuong mai tu do": ("Zone", "Khu thương mại tự do", 0),
}
# the head as printed (for heads whose folded form is ambiguous: 'mo' is 'mỏ', 'mở', 'mô' …)
HEAD_FORMS = {k: ("đường bộ cao tốc" if k == "duong bo cao toc" else "đường cao tốc" if k == "duong cao toc"
                  else "KCN" if k == "kcn" else v[1]) for k, v in HEADS.items()}
_HEAD_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(sorted(map(re.escape, HEADS), key=len, reverse=True))
                      + r") (?=\S)")
# lower-case words that end a descriptor run (the name cannot continue past them)
STOP = {"cua", "tai", "va", "voi", "tren", "o", "trong", "theo", "cho", "de", "gan", "ket", "phuc", "thuoc",
        "qua", "tu", "den", "giua", "cac", "nhung", "nham", "hoac", "la", "thi", "ma", "nhu", "ve", "vao", "da",
        "dang", "se", "duoc", "bi", "khi", "sau", "truoc", "moi", "mot", "hai", "ba", "nam", "giai", "doan",
        "tinh", "huyen", "xa"}
# a head inside an organisation's name is not a project ('Ban Quản lý Khu kinh tế tỉnh')
ORG_BEFORE = re.compile(r"(?:ban quan ly|so|cong ty|tap doan|chi cuc|cuc|bo|trung tam) $")
# bare place names: 'cảng biển Hà Tĩnh' is the province's seaport in general, not a named project
BARE_PLACES = {"ha tinh", "viet nam", "lao", "trung uong", "quoc gia", "tinh", "mien trung", "bac trung bo"}
_TOKEN = re.compile(r"[^\s,;:.()\[\]“”\"'…!?]+")
ENTITY_STEP_KEY = "gazetteer"


def gazetteer(ctx) -> Gazetteer:  # noqa: ANN001 - ExtractionContext (import cycle)
    gaz = ctx.extra.get(ENTITY_STEP_KEY)
    if gaz is None:
        gaz = load_gazetteer(ctx.data_file("gazetteer.yaml"))
        ctx.extra[ENTITY_STEP_KEY] = gaz
    return gaz  # type: ignore[return-value]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def same_word(a: str, b: str) -> bool:
    """Equal up to case and tone placement ('Thủy' = 'Thuỷ'), but 'mở' != 'mỏ' and 'câu' != 'cầu'."""
    def key(s: str) -> tuple[str, tuple[str, ...]]:
        d = unicodedata.normalize("NFD", s.lower())
        return "".join(c for c in d if c not in _TONES), tuple(sorted(c for c in d if c in _TONES))
    return key(a) == key(b)


def _proper(token: str) -> bool:
    return token[:1].isupper() or token[:1].isdigit()


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4) : pos].rstrip()
    return not before or before[-1] in ".:;\n-–•+" or bool(re.search(r"(^|\n)\s*\d+(\.\d+)*\.?\s*$",
                                                                     text[max(0, pos - 8) : pos]))


def _name_end(text: str, pos: int, max_desc: int) -> tuple[int, int] | None:
    """From ``pos`` (just after the head): (start of the proper part, end of the name) or None."""
    i, desc, proper_at, end = pos, 0, None, None
    while True:
        m = _TOKEN.match(text, i)
        if not m:
            break
        tok = m.group()
        if _proper(tok):
            if proper_at is None:
                proper_at = m.start()
            end = m.end()
        elif proper_at is None:
            if fold_chars(tok) in STOP or desc >= max_desc:
                return None
            desc += 1
        else:
            break
        # next token: a single space, or ' - ' between two proper parts ('Vũng Áng - Chalo')
        if text.startswith(" - ", m.end()) and proper_at is not None:
            nxt = _TOKEN.match(text, m.end() + 3)
            if nxt and _proper(nxt.group()):
                i = m.end() + 3
                continue
            break
        if text.startswith(" ", m.end()):
            i = m.end() + 1
            continue
        break
    if proper_at is None or end is None:
        return None
    return proper_at, end


def _rule_mentions(parsed_text: str, folded: str, gaz: Gazetteer, taken: bytearray,
                   source: str, parsed) -> list[EntityMention]:  # noqa: ANN001
    found: list[EntityMention] = []
    for m in _HEAD_RE.finditer(folded):
        head = m.group(1)
        start = m.start(1)
        if any(taken[start : m.end(1)]):
            continue
        cls, canon_head, max_desc = HEADS[head]
        head_text = parsed_text[start : m.end(1)]
        if not same_word(head_text, HEAD_FORMS[head]):
            continue  # 'mở rộng' is not 'mỏ'
        name_from = m.end(1) + 1
        if head == "du an":
            # 'Dự án X': X names the project; a head inside X gives the class ('Dự án Nhà máy …')
            inner = _HEAD_RE.match(folded, name_from)
            if inner and inner.group(1) != "du an":
                continue  # the inner head is matched on its own
        if ORG_BEFORE.search(folded, max(0, start - 14), start):
            continue
        if head == "cau" and (head_text[0].isupper() and not _sentence_start(parsed_text, start)):
            continue  # 'Cầu Treo': a place name, not a bridge
        span = _name_end(parsed_text, name_from, max_desc)
        if span is None:
            continue
        proper_at, end = span
        proper = parsed_text[proper_at:end]
        if fold_chars(proper) in BARE_PLACES or gaz.is_generic(proper):
            continue
        begin = name_from if head == "du an" else start
        if any(taken[begin:end]):
            continue
        printed = parsed_text[begin:end]
        if head == "du an":
            name = printed[0].upper() + printed[1:]
        else:
            name = canon_head + parsed_text[m.end(1) : end]
        known = gaz.lookup(name)
        if known is not None:  # e.g. a head variant of a known name
            name, cls = known.name, known.cls
        found.append(EntityMention(name, cls, printed, parsed.evidence(begin, end), known is not None))
        taken[begin:end] = b"\x01" * (end - begin)
    return found


LINKABLE_KINDS = ("task", "appendix_row")


def task_at(tasks: list[Task], start: int) -> Task | None:
    """The innermost task (of a linkable kind) whose text holds offset ``start``."""
    best = None
    for t in tasks:
        if t.kind in LINKABLE_KINDS and t.evidence.start <= start < t.evidence.end:
            if best is None or (t.evidence.end - t.evidence.start) < (best.evidence.end - best.evidence.start):
                best = t
    return best


def find_mentions(parsed, gaz: Gazetteer, tasks: list[Task] | None = None) -> list[EntityMention]:  # noqa: ANN001
    text = parsed.text.text
    folded = fold_chars(text)
    taken = bytearray(len(text))
    mentions: list[EntityMention] = []
    for m in gaz.find(text, folded):
        mentions.append(EntityMention(m.entry.name, m.entry.cls, text[m.start : m.end],
                                      parsed.evidence(m.start, m.end), True))
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    mentions += _rule_mentions(text, folded, gaz, taken, parsed.key, parsed)
    out = []
    for mention in sorted(mentions, key=lambda x: (x.evidence.start, -x.evidence.end)):
        task = task_at(tasks or [], mention.evidence.start)
        out.append(EntityMention(mention.name, mention.cls, mention.printed, mention.evidence, mention.known,
                                 task.section if task else None))
    return out


def extract_entities(extraction: Extraction, ctx) -> None:  # noqa: ANN001 - ExtractionContext
    """Extraction step: fill ``extraction.mentions`` (after the tasks step: mentions know their task)."""
    extraction.mentions.extend(find_mentions(extraction.parsed, gazetteer(ctx), extraction.tasks))
