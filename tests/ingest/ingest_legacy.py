"""Encoders for the legacy Vietnamese encodings, to make test files (the reverse of graph/build/readers/text.py)."""

from __future__ import annotations

import unicodedata

from graph.build.readers.text import TONE_MARKS, _tables


def encode_tcvn3(text: str) -> bytes:
    """Upper-case toned letters have no byte of their own in TCVN3: they are written as lower case."""
    inverse = {letter: code for code, letter in _tables()[0].items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(inverse.get(ch) or (inverse.get(ch.lower(), ch) if not ch.isascii() else ch))
    return "".join(out).encode("latin-1")


def encode_vni(text: str) -> bytes:
    inverse: dict[str, str] = {}
    for code, letter in sorted(_tables()[1].items(), key=lambda kv: len(kv[0])):
        inverse.setdefault(letter, code)
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text)).encode("cp1252")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258: letters with their vowel modifiers precomposed where the code page has them, tones combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)
