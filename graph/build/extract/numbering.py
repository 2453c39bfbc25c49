"""Document numbers of the three families (GENRE.md), as printed and as identity keys.

- state administrative (Nghị định 30/2020/NĐ-CP): ``57/KH-UBND``, ``2045/UBND-KT``, ``1403/SCT-QLTM8``;
- legal normative (Luật ban hành văn bản QPPL): ``30/2020/NĐ-CP``, ``41/2025/QH15``, ``45/2024/NQ-HĐND``;
- Party (Hướng dẫn 36-HD/VPTW): ``26-CTr/TU``, ``23-NQ/TW``, ``105-TTr/ĐU``.

Printed numbers are messy: spaces around '/' and '-' (``57 /KH-UBND``, ``QĐ - UBND``, ``215- KL/TU``), any
case. :data:`NUMBER` finds them in running text; :func:`tidy` gives the form we store (spaces removed, letters
as printed); :func:`number_key` the identity key (case folded). The codes inside a number say the type
(``KH`` Kế hoạch) and the issuer (``UBND``, ``TU``, ``QH15``); :func:`codes` splits them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_UP = r"A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_CODE = rf"[{_UP}][{_UP}a-zđâăêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ0-9]{{0,11}}"
_SLASH = r"\s{0,2}/\s{0,2}"
_DASH = r"\s{0,2}[-–]\s{0,2}"

# A number as printed. Order matters: the legal family (N/YEAR/CODE) before the administrative one.
NUMBER = (
    rf"(?<![\w/.-])(?:"
    rf"\d{{1,5}}{_SLASH}(?:19|20)\d\d{_SLASH}{_CODE}(?:{_DASH}{_CODE})*"  # 41/2025/QH15, 30/2020/NĐ-CP
    rf"|\d{{1,5}}{_DASH}{_CODE}{_SLASH}{_CODE}(?:{_DASH}{_CODE})*"  # 26-CTr/TU, 215- KL/TU
    rf"|\d{{1,5}}{_SLASH}{_CODE}(?:{_DASH}{_CODE})+"  # 57/KH-UBND, 2045/UBND-KT, 812/QĐ - UBND
    rf")(?![\w/])"
)
NUMBER_RE = re.compile(NUMBER)
# A number whose digits are left blank in an unsigned copy: 'Số:      /UBND-XD', 'Số: /KH-UBND', 'Số   -NQ/TU'
BLANK_NUMBER_RE = re.compile(
    rf"^Số\s*:?\s*(?:\.{{2,}}|…+|_+)?\s*(?:{_SLASH}|-\s{{0,2}}){_CODE}(?:{_SLASH}{_CODE}|{_DASH}{_CODE})*\s*$"
)
# The printed 'Số' line of a title block: 'Số: 57 /KH-UBND', 'Số 12 -NQ/TU', 'Nghị quyết số: 41/2025/QH15'
OWN_NUMBER_RE = re.compile(rf"(?:^|\s)Số\s*:?\s*(?P<number>{NUMBER})", re.I)


def tidy(printed: str) -> str:
    """'57 /KH-UBND' -> '57/KH-UBND'; '812/QĐ - UBND' -> '812/QĐ-UBND'; '215- KL/TU' -> '215-KL/TU'."""
    return re.sub(r"\s+", "", printed.replace("–", "-"))


@lru_cache(maxsize=65536)
def number_key(printed: str) -> str:
    """Identity key of a number: tidy and case folded ('06/QĐ-TTG' and '06/QĐ-TTg' are one number)."""
    return tidy(printed).casefold()


@dataclass(frozen=True)
class NumberCodes:
    family: str  # "party" | "legal" | "state"
    type_code: str | None  # 'KH', 'NQ', 'TB' … (None: a công văn, or a law such as 77/2015/QH13)
    issuer_codes: tuple[str, ...]  # 'UBND', 'TU', 'QH15', 'SCT', 'QLTM8' (issuer, then its unit)


def codes(number: str) -> NumberCodes:
    """The codes inside a tidy number, by family."""
    n = tidy(number)
    if m := re.fullmatch(r"\d+-([^/]+)/(.+)", n):
        return NumberCodes("party", m.group(1), tuple(m.group(2).split("-")))
    if m := re.fullmatch(r"\d+/(?:19|20)\d\d/(.+)", n):
        parts = m.group(1).split("-")
        if len(parts) == 1:  # a law: 77/2015/QH13
            return NumberCodes("legal", None, tuple(parts))
        return NumberCodes("legal", parts[0], tuple(parts[1:]))
    parts = n.split("/", 1)[-1].split("-")
    return NumberCodes("state", parts[0], tuple(parts[1:]))


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    return list(NUMBER_RE.finditer(text, start, len(text) if end is None else end))
