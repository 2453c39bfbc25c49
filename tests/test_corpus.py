"""The extractors meet the goals of the extraction issue on our own corpus of unseen-genre documents
(tests/corpus: Party, UBND, HĐND, central bodies of many provinces), on the split we tune on and on the split
held back. The per-field scores are printed (pytest -s) for the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.build.evaluate import check_goals, evaluate_corpus, load_goals

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_corpus_meets_the_goals(split: str) -> None:
    result = evaluate_corpus(CORPUS, split)
    print(result.render())
    assert len(result.documents) >= (20 if split == "dev" else 6)
    failures = check_goals(result, load_goals(CORPUS / "goals.yaml"))
    assert not failures, "\n".join(failures)
