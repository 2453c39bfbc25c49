"""Stage 7: the triple store, behind one small interface.

``Store`` is what the rest of the code uses: the embedded on-disk Oxigraph store
(:class:`OxigraphStore`, the default, no server needed) and any SPARQL 1.1 server
(:class:`SparqlStore`, through SPARQLWrapper and the Graph Store Protocol) implement it.
Terms are pyoxigraph terms on both sides, so callers never see which backend answers.

Queries see the union of all named graphs as their default graph.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from graph.vocab import PREFIXES

__all__ = ["PREFIXES", "OxigraphStore", "SelectResult", "Store", "StoreError", "Term", "bind_values",
           "write_store"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdf": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = {"nq", "trig"}


class StoreError(RuntimeError):
    """The store cannot be opened, or a build could not replace it."""


@dataclass
class SelectResult:
    variables: list[str]
    rows: list[dict[str, Term]]


class Store(Protocol):
    """What the application needs from a triple store."""

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult: ...

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]: ...

    def count(self) -> int: ...

    def quads(self) -> Iterator[ox.Quad]: ...


_WHERE_BRACE = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.I)
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bind_values(sparql: str, bindings: Mapping[str, Term] | None) -> str:
    """Bind variables safely: an inline ``VALUES`` block of RDF terms at the start of every WHERE group.

    Every group, so that a parameter used inside a sub-select is bound there too. Terms are
    serialised by pyoxigraph (escaped N-Triples syntax), so a value can never change the
    query's structure, whatever text it holds.
    """
    if not bindings:
        return sparql
    for name, value in bindings.items():
        if not _VAR_NAME.match(name):
            raise ValueError(f"not a variable name: {name!r}")
        if not isinstance(value, ox.NamedNode | ox.Literal):
            raise TypeError(f"binding for ?{name} must be an IRI or a literal, not {type(value).__name__}")
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(str(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    out: list[str] = []
    pos = 0
    for m in _WHERE_BRACE.finditer(sparql):
        line_start = sparql.rfind("\n", 0, m.start()) + 1
        before = re.sub(r'<[^<>\s]*>|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', "", sparql[line_start : m.start()])
        if "#" in before:
            continue  # inside a comment (a '#' outside IRIs and strings)
        out += [sparql[pos : m.end()], block]
        pos = m.end()
    if not out:
        raise ValueError("cannot bind parameters: the query has no WHERE group")
    out.append(sparql[pos:])
    return "".join(out)


class OxigraphStore:
    """An Oxigraph store: on disk at ``path`` (read-only by default), or in memory when ``path`` is None."""

    def __init__(self, path: Path | None = None, *, read_only: bool = True) -> None:
        self.path = path
        if path is None:
            self._store = ox.Store()
        else:
            if not (path / "CURRENT").exists():
                raise StoreError(f"no store at {path}: run `policykg build` first")
            try:
                self._store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
            except OSError as exc:
                raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @property
    def native(self) -> ox.Store:
        return self._store

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None):  # noqa: ANN201
        return self._store.query(bind_values(sparql, bindings), use_default_graph_as_union=True)

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        solutions = self.query(sparql, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        variables = [v.value for v in solutions.variables]
        rows = [{v: s[v] for v in variables if s[v] is not None} for s in solutions]
        return SelectResult(variables, rows)

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self.query(sparql, bindings))

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        return list(self.query(sparql, bindings))

    def count(self) -> int:
        return len(self._store)

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def dump(self, output: Path, fmt: str) -> None:
        """Write the store to ``output``: quad formats keep the named graphs, triple formats merge them."""
        rdf_format = EXPORT_FORMATS[fmt]
        with output.open("wb") as fh:
            if fmt in QUAD_FORMATS:
                self._store.dump(fh, rdf_format, prefixes=PREFIXES if fmt == "trig" else None)
            else:
                triples = dict.fromkeys(q.triple for q in self._store)
                ox.serialize(triples, fh, rdf_format, prefixes=PREFIXES if fmt == "ttl" else None)




def write_store(path: Path, quads: Iterable[ox.Quad], finish: Callable[[ox.Store], None] | None = None) -> int:
    """Write ``quads`` as the new store at ``path``, atomically.

    The store is built in a sibling folder and swapped in only when complete, so a
    failure leaves the previous store as it was. ``finish``, when given, runs on the new store once the quads
    are in and before it replaces the old one (what is read from, or added to, the written store: a failure
    there changes nothing either). Returns the number of quads.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{time.time_ns()}")
    old = path.with_name(f"{path.name}.old-{time.time_ns()}")
    try:
        store = ox.Store(str(tmp))
        store.bulk_extend(quads)
        store.flush()
        if finish is not None:
            finish(store)
            store.flush()
        count = len(store)
        del store
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return count
