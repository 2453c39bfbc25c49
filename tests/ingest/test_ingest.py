"""``policykg ingest``: incremental writes equal to a full build, no-ops, versions, refusals, provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner
from ingest_support import bad_files, files_state, need, store_quads

from graph.build.ingest import ingest
from graph.build.pipeline import build
from graph.cli import main
from graph.config import Settings

POL = "https://w3id.org/policykg/ont#"
PROV = "http://www.w3.org/ns/prov#"


def rebuilt(data: Path, tmp: Path) -> set[ox.Quad]:
    """The store `policykg build` makes from the same sources folder."""
    copy = tmp / "rebuilt"
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("build"))
    build(Settings(data_dir=copy))
    return store_quads(copy)


def _graph_quads(data: Path) -> dict[str, int]:
    store = ox.Store.read_only(str(data / "build" / "store"))
    out: dict[str, int] = {}
    for q in store:
        out[q.graph_name.value] = out.get(q.graph_name.value, 0) + 1
    del store
    return out


def test_ingests_give_the_graph_a_build_gives(data: Path, tmp_path: Path, docs: dict[str, Path]) -> None:
    settings = Settings(data_dir=data)
    before = _graph_quads(data)
    report = ingest(settings, [docs["party.docx"]])
    assert [o.status for o in report.outcomes] == ["added"]
    after = _graph_quads(data)
    changed = {g for g in set(before) | set(after) if before.get(g) != after.get(g)}
    # only the new document's graph, and the inferences it adds, were written
    assert changed <= {"https://w3id.org/policykg/id/graph/party", "https://w3id.org/policykg/id/graph/inferred"}
    assert "https://w3id.org/policykg/id/graph/party" in changed
    report = ingest(settings, [docs["plan.docx"], docs["other-party.docx"], docs["tcvn3.txt"], docs["0-early.docx"]])
    assert [o.status for o in report.outcomes] == ["added"] * 4
    assert store_quads(data) == rebuilt(data, tmp_path)


def test_same_content_again_is_a_no_op(data: Path, docs: dict[str, Path]) -> None:
    settings = Settings(data_dir=data)
    ingest(settings, [docs["party.docx"]])
    quads, files = store_quads(data), files_state(data)
    copy = docs["party.docx"].parent / "copy-of-party.docx"
    shutil.copy(docs["party.docx"], copy)
    report = ingest(settings, [copy])
    assert report.outcomes[0].status == "unchanged"
    assert "same content as the source party" in report.outcomes[0].message
    assert store_quads(data) == quads and files_state(data) == files
    seed = data / "sources" / "003_dcf692c419505845.txt"
    again = copy.parent / "again.txt"
    shutil.copy(seed, again)
    assert ingest(settings, [again]).outcomes[0].status == "unchanged"


def test_a_new_version_replaces_the_graph_and_keeps_the_record(data: Path, tmp_path: Path,
                                                               docs: dict[str, Path]) -> None:
    settings = Settings(data_dir=data)
    ingest(settings, [docs["party.docx"]])
    first = json.loads((data / "sources" / "ingest.json").read_text())["documents"]["party"]
    report = ingest(settings, [docs["party-v2.docx"]])
    outcome = report.outcomes[0]
    assert outcome.status == "replaced" and outcome.key == "party"
    # the new row names Cửa Lò port again ('trung tâm logistics' without a name is no entity)
    assert "mentions 1 → 2" in outcome.message
    entry = json.loads((data / "sources" / "ingest.json").read_text())["documents"]["party"]
    assert entry["sha256"] != first["sha256"]
    [previous] = entry["versions"]
    assert previous["sha256"] == first["sha256"] and previous["replaced_at"] == entry["ingested_at"]
    # both originals are kept, content-addressed
    assert (data / "sources" / first["original"]).read_bytes() == docs["party.docx"].read_bytes()
    assert (data / "sources" / entry["original"]).read_bytes() == docs["party-v2.docx"].read_bytes()
    store = ox.Store.read_only(str(data / "build" / "store"))
    rows = list(store.query(f"""SELECT ?old ?when ?what WHERE {{
        ?text <{POL}describes> ?doc ; <{PROV}wasRevisionOf> ?old .
        ?old <{PROV}invalidatedAtTime> ?when ; <http://purl.org/dc/terms/description> ?what }}""",
                            use_default_graph_as_union=True))
    assert len(rows) == 1 and "mentions 1 → 2" in rows[0]["what"].value
    texts = list(store.query(f"SELECT ?t WHERE {{ GRAPH <https://w3id.org/policykg/id/graph/party> "
                             f"{{ ?t a <{POL}SourceText> }} }}"))
    assert len(texts) == 1  # the graph was replaced, not added to
    del store
    assert store_quads(data) == rebuilt(data, tmp_path)


