"""Search for the web pages: the full-text index built with the store (graph/store/search.py), hits grouped by
kind. Diacritic-insensitive ('vung ang', 'so cong thuong'), aliases count ('bến cảng Vũng Áng - Sơn Dương'
finds the port), every word matches the start of a word, task texts and evidence quotes are searched too, and
each hit carries a highlighted snippet of the text that matched."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.store.search import IndexVersionError, build_index, index_path
from graph.store.search import SearchIndex as TextIndex

from .kg import BROWSABLE_KINDS, KnowledgeGraph

PAGE = 200  # hits fetched per search, then grouped by kind
log = logging.getLogger(__name__)


@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    matched: str  # the label, alias or text that matched, as written
    score: float
    matched_in: str = "name"  # name, alias, title, task, target or quote
    snippet: list[tuple[str, bool]] = field(default_factory=list)


class SearchIndex:
    """The store's search index (built beside an on-disk store; in a temporary file for one in memory)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        store_path = getattr(kg.store, "path", None)
        path = index_path(store_path) if store_path is not None else None
        try:
            self.index = TextIndex(path) if path is not None and path.exists() else self._scratch()
        except IndexVersionError as exc:  # written by another version: the app serves one of its own
            log.warning("%s; searching a copy built now", exc)
            self.index = self._scratch()

    def _scratch(self) -> TextIndex:
        scratch = Path(tempfile.mkdtemp(prefix="policykg-search-"))
        atexit.register(shutil.rmtree, scratch, True)
        path = scratch / "search.sqlite"
        build_index(self.kg.store, path)
        return TextIndex(path)

    def search(self, query: str, kinds: set[str] | None = None, *, document: str | None = None,
               province: str | None = None, year: int | None = None) -> tuple[dict[str, list[Hit]], int]:
        """(hits grouped by kind in the order of BROWSABLE_KINDS, the total number of matching nodes)."""
        page = self.index.search(query, kinds=kinds or BROWSABLE_KINDS, document=document, province=province,
                                 year=year, limit=PAGE)
        groups: dict[str, list[Hit]] = defaultdict(list)
        for h in page.hits:
            groups[h.kind].append(Hit(h.iri, self.kg.label(h.iri), h.kind, h.text, h.score, h.matched_in, h.snippet))
        order = {k: i for i, k in enumerate(BROWSABLE_KINDS)}
        return {k: groups[k] for k in sorted(groups, key=lambda k: order.get(k, 99))}, page.total
