"""The build end to end on the five sources: identity, evidence, determinism, bad input, exports."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.build.pipeline import build, build_dataset
from graph.build.sources import SourceError
from graph.cli import main
from graph.config import PROJECT_ROOT, Settings
from graph.store import OxigraphStore

POL = "PREFIX pol: <https://w3id.org/policykg/ont#> PREFIX dcterms: <http://purl.org/dc/terms/> "


def _docs(store: OxigraphStore, number: str) -> list[dict]:
    rows = store.select(POL + """SELECT ?d ?issued (GROUP_CONCAT(DISTINCT STR(?cd); separator=" ") AS ?cited)
        WHERE { ?d a pol:Document ; pol:documentNumber ?n . FILTER(?n = ?num)
                OPTIONAL { ?d dcterms:issued ?issued } OPTIONAL { ?d pol:citedDate ?cd } }
        GROUP BY ?d ?issued""", {"num": ox.Literal(number)}).rows
    return rows


def test_same_number_two_documents(store: OxigraphStore) -> None:
    rows = _docs(store, "08-NQ/TU")
    assert len(rows) == 2, rows
    years = sorted(r["d"].value[-4:] for r in rows)
    assert years == ["2018", "2021"]


def test_conflicting_dates_one_node_both_visible(store: OxigraphStore) -> None:
    rows = _docs(store, "57-KL/TU")
    assert len(rows) == 1
    assert rows[0]["issued"].value == "2022-10-07"  # from its own header
    assert "2022-11-07" in rows[0]["cited"].value  # as 004 cites it
    # each cited date carries its source
    ev = store.select(POL + """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?quote ?doc WHERE { ?e a pol:Evidence ; rdf:predicate pol:citedDate ; rdf:object ?date ;
                                   pol:quote ?quote ; prov:wasDerivedFrom ?doc }""",
                      {"date": ox.Literal("2022-11-07", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))}
                      ).rows
    assert ev and "57-KL/TU" in ev[0]["quote"].value
    assert ev[0]["doc"].value.endswith("26-ctr-tu-2023")


def test_one_node_cited_by_two_sources(store: OxigraphStore) -> None:
    rows = _docs(store, "11-NQ/TU")
    assert len(rows) == 1
    citing = store.select(POL + "SELECT DISTINCT ?s WHERE { ?s pol:cites ?d }", {"d": rows[0]["d"]}).rows
    assert len(citing) == 2


def test_unnumbered_documents_have_stable_readable_iris(store: OxigraphStore) -> None:
    rows = store.select(POL + "SELECT ?d WHERE { ?d pol:heldInCorpus true "
                              "FILTER NOT EXISTS { ?d pol:documentNumber ?n } }").rows
    iris = sorted(r["d"].value.rsplit("/", 1)[1] for r in rows)
    assert len(iris) == 3
    assert any(i.startswith("ket-luan-ban-thuong-vu-tinh-uy-") for i in iris)
    assert any(i.startswith("ke-hoach-ubnd-tinh-") for i in iris)
    assert any(i.startswith("nghi-quyet-tinh-uy-") for i in iris)


def test_every_quote_is_the_text_at_its_offsets(store: OxigraphStore) -> None:
    """Evidence offsets index the normalised text stored in the graph: checked in SPARQL itself."""
    rows = store.select(POL + """SELECT ?e ?quote ?slice WHERE {
        ?e a pol:Evidence ; pol:quote ?quote ; pol:startOffset ?s ; pol:endOffset ?t ; pol:sourceText ?src .
        ?src pol:text ?text .
        BIND(SUBSTR(?text, ?s + 1, ?t - ?s) AS ?slice) }""").rows
    assert len(rows) > 100
    bad = [r for r in rows if r["quote"].value != r["slice"].value]
    assert not bad, bad[:3]


def test_rebuild_is_deterministic(tmp_path: Path) -> None:
    first, _, _ = build_dataset(Settings())
    second, _, _ = build_dataset(Settings())
    assert len(first) == len(second)

    def data(store: ox.Store) -> set[ox.Quad]:  # the ontology's own blank nodes aside
        return {q for q in store if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert data(first) == data(second)


def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns("build"))
    return data


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
        ("utf16.txt", "Nghị quyết số 11-NQ/TU về xuất khẩu".encode("utf-16-le"), "binary"),
        ("latin1.txt", b"Ngh\xe9 quy\xeat s\xf4 11 v\xe8 xu\xe2t kh\xe2u va logistics", "UTF-8"),
        ("cp1258.txt", unicodedata.normalize("NFD", "Kết luận về phát triển công nghiệp tỉnh Hà Tĩnh")
         .encode("cp1258", errors="replace"), "UTF-8"),
    ],
    ids=["empty", "binary", "utf16", "latin1", "cp1258"],
)
def test_bad_source_stops_build_and_keeps_store(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    data = _copy_data(tmp_path)
    settings = Settings(data_dir=data)
    build(settings)
    before = sorted(p.name for p in settings.store.iterdir())
    count = OxigraphStore(settings.store).count()
    (data / "sources" / name).write_bytes(content)
    with pytest.raises(SourceError) as err:
        build(settings)
    assert name in str(err.value) and reason in str(err.value)
    assert OxigraphStore(settings.store).count() == count
    assert sorted(p.name for p in settings.store.iterdir()) == before
    result = CliRunner().invoke(main, ["--data", str(data), "build", "--quiet"])
    assert result.exit_code != 0 and name in result.output and "nothing changed" in result.output


def test_duplicate_source_refused(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    src = data / "sources" / "003_dcf692c419505845.txt"
    (data / "sources" / "copy.txt").write_bytes(src.read_bytes())
    with pytest.raises(SourceError, match="duplicate"):
        build(Settings(data_dir=data))


def test_cli_export_keeps_named_graphs_and_validate_passes(built, tmp_path: Path) -> None:  # noqa: ANN001
    settings, _ = built
    runner = CliRunner()
    base = ["--store", str(settings.store)]
    out = tmp_path / "g.nq"
    result = runner.invoke(main, [*base, "export", "--format", "nq", "--output", str(out)])
    assert result.exit_code == 0, result.output
    graphs = {q.graph_name.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    assert any(g.endswith("/graph/003_dcf692c419505845".replace("_", "-")) or "003" in g for g in graphs)
    assert len(graphs) >= 6
    for fmt in ("ttl", "nt", "trig", "jsonld"):
        path = tmp_path / f"g.{fmt}"
        result = runner.invoke(main, [*base, "export", "--format", fmt, "--output", str(path)])
        assert result.exit_code == 0, result.output
        assert path.stat().st_size > 1000
    result = runner.invoke(main, [*base, "validate"])
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output


def test_cli_query_formats_and_malformed_sparql(built, tmp_path: Path) -> None:  # noqa: ANN001
    settings, _ = built
    runner = CliRunner()
    base = ["--store", str(settings.store)]
    q = "PREFIX pol: <https://w3id.org/policykg/ont#> SELECT ?n WHERE { ?d pol:documentNumber ?n } ORDER BY ?n"
    table = runner.invoke(main, [*base, "query", "-"], input=q)
    assert table.exit_code == 0 and "11-NQ/TU" in table.output and "rows)" in table.output
    csv_out = runner.invoke(main, [*base, "query", "--format", "csv", "-"], input=q)
    assert csv_out.output.splitlines()[0] == "n"
    bad = runner.invoke(main, [*base, "query", "-"], input="SELECT ?x WHERE { ?x ")
    assert bad.exit_code != 0 and "malformed SPARQL" in bad.output


def test_every_subcommand_has_help() -> None:
    runner = CliRunner()
    for command in main.commands:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, command


def test_write_store_finish_runs_before_the_swap_and_a_failure_keeps_the_old_store(tmp_path: Path) -> None:
    from graph.store import write_store

    path = tmp_path / "store"
    quad = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"), ox.NamedNode("urn:g"))
    seen: list[int] = []
    assert write_store(path, [quad], lambda store: seen.append(len(store))) == 1
    assert seen == [1]

    def fail(store: ox.Store) -> None:
        raise RuntimeError("finish failed")

    other = ox.Quad(ox.NamedNode("urn:c"), ox.NamedNode("urn:p"), ox.NamedNode("urn:d"), ox.NamedNode("urn:g"))
    with pytest.raises(RuntimeError, match="finish failed"):
        write_store(path, [quad, other], fail)
    assert set(ox.Store.read_only(str(path))) == {quad}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
