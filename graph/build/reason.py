"""Stage 6: materialise what the ontology implies, so plain SPARQL sees it.

The rules are read from the ontology itself (no rule is hard-coded here):
``owl:inverseOf``, ``owl:TransitiveProperty``, two-step ``owl:propertyChainAxiom``,
``rdfs:subPropertyOf`` and ``rdfs:subClassOf`` (an OWL 2 RL subset). They are evaluated in Python to their
fixpoint over the facts of every graph, semi-naively: each fact is joined once, when it is new, with the facts
known so far, so the cost grows with the facts read and derived (a SPARQL UPDATE per rule and round re-joined
the whole closure each round, and each grew with the store's size: bench/RESULTS.md). Inferred triples go to
the named graph ``id/graph/inferred``, so they can be told apart from stated ones; a fact stated in any other
graph is not also inferred.

Then the dependency model (:mod:`graph.dependency`) is materialised: ``X pol:needs P`` for every pair of its
closure, and on every P the number of tasks and documents that need it (``pol:dependentTaskCount``,
``pol:dependentDocumentCount``), so dependency questions are an index lookup at query time.
:func:`materialise_needs` recomputes them from the stated facts alone; an incremental ingest calls it after
adding or removing a document.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.dependency import NAMING, PART_OF, DependencyModel
from graph.vocab import OWL, POL, PROV, RDF, RDF_TYPE, RDFS, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Fact = tuple[Term, str, Term]


def _pairs(store: ox.Store, query: str) -> list[tuple[str, str]]:
    return [(r["a"].value, r["b"].value) for r in store.query(query, use_default_graph_as_union=True)
            if isinstance(r["a"], ox.NamedNode) and isinstance(r["b"], ox.NamedNode)]


def _heads(store: ox.Store, query: str) -> list[tuple[str, ox.BlankNode | ox.NamedNode]]:
    return [(r["a"].value, r["b"]) for r in store.query(query, use_default_graph_as_union=True)
            if isinstance(r["a"], ox.NamedNode)]


def _rdf_list(store: ox.Store, head: ox.BlankNode | ox.NamedNode) -> list[str]:
    """The members of an RDF list, in order."""
    first, rest, nil = (ox.NamedNode(RDF + x) for x in ("first", "rest", "nil"))
    items: list[str] = []
    node = head
    while node != nil and len(items) < 16:
        items += [q.object.value for q in store.quads_for_pattern(node, first, None)]
        nxt = [q.object for q in store.quads_for_pattern(node, rest, None)]
        if not nxt:
            break
        node = nxt[0]
    return items


@dataclass
class Rules:
    """The ontology's rules, by the predicate (or class) of the fact that fires them."""

    super_properties: dict[str, set[str]] = field(default_factory=dict)  # p ⊑ q
    inverse: dict[str, set[str]] = field(default_factory=dict)  # p ≡ q⁻ (both ways)
    transitive: set[str] = field(default_factory=set)
    chain_first: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # p1 → {(p2, p)}: p1 ∘ p2 ⊑ p
    chain_second: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # p2 → {(p1, p)}
    super_classes: dict[str, set[str]] = field(default_factory=dict)  # C ⊑ D (rdf:type facts)

    @classmethod
    def read(cls, store: ox.Store) -> Rules:
        """The rules the ontology states, from every graph of ``store``."""
        rules = cls()
        for sub, sup in _pairs(store, f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subPropertyOf> ?b FILTER(?a != ?b) }}"):
            rules.super_properties.setdefault(sub, set()).add(sup)
        for a, b in _pairs(store, f"SELECT ?a ?b WHERE {{ ?a <{OWL}inverseOf> ?b }}"):
            rules.inverse.setdefault(a, set()).add(b)
            rules.inverse.setdefault(b, set()).add(a)
        rules.transitive.update(r["p"].value for r in store.query(
            f"SELECT ?p WHERE {{ ?p a <{OWL}TransitiveProperty> }}", use_default_graph_as_union=True))
        for p, head in _heads(store, f"SELECT ?a ?b WHERE {{ ?a <{OWL}propertyChainAxiom> ?b }}"):
            parts = _rdf_list(store, head)
            if len(parts) == 2:  # two-step chains (p1 ∘ p2 ⊑ p), e.g. dependsOn ∘ partOf ⊑ dependsOn
                rules.chain_first.setdefault(parts[0], set()).add((parts[1], p))
                rules.chain_second.setdefault(parts[1], set()).add((parts[0], p))
        for sub, sup in _pairs(store, f"SELECT ?a ?b WHERE {{ ?a <{RDFS}subClassOf> ?b FILTER(?a != ?b) }}"):
            rules.super_classes.setdefault(sub, set()).add(sup)
        return rules

    def predicates(self) -> set[str]:
        """Every predicate a rule reads or writes, but ``rdf:type`` (read by class: :meth:`classes`)."""
        out = set(self.super_properties) | set(self.inverse) | self.transitive
        out |= set(self.chain_first) | set(self.chain_second)
        for targets in (*self.super_properties.values(), *self.inverse.values()):
            out |= targets
        for pairs in self.chain_first.values():
            out |= {p for _second, p in pairs}
        out.discard(RDF_TYPE)
        return out

    def classes(self) -> set[str]:
        """Every class a subclass rule reads or writes."""
        return set(self.super_classes).union(*self.super_classes.values())

    def joined(self) -> set[str]:
        """The predicates joined with themselves or another (transitivity, chains): these are indexed."""
        return self.transitive | set(self.chain_first) | set(self.chain_second)


