"""Full-text search (graph/store/search.py) on the graph of the five sources, and on small hand-made cases
for incremental indexing; expected hits read from the texts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.config import Settings
from graph.store import OxigraphStore
from graph.store.search import (
    IndexVersionError,
    SearchIndex,
    build_index,
    index_document,
    index_path,
    match_expression,
    matched_spans,
    remove_document,
    static_bucket,
)
from graph.text import fold_chars
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


def test_typed_words_never_match_a_filter_tag(index: SearchIndex) -> None:
    # every entry carries tags such as 'ktask' and 'y2023' in a column the typed words are not matched in
    assert index.search("ktask").total == 0 and index.search("y2023").total == 0
    assert index.search("vung ang", kinds=["no-such-kind"]).total == 0


def test_bounded_ranking_agrees_with_scoring_every_match(index: SearchIndex) -> None:
    # on the five sources few queries reach the bound: the two rankings give the same page
    for query in ("vung ang", "phat trien", "ha tang", "so", "kinh te", "nghi quyet", "du an", "cang"):
        bounded, every = index.search(query, limit=20), index.search(query, limit=20, bounded=False)
        assert [h.iri for h in bounded.hits] == [h.iri for h in every.hits], query
        assert bounded.total == every.total


def test_static_rank_orders_by_one_hit_bm25() -> None:
    average = 20.0
    assert static_bucket(3.0, 4, average) < static_bucket(1.0, 4, average)  # a name before a text
    assert static_bucket(1.0, 5, average) < static_bucket(1.0, 40, average)  # a short text before a long one
    assert static_bucket(3.0, 400, average) > static_bucket(3.0, 4, average) >= 0


FILLER = ("triển khai thực hiện các nội dung của kế hoạch trên địa bàn tỉnh theo đúng tiến độ được giao và "
          "báo cáo kết quả định kỳ hằng năm về ủy ban nhân dân").split()


def test_bounded_ranking_finds_the_best_matches_beyond_the_first_written(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Far more matches than are scored: written longest first, the shortest (bm25's best, each holding the
    words once) are still the ones found, since rowids follow the static rank, not the order written."""
    import graph.store.search as search

    monkeypatch.setattr(search, "BOUND", 5)
    monkeypatch.setattr(search, "CANDIDATES", 5)
    path = tmp_path / "search.sqlite"
    entries = []
    for n in range(60, 0, -1):  # task n: n filler words, then 'nâng cấp cảng Vũng Áng'
        text = " ".join(FILLER[i % len(FILLER)] for i in range(n)) + " nâng cấp cảng Vũng Áng"
        entries.append((fold_chars(text), False, f"{ID}task/search-many/{n}", "task", "task", text,
                        f"{ID}doc/search-many", None, 2024))
    conn = search._connect(path)
    search.write_entries(conn, entries)
    conn.commit()
    conn.close()
    index = SearchIndex(path)
    assert index.search("cang vung ang", limit=1).total == 60
    for bounded in (True, False):  # 4 × 3 = 12 candidates scored of 60
        page = index.search("cang vung ang", limit=3, bounded=bounded)
        assert [h.iri.rsplit("/", 1)[1] for h in page.hits] == ["1", "2", "3"]
    assert [h.iri.rsplit("/", 1)[1] for h in index.search("cang vung ang", limit=3, offset=3).hits] == \
        ["4", "5", "6"]


def test_an_index_of_another_version_is_refused_then_rebuilt_by_an_ingest(tmp_path: Path) -> None:
    path = tmp_path / "search.sqlite"
    with sqlite3.connect(path) as conn:  # the first schema: no filter column, no version
        conn.execute("CREATE VIRTUAL TABLE search USING fts5(name, body, iri UNINDEXED, kind UNINDEXED, "
                     "field UNINDEXED, text UNINDEXED, document UNINDEXED, province UNINDEXED, year UNINDEXED)")
    conn.close()
    with pytest.raises(IndexVersionError, match="policykg build"):
        SearchIndex(path)
    store = ox.Store()
    doc = _document(store, "v", "Nạo vét luồng cảng Xuân Hải")
    assert index_document(path, store, doc) >= 2  # rebuilt whole from the store
    assert SearchIndex(path).search("luong cang xuan hai").hits[0].document == doc


def test_bounded_scores_are_fts5s_bm25(index: SearchIndex) -> None:
    """The bounded ranking computes bm25 from the index's own statistics: the same scores as FTS5's (a
    prefix's number of entries is the sum over its terms, the same here for these words)."""
    for query in ("vung ang", "phat trien ha tang", "so cong thuong", "logistics", "cau treo", "nghi quyet 11"):
        bounded, every = index.search(query, limit=50), index.search(query, limit=50, bounded=False)
        assert [h.iri for h in bounded.hits] == [h.iri for h in every.hits], query
        assert [h.score for h in bounded.hits] == pytest.approx([h.score for h in every.hits], rel=1e-9), query


def test_a_kind_filter_names_the_fewer_side(index: SearchIndex) -> None:
    from graph.vocab import BROWSABLE_KINDS

    everything = index.search("vung ang", limit=500)
    assert index.match("vung ang", kinds=BROWSABLE_KINDS) == index.match("vung ang")  # every kind held
    assert index.search("vung ang", kinds=BROWSABLE_KINDS, limit=500).total == everything.total
    most = [k for k in BROWSABLE_KINDS if k != "task"]
    assert " NOT tags : " in index.match("vung ang", kinds=most)
    without_tasks = index.search("vung ang", kinds=most, limit=500)
    tasks = index.search("vung ang", kinds=["task"], limit=500)
    assert without_tasks.hits and all(h.kind != "task" for h in without_tasks.hits)
    assert {h.iri for h in without_tasks.hits} | {h.iri for h in tasks.hits} == {h.iri for h in everything.hits}


def test_the_web_app_searches_a_fresh_copy_beside_an_old_index(tmp_path: Path) -> None:
    from webapp.kg import KnowledgeGraph
    from webapp.search import SearchIndex as WebSearch

    store_path = tmp_path / "store"
    writer = ox.Store(str(store_path))
    _document(writer, "w", "Kè chống sạt lở bờ sông Ngàn Phố")
    writer.flush()
    del writer
    store = OxigraphStore(store_path)
    with sqlite3.connect(index_path(store_path)) as conn:  # an index the first schema wrote
        conn.execute("CREATE VIRTUAL TABLE search USING fts5(name, body, iri UNINDEXED)")
    conn.close()
    web = WebSearch(KnowledgeGraph(store, ID))
    groups, total = web.search("ke chong sat lo")
    assert total == 1 and groups["task"][0].iri.endswith("search-w/1") and web.index.path != index_path(store_path)
