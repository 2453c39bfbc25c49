"""Named questions for the web: the library of ``queries/*.rq`` read and bound by ``graph.query.questions``.

The web app and ``policykg ask`` share one parser (the header format is documented there) and one
way of binding parameters (names resolved diacritic-insensitively, values turned into RDF terms,
never pasted into the query text). A file with a broken header hides that question only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from graph.query import questions as library
from graph.query.questions import AmbiguousName, ParameterError, Question, Resolver, bind

__all__ = ["AmbiguousName", "Column", "ParameterError", "Question", "Resolver", "bind", "columns", "column_labels",
           "load_questions"]


def load_questions(folder: Path) -> dict[str, Question]:
    out: dict[str, Question] = {}
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            out[path.stem] = library.parse_question(path.read_text(encoding="utf-8"), path.stem, path)
        except (library.QuestionError, UnicodeDecodeError):
            continue
    return out


# -- for people: column headers, parameter names ----------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
LABEL_SUFFIX = "Label"


@dataclass(frozen=True)
class Column:
    """One column of an answer table: the variable shown, its header, and the variable holding its link text."""

    var: str
    header: str
    header_en: str
    label_var: str | None = None


@lru_cache(maxsize=4)
def column_labels(path: Path) -> dict[str, dict[str, str]]:
    """The curated headers of ``data/column_labels.yaml`` (empty when the file is missing)."""
    if not path.is_file():
        return {}
    return {str(k): v for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def columns(variables: list[str], labels: Mapping[str, Mapping[str, str]],
            rows: Sequence[Mapping[str, Any]] = ()) -> list[Column]:
    """The columns of an answer: ``x`` and ``xLabel`` become one column (x linked, with xLabel as its text).

    A bare ``label`` joins the one column whose values are all IRIs (``?document … ?label``); with several
    such columns it cannot be told whose label it is, and it stays a column of its own.
    """
    present = set(variables)
    pairs = {v: v + LABEL_SUFFIX for v in variables if v + LABEL_SUFFIX in present}
    if "label" in present and rows:
        iri_columns = [v for v in variables if v not in pairs and v != "label"
                       and all(isinstance(r.get(v), ox.NamedNode) for r in rows)]
        if len(iri_columns) == 1:
            pairs[iri_columns[0]] = "label"
    folded = set(pairs.values())
    out: list[Column] = []
    for v in variables:
        if v in folded:
            continue
        words = _CAMEL.sub(" ", v).replace("_", " ").lower()
        entry = labels.get(v) or {}
        out.append(Column(v, entry.get("vi", words), entry.get("en", words), pairs.get(v)))
    return out
