"""Document types: the type word as printed ('Kế hoạch', 'KẾ HOẠCH'), its ontology class and the codes used
inside numbers ('KH' in 57/KH-UBND). Curated in ``data/document_types.yaml``: a new type is a line of YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from graph.build.extract.numbering import codes, tidy
from graph.text import fold


@dataclass(frozen=True)
class DocumentType:
    word: str
    cls: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class DocumentTypes:
    types: tuple[DocumentType, ...]  # longest word first

    @cached_property
    def _by_fold(self) -> dict[str, DocumentType]:
        return {fold(t.word): t for t in self.types}

    @cached_property
    def _by_code(self) -> dict[str, DocumentType]:
        return {code.casefold(): t for t in self.types for code in t.codes}

    @cached_property
    def alternation(self) -> str:
        """A regex alternation of every type word, longest first."""
        return "|".join(re.escape(t.word) for t in self.types)

    def for_word(self, word: str) -> DocumentType | None:
        return self._by_fold.get(fold(word))

    def for_code(self, code: str) -> DocumentType | None:
        return self._by_code.get(code.casefold())

    def for_number(self, number: str) -> DocumentType | None:
        """The type a number's code says: 'KH' in 57/KH-UBND, 'NQ' in 12-NQ/TU; None for a công văn
        (2045/UBND-KT) or a law (77/2015/QH13)."""
        c = codes(tidy(number))
        # the type code is the first code ('KH' in 57/KH-UBND); in a công văn that place holds the issuer
        # ('BCT' in 45/BCT-KH) and the later codes are its units ('KH' = Vụ Kế hoạch), never a type
        return self.for_code(c.type_code) if c.type_code else None

    def by_word(self, word: str) -> DocumentType:
        t = self.for_word(word)
        if t is None:
            raise KeyError(word)
        return t


@lru_cache(maxsize=4)
def load_document_types(path: Path) -> DocumentTypes:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    types = tuple(DocumentType(r["word"], r["class"], tuple(r.get("codes") or ())) for r in rows)
    return DocumentTypes(tuple(sorted(types, key=lambda t: -len(t.word))))
