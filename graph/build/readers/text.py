"""Plain-text sources: UTF-8, or a legacy Vietnamese encoding detected and converted.

Vietnamese text from before Unicode still circulates: TCVN3 (the ABC fonts), VNI-Windows and
Windows-1258, and Unicode in decomposed form (base letter + combining tone mark, NFD). Each
candidate decoding is scored by how many of its words are well-formed Vietnamese syllables;
the best one is taken when it is clearly Vietnamese, otherwise the file is refused with the
reason. The code tables are curated data (``data/legacy_encodings.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from graph.config import PROJECT_ROOT

ENCODINGS_FILE = PROJECT_ROOT / "data" / "legacy_encodings.yaml"
TONE_MARKS = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
_TONE_OF = {v: k for k, v in TONE_MARKS.items()}
# A Vietnamese syllable once its tone is taken off: onset, vowel nucleus, final consonant.
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnpqrstvx])?"
    r"(?:[aăâeêioôơuưy]{1,3})"
    r"(?P<final>ch|ng|nh|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+")
_BROKEN = re.compile(r"(?<=[^\W\d_])[?\ufffd](?=[^\W\d_]|[\u0300-\u036f])|(?<![^\W\d_])[\u0300-\u036f]")
MIN_VIETNAMESE = 0.85  # share of the words with non-ASCII letters that must be well-formed syllables


class EncodingError(ValueError):
    """The bytes are not text in any encoding the reader knows (the message says what was tried)."""


@dataclass(frozen=True)
class DecodedText:
    text: str  # NFC
    encoding: str  # "utf-8", "utf-8 (decomposed)", "tcvn3", "vni-windows", "windows-1258", "utf-16"

    @property
    def converted(self) -> bool:
        return self.encoding not in ("utf-8", "utf-16")


def syllable_score(text: str) -> tuple[int, int]:
    """(well-formed syllables, words checked) over the words that carry a non-ASCII letter."""
    good = total = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        total += 1
        lower = unicodedata.normalize("NFD", word.lower())
        tones = [ch for ch in lower if ch in TONE_MARKS]
        bare = unicodedata.normalize("NFC", "".join(ch for ch in lower if ch not in TONE_MARKS))
        m = _SYLLABLE.match(bare)
        if len(tones) > 1 or not m:
            continue
        if m.group("final") in ("p", "t", "c", "ch") and (not tones or TONE_MARKS[tones[0]] not in ("sắc", "nặng")):
            continue  # a syllable closed by p, t, c or ch takes the sắc or nặng tone
        good += 1
    # a letter cut by an unmapped byte ('Ke?́t'), or a tone mark on nothing: not Vietnamese text
    total += len(_BROKEN.findall(text))
    return good, total


def _with_tone(letter: str, tone: str | None) -> str:
    return unicodedata.normalize("NFC", letter + (_TONE_OF[tone] if tone else ""))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(TCVN3 byte-char -> letter, VNI sequence -> letter), from the data file."""
    data = yaml.safe_load(ENCODINGS_FILE.read_text(encoding="utf-8"))
    tcvn3 = {code: letter for letter, code in data["tcvn3"].items()}
    vni_data = data["vni"]
    tones: dict[str, str] = vni_data["tones"]
    upper: dict[str, str] = {}
    for base in "AEIOUY":
        for tone, code in tones.items():
            upper[base + code] = _with_tone(base, tone)
    for letter, code in vni_data["vowels"].items():
        upper[code] = letter
        for tone, tcode in tones.items():
            upper[code + tcode] = _with_tone(letter, tone)
    upper.update({code: letter for letter, code in vni_data["fused"].items()})
    upper.update({code: letter for letter, code in vni_data["single"].items()})
    for seq in [k for k in upper if k.startswith("I") and len(k) == 2]:
        del upper[seq]  # a toned i is one byte of its own (Í, Ì …), not i + tone
    vni: dict[str, str] = {}
    for code, letter in upper.items():
        vni[code] = letter
        vni[code.lower()] = letter.lower()
    return tcvn3, vni