def fixpoint(rules: Rules, facts: set[Fact]) -> set[Fact]:
    """Every fact the rules derive from ``facts`` (semi-naive: each fact is joined once, when it first
    appears, with the facts known by then); returns the known facts and the derived ones together."""
    known = set(facts)
    joined = rules.joined()
    out: dict[str, dict[Term, set[Term]]] = {p: {} for p in joined}  # p → s → {o}
    into: dict[str, dict[Term, set[Term]]] = {p: {} for p in joined}  # p → o → {s}
    for s, p, o in known:
        if p in joined:
            out[p].setdefault(s, set()).add(o)
            into[p].setdefault(o, set()).add(s)
    todo = deque(known)
    type_ = RDF_TYPE
    class_nodes = {c: ox.NamedNode(c) for c in rules.classes()}

    def add(fact: Fact) -> None:
        if fact not in known:
            known.add(fact)
            todo.append(fact)
            s, p, o = fact
            if p in joined:
                out[p].setdefault(s, set()).add(o)
                into[p].setdefault(o, set()).add(s)

    while todo:
        s, p, o = todo.popleft()
        for sup in rules.super_properties.get(p, ()):
            add((s, sup, o))
        if isinstance(o, ox.NamedNode):
            for inv in rules.inverse.get(p, ()):
                add((o, inv, s))
        if p in rules.transitive:
            for z in list(out[p].get(o, ())):
                if z != s:
                    add((s, p, z))
            for x in list(into[p].get(s, ())):
                if x != o:
                    add((x, p, o))
        for second, head in rules.chain_first.get(p, ()):
            for z in list(out[second].get(o, ())):
                if z != s:
                    add((s, head, z))
        for first, head in rules.chain_second.get(p, ()):
            for x in list(into[first].get(s, ())):
                if x != o:
                    add((x, head, o))
        if p == type_ and isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
            for sup in rules.super_classes.get(o.value, ()):
                add((s, type_, class_nodes[sup]))
    return known


def _extend(store: ox.Store, quads: Iterable[ox.Quad], batch: int = 200_000) -> None:
    """Add ``quads`` in batches: a list of millions of quads held at once costs more than the store gains."""
    chunk: list[ox.Quad] = []
    for quad in quads:
        chunk.append(quad)
        if len(chunk) >= batch:
            store.extend(chunk)
            chunk = []
    store.extend(chunk)


def materialise(store: ox.Store, inferred_graph: str, timings: dict[str, float] | None = None) -> int:
    """Add the entailed triples to ``inferred_graph``; returns how many quads the store gained. ``timings``,
    when given, collects the seconds of each step (bench/bench_build.py).

    Facts already in ``inferred_graph`` (an earlier run, before an ingest) are reasoned on like the others;
    those of the rules' predicates that are now stated elsewhere are removed from it."""
    clock = timings if timings is not None else {}
    before = len(store)
    # millions of fact tuples are alive at once: the cyclic collector, triggered by the allocations, would
    # traverse all of them again and again (the facts hold no cycles); paused while they are made
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _materialise(store, inferred_graph, clock) - before
    finally:
        if collecting:
            gc.enable()


