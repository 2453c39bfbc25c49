"""Dependency and impact analysis (graph/query/analysis.py) on the graph of the five sources, plus the
materialised inference it and the named questions rely on. Expected answers from the texts."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.query.analysis import DependencyGraph, EdgeEvidence
from graph.query.questions import Resolver
from graph.store import OxigraphStore

ID = "https://w3id.org/policykg/id/"
PORT = ID + "project/cang-vung-ang"
SYSTEM = ID + "project/he-thong-cang-vung-ang-son-duong"
BEN_THUY_3 = ID + "project/cau-ben-thuy-3"
POL = "https://w3id.org/policykg/ont#"


@pytest.fixture(scope="module")
def graph(store: OxigraphStore) -> DependencyGraph:
    return DependencyGraph.from_store(store)


@pytest.fixture(scope="module")
def doc(store: OxigraphStore):
    resolver = Resolver(store)
    return lambda text: resolver.resolve("document", text).value


def task_key(graph: DependencyGraph, node: str) -> str:
    """'000 3', '001 3.14', '26-CTr/TU 4-3' from the task label '<document> §<section>'."""
    label = graph.label(node)
    document, section = label.rsplit(" §", 1)
    if document.startswith("Kết luận về tiếp tục thực hiện Nghị quyết"):
        document = "000"
    elif document.startswith("Kế hoạch Cải thiện"):
        document = "001"
    return f"{document} {section}"


def test_upstream_of_the_port_with_paths_and_evidence(graph: DependencyGraph) -> None:
    up = graph.upstream(PORT)
    tasks = {task_key(graph, r.node): r for r in up if r.kind == "Task"}
    # tests/gold/links.yaml question_vung_ang_port
    assert set(tasks) == {"000 1", "000 2", "000 3", "001 3.14"}
    for r in tasks.values():
        assert PORT in (r.steps[-1].object, r.steps[-1].subject)  # the chain reads from the task to the port
        assert r.node in (r.steps[0].subject, r.steps[0].object)
        for step in r.steps:
            assert step.evidence, f"{step} has no evidence"
            assert all(isinstance(e, EdgeEvidence) and e.quote for e in step.evidence)
    # 001 row 3.14 '… đặc biệt là đầu tư mở rộng bến bãi khu vực các cửa khẩu quốc tế Cầu Treo, cảng Vũng Áng'
    (step,) = tasks["001 3.14"].steps
    assert step.predicate == "dependsOn" and "cảng Vũng Áng" in step.evidence[0].quote


def test_inferred_path_task_to_port_through_the_port_system(graph: DependencyGraph) -> None:
    # 000 task 3 depends on 'hệ thống bến cảng Vũng Áng - Sơn Dương', of which Cảng Vũng Áng is a part:
    # no sentence links task 3 to the port, the path does.
    r = next(r for r in graph.upstream(PORT) if r.kind == "Task" and task_key(graph, r.node) == "000 3")
    assert [(s.subject, s.predicate, s.object) for s in r.steps] == [
        (r.node, "dependsOn", SYSTEM), (PORT, "partOf", SYSTEM)]
    assert "cảng Vũng Áng - Sơn Dương" in r.steps[0].evidence[0].quote


def test_materialised_inference_is_what_the_questions_see(store: OxigraphStore) -> None:
    """hasPart(system, port) is stated nowhere: the reasoner infers it (owl:inverseOf pol:partOf) into the
    inferred graph, and the port's footprint question finds 000 task 3 only through it."""
    native = store.native
    inferred = ox.NamedNode(ID + "graph/inferred")
    has_part = ox.NamedNode(POL + "hasPart")
    fact = (ox.NamedNode(SYSTEM), has_part, ox.NamedNode(PORT))
    graphs = {q.graph_name for q in native.quads_for_pattern(*fact)}
    assert graphs == {inferred}
    query = f"""PREFIX pol: <{POL}>
        SELECT DISTINCT ?task WHERE {{ ?via (pol:dependsOn|pol:hasPart)* <{PORT}> .
          ?task pol:dependsOn ?via . ?task a pol:Task }}"""
    stated = [g for g in native.named_graphs() if g != inferred]
    with_inference = {r["task"].value for r in native.query(query, use_default_graph_as_union=True)}
    without = {r["task"].value for r in native.query(query, default_graph=stated)}
    task3 = next(t for t in with_inference if t.endswith("/3") and "ket-luan-ban-thuong-vu" in t)
    assert task3 not in without
    # and subclass reasoning: the port is an InfrastructureProject though only typed pol:Port
    assert native.query(f"PREFIX pol: <{POL}> ASK {{ <{PORT}> a pol:InfrastructureProject }}",
                        use_default_graph_as_union=True)
    assert not native.query(f"PREFIX pol: <{POL}> ASK {{ <{PORT}> a pol:InfrastructureProject }}", default_graph=stated)


