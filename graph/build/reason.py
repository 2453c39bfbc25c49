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
``pol:dependentDocumentCount``) and the IRIs of all of them as one value (``pol:dependantIndex``), so dependency
questions are an index lookup at query time. :func:`materialise_needs` computes them from the stated facts
alone (the build); :func:`update_needs` brings them up to date after an ingest changed some facts.

:func:`materialise` adds all of it to a store (in memory: an ingest, the tests); the build uses
:func:`materialised` instead, which reasons on the stated quads as they pass on to the on-disk bulk loader and
then yields the inferred graph, so that no store is held in memory and nothing is inserted into a growing one
(the insertion into pyoxigraph's in-memory store costs more per quad as the store grows: bench/RESULTS.md).
Both give the same quads (tests/test_reason.py).
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.build.counts import materialise_counts
from graph.dependency import (
    NAMING,
    PART_OF,
    DependencyModel,
    dependant_index_iri,
    dependant_index_members,
    dependant_index_value,
)
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
    started = time.perf_counter()
    materialise_counts(store, inferred_graph)
    clock["citation counts and footprints"] = time.perf_counter() - started
    return len(store)


# --- the build: reasoning on the quads as they flow to the on-disk store ---------------------------------------

AXIOMS = (RDFS + "subPropertyOf", RDFS + "subClassOf", OWL + "inverseOf", OWL + "propertyChainAxiom",
          RDF + "first", RDF + "rest")  # what Rules.read reads (and rdf:type owl:TransitiveProperty)


def _is_axiom(q: ox.Quad | ox.Triple) -> bool:
    p = q.predicate.value
    return p in AXIOMS or (p == RDF_TYPE and q.object.value == OWL + "TransitiveProperty")


def rules_of(quads: Iterable[ox.Quad]) -> tuple[Rules, set[ox.Triple]]:
    """The rules ``quads`` state (as :meth:`Rules.read` reads them from a store holding them), and the axiom
    triples they were read from."""
    axioms = ox.Store()
    axioms.extend(q for q in quads if _is_axiom(q))
    return Rules.read(axioms), {q.triple for q in axioms}


def after_materialised(store: ox.Store, inferred_graph: str) -> None:
    """What follows :func:`materialised` once its quads are in ``store`` (the build's written store): the counts
    the ranking questions read (:func:`graph.build.counts.materialise_counts`), which read the whole graph and so
    cannot be made as the quads pass. Together they leave what :func:`materialise` leaves."""
    materialise_counts(store, inferred_graph)


def materialised(stated: Iterable[ox.Quad], inferred_graph: str, rules: Rules, axioms: set[ox.Triple],
                 timings: dict[str, float] | None = None) -> Iterator[ox.Quad]:
    """The quads of a store and then of its inferred graph, as :func:`materialise` would leave them in a
    store holding ``stated``; for a consumer that writes as it reads (the on-disk bulk loader of a build),
    so that no store holds the quads in memory and nothing is inserted into a growing one.

    ``stated`` is read once, each quad passed on as it comes, while the facts the rules and the dependency model
    read are kept (the same facts :func:`_materialise` and :func:`materialise_needs` read from a store); then
    the fixpoint's new facts and the dependency model follow. ``rules`` and ``axioms`` are :func:`rules_of`
    ``stated`` (or of its axioms): an axiom among ``stated`` that is not in ``axioms`` is an error, as the
    facts kept were chosen by the rules. Quads of ``inferred_graph`` among ``stated`` are reasoned on as
    :func:`materialise` does (an earlier run's), and the dependency model's are rewritten. ``timings``, when
    given, collects each step's seconds (and its CPU seconds, under the step's name + " (cpu)"), the time the
    consumer takes for the quads of a step included."""
    clock = timings if timings is not None else {}
    g = ox.NamedNode(inferred_graph)
    started = (time.perf_counter(), time.process_time())

    def step(name: str) -> None:  # the seconds of a step, on the wall clock and of CPU (all threads)
        nonlocal started
        now = (time.perf_counter(), time.process_time())
        clock[name], clock[name + " (cpu)"] = now[0] - started[0], now[1] - started[1]
        started = now

    predicates = {p: ox.NamedNode(p) for p in rules.predicates() | {RDF_TYPE}}
    classes = {ox.NamedNode(c) for c in rules.classes()}
    task, document = ox.NamedNode(POL + "Task"), ox.NamedNode(POL + "Document")
    transitive, derived_from = ox.NamedNode(OWL + "TransitiveProperty"), ox.NamedNode(DERIVED)
    model_locals = {ox.NamedNode(POL + local): local for local in (*NAMING, PART_OF)}
    # what each predicate is read for: 1 a rule's facts, 2 the dependency model, 4 a task's documents,
    # 8 rewritten by the model, 16 an axiom (checked against the rules'), 32 rdf:type
    watch: dict[ox.NamedNode, int] = {}
    for p, node in predicates.items():
        watch[node] = 1 if p != RDF_TYPE else 32
    for node in model_locals:
        watch[node] = watch.get(node, 0) | 2
    watch[derived_from] = watch.get(derived_from, 0) | 4
    for p in NEEDS_FAMILY:
        watch[ox.NamedNode(p)] = watch.get(ox.NamedNode(p), 0) | 8
    for p in AXIOMS:
        watch[ox.NamedNode(p)] = watch.get(ox.NamedNode(p), 0) | 16

    stated_facts: set[Fact] = set()
    inferred_facts: set[Fact] = set()
    terms: dict[Term, Term] = {}  # one object per term, shared by every fact that names it (memory)
    model = DependencyModel()
    tasks: set[str] = set()
    documents: set[str] = set()
    derived: dict[str, set[str]] = {}
    collecting = gc.isenabled()
    gc.disable()  # millions of fact tuples are made (see materialise)
    try:
        for q in stated:
            kind = watch.get(q.predicate)
            if kind is None:
                yield q
                continue
            s, o = q.subject, q.object
            in_g = q.graph_name == g
            if (kind & 16 or (kind & 32 and o == transitive)) and q.triple not in axioms:
                raise ValueError(f"an axiom the rules were not read from: {q.triple}")
            if kind & 8 and in_g:
                continue  # the dependency model is written again below
            if kind & 32:
                if o == task:
                    tasks.add(s.value)
                elif o == document:
                    documents.add(s.value)
                if o in classes:
                    fact = (terms.setdefault(s, s), RDF_TYPE, terms.setdefault(o, o))
                    (inferred_facts if in_g else stated_facts).add(fact)
                    if in_g:
                        continue  # given again with the fixpoint's facts
            elif kind & 1:
                fact = (terms.setdefault(s, s), q.predicate.value, terms.setdefault(o, o))
                (inferred_facts if in_g else stated_facts).add(fact)
                if in_g:
                    continue
            if kind & 2 and not in_g and isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                model.add_fact(s.value, model_locals[q.predicate], o.value)
            if kind & 4 and isinstance(s, ox.NamedNode):
                derived.setdefault(s.value, set()).add(o.value)
            yield q
        terms.clear()
        step("stated quads (read, facts kept)")
        known = fixpoint(rules, stated_facts | inferred_facts)
        step("fixpoint")
        rewritten = set(NEEDS_FAMILY)
        for s, p, o in known:
            if p in rewritten or (s, p, o) in stated_facts:
                continue
            if p == RDF_TYPE:
                if o == task:
                    tasks.add(s.value)
                elif o == document:
                    documents.add(s.value)
            elif p == DERIVED and isinstance(s, ox.NamedNode):
                derived.setdefault(s.value, set()).add(o.value)
            yield ox.Quad(s, predicates[p], o, g)
        del known
        stated_facts.clear()
        inferred_facts.clear()
        step("write inferred")
        yield from needs_quads(model, tasks, documents, lambda node: derived.get(node, ()), inferred_graph)
        step("dependency model (pol:needs)")
    finally:
        if collecting:
            gc.enable()


NEEDS = POL + "needs"
LEADS_TO = POL + "leadsTo"
TASK_COUNT = POL + "dependentTaskCount"
DOCUMENT_COUNT = POL + "dependentDocumentCount"
DEPENDANT_INDEX = POL + "dependantIndex"
NEEDS_FAMILY = (NEEDS, LEADS_TO, TASK_COUNT, DOCUMENT_COUNT, DEPENDANT_INDEX)  # rewritten whole by the model


def dependant_index_node(target: str) -> ox.NamedNode:
    return ox.NamedNode(dependant_index_iri(target))


def dependant_index_literal(dependants: Iterable[str]) -> ox.Literal:
    return ox.Literal(dependant_index_value(dependants))


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
    """(Re)write ``pol:needs``, ``pol:leadsTo``, the dependant counts and the dependant index
    (``<target#dependants> pol:dependantIndex "x1 x2 …"``: what the read side reads a whole answer from) into
    ``inferred_graph``; returns how many ``pol:needs`` pairs."""
    g = ox.NamedNode(inferred_graph)
    for predicate in NEEDS_FAMILY:
        for q in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, g)):
            store.remove(q)
    model = stated_dependency_model(store, inferred_graph)
    tasks = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Task"))}
    documents = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                                   ox.NamedNode(POL + "Document"))}
    derived = ox.NamedNode(PROV + "wasDerivedFrom")
    tally: dict[str, int] = {}
    _extend(store, needs_quads(model, tasks, documents, lambda node: (
        q.object.value for q in store.quads_for_pattern(ox.NamedNode(node), derived, None)), inferred_graph, tally))
    return tally["pairs"]