def test_a_bad_file_is_refused_and_the_batch_goes_on(data: Path, tmp_path: Path, docs: dict[str, Path]) -> None:
    bad = bad_files(tmp_path, docs)
    quads, files = store_quads(data), files_state(data)
    paths = [p for p, _ in bad.values()]
    result = CliRunner().invoke(main, ["--data", str(data), "ingest", "--quiet", *map(str, paths)])
    assert result.exit_code == 1
    for name, (path, word) in bad.items():
        assert f"refused   {path.name}: " in result.output and word in result.output, name
    assert store_quads(data) == quads and files_state(data) == files  # nothing changed
    result = CliRunner().invoke(main, ["--data", str(data), "ingest", "--quiet", str(bad["empty"][0]),
                                       str(docs["party.docx"])])
    assert result.exit_code == 1 and "added     party.docx" in result.output
    assert "1 added, 0 replaced, 0 unchanged, 1 refused" in result.output


def test_pdf_evidence_has_its_page_and_the_original(data: Path, docs: dict[str, Path]) -> None:
    settings = Settings(data_dir=data)
    report = ingest(settings, [need(docs, "long.pdf")])
    assert report.outcomes[0].status == "added"
    store = ox.Store.read_only(str(data / "build" / "store"))
    pages = {int(r["page"].value) for r in store.query(
        f"SELECT ?page WHERE {{ GRAPH <https://w3id.org/policykg/id/graph/long> {{ ?e a <{POL}Evidence> ; "
        f"<{POL}page> ?page }} }}")}
    assert pages and pages <= set(range(1, 6)) and 5 in pages  # the signer is on the last page
    [row] = list(store.query(f"""SELECT ?name ?path ?fmt WHERE {{ ?t <{POL}original> ?o .
        ?o <http://www.w3.org/2000/01/rdf-schema#label> ?name ; <{POL}originalPath> ?path ;
           <http://purl.org/dc/terms/format> ?fmt }}""", use_default_graph_as_union=True))
    assert row["name"].value == "long.pdf" and row["fmt"].value == "application/pdf"
    assert (data / "sources" / row["path"].value).read_bytes() == docs["long.pdf"].read_bytes()


def test_ocr_facts_are_marked(data: Path, docs: dict[str, Path]) -> None:
    from graph.build.readers.ocr import available

    settings = Settings(data_dir=data)
    outcome = ingest(settings, [need(docs, "scan.pdf")]).outcomes[0]
    if not available():
        assert outcome.status == "refused" and "scan" in outcome.message
        return
    assert outcome.status == "added" and outcome.ocr
    store = ox.Store.read_only(str(data / "build" / "store"))
    g = "<https://w3id.org/policykg/id/graph/scan>"
    total = next(iter(store.query(f"SELECT (COUNT(?e) AS ?n) WHERE {{ GRAPH {g} {{ ?e a <{POL}Evidence> }} }}")))
    marked = next(iter(store.query(f"SELECT (COUNT(?e) AS ?n) WHERE {{ GRAPH {g} {{ ?e a <{POL}Evidence> ; "
                                   f"<{POL}ocrDerived> true }} }}")))
    assert int(total["n"].value) > 0 and total["n"].value == marked["n"].value
    del store
    result = CliRunner().invoke(main, ["--data", str(data), "report"])
    assert result.exit_code == 0 and "OCR" in result.output and "scan.pdf" in result.output


