"""Full-text search (graph/store/search.py) on the graph of the five sources, and on small hand-made cases
for incremental indexing; expected hits read from the texts."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.config import Settings
from graph.store import OxigraphStore
from graph.store.search import (
    SearchIndex,
    build_index,
    index_document,
    index_path,
    match_expression,
    matched_spans,
    remove_document,
)
from graph.vocab import POL, PROV, RDF_TYPE, RDFS

ID = "https://w3id.org/policykg/id/"


@pytest.fixture(scope="module")
def index(built: tuple[Settings, OxigraphStore]) -> SearchIndex:
    settings, _store = built
    return SearchIndex(index_path(settings.store))  # written by `policykg build`


def marked(hit) -> str:  # noqa: ANN001
    return "".join(f"[{text}]" if match else text for text, match in hit.snippet)


def test_task_text_is_found_by_its_words(index: SearchIndex) -> None:
    # 001 row 3.14: '… đặc biệt là đầu tư mở rộng bến bãi khu vực các cửa khẩu quốc tế Cầu Treo, cảng Vũng Áng'
    page = index.search("mo rong ben bai cua khau", kinds=["task"])
    assert page.hits and page.hits[0].iri.endswith("/3-14")
    assert "[bến] [bãi]" in marked(page.hits[0])  # highlighted on the text as written, diacritics kept


def test_names_rank_first_and_aliases_count(index: SearchIndex) -> None:
    assert index.search("so cong thuong").hits[0].iri == ID + "agency/ha-tinh/so-cong-thuong"
    assert index.search("cảng Vũng Áng").hits[0].iri == ID + "project/cang-vung-ang"
    alias = index.search("ben cang vung ang", kinds=["project"]).hits[0]  # skos:altLabel 'bến cảng Vũng Áng'
    assert alias.iri == ID + "project/cang-vung-ang" and alias.matched_in == "alias"


def test_filters_kind_document_province_year(index: SearchIndex, built) -> None:  # noqa: ANN001
    everything = index.search("vung ang", limit=500)
    tasks = index.search("vung ang", kinds=["task"], limit=500)
    assert 0 < tasks.total < everything.total and all(h.kind == "task" for h in tasks.hits)
    in_2023 = index.search("vung ang", kinds=["task"], year=2023, limit=500)
    assert in_2023.total and all(h.year == 2023 for h in in_2023.hits)
    # 004 (26-CTr/TU) prints 'Hà Tĩnh, ngày 07 tháng 02 năm 2023'; 000 prints no date line
    assert "Hà Tĩnh" in index.provinces()
    ha_tinh = index.search("vung ang", province="ha tinh", limit=500)
    assert ha_tinh.total and all(h.province == "Hà Tĩnh" for h in ha_tinh.hits)
    doc = in_2023.hits[0].document
    one = index.search("vung ang", document=doc, limit=500)
    assert one.total and {h.document for h in one.hits} == {doc}


def test_paging_and_totals(index: SearchIndex) -> None:
    first = index.search("phat trien", limit=5)
    second = index.search("phat trien", limit=5, offset=5)
    assert first.total == second.total > 10
    assert not {h.iri for h in first.hits} & {h.iri for h in second.hits}


@pytest.mark.parametrize("typed", ['"NEAR(', "vung* OR -", "a:b", "'; DROP TABLE search; --", "   ", "{}[]"])
def test_query_syntax_cannot_break_out(index: SearchIndex, typed: str) -> None:
    page = index.search(typed)  # no exception: words are quoted, operators are dropped
    assert page.total >= 0
    expression = match_expression(typed)
    assert expression is None or all(part.startswith('"') and part.endswith(('"', '"*')) for part in expression.split())


def test_words_are_whole_but_the_last() -> None:
    assert match_expression("Phát triển hạ tầ") == '"phat" "trien" "ha" "ta"*'
    assert match_expression("cảng") == '"cang"*'
    text = "Hạ tầng, hai hạng mục hạ tầng"
    assert [text[a:b] for a, b in matched_spans(text, ["ha", "ta"])] == ["Hạ", "tầ", "hạ", "tầ"]


def _document(store: ox.Store, key: str, quote: str) -> str:
    doc, task = ox.NamedNode(f"{ID}doc/search-{key}"), ox.NamedNode(f"{ID}task/search-{key}/1")
    g = ox.NamedNode(f"{ID}graph/search-{key}")
    store.extend([
        ox.Quad(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Document"), g),
        ox.Quad(doc, ox.NamedNode(RDFS + "label"), ox.Literal(f"Kế hoạch thử {key}", language="vi"), g),
        ox.Quad(task, ox.NamedNode(RDF_TYPE), ox.NamedNode(POL + "Task"), g),
        ox.Quad(task, ox.NamedNode(POL + "quote"), ox.Literal(quote), g),
        ox.Quad(task, ox.NamedNode(PROV + "wasDerivedFrom"), doc, g),
    ])
    return doc.value


def test_index_and_remove_one_document(tmp_path: Path) -> None:
    """What an incremental ingest calls: index_document after adding a document, remove_document before
    taking it out; the rest of the index stays as it was."""
    store = ox.Store()
    first = _document(store, "a", "Nâng cấp đường ven biển Thạch Hải")
    path = tmp_path / "search.sqlite"
    build_index(store, path)
    second = _document(store, "b", "Xây dựng cầu Cửa Hội")
    assert SearchIndex(path).search("cau cua hoi").total == 0
    assert index_document(path, store, second) >= 2
    assert SearchIndex(path).search("cau cua hoi").hits[0].iri.endswith("search-b/1")
    assert index_document(path, store, second) >= 2  # again: replaced, not doubled
    assert SearchIndex(path).search("cau cua hoi").total == 1
    remove_document(path, second)
    assert SearchIndex(path).search("cau cua hoi").total == 0
    assert SearchIndex(path).search("duong ven bien thach hai").hits[0].document == first