def needs_quads(model: DependencyModel, tasks: set[str], documents: set[str],
                derived_from: Callable[[str], Iterable[str]], inferred_graph: str,
                tally: dict[str, int] | None = None) -> Iterator[ox.Quad]:
    """The quads of the dependency model in ``inferred_graph``, yielded as they are made (millions at 10,000
    documents): ``pol:needs`` for every pair of ``model``'s closure, ``pol:leadsTo``, the counts of the tasks
    (``tasks``) and of their documents (what ``derived_from(task)`` gives that is in ``documents``) on every
    target, and the dependant index. ``tally["pairs"]``: how many ``pol:needs`` pairs, once exhausted."""
    g = ox.NamedNode(inferred_graph)
    needs = ox.NamedNode(NEEDS)
    # per pair, no throwaway default is made (dict.setdefault(k, set()) made one for each of millions)
    task_count: defaultdict[str, int] = defaultdict(int)
    doc_sets: defaultdict[str, set[str]] = defaultdict(set)
    dependants: defaultdict[str, list[str]] = defaultdict(list)  # target -> what needs it (the model's strings)
    pairs = 0
    target_nodes: dict[str, ox.NamedNode] = {}  # the things needed are few next to the pairs: one node each

    def node_of(iri: str) -> ox.NamedNode:
        found = target_nodes.get(iri)
        if found is None:
            found = target_nodes[iri] = ox.NamedNode(iri)
        return found

    for node, reached in model.closure():
        subject = ox.NamedNode(node)
        is_task = node in tasks
        docs = {d for d in derived_from(node) if d in documents} if is_task else set()
        for target in reached:
            yield ox.Quad(subject, needs, node_of(target), g)
            dependants[target].append(node)
            if is_task:
                task_count[target] += 1
                doc_sets[target].update(docs)
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
    index = ox.NamedNode(DEPENDANT_INDEX)
    while dependants:
        target, nodes = dependants.popitem()
        yield ox.Quad(dependant_index_node(target), index, dependant_index_literal(nodes), g)
    if tally is not None:
        tally["pairs"] = pairs


