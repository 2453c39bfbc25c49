"""The one dependency model (graph/dependency.py), on small hand-made graphs where the forms used to disagree.

Each case is a tiny graph (tasks t…, projects p…) and the hand-written set of what depends on one node. Every
form must give that set: the model itself, the materialised pol:needs (graph/build/reason.py), the read layer
(graph/query/dependencies.py), the named question queries/tasks_depending_on_project.rq, and the networkx
analysis (graph/query/analysis.py) behind `policykg deps` / `impact`.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.build.reason import materialise
from graph.config import Settings
from graph.dependency import model_from_facts
from graph.query.analysis import DependencyGraph
from graph.query.dependencies import Dependencies
from graph.query.questions import run
from graph.store import OxigraphStore
from graph.vocab import ONTOLOGY_GRAPH, POL, PROV, RDF, RDF_TYPE, RDFS, inferred_graph

ID = "https://w3id.org/policykg/id/"

# (name, facts, node asked about, what depends on it, what it depends on)
CASES = [
    # the old SPARQL form climbed from A to the system and counted every part under it: t1 came in through B
    ("sibling part is not a dependency",
     [("A", "partOf", "S"), ("B", "partOf", "S"), ("t1", "concerns", "B"), ("t2", "concerns", "A")],
     "A", {"t2"}, set()),
    ("naming a part is depending on the whole",
     [("A", "partOf", "S"), ("B", "partOf", "S"), ("t1", "dependsOn", "A")],
     "S", {"t1"}, set()),
    ("naming the whole is depending on every part (a system needs its parts)",
     [("A", "partOf", "S"), ("B", "partOf", "S"), ("t1", "concerns", "S")],
     "B", {"t1"}, set()),
    ("parts of parts, up and down, never up then down",
     [("A1", "partOf", "A"), ("A", "partOf", "S"), ("B", "partOf", "S"), ("t1", "concerns", "A1"),
      ("t2", "concerns", "S"), ("t3", "concerns", "B")],
     "A1", {"t1", "t2"}, set()),
    ("through a project that depends on a part",
     [("A", "partOf", "S"), ("B", "partOf", "S"), ("L", "dependsOn", "A"), ("t1", "concerns", "L"),
      ("t2", "concerns", "B")],
     "S", {"L", "t1", "t2"}, set()),
    ("the project's own dependencies follow the parts of what it names, not its siblings",
     [("A", "partOf", "S"), ("B", "partOf", "S"), ("L", "dependsOn", "A"), ("t1", "concerns", "L")],
     "B", set(), set()),
    ("a cycle of dependencies ends",
     [("P", "dependsOn", "Q"), ("Q", "dependsOn", "P"), ("t1", "dependsOn", "P")],
     "Q", {"P", "t1"}, {"P"}),
    # the old networkx form let a zone 'need' whatever is located in it
    ("mere location is not a dependency",
     [("X", "locatedIn", "Z"), ("t1", "concerns", "Z"), ("t2", "concerns", "X")],
     "X", {"t2"}, set()),
]


def _iri(name: str) -> str:
    kind = "task" if name.startswith("t") else "project"
    return f"{ID}{kind}/case/{name}"


def build_case(facts: list[tuple[str, str, str]]) -> OxigraphStore:
    """The facts as a built graph would hold them: typed nodes, labels, tasks in a document, evidence nodes."""
    store = ox.Store()
    g = ox.NamedNode(ID + "graph/case")
    doc = ox.NamedNode(ID + "doc/case")
    quads = [ox.Quad(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Document"), g),
             ox.Quad(doc, ox.NamedNode(RDFS + "label"), ox.Literal("Văn bản thử", language="vi"), g)]
    names = {n for s, _p, o in facts for n in (s, o)}
    for n in sorted(names):
        node = ox.NamedNode(_iri(n))
        cls = "Task" if n.startswith("t") else "Port"
        quads += [ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + cls), g),
                  ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(f"Đối tượng {n}", language="vi"), g)]
        if cls == "Task":
            quads += [ox.Quad(node, ox.NamedNode(POL + "sectionNumber"), ox.Literal(n[1:]), g),
                      ox.Quad(node, ox.NamedNode(PROV + "wasDerivedFrom"), doc, g),
                      ox.Quad(doc, ox.NamedNode(POL + "hasTask"), node, g)]
    for i, (s, p, o) in enumerate(facts):
        subject, predicate, obj = ox.NamedNode(_iri(s)), ox.NamedNode(POL + p), ox.NamedNode(_iri(o))
        ev = ox.NamedNode(f"{ID}evidence/case-{i}")
        quads += [ox.Quad(subject, predicate, obj, g),
                  ox.Quad(ev, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Evidence"), g),
                  ox.Quad(ev, ox.NamedNode(RDF + "subject"), subject, g),
                  ox.Quad(ev, ox.NamedNode(RDF + "predicate"), predicate, g),
                  ox.Quad(ev, ox.NamedNode(RDF + "object"), obj, g),
                  ox.Quad(ev, ox.NamedNode(POL + "quote"), ox.Literal(f"{s} {p} {o}"), g),
                  ox.Quad(ev, ox.NamedNode(POL + "method"), ox.NamedNode(POL + "Stated"), g),
                  ox.Quad(ev, ox.NamedNode(PROV + "wasDerivedFrom"), doc, g)]
    store.extend(quads)
    store.bulk_load(path=str(Settings().ontology_dir / "pol.ttl"), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    materialise(store, inferred_graph())
    wrapped = OxigraphStore(None)
    wrapped._store = store
    return wrapped


def _names(iris: set[str]) -> set[str]:
    return {i.rsplit("/", 1)[-1] for i in iris}


@pytest.mark.parametrize(("title", "facts", "node", "dependants", "needs"), CASES, ids=[c[0] for c in CASES])
def test_every_form_gives_the_same_answer(title: str, facts: list, node: str, dependants: set[str],
                                          needs: set[str]) -> None:
    model = model_from_facts(facts)
    assert model.dependants(node) == dependants, "the model"
    assert model.needs(node) == needs, "the model, downstream"
    for n in {n for f in facts for n in (f[0], f[2])}:  # the walk backwards agrees with the closure forwards
        assert model.dependants(n) == {x for x, reached in model.closure() if n in reached}, n
    store = build_case(facts)
    target = _iri(node)
    materialised = {q.subject.value for q in store.native.quads_for_pattern(
        None, ox.NamedNode(POL + "needs"), ox.NamedNode(target))}
    assert _names(materialised) == dependants, "pol:needs"
    read = Dependencies(store)
    assert _names(read.all_dependants(target)) == dependants, "the dependant index (the whole answer)"
    page = read.dependants(target, limit=50)
    assert _names({d.node for d in page.rows}) == dependants and page.total == len(dependants), "read layer"
    assert _names({d.node for d in read.requirements(target, limit=50).rows}) == needs, "read layer, downstream"
    for d in page.rows:  # every answer explained by stated facts, each with its quote
        assert d.steps and d.steps[0].subject == d.node and all(s.evidence for s in d.steps), d
        assert target in (d.steps[-1].subject, d.steps[-1].object)
    question = run(store, "tasks_depending_on_project", {"project": target})
    assert _names({r["task"].value for r in question.result.rows}) == {n for n in dependants if n.startswith("t")}
    graph = DependencyGraph.from_store(store)
    upstream = {r.node for r in graph.upstream(target) if r.kind in ("Task", "InfrastructureProject")}
    assert _names(upstream) == dependants, "analysis (policykg deps / impact)"


def test_the_path_says_how() -> None:
    """t1 names the system; the part A is reached by the stated partOf fact, read from the system down."""
    model = model_from_facts([("A", "partOf", "S"), ("B", "partOf", "S"), ("t1", "concerns", "S"),
                              ("L", "dependsOn", "A"), ("t2", "concerns", "L")])
    assert model.explain("t1", "A") == [("t1", "concerns", "S"), ("A", "partOf", "S")]
    assert model.explain("t2", "S") == [("t2", "concerns", "L"), ("L", "dependsOn", "A"), ("A", "partOf", "S")]
    assert model.explain("t1", "L") == []


def test_rebuilding_the_closure_replaces_it() -> None:
    """materialise_needs after a change (what an incremental ingest calls) leaves no stale pair."""
    from graph.build.reason import materialise_needs

    store = build_case([("A", "partOf", "S"), ("t1", "concerns", "A")])
    native = store.native
    fact = next(native.quads_for_pattern(ox.NamedNode(_iri("t1")), ox.NamedNode(POL + "concerns"), None))
    native.remove(fact)
    materialise_needs(native, inferred_graph())
    assert not list(native.quads_for_pattern(ox.NamedNode(_iri("t1")), ox.NamedNode(POL + "needs"), None))
    assert not list(native.quads_for_pattern(None, ox.NamedNode(POL + "dependentTaskCount"), None))


def test_a_store_without_the_dependant_index_answers_from_the_pairs() -> None:
    # a store built before pol:dependantIndex existed (or loaded by another tool) holds only the pol:needs pairs
    import pyoxigraph as ox

    from graph.query.dependencies import Dependencies
    from graph.store import OxigraphStore
    from graph.vocab import DEFAULT_BASE, POL, inferred_graph

    store = OxigraphStore()  # in memory: only the pairs, no pol:dependantIndex
    g = ox.NamedNode(inferred_graph())
    port = DEFAULT_BASE + "project/p"
    for x in ("task/a", "task/b"):
        store.native.add(ox.Quad(ox.NamedNode(DEFAULT_BASE + x), ox.NamedNode(POL + "needs"), ox.NamedNode(port), g))
    assert Dependencies(store).all_dependants(port) == {DEFAULT_BASE + "task/a", DEFAULT_BASE + "task/b"}
    assert Dependencies(store).all_dependants(DEFAULT_BASE + "project/none") == set()
