"""Named questions a page at a time: every page of a question's paged form (queries/pages/) is the same
rows, columns and order as the same slice of the whole question, on the five sources and on a small synthetic
store (bench/synthetic.py); the totals agree; a page past the end is empty."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.query.questions import Question, QuestionError, Resolver, load_library, parse_question, run
from graph.store import OxigraphStore, write_store

LIBRARY = load_library()
PAGED = sorted(name for name, q in LIBRARY.items() if q.paging is not None)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """The five sources and 30 synthetic documents, reasoned and with the dependency model, on disk."""
    from bench.synthetic import synthetic_store
    from graph.build.reason import materialise_needs
    from graph.vocab import inferred_graph

    memory = synthetic_store(30)
    materialise_needs(memory, inferred_graph())
    path = tmp_path_factory.mktemp("synthetic") / "store"
    write_store(path, iter(memory))
    return OxigraphStore(path)


_CONCAT = re.compile(r'GROUP_CONCAT\(DISTINCT[^;]*;\s*separator="([^"]*)"\)\s*AS\s+\?(\w+)', re.I)


def _comparable(question: Question, rows: list[dict]) -> list[dict]:
    """Rows with each GROUP_CONCAT column's parts sorted (SPARQL leaves their order to the engine)."""
    concat = {var: sep for sep, var in _CONCAT.findall(question.sparql)}
    return [{v: tuple(sorted(t.value.split(concat[v]))) if v in concat and isinstance(t, ox.Literal) else t
             for v, t in row.items()} for row in rows]


def _pages_match(store: OxigraphStore, question: Question, size: int, values: dict[str, str] | None = None) -> int:
    resolver = Resolver(store)
    whole = run(store, question, values, resolver=resolver, paged=False)
    rows = _comparable(question, whole.result.rows)
    for offset in range(0, len(rows) + 1, size):
        page = run(store, question, values, resolver=resolver, limit=size, offset=offset)
        assert page.total == len(rows), f"{question.name}: total {page.total}, the whole answer has {len(rows)}"
        assert page.result.variables == whole.result.variables
        assert _comparable(question, page.result.rows) == rows[offset:offset + size], \
            f"{question.name}: rows {offset}-{offset + size}"
    return len(rows)


@pytest.mark.parametrize("name", PAGED)
def test_pages_are_slices_of_the_whole_answer_on_the_sources(store: OxigraphStore, name: str) -> None:
    for size in (3, 100):
        _pages_match(store, LIBRARY[name], size)


@pytest.mark.parametrize("name", PAGED)
def test_pages_are_slices_of_the_whole_answer_on_a_synthetic_store(synthetic: OxigraphStore, name: str) -> None:
    sizes = [7, 100]
    n = _pages_match(synthetic, LIBRARY[name], sizes[0])
    assert n > 0, f"{name}: no rows on the synthetic store, the comparison proves nothing"
    _pages_match(synthetic, LIBRARY[name], sizes[1])


def test_pages_with_parameters_given(synthetic: OxigraphStore) -> None:
    """The parameters other than the defaults: an optional one given (a constant in the core), other values."""
    task = run(synthetic, "task_targets", paged=False).result.rows[0]["task"].value
    document = synthetic.select('SELECT ?n WHERE { ?d <https://w3id.org/policykg/ont#documentNumber> ?n ; '
                                '<https://w3id.org/policykg/ont#heldInCorpus> true FILTER(?n != "26-CTr/TU") '
                                'FILTER NOT EXISTS { ?o <https://w3id.org/policykg/ont#documentNumber> ?n '
                                'FILTER(?o != ?d) } } ORDER BY ?n LIMIT 1').rows[0]["n"].value
    cases = [("task_targets", {"task": task}), ("tasks_due_by", {"year": "2030"}), ("tasks_due_by", {"year": "1990"}),
             ("targets_by_indicator", {"indicator": "thu ngân sách"}),
             ("document_dependencies", {"document": document}), ("projects_in_zone", {"zone": "KKT Vũng Áng"}),
             # a smaller footprint (its task rows on the first pages) and a whole one
             ("project_footprint", {"project": "cầu Bến Thủy 3"}),
             ("project_footprint", {"project": "Hệ thống cảng Vũng Áng - Sơn Dương"})]
    for name, values in cases:
        assert LIBRARY[name].paging is not None
        _pages_match(synthetic, LIBRARY[name], 5, values)
    assert _pages_match(synthetic, LIBRARY["task_targets"], 5, {"task": task}) >= 1


