"""Text keys shared by the build, the read side and the web app: search folding (diacritics off,
'đ' -> 'd'), an offset-preserving fold for matching names in text, and whitespace collapsing.
Folded text is a key for matching, never a stored label."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Search key: lower case, no diacritics, 'đ' -> 'd', single spaces. Never stored as a label."""
    # names are folded again and again (every issuer of a thousand documents at each ingest): short texts cached
    return _fold_short(text) if len(text) <= 200 else _fold(text)


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if ch.isspace():
        return " "
    base = "".join(c for c in unicodedata.normalize("NFD", ch.lower()) if unicodedata.category(c) != "Mn")
    return base[:1] if base else ch


@lru_cache(maxsize=64)
def fold_chars(text: str) -> str:
    """Like :func:`fold` but one output character per input character, so offsets in the folded text
    are offsets in ``text`` (for matching names in the normalised text). Cached: extractors search
    slices of the same text thousands of times."""
    return "".join(_fold_char(ch) for ch in text)


def latin(text: str) -> str:
    """A Vietnamese name written without diacritics, case kept ('Hà Tĩnh' -> 'Ha Tinh'): the English form of a
    place's name in an English label. Not a search key (see :func:`fold`)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Mn"))


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces (for quotes shown to people)."""
    return re.sub(r"\s+", " ", text).strip()
