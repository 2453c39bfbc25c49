"""Tasks scored against the hand-written gold (tests/gold/tasks), plus the awkward cases of flattened tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from graph.build.pipeline import run_extraction
from graph.config import PROJECT_ROOT, Settings

GOLD = PROJECT_ROOT / "tests" / "gold" / "tasks"
EXTRA = PROJECT_ROOT / "tests" / "fixtures" / "extra_sources"


@pytest.fixture(scope="module")
def extractions() -> dict[str, object]:
    ex, _ = run_extraction(Settings())
    return {e.parsed.key.removesuffix(".txt"): e for e in ex}


def _score(extractions: dict) -> dict[str, tuple[float, float]]:
    counts = {k: [0, 0, 0] for k in ("tasks", "lead", "cooperating", "timeframes")}  # true pos, predicted, gold
    for path in sorted(GOLD.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        ex = extractions[gold["source"].removesuffix(".txt")]
        used: set[int] = set()
        for gt in gold["tasks"]:
            match = next((t for t in ex.tasks if id(t) not in used and t.section == str(gt["section"])
                          and t.kind == gt["kind"] and t.text.startswith(gt["text_start"])), None)
            g_lead, g_coop, g_time = set(gt["lead"]), set(gt["cooperating"]), gt["timeframe"]
            counts["tasks"][2] += 1
            counts["lead"][2] += len(g_lead)
            counts["cooperating"][2] += len(g_coop)
            counts["timeframes"][2] += g_time is not None
            if match is None:
                continue
            used.add(id(match))
            counts["tasks"][0] += 1
            counts["lead"][0] += len({r.name for r in match.lead if not r.group} & g_lead)
            counts["cooperating"][0] += len({r.name for r in match.cooperating if not r.group} & g_coop)
            counts["timeframes"][0] += g_time is not None and match.timeframe == g_time \
                and (match.start_year, match.end_year) == (gt["start_year"], gt["end_year"])
        for t in ex.tasks:
            counts["tasks"][1] += 1
            counts["lead"][1] += len({r.name for r in t.lead if not r.group})
            counts["cooperating"][1] += len({r.name for r in t.cooperating if not r.group})
            counts["timeframes"][1] += t.timeframe is not None
    return {k: (tp / max(p, 1), tp / max(g, 1)) for k, (tp, p, g) in counts.items()}


def test_gold_scores(extractions: dict) -> None:
    scores = _score(extractions)
    for kind, (p, r) in scores.items():
        print(f"{kind:12s} precision {p:.3f} recall {r:.3f}")
    assert all(p >= 0.95 and r >= 0.95 for p, r in scores.values()), scores


def test_counts_per_kind(extractions: dict) -> None:
    fta = extractions["001_39fec869497d9b1d"]
    rows = [t for t in fta.tasks if t.kind == "appendix_row"]
    assert [t.section for t in rows][:3] == ["1.1", "1.2", "1.3"] and len(rows) == 35
    assert rows[-1].section == "4.7"


def test_evidence_offsets(extractions: dict) -> None:
    for ex in extractions.values():
        for t in ex.tasks:
            assert ex.parsed.text.text[t.evidence.start : t.evidence.end] == t.evidence.quote
            for ref in (*t.lead, *t.cooperating):
                ev = ref.evidence
                assert ex.parsed.text.text[ev.start : ev.end] == ev.quote


def _row(extractions: dict, section: str):
    return next(t for t in extractions["001_39fec869497d9b1d"].tasks if t.kind == "appendix_row"
                and t.section == section)


def test_cell_split_across_page_break(extractions: dict) -> None:
    # 2.4: 'Các sở, ban, ngành,' before the repeated header, 'UBND các địa phương' after it
    row = _row(extractions, "2.4")
    assert [r.name for r in row.cooperating] == ["Các sở, ban, ngành, UBND các địa phương"]
    assert row.cooperating[0].group
    assert row.text.endswith("hỗ trợ pháp lý cho doanh nghiệp theo quy định.")
    # 4.3: all columns printed on the STT line, the rest of each after the page break
    row = _row(extractions, "4.3")
    assert [r.name for r in row.lead] == ["Sở Nông nghiệp và Môi trường"]
    assert row.timeframe == "Hàng năm"
    # 3.16: the time cell was dropped with the repeated header by the normaliser and is recovered
    row = _row(extractions, "3.16")
    assert (row.timeframe, row.start_year, row.end_year) == ("2025 - 2030", 2025, 2030)


def test_free_text_timeframe(extractions: dict) -> None:
    row = _row(extractions, "1.3")
    assert row.timeframe == "Hàng năm tổ chức 01-02 cuộc tập huấn, hội nghị"
    assert row.start_year is None and row.end_year is None
    assert row.text.endswith("tới hàng địa phương xuất khẩu.")


def test_empty_partner_cell(extractions: dict) -> None:
    for section, lead in (("3.18", "Chi cục Hải quan Khu vực XI"), ("3.19", "Chi cục Thuế khu vực VI")):
        row = _row(extractions, section)
        assert [r.name for r in row.lead] == [lead]
        assert row.cooperating == []
    row = _row(extractions, "3.2")  # a collective in the 'Chủ trì' cell is a group, never a body
    assert all(r.group for r in row.lead)


def test_extra_sources_generalise(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    for f in (PROJECT_ROOT / "data").glob("*.yaml"):
        shutil.copy(f, data / f.name)
    for f in EXTRA.glob("*.txt"):
        shutil.copy(f, data / "sources" / f.name)
    from graph.build.pipeline import build_dataset

    store, index, extractions = build_dataset(Settings(data_dir=data))
    ex = extractions[0]
    tasks = {(t.kind, t.section): t for t in ex.tasks}
    assert ("task", "2") in tasks and ("implementation", "2") in tasks
    t2 = tasks[("task", "2")]
    assert [r.name for r in t2.lead] == ["Sở Du lịch"]  # a body the lexicon does not know
    assert [r.name for r in t2.cooperating] == ["Sở Công Thương"]
    assert tasks[("task", "3")].timeframe == "Hằng năm"
    r11, r12, r13 = tasks[("appendix_row", "1.1")], tasks[("appendix_row", "1.2")], tasks[("appendix_row", "1.3")]
    assert [r.name for r in r11.lead] == ["Ngân hàng Nhà nước khu vực VIII"]
    assert (r11.start_year, r11.end_year) == (2025, 2026)
    assert [r.name for r in r12.lead] == ["Sở Du lịch"] and r12.cooperating == []  # empty 'Phối hợp' cell
    assert r12.timeframe == "Thường xuyên"
    assert [r.name for r in r13.cooperating] == ["Các sở, ban, ngành, UBND các địa phương"]
    assert r13.text.endswith("thương mại điện tử xuyên biên giới.") and r13.timeframe == "2025"
    n = store.query("""PREFIX pol: <https://w3id.org/policykg/ont#>
        SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?d pol:hasTask ?t . ?t pol:leadAgency ?a }""",
                    use_default_graph_as_union=True)
    assert int(next(iter(n))["n"].value) >= 4
