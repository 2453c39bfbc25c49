"""The incremental update of the materialised dependency model (graph.build.reason.update_needs, what an ingest
runs) gives exactly what the full materialisation (materialise_needs, what a build runs) gives after the same
change: on hand-made changes where it is easy to be wrong, and on random ones."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from graph.build.reason import (
    DEPENDANT_INDEX,
    DOCUMENT_COUNT,
    LEADS_TO,
    NEEDS,
    TASK_COUNT,
    materialise_needs,
    update_needs,
)
from graph.vocab import POL, PROV, RDF_TYPE, inferred_graph

ID = "https://w3id.org/policykg/id/"
MODEL = (NEEDS, LEADS_TO, TASK_COUNT, DOCUMENT_COUNT, DEPENDANT_INDEX)
Fact = tuple[str, str, str]


def _node(name: str) -> ox.NamedNode:
    kind = {"t": "task", "d": "doc"}.get(name[0], "project")
    return ox.NamedNode(f"{ID}{kind}/case/{name}")


def _quads(facts: list[Fact], graph: str = "g1") -> list[ox.Quad]:
    """(s, p, o) with p a pol: local name, 'a' (a class), or 'from' (prov:wasDerivedFrom)."""
    out = []
    for s, p, o in facts:
        if p == "a":
            pred, obj = ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + o)
        elif p == "from":
            pred, obj = ox.NamedNode(PROV + "wasDerivedFrom"), _node(o)
        else:
            pred, obj = ox.NamedNode(POL + p), _node(o)
        out.append(ox.Quad(_node(s), pred, obj, ox.NamedNode(ID + "graph/" + graph)))
    return out


def _model_quads(store: ox.Store) -> set[ox.Quad]:
    return {q for p in MODEL for q in store.quads_for_pattern(None, ox.NamedNode(p), None)}


def _full(quads: set[ox.Quad]) -> set[ox.Quad]:
    store = ox.Store()
    store.extend(quads)
    materialise_needs(store, inferred_graph())
    return _model_quads(store)


def check(before_quads: set[ox.Quad], add: set[ox.Quad], remove: set[ox.Quad]) -> set[ox.Quad]:
    """Materialise ``before_quads``, change them, update incrementally; assert it equals a full rebuild."""
    before = ox.Store()
    before.extend(before_quads)
    materialise_needs(before, inferred_graph())
    after = ox.Store()
    after.extend(before)
    for q in remove:
        after.remove(q)
    after.extend(add)
    update_needs(before, after, inferred_graph(), add | remove)
    expected = _full((before_quads - remove) | add)
    got = _model_quads(after)
    assert got == expected, (sorted(map(str, got - expected)), sorted(map(str, expected - got)))
    return got


def _count(quads: set[ox.Quad], target: str, predicate: str) -> int | None:
    found = [int(q.object.value) for q in quads if q.subject == _node(target) and q.predicate.value == predicate]
    return found[0] if found else None


TASKS = [("t1", "a", "Task"), ("t2", "a", "Task"), ("t3", "a", "Task"), ("t1", "from", "d1"), ("t2", "from", "d1"),
         ("t3", "from", "d2"), ("d1", "a", "Document"), ("d2", "a", "Document")]


def test_a_new_part_of_fact_joins_two_systems() -> None:
    # S1 = {A, B}, S2 = {C}; t1 names A, t2 names S2, t3 names C; then S2 becomes part of S1
    base = set(_quads(TASKS + [("A", "partOf", "S1"), ("B", "partOf", "S1"), ("C", "partOf", "S2"),
                               ("t1", "concerns", "A"), ("t2", "concerns", "S2"), ("t3", "dependsOn", "C")]))
    got = check(base, set(_quads([("S2", "partOf", "S1")], "g2")), set())
    assert _count(got, "S1", TASK_COUNT) == 3 and _count(got, "B", TASK_COUNT) is None  # B: another part only
    assert _count(got, "S1", DOCUMENT_COUNT) == 2


def test_a_new_version_removes_a_naming_fact() -> None:
    base = set(_quads(TASKS + [("A", "partOf", "S"), ("t1", "concerns", "A"), ("t2", "concerns", "A"),
                               ("L", "dependsOn", "S"), ("t3", "concerns", "L")]))
    got = check(base, set(), set(_quads([("t1", "concerns", "A")])))
    # t2 names A; t3 reaches it through L, which needs the whole S and so its part A
    assert _count(got, "A", TASK_COUNT) == 2 and _count(got, "A", DOCUMENT_COUNT) == 2
    # and a project that named the system stops naming it: t3 loses A and S through L
    got = check(base, set(), set(_quads([("L", "dependsOn", "S")])))
    assert _count(got, "S", TASK_COUNT) == 2


def test_a_task_that_names_a_whole() -> None:
    base = set(_quads(TASKS + [("A", "partOf", "S"), ("B", "partOf", "S"), ("B1", "partOf", "B"),
                               ("t1", "concerns", "A")]))
    got = check(base, set(_quads([("t2", "concerns", "S")], "g2")), set())
    assert _count(got, "B1", TASK_COUNT) == 1 and _count(got, "A", TASK_COUNT) == 2


def test_a_count_that_drops_to_zero_loses_its_quads() -> None:
    base = set(_quads(TASKS + [("t1", "concerns", "A"), ("t2", "concerns", "B")]))
    got = check(base, set(), set(_quads([("t1", "concerns", "A"), ("t1", "a", "Task"), ("t1", "from", "d1")])))
    assert _count(got, "A", TASK_COUNT) is None and _count(got, "A", DOCUMENT_COUNT) is None
    assert _count(got, "B", TASK_COUNT) == 1


def test_a_fact_stated_twice_stays_when_one_copy_goes() -> None:
    base = set(_quads(TASKS + [("t1", "concerns", "A")])) | set(_quads([("t1", "concerns", "A")], "g2"))
    got = check(base, set(), set(_quads([("t1", "concerns", "A")], "g2")))
    assert _count(got, "A", TASK_COUNT) == 1


def test_a_task_moves_to_another_document() -> None:
    base = set(_quads(TASKS + [("t1", "concerns", "A"), ("t3", "concerns", "A")]))
    got = check(base, set(_quads([("t1", "from", "d2")])), set(_quads([("t1", "from", "d1")])))
    assert _count(got, "A", DOCUMENT_COUNT) == 1


def test_a_cycle_broken_and_made() -> None:
    base = set(_quads(TASKS + [("P", "dependsOn", "Q"), ("Q", "dependsOn", "P"), ("t1", "dependsOn", "P")]))
    check(base, set(), set(_quads([("Q", "dependsOn", "P")])))
    check(base, set(_quads([("Q", "partOf", "R"), ("t2", "concerns", "R")])), set())


NODES = ["A", "B", "C", "D", "S", "R", "P", "Q"]


def _random_facts(rng: random.Random, n: int) -> list[Fact]:
    facts: list[Fact] = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.35:
            facts.append((rng.choice(NODES), "partOf", rng.choice(NODES)))
        elif kind < 0.55:
            facts.append((rng.choice(NODES), rng.choice(["concerns", "dependsOn"]), rng.choice(NODES)))
        elif kind < 0.85:
            facts.append((f"t{rng.randrange(6)}", rng.choice(["concerns", "dependsOn"]), rng.choice(NODES)))
        elif kind < 0.95:
            facts.append((f"t{rng.randrange(6)}", "from", f"d{rng.randrange(3)}"))
        else:
            facts.append((f"t{rng.randrange(6)}", "a", "Task"))
    return facts


@pytest.mark.parametrize("seed", range(150))
def test_random_changes(seed: int) -> None:
    rng = random.Random(seed)
    typed = [(f"t{i}", "a", "Task") for i in range(5)] + [(f"d{i}", "a", "Document") for i in range(2)]
    typed += [(f"t{i}", "from", f"d{i % 3}") for i in range(6)]
    base = set(_quads(typed + _random_facts(rng, 14), "g1")) | set(_quads(_random_facts(rng, 4), "g2"))
    stated = sorted(base, key=str)
    remove = set(rng.sample(stated, rng.randrange(0, 5)))
    add = set(_quads(_random_facts(rng, rng.randrange(0, 5)), rng.choice(["g1", "g2", "g3"]))) - base
    check(base, add, remove)
