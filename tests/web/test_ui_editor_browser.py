"""The SPARQL editor and the question forms in headless Chromium.

The editor: prefixes declared for the user, labels next to IRIs, a permalink, a history kept in the browser,
CSV/JSON downloads and syntax errors said in words at their position. The forms: a pick list for an ambiguous
name that re-runs the question."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from test_ui_browser import chromium, no_horizontal_overflow, shot, shots, tab  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def editor_text(page) -> str:  # noqa: ANN001
    return page.evaluate("window.policykgEditor.getValue()")


def set_editor(page, text: str) -> None:  # noqa: ANN001
    page.evaluate("t => window.policykgEditor.setValue(t)", text)


def test_example_is_visible_and_runs_with_labels(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001, F811
    tab.goto(live_server + "/sparql")
    tab.wait_for_selector(".CodeMirror")
    # no PREFIX line in the box: the example's first line is the query itself, inside the visible editor
    assert editor_text(tab).startswith("SELECT ")
    first = tab.locator(".CodeMirror-line").first
    assert first.is_visible() and first.inner_text().startswith("SELECT")
    assert "PREFIX pol:" in tab.locator("#sparql-prefix-list pre").text_content()
    tab.click("button.example[data-index='1']")  # documents: uses pol: and dcterms: without declaring them
    assert "PREFIX" not in editor_text(tab)
    tab.click("#sparql-run")
    tab.wait_for_selector("#sparql-table")
    # a label arrives next to the IRI (the document's rdfs:label), the IRI stays visible in short form
    tab.wait_for_selector("#sparql-table td .iri")
    cell = tab.locator("#sparql-table td", has=tab.locator(".iri")).first
    link = cell.locator("a")
    assert not link.inner_text().startswith(("id:", "http"))
    assert cell.locator(".iri").inner_text().startswith("id:doc/")
    assert link.get_attribute("href").startswith("/id/doc/")
    no_horizontal_overflow(tab)
    shot(tab, shots, "sparql")


def test_permalink_and_history(tab, live_server: str) -> None:  # noqa: ANN001, F811
    query = 'SELECT ?t ?label WHERE { ?t a pol:Task ; rdfs:label ?label FILTER(CONTAINS(?label, "thử nghiệm")) }'
    tab.goto(live_server + "/sparql")
    tab.wait_for_selector(".CodeMirror")
    tab.evaluate("localStorage.clear()")
    set_editor(tab, query)
    tab.click("#sparql-run")
    tab.wait_for_selector("#sparql-table")
    href = tab.get_attribute("#sparql-permalink", "href")
    assert parse_qs(urlparse(href).query)["q"] == [query]
    assert parse_qs(urlparse(tab.url).query)["q"] == [query]
    # the link opens the same query, and runs it
    tab.goto(href)
    tab.wait_for_selector("#sparql-table")
    assert editor_text(tab) == query
    assert "Đầu tư mở rộng cảng Vũng Áng (thử nghiệm)" in tab.inner_text("#sparql-table")
    # the history is in this browser's storage, newest first, and reopens a query
    stored = json.loads(tab.evaluate("localStorage.getItem('policykg.sparql.history')"))
    assert stored[0]["q"] == query and len(stored) == 1  # the same query twice is kept once
    set_editor(tab, "ASK { ?s ?p ?o }")
    tab.click("#sparql-run")
    tab.locator("#sparql-status", has_text="true").wait_for()
    tab.locator("#sparql-history summary").click()
    items = tab.locator("#sparql-history-list li")
    assert items.count() == 2 and "ASK" in items.first.inner_text()
    items.nth(1).locator("button").click()
    assert editor_text(tab) == query
    tab.click("#sparql-history-clear")
    assert tab.evaluate("localStorage.getItem('policykg.sparql.history')") == "[]"


def test_downloads(tab, live_server: str, tmp_path: Path) -> None:  # noqa: ANN001, F811
    tab.goto(live_server + "/sparql")
    tab.wait_for_selector(".CodeMirror")
    set_editor(tab, "SELECT ?d ?n WHERE { ?d pol:documentNumber ?n } ORDER BY ?n LIMIT 5")
    with tab.expect_download() as got:
        tab.click("#sparql-csv")
    csv = Path(got.value.path()).read_text(encoding="utf-8").splitlines()
    assert got.value.suggested_filename == "policykg-query.csv"
    assert csv[0].strip() == "d,n" and len(csv) == 6
    with tab.expect_download() as got:
        tab.click("#sparql-json")
    data = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert got.value.suggested_filename == "policykg-query.json"
    assert data["head"]["vars"] == ["d", "n"] and len(data["results"]["bindings"]) == 5


@pytest.mark.parametrize("query, line, column, words", [
    ("SELECT ?x WHERE {\n  ?x a foo:Bar }", 2, None, "tiền tố «foo:» chưa được khai báo"),
    ("SELECT ?x WHERE {\n  ?x ?p ?o .\n  ?x ?p }", 3, 9, "không hiểu «}»"),
    ("SELECT ?x WHERE {\n  ?x ?p ?o ", 2, None, "kết thúc giữa chừng"),
])
def test_errors_in_words_at_their_position(tab, live_server: str, shots: Path,  # noqa: ANN001, F811
                                           query: str, line: int, column: int | None, words: str) -> None:
    tab.goto(live_server + "/sparql")
    tab.wait_for_selector(".CodeMirror")
    set_editor(tab, query)
    tab.click("#sparql-run")
    tab.wait_for_selector("#sparql-error:not([hidden])")
    said = tab.locator("#sparql-error p.error").inner_text()
    assert f"dòng {line}," in said and words in said, said
    if column is not None:
        assert f"cột {column}" in said
    assert "expected one of" not in said and "error at" not in said  # the parser's words only under "details"
    assert tab.locator(".CodeMirror .cm-error-line").count() == 1
    if "foo" in query:
        shot(tab, shots, "sparql-error")
    set_editor(tab, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # editing clears the error
    assert tab.locator("#sparql-error").is_hidden()


def test_question_form_pick_list(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001, F811
    """An ambiguous name is a pick list; a pick re-runs the question and the page says what the name became."""
    tab.goto(live_server + "/questions/tasks_of_agency")
    tab.fill("input[name=agency]", "thu nghiem")
    tab.click("#run-question")
    tab.wait_for_selector("ul.candidates")
    no_horizontal_overflow(tab)
    shot(tab, shots, "question-ambiguous")
    tab.locator("ul.candidates a", has_text="Sở Công Thương (thử nghiệm)").click()
    tab.wait_for_selector("#results")
    assert "/questions/tasks_of_agency" in tab.url
    assert tab.input_value("input[name=agency]") == "Sở Công Thương (thử nghiệm)"  # the name, not the IRI
    assert tab.locator(".resolved[data-param=agency] a").inner_text() == "Sở Công Thương (thử nghiệm)"
    assert tab.locator("#results th").first.inner_text().startswith("Nhiệm vụ")
    no_horizontal_overflow(tab)
    shot(tab, shots, "question-resolved")
