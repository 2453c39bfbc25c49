"""The corpus scorer itself (graph.build.evaluate), on tiny hand-made gold / extraction pairs.

The extractions here are built by hand from the model records, so these tests say what the scorer counts,
whatever today's extractors find. One end-to-end test runs the real extraction on a small corpus folder.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graph.build.agencies import load_lexicon
from graph.build.evaluate import (
    CorpusError,
    EvaluationResult,
    check_goals,
    evaluate_corpus,
    load_corpus,
    load_goals,
    number_key,
    recipient_spans,
    score_extraction,
)
from graph.build.model import (
    AgencyRef,
    Citation,
    DocumentRecord,
    DocumentRef,
    EntityMention,
    Extraction,
    NamedRef,
    Parsed,
    Target,
    Task,
)
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.cli import main
from graph.config import PROJECT_ROOT, Settings

TEXT = """UBND TỈNH NGHỆ AN
Số: 57/KH-UBND
Nghệ An, ngày 26 tháng 3 năm 2026
KẾ HOẠCH
Triển khai thực hiện Nghị quyết số 05/2025/NQ-HĐND
Căn cứ Luật Đầu tư số 61/2020/QH14;
II. NHIỆM VỤ
1. Sở Công Thương chủ trì xây dựng đề án xuất khẩu, hoàn thành trong năm 2026.
2. Sở Xây dựng chủ trì nâng cấp Cảng Cửa Lò, đạt 10 triệu tấn năm 2030.
Đáp ứng yêu cầu phát triển.
Nơi nhận:
- Sở Tài chính;
- Lưu: VT.
"""

GOLD = {
    "source": "t.txt",
    "province": "Nghệ An",
    "document": {
        "type": "Kế hoạch", "number": "57/KH-UBND", "issued": date(2026, 3, 26), "issuer": "UBND tỉnh",
        "parent": None, "subject": "Triển khai thực hiện Nghị quyết số 05/2025/NQ-HĐND", "signer": None,
        "signer_role": None, "recipients": ["Sở Tài chính"],
    },
    "citations": [
        {"number": "05/2025/NQ-HĐND", "type": "Nghị quyết", "issued": None, "issuer": None,
         "relation": "implements"},
        {"number": "61/2020/QH14", "type": "Luật", "issued": None, "issuer": None, "relation": "cites"},
    ],
    "tasks": [
        {"match": "xây dựng đề án xuất khẩu", "section": "1", "lead": ["Sở Công Thương"], "cooperating": [],
         "timeframe": "năm 2026", "start_year": 2026, "end_year": 2026, "deadline": None},
        {"match": "nâng cấp Cảng Cửa Lò", "section": "2", "lead": ["Sở Xây dựng"], "cooperating": [],
         "timeframe": None, "start_year": None, "end_year": None, "deadline": None},
    ],
    "targets": [
        {"match": "đạt 10 triệu tấn", "indicator": "hàng hóa qua cảng", "value": 10, "upper": None,
         "unit": "triệu tấn", "comparator": "đạt", "year": 2030},
    ],
    "entities": [{"name": "Cảng Cửa Lò", "class": "Port", "aliases": []}],
    "agencies": [
        {"name": "UBND tỉnh", "province": "Nghệ An"},
        {"name": "Sở Công Thương", "province": "Nghệ An"},
        {"name": "Sở Xây dựng", "province": "Nghệ An"},
        {"name": "Sở Tài chính", "province": "Nghệ An"},
    ],
    "not": {"tasks": ["Lưu: VT"], "entities": ["yêu cầu"]},
}


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(Settings().agencies_path)


def _parsed() -> Parsed:
    return Parsed(Source("t", Path("t.txt"), TEXT, "0"), normalise(TEXT))


def _span(parsed: Parsed, quote: str):
    start = parsed.text.text.index(quote)
    return parsed.evidence(start, start + len(quote))


def _agency(parsed: Parsed, name: str) -> AgencyRef:
    return AgencyRef(name, name, _span(parsed, name))


def perfect(**changes) -> Extraction:
    """The extraction that matches GOLD exactly; keyword arguments replace parts of it."""
    p = _parsed()
    own = DocumentRef("Kế hoạch", "57/KH-UBND", date(2026, 3, 26), "UBND tỉnh",
                      "Triển khai thực hiện Nghị quyết số 05/2025/NQ-HĐND", _span(p, "KẾ HOẠCH"))
    cits = [
        Citation(DocumentRef("Nghị quyết", "05/2025/NQ-HĐND", None, None, None, _span(p, "Nghị quyết số 05")),
                 "implements", _span(p, "Triển khai thực hiện")),
        Citation(DocumentRef("Luật", "61/2020/QH14", None, None, None, _span(p, "Luật Đầu tư")), "cites",
                 _span(p, "Căn cứ Luật")),
    ]
    record = DocumentRecord(ref=own, recipients=[NamedRef("Sở Tài chính", _span(p, "Sở Tài chính"))],
                            citations=cits)
    record.jurisdiction = "Nghệ An"  # type: ignore[attr-defined]  # the attribute the lead engineer adds
    t1 = _span(p, "1. Sở Công Thương chủ trì xây dựng đề án xuất khẩu, hoàn thành trong năm 2026.")
    t2 = _span(p, "2. Sở Xây dựng chủ trì nâng cấp Cảng Cửa Lò, đạt 10 triệu tấn năm 2030.")
    tasks = [
        Task("t", "II", "heading", None, "NHIỆM VỤ", _span(p, "II. NHIỆM VỤ")),
        Task("t", "1", "task", "NHIỆM VỤ", t1.quote, t1, lead=[_agency(p, "Sở Công Thương")],
             timeframe="năm 2026", start_year=2026, end_year=2026),
        Task("t", "2", "task", "NHIỆM VỤ", t2.quote, t2, lead=[_agency(p, "Sở Xây dựng")]),
    ]
    targets = [Target("t", "hàng hóa qua cảng", Decimal(10), _span(p, "đạt 10 triệu tấn năm 2030"),
                      unit="triệu tấn", comparator="đạt", year=2030)]
    mentions = [EntityMention("Cảng Cửa Lò", "Port", "Cảng Cửa Lò", _span(p, "Cảng Cửa Lò"), True, "2")]
    parts = {"document": record, "tasks": tasks, "targets": targets, "mentions": mentions, "agencies": []}
    parts.update(changes)
    return Extraction(parsed=p, **parts)


def used(score) -> dict[str, float | None]:
    return {name: t.f1 for name, t in score.fields.items() if t.cases and (t.right + t.wrong + t.missed
                                                                              + t.spurious)}


def test_a_perfect_extraction_scores_one_everywhere(lexicon) -> None:
    score = score_extraction(GOLD, perfect(), lexicon)
    f1 = used(score)
    assert f1 and all(v == 1.0 for v in f1.values()), f1
    for name in ("document.number", "citations", "implements", "tasks", "tasks.lead", "targets.value_year",
                 "entities", "agencies", "agencies.province", "document.province"):
        assert name in f1
    assert score.errors == []
    assert score.fields["document.signer"].empty == 1  # not printed, not extracted: right, outside P/R
    assert score.fields["document.signer"].accuracy == 1.0


def test_a_wrong_number_scores_zero(lexicon) -> None:
    ex = perfect()
    ex.document.ref = DocumentRef(**{**ex.document.ref.__dict__, "number": "75/KH-UBND"})
    t = score_extraction(GOLD, ex, lexicon).fields["document.number"]
    assert (t.right, t.wrong, t.precision, t.recall, t.accuracy) == (0, 1, 0.0, 0.0, 0.0)


def test_numbers_match_whatever_the_spaces_and_case(lexicon) -> None:
    assert number_key("215- KL/TU") == number_key("215-kl/tu")
    ex = perfect()
    ex.document.ref = DocumentRef(**{**ex.document.ref.__dict__, "number": "57 /kh-UBND"})
    assert score_extraction(GOLD, ex, lexicon).fields["document.number"].right == 1


def test_a_missed_task_lowers_recall_and_its_lead_counts_as_wrong(lexicon) -> None:
    ex = perfect()
    ex.tasks = ex.tasks[:2]  # heading + task 1; task 2 lost
    fields = score_extraction(GOLD, ex, lexicon).fields
    assert fields["tasks"].recall == 0.5 and fields["tasks"].precision == 1.0
    assert fields["tasks.lead"].recall == 0.5 and fields["tasks.lead"].missed == 1


def test_an_extra_task_lowers_precision_and_headings_are_not_counted(lexicon) -> None:
    ex = perfect()
    p = ex.parsed
    extra = _span(p, "Đáp ứng yêu cầu phát triển.")
    ex.tasks.append(Task("t", "3", "task", None, extra.quote, extra))
    t = score_extraction(GOLD, ex, lexicon).fields["tasks"]
    assert (t.right, t.spurious, t.recall) == (2, 1, 1.0)
    assert t.precision == pytest.approx(2 / 3)


def test_a_wrong_lead_is_wrong_not_missed(lexicon) -> None:
    ex = perfect()
    ex.tasks[1].lead = [_agency(ex.parsed, "Sở Xây dựng")]
    t = score_extraction(GOLD, ex, lexicon).fields["tasks.lead"]
    assert (t.right, t.wrong, t.missed) == (1, 1, 0)


def test_a_self_citation_is_counted(lexicon) -> None:
    ex = perfect()
    ex.document.citations.append(Citation(copy.copy(ex.document.ref), "cites", ex.document.ref.evidence))
    score = score_extraction(GOLD, ex, lexicon)
    assert [e.kind for e in score.errors] == ["self_citation"]
    assert score.fields["citations"].spurious == 1 and score.fields["citations"].precision == pytest.approx(2 / 3)


def test_a_missed_implements_link(lexicon) -> None:
    ex = perfect()
    first = ex.document.citations[0]
    ex.document.citations[0] = Citation(first.cited, "cites", first.evidence)
    fields = score_extraction(GOLD, ex, lexicon).fields
    assert fields["implements"].recall == 0.0
    assert fields["citations.relation"].wrong == 1
    assert fields["citations"].recall == 1.0


def test_a_task_from_a_recipient_line_is_counted(lexicon) -> None:
    ex = perfect()
    line = _span(ex.parsed, "- Sở Tài chính;")
    ex.tasks.append(Task("t", "r1", "task", None, "Sở Tài chính;", line))
    score = score_extraction(GOLD, ex, lexicon)
    assert "recipient_task" in [e.kind for e in score.errors]


def test_recipient_spans_cover_the_list_only() -> None:
    text = normalise(TEXT).text
    spans = recipient_spans(text)
    covered = [text[s:e] for s, e in spans]
    assert covered == ["Nơi nhận:", "- Sở Tài chính;", "- Lưu: VT."]


def test_not_lists_are_errors(lexicon) -> None:
    ex = perfect()
    p = ex.parsed
    ex.mentions.append(EntityMention("Cầu phát triển", "Bridge", "cầu phát triển", _span(p, "cầu phát triển"),
                                     False))
    luu = _span(p, "Lưu: VT.")
    ex.tasks.append(Task("t", "x", "task", None, luu.quote, luu))
    score = score_extraction(GOLD, ex, lexicon)
    kinds = sorted(e.kind for e in score.errors)
    assert kinds == ["not_entity", "not_task", "recipient_task"]
    assert score.fields["entities"].spurious == 1


def test_a_date_for_a_blank_draft_and_a_date_from_a_citation(lexicon) -> None:
    gold = copy.deepcopy(GOLD)
    gold["document"]["issued"] = None
    gold["document"]["number"] = None
    gold["citations"][0]["issued"] = date(2025, 7, 10)
    ex = perfect()
    ex.document.ref = DocumentRef(**{**ex.document.ref.__dict__, "issued": date(2025, 7, 10)})
    score = score_extraction(gold, ex, lexicon)
    assert sorted(e.kind for e in score.errors) == ["date_from_citation", "date_not_printed",
                                                    "number_not_printed"]
    assert score.fields["document.issued"].spurious == 1
    assert score.fields["document.number"].accuracy == 0.0


def test_agency_names_compare_through_the_lexicon_and_without_the_province(lexicon) -> None:
    ex = perfect()
    ex.document.ref = DocumentRef(**{**ex.document.ref.__dict__, "issuer": "Ủy ban nhân dân tỉnh Nghệ An"})
    assert score_extraction(GOLD, ex, lexicon).fields["document.issuer"].right == 1
    ex.document.ref = DocumentRef(**{**ex.document.ref.__dict__, "issuer": "Sở Tài chính"})
    assert score_extraction(GOLD, ex, lexicon).fields["document.issuer"].wrong == 1


def test_province_read_from_the_jurisdiction_when_there_is_one(lexicon) -> None:
    ex = perfect()
    del ex.document.jurisdiction  # type: ignore[attr-defined]  # today's records have no such attribute
    fields = score_extraction(GOLD, ex, lexicon).fields
    assert fields["document.province"].missed == 1
    assert fields["agencies.province"].recall == 0.0
    ex.document.jurisdiction = "Hà Tĩnh"  # type: ignore[attr-defined]
    assert score_extraction(GOLD, ex, lexicon).fields["document.province"].wrong == 1


def test_bodies_of_two_provinces_in_a_central_document(lexicon) -> None:
    gold = copy.deepcopy(GOLD)
    gold["province"] = None
    gold["agencies"] = [{"name": "UBND tỉnh", "province": "Nghệ An"}, {"name": "UBND tỉnh", "province": "Hà Tĩnh"},
                        {"name": "Sở Công Thương", "province": "Nghệ An"}]
    ex = perfect(agencies=[])
    ex.document.jurisdiction = None  # type: ignore[attr-defined]
    ex.document.ref = DocumentRef(**{**ex.document.ref.__dict__, "issuer": "UBND tỉnh Hà Tĩnh"})
    ex.document.recipients = []
    ex.tasks = [ex.tasks[0], ex.tasks[1]]
    ex.tasks[1].lead = [AgencyRef("Sở Công Thương tỉnh Nghệ An", "Sở Công Thương tỉnh Nghệ An",
                                  ex.tasks[1].evidence)]
    fields = score_extraction(gold, ex, lexicon).fields
    assert (fields["agencies"].right, fields["agencies"].missed) == (2, 1)
    assert (fields["agencies.province"].right, fields["agencies.province"].missed) == (2, 1)
    assert fields["tasks.lead"].right == 1  # 'Sở Công Thương tỉnh Nghệ An' is 'Sở Công Thương' of Nghệ An


def test_target_with_the_wrong_year_is_found_but_not_right(lexicon) -> None:
    ex = perfect()
    ex.targets[0].year = 2026
    fields = score_extraction(GOLD, ex, lexicon).fields
    assert fields["targets"].recall == 1.0
    assert fields["targets.value_year"].wrong == 1 and fields["targets.value_year"].recall == 0.0


def test_an_entity_found_by_an_alias(lexicon) -> None:
    gold = copy.deepcopy(GOLD)
    gold["entities"] = [{"name": "Cảng biển Cửa Lò", "class": "Port", "aliases": ["Cảng Cửa Lò"]}]
    assert score_extraction(gold, perfect(), lexicon).fields["entities"].right == 1


def test_check_goals_lists_what_is_missed(lexicon) -> None:
    good = EvaluationResult([score_extraction(GOLD, perfect(), lexicon)])
    goals = load_goals(PROJECT_ROOT / "tests" / "corpus" / "goals.yaml")
    assert check_goals(good, goals) == []
    ex = perfect()
    ex.tasks = ex.tasks[:1]
    ex.document.citations.append(Citation(copy.copy(ex.document.ref), "cites", ex.document.ref.evidence))
    failures = check_goals(EvaluationResult([score_extraction(GOLD, ex, lexicon)]), goals)
    assert any(f.startswith("tasks recall 0.000") for f in failures)
    assert any(f.startswith("self_citation: 1 > 0") for f in failures)
    assert any(f.startswith("citations precision") for f in failures)
    assert check_goals(good, {"fields": {"document.signer": {"recall": 0.5}}}) == [
        "document.signer recall: nothing to measure (goal ≥ 0.5)"]


def test_goals_file_names_real_fields(tmp_path: Path) -> None:
    bad = tmp_path / "goals.yaml"
    bad.write_text("fields:\n  task: {recall: 0.8}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown field 'task'"):
        load_goals(bad)


def test_bad_corpus_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not a directory"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "a.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"a\.txt: no matching \.yaml"):
        load_corpus(tmp_path)
    (tmp_path / "dev" / "a.yaml").write_text("document: [1\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not valid YAML"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="no heldout/ folder"):
        load_corpus(tmp_path, "heldout")


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "na-kh-1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dev" / "na-kh-1.yaml").write_text(yaml.safe_dump(GOLD, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_the_real_extraction_runs_on_a_corpus_folder(tmp_path: Path) -> None:
    result = evaluate_corpus(_corpus(tmp_path), "dev")
    assert [(d.split, d.id) for d in result.documents] == [("dev", "na-kh-1")]
    fields = result.fields
    assert fields["tasks"].right + fields["tasks"].missed == 2  # every gold task is counted, found or not
    assert fields["citations"].right + fields["citations"].missed == 2
    data = json.loads(result.to_json())
    assert data["documents"] == 1 and "tasks.lead" in data["fields"] and data["per_document"][0]["id"] == "na-kh-1"
    text = result.render(per_document=True)
    assert "dev/na-kh-1" in text and "hard checks" in text


def test_cli_evaluate(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(main, ["evaluate", str(corpus), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["documents"] == 1
    strict = tmp_path / "strict.yaml"
    strict.write_text("fields:\n  tasks: {recall: 1.01}\n", encoding="utf-8")
    failed = runner.invoke(main, ["evaluate", str(corpus), "--goals", str(strict)])
    assert failed.exit_code == 1 and "goals missed: 1" in failed.output
    missing = runner.invoke(main, ["evaluate", str(tmp_path / "nothing")])
    assert missing.exit_code != 0 and "not a directory" in missing.output


CORPUS = PROJECT_ROOT / "tests" / "corpus"


def _gold_files() -> list[Path]:
    return sorted(p for split in ("dev", "heldout") for p in (CORPUS / split).glob("*.yaml"))


@pytest.mark.parametrize("gold_path", _gold_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_gold_is_printed_in_its_text(gold_path: Path) -> None:
    """Every phrase the gold matches on (task and target phrases, citation and own numbers, recipient lines,
    subject, signer, not: phrases) is in the document's normalised text: a typo in the gold would otherwise
    count as an extractor's miss."""
    from graph.build.evaluate import recipient_line, text_key

    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    text = normalise(gold_path.with_suffix(".txt").read_text(encoding="utf-8")).text
    folded, numbers = text_key(text), number_key(text)
    doc = gold["document"]
    phrases = [x["match"] for kind in ("tasks", "targets") for x in gold.get(kind) or []]
    phrases += [recipient_line(r) for r in doc.get("recipients") or []]
    phrases += [doc[k] for k in ("subject", "signer") if doc.get(k)]
    phrases += [p for kind in ("tasks", "entities") for p in (gold.get("not") or {}).get(kind) or []]
    missing = [p for p in phrases if text_key(p) not in folded]
    cited = [c["number"] for c in gold.get("citations") or []] + ([doc["number"]] if doc.get("number") else [])
    missing += [n for n in cited if number_key(n) not in numbers]
    assert not missing, missing
    assert gold["source"] == gold_path.with_suffix(".txt").name