# --- the incremental update (an ingest) ----------------------------------------------------------------------

class _OnDemand(dict):
    """A dict filled from the store as keys are asked for (key -> what the store states for it)."""

    def __init__(self, load: Callable[[str], object]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, key: str) -> object:
        value = self[key] = self._load(key)
        return value

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        return self[key] or default


def store_dependency_model(store: ox.Store, inferred_graph: str) -> DependencyModel:
    """The dependency model over the stated facts of ``store``, read on demand by index lookups (constant
    subject or object) as the model's walks ask for a node: the same model as
    :func:`stated_dependency_model`, for the neighbourhood of a change only."""
    g = ox.NamedNode(inferred_graph)
    part_of = ox.NamedNode(POL + PART_OF)
    naming = [(local, ox.NamedNode(POL + local)) for local in NAMING]

    def stated(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        return (q for q in quads if q.graph_name != g and isinstance(q.subject, ox.NamedNode)
                and isinstance(q.object, ox.NamedNode) and q.subject != q.object)

    def wholes(node: str) -> set[str]:
        return {q.object.value for q in stated(store.quads_for_pattern(ox.NamedNode(node), part_of, None))}

    def parts(node: str) -> set[str]:
        return {q.subject.value for q in stated(store.quads_for_pattern(None, part_of, ox.NamedNode(node)))}

    def named(node: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for local, predicate in naming:  # in the order the full read adds them (the first predicate is kept)
            for q in stated(store.quads_for_pattern(ox.NamedNode(node), predicate, None)):
                out.setdefault(q.object.value, local)
        return out

    def named_by(node: str) -> set[str]:
        return {q.subject.value for _local, predicate in naming
                for q in stated(store.quads_for_pattern(None, predicate, ox.NamedNode(node)))}

    model = DependencyModel()
    model.wholes, model.parts = _OnDemand(wholes), _OnDemand(parts)  # type: ignore[assignment]
    model.named, model.named_by = _OnDemand(named), _OnDemand(named_by)  # type: ignore[assignment]
    return model


class _Materialised:
    """What the inferred graph of one store holds of the dependency model, and the task/document facts the
    counts read; lookups are cached (the store does not change while they are used, or only in what is
    re-read on purpose)."""

    def __init__(self, store: ox.Store, inferred_graph: str) -> None:
        self.store = store
        self.g = ox.NamedNode(inferred_graph)
        self._needs: dict[str, set[str]] = {}
        self._derived: dict[str, set[str]] = {}
        self._document_needs: dict[str, set[str]] = {}

    def objects(self, node: str, predicate: str) -> set[str]:
        return {q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(predicate),
                                                                      None, self.g)}

    def needs(self, node: str) -> set[str]:
        if node not in self._needs:
            self._needs[node] = self.objects(node, NEEDS)
        return self._needs[node]

    def needed_by(self, target: str) -> set[str]:
        return {q.subject.value for q in self.store.quads_for_pattern(None, ox.NamedNode(NEEDS), ox.NamedNode(target),
                                                                       self.g)}

    def count(self, target: str, predicate: str) -> int:
        found = [q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(target), ox.NamedNode(predicate),
                                                                       None, self.g)]
        return int(found[0]) if found else 0

    def typed(self, node: str, cls: str) -> bool:
        return next(self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + cls)),
                    None) is not None

    def documents_of(self, node: str) -> set[str]:
        """The documents ``node`` is derived from (as the full count reads them: objects typed pol:Document)."""
        return {q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(DERIVED), None)
                if isinstance(q.object, ox.NamedNode) and self.typed(q.object.value, "Document")}

    def derived_from(self, document: str) -> set[str]:
        if document not in self._derived:
            self._derived[document] = {q.subject.value for q in self.store.quads_for_pattern(
                None, ox.NamedNode(DERIVED), ox.NamedNode(document)) if isinstance(q.subject, ox.NamedNode)}
        return self._derived[document]

    def counts_document(self, document: str, target: str) -> bool:
        """Whether ``document`` sets a task that needs ``target`` (so it is among the target's dependent
        documents): the union of its tasks' needs, read once per document (a change touches hundreds of
        targets of the same few documents)."""
        if document not in self._document_needs:
            needed: set[str] = set()
            if self.typed(document, "Document"):
                for x in self.derived_from(document):
                    if self.typed(x, "Task"):
                        needed |= self.needs(x)
            self._document_needs[document] = needed
        return target in self._document_needs[document]

    def set_objects(self, node: str, predicate: str, want: set[str], have: set[str] | None = None) -> tuple[int, int]:
        """Make ``node predicate ?`` in the inferred graph be exactly ``want`` (``have``: what it holds, when
        known): (added, removed)."""
        have = self.objects(node, predicate) if have is None else have
        s, p = ox.NamedNode(node), ox.NamedNode(predicate)
        for o in have - want:
            self.store.remove(ox.Quad(s, p, ox.NamedNode(o), self.g))
        self.store.extend([ox.Quad(s, p, ox.NamedNode(o), self.g) for o in want - have])
        return len(want - have), len(have - want)

    def update_index(self, target: str, change: dict[str, bool]) -> None:
        """Add to (True) or take from (False) the dependant index of ``target`` (gone when it empties)."""
        node, index = dependant_index_node(target), ox.NamedNode(DEPENDANT_INDEX)
        current = list(self.store.quads_for_pattern(node, index, None, self.g))
        nodes = {x for q in current for x in dependant_index_members(q.object.value)}
        nodes |= {x for x, now in change.items() if now}
        nodes -= {x for x, now in change.items() if not now}
        for q in current:
            self.store.remove(q)
        if nodes:
            self.store.add(ox.Quad(node, index, dependant_index_literal(nodes), self.g))

    def set_counts(self, target: str, tasks: int, documents: int) -> None:
        s = ox.NamedNode(target)
        for predicate in (TASK_COUNT, DOCUMENT_COUNT):
            for q in list(self.store.quads_for_pattern(s, ox.NamedNode(predicate), None, self.g)):
                self.store.remove(q)
        if tasks > 0:  # as the full write: both counts on every target some task needs
            integer = ox.NamedNode(XSD + "integer")
            self.store.extend([ox.Quad(s, ox.NamedNode(TASK_COUNT), ox.Literal(str(tasks), datatype=integer), self.g),
                               ox.Quad(s, ox.NamedNode(DOCUMENT_COUNT), ox.Literal(str(documents), datatype=integer),
                                       self.g)])