def decode_tcvn3(text: str) -> str:
    """Latin-1 characters (one per byte) read as TCVN3.

    A word whose other letters are all upper case is upper-cased whole when it has two such letters
    or stands next to an upper-case Vietnamese word on its line ('KÕ HO¹CH' -> 'KẾ HOẠCH'; 'Kõ' stays
    'Kế', 'Sè 21-KL/TU' stays 'Số 21-KL/TU').
    """
    table = _tables()[0]
    decoded = "".join(table.get(ch, ch) for ch in text)
    words = list(re.finditer(r"[^\W\d_]+", decoded))
    chars = list(decoded)

    def ambiguous(m: re.Match[str]) -> list[int]:
        return [i for i in range(m.start(), m.end()) if text[i] in table and decoded[i].islower()]

    def others(m: re.Match[str]) -> str:
        skip = set(ambiguous(m))
        return "".join(decoded[i] for i in range(m.start(), m.end()) if i not in skip)

    for k, m in enumerate(words):
        lower = ambiguous(m)
        rest = others(m)
        if not lower or not rest or not rest.isupper():
            continue
        # a neighbour on the same line that is an upper-case Vietnamese word ('HOẠCH' next to 'KÕ')
        near = [words[j] for j in (k - 1, k + 1) if 0 <= j < len(words)
                and "\n" not in decoded[min(m.start(), words[j].start()):max(m.end(), words[j].end())]]
        upper_near = any(len(others(w)) >= 2 and others(w).isupper() and (ambiguous(w) or not w.group(0).isascii())
                         for w in near)
        if len(rest) >= 2 or upper_near:
            for i in lower:
                chars[i] = chars[i].upper()
    return "".join(chars)


@lru_cache(maxsize=1)
def _vni_pattern() -> re.Pattern[str]:
    vni = _tables()[1]
    return re.compile("|".join(re.escape(k) for k in sorted(vni, key=len, reverse=True)))


def decode_vni(text: str) -> str:
    vni = _tables()[1]
    return _vni_pattern().sub(lambda m: vni[m.group(0)], text)


def _candidates(data: bytes) -> list[tuple[str, Callable[[], str]]]:
    return [
        ("windows-1258", lambda: data.decode("cp1258", errors="strict")),
        ("tcvn3", lambda: decode_tcvn3(data.decode("latin-1"))),
        ("vni-windows", lambda: decode_vni(data.decode("cp1252", errors="replace"))),
    ]


def decode_text(data: bytes) -> DecodedText:
    """Decode the bytes of a text source to NFC text, or raise :class:`EncodingError`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedText(unicodedata.normalize("NFC", data.decode("utf-16")), "utf-16")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"a UTF-16 byte-order mark, but invalid UTF-16 (byte {exc.start})") from None
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = f"not UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
    else:
        nfc = unicodedata.normalize("NFC", raw)
        if nfc != raw and any(ch in TONE_MARKS for ch in raw):
            return DecodedText(nfc, "utf-8 (decomposed)")
        return DecodedText(nfc, "utf-8")
    best: tuple[float, int, str, str] | None = None
    tried: list[str] = []
    for name, decode in _candidates(data):
        try:
            text = unicodedata.normalize("NFC", decode())
        except UnicodeDecodeError:
            tried.append(f"{name}: undefined bytes")
            continue
        good, total = syllable_score(text)
        share = good / total if total else 0.0
        tried.append(f"{name}: {share:.0%} of {total} words")
        if total and (best is None or (share, good) > (best[0], best[1])):
            best = (share, good, name, text)
    if best is not None and best[0] >= MIN_VIETNAMESE and best[1] >= 5:
        return DecodedText(best[3], best[2])
    raise EncodingError(f"{utf8_error}, and not recognisably Vietnamese in TCVN3, VNI-Windows or Windows-1258 "
                        f"(well-formed syllables: {'; '.join(tried)})")


def read_text_file(path: Path, data: bytes) -> DecodedText:
    del path  # the caller names the file in its messages
    return decode_text(data)
