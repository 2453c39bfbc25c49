"""Dependency questions, read from the materialised model (``pol:needs``, see :mod:`graph.dependency`).

Used by ``policykg deps`` / ``impact`` / ``central``, the web app's dependency explorer and entity pages,
and the same property is what the named questions ``tasks_depending_on_project``,
``projects_most_dependants`` and ``project_footprint`` read: one model, one answer everywhere.

Every list is paged (``limit`` / ``offset``) and says its total. A page costs two index lookups
(count and rows) plus, for the rows shown, the chain of stated facts behind each and their evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.dependency import NAMING, PART_OF, DependencyModel, dependant_index_iri, dependant_index_members
from graph.query.lookup import Evidence, evidence_for, labels_for
from graph.store import Store
from graph.vocab import DEFAULT_BASE, POL, PROV, RDF_TYPE, inferred_graph, kind_of, sparql_prefixes

_PREFIXES = sparql_prefixes("pol", "rdf", "rdfs", "prov")
MAX_LIMIT = 10_000
# what a dependant's kind filter may name
KIND_CLASSES = {"task": POL + "Task", "project": POL + "InfrastructureProject", "zone": POL + "Zone",
                "place": POL + "Place"}


@dataclass(frozen=True)
class Step:
    """One stated fact on a dependency path: ``subject -predicate-> object`` (predicate: a local name)."""

    subject: str
    predicate: str
    object: str
    evidence: tuple[Evidence, ...] = ()


@dataclass
class Dependant:
    node: str
    kind: str
    label: str
    steps: list[Step] = field(default_factory=list)

    @property
    def distance(self) -> int:
        return len(self.steps)


@dataclass
class Page:
    """One page of a longer answer: ``rows`` are rows[offset:offset+limit] of ``total``."""

    rows: list
    total: int
    limit: int
    offset: int

    @property
    def more(self) -> bool:
        return self.offset + len(self.rows) < self.total


def check_page(limit: int | None, offset: int | None) -> tuple[int, int]:
    limit = 100 if limit is None else limit
    offset = 0 if offset is None else offset
    if not 0 < limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must be 0 or more, not {offset}")
    return limit, offset


class Dependencies:
    """Dependency questions on ``store`` (any :class:`graph.store.Store`)."""

    def __init__(self, store: Store, base: str = DEFAULT_BASE) -> None:
        self.store = store
        self.inferred = inferred_graph(base)
        self._parts: DependencyModel | None = None

    # -- the index
    def _kind_filter(self, var: str, kinds: Iterable[str] | None) -> str:
        if not kinds:
            return ""
        classes = " ".join(f"<{KIND_CLASSES[k]}>" for k in kinds)
        return f"VALUES ?cls {{ {classes} }} ?{var} a ?cls ."

    def _page(self, pattern: str, var: str, bindings: dict, limit: int, offset: int) -> tuple[list[str], int]:
        """A page of the distinct ``?var`` of ``pattern``, in the store's index order (stable while the store
        is: sorting thousands of IRIs by their text costs more than the whole answer), and the total."""
        total = int(self.store.select(_PREFIXES + f"SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ {pattern} }}",
                                      bindings).rows[0]["n"].value)
        rows = self.store.select(_PREFIXES + f"""SELECT DISTINCT ?{var} WHERE {{ {pattern} }}
                                 LIMIT {limit} OFFSET {offset}""", bindings).rows
        return [r[var].value for r in rows], total

    def dependants(self, node: str, kinds: Iterable[str] | None = None, *, limit: int | None = 100,
                   offset: int | None = 0, explain: bool = True) -> Page:
        """What depends on ``node`` (tasks, projects …; ``kinds`` keys of :data:`KIND_CLASSES`), paged."""
        limit, offset = check_page(limit, offset)
        iris, total = self._page(f"?x pol:needs ?target . {self._kind_filter('x', kinds)}", "x",
                                 {"target": ox.NamedNode(node)}, limit, offset)
        return Page(self._describe(iris, node, explain, towards=True), total, limit, offset)

    def requirements(self, node: str, kinds: Iterable[str] | None = None, *, limit: int | None = 100,
                     offset: int | None = 0, explain: bool = True) -> Page:
        """What ``node`` depends on, paged."""
        limit, offset = check_page(limit, offset)
        iris, total = self._page(f"?source pol:needs ?x . {self._kind_filter('x', kinds)}", "x",
                                 {"source": ox.NamedNode(node)}, limit, offset)
        return Page(self._describe(iris, node, explain, towards=False), total, limit, offset)

    def all_dependants(self, node: str) -> set[str]:
        """Every node that depends on ``node``: its dependant index (``pol:dependantIndex``, the IRIs of
        everything that ``pol:needs`` it as one value, written with the pairs by the build and the ingest), one
        lookup and one value to decode (reading the pairs decodes a term per dependant: 24 against ~1 ms for the
        port's 13k at 1.4M quads, bench/RESULTS.md)."""
        index = {"index": ox.NamedNode(dependant_index_iri(node))}
        rows = self.store.select(_PREFIXES + "SELECT ?all WHERE { GRAPH ?g { ?index pol:dependantIndex ?all } }",
                                 index).rows
        if rows:
            return {x for r in rows for x in dependant_index_members(r["all"].value)}
        # no index for it: nothing depends on it, or the store was built before the index existed (or by another
        # tool): the pairs say which, one joined string (no solution object per dependant)
        rows = self.store.select(_PREFIXES + "SELECT (GROUP_CONCAT(STR(?x); separator=\" \") AS ?all) WHERE { "
                                 "?x pol:needs ?target }", {"target": ox.NamedNode(node)}).rows
        joined = rows[0]["all"].value if rows and "all" in rows[0] else ""
        return set(joined.split(" ")) - {""}

    def ranking(self, *, limit: int | None = 10, offset: int | None = 0) -> Page:
        """Projects, zones and places by how many tasks depend on them: rows (iri, tasks, documents)."""
        limit, offset = check_page(limit, offset)
        total = int(self.store.select(_PREFIXES + "SELECT (COUNT(?p) AS ?n) WHERE { ?p pol:dependentTaskCount ?t }")
                    .rows[0]["n"].value)
        rows = self.store.select(_PREFIXES + f"""SELECT ?p ?t ?d WHERE {{
              ?p pol:dependentTaskCount ?t . OPTIONAL {{ ?p pol:dependentDocumentCount ?d }} }}
            ORDER BY DESC(?t) ?p LIMIT {limit} OFFSET {offset}""").rows
        return Page([(r["p"].value, int(r["t"].value), int(r["d"].value) if "d" in r else 0) for r in rows],
                    total, limit, offset)

    # -- explanations
    def _part_model(self) -> DependencyModel:
        if self._parts is None:
            model = DependencyModel()
            for r in self.store.select(_PREFIXES + f"""SELECT DISTINCT ?s ?o WHERE {{
                  GRAPH ?g {{ ?s pol:{PART_OF} ?o }} FILTER(?g != <{self.inferred}> && isIRI(?o)) }}""").rows:
                model.add_part(r["s"].value, r["o"].value)
            self._parts = model
        return self._parts

    def _load_named(self, model: DependencyModel, nodes: Iterable[str]) -> None:
        nodes = [n for n in dict.fromkeys(nodes) if n not in model.named]
        # one branch per predicate, written as a constant: `VALUES ?p {…} ?s ?p ?o` makes Oxigraph scan
        branches = " UNION ".join(f'{{ GRAPH ?g {{ ?s pol:{p} ?o }} BIND("{p}" AS ?p) }}' for p in NAMING)
        for i in range(0, len(nodes), 500):
            chunk = " ".join(str(ox.NamedNode(n)) for n in nodes[i:i + 500])
            for r in self.store.select(_PREFIXES + f"""SELECT DISTINCT ?s ?p ?o WHERE {{
                  VALUES ?s {{ {chunk} }} {branches} FILTER(?g != <{self.inferred}> && isIRI(?o)) }}""").rows:
                model.add_named(r["s"].value, r["p"].value, r["o"].value)

    def _needing(self, nodes: Iterable[str], target: str) -> set[str]:
        """Which of ``nodes`` depend on ``target``."""
        nodes = list(dict.fromkeys(nodes))
        out: set[str] = set()
        for i in range(0, len(nodes), 500):
            chunk = " ".join(str(ox.NamedNode(n)) for n in nodes[i:i + 500])
            # the target written as a constant: bound through VALUES, Oxigraph joins 500 rows 14 times slower
            out |= {r["x"].value for r in self.store.select(
                _PREFIXES + f"SELECT ?x WHERE {{ VALUES ?x {{ {chunk} }} ?x pol:needs {ox.NamedNode(target)} }}").rows}
        return out

    def explain_many(self, sources: list[str], target: str, max_depth: int = 12) -> dict[str, list[Step]]:
        """For each of ``sources`` (things that depend on ``target``), the shortest chain of stated facts with
        their evidence. The stated facts are loaded one step at a time, only for the things on the way that
        depend on the target themselves, so a page costs a few queries whatever the size of the answer."""
        if not sources:
            return {}
        parts = self._part_model()
        model = DependencyModel()
        model.wholes, model.parts = parts.wholes, parts.parts
        chains: dict[str, list] = {}
        frontier, loaded = set(sources), set()
        for _ in range(max_depth):
            self._load_named(model, frontier - loaded)
            loaded |= frontier
            for s in sources:
                if s not in chains and (chain := model.explain(s, target)):
                    chains[s] = chain
            if len(chains) == len(sources):
                break
            reached = {y for u in frontier for n in model.named.get(u, ()) for y in model.reach(n)} - loaded
            frontier = self._needing(reached, target)
            if not frontier:
                break
        facts = {(s, POL + p, o) for chain in chains.values() for s, p, o in chain}
        evidence = evidence_for(self.store, facts)
        return {s: [Step(a, p, b, tuple(evidence.get((a, POL + p, b), ()))) for a, p, b in chains.get(s, [])]
                for s in sources}

    def explain(self, source: str, target: str) -> list[Step]:
        return self.explain_many([source], target).get(source, [])

    def _describe(self, iris: list[str], node: str, explain: bool, *, towards: bool) -> list[Dependant]:
        kinds = self.kinds(iris)
        labels = labels_for(self.store, iris)
        chains: dict[str, list[Step]] = {}
        if explain and iris:
            if towards:
                chains = self.explain_many(iris, node)
            else:
                for target in iris:
                    chains[target] = self.explain(node, target)
        return [Dependant(i, kinds.get(i, "other"), labels.get(i, i.rsplit("/", 1)[-1]), chains.get(i, []))
                for i in iris]

    def kinds(self, iris: Iterable[str]) -> dict[str, str]:
        iris = list(dict.fromkeys(iris))
        types: dict[str, set[str]] = {i: set() for i in iris}
        for i in range(0, len(iris), 500):
            chunk = " ".join(str(ox.NamedNode(x)) for x in iris[i:i + 500])
            for r in self.store.select(f"SELECT ?n ?c WHERE {{ VALUES ?n {{ {chunk} }} ?n <{RDF_TYPE}> ?c }}").rows:
                types[r["n"].value].add(r["c"].value)
        return {i: kind_of(ts) for i, ts in types.items()}

    # -- impact: who and what is touched through the dependent tasks
    def impact(self, node: str, *, limit: int | None = 100, offset: int | None = 0) -> dict[str, Page]:
        """If ``node`` slips: the tasks and projects that depend on it, and the documents that set those
        tasks, their lead and cooperating agencies and the targets they serve (counted over all tasks)."""
        limit, offset = check_page(limit, offset)
        out = {"tasks": self.dependants(node, ["task"], limit=limit, offset=offset),
               "projects": self.dependants(node, ["project", "zone", "place"], limit=limit, offset=offset)}
        target = {"target": ox.NamedNode(node)}
        for key, pattern in (("documents", f"?t <{PROV}wasDerivedFrom> ?x . ?x a pol:Document ."),
                             ("agencies", "?t pol:leadAgency|pol:cooperatingAgency ?x ."),
                             ("targets", "?t pol:contributesTo ?x .")):
            iris, total = self._page(f"?t pol:needs ?target ; a pol:Task . {pattern}", "x", target, limit, offset)
            labels = labels_for(self.store, iris)
            kinds = self.kinds(iris)
            out[key] = Page([Dependant(i, kinds.get(i, "other"), labels.get(i, i)) for i in iris], total, limit,
                            offset)
        return out
