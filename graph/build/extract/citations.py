"""Every document a source cites by its number, with the cited document's type, date, issuer and subject where
printed next to it, and which citations are implementations (GENRE.md: three numbering families, every type
word; 'Thực hiện / Triển khai thực hiện / Tiếp tục thực hiện / cụ thể hóa …' in the subject or the opening).

The document's own number is never a citation. Type words are ``data/document_types.yaml``, implementation
cues ``data/citation_cues.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.agencies import AgencyLexicon, sentence_case
from graph.build.bodies import BodyResolver
from graph.build.extract.doctypes import DocumentType, DocumentTypes
from graph.build.extract.numbering import NUMBER_RE, codes, number_key, tidy
from graph.build.model import Citation, DocumentRef, Evidence, Parsed

_DATE_NUMERIC = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_AFTER_NUMBER_DATE = re.compile(
    r"^\s*[,(]?\s*(?:ban hành\s+)?ngày\s*:?\s*(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
    r"|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})\)?"
)
_ISSUER = re.compile(
    r"^\s*,?\s*(?:(?:tại\s+)?Hội nghị lần thứ [\wâ]+\s+(?:của\s+)?|của\s+)"
    r"(?P<issuer>[A-ZĐÀ-Ỹ][^,;:()]*?)"
    r"(?=\s+(?:khóa|khoá|về|thực hiện|tại|nhiệm kỳ|lần thứ|quy định|hướng dẫn|phê duyệt|ban hành|sửa đổi|"
    r"thông qua|kỳ họp)\b|\s*[,;:().]|\s+và\s+(?:{types})|$)"
)
# 'Luật Tổ chức chính quyền địa phương số 77/2015/QH13': a named law before its number
_NAMED_LAW = re.compile(r"\b(Luật|Bộ luật|Pháp lệnh)\s+([^,;()\n]{2,80}?)\s+số\s*:?\s*$")


@dataclass(frozen=True)
class CitationCues:
    implements: tuple[str, ...]
    fillers: tuple[str, ...]
    assessment: tuple[str, ...] = ()
    office_holders: tuple[str, ...] = ()
    issuer_verbs: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load_citation_cues(path: Path) -> CitationCues:
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    cues = tuple(sorted(d["implements_cues"], key=len, reverse=True))
    return CitationCues(cues, tuple(d.get("cue_fillers") or ()), tuple(d.get("assessment_before_cue") or ()),
                        tuple(sorted(d.get("office_holders") or (), key=len, reverse=True)),
                        tuple(d.get("issuer_verbs_before") or ()), tuple(d.get("implements_patterns") or ()))


class CitationReader:
    """Finds every numbered citation of a source."""

    def __init__(self, types: DocumentTypes, agencies: AgencyLexicon, cues: CitationCues,
                 bodies: BodyResolver | None = None) -> None:
        self.types = types
        self.agencies = agencies
        self.bodies = bodies
        self._assessment = re.compile(rf"(?:{'|'.join(cues.assessment) or '(?!)'})\s*$", re.I)
        self._office = re.compile(rf"^(?:{'|'.join(re.escape(o) for o in cues.office_holders) or '(?!)'})\s+", re.I)
        verbs = "|".join(re.escape(v) for v in cues.issuer_verbs) or "(?!)"
        self._issuer_then_verb = re.compile(rf"([A-ZĐ][^,;()]{{2,60}}?)\s+(?:{verbs})\s*(?:tại\s*)?\(?\s*$")
        words = types.alternation
        self._type_before = re.compile(rf"({words})(?:\s+số)?\s*:?\s*$", re.I)
        fillers = "|".join(re.escape(f) for f in cues.fillers)
        cue = "|".join(re.escape(c) for c in cues.implements)
        patterns = "".join(f"|{p}" for p in cues.patterns)
        self._implements_cue = re.compile(rf"(?:^|[\s,(])(?P<cue>{cue}{patterns})(?:\s+(?:{fillers}))?\s*$", re.I)
        self._between = re.compile(rf"^\s*,?\s*(?:về\s+(?:việc\s+)?)?(?P<cue>{cue})\s*$", re.I)
        self._subject = re.compile(
            rf"^[^;()\n]*?\s(về\s[^;()\n]{{3,240}}?)(?=\s*[;()\n]|\s*,?\s+(?:và\s+)?(?:các\s+)?(?:{words})\b|"
            rf"\.\s|\.?$)"
        )
        self._issuer = re.compile(_ISSUER.pattern.replace("{types}", words))

    def canonical_agency(self, printed: str) -> str:
        printed = re.sub(r"\s+", " ", printed).strip(" ,.;")
        holder = self._office.match(printed)
        if holder and self.agencies.find(printed[holder.end() :]):
            printed = printed[holder.end() :]  # 'Giám đốc Sở Tài chính' -> the body
        known = self.agencies.canonical(printed)
        if known:
            return known
        if self.bodies is not None:
            _, province = self.bodies.split_province(printed)
            body = self.bodies.resolve(printed, province=province)
            if body.curated or body.level == "local":  # 'HĐND phường Cửa Lò' is not 'HĐND tỉnh'
                return body.name if not province else printed
        found = self.agencies.find(printed)  # '… Thủ tướng Chính phủ phê duyệt Đề án' -> the known head
        if found and found[0].start == 0:
            return found[0].name
        return sentence_case(printed) if printed.isupper() else printed

    def _type_of(self, number: str) -> DocumentType | None:
        t = self.types.for_number(number)
        if t is None and codes(number).family == "legal" and codes(number).type_code is None:
            t = self.types.for_word("Luật")  # 77/2015/QH13: the code is the legislature
        return t

    def read(self, parsed: Parsed, own: DocumentRef, header_end: int, opening_end: int) -> list[Citation]:
        text = parsed.text.text
        own_key = number_key(own.number) if own.number else None
        found: list[Citation] = []
        last_type: tuple[int, DocumentType] | None = None
        previous: DocumentRef | None = None
        previous_end = 0
        previous_relation = "cites"
        previous_subject_at: int | None = None
        for m in NUMBER_RE.finditer(text):
            number = tidy(m.group(0))
            if own_key and number_key(number) == own_key:
                continue  # the document itself (its 'Số' line, or 'Kế hoạch này số …')
            sentence_start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start()), 0)
            before = text[max(sentence_start, m.start() - 90) : m.start()]
            doc_type = None
            title_from_name = None
            start = m.start()
            if nm := _NAMED_LAW.search(before):
                doc_type = self.types.for_word(nm.group(1))
                title_from_name = f"{nm.group(1)} {nm.group(2).strip()}"
                start = m.start() - (len(before) - nm.start())
            elif tm := self._type_before.search(before):
                doc_type = self.types.for_word(tm.group(1))
                if doc_type is not None and not doc_type.codes:  # a generic word ('Văn bản'): the code says more
                    doc_type = self._type_of(number) or doc_type
                start = m.start() - (len(before) - tm.start())
            elif last_type and re.fullmatch(r"\s*(?:,|và|;)\s*(?:số\s*)?", text[last_type[0] : m.start()]):
                doc_type = last_type[1]  # 'các Nghị quyết số 19-NQ/TW, 20-NQ/TW'
                coded = self._type_of(number)
                if coded is not None and coded.codes and coded != doc_type:
                    doc_type = coded  # '… 12-CT/TU và 45-KL/TW': the code wins over the list's type
            else:
                doc_type = self._type_of(number)
                if doc_type is None and re.search(r"\bsố\s*:?\s*$", before):
                    doc_type = self.types.for_word("Văn bản")  # 'số 2045/UBND-KT': a công văn
            if doc_type is None:
                continue
            after = text[m.end() : m.end() + 400]
            issued = None
            end = m.end()
            if dm := _AFTER_NUMBER_DATE.match(after):
                issued = _parse_date(dm.group(1))
                end = m.end() + dm.end()
                after = text[end : end + 400]
            issuer = None
            if im := self._issuer.match(after):
                issuer = self.canonical_agency(im.group("issuer"))
                end = end + im.end("issuer")
            else:
                issuer = self._issuer_before(text[max(sentence_start, start - 80) : start])
            subject = title_from_name
            subject_at = None
            sm = self._subject.match(text[end : end + 300])
            if sm and sm.start(1) < 40:
                subject = sm.group(1).strip()
                subject_at = end + sm.start(1)
                end = end + sm.end(1)
            line_end = text.find("\n", end)
            end = min(end, line_end) if line_end >= 0 else end
            relation = "cites"
            citing = None
            prefix = text[max(sentence_start, start - 160) : start]
            in_title = bool(header_end) and start < header_end
            gap = text[previous_end:start] if previous_end else ""
            lead_in = text[previous_subject_at:start] if previous_subject_at is not None else ""
            cue_m = None
            if previous and ((bm := self._between.match(gap)) or (bm := self._between.match(lead_in))):
                # '… Kế hoạch số 13-KH/TW … của Bộ Chính trị thực hiện Nghị quyết số 29-NQ/TW'
                # '… Chương trình hành động số 16-CTr/TU … về thực hiện Nghị quyết số 19-NQ/TW'
                citing = previous
                cue_m = bm
            elif (in_title or start < opening_end) and (((cue_m := self._implements_cue.search(prefix)) and
                                                         not self._assessment.search(prefix[: cue_m.start("cue")])) or (
                    previous_relation == "implements" and re.search(r"\svà\s*$", gap) and "." not in gap)):
                relation = "implements"
            ev = parsed.evidence(start, end)
            ref = DocumentRef(doc_type.word, number, issued, issuer, subject, ev)
            cue = cue_m.group("cue") if cue_m else "thực hiện"
            if relation == "implements":
                ev = Evidence(ev.source, ev.start, ev.end, ev.quote, cue=cue)
            if citing is not None:
                # the quote spans both documents: the citing one, the cue and the implemented one
                both = parsed.evidence(citing.evidence.start, end)
                found.append(Citation(ref, "implements", Evidence(both.source, both.start, both.end, both.quote,
                                                                  cue=cue), citing=citing))
            found.append(Citation(ref, relation, ev))
            last_type = (m.end(), doc_type)
            previous, previous_end, previous_relation = ref, end, relation
            previous_subject_at = subject_at
        return found

    def _issuer_before(self, before: str) -> str | None:
        """'… của Sở Công Thương tại Văn bản số …', 'Bộ Xây dựng báo cáo (Văn bản số …' name the issuer
        before the number (the second only for a body the lexicon knows)."""
        m = re.search(r"của\s+([A-ZĐ][^,;()]{2,60}?)\s+tại\s*$", before)
        if m:
            return self.canonical_agency(m.group(1))
        m = self._issuer_then_verb.search(before)
        if m:
            found = self.agencies.find(m.group(1))
            if found and found[-1].end == len(m.group(1).rstrip()):
                return found[-1].name
        return None


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _parse_date(printed: str) -> date | None:
    m = _DATE_NUMERIC.fullmatch(printed.strip())
    if m:
        return _make_date(m.group(3), m.group(2), m.group(1))
    m = re.fullmatch(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", printed.strip())
    if m:
        return _make_date(m.group(3), m.group(2), m.group(1))
    return None