def test_downstream_of_26_ctr_tu(graph: DependencyGraph, doc) -> None:
    down = {r.node: r for r in graph.downstream(doc("26-CTr/TU"))}
    # implements 29-NQ/TW and 13-KH/TW (004 opening); its task 4-3 'tại Khu kinh tế Vũng Áng'
    assert doc("29-NQ/TW") in down and doc("13-KH/TW") in down
    kkt = down[ID + "zone/khu-kinh-te-vung-ang"]
    assert [s.predicate for s in kkt.steps][0] == "hasTask"
    assert kkt.steps[-1].predicate in ("dependsOn", "concerns") and kkt.steps[-1].evidence


def test_shortest_explained_path_26_ctr_tu_to_ben_thuy_3(graph: DependencyGraph, doc) -> None:
    steps = graph.explain_path(doc("26-CTr/TU"), BEN_THUY_3)
    assert steps, "26-CTr/TU and cầu Bến Thủy 3 should be connected"
    nodes = [steps[0].subject if steps[0].subject == doc("26-CTr/TU") else steps[0].object]
    assert doc("26-CTr/TU") in (steps[0].subject, steps[0].object)
    assert BEN_THUY_3 in (steps[-1].subject, steps[-1].object)
    # 000 task 3: 'triển khai đầu tư xây dựng cầu Bến Thủy 3'
    assert steps[-1].predicate == "concerns" and "Bến Thủy 3" in steps[-1].evidence[0].quote
    assert all(s.evidence for s in steps)
    assert len(steps) <= 5 and nodes


def test_impact_of_the_port_slipping(graph: DependencyGraph, doc) -> None:
    impact = graph.impact(PORT)
    assert {task_key(graph, r.node) for r in impact.tasks} == {"000 1", "000 2", "000 3", "001 3.14"}
    docs = {r.node for r in impact.documents}
    assert len(docs & {r.node for r in graph.upstream(PORT) if r.kind == "Document"}) >= 2
    agencies = {graph.label(r.node) for r in impact.agencies}
    assert "Sở Tài chính tỉnh Hà Tĩnh" in agencies  # lead of 001 row 3.14
    # 001 row 3.14 sits under component index 3, whose 2025 target it serves
    assert any("ke-hoach-ubnd-tinh" in r.node for r in impact.targets)


def test_centrality(graph: DependencyGraph, doc) -> None:
    top_project, n = graph.projects_by_dependants(3)[0]
    assert top_project == ID + "zone/khu-kinh-te-vung-ang" and n >= 8
    agency, lead, _coop = graph.agencies_by_tasks(3)[0]
    assert graph.label(agency) == "Sở Công Thương tỉnh Hà Tĩnh" and lead >= 15
    cited = dict(graph.most_cited(10))
    for number in ("11-NQ/TU", "29-NQ/TW", "09-NQ/TU"):
        assert cited[doc(number)] == 2
    assert cited[doc("08-NQ/TU 2018")] == 2
    assert graph.pagerank(5)


def test_small_graph_edge_cases() -> None:
    g = DependencyGraph()
    ev = EdgeEvidence("A cần B", "doc", "stated")
    g.add_fact("t1", "dependsOn", "p1", [ev])
    g.add_fact("p1", "partOf", "p2")
    g.add_fact("p2", "dependsOn", "t1")  # a cycle
    g.add_fact("x", "concerns", "y")
    assert {r.node for r in g.upstream("p1")} == {"t1", "p2"}
    # naming a part is depending on the whole (graph/dependency.py): t1 names p1, a part of p2
    assert {r.node for r in g.downstream("t1")} == {"p1", "p2"}
    assert {r.node for r in g.downstream("p2")} == {"t1", "p1"}
    assert g.explain_path("t1", "y") == []
    assert g.explain_path("unknown", "t1") == []
    assert g.upstream("unknown") == []
    (step,) = g.explain_path("t1", "p1")
    assert step.evidence == (ev,)
