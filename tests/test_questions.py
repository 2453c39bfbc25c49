"""The named questions (queries/*.rq) against the graph built from the five sources.

Expected answers are written by hand from the source texts (data/sources/*.txt); the comment next to
each says where the text states it. Tasks are named (source number, printed section), documents by
their printed number ('08-NQ/TU@2018' where a number names two documents) or, for the three held
documents that print no number, by their source number ('000', '001', '002').
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
import pytest

from graph.query.questions import (
    AmbiguousName,
    ParameterError,
    QuestionError,
    Resolver,
    UnknownQuestion,
    load_library,
    parse_question,
    run,
)
from graph.store import OxigraphStore, SelectResult, Term

MINE = {
    "agency_tasks", "agency_workload", "cited_not_held", "conflicting_dates", "document_cited_by", "document_cites",
    "document_dependencies", "document_lineage", "documents_by_issuer", "documents_in_window",
    "most_cited_documents", "project_footprint", "projects_in_zone", "projects_most_dependants", "shared_numbers",
    "targets_by_indicator", "targets_by_year", "targets_of_document", "task_targets", "tasks_due_by",
    "tasks_without_lead",
}
VUNG_ANG_PORT_TASKS = {("000", "1"), ("000", "2"), ("000", "3"), ("001", "3.14")}  # tests/gold/links.yaml


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def names(store: OxigraphStore) -> dict[str, str]:
    """IRI -> readable key for tasks ('001 3.14') and documents ('57-KL/TU', '08-NQ/TU@2018', '000')."""
    out: dict[str, str] = {}
    rows = store.select("""
        PREFIX pol: <https://w3id.org/policykg/ont#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?d ?num ?file (MIN(STR(?date)) AS ?first) WHERE {
          ?d a pol:Document .
          OPTIONAL { ?d pol:documentNumber ?num }
          OPTIONAL { ?d dcterms:source ?t . ?t pol:fileName ?file }
          OPTIONAL { { ?d dcterms:issued ?date } UNION { ?d pol:citedDate ?date } }
        } GROUP BY ?d ?num ?file""").rows
    numbers = [r["num"].value for r in rows if "num" in r]
    for r in rows:
        if "num" in r:
            key = r["num"].value
            if numbers.count(key) > 1:
                key += "@" + r["first"].value[:4]
        else:
            key = r["file"].value[:3]
        out[r["d"].value] = key
    for r in store.select("""
        PREFIX pol: <https://w3id.org/policykg/ont#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?t ?d ?s WHERE { ?t a pol:Task ; pol:sectionNumber ?s ; prov:wasDerivedFrom ?d .
                                         ?d a pol:Document }""").rows:
        out[r["t"].value] = f"{out.get(r['d'].value, '?')} {r['s'].value}"
    return out


def ask(store: OxigraphStore, name: str, **params: str) -> SelectResult:
    return run(store, name, params).result


def column(result: SelectResult, var: str, names: Mapping[str, str] | None = None) -> list[str]:
    out = []
    for row in result.rows:
        if var in row:
            value = row[var].value
            out.append(names.get(value, value) if names is not None else value)
    return out


def tasks(result: SelectResult, names: Mapping[str, str], var: str = "task") -> set[tuple[str, str]]:
    return {tuple(names[v].split(" ", 1)) for v in column(result, var) if v in names}  # type: ignore[misc]


# --------------------------------------------------------------------------- the library


def test_library_has_the_questions(library) -> None:
    assert MINE <= set(library), sorted(MINE - set(library))
    assert len(MINE) >= 15
    for name in MINE:
        q = library[name]
        assert q.title and q.title_en and q.description and q.view in ("table", "graph", "timeline")


@pytest.mark.parametrize("name", sorted(MINE))
def test_every_question_runs_with_its_defaults(store: OxigraphStore, library, name: str) -> None:
    answer = run(store, library[name])
    assert answer.result.variables
    assert answer.result.rows, f"{name} answers nothing with its defaults"


def test_header_parsing() -> None:
    text = ("# title: Thử\n# title_en: Test\n# description: d\n"
            "# param: year integer default=2025 — the year\n# param: task iri default= — optional\n# view: table\n"
            "SELECT ?x WHERE { ?x ?p ?year . OPTIONAL { ?x ?q ?task } }")
    q = parse_question(text, "t")
    assert [(p.name, p.type, p.default) for p in q.params] == [("year", "integer", "2025"), ("task", "iri", "")]
    assert q.params[1].optional
    with pytest.raises(QuestionError, match="view"):
        parse_question(text.replace("view: table", "view: pie"), "t")
    with pytest.raises(QuestionError, match="unknown type"):
        parse_question(text.replace("year integer", "year float"), "t")
    with pytest.raises(QuestionError, match="binds no"):
        parse_question(text.replace("?p ?year", "?p ?o"), "t")


# --------------------------------------------------------------------------- names as people type them


@pytest.mark.parametrize("typed", ["vung ang port", "Cảng Vũng Áng", "cang vung ang", "CẢNG VŨNG ÁNG", "Vũng Áng port"])
def test_port_names_resolve(store: OxigraphStore, typed: str) -> None:
    assert Resolver(store).resolve("project", typed).value.endswith("/project/cang-vung-ang")


@pytest.mark.parametrize("typed", ["so cong thuong", "Sở Công Thương", "SỞ CÔNG THƯƠNG"])
def test_agency_names_resolve(store: OxigraphStore, typed: str) -> None:
    assert Resolver(store).resolve("agency", typed).value.endswith("/agency/ha-tinh/so-cong-thuong")


def test_documents_resolve_by_number_and_year(store: OxigraphStore, names) -> None:
    r = Resolver(store)
    assert names[r.resolve("document", "57-KL/TU").value] == "57-KL/TU"
    assert names[r.resolve("document", "26-ctr/tu").value] == "26-CTr/TU"
    assert names[r.resolve("document", "08-NQ/TU 2018").value] == "08-NQ/TU@2018"
    assert names[r.resolve("document", "08-NQ/TU 2021").value] == "08-NQ/TU@2021"
    with pytest.raises(AmbiguousName) as err:  # two documents print this number (003/004 vs 004)
        r.resolve("document", "08-NQ/TU")
    assert {names[iri] for iri, _ in err.value.candidates} == {"08-NQ/TU@2018", "08-NQ/TU@2021"}


def test_ambiguous_name_lists_candidates(store: OxigraphStore) -> None:
    with pytest.raises(AmbiguousName) as err:
        Resolver(store).resolve("project", "vung ang")
    found = {iri.rsplit("/", 1)[-1] for iri, _ in err.value.candidates}
    assert {"cang-vung-ang", "khu-kinh-te-vung-ang", "khu-thuong-mai-tu-do-vung-ang"} <= found
    assert "Cảng Vũng Áng" in str(err.value)


# --------------------------------------------------------------------------- bad parameters run nothing


class RecordingStore:
    """Passes queries through to the real store and remembers them."""

    def __init__(self, store: OxigraphStore) -> None:
        self.store = store
        self.queries: list[str] = []

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        self.queries.append(sparql)
        return self.store.select(sparql, bindings)

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        self.queries.append(sparql)
        return self.store.ask(sparql, bindings)

    def construct(self, sparql, bindings=None):  # noqa: ANN001, ANN201
        return self.store.construct(sparql, bindings)


INJECTION = '"> } DROP ALL #'


@pytest.mark.parametrize(("question", "params", "message"), [
    ("agency_tasks", {"agency": INJECTION}, "no agency matches"),
    ("project_footprint", {"project": INJECTION}, "no project matches"),
    ("document_cites", {"document": INJECTION}, "no document matches"),
    ("task_targets", {"task": "http://x/> } DROP ALL #"}, "not a valid IRI"),
    ("task_targets", {"task": INJECTION}, "nothing in the graph"),
    ("targets_by_indicator", {"indicator": INJECTION}, "characters a search term cannot hold"),
    ("targets_by_year", {"year": "2025 } DROP ALL"}, "whole number"),
    ("targets_by_year", {"year": "twenty"}, "whole number"),
    ("documents_in_window", {"from": "2022-13-45"}, "must be a date"),
    ("agency_tasks", {"agency": "Sở Không Tồn Tại"}, "no agency matches"),
    ("agency_tasks", {"nonsense": "x"}, "has no parameter"),
    ("project_footprint", {"project": "vung ang"}, "ambiguous"),
])
def test_bad_parameters_give_a_clear_error_and_run_nothing(store: OxigraphStore, library, question, params,
                                                           message) -> None:
    before = store.count()
    recorder = RecordingStore(store)
    with pytest.raises(ParameterError, match=message):
        run(recorder, question, params, library=library)  # type: ignore[arg-type]
    assert library[question].sparql not in recorder.queries
    assert store.count() == before


def test_unknown_question(store: OxigraphStore, library) -> None:
    with pytest.raises(UnknownQuestion, match="no question named"):
        run(store, "../../etc/passwd", {}, library=library)


def test_string_values_are_literals_never_query_text(store: OxigraphStore) -> None:
    # a harmless search term with quotes-free punctuation is bound as a literal and simply matches nothing
    assert ask(store, "targets_by_indicator", indicator="zzz ) . ?s ?p ?o #").rows == []


def test_dates_typed_the_vietnamese_way(store: OxigraphStore, names) -> None:
    a = column(ask(store, "documents_in_window", **{"from": "01/10/2022", "to": "31/10/2022"}), "document", names)
    assert "57-KL/TU" in a  # 003: 'Hà Tĩnh, ngày 07 tháng 10 năm 2022'


# --------------------------------------------------------------------------- answers, from the texts


def test_vung_ang_port_footprint_tasks_exactly(store: OxigraphStore, names) -> None:
    result = ask(store, "project_footprint", project="vung ang port")
    task_rows = [r for r in result.rows if r["kind"].value == "task"]
    assert {tuple(names[r["node"].value].split(" ", 1)) for r in task_rows} == VUNG_ANG_PORT_TASKS
    evidenced = {r["node"].value for r in task_rows if "evidence" in r}
    assert evidenced == {r["node"].value for r in task_rows}  # every task's link shows its sentence
    kinds = {(r["kind"].value, names.get(r["node"].value, r.get("label", r["node"]).value)) for r in result.rows}
    assert {("document", "000"), ("document", "001")} <= kinds
    assert ("agency", "Sở Tài chính tỉnh Hà Tĩnh") in kinds  # 001 appendix row 3.14: 'Sở Tài chính' chủ trì


def test_tasks_depending_on_vung_ang_port(store: OxigraphStore, library, names) -> None:
    result = ask(store, "tasks_depending_on_project", project="vung ang port")
    assert tasks(result, names) == VUNG_ANG_PORT_TASKS


def test_agency_tasks_so_cong_thuong(store: OxigraphStore, names) -> None:
    result = ask(store, "agency_tasks", agency="so cong thuong")
    lead = {tuple(names[r["task"].value].split(" ", 1)) for r in result.rows if r["role"].value == "lead"}
    # 001 appendix: 'Sở Công Thương' is Chủ trì of rows 1.1-1.3, 2.1, 2.2, 3.4-3.9
    appendix = {("001", s) for s in ("1.1", "1.2", "1.3", "2.1", "2.2", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9")}
    assert appendix <= lead
    assert ("001", "3.14") not in lead  # Sở Tài chính leads 3.14
    row = next(r for r in result.rows if names[r["task"].value] == "001 1.1")
    assert row["timeframe"].value == "2025-2030" and row["endYear"].value == "2030"
    assert "evidence" in row


def test_agency_workload_ranking(store: OxigraphStore) -> None:
    result = ask(store, "agency_workload")
    top = result.rows[0]
    # 001: Sở Công Thương leads 11 appendix rows and the 4 items of 'Tổ chức thực hiện' part 2
    assert top["label"].value == "Sở Công Thương tỉnh Hà Tĩnh"
    assert int(top["lead"].value) >= 15


def test_targets_by_year_2025(store: OxigraphStore, names) -> None:
    rows = ask(store, "targets_by_year", year="2025").rows
    found = {(names.get(r["document"].value), r["indicator"].value, float(r["value"].value)) for r in rows
             if "value" in r and "document" in r}
    assert ("002", "Tốc độ tăng trưởng kinh tế GRDP", 7.0) in found  # 002 chỉ tiêu 1: 'trên 7%'
    assert ("002", "Kim ngạch xuất khẩu", 2.5) in found  # 002 chỉ tiêu 6: 'trên 2,5 tỷ đô la Mỹ'
    assert ("57-KL/TU", "Tỷ trọng công nghiệp - xây dựng trong GRDP", 54.37) in found  # 003: 'khoảng 54,37%'
    assert all(r["year"].value == "2025" for r in rows)
    assert not any(float(r["value"].value) == 60.3 for r in rows if "value" in r)  # that one is for 2030


def test_targets_by_indicator_grdp(store: OxigraphStore, names) -> None:
    rows = ask(store, "targets_by_indicator", indicator="grdp").rows
    values = {float(r["value"].value) for r in rows if "value" in r}
    assert {7.0, 91.0, 54.37, 60.3, 35.8, 32.6} <= values  # 002 targets 1 and 2; 003 GRDP shares 2025/2030


def test_targets_of_57_kl_tu(store: OxigraphStore) -> None:
    rows = ask(store, "targets_of_document", document="57-KL/TU").rows
    got = {(float(r["value"].value), float(r["upper"].value) if "upper" in r else None,
            int(r["year"].value) if "year" in r else None) for r in rows}
    # 003 part II.1: 'tăng bình quân khoảng 16-18%/năm' to 2025, '6-8%/năm' to 2030; shares 54,37% / 60,3% …
    assert {(16.0, 18.0, 2025), (6.0, 8.0, 2030), (54.37, None, 2025), (60.3, None, 2030)} <= got


def test_task_targets_fta_rows(store: OxigraphStore, names) -> None:
    result = ask(store, "task_targets")
    contributing = tasks(result, names)
    # 001: appendix rows sit under the component index whose 2025 score/rank they are to improve
    assert {("001", "1.1"), ("001", "3.14")} <= contributing


def test_document_cites_26_ctr_tu(store: OxigraphStore, names) -> None:
    result = ask(store, "document_cites", document="26-CTr/TU")
    cited = {names[r["cited"].value]: r["relation"].value.rsplit("#", 1)[-1] for r in result.rows}
    # 004 opening: 'Thực hiện Nghị quyết số 29-NQ/TW … Kế hoạch số 13-KH/TW …'
    assert cited["29-NQ/TW"] == "implements" and cited["13-KH/TW"] == "implements"
    # 004 body: the industry resolution of 18/5/2018, 57-KL/TU of 07/11/2022, the enterprise one of 22/11/2021
    for number in ("57-KL/TU", "08-NQ/TU@2018", "08-NQ/TU@2021", "52-NQ/TW", "09-NQ/TU", "04-NQ/TU", "50-NQ/TW",
                   "10-CT/TU", "20-NQ/TW"):
        assert number in cited, number
    assert all("evidence" in r for r in result.rows if names[r["cited"].value] != "13-KH/TW")


def test_document_cited_by_11_nq_tu(store: OxigraphStore, names) -> None:
    result = ask(store, "document_cited_by", document="11-NQ/TU")
    citing = {names[r["citing"].value]: r["relation"].value.rsplit("#", 1)[-1] for r in result.rows}
    # 000 is the Kết luận 'về tiếp tục thực hiện Nghị quyết số 11-NQ/TU'; 002 cites it among the 2025 tasks
    assert citing == {"000": "implements", "002": "cites"}


def test_lineage_of_29_nq_tw(store: OxigraphStore, names) -> None:
    result = ask(store, "document_lineage", document="29-NQ/TW")
    assert set(column(result, "descendant", names)) == {"13-KH/TW", "26-CTr/TU"}
    parents = {(names[r["descendant"].value], names[r["implements"].value]) for r in result.rows}
    assert ("26-CTr/TU", "13-KH/TW") in parents and ("13-KH/TW", "29-NQ/TW") in parents


def test_lineage_of_08_nq_tu_2018(store: OxigraphStore, names) -> None:
    result = ask(store, "document_lineage", document="08-NQ/TU 2018")
    assert set(column(result, "descendant", names)) == {"57-KL/TU"}  # 003: 'Về tiếp tục thực hiện Nghị quyết 08'


def test_conflicting_dates(store: OxigraphStore, names) -> None:
    result = ask(store, "conflicting_dates")
    dates: dict[str, set[str]] = {}
    for r in result.rows:
        dates.setdefault(names[r["document"].value], set()).add(r["date"].value)
    # 003 header 07/10/2022 vs 004 '57-KL/TU, ngày 07/11/2022'; 003 title 18/7/2018 vs body 18/5/2018
    assert dates["57-KL/TU"] == {"2022-10-07", "2022-11-07"}
    assert dates["08-NQ/TU@2018"] == {"2018-05-18", "2018-07-18"}


def test_shared_numbers(store: OxigraphStore, names) -> None:
    result = ask(store, "shared_numbers")
    assert {(r["number"].value, names[r["document"].value]) for r in result.rows} >= {
        ("08-NQ/TU", "08-NQ/TU@2018"), ("08-NQ/TU", "08-NQ/TU@2021")}


def test_cited_not_held(store: OxigraphStore, names) -> None:
    cited = set(column(ask(store, "cited_not_held"), "cited", names))
    assert {"29-NQ/TW", "13-KH/TW", "11-NQ/TU", "1403/SCT-QLTM8", "08-NQ/TU@2018", "260-KL/TW"} <= cited
    assert not cited & {"57-KL/TU", "26-CTr/TU", "000", "001", "002"}  # held in the corpus


def test_most_cited_documents(store: OxigraphStore, names) -> None:
    rows = ask(store, "most_cited_documents").rows
    top = {names[r["document"].value] for r in rows if int(r["citedBy"].value) == int(rows[0]["citedBy"].value)}
    # each cited by two held documents: 11-NQ/TU (000, 002), 29-NQ/TW (13-KH/TW, 26-CTr/TU),
    # 08-NQ/TU of 2018 (57-KL/TU, 26-CTr/TU), 09-NQ/TU (002, 26-CTr/TU)
    assert int(rows[0]["citedBy"].value) == 2
    assert {"11-NQ/TU", "29-NQ/TW", "08-NQ/TU@2018", "09-NQ/TU"} <= top


def test_documents_in_window_2022(store: OxigraphStore, names) -> None:
    result = ask(store, "documents_in_window", **{"from": "2022-01-01", "to": "2022-12-31"})
    docs = set(column(result, "document", names))
    assert {"57-KL/TU", "13-KH/TW", "29-NQ/TW", "11-NQ/TU", "06/QĐ-TTg"} <= docs
    assert "26-CTr/TU" not in docs  # 07/02/2023


def test_documents_by_issuer(store: OxigraphStore, names) -> None:
    docs = set(column(ask(store, "documents_by_issuer", agency="ban thuong vu tinh uy"), "document", names))
    # 003 'BAN THƯỜNG VỤ'; 000 likewise; 004 cites 10-CT/TU, 17-CT/TU 'của Ban Thường vụ Tỉnh ủy'
    assert {"57-KL/TU", "000", "10-CT/TU", "17-CT/TU"} <= docs


def test_tasks_due_by_2025(store: OxigraphStore, names) -> None:
    due = tasks(ask(store, "tasks_due_by", year="2025"), names)
    assert {("001", "3.1"), ("001", "3.2")} <= due  # 001 appendix: timeframe '2025'
    assert ("001", "3.14") not in due  # '2025 - 2030'
    due_2026 = tasks(ask(store, "tasks_due_by", year="2026"), names)
    assert {("001", "3.17"), ("001", "4.6")} <= due_2026  # '2025 - 2026'


def test_tasks_without_lead(store: OxigraphStore, names) -> None:
    missing = tasks(ask(store, "tasks_without_lead"), names)
    assert ("26-CTr/TU", "3-1") in missing  # 004's bullets name no agency
    assert ("000", "6") in missing  # 000 (a Kết luận) assigns its numbered tasks to no agency
    # 001 appendix: 1.1 and 3.14 have a 'Chủ trì'; row 3.2's lead is the group 'Các sở, ngành phát sinh TTHC'
    assert not {("001", "1.1"), ("001", "3.14"), ("001", "3.2")} & missing


def test_projects_in_zone(store: OxigraphStore) -> None:
    result = ask(store, "projects_in_zone", zone="Hệ thống cảng Vũng Áng - Sơn Dương")
    parts = {iri.rsplit("/", 1)[-1] for iri in column(result, "project")}
    assert "cang-vung-ang" in parts  # 000: 'hệ thống cảng Vũng Áng - Sơn Dương'
    result = ask(store, "projects_in_zone", zone="trung tam do thi xung quanh thanh pho ha tinh")
    parts = {iri.rsplit("/", 1)[-1] for iri in column(result, "project")}
    # 002 footnote 1: '… thành phố Hà Tĩnh là hạt nhân, … gồm: thị trấn Thạch Hà, thị trấn Cẩm Xuyên và thị trấn Lộc Hà'
    assert parts == {"thanh-pho-ha-tinh", "thi-tran-thach-ha", "thi-tran-cam-xuyen", "thi-tran-loc-ha"}


def test_document_dependencies_26_ctr_tu(store: OxigraphStore) -> None:
    result = ask(store, "document_dependencies", document="26-CTr/TU")
    reached = {iri.rsplit("/", 1)[-1] for iri in column(result, "reached")}
    # 004: 4-3 'trung tâm dịch vụ logistics … tại Khu kinh tế Vũng Áng'; 3-4 'mỏ Thạch Khê'; 6-2 'Sân bay Hà Tĩnh'
    assert {"khu-kinh-te-vung-ang", "mo-sat-thach-khe", "san-bay-ha-tinh"} <= reached


def test_projects_most_dependants(store: OxigraphStore) -> None:
    rows = ask(store, "projects_most_dependants").rows
    # tests/gold/links.yaml: 8 tasks name Khu kinh tế Vũng Áng (000 2, 3; 002 6; 003 1; 004 2-4, 3-2, 4-3, 6-1)
    assert rows[0]["project"].value.endswith("/zone/khu-kinh-te-vung-ang")
    assert int(rows[0]["tasks"].value) >= 8


def test_ttl_answer_carries_evidence(store: OxigraphStore) -> None:
    from graph.query.answers import answer_triples

    answer = run(store, "document_cites", {"document": "57-KL/TU"})
    triples = answer_triples(store, answer)
    quotes = [t.object.value for t in triples if t.predicate == ox.NamedNode("https://w3id.org/policykg/ont#quote")]
    assert any("10-NQ/TW" in q for q in quotes)


# --------------------------------------------------------------------------- the CLI


def test_cli_ask(built) -> None:
    import json

    from click.testing import CliRunner

    from graph.cli import main

    settings, _ = built
    runner = CliRunner()
    base = ["--store", str(settings.store), "ask"]
    listing = runner.invoke(main, base)
    assert listing.exit_code == 0 and "agency_tasks" in listing.output and "questions)" in listing.output
    table = runner.invoke(main, base + ["agency_tasks", "--param", "agency=so cong thuong"])
    assert table.exit_code == 0, table.output
    assert "Sở Công Thương tỉnh Hà Tĩnh <https://w3id.org/policykg/id/agency/ha-tinh/so-cong-thuong>" in table.output
    assert 'evidence: "' in table.output  # the quotes are printed under the rows
    as_json = json.loads(runner.invoke(main, base + ["document_lineage", "-p", "document=29-NQ/TW", "--format",
                                                     "json"]).output)
    assert {r["descendant"].rsplit("/", 1)[-1] for r in as_json["rows"]} == {"ke-hoach-13-kh-tw-2022",
                                                                        "chuong-trinh-hanh-dong-26-ctr-tu-2023"}
    as_csv = runner.invoke(main, base + ["shared_numbers", "--format", "csv"]).output
    assert as_csv.splitlines()[0].startswith("number,document")
    ttl = runner.invoke(main, base + ["document_cites", "-p", "document=57-KL/TU", "--format", "ttl"])
    assert ttl.exit_code == 0 and "pol:quote" in ttl.output
    bad = runner.invoke(main, base + ["agency_tasks", "--param", 'agency="> } DROP ALL #'])
    assert bad.exit_code != 0 and "no agency matches" in bad.output
    ambiguous = runner.invoke(main, base + ["project_footprint", "-p", "project=vung ang"])
    assert ambiguous.exit_code != 0 and "ambiguous" in ambiguous.output and "Cảng Vũng Áng" in ambiguous.output
    for cmd in (["path", "26-CTr/TU", "cau ben thuy 3"], ["impact", "vung ang port"], ["central", "--top", "3"],
                ["deps", "Cảng Vũng Áng", "--direction", "up"]):
        out = runner.invoke(main, ["--store", str(settings.store), *cmd])
        assert out.exit_code == 0, (cmd, out.output)
    assert "Bến Thủy 3" in runner.invoke(main, ["--store", str(settings.store), "path", "26-CTr/TU",
                                                "cau ben thuy 3"]).output
