"""Stage 3: the structure of a normalised text.

Each paragraph becomes a :class:`Block`: a heading (Roman numeral or all caps), an article
('Điều 3.'), a numbered item ('1.', '3.14'), a lettered item ('a)'), a bullet ('- ', '+ ',
'•'), or plain text. Party documents (Hướng dẫn 36-HD/VPTW) also number with a hyphen:
'I-', '1-', 'a-' are read like 'I.', '1.', 'a)'. Each block knows the headings and
numbered items it sits under, so extractors can ask "is this inside the tasks section?"
without re-parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.build.normalise import NormalisedText, Span

_ROMAN = re.compile(r"^([IVXL]+)(?:\.|\s*-(?=\s*[^\W\d]))\s*(.*)$", re.S)
_ARTICLE = re.compile(r"^Điều\s+(\d{1,3})\s*[.:]\s*(.*)$", re.S)
_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(.*)$", re.S)
_DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.(?:\s+|$)(.*)$", re.S)
_PARTY_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\s*-\s*(?=[^\W\d])(.*)$", re.S)  # '1- Sở …', '2.1- …'
_LETTER = re.compile(r"^([a-zđ])(?:\)|\s*-(?=\s*[^\W\d]))\s*(.*)$", re.S)  # 'a) …', 'a- …'

_BULLET = re.compile(r"^([-–•+*])\s+(.*)$", re.S)


@dataclass(frozen=True)
class Block:
    index: int
    kind: str  # heading | article | numbered | lettered | bullet | text | separator
    number: str | None  # printed number without the trailing '.', e.g. "II", "3", "3.14", "a"
    body: Span  # the text after the marker
    span: Span  # the whole paragraph
    caps: bool
    path: tuple[int, ...]  # indexes of the enclosing heading / numbered / lettered blocks


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _level(block: Block) -> int:
    if block.kind in ("heading", "article"):
        return 0
    if block.kind == "numbered":
        return 1 + (block.number or "").count(".")
    if block.kind == "lettered":
        return 5
    return 9


# Markers the normaliser does not start a paragraph at (it joins a line that follows one ending without a full
# stop): Party numbering and articles. A source line that starts with one starts a block.
_LINE_MARKER = re.compile(r"^(?:[a-zđ]\s*-\s+\S|\d{1,2}\s*-\s+[^\W\d]|[IVXL]+\s*-\s+\S|Điều\s+\d{1,3}\s*[.:]\s)")


def _pieces(text: NormalisedText) -> list[Span]:
    """The paragraphs, each cut again where one of its source lines starts with a :data:`_LINE_MARKER`."""
    out: list[Span] = []
    lines = iter(text.lines)
    line = next(lines, None)
    for para in text.paragraphs:
        start = para.start
        while line is not None and line.start < para.end:
            if line.start > start and line.start >= para.start and \
                    _LINE_MARKER.match(text.text[line.start : line.end]):
                out.append(Span(start, line.start - 1 if text.text[line.start - 1] == " " else line.start))
                start = line.start
            line = next(lines, None)
        out.append(Span(start, para.end))
    return out


def segment(text: NormalisedText) -> list[Block]:
    """Classify every paragraph of ``text`` and record the outline above it."""
    blocks: list[Block] = []
    stack: list[Block] = []
    raw = text.text
    for i, para in enumerate(_pieces(text)):
        chunk = raw[para.start : para.end]
        kind, number, body_at = "text", None, 0
        caps = _is_caps(chunk)
        if re.fullmatch(r"[-–_*=.\s]+|-\s*\d{1,3}\s*-", chunk):  # rules, and page numbers '- 2 -'

            kind = "separator"
        elif m := _ROMAN.match(chunk):
            kind, number, body_at = "heading", m.group(1), m.start(2)
        elif m := _ARTICLE.match(chunk):
            kind, number, body_at = "article", m.group(1), m.start(2)
        elif caps and len(chunk) < 200:
            kind = "heading"
        elif m := (_DOTTED.match(chunk) or _NUMBER.match(chunk) if "." in chunk[:6] else _DOTTED.match(chunk)):
            kind, number, body_at = "numbered", m.group(1), m.start(2)
        elif m := _PARTY_NUMBER.match(chunk):
            kind, number, body_at = "numbered", m.group(1), m.start(2)
        elif m := _LETTER.match(chunk):
            kind, number, body_at = "lettered", m.group(1), m.start(2)
        elif m := _BULLET.match(chunk):
            kind, number, body_at = "bullet", None, m.start(2)
        block = Block(i, kind, number, Span(para.start + body_at, para.end), para, caps, ())
        if kind in ("heading", "article", "numbered", "lettered"):
            level = _level(block)
            if kind == "heading" and number is None:
                # an unnumbered caps heading sits at the level of the last Roman heading
                stack = [b for b in stack if b.kind == "heading" and b.number is not None and False]
            else:
                stack = [b for b in stack if _level(b) < level]
        block = Block(i, kind, number, block.body, para, caps, tuple(b.index for b in stack))
        blocks.append(block)
        if kind in ("heading", "article", "numbered", "lettered"):
            stack.append(block)
    return blocks


def block_text(text: NormalisedText, block: Block) -> str:
    return text.text[block.body.start : block.body.end]