def test_ingested_graph_uses_declared_terms_and_conforms(data: Path, docs: dict[str, Path]) -> None:
    import rdflib

    from graph.config import PROJECT_ROOT
    from graph.query.validate import validate_store
    from graph.store import OxigraphStore

    settings = Settings(data_dir=data)
    ingest(settings, [docs["party.docx"], need(docs, "plan.pdf")])
    ingest(settings, [docs["party-v2.docx"]])
    store = OxigraphStore(settings.store)
    ontology = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / "pol.ttl")
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(POL)}
    used = {t.value for q in store.quads() for t in (q.predicate, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(POL)}
    assert used - declared == set()
    conforms, text = validate_store(store, PROJECT_ROOT / "ontology" / "shapes.ttl",
                                    PROJECT_ROOT / "ontology" / "pol.ttl")
    assert conforms, text[:3000]


PORT_V1 = """TỈNH ỦY HÀ TĨNH
*
Số 31-KL/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Tĩnh, ngày 05 tháng 6 năm 2026
KẾT LUẬN
CỦA BAN THƯỜNG VỤ TỈNH ỦY
về phát triển dịch vụ logistics
-----
I. NHIỆM VỤ, GIẢI PHÁP
1. Đẩy nhanh tiến độ đầu tư xây dựng trung tâm logistics gắn với cảng Vũng Áng. Giao Ban Quản lý Khu kinh tế
tỉnh chủ trì, phối hợp với Sở Công Thương thực hiện.
2. Hoàn thiện quy hoạch mạng lưới chợ. Giao Sở Công Thương chủ trì thực hiện.
"""


def test_a_new_version_takes_back_the_inferences_it_no_longer_supports(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data)
    v1 = tmp_path / "ket-luan-31.txt"
    v1.write_text(PORT_V1, encoding="utf-8")
    assert ingest(settings, [v1]).outcomes[0].status == "added"
    store = ox.Store.read_only(str(data / "build" / "store"))
    task = "https://w3id.org/policykg/id/task/ha-tinh/ket-luan-31-kl-tu-2026/1"
    inferred = ox.NamedNode("https://w3id.org/policykg/id/graph/inferred")
    before = [q for q in store.quads_for_pattern(ox.NamedNode(task), None, None, inferred)
              if q.predicate.value == POL + "dependsOn"]
    del store
    assert before, "the port task should depend (by inference) on what the port is part of"
    v2 = tmp_path / "ket-luan-31-v2.txt"
    v2.write_text(PORT_V1.replace("Đẩy nhanh tiến độ đầu tư xây dựng trung tâm logistics gắn với cảng Vũng Áng",
                                  "Tổng kết việc thực hiện các chương trình xúc tiến thương mại"), encoding="utf-8")
    outcome = ingest(settings, [v2]).outcomes[0]
    assert outcome.status == "replaced"
    store = ox.Store.read_only(str(data / "build" / "store"))
    after = [q for q in store.quads_for_pattern(ox.NamedNode(task), None, None, inferred)
             if q.predicate.value == POL + "dependsOn"]
    del store
    assert after == []
    assert store_quads(data) == rebuilt(data, tmp_path)


def _party_text(number: str, day: str, kind: str, body: str) -> str:
    return (f"TỈNH ỦY HÀ TĨNH\n*\nSố {number}\nĐẢNG CỘNG SẢN VIỆT NAM\nHà Tĩnh, {day}\n{kind}\n"
            f"CỦA BAN THƯỜNG VỤ TỈNH ỦY\nvề phát triển kinh tế biển\n-----\n{body}\n")


SEQUENCE = [
    # cites a document the seeds cite (dated): the cited node gains a mention
    ("a.txt", _party_text("40-KL/TU", "ngày 02 tháng 3 năm 2026", "KẾT LUẬN",
                          "Tiếp tục thực hiện Nghị quyết số 11-NQ/TU, ngày 26/5/2022 của Ban Thường vụ Tỉnh ủy về "
                          "xuất khẩu, Ban Thường vụ Tỉnh ủy kết luận như sau:\nI. NHIỆM VỤ, GIẢI PHÁP\n1. Đẩy mạnh "
                          "xuất khẩu qua cảng Vũng Áng. Giao Sở Công Thương chủ trì thực hiện.")),
    # is a document that was only cited so far: its node's own facts move into this graph
    ("b.txt", _party_text("11-NQ/TU", "ngày 26 tháng 5 năm 2022", "NGHỊ QUYẾT",
                          "I. NHIỆM VỤ, GIẢI PHÁP\n1. Phát triển dịch vụ logistics gắn với cảng Vũng Áng. Giao Ban "
                          "Quản lý Khu kinh tế tỉnh chủ trì.")),
    # a second year for a number the seeds cite: their undated citations of it may no longer resolve
    ("c.txt", _party_text("41-KL/TU", "ngày 09 tháng 4 năm 2026", "KẾT LUẬN",
                          "Căn cứ Nghị quyết số 29-NQ/TW ngày 10/10/2015 của Ban Chấp hành Trung ương, Ban Thường "
                          "vụ Tỉnh ủy kết luận:\nI. NHIỆM VỤ, GIẢI PHÁP\n1. Rà soát quy hoạch. Giao Sở Xây dựng chủ "
                          "trì.")),
    # a new version of a.txt that no longer cites 11-NQ/TU and no longer names the port
    ("a-v2.txt", _party_text("40-KL/TU", "ngày 02 tháng 3 năm 2026", "KẾT LUẬN",
                             "Ban Thường vụ Tỉnh ủy kết luận như sau:\nI. NHIỆM VỤ, GIẢI PHÁP\n1. Đẩy mạnh chuyển "
                             "đổi số. Giao Sở Khoa học và Công nghệ chủ trì thực hiện.")),
]


def test_a_sequence_of_ingests_equals_the_build_after_each(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=data)
    expected = ["added", "added", "added", "replaced"]
    for (name, text), status in zip(SEQUENCE, expected, strict=True):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        outcome = ingest(settings, [path]).outcomes[0]
        assert outcome.status == status, outcome.message
        assert store_quads(data) == rebuilt(data, tmp_path / name.replace(".", "-")), f"after {name}"


def test_an_ingested_document_is_found_by_full_text_search(data: Path, tmp_path: Path) -> None:
    from graph.store.search import SearchIndex, index_path

    settings = Settings(data_dir=data)
    text = tmp_path / "ket-luan-44.txt"
    text.write_text(PORT_V1.replace("31-KL/TU", "44-KL/TU").replace("mạng lưới chợ", "mạng lưới chợ đầu mối Kỳ Xuân"),
                    encoding="utf-8")
    index = index_path(settings.store)
    assert index.exists()  # built by the fixture's policykg build
    assert ingest(settings, [text]).outcomes[0].status == "added"
    hits = SearchIndex(index).search("cho dau moi ky xuan").hits
    assert hits and any("Kỳ Xuân" in h.text for h in hits)


WHOLE_V1 = """TỈNH ỦY HÀ TĨNH
*
Số 45-KL/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Tĩnh, ngày 12 tháng 8 năm 2026
KẾT LUẬN
CỦA BAN THƯỜNG VỤ TỈNH ỦY
về phát triển kết cấu hạ tầng giao thông
-----
I. NHIỆM VỤ, GIẢI PHÁP
1. Đẩy nhanh tiến độ đầu tư xây dựng hệ thống cảng Vũng Áng - Sơn Dương. Giao Ban Quản lý Khu kinh tế tỉnh chủ
trì, phối hợp với Sở Xây dựng thực hiện.
2. Hoàn thành giải phóng mặt bằng nâng cấp Quốc lộ 8. Giao Sở Xây dựng chủ trì thực hiện.
"""


def _count(data: Path, node: str) -> int | None:
    store = ox.Store.read_only(str(data / "build" / "store"))
    found = [int(q.object.value) for q in store.quads_for_pattern(
        ox.NamedNode("https://w3id.org/policykg/id/" + node), ox.NamedNode(POL + "dependentTaskCount"), None)]
    del store
    return found[0] if found else None


def test_the_dependency_model_follows_ingests_of_a_whole_and_a_removal(data: Path, tmp_path: Path) -> None:
    """A task naming a whole makes it depend on every part; a new version that drops the only task naming a
    project takes its count away (the quad goes, not 0); each time as a build gives it (graph/build/reason.py
    update_needs)."""
    settings = Settings(data_dir=data)
    ports = _count(data, "project/cang-son-duong")
    assert _count(data, "project/quoc-lo-8") is None  # named by no seed
    v1 = tmp_path / "ket-luan-45.txt"
    v1.write_text(WHOLE_V1, encoding="utf-8")
    assert ingest(settings, [v1]).outcomes[0].status == "added"
    assert _count(data, "project/quoc-lo-8") == 1
    assert _count(data, "project/cang-son-duong") == (ports or 0) + 1  # a part of the whole the task names
    assert store_quads(data) == rebuilt(data, tmp_path / "v1")
    v2 = tmp_path / "ket-luan-45-v2.txt"
    v2.write_text(WHOLE_V1.replace("Hoàn thành giải phóng mặt bằng nâng cấp Quốc lộ 8", "Rà soát quy hoạch giao thông"),
                  encoding="utf-8")
    assert ingest(settings, [v2]).outcomes[0].status == "replaced"
    assert _count(data, "project/quoc-lo-8") is None
    assert store_quads(data) == rebuilt(data, tmp_path / "v2")


CITING_V1 = """TỈNH ỦY HÀ TĨNH
*
Số 47-KL/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Tĩnh, ngày 14 tháng 8 năm 2026
KẾT LUẬN
CỦA BAN THƯỜNG VỤ TỈNH ỦY
về logistics gắn với cảng Vũng Áng
-----
Tiếp tục thực hiện Nghị quyết số 11-NQ/TU, ngày 26/5/2022 của Ban Chấp hành Đảng bộ tỉnh, Ban Thường vụ Tỉnh ủy
kết luận như sau:
I. NHIỆM VỤ, GIẢI PHÁP
1. Đẩy nhanh tiến độ đầu tư xây dựng cảng Vũng Áng. Giao Sở Công Thương chủ trì, phối hợp với Sở Tài chính thực
hiện.
2. Rà soát các dự án logistics theo Nghị quyết số 11-NQ/TU. Giao Sở Xây dựng chủ trì thực hiện.
"""


def _citations(data: Path, number: str) -> tuple[int, int] | None:
    store = ox.Store.read_only(str(data / "build" / "store"))
    rows = list(store.query(
        f'SELECT ?c ?m WHERE {{ ?d <{POL}documentNumber> "{number}" ; <{POL}citingDocumentCount> ?c ; '
        f'<{POL}citingPassageCount> ?m }}', use_default_graph_as_union=True))
    del store
    return (int(rows[0]["c"].value), int(rows[0]["m"].value)) if rows else None


def test_citation_counts_and_footprints_follow_ingests(data: Path, tmp_path: Path) -> None:
    """A new document citing a held one adds a citing document and its citing passages; a new version that drops
    the citations takes them away again; the footprint rows of the port follow the new tasks; each time as a
    build gives it (graph/build/counts.py update_counts)."""
    settings = Settings(data_dir=data)
    cited, passages = _citations(data, "11-NQ/TU") or (0, 0)
    v1 = tmp_path / "ket-luan-47.txt"
    v1.write_text(CITING_V1, encoding="utf-8")
    assert ingest(settings, [v1]).outcomes[0].status == "added"
    now = _citations(data, "11-NQ/TU")
    assert now is not None and now[0] == cited + 1 and now[1] >= passages + 2  # two sentences cite it
    assert store_quads(data) == rebuilt(data, tmp_path / "v1")
    v2 = tmp_path / "ket-luan-47-v2.txt"
    v2.write_text(CITING_V1.replace("Tiếp tục thực hiện Nghị quyết số 11-NQ/TU, ngày 26/5/2022 của Ban Chấp hành "
                                    "Đảng bộ tỉnh, ", "")
                  .replace(" theo Nghị quyết số 11-NQ/TU", ""), encoding="utf-8")
    assert ingest(settings, [v2]).outcomes[0].status == "replaced"
    assert _citations(data, "11-NQ/TU") == (cited, passages)
    assert store_quads(data) == rebuilt(data, tmp_path / "v2")
