"""Extract what a source says about itself (type, number, date, issuer, title, signer,
recipients) and every document it cites, with evidence.

The document-type words and the codes used inside numbers are curated data
(``data/document_types.yaml``), so a new type is a line of YAML, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.agencies import AgencyLexicon, sentence_case
from graph.build.model import Citation, DocumentRecord, DocumentRef, Evidence, NamedRef, Parsed
from graph.text import fold

# A document number as printed: 11-NQ/TU, 2022-CTr/TU, 06/QĐ-TTg, 1403/SCT-QLTM8, 1283/NQ-UBTVQH15
NUMBER = (
    r"(?<![\w/-])(?:\d{1,5}-[A-ZĐ][A-Za-zĐđ]{0,5}/[A-ZĐ][A-ZĐa-z0-9]{0,12}"
    r"|\d{1,5}/[A-ZĐ][A-ZĐa-z]{0,6}(?:-[A-ZĐ][A-ZĐa-z0-9]{0,12})+)(?![\w/])"
)
_NUMBER_RE = re.compile(NUMBER)
_DATE_NUMERIC = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_AFTER_NUMBER_DATE = re.compile(
    r"^\s*,?\s*(?:ban hành\s+)?ngày\s+(\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
)
_ISSUER = re.compile(
    r"^\s*,?\s*(?:(?:tại\s+)?Hội nghị lần thứ [\wâ]+\s+|của\s+)"
    r"(?P<issuer>[A-ZĐÀ-Ỹ][^,;:()]*?)"
    r"(?=\s+(?:khóa|khoá|về|thực hiện|tại|nhiệm kỳ|lần thứ)\b|\s*[,;:().]|\s+và\s+(?:Kế hoạch|Nghị quyết|Thông báo|"
    r"Kết luận|Chương trình|Quyết định|Chỉ thị)|$)"
)
_DOC_WORDS = r"(?:Chương trình|Nghị quyết|Kết luận|Kế hoạch|Quyết định|Chỉ thị|Thông báo|Văn bản|Nghị định|Thông tư)"
_SUBJECT = re.compile(
    rf"^[^;()\n]*?\s(về\s[^;()\n]{{3,240}}?)(?=\s*[;()\n]|\s*,?\s+(?:và\s+)?(?:các\s+)?{_DOC_WORDS}\b|\.\s|\.?$)"
)
_IMPLEMENTS_CUE = re.compile(r"(?:tiếp tục\s+)?(?:triển khai\s+)?thực hiện(?:\s+hiệu quả)?\s*$", re.I)
_ROLES = {
    "PHÓ CHỦ TỊCH": "Phó Chủ tịch", "CHỦ TỊCH": "Chủ tịch", "PHÓ BÍ THƯ": "Phó Bí thư", "BÍ THƯ": "Bí thư",
    "PHÓ GIÁM ĐỐC": "Phó Giám đốc", "GIÁM ĐỐC": "Giám đốc", "PHÓ TRƯỞNG BAN": "Phó Trưởng ban",
    "TRƯỞNG BAN": "Trưởng ban",
}
_SIGN_BLOCK = re.compile(r"^(?:T/M|TM\.|KT\.|TL\.|TUQ\.)\s*", re.M)


@dataclass(frozen=True)
class DocumentType:
    word: str
    cls: str
    codes: tuple[str, ...]


@lru_cache(maxsize=4)
def load_document_types(path: Path) -> tuple[DocumentType, ...]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    types = tuple(DocumentType(r["word"], r["class"], tuple(r.get("codes") or ())) for r in rows)
    return tuple(sorted(types, key=lambda t: -len(t.word)))


class DocumentExtractor:
    """Reads the title block, signature, 'Nơi nhận' list and every citation of a source."""

    def __init__(self, types: tuple[DocumentType, ...], agencies: AgencyLexicon) -> None:
        self.types = types
        self.agencies = agencies
        words = "|".join(re.escape(t.word) for t in types)
        self._type_before = re.compile(rf"({words})(?:\s+số)?\s*$", re.I)
        self._type_word = re.compile(rf"\b({words})\b", re.I)
        self._code_type = {code.lower(): t for t in types for code in t.codes}

    # -- helpers ---------------------------------------------------------------------------
    def type_for_word(self, word: str) -> DocumentType | None:
        key = fold(word)
        return next((t for t in self.types if fold(t.word) == key), None)

    def type_for_number(self, number: str) -> DocumentType | None:
        for part in re.split(r"[-/]", number)[1:]:
            t = self._code_type.get(part.lower())
            if t:
                return t
        return None

    def canonical_agency(self, printed: str) -> str:
        printed = re.sub(r"\s+", " ", printed).strip(" ,.;")
        known = self.agencies.canonical(printed)
        if known:
            return known
        words = printed.split()
        for k in range(len(words) - 1, 0, -1):  # '… Thủ tướng Chính phủ phê duyệt Đề án' -> the known head
            known = self.agencies.canonical(" ".join(words[:k]))
            if known:
                return known
        return sentence_case(printed) if printed.isupper() else printed

    # -- the document's own metadata -----------------------------------------------------------
    def extract(self, parsed: Parsed) -> DocumentRecord:
        own = self._own_reference(parsed)
        record = DocumentRecord(ref=own)
        self._signature(parsed, record)
        self._recipients(parsed, record)
        record.citations = self._citations(parsed, own)
        return record

    def _header_limit(self, parsed: Parsed) -> int:
        """End of the title block: the '-----' separator, or the first numbered section."""
        text = parsed.text.text
        sep = re.search(r"^-{3,}\s*$", text, re.M)
        if sep and sep.start() < 3000:
            return sep.start()
        return 0

    def _own_reference(self, parsed: Parsed) -> DocumentRef:
        text = parsed.text.text
        separator = self._header_limit(parsed)
        limit = separator or min(len(text), 1500)
        head = text[:limit]
        doc_type: DocumentType | None = None
        type_span = (0, 0)
        issuer: str | None = None
        for para in parsed.text.paragraphs:
            if para.start >= limit:
                break
            chunk = text[para.start : para.end]
            letters = [c for c in chunk if c.isalpha()]
            if not letters or not all(c.isupper() for c in letters):
                continue
            m = self._type_word.match(chunk)
            if m:
                doc_type = self.type_for_word(m.group(1))
                type_span = (para.start, para.end)
                rest = chunk[m.end() :].strip()
                if rest.startswith("CỦA "):
                    issuer = self.canonical_agency(rest[4:])
                break
        from_heading = doc_type is not None
        if doc_type is None:
            doc_type, type_span = self._self_reference_type(parsed)
        number = None
        m = re.search(rf"^Số\s+({NUMBER})", head, re.M)
        if m:
            number = m.group(1)
        issued = None
        m = _DATE_WORDS.search(head)
        if m:
            issued = _make_date(m.group(3), m.group(2), m.group(1))
        title, title_span = self._title(parsed, type_span[1], separator) if from_heading else (None, (0, 0))
        if issuer is None:
            issuer = self._issuer_from_body(parsed, doc_type)
        ev_start = type_span[0]
        ev_end = max(type_span[1], title_span[1])
        evidence = parsed.evidence(ev_start, ev_end) if ev_end > ev_start else parsed.evidence(0, 0)
        return DocumentRef(doc_type.word if doc_type else "Văn bản", number, issued, issuer, title, evidence)

    def _self_reference_type(self, parsed: Parsed) -> tuple[DocumentType | None, tuple[int, int]]:
        """A document with no title block names itself: 'Nghị quyết được quán triệt …', 'Kết luận này'."""
        text = parsed.text.text
        patterns = [
            rf"\b({'|'.join(re.escape(t.word) for t in self.types)})\s+(?:này|được quán triệt|được phổ biến)",
        ]
        for pattern in patterns:
            matches = list(re.finditer(pattern, text))
            if matches:
                m = matches[-1]
                return self.type_for_word(m.group(1)), (m.start(), m.end())
        return None, (0, 0)

    def _title(self, parsed: Parsed, after: int, limit: int) -> tuple[str | None, tuple[int, int]]:
        """The subject lines under the type heading, up to the separator (or while lines continue)."""
        if after <= 0:
            return None, (0, 0)
        text = parsed.text.text
        lines = [s for s in parsed.text.lines if s.start > after]
        picked = []
        for i, span in enumerate(lines):
            if limit and span.start >= limit:
                break
            line = text[span.start : span.end]
            if re.fullmatch(r"[-–_*=.\s]+", line):
                break
            picked.append(span)
            if not limit:
                nxt = lines[i + 1] if i + 1 < len(lines) else None
                if nxt is None or not text[nxt.start : nxt.start + 1].islower():
                    break
            if len(picked) > 8:
                break
        if not picked:
            return None, (0, 0)
        start, end = picked[0].start, picked[-1].end
        title = re.sub(r"\s+", " ", text[start:end]).strip()
        return title, (start, end)

    def _issuer_from_body(self, parsed: Parsed, doc_type: DocumentType | None) -> str | None:
        text = parsed.text.text
        if doc_type is not None:
            m = re.search(rf"([A-ZĐÀ-Ỹ][\wÀ-ỹ ]{{2,60}}?)\s+ban hành\s+{re.escape(doc_type.word)}", text[:4000])
            if m:
                candidate = m.group(1)
                # keep the longest tail that the lexicon knows ('…, UBND tỉnh ban hành')
                words = candidate.split()
                for k in range(len(words)):
                    known = self.agencies.canonical(" ".join(words[k:]))
                    if known:
                        return known
        m = re.search(r"^(?:T/M|TM\.)\s*(.+)$", text, re.M)
        if m:
            block = m.group(1)
            for role in _ROLES:
                block = re.sub(rf"\s*(?:KT\.\s*)?{role}\s*$", "", block)
            block = re.sub(r"\s*KT\.\s*\w+.*$", "", block).strip()
            known = self.agencies.canonical(block) or self.agencies.canonical(block + " tỉnh")
            if known:
                return known
            return sentence_case(block) if block else None
        return None

    def _signature(self, parsed: Parsed, record: DocumentRecord) -> None:
        """The last 'T/M …' / 'TM. …' block: the role is its last caps role, the signer the name under it."""
        text = parsed.text.text
        starts = [m.start() for m in _SIGN_BLOCK.finditer(text)]
        if not starts:
            return
        paras = [p for p in parsed.text.paragraphs if p.start >= starts[-1]][:6]
        for para in paras:
            chunk = text[para.start : para.end].strip()
            letters = [c for c in chunk if c.isalpha()]
            if letters and all(c.isupper() for c in letters):
                for role, printed in _ROLES.items():
                    if chunk.endswith(role):
                        record.signer_role = printed
                        break
                continue
            words = chunk.split()
            if 2 <= len(words) <= 5 and all(w[:1].isupper() and not w.isupper() for w in words):
                record.signer = NamedRef(chunk, parsed.evidence(para.start, para.end))
            break

    def _recipients(self, parsed: Parsed, record: DocumentRecord) -> None:
        text = parsed.text.text
        m = re.search(r"^Nơi nhận\s*:?", text, re.M)
        if not m:
            return
        pos = text.find("\n", m.end())
        items: list[tuple[int, int]] = []
        while pos >= 0 and pos < len(text):
            end = text.find("\n", pos + 1)
            end = len(text) if end < 0 else end
            line = text[pos + 1 : end]
            if _SIGN_BLOCK.match(line) or not line.strip():
                break
            if line.startswith(("- ", "-", "+ ")):
                items.append((pos + 1 + 2 if line.startswith("- ") else pos + 2, end))
            elif items and len(line) < 80:
                items[-1] = (items[-1][0], end)
            else:
                break
            pos = end
        for start, end in items:
            raw = text[start:end]
            cleaned = re.sub(r"\((?:báo cáo|Báo cáo|b/c|để b/c)\)", "", raw)
            cleaned = re.sub(r"\s+", " ", cleaned).strip(" ,.;")
            if not cleaned or fold(cleaned).startswith("luu"):
                continue
            record.recipients.append(NamedRef(cleaned, parsed.evidence(start, end)))

    # -- citations ----------------------------------------------------------------------------
    def _citations(self, parsed: Parsed, own: DocumentRef) -> list[Citation]:
        text = parsed.text.text
        header_end = self._header_limit(parsed)
        found: list[Citation] = []
        last_type: tuple[int, DocumentType] | None = None
        previous: DocumentRef | None = None
        previous_end = 0
        previous_relation = "cites"
        previous_subject_at: int | None = None
        # the opening paragraph after the title block ('Thực hiện Nghị quyết …, … ban hành …')
        body_start = header_end + 1 if header_end else 0
        first_para = next((p for p in parsed.text.paragraphs if p.start > body_start and len(
            text[p.start:p.end]) > 80), None)
        opening_end = first_para.end if first_para and header_end else 0
        for m in _NUMBER_RE.finditer(text):
            number = m.group(0)
            if own.number and number == own.number:
                continue
            sentence_start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start()), 0)
            before = text[max(sentence_start, m.start() - 60) : m.start()]
            doc_type = None
            start = m.start()
            tm = self._type_before.search(before)
            if tm:
                doc_type = self.type_for_word(tm.group(1))
                if doc_type is not None and not doc_type.codes:  # generic word ('các văn bản'): the code says more
                    doc_type = self.type_for_number(number) or doc_type
                start = m.start() - (len(before) - tm.start())
            elif last_type and re.fullmatch(r"\s*(?:,|và)\s*", text[last_type[0] : m.start()]):
                doc_type = last_type[1]  # 'các Nghị quyết số 19-NQ/TW, 20-NQ/TW'
                coded = self.type_for_number(number)
                if coded is not None and coded.codes and coded != doc_type:
                    doc_type = coded  # '… 12-CT/TU và 45-KL/TW': the code wins over the list's type
            else:
                doc_type = self.type_for_number(number)
            if doc_type is None:
                continue
            after = text[m.end() : m.end() + 400]
            issued = None
            end = m.end()
            dm = _AFTER_NUMBER_DATE.match(after)
            if dm:
                issued = _parse_date(dm.group(1))
                end = m.end() + dm.end()
                after = text[end : end + 400]
            issuer = None
            im = _ISSUER.match(after)
            if im:
                issuer = self.canonical_agency(im.group("issuer"))
                end = end + im.end("issuer")
            else:
                issuer = self._issuer_before(text[max(sentence_start, start - 80) : start])
            subject = None
            subject_at = None
            sm = _SUBJECT.match(text[end : end + 300])
            if sm and sm.start(1) < 40:
                subject = sm.group(1).strip()
                subject_at = end + sm.start(1)
                end = end + sm.end(1)
            line_end = text.find("\n", end)
            end = min(end, line_end) if line_end >= 0 else end
            relation = "cites"
            citing = None
            prefix = text[max(sentence_start, start - 40) : start]
            in_title = bool(header_end) and start < header_end
            gap = text[previous_end:start] if previous_end else ""
            lead_in = text[previous_subject_at:start] if previous_subject_at is not None else ""
            if previous and (re.fullmatch(r"\s*,?\s*(?:về\s+)?(?:tiếp tục\s+)?thực hiện\s*", gap) or re.fullmatch(
                    r"\s*về\s+(?:việc\s+)?(?:tiếp tục\s+)?(?:triển khai\s+)?thực hiện\s*", lead_in)):
                # '… Kế hoạch số 13-KH/TW … của Bộ Chính trị thực hiện Nghị quyết số 29-NQ/TW'
                # '… Chương trình hành động số 16-CTr/TU … về thực hiện Nghị quyết số 19-NQ/TW'
                citing = previous
            elif (in_title or start < opening_end) and (_IMPLEMENTS_CUE.search(prefix) or (
                    previous_relation == "implements" and re.search(r"\svà\s*$", gap) and "." not in gap)):
                relation = "implements"
            ev = parsed.evidence(start, end)
            ref = DocumentRef(doc_type.word, number, issued, issuer, subject, ev)
            cue = None
            if relation == "implements":
                cue = re.search(r"(?:tiếp tục\s+)?(?:triển khai\s+)?thực hiện", prefix, re.I)
                ev = Evidence(ev.source, ev.start, ev.end, ev.quote, cue=cue.group(0) if cue else "thực hiện")
            if citing is not None:
                # the quote spans both documents: the citing one, the cue and the implemented one
                cue = re.search(r"(?:tiếp tục\s+)?(?:triển khai\s+)?thực hiện", lead_in or gap, re.I)
                both = parsed.evidence(citing.evidence.start, end)
                found.append(Citation(ref, "implements", Evidence(both.source, both.start, both.end, both.quote,
                                                                  cue=cue.group(0) if cue else "thực hiện"),
                                      citing=citing))
            found.append(Citation(ref, relation, ev))
            last_type = (m.end(), doc_type)
            previous, previous_end, previous_relation = ref, end, relation
            previous_subject_at = subject_at
        return found

    def _issuer_before(self, before: str) -> str | None:
        """'… của Sở Công Thương tại Văn bản số …' names the issuer before the number."""
        m = re.search(r"của\s+([A-ZĐ][^,;()]{2,60}?)\s+tại\s*$", before)
        return self.canonical_agency(m.group(1)) if m else None


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
