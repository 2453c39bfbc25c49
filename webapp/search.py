"""Search by name the way people type it: no diacritics needed ('vung ang', 'so cong thuong'),
aliases count ('bến cảng Vũng Áng - Sơn Dương' finds the port), results grouped by kind."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from graph.text import fold

from .kg import BROWSABLE_KINDS, KnowledgeGraph


@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    matched: str  # the label or alias that matched, as written
    score: float


class SearchIndex:
    """Folded keys of every label and alias of every browsable node, built once."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.entries: list[tuple[str, str, str, bool]] = []  # (folded key, iri, text, is preferred)
        for iri, labels in kg.labels.items():
            if kg.kind(iri) not in BROWSABLE_KINDS:
                continue
            for text in labels.values():
                self.entries.append((fold(text), iri, text, True))
            for alias in kg.aliases.get(iri, []):
                self.entries.append((fold(alias), iri, alias, False))

    def search(self, query: str, kinds: set[str] | None = None, limit_per_kind: int = 50) -> dict[str, list[Hit]]:
        """Hits grouped by kind: every token of the query must begin a word of one label or alias
        ('vung ang' finds 'Cảng Vũng Áng' but not '… bền vững … 22/34 hạng')."""
        key = fold(query)
        tokens = re.findall(r"[a-z0-9]+", key)  # the same word split as the labels ('08-NQ/TU' -> 08 nq tu)
        if not tokens:
            return {}
        best: dict[str, Hit] = {}
        for folded, iri, text, preferred in self.entries:
            words = re.findall(r"[a-z0-9]+", folded)
            if not all(any(w.startswith(t) for w in words) for t in tokens):
                continue
            kind = self.kg.kind(iri)
            if kinds and kind not in kinds:
                continue
            if folded == key:
                score = 100.0
            elif folded.startswith(key):
                score = 60.0
            elif key in folded:
                score = 40.0
            else:
                score = 20.0
            score += 10.0 * sum(1 for t in tokens if t in words)  # whole-word matches first
            score += 5.0 if preferred else 0.0
            score -= len(folded) / 100.0  # shorter names first
            hit = best.get(iri)
            if hit is None or score > hit.score:
                best[iri] = Hit(iri, self.kg.label(iri), kind, text, score)
        groups: dict[str, list[Hit]] = defaultdict(list)
        for hit in sorted(best.values(), key=lambda h: (-h.score, h.label.lower())):
            groups[hit.kind].append(hit)
        order = {k: i for i, k in enumerate(BROWSABLE_KINDS)}
        return {k: groups[k] for k in sorted(groups, key=lambda k: order.get(k, 99))}

    def resolve(self, name: str, kinds: set[str] | None = None) -> list[Hit]:
        """Candidates for a typed name, best first (used for question parameters)."""
        groups = self.search(name, kinds)
        hits = sorted((h for hs in groups.values() for h in hs), key=lambda h: -h.score)
        return hits
