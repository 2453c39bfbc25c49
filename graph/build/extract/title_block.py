"""The title block and the end of a document: what a source says about itself (GENRE.md).

Top: two columns that a PDF text layer interleaves or puts one after the other — left the parent and
issuing body (upper case, often two lines: 'ỦY BAN NHÂN DÂN' / 'TỈNH NGHỆ AN'; 'UBND TỈNH HÀ TĨNH' /
'SỞ CÔNG THƯƠNG') and the number ('Số: 57/KH-UBND'); right the national or Party motto and the place-and-date
line ('Nghệ An, ngày 26 tháng 3 năm 2026'). Then the type word in capitals and the subject, or for a công văn
'V/v …' and 'Kính gửi:'. End: 'Nơi nhận:' and its list, the signature block ('TM. ỦY BAN NHÂN DÂN' /
'KT. CHỦ TỊCH' / 'PHÓ CHỦ TỊCH' / name), which a PDF may interleave with the list.

The reader cuts every line of the top into its known parts (motto, place-and-date, number, 'V/v') wherever they
stand, so both column orders give the same result; what is left in capitals before the type word is the issuer
block. The date comes only from the place-and-date line: a blank day stays blank. The phrases are curated in
``data/title_block.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.agencies import AgencyLexicon
from graph.build.bodies import BodyResolver
from graph.build.extract.doctypes import DocumentType, DocumentTypes
from graph.build.extract.numbering import BLANK_NUMBER_RE, NUMBER, tidy
from graph.build.jurisdiction import Province, Provinces
from graph.build.model import DocumentRef, Evidence, NamedRef, Parsed
from graph.text import fold, fold_chars

# 'của Ban Thường vụ Tỉnh ủy về …' under the type heading: the organ that issues, then the subject
_OF_BODY = re.compile(r"của\s+(.+?)\s+(?=về\s)")


@dataclass(frozen=True)
class TitleBlockWords:
    mottos: tuple[str, ...]
    sign_markers: tuple[str, ...]
    role_words: tuple[str, ...]  # as written in running text, longest first
    role_heads: tuple[str, ...]
    body_starts: tuple[str, ...]  # a line starting with one of these ends the title block
    recipient_heads: tuple[str, ...]
    filing: tuple[str, ...]  # 'Lưu: VT' … (not recipients)
    subject_continues_after: tuple[str, ...] = ()  # a subject line ending in one of these goes on
    not_issuer: tuple[str, ...] = ()
    same_organisation: tuple[tuple[str, str], ...] = ()

    def role(self, caps: str) -> str | None:
        """'PHÓ BÍ THƯ THƯỜNG TRỰC' -> 'Phó Bí thư Thường trực'; None unless the whole text is a role."""
        tokens = fold(caps).split()
        if not tokens:
            return None
        units = sorted(((fold(w).split(), w) for w in self.role_words), key=lambda u: -len(u[0]))
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for unit, written in units:
                if tokens[i : i + len(unit)] == unit:
                    out.append(written)
                    i += len(unit)
                    break
            else:
                return None
        written = " ".join(out)
        if not any(f" {fold(h)} " in f" {fold(written)} " for h in self.role_heads):
            return None
        return written[:1].upper() + written[1:]


@lru_cache(maxsize=4)
def load_title_block_words(path: Path) -> TitleBlockWords:
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    return TitleBlockWords(tuple(d["mottos"]), tuple(d["sign_markers"]),
                           tuple(sorted(d["role_words"], key=len, reverse=True)), tuple(d["role_heads"]),
                           tuple(d["body_starts"]), tuple(d["recipient_heads"]), tuple(d["filing"]),
                           tuple(d.get("subject_continues_after") or ()), tuple(d.get("not_issuer") or ()),
                           tuple((a, b) for a, b in d.get("same_organisation") or ()))


@dataclass
class TitleBlock:
    """Everything the top and the end of a document say about it."""

    ref: DocumentRef
    issuer_body: str | None = None  # the issuing body's canonical name ('UBND tỉnh')
    parent: str | None = None  # the upper line when it is a different body ('UBND tỉnh' over 'Sở Công Thương')
    province: Province | None = None
    province_evidence: Evidence | None = None
    province_rule: str | None = None  # how the province was found: issuer | place | mentions
    number_blank: bool = False
    signer: NamedRef | None = None
    signer_role: str | None = None
    recipients: list[NamedRef] = field(default_factory=list)
    header_end: int = 0  # end of the title block in the text (citations before it are in the title)
    opening_end: int = 0  # end of the opening paragraph ('Thực hiện …, … ban hành …')


# '…, ngày 26 tháng 3 năm 2026' (a blank day or month stays blank: 'ngày    tháng 7 năm 2026'), '…, ngày 26/3/2026'
_DATE_LINE = re.compile(
    r"(?P<comma>\s*,)\s*ngày\s*(?P<d>\d{1,2})?\s*(?:[./…_]*\s*)?tháng\s*(?P<m>\d{1,2})?\s*"
    r"(?:[./…_]*\s*)?năm\s*(?P<y>\d{4})", re.I)
_DATE_NUMERIC_LINE = re.compile(r"(?P<comma>\s*,)\s*ngày\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
# the place before the date: capitalised words ('Nghệ An', 'TP. Hồ Chí Minh', 'Bà Rịa - Vũng Tàu')
_PLACE = re.compile(r"(?:(?:TP|Tp)\.\s*)?[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:(?:\s+|\s*-\s*)[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,4}\s*$")
_SUBJECT_PREFIX = re.compile(r"^(?:V/v|V/V|v/v|Về việc|VỀ VIỆC)\s*:?\s*")


class TitleBlockReader:
    def __init__(self, types: DocumentTypes, lexicon: AgencyLexicon, provinces: Provinces,
                 bodies: BodyResolver, words: TitleBlockWords) -> None:
        self.types = types
        self.lexicon = lexicon
        self.provinces = provinces
        self.bodies = bodies
        self.words = words
        self._type_heading = re.compile(rf"^(?P<word>{types.alternation})\b(?P<rest>.*)$", re.I)
        self._motto = re.compile("|".join(r"\s*".join(re.escape(w) for w in fold(m).split()) for m in words.mottos))
        self._body_start = re.compile(rf"^(?:{'|'.join(re.escape(fold(w)) for w in words.body_starts)})\b")
        self._continues = {fold(w) for w in words.subject_continues_after}
        self._own_number = re.compile(
            rf"(?:(?:^|(?<=\s))(?:Số|SỐ)\s*:?\s*(?P<number>{NUMBER})"
            # 'Nghị quyết số: 41/2025/QH15' heading a line of the title block (not a citation in a sentence)
            rf"|^[^a-zà-ỹđ]*(?i:{types.alternation})\s+(?i:số)\s*:?\s*(?P<number2>{NUMBER})(?=\s*$|\s+[A-ZĐÀ-Ỹ]))")
        self._sign = re.compile(rf"(?:^|\s)(?:{'|'.join(re.escape(m) for m in words.sign_markers)})[ \t]*"
                                rf"(?=[A-ZĐÀ-Ỹ]{{2}})")

    # -- the top --------------------------------------------------------------------------------------------
    def read(self, parsed: Parsed) -> TitleBlock:
        text = parsed.text.text
        lines = list(parsed.text.lines)
        top = self._top_lines(parsed)
        issuer_parts: list[tuple[int, int]] = []
        number: str | None = None
        number_blank = False
        issued: date | None = None
        place: tuple[int, int, str] | None = None
        type_line: int | None = None
        subject_parts: list[tuple[int, int]] = []
        in_vv = False
        for i in top:
            span = lines[i]
            line = text[span.start : span.end]
            pieces = self._cut(line, span.start)
            for kind, a, b, value in pieces:
                if kind == "number" and number is None and not number_blank:
                    if value:
                        number = value
                    else:
                        number_blank = True
                elif kind == "date" and place is None:
                    place = (a, b, value[0])
                    issued = value[1]
                elif kind == "vv":
                    subject_parts.append((a, b))
                    in_vv = True
                elif kind == "rest":
                    chunk = text[a:b]
                    if type_line is None and self._type_heading.match(chunk) and _is_caps(chunk):
                        type_line = i
                        in_vv = False
                    elif in_vv and not _is_caps(chunk):
                        subject_parts.append((a, b))  # the subject of a công văn wraps under 'V/v'
                    elif type_line is None and _is_caps(chunk) and len(chunk.strip(" *-")) > 1:
                        issuer_parts.append((a, b))
        block = TitleBlock(ref=DocumentRef("Văn bản", None, None, None, None, parsed.evidence(0, 0)))
        doc_type: DocumentType | None = None
        title = None
        ev_start, ev_end = 0, 0
        issuer_from_heading = None
        if type_line is not None:
            span = lines[type_line]
            m = self._type_heading.match(text[span.start : span.end])
            assert m is not None
            doc_type = self.types.for_word(m.group("word"))
            rest = m.group("rest").strip()
            if fold(rest).startswith("cua "):
                issuer_from_heading = rest[4:].strip()
            elif i_next := self._next_caps_cua(parsed, type_line):
                issuer_from_heading = i_next
            title, (t0, t1) = self._subject(parsed, type_line)
            ev_start, ev_end = span.start, max(span.end, t1)
        elif subject_parts:
            t0, t1 = subject_parts[0][0], subject_parts[-1][1]
            title = _SUBJECT_PREFIX.sub("", re.sub(r"\s+", " ", text[t0:t1])).strip() or None
            ev_start, ev_end = t0, t1
        if doc_type is None:
            if number:
                doc_type = self.types.for_number(number)
            if doc_type is None:
                doc_type, span_ = self._self_reference_type(parsed)
                if ev_end <= ev_start:
                    ev_start, ev_end = span_
        # the issuer block
        issuer, parent, issuer_province = self._issuer(text, issuer_parts)
        if issuer_from_heading:
            # 'KẾT LUẬN CỦA BAN THƯỜNG VỤ TỈNH ỦY' under 'TỈNH ỦY NGHỆ AN': the heading names the issuer; the
            # block's line is the committee it belongs to, not a parent line (a two-line block keeps its parent)
            heading_body, heading_province = self._body(issuer_from_heading)
            if heading_body:
                issuer = heading_body
                issuer_province = issuer_province or heading_province
        if issuer is None:
            issuer = self._issuer_from_body(parsed, doc_type)
        if issued is None and not place:
            issued = self._adoption_date(parsed)
        # the province: the issuer block, else the place line, else what the text names most
        province, rule, prov_ev = None, None, None
        if issuer_province:
            province, rule = issuer_province, "issuer"
            a, b = issuer_parts[0][0], issuer_parts[-1][1]
            prov_ev = parsed.evidence(a, b)
        elif issuer is not None and self.bodies.resolve(issuer, province=None).level == "central":
            province = None  # a central body: 'Hà Nội, ngày …' is where it sits, not its jurisdiction
        elif place is not None and (p := self.provinces.get(place[2])) is not None:
            province, rule, prov_ev = p, "place", parsed.evidence(place[0], place[1])
        else:
            province, prov_ev = self._most_named_province(parsed)
            rule = "mentions" if province else None
        if ev_end <= ev_start and issuer_parts:  # no type heading, no subject: the issuer block names it
            ev_start, ev_end = issuer_parts[0][0], issuer_parts[-1][1]
        if ev_end <= ev_start and parsed.text.lines:
            ev_start, ev_end = parsed.text.lines[0].start, parsed.text.lines[0].end
        ref_ev = parsed.evidence(ev_start, ev_end) if ev_end > ev_start else parsed.evidence(0, 0)
        block.ref = DocumentRef(doc_type.word if doc_type else "Văn bản", number, issued, issuer, title, ref_ev)
        block.issuer_body = issuer
        block.parent = parent
        block.province, block.province_rule, block.province_evidence = province, rule, prov_ev
        block.number_blank = number_blank
        block.header_end = self._header_end(parsed, top, type_line)
        block.opening_end = self._opening_end(parsed, block.header_end)
        self._signature(parsed, block)
        self._recipients(parsed, block)
        return block

    def _top_lines(self, parsed: Parsed) -> list[int]:
        """Indices of the lines of the title block: from the start up to and including the type heading; for a
        công văn (no type word) up to 'Kính gửi' / 'Căn cứ', a separator, a numbered heading or a paragraph."""
        text = parsed.text.text
        out: list[int] = []
        for i, span in enumerate(parsed.text.lines):
            line = text[span.start : span.end].strip()
            if span.start > 4000 or len(out) > 30:
                break
            if re.fullmatch(r"[-–_=.*\s]{3,}", line):
                continue  # the short rules under the issuer and the motto are decoration, not the end
            if self._body_start.match(fold(line)):
                break
            if re.match(r"^(?:[IVX]+|\d{1,2})[.\-]\s+\S", line) or len(line) > 160:
                break
            out.append(i)
            if self._type_heading.match(line) and _is_caps(line):
                break
        return out

    def _cut(self, line: str, offset: int) -> list[tuple[str, int, int, object]]:
        """Cut one line into its known parts: motto, place-and-date, number, 'V/v', and the rest."""
        folded = fold_chars(line)
        taken: list[tuple[str, int, int, object]] = []
        for m in self._motto.finditer(folded):
            taken.append(("motto", m.start(), m.end(), None))
        vm = re.search(r"(?:^|\s)(V/v|V/V|v/v|Về việc)\b", line)
        limit = vm.start(1) if vm else len(line)
        m = self._own_number.search(line, 0, limit)
        if m and not _overlaps(taken, m.start(), m.end()):
            taken.append(("number", m.start(), m.end(), tidy(m.group("number") or m.group("number2"))))
        else:
            bm = re.search(r"Số\s*:?\s*[.…_]*\s*[/-]\s{0,2}[A-ZĐ][^\s,;]*", line[:limit])
            if bm and BLANK_NUMBER_RE.match(bm.group(0)):
                taken.append(("number", bm.start(), bm.end(), None))
        for regex in (_DATE_LINE, _DATE_NUMERIC_LINE):
            m = regex.search(line)
            if m and not _overlaps(taken, m.start("comma"), m.end()):
                floor = max([t[2] for t in taken if t[2] <= m.start("comma")] + [0])
                pm = _PLACE.search(line, floor, m.start("comma"))
                start = pm.start() if pm else m.start("comma")
                place = line[start : m.start("comma")].strip()
                issued = _make_date(m.group("y"), m.group("m"), m.group("d"))
                taken.append(("date", start, m.end(), (place, issued)))
                break
        if vm and not _overlaps(taken, vm.start(1), vm.end(1)):
            dates = [t for t in taken if t[0] == "date" and t[1] > vm.start(1)]
            vv_end = dates[0][1] if dates else len(line)  # 'V/v …   Nghệ An, ngày …' on one line
            taken.append(("vv", vm.start(1), vv_end, None))
        taken.sort(key=lambda t: t[1])
        out: list[tuple[str, int, int, object]] = []
        pos = 0
        for kind, a, b, value in taken:
            if a > pos and line[pos:a].strip(" *-–:"):
                out.append(("rest", offset + pos, offset + a, None))
            if kind == "vv":
                # the 'V/v' text may share its line with the date column: cut the date out of it
                out.append(("vv", offset + a, offset + b, None))
            elif kind != "motto":
                out.append((kind, offset + a, offset + b, value))
            pos = max(pos, b)
        if pos < len(line) and line[pos:].strip(" *-–:"):
            out.append(("rest", offset + pos, offset + len(line), None))
        return out

    def _issuer(self, text: str, parts: list[tuple[int, int]]) -> tuple[str | None, str | None, Province | None]:
        """The issuer block: 1–3 capitalised pieces. A locality line ('TỈNH NGHỆ AN') completes the line above;
        a wrapped name ('SỞ NÔNG NGHIỆP VÀ' / 'MÔI TRƯỜNG') is joined; the last body is the issuer, the one above
        it the parent."""
        pieces = [re.sub(r"\s+", " ", text[a:b]).strip(" *-–") for a, b in parts]
        stamps = {fold(w) for w in self.words.not_issuer}
        pieces = [p for p in pieces if p and not re.fullmatch(r"[*\-–_.\s]+", p) and fold(p) not in stamps]
        if not pieces:
            return None, None, None
        lines: list[str] = []
        for piece in pieces:
            locality = re.match(r"(?i)^(TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\s+(?!ỦY|UỶ)\S",
                                piece)
            if lines and (locality or re.search(r"(?i)(\bVÀ|,|-)$", lines[-1])
                          or (not self._known(lines[-1]) and self._known(lines[-1] + " " + piece))):
                lines[-1] = f"{lines[-1]} {piece}"
            else:
                lines.append(piece)
        bodies = [self._body(line) for line in lines]
        bodies = [b for b in bodies if b[0]]
        if not bodies:
            return None, None, None
        issuer, issuer_province = bodies[-1]
        parent = bodies[-2][0] if len(bodies) > 1 else None
        if parent and (fold(parent), fold(issuer)) in {(fold(a), fold(b)) for a, b in self.words.same_organisation}:
            parent = None  # 'ĐẢNG BỘ TỈNH …' over 'TỈNH ỦY': the organisation and its own committee
        province = issuer_province or (bodies[-2][1] if len(bodies) > 1 else None)
        return issuer, parent, province

    def _known(self, printed: str) -> bool:
        name, _ = self.bodies.split_province(printed)
        return self.lexicon.canonical(name) is not None

    def _body(self, printed: str) -> tuple[str | None, Province | None]:
        """A body's canonical (or display) name and the province printed with it."""
        printed = re.sub(r"\s*\((?:khóa|khoá)[^)]*\)", "", printed).strip(" ,.;:")
        if not printed:
            return None, None
        name, province = self.bodies.split_province(printed)
        if not name:  # only a province name: not a body
            return None, province
        body = self.bodies.resolve(name, province=province)
        return body.name, province

    def _next_caps_cua(self, parsed: Parsed, type_line: int) -> str | None:
        """'KẾT LUẬN' / 'CỦA BAN THƯỜNG VỤ TỈNH ỦY' on the next line."""
        lines = parsed.text.lines
        if type_line + 1 >= len(lines):
            return None
        span = lines[type_line + 1]
        line = parsed.text.text[span.start : span.end].strip()
        if _is_caps(line) and fold(line).startswith("cua "):
            return line[4:].strip()
        if (m := _OF_BODY.match(line)) and self._known(m.group(1)):
            return m.group(1)  # 'của Ban Thường vụ Tỉnh ủy về …' opening the subject: the issuing organ
        return None

    def _subject(self, parsed: Parsed, type_line: int) -> tuple[str | None, tuple[int, int]]:
        """The subject (trích yếu) under the type heading: up to the separator, a blank line, 'Căn cứ', or while
        lines continue (the next starts in lower case)."""
        text = parsed.text.text
        lines = parsed.text.lines
        picked = []
        window = range(type_line + 1, min(len(lines), type_line + 12))
        # with a separator under the subject ('-----'), the subject is every line down to it; without one, the
        # subject goes on while the next line continues the sentence (starts in lower case)
        separated = any(re.fullmatch(r"[-–_=*]{3,}", text[lines[j].start : lines[j].end].strip()) for j in window)
        for j in window:
            span = lines[j]
            line = text[span.start : span.end].strip()
            if not line or re.fullmatch(r"[-–_*=.\s]+", line) or self._body_start.match(fold(line)):
                break
            if not picked and _is_caps(line) and fold(line).startswith("cua "):
                continue
            if picked and re.match(r"^(?:[IVX]+|\d{1,2})[.\-]\s", line):
                break
            picked.append(span)
            if not separated:
                nxt = lines[j + 1] if j + 1 < len(lines) else None
                if nxt is None:
                    break
                last_word = line.rsplit(" ", 1)[-1]
                nline = text[nxt.start : nxt.end].strip()
                caps_goes_on = _is_caps(line) and _is_caps(nline) and not self._known(nline)  # a subject in capitals
                if not (nline[:1].islower() or fold(last_word) in self._continues or caps_goes_on):
                    break
        if not picked:
            return None, (0, 0)
        start, end = picked[0].start, picked[-1].end
        title = re.sub(r"\s+", " ", text[start:end]).strip()
        title = _SUBJECT_PREFIX.sub("", title) if not fold(title).startswith("ve ") else title
        if (m := _OF_BODY.match(title)) and self._known(m.group(1)):
            title = title[m.end():]  # the subject proper begins at 'về …' (the organ is the issuer)
        return title, (start, end)

    def _header_end(self, parsed: Parsed, top: list[int], type_line: int | None) -> int:
        """The separator under the subject ('-----'), else the end of the last title-block line."""
        text = parsed.text.text
        lines = parsed.text.lines
        after = lines[top[-1]].end if top else 0
        if type_line is not None:
            for span in lines[type_line + 1 : type_line + 14]:
                if re.fullmatch(r"[-–_=*]{3,}", text[span.start : span.end].strip()):
                    return span.start
        return after

    def _opening_end(self, parsed: Parsed, header_end: int) -> int:
        """The opening paragraph after the title block (where 'Thực hiện …' names the parent document)."""
        text = parsed.text.text
        for para in parsed.text.paragraphs:
            if para.start < header_end:
                continue
            chunk = text[para.start : para.end].strip()
            if self._body_start.match(fold(chunk)) or re.match(r"^[-+•]", chunk):
                continue  # addressees ('Kính gửi: …') and bases ('Căn cứ …') come before the opening sentence
            if len(chunk) > 60 and not _is_caps(chunk[:40]):
                return para.end
        return 0

    def _adoption_date(self, parsed: Parsed) -> date | None:
        """A law or resolution of an elected body with no place-and-date line: the date of the closing formula
        ('… khóa XV, kỳ họp thứ 9 thông qua ngày 19 tháng 6 năm 2025')."""
        tail = parsed.text.text[-4000:]
        found = list(re.finditer(r"thông qua\s+(?:vào\s+)?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})",
                                 tail))
        return _make_date(found[-1].group(3), found[-1].group(2), found[-1].group(1)) if found else None

    def _self_reference_type(self, parsed: Parsed) -> tuple[DocumentType | None, tuple[int, int]]:
        """A document with no title block names itself: 'Nghị quyết được quán triệt …', 'Kết luận này'."""
        pattern = rf"\b({self.types.alternation})\s+(?:này|được quán triệt|được phổ biến)"
        matches = list(re.finditer(pattern, parsed.text.text))
        if not matches:
            return None, (0, 0)
        return self.types.for_word(matches[-1].group(1)), (matches[-1].start(), matches[-1].end())

    def _issuer_from_body(self, parsed: Parsed, doc_type: DocumentType | None) -> str | None:
        """'…, UBND tỉnh ban hành Kế hoạch …' in the opening, else the 'TM. …' signature block."""
        text = parsed.text.text
        if doc_type is not None:
            m = re.search(rf"([A-ZĐÀ-Ỹ][\wÀ-ỹ ]{{2,60}}?)\s+ban hành\s+{re.escape(doc_type.word)}", text[:4000])
            if m:
                words = m.group(1).split()
                for k in range(len(words)):
                    known = self.lexicon.canonical(" ".join(words[k:]))
                    if known:
                        return known
        m = re.search(r"(?:^|\s)(?:T/M|TM\.)\s*(.+)$", text, re.M)
        if m:
            block = m.group(1)
            block = re.sub(r"\s*(?:KT|TL|TUQ|Q)\.\s*\w+.*$", "", block).strip()
            if role := self._role_in(block):
                block = block[: len(block) - len(role)].strip()
            name, _ = self._body(block) if block else (None, None)
            return name
        return None

    def _most_named_province(self, parsed: Parsed) -> tuple[Province | None, Evidence | None]:
        """No issuer province and no place line (a copy without its title block) of a provincial body: the
        province the text names, when one clearly dominates (twice as often as any other)."""
        text = parsed.text.text
        counts: dict[str, list] = {}
        for m in self.provinces.find(text):
            counts.setdefault(m.province.name, []).append(m)
        if not counts:
            return None, None
        ranked = sorted(counts.values(), key=len, reverse=True)
        if len(ranked) > 1 and len(ranked[1]) * 2 > len(ranked[0]):
            return None, None
        first = ranked[0][0]
        return first.province, parsed.evidence(first.start, first.end)

    # -- the end ------------------------------------------------------------------------------------------------
    def _signature(self, parsed: Parsed, block: TitleBlock) -> None:
        """The signature block: its last role line gives the role ('KT. CHỦ TỊCH' / 'PHÓ CHỦ TỊCH' ->
        'Phó Chủ tịch'), the person's name under it the signer. The block starts at the last signature
        marker ('TM.', 'KT.', 'T/M' …); without one, at the last role line of the second half of the text
        ('CHỦ TỊCH QUỐC HỘI'). A PDF may interleave it with the 'Nơi nhận' list: only the capitals at the end of a
        line and the name at its end are read."""
        text = parsed.text.text
        lines = parsed.text.lines
        if not lines:
            return
        markers = [m.start() for m in self._sign.finditer(text)]
        first = next((i for i, s_ in enumerate(lines) if s_.end > markers[-1]), len(lines)) if markers \
            else len(lines) // 2
        role_at = None
        for i in range(first, len(lines)):
            role = self._role_in(text[lines[i].start : lines[i].end])
            if role:
                block.signer_role, role_at = role, i
                if markers and i > first + 3:
                    break
        if role_at is None and not markers:
            return
        start = role_at if role_at is not None else first
        for i in range(start, min(len(lines), start + 16)):
            span = lines[i]
            line = text[span.start : span.end].rstrip()
            name = _trailing_person_name(line)
            if name:
                a = span.start + line.rfind(name)
                block.signer = NamedRef(name, parsed.evidence(a, a + len(name)))
                break

    def _role_in(self, line: str) -> str | None:
        """The role printed in capitals at the end of a line ('- Như trên;   KT. CHỦ TỊCH' -> 'Chủ tịch')."""
        m = re.search(r"((?:[A-ZĐÀ-Ỹ]+[ \t]+)*[A-ZĐÀ-Ỹ]+)[ \t]*$", line.rstrip(" .,;"))
        if not m:
            return None
        words = m.group(1).split()
        for k in range(len(words)):  # the longest role suffix ('TM. ỦY BAN NHÂN DÂN' has none)
            role = self.words.role(" ".join(words[k:]))
            if role:
                return role
        return None

    def _recipients(self, parsed: Parsed, block: TitleBlock) -> None:
        """'Kính gửi:' addressees and the 'Nơi nhận:' list, as printed (signature parts cut out)."""
        text = parsed.text.text
        lines = parsed.text.lines
        head = re.compile(rf"\s*(?:{'|'.join(re.escape(h) for h in self.words.recipient_heads)})\s*:?")
        i = 0
        while i < len(lines):
            span = lines[i]
            m = head.match(text, span.start, span.end)
            i += 1
            if not m:
                continue
            items: list[tuple[int, int]] = []
            inline = self._strip_signature(text[m.end() : span.end])
            if inline.strip():
                a = m.end() + len(inline) - len(inline.lstrip())
                items.append((a, m.end() + len(inline.rstrip())))
            while i < len(lines):
                span = lines[i]
                line = text[span.start : span.end]
                bare = self._strip_signature(line)
                stripped = bare.strip()
                if not stripped:
                    if items:
                        break
                    i += 1
                    continue
                bullet = re.match(r"^\s*[-+•]\s*", bare)
                if bullet:
                    items.append((span.start + bullet.end(), span.start + len(bare.rstrip())))
                elif items and len(stripped) < 80 and not head.match(stripped) and not self._body_start.match(
                        fold(stripped)) and not re.search(r"[.;:/]\s*$", text[items[-1][0] : items[-1][1]]):
                    # a wrapped item ('- Các ban Đảng, Uỷ ban Kiểm tra,' / 'Văn phòng Trung ương Đảng,'); after an
                    # item closed by ';' or '.', a line without a bullet is the body, not the list
                    items[-1] = (items[-1][0], span.start + len(bare.rstrip()))
                else:
                    break
                i += 1
            for a, b in items:
                raw = text[a:b]
                cleaned = re.sub(r"\((?:báo cáo|Báo cáo|b/c|để b/c|để báo cáo|thực hiện|t/h|để thực hiện)\)", "",
                                 raw)
                cleaned = re.sub(r"\s+", " ", cleaned).strip(" ,.;")
                if not cleaned or any(fold(cleaned).startswith(fold(f)) for f in self.words.filing):
                    continue
                if re.match(r"nhu (?:tren|dieu|muc|khoan|diem|phan|kinh gui)\b", fold(cleaned)):
                    continue  # 'Như trên', 'Như Điều 4', 'Như mục 1, 2': the bodies named there, not a name
                block.recipients.append(NamedRef(cleaned, parsed.evidence(a, b)))

    def _strip_signature(self, line: str) -> str:
        """A 'Nơi nhận' line interleaved with the signature column: '- Như trên;   KT. CHỦ TỊCH' -> '- Như trên;'."""
        m = self._sign.search(line)
        if m:
            line = line[: m.start()]
        if (m_caps := re.search(r"\s((?:[A-ZĐÀ-Ỹ]+[ \t]+)*[A-ZĐÀ-Ỹ]+)[ \t]*$", line)) and self._role_in(line):
            line = line[: m_caps.start()]
        name = _trailing_person_name(line)
        if name and re.search(r"[;,.]\s+" + re.escape(name) + r"\s*$", line):
            line = line[: line.rfind(name)]
        return line


def _trailing_person_name(line: str) -> str | None:
    """A person's name (2–5 capitalised syllables, not all capitals) at the end of a line."""
    m = re.search(r"((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){1,4}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)\s*$", line)
    if not m:
        return None
    name = m.group(1)
    before = line[: m.start(1)].rstrip()
    if before and not re.search(r"[;,.:)]\s*$|\s{2,}$|^[-+•]$", line[: m.start(1)]) and len(before) > 2:
        return None
    if fold(name).split()[0] in {"so", "ban", "bo", "ubnd", "van", "phong", "uy", "cac", "nhu", "luu", "tinh"}:
        return None
    return name


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _overlaps(taken: list[tuple[str, int, int, object]], a: int, b: int) -> bool:
    return any(not (b <= t[1] or a >= t[2]) for t in taken)


def _make_date(year: str | None, month: str | None, day: str | None) -> date | None:
    if not (year and month and day):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