def _materialise(store: ox.Store, inferred_graph: str, clock: dict[str, float]) -> int:
    started = time.perf_counter()
    g = ox.NamedNode(inferred_graph)
    rules = Rules.read(store)
    stated: set[Fact] = set()
    inferred: set[Fact] = set()

    terms: dict[Term, Term] = {}  # one object per term, shared by every fact that names it (memory)

    def read(quads: object) -> None:
        for q in quads:  # type: ignore[attr-defined]
            s, o = q.subject, q.object
            fact = (terms.setdefault(s, s), q.predicate.value, terms.setdefault(o, o))
            (inferred if q.graph_name == g else stated).add(fact)

    for p in sorted(rules.predicates()):
        read(store.quads_for_pattern(None, ox.NamedNode(p), None))
    type_node = ox.NamedNode(RDF_TYPE)
    for c in sorted(rules.classes()):
        read(store.quads_for_pattern(None, type_node, ox.NamedNode(c)))
    clock["read facts"] = time.perf_counter() - started
    started = time.perf_counter()
    terms.clear()
    known = fixpoint(rules, stated | inferred)
    clock["fixpoint"] = time.perf_counter() - started
    started = time.perf_counter()
    predicates = {p: ox.NamedNode(p) for p in rules.predicates() | {RDF_TYPE}}
    _extend(store, (ox.Quad(s, predicates[p], o, g) for s, p, o in known
                    if (s, p, o) not in stated and (s, p, o) not in inferred))
    del known
    for s, p, o in inferred & stated:  # a fact stated anywhere is not also 'inferred'
        store.remove(ox.Quad(s, ox.NamedNode(p), o, g))
    stated.clear()
    inferred.clear()
    clock["write"] = time.perf_counter() - started
    started = time.perf_counter()
    materialise_needs(store, inferred_graph)
    clock["dependency model (pol:needs)"] = time.perf_counter() - started
    return len(store)


NEEDS = POL + "needs"
LEADS_TO = POL + "leadsTo"
TASK_COUNT = POL + "dependentTaskCount"
DOCUMENT_COUNT = POL + "dependentDocumentCount"


def stated_dependency_model(store: ox.Store, inferred_graph: str) -> DependencyModel:
    """The dependency model over the stated facts of ``store`` (every graph but the inferred one)."""
    model = DependencyModel()
    inferred = ox.NamedNode(inferred_graph)
    for local in (*NAMING, PART_OF):
        for q in store.quads_for_pattern(None, ox.NamedNode(POL + local), None):
            if q.graph_name != inferred and isinstance(q.subject, ox.NamedNode) \
                    and isinstance(q.object, ox.NamedNode):
                model.add_fact(q.subject.value, local, q.object.value)
    return model


def materialise_needs(store: ox.Store, inferred_graph: str) -> int:
    """(Re)write ``pol:needs``, ``pol:leadsTo`` and the dependant counts into ``inferred_graph``; returns how
    many ``pol:needs`` pairs."""
    g = ox.NamedNode(inferred_graph)
    for predicate in (NEEDS, LEADS_TO, TASK_COUNT, DOCUMENT_COUNT):
        for q in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, g)):
            store.remove(q)
    model = stated_dependency_model(store, inferred_graph)
    tasks = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Task"))}
    documents = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                                   ox.NamedNode(POL + "Document"))}
    derived = ox.NamedNode(PROV + "wasDerivedFrom")
    needs = ox.NamedNode(NEEDS)
    task_count: dict[str, int] = {}
    doc_sets: dict[str, set[str]] = {}
    pairs = 0
    target_nodes: dict[str, ox.NamedNode] = {}  # the things needed are few next to the pairs: one node each

    def node_of(iri: str) -> ox.NamedNode:
        found = target_nodes.get(iri)
        if found is None:
            found = target_nodes[iri] = ox.NamedNode(iri)
        return found

    def quads() -> Iterator[ox.Quad]:  # yielded as they are made (millions at 10,000 documents)
        nonlocal pairs
        for node, reached in model.closure():
            subject = ox.NamedNode(node)
            is_task = node in tasks
            docs = {q.object.value for q in store.quads_for_pattern(subject, derived, None)
                    if q.object.value in documents} if is_task else set()
            for target in reached:
                yield ox.Quad(subject, needs, node_of(target), g)
                if is_task:
                    task_count[target] = task_count.get(target, 0) + 1
                    doc_sets.setdefault(target, set()).update(docs)
            pairs += len(reached)
        leads_to = ox.NamedNode(LEADS_TO)
        for named in list(model.named_by):
            subject = ox.NamedNode(named)
            yield from (ox.Quad(subject, leads_to, node_of(target), g) for target in model.leads_to(named))
        integer = ox.NamedNode(XSD + "integer")
        for target, n in task_count.items():
            yield ox.Quad(ox.NamedNode(target), ox.NamedNode(TASK_COUNT), ox.Literal(str(n), datatype=integer), g)
            yield ox.Quad(ox.NamedNode(target), ox.NamedNode(DOCUMENT_COUNT),
                          ox.Literal(str(len(doc_sets[target])), datatype=integer), g)

    _extend(store, quads())
    return pairs
