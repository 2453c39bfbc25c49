"""Readable, deterministic IRIs for every node: the same input always gives the same IRI."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from graph.text import fold


@lru_cache(maxsize=65536)
def slug(text: str, max_len: int = 80) -> str:
    """'Cảng Vũng Áng' -> 'cang-vung-ang'; '11-NQ/TU' -> '11-nq-tu'."""
    s = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(s) > max_len:
        s = s[:max_len].rsplit("-", 1)[0]
    return s or "x"


def short_hash(*parts: object, length: int = 12) -> str:
    data = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:length]


class Minter:
    """Mints data IRIs under ``base`` (default https://w3id.org/policykg/id/)."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def iri(self, kind: str, *parts: str) -> str:
        return self.base + kind + "/" + "/".join(parts)

    def under(self, kind: str, document_iri: str, local: str) -> str:
        """A node that belongs to one document (task, target, goal): ``<kind>/<document path>/<local>``, the
        document path being what follows ``doc/`` ('ha-tinh/ke-hoach-57-kh-ubnd-2026')."""
        doc_base = self.base + "doc/"
        path = document_iri[len(doc_base):] if document_iri.startswith(doc_base) else \
            document_iri.rstrip("/").rsplit("/", 1)[-1]
        return self.iri(kind, path.strip("/"), local)

    def graph(self, source_key: str) -> str:
        return self.iri("graph", slug(source_key))

    def inferred_graph(self) -> str:
        return self.iri("graph", "inferred")

    def curated_graph(self) -> str:
        return self.iri("graph", "gazetteer")

    def text(self, source_key: str) -> str:
        return self.iri("text", slug(source_key))

    def agency(self, name: str) -> str:
        return self.iri("agency", slug(name))

    def group(self, phrase: str) -> str:
        return self.iri("group", slug(phrase))

    def person(self, name: str) -> str:
        return self.iri("person", slug(name))

    def evidence(self, *parts: object) -> str:
        return self.iri("evidence", short_hash(*parts, length=16))