def test_a_sorted_core_orders_as_sparql_does(tmp_path: Path) -> None:
    """A core sorted by the runner (numbers by value, text by code point, unbound first, DESC, languages and
    datatypes kept) gives the rows in the order Oxigraph's own ORDER BY gives them, ties by the keys' text."""
    ex = "http://example.org/"
    store = OxigraphStore()
    values = [ox.Literal("10", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
              ox.Literal("9", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
              ox.Literal("2.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))]
    names = [ox.Literal("Đà Nẵng", language="vi"), ox.Literal("Cảng"), ox.Literal("cảng"), ox.Literal("Zeta"),
             ox.Literal("Cảng", language="vi")]
    quads = []
    for i in range(24):
        node = ox.NamedNode(f"{ex}n{i:02d}")
        quads.append(ox.Quad(node, ox.NamedNode(ex + "kind"), ox.NamedNode(ex + "Thing")))
        if i % 5:
            quads.append(ox.Quad(node, ox.NamedNode(ex + "value"), values[i % 3]))
        if i % 7:
            quads.append(ox.Quad(node, ox.NamedNode(ex + "name"), names[i % 5]))
    store.native.extend(quads)
    body = ("PREFIX ex: <http://example.org/>\nSELECT DISTINCT ?value ?name ?node WHERE {{\n"
            "  ?node ex:kind ex:Thing .\n  OPTIONAL {{ ?node ex:value ?value }}\n"
            "  OPTIONAL {{ ?node ex:name ?name }}\n}}\nORDER BY {order}\n")
    for order in ("?value ?name STR(?node)", "DESC(?value) ?name STR(?node)", "?name DESC(?value) STR(?node)"):
        text = body.format(order=order)
        (tmp_path / "pages").mkdir(exist_ok=True)
        (tmp_path / "pages" / "q.core.rq").write_text(text, encoding="utf-8")
        (tmp_path / "pages" / "q.rows.rq").write_text(
            "PREFIX ex: <http://example.org/>\nSELECT ?node ?kind WHERE { ?node ex:kind ?kind }\n", encoding="utf-8")
        (tmp_path / "q.rq").write_text("# title: q\n# title_en: q\n# description: q\n# view: table\n" + text,
                                       encoding="utf-8")
        question = parse_question((tmp_path / "q.rq").read_text(encoding="utf-8"), "q", tmp_path / "q.rq")
        whole = run(store, question, paged=False).result.rows
        assert len(whole) == 24
        for offset in (0, 7, 14, 21):
            page = run(store, question, limit=7, offset=offset)
            assert page.total == 24
            assert [dict(r) for r in page.result.rows] == whole[offset:offset + 7], order


def test_a_page_past_the_end_is_empty_with_the_total(synthetic: OxigraphStore) -> None:
    for name in PAGED:
        whole = run(synthetic, name, paged=False)
        page = run(synthetic, name, limit=10, offset=len(whole.result.rows) + 5)
        assert page.result.rows == [] and page.total == len(whole.result.rows)
        assert page.result.variables == whole.result.variables


def test_the_paged_form_is_checked(tmp_path: Path) -> None:
    text = (Path(LIBRARY["tasks_without_lead"].path)).read_text(encoding="utf-8")  # type: ignore[arg-type]
    (tmp_path / "pages").mkdir()
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "pages" / "q.core.rq").write_text("SELECT ?task WHERE { ?task a ?c }\n", encoding="utf-8")
    with pytest.raises(QuestionError, match="needs both"):
        parse_question(text, "q", path)
    (tmp_path / "pages" / "q.rows.rq").write_text("SELECT ?task WHERE { ?task ?p $nothing }\n", encoding="utf-8")
    with pytest.raises(QuestionError, match=r"\$nothing is not a parameter"):
        parse_question(text, "q", path)
    (tmp_path / "pages" / "q.rows.rq").write_text("SELECT ?task WHERE { ?task ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QuestionError, match="must end with its ORDER BY"):
        parse_question(text, "q", path)
    (tmp_path / "pages" / "q.core.rq").write_text("SELECT ?task WHERE { ?task a ?c }\nORDER BY ?task\n",
                                                  encoding="utf-8")
    assert parse_question(text, "q", path).paging is not None


def test_cli_pages_a_paged_question(built) -> None:  # noqa: ANN001
    """`policykg ask --limit/--offset --format json`: the page, with the total, offset and limit."""
    import json

    from click.testing import CliRunner

    from graph.cli import main

    settings, store = built
    whole = run(store, "tasks_depending_on_project", paged=False).result.rows
    out = CliRunner().invoke(main, ["--store", str(settings.store), "ask", "tasks_depending_on_project",
                                    "--limit", "2", "--offset", "1", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["total"], data["offset"], data["limit"]) == (len(whole), 1, 2)
    assert [r["task"] for r in data["rows"]] == [r["task"].value for r in whole[1:3]]