DERIVED = PROV + "wasDerivedFrom"


@dataclass
class NeedsUpdate:
    """What :func:`update_needs` did (for the bench and the tests)."""

    changed_facts: int = 0  # naming and part-of facts that came or went
    recomputed: int = 0  # nodes whose pol:needs were recomputed
    needs_added: int = 0
    needs_removed: int = 0
    leads_to_rewritten: int = 0
    counts_rewritten: int = 0
    nodes: set[str] = field(default_factory=set)  # the nodes whose pol:needs were recomputed
    leads_changed: set[str] = field(default_factory=set)  # the named things whose pol:leadsTo changed


def update_needs(before: ox.Store, after: ox.Store, inferred_graph: str, changed: Iterable[ox.Quad]) -> NeedsUpdate:
    """Bring ``pol:needs``, ``pol:leadsTo`` and the dependant counts in ``after`` up to date with its stated facts,
    after the stated quads ``changed`` (added or removed) took ``before`` to ``after`` (``after`` still holds
    the model materialised for ``before``, ``before`` is left as it is). Gives what :func:`materialise_needs`
    gives on ``after``, rewriting only what the change can touch:

    * the nodes whose needs can change — the subjects of the naming facts that came or went; for a part-of fact
      that came or went, whatever names something in the reach of its part or whole (before or after the
      change); and everything that depended on those before (read from the materialised ``pol:needs``: a
      walk that changes passes, before its first changed fact, only through facts that stay) — get their
      needs recomputed over the facts of ``after``, walking no further than the nodes outside that set (whose
      materialised closure stays);
    * the dependant index (``pol:dependantIndex``) of the targets those nodes come to need or no longer need;
    * ``pol:leadsTo`` of the named things whose reach or whose reach's needs can change;
    * the counts of the targets whose dependent tasks or their documents change (a count that drops to 0
      loses its quads), from the counts held and the documents of the tasks that came or went.
    """
    out = NeedsUpdate()
    old, new = store_dependency_model(before, inferred_graph), store_dependency_model(after, inferred_graph)
    held_before, held = _Materialised(before, inferred_graph), _Materialised(after, inferred_graph)
    g = ox.NamedNode(inferred_graph)

    def stated_in(store: ox.Store, quad: ox.Quad) -> bool:
        return any(q.graph_name != g for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object))

    naming_changed: set[tuple[str, str]] = set()
    parts_changed: set[tuple[str, str]] = set()
    typed: set[str] = set()  # subjects whose classes changed
    derived: set[str] = set()  # subjects whose documents changed
    model_predicates = {POL + local: local for local in (*NAMING, PART_OF)}
    for q in changed:
        if q.graph_name == g or not isinstance(q.subject, ox.NamedNode):
            continue
        p = q.predicate.value
        if p in model_predicates:
            if isinstance(q.object, ox.NamedNode) and q.subject != q.object \
                    and stated_in(before, q) != stated_in(after, q):  # the fact itself came or went
                (parts_changed if p == POL + PART_OF else naming_changed).add((q.subject.value, q.object.value))
        elif p == RDF_TYPE:
            typed.add(q.subject.value)
        elif p == DERIVED:
            derived.add(q.subject.value)
    out.changed_facts = len(naming_changed) + len(parts_changed)

    # -- whose needs can change
    region: set[str] = set()  # the things whose reach can change
    for a, b in parts_changed:
        for model in (old, new):
            region.update(model.reach(a), model.reach(b))
    seeds = {s for s, _o in naming_changed}
    for n in region:
        seeds |= old.named_by.get(n, set()) | new.named_by.get(n, set())
    affected = set(seeds)
    for s in seeds:
        affected |= held_before.needed_by(s)
    new_needs = {x: new.needs_over(x, lambda y: None if y in affected else held_before.needs(y)) for x in affected}
    out.recomputed = len(affected)
    out.nodes = affected

    def needs_after(y: str) -> set[str]:
        return new_needs[y] if y in affected else held_before.needs(y)

    # -- counts: what each task that may change contributed before, read before the pairs are rewritten
    candidates = affected | derived
    for s in typed:
        if held_before.typed(s, "Task") != held.typed(s, "Task"):
            candidates.add(s)
        if held_before.typed(s, "Document") != held.typed(s, "Document"):
            candidates |= held_before.derived_from(s) | held.derived_from(s)
    task_delta: dict[str, int] = {}
    documents: dict[str, set[str]] = {}  # target -> the documents whose count for it may change
    for x in candidates:
        was_task, is_task = held_before.typed(x, "Task"), held.typed(x, "Task")
        needed_before = held_before.needs(x) if was_task else set()
        needed_after = needs_after(x) if is_task else set()
        docs_before = held_before.documents_of(x) if was_task else set()
        docs_after = held.documents_of(x) if is_task else set()
        for target in needed_before | needed_after:
            if target in needed_before and target in needed_after and docs_before == docs_after:
                continue
            task_delta[target] = task_delta.get(target, 0) + (target in needed_after) - (target in needed_before)
            documents.setdefault(target, set()).update(docs_before if target in needed_before else (),
                                                       docs_after if target in needed_after else ())

    # -- the pairs, and the dependant index of the targets they come to or leave
    index_changes: dict[str, dict[str, bool]] = {}  # target -> {dependant: now needs it}
    for x in affected:  # the store being updated still holds the pairs of before
        have, want = held_before.needs(x), new_needs[x]
        for target in have ^ want:
            index_changes.setdefault(target, {})[x] = target in want
        added, removed = held.set_objects(x, NEEDS, want, have)
        out.needs_added += added
        out.needs_removed += removed
    held = _Materialised(after, inferred_graph)  # the pairs changed: nothing cached from before them
    for target, change in index_changes.items():
        held.update_index(target, change)

    # -- leadsTo of the named things whose reach, or the needs of whose reach, can change
    named = {o for _s, o in naming_changed} | region
    for y in affected:
        named.update(new.reach(y))
    for n in named:
        want: set[str] = set()
        if new.named_by.get(n):
            for y in new.reach(n):
                want.add(y)
                want |= needs_after(y)
        if held.set_objects(n, LEADS_TO, want) != (0, 0):
            out.leads_to_rewritten += 1
            out.leads_changed.add(n)

    # -- the counts of the targets touched
    for target, delta in task_delta.items():
        docs = documents.get(target, set())
        tasks = held.count(target, TASK_COUNT) + delta
        n_docs = (held.count(target, DOCUMENT_COUNT) - sum(held_before.counts_document(d, target) for d in docs)
                  + sum(held.counts_document(d, target) for d in docs))
        held.set_counts(target, tasks, n_docs)
        out.counts_rewritten += 1
    return out
