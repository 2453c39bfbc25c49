"""The counts the build keeps for the ranking questions (graph/build/counts.py): the incremental update an ingest
runs (update_counts, after update_needs) gives exactly what the full write of a build gives (materialise_counts)
after the same change — citation counts per cited document, the footprint rows and task count per needed thing —
on hand-made changes where it is easy to be wrong, and on random ones; and the counts are the question's."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from graph.build.counts import (
    CITING_DOCUMENTS,
    CITING_PASSAGES,
    FOOTPRINT_OF,
    FOOTPRINT_ROW,
    FOOTPRINT_TASKS,
    footprint_node,
    materialise_counts,
    update_counts,
)
from graph.build.reason import materialise_needs, update_needs
from graph.keys import key_fields
from graph.vocab import POL, PROV, RDF, RDF_TYPE, RDFS, inferred_graph

ID = "https://w3id.org/policykg/id/"
COUNTS = (CITING_DOCUMENTS, CITING_PASSAGES, FOOTPRINT_OF, FOOTPRINT_ROW, FOOTPRINT_TASKS)


def _node(name: str) -> ox.NamedNode:
    kind = {"t": "task", "d": "doc", "a": "agency", "g": "target"}.get(name[0], "project")
    return ox.NamedNode(f"{ID}{kind}/case/{name}")


def _graph(name: str) -> ox.NamedNode:
    return ox.NamedNode(ID + "graph/" + name)


def fact(s: str, p: str, o: str, graph: str = "g1", quote: str | None = "") -> list[ox.Quad]:
    """(s, p, o) with p a pol: local name, 'a' (a class), 'from' (prov:wasDerivedFrom) or 'label' (o the text);
    a naming or citing fact gets a quoted evidence node (quote None: none)."""
    g = _graph(graph)
    if p == "a":
        return [ox.Quad(_node(s), ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + o), g)]
    if p == "label":
        return [ox.Quad(_node(s), ox.NamedNode(RDFS + "label"), ox.Literal(o, language="vi"), g)]
    predicate = ox.NamedNode(PROV + "wasDerivedFrom") if p == "from" else ox.NamedNode(POL + p)
    out = [ox.Quad(_node(s), predicate, _node(o), g)]
    if p in ("concerns", "dependsOn", "cites", "implements") and quote is not None:
        ev = ox.NamedNode(f"{ID}evidence/{s}-{p}-{o}-{graph}-{abs(hash(quote)) % 1000}")
        out += [ox.Quad(ev, ox.NamedNode(RDF + "subject"), _node(s), g),
                ox.Quad(ev, ox.NamedNode(RDF + "predicate"), predicate, g),
                ox.Quad(ev, ox.NamedNode(RDF + "object"), _node(o), g),
                ox.Quad(ev, ox.NamedNode(POL + "quote"), ox.Literal(quote or f"{s} {p} {o}"), g),
                ox.Quad(_node(s), ox.NamedNode(POL + "evidence"), ev, g)]
    return out


def facts(*triples: tuple, graph: str = "g1") -> set[ox.Quad]:
    return {q for t in triples for q in fact(*t[:3], graph=graph, **({"quote": t[3]} if len(t) > 3 else {}))}


def _counts(store: ox.Store) -> set[ox.Quad]:
    return {q for p in COUNTS for q in store.quads_for_pattern(None, ox.NamedNode(p), None)}


def _full(quads: set[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    materialise_needs(store, inferred_graph())
    materialise_counts(store, inferred_graph())
    return store


def check(before_quads: set[ox.Quad], add: set[ox.Quad], remove: set[ox.Quad]) -> ox.Store:
    """Build ``before_quads``, change them, update incrementally; assert it equals a full build."""
    before = _full(before_quads)
    after = ox.Store()
    after.extend(before)
    for q in remove:
        after.remove(q)
    after.extend(add)
    needs = update_needs(before, after, inferred_graph(), add | remove)
    update_counts(before, after, inferred_graph(), add | remove, needs.nodes, needs.leads_changed)
    expected = _full((before_quads - remove) | add)
    got, want = _counts(after), _counts(expected)
    assert got == want, (sorted(map(str, got - want)), sorted(map(str, want - got)))
    return after


def footprint(store: ox.Store, target: str) -> tuple[int, dict[tuple[str, str], tuple[int, str, str]]]:
    """(task count, {(kind, node name): (count, first task name, label)}) of ``target``."""
    fp = footprint_node(_node(target).value)
    tasks = [int(q.object.value) for q in store.quads_for_pattern(fp, ox.NamedNode(FOOTPRINT_TASKS), None)]
    rows = {}
    for q in store.quads_for_pattern(fp, ox.NamedNode(FOOTPRINT_ROW), None):
        kind, count, node, first, label = key_fields(q.object.value, 5)
        rows[(kind.split(" ", 1)[1], node.rsplit("/", 1)[1])] = (int(count.split(" ", 1)[1]), first.rsplit("/", 1)[1],
                                                                   label.split(" ", 1)[1] if label else "")
    return (tasks[0] if tasks else 0), rows


def citations(store: ox.Store, document: str) -> tuple[int, int] | None:
    found = [int(q.object.value) for p in (CITING_DOCUMENTS, CITING_PASSAGES)
             for q in store.quads_for_pattern(_node(document), ox.NamedNode(p), None)]
    return (found[0], found[1]) if found else None


PORTS = facts(("p1", "partOf", "p0"), ("p2", "partOf", "p0"), ("a1", "label", "Sở Công Thương"),
              ("a2", "label", "Sở Xây dựng"), ("d1", "label", "Kế hoạch 1"), ("d1", "a", "Document"),
              ("d2", "a", "Document"))
TASKS = facts(("t1", "a", "Task"), ("t2", "a", "Task"), ("t3", "a", "Task"),
              ("t1", "from", "d1"), ("t2", "from", "d1"), ("t3", "from", "d2"),
              ("t1", "leadAgency", "a1"), ("t2", "leadAgency", "a1"), ("t3", "leadAgency", "a2"),
              ("t2", "cooperatingAgency", "a2"), ("t3", "contributesTo", "g1"))


def test_a_new_task_joins_the_footprint() -> None:
    before = PORTS | TASKS | facts(("t2", "concerns", "p1"))
    after = check(before, facts(("t1", "concerns", "p1"), graph="g2"), set())
    tasks, rows = footprint(after, "p1")
    assert tasks == 2
    assert rows[("agency", "a1")] == (2, "t1", "Sở Công Thương")  # t1 < t2: the first task by IRI
    assert rows[("agency", "a2")] == (1, "t2", "Sở Xây dựng")
    assert rows[("document", "d1")] == (2, "t1", "Kế hoạch 1")
    assert footprint(after, "p0")[0] == 2  # the whole the port is part of


def test_the_first_task_leaves_and_the_count_drops() -> None:
    before = PORTS | TASKS | facts(("t1", "concerns", "p1"), ("t2", "concerns", "p1"), ("t3", "dependsOn", "p2"))
    after = check(before, set(), facts(("t1", "concerns", "p1")))
    assert footprint(after, "p1")[1][("agency", "a1")] == (1, "t2", "Sở Công Thương")
    after = check(before, set(), facts(("t3", "dependsOn", "p2")))
    assert footprint(after, "p2") == (0, {})  # nothing counts for it: its quads go
    assert ("target", "g1") not in footprint(after, "p0")[1]


def test_a_task_without_a_quoted_link_does_not_count() -> None:
    """It needs the port (pol:needs) but no quoted sentence names what brings it in: the question leaves it out."""
    before = PORTS | TASKS | facts(("t1", "concerns", "p1"))
    after = check(before, facts(("t2", "concerns", "p1", None)), set())
    assert footprint(after, "p1")[0] == 1
    after = check(before | facts(("t2", "concerns", "p1", None)), facts(("t2", "dependsOn", "p2")), set())
    assert footprint(after, "p0")[0] == 2 and footprint(after, "p1")[0] == 1  # p2 leads to p0, not to p1


def test_a_part_of_fact_brings_a_whole_footprint_in() -> None:
    before = PORTS | TASKS | facts(("t1", "concerns", "p3"), ("t3", "concerns", "p1"))
    after = check(before, facts(("p3", "partOf", "p0"), graph="gazetteer"), set())
    assert footprint(after, "p0")[0] == 2


def test_a_lead_agency_changes_and_a_name_changes() -> None:
    before = PORTS | TASKS | facts(("t1", "concerns", "p1"), ("t2", "concerns", "p1"))
    after = check(before, facts(("t1", "leadAgency", "a2")), facts(("t1", "leadAgency", "a1")))
    rows = footprint(after, "p1")[1]
    assert rows[("agency", "a1")] == (1, "t2", "Sở Công Thương") and rows[("agency", "a2")][:2] == (2, "t1")
    renamed = facts(("a1", "label", "Sở Công Thương tỉnh Hà Tĩnh"))
    after = check(before, renamed, facts(("a1", "label", "Sở Công Thương")))
    assert footprint(after, "p1")[1][("agency", "a1")] == (2, "t1", "Sở Công Thương tỉnh Hà Tĩnh")


def test_a_new_document_cites_a_held_one_and_a_new_version_drops_it() -> None:
    held = facts(("d1", "a", "Document"), ("d2", "a", "Document"), ("d2", "cites", "d1", "theo Kế hoạch 1"))
    after = check(held, facts(("d3", "cites", "d1", "Thực hiện Kế hoạch 1"), ("d3", "cites", "d1", "Kế hoạch 1 nêu"),
                              graph="g3"), set())
    assert citations(after, "d1") == (2, 3)  # two citing documents, three citing passages
    version = held | facts(("d3", "cites", "d1", "Thực hiện Kế hoạch 1"), ("d3", "cites", "d1", "Kế hoạch 1 nêu"),
                           graph="g3")
    sentence = facts(("d3", "cites", "d1", "Kế hoạch 1 nêu"), graph="g3")
    sentence -= facts(("d3", "cites", "d1", None), graph="g3")  # its evidence only: d3 still cites d1
    after = check(version, set(), sentence)
    assert citations(after, "d1") == (2, 2)  # still cited by d3, one sentence fewer
    after = check(version, set(), facts(("d3", "cites", "d1", "Thực hiện Kế hoạch 1"), ("d3", "cites", "d1",
                                                                                         "Kế hoạch 1 nêu"), graph="g3"))
    assert citations(after, "d1") == (1, 1)
    after = check(held, set(), facts(("d2", "cites", "d1", "theo Kế hoạch 1")))
    assert citations(after, "d1") is None  # no longer cited: its counts go


def test_an_implementation_counts_as_a_citation_once_inferred() -> None:
    """pol:implements ⊑ pol:cites: the reasoner writes the citation into the inferred graph; a passage of an
    implementation counts."""
    inferred = ox.NamedNode(inferred_graph())
    implements = facts(("d2", "implements", "d1", "Thực hiện Kế hoạch 1"))
    cites = {ox.Quad(_node("d2"), ox.NamedNode(POL + "cites"), _node("d1"), inferred)}
    after = check(set(), implements | cites, set())
    assert citations(after, "d1") == (1, 1)


def _random_facts(rng: random.Random, n: int) -> set[ox.Quad]:
    tasks = [f"t{i}" for i in range(8)]
    things = [f"p{i}" for i in range(6)] + tasks[:3]
    out = set()
    for t in tasks:
        out |= facts((t, "a", "Task"), (t, "from", rng.choice(["d1", "d2", "d3"])))
    for _ in range(n):
        kind = rng.random()
        if kind < 0.35:
            s, p = rng.choice(tasks), rng.choice(["concerns", "dependsOn"])
            out |= facts((s, p, rng.choice(things), None if rng.random() < 0.15 else ""),
                         graph=rng.choice(["g1", "g2"]))
        elif kind < 0.5:
            out |= facts((rng.choice(things[:6]), "partOf", rng.choice(things[:6])), graph="gazetteer")
        elif kind < 0.7:
            out |= facts((rng.choice(tasks), rng.choice(["leadAgency", "cooperatingAgency"]), rng.choice(["a1", "a2"])))
        elif kind < 0.8:
            out |= facts((rng.choice(tasks), "contributesTo", rng.choice(["g1", "g2"])))
        elif kind < 0.9:
            out |= facts((rng.choice(["d1", "d2", "d3"]), "cites", rng.choice(["d4", "d5"]), rng.choice(["x", "y"])))
        else:
            out |= facts((rng.choice(["a1", "a2", "d1", "g1"]), "label", rng.choice(["A", "B", "C"])))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_random_changes(seed: int) -> None:
    rng = random.Random(seed)
    before = _random_facts(rng, 30)
    pool = sorted(before, key=str)
    remove = set(rng.sample(pool, k=min(len(pool), rng.randint(0, 12))))
    add = _random_facts(rng, rng.randint(1, 8)) - before
    check(before, add, remove)


def test_a_footprint_row_is_the_stored_key_of_the_question_core() -> None:
    """The build writes each row as graph.keys.stored_key would, in the core's variable order (kind, tasks, node,
    first task, name): the form the paged question reads without building a term per row."""
    from graph.keys import stored_key
    from graph.vocab import XSD

    store = _full(PORTS | TASKS | facts(("t1", "concerns", "p1")))
    rows = {q.object for q in store.quads_for_pattern(footprint_node(_node("p1").value), ox.NamedNode(FOOTPRINT_ROW),
                                                      None)}
    agency = stored_key([ox.Literal("agency"), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")), _node("a1"),
                         _node("t1"), ox.Literal("Sở Công Thương", language="vi")])
    document = stored_key([ox.Literal("document"), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
                              _node("d1"), _node("t1"), ox.Literal("Kế hoạch 1", language="vi")])
    assert agency in rows and document in rows and len(rows) == 2
