"""The dependency model, defined once (the build materialises it, the read side reads it).

**A task or project X depends on P** when X *names* P (a stated ``pol:concerns`` or ``pol:dependsOn``,
whether written in a document, derived by a named rule or curated), names a *part* of P (depending on
Cảng Vũng Áng is depending on the port system it is part of), names a *whole* that P is part of (a port
system needs each of its ports), or depends on something that depends on P. A thing that is merely
another part of the same whole does not: naming Cảng Vũng Áng does not make a task depend on Cảng Sơn
Dương. ``pol:locatedIn`` (mere location) makes no dependency.

Formally, with ``named(X)`` the things X names and ``reach(N) = {N} ∪ wholes⁺(N) ∪ parts⁺(N)`` (up the
``pol:partOf`` chain, or down it, never up then down)::

    direct(X) = ⋃ reach(N) for N in named(X)
    needs(X)  = direct(X) ∪ ⋃ needs(Y) for Y in direct(X)          (X itself left out)

The build writes ``X pol:needs P`` for every pair into the inferred graph (``graph.build.reason``), with
``pol:dependentTaskCount`` / ``pol:dependentDocumentCount`` on every P, and ``N pol:leadsTo P`` for every
thing N that something names (what naming N brings in: ``needs(X)`` is the union of ``leadsTo(N)`` over
what X names), and on ``<P#dependants>`` the dependant index ``pol:dependantIndex`` (every X that needs P, as
one value), so a question reads the answer, and which named thing explains it, with index lookups.
:meth:`DependencyModel.explain` gives the chain of stated facts behind a pair. From the materialised model the
build also keeps, per target, the footprint the ``project_footprint`` question pages through (the documents,
agencies and targets of the tasks that need it, with counts: :mod:`graph.build.counts`).
This module works on plain strings (IRIs or any keys): no store, no networkx.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator

NAMING = ("concerns", "dependsOn")  # local names of the predicates by which a thing names another
PART_OF = "partOf"

Fact = tuple[str, str, str]  # (subject, predicate local name, object): a stated fact on a path


class DependencyModel:
    """Stated naming facts and part-of facts; the dependency closure computed from them on demand."""

    def __init__(self) -> None:
        self.named: dict[str, dict[str, str]] = defaultdict(dict)  # x -> {thing it names: predicate}
        self.named_by: dict[str, set[str]] = defaultdict(set)  # thing -> what names it
        self.wholes: dict[str, set[str]] = defaultdict(set)  # part -> the wholes it is stated part of
        self.parts: dict[str, set[str]] = defaultdict(set)  # whole -> its stated parts
        self._reach: dict[str, dict[str, str | None]] = {}
        self._direct: dict[str, set[str]] = {}
        self._needs: dict[str, frozenset[str]] = {}

    # -- facts
    def add_named(self, subject: str, predicate: str, obj: str) -> None:
        if subject != obj:
            self.named[subject].setdefault(obj, predicate)
            self.named_by[obj].add(subject)
            self._direct.clear()
            self._needs.clear()

    def add_part(self, part: str, whole: str) -> None:
        if part != whole:
            self.wholes[part].add(whole)
            self.parts[whole].add(part)
            self._reach.clear()
            self._direct.clear()
            self._needs.clear()

    def add_fact(self, subject: str, predicate: str, obj: str) -> bool:
        """Add a fact if the model uses it (a naming predicate or partOf); True when it was used."""
        if predicate in NAMING:
            self.add_named(subject, predicate, obj)
        elif predicate == PART_OF:
            self.add_part(subject, obj)
        else:
            return False
        return True

    # -- the closure
    def reach(self, node: str) -> dict[str, str | None]:
        """``reach(node)``: node -> None, each whole above it -> 'up', each part below it -> 'down'."""
        if node not in self._reach:
            found: dict[str, str | None] = {node: None}
            for direction, edges in (("up", self.wholes), ("down", self.parts)):
                queue = deque([node])
                while queue:
                    for nxt in edges.get(queue.popleft(), ()):
                        if nxt not in found:
                            found[nxt] = direction
                            queue.append(nxt)
            self._reach[node] = found
        return self._reach[node]

    def direct(self, node: str) -> set[str]:
        if node not in self._direct:
            out: set[str] = set()
            for n in self.named.get(node, ()):
                out.update(self.reach(n))
            self._direct[node] = out
        return self._direct[node]

    def needs(self, node: str) -> set[str]:
        """Everything ``node`` depends on (empty for a node that names nothing)."""
        if node not in self._needs:
            self._needs[node] = frozenset(self._walk(node))
        return set(self._needs[node])

    def _walk(self, node: str) -> set[str]:
        seen: set[str] = set()
        queue = deque(self.direct(node))
        seen.update(queue)
        while queue:
            for nxt in self.direct(queue.popleft()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        seen.discard(node)
        return seen

    def needs_over(self, node: str, known: Callable[[str], Iterable[str] | None]) -> set[str]:
        """``needs(node)``, where ``known(y)`` gives ``needs(y)`` for the nodes whose closure is already known
        (None for the others): the walk takes their closure and goes no further through them. An incremental
        update passes the materialised closure of every node a change cannot reach."""
        seen: set[str] = set(self.direct(node))
        queue = deque(seen)
        while queue:
            y = queue.popleft()
            closed = known(y)
            if closed is not None:  # needs(y) is closed: what it holds needs nothing beyond it and y
                seen.update(closed)
                continue
            for nxt in self.direct(y):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        seen.discard(node)
        return seen

    def leads_to(self, named: str) -> set[str]:
        """What naming ``named`` makes a thing depend on: reach(named) and everything those need
        (so ``needs(X)`` is the union of ``leads_to(N)`` over the N that X names, X itself left out)."""
        out: set[str] = set()
        for y in self.reach(named):
            out.add(y)
            out.update(self._needs.get(y) or self.needs(y))
        return out

    def closure(self) -> Iterator[tuple[str, set[str]]]:
        """(x, needs(x)) for every x that names something."""
        for node in list(self.named):
            needs = self.needs(node)
            if needs:
                yield node, needs

    def dependants(self, target: str) -> set[str]:
        """Everything that depends on ``target``: a walk backwards from it. X depends on Y directly exactly
        when X names something in reach(Y) (reach is symmetric: N is a part or whole of Y iff Y is of N)."""
        found: set[str] = set()
        queue = deque([target])
        while queue:
            y = queue.popleft()
            for n in self.reach(y):
                for x in self.named_by.get(n, ()):
                    if x not in found:
                        found.add(x)
                        queue.append(x)
        found.discard(target)
        return found

    # -- explanation
    def _chain(self, start: str, end: str, direction: str | None) -> list[Fact]:
        """The stated partOf facts from ``start`` to ``end`` (up to a whole, or down to a part)."""
        if direction is None:
            return []
        edges = self.wholes if direction == "up" else self.parts
        parent: dict[str, str] = {start: start}
        queue = deque([start])
        while queue and end not in parent:
            cur = queue.popleft()
            for nxt in edges.get(cur, ()):
                if nxt not in parent:
                    parent[nxt] = cur
                    queue.append(nxt)
        if end not in parent:
            return []
        out: list[Fact] = []
        node = end
        while node != start:
            prev = parent[node]
            out.append((prev, PART_OF, node) if direction == "up" else (node, PART_OF, prev))
            node = prev
        out.reverse()
        return out

    def explain(self, node: str, target: str) -> list[Fact]:
        """The shortest chain of stated facts by which ``node`` depends on ``target`` ([] when it does not)."""
        # breadth first over (reached thing): parent = (the node that names, the thing it names)
        parent: dict[str, tuple[str, str]] = {}
        queue = deque([node])
        visited = {node}
        while queue and target not in parent:
            cur = queue.popleft()
            for named in sorted(self.named.get(cur, ())):
                for y in self.reach(named):
                    if y not in visited:
                        visited.add(y)
                        parent[y] = (cur, named)
                        queue.append(y)
        if target not in parent:
            return []
        hops: list[list[Fact]] = []
        y = target
        while y != node and y in parent:
            cur, named = parent[y]
            hops.append([(cur, self.named[cur][named], named), *self._chain(named, y, self.reach(named)[y])])
            y = cur
        return [fact for hop in reversed(hops) for fact in hop]


def dependant_index_iri(target: str) -> str:
    """The node that holds ``target``'s dependant index (``pol:dependantIndex``): a fragment of its IRI, so that
    the target's own description does not carry a value of thousands of IRIs."""
    return target + "#dependants"


def dependant_index_value(dependants: Iterable[str]) -> str:
    """Everything that needs a target as one value: the IRIs sorted (a build and an ingest write the same
    value), separated by a space (an IRI has none); read in one lookup, with no term decoded per dependant."""
    return " ".join(sorted(dependants))


def dependant_index_members(value: str) -> set[str]:
    return {x for x in value.split(" ") if x}


def model_from_facts(facts: Iterable[Fact]) -> DependencyModel:
    model = DependencyModel()
    for s, p, o in facts:
        model.add_fact(s, p, o)
    return model
