"""Stage 6 for one change: what adding and removing facts does to the inferred graph, without recomputing it.

The rules are those of :func:`graph.build.reason.materialise` (read from the ontology the same way):
sub-properties, inverses, transitive properties, two-step property chains and sub-classes.

* :func:`incremental_inferences` — semi-naive evaluation from the new facts: as the store already holds the
  closure of the old facts, every new consequence joins a new (or newly derived) fact with facts found by
  index lookups at its ends;
* :func:`retracted_inferences` — delete and re-derive for facts that are no longer stated anywhere:
  over-delete what they helped derive, then keep what the remaining facts still derive.

The ingest tests compare the result with a full build after every kind of change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

ONTOLOGY_GRAPH = "https://w3id.org/policykg/ont"


@dataclass
class Rules:
    """The reasoner's rules as read from the ontology (the same as :func:`graph.build.reason.materialise`)."""

    superproperties: dict[str, set[str]]
    inverses: dict[str, set[str]]
    transitive: set[str]
    chains: list[tuple[str, str, str]]  # (p, p1, p2): p1 ∘ p2 ⊑ p
    superclasses: dict[str, set[str]]

    @classmethod
    def from_store(cls, store: ox.Store) -> Rules:
        from graph.build.reason import OWL, RDFS, _heads, _pairs, _rdf_list

        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        memory = ox.Store()
        memory.extend(store.quads_for_pattern(None, None, None, graph))
        sup: dict[str, set[str]] = {}
        for a, b in _pairs(memory, f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subPropertyOf> ?b FILTER(?a != ?b) }}"):
            sup.setdefault(a, set()).add(b)
        inv: dict[str, set[str]] = {}
        for a, b in _pairs(memory, f"SELECT ?a ?b WHERE {{ ?a <{OWL}inverseOf> ?b }}"):
            inv.setdefault(a, set()).add(b)
            inv.setdefault(b, set()).add(a)
        transitive = {r["p"].value for r in memory.query(
            f"SELECT ?p WHERE {{ ?p a <{OWL}TransitiveProperty> }}", use_default_graph_as_union=True)}
        chains = []
        for p, head in _heads(memory, f"SELECT ?a ?b WHERE {{ ?a <{OWL}propertyChainAxiom> ?b }}"):
            parts = _rdf_list(memory, head)
            if len(parts) == 2:
                chains.append((p, parts[0], parts[1]))
        classes: dict[str, set[str]] = {}
        for a, b in _pairs(memory, f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subClassOf> ?b FILTER(?a != ?b) }}"):
            classes.setdefault(a, set()).add(b)
        return cls(sup, inv, transitive, chains, classes)

    def predicates(self) -> set[str]:
        """Every predicate a rule reads or writes."""
        out = {RDF_TYPE} | set(self.transitive) | set(self.inverses)
        out |= set(self.superproperties) | {p for sups in self.superproperties.values() for p in sups}
        out |= {p for chain in self.chains for p in chain}
        return out


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def incremental_inferences(store: ox.Store, added: Iterable[ox.Quad | ox.Triple], inferred_graph: str,
                           rules: Rules | None = None, *, filtered: bool = False) -> set[ox.Triple]:
    """The triples that ``added`` makes the ontology imply and the store does not hold yet.

    Semi-naive evaluation of the reasoner's rules from the new facts only: as the store already holds
    the closure of the old facts, every new consequence joins a new (or newly derived) fact with facts
    found by index lookups at its ends. The result equals a full :func:`~graph.build.reason.materialise`
    of the store plus ``added`` (what a change that removes facts takes back is :func:`retracted_inferences`).
    """
    rules = rules or Rules.from_store(store)
    new = {q.triple if isinstance(q, ox.Quad) else q for q in added}
    if not filtered:  # (filtered: the caller gives only the triples whose consequences may be missing)
        new = {t for t in new if not any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object))}
    by_sp: dict[tuple, set] = {}
    by_po: dict[tuple, set] = {}
    derived: set[ox.Triple] = set()

    def index(t: ox.Triple) -> None:
        by_sp.setdefault((t.subject, t.predicate), set()).add(t.object)
        by_po.setdefault((t.predicate, t.object), set()).add(t.subject)

    def objects(s, p) -> set:  # noqa: ANN001 (the store and the new facts)
        return {q.object for q in store.quads_for_pattern(s, p, None)} | by_sp.get((s, p), set())

    def subjects(p, o) -> set:  # noqa: ANN001
        return {q.subject for q in store.quads_for_pattern(None, p, o)} | by_po.get((p, o), set())

    for t in new:
        index(t)
    agenda = list(new)

    def derive(s, p: str, o) -> None:  # noqa: ANN001
        t = ox.Triple(s, ox.NamedNode(p), o)
        if t in new or t in derived or any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object)):
            return
        derived.add(t)
        index(t)
        agenda.append(t)

    while agenda:
        t = agenda.pop()
        s, p, o = t.subject, t.predicate.value, t.object
        for sup in rules.superproperties.get(p, ()):
            derive(s, sup, o)
        if isinstance(o, ox.NamedNode):
            for q in rules.inverses.get(p, ()):
                derive(o, q, s)
        if p in rules.transitive:
            for x in subjects(t.predicate, s):
                if x != o:
                    derive(x, p, o)
            for y in objects(o, t.predicate):
                if y != s:
                    derive(s, p, y)
        for head, p1, p2 in rules.chains:
            if p == p1:
                for z in objects(o, ox.NamedNode(p2)):
                    if z != s:
                        derive(s, head, z)
            if p == p2:
                for x in subjects(ox.NamedNode(p1), s):
                    if x != o:
                        derive(x, head, o)
        if p == RDF_TYPE and isinstance(s, ox.NamedNode):
            for sup in rules.superclasses.get(o.value, ()):
                derive(s, RDF_TYPE, ox.NamedNode(sup))
    return derived


def retracted_inferences(store: ox.Store, rules: Rules, removed: set[ox.Triple], inferred_graph: str
                         ) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """What taking ``removed`` (stated triples no longer stated anywhere) out of the store does to the
    inferred graph, by delete-and-rederive: (inferred triples to delete, triples to add as inferred).

    1. every inferred triple with a derivation that uses a removed triple is a candidate;
    2. a candidate, or a removed triple, that the remaining facts still derive in one step stays (or
       becomes) inferred, and so does what follows from it.
    """
    ig = ox.NamedNode(inferred_graph)

    def holds(t: ox.Triple, gone: set[ox.Triple]) -> bool:
        return t not in gone and any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object))

    def objects(s, p: str, gone: set[ox.Triple]) -> set:  # noqa: ANN001
        pn = ox.NamedNode(p)
        return {q.object for q in store.quads_for_pattern(s, pn, None) if ox.Triple(s, pn, q.object) not in gone}

    def subjects(p: str, o, gone: set[ox.Triple]) -> set:  # noqa: ANN001
        pn = ox.NamedNode(p)
        return {q.subject for q in store.quads_for_pattern(None, pn, o) if ox.Triple(q.subject, pn, o) not in gone}

    def consequences(t: ox.Triple, gone: set[ox.Triple]) -> list[ox.Triple]:
        """One step forward from t over the facts not in ``gone`` (the rules of graph/build/reason.py)."""
        s, p, o = t.subject, t.predicate.value, t.object
        out = [ox.Triple(s, ox.NamedNode(sup), o) for sup in rules.superproperties.get(p, ())]
        if isinstance(o, ox.NamedNode):
            out += [ox.Triple(o, ox.NamedNode(q), s) for q in rules.inverses.get(p, ())]
        if p in rules.transitive:
            out += [ox.Triple(x, t.predicate, o) for x in subjects(p, s, gone) if x != o]
            out += [ox.Triple(s, t.predicate, y) for y in objects(o, p, gone) if y != s]
        for head, p1, p2 in rules.chains:
            if p == p1:
                out += [ox.Triple(s, ox.NamedNode(head), z) for z in objects(o, p2, gone) if z != s]
            if p == p2:
                out += [ox.Triple(x, ox.NamedNode(head), o) for x in subjects(p1, s, gone) if x != o]
        if p == RDF_TYPE and isinstance(s, ox.NamedNode):
            out += [ox.Triple(s, t.predicate, ox.NamedNode(c)) for c in rules.superclasses.get(o.value, ())]
        return out

    def derivable(t: ox.Triple, gone: set[ox.Triple]) -> bool:
        """Whether the facts not in ``gone`` derive t in one step."""
        s, p, o = t.subject, t.predicate.value, t.object
        for sub, sups in rules.superproperties.items():
            if p in sups and holds(ox.Triple(s, ox.NamedNode(sub), o), gone):
                return True
        if isinstance(s, ox.NamedNode):
            for q in rules.inverses.get(p, ()):
                if holds(ox.Triple(o, ox.NamedNode(q), s), gone):
                    return True
        if p in rules.transitive and s != o and any(holds(ox.Triple(m, t.predicate, o), gone)
                                                    for m in objects(s, p, gone)):
            return True
        for head, p1, p2 in rules.chains:
            if p == head and s != o and any(holds(ox.Triple(y, ox.NamedNode(p2), o), gone)
                                            for y in objects(s, p1, gone)):
                return True
        if p == RDF_TYPE:
            for sub, sups in rules.superclasses.items():
                if o.value in sups and holds(ox.Triple(s, t.predicate, ox.NamedNode(sub)), gone):
                    return True
        return False

    def inferred(t: ox.Triple) -> bool:
        return any(True for _ in store.quads_for_pattern(t.subject, t.predicate, t.object, ig))

    # 1. over-delete: what the removed triples helped derive (with the old facts, before anything goes)
    candidates: set[ox.Triple] = set()
    agenda = list(removed)
    while agenda:
        for c in consequences(agenda.pop(), set()):
            if c not in candidates and c not in removed and inferred(c):
                candidates.add(c)
                agenda.append(c)
    gone = set(removed) | candidates
    # 2. re-derive: what the remaining facts still derive, and what follows from it
    back = {t for t in gone if derivable(t, gone)}
    agenda = list(back)
    while agenda:
        t = agenda.pop()
        gone.discard(t)
        for c in consequences(t, gone):
            if c in gone and c not in back:
                back.add(c)
                agenda.append(c)
    gone -= back
    delete = {t for t in candidates if t not in back}
    add = {t for t in removed if t in back}  # stated before, now only derived
    return delete, add


def retracted_triples(store: ox.Store, rules: Rules, removed: set[ox.Quad], added: set[ox.Quad],
                      rewritten: set[str]) -> set[ox.Triple]:
    """The removed triples that can take an inference back: a rule reads or writes them, and they are no
    longer stated anywhere (not in the new quads, not in a graph that is kept)."""
    preds = rules.predicates()
    classes = set(rules.superclasses) | {c for sups in rules.superclasses.values() for c in sups}
    kept = {q.triple for q in added}
    out: set[ox.Triple] = set()
    for q in removed:
        if q.predicate.value not in preds or q.triple in kept:
            continue
        if q.predicate.value == RDF_TYPE and q.object.value not in classes:
            continue  # a class no rule mentions (pol:Evidence …)
        elsewhere = any(other.graph_name.value not in rewritten and other.graph_name != q.graph_name
                        for other in store.quads_for_pattern(q.subject, q.predicate, q.object))
        if not elsewhere:
            out.add(q.triple)
    return out
