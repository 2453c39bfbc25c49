"""Named questions for the web: the library of ``queries/*.rq`` read and bound by ``graph.query.questions``.

The web app and ``policykg ask`` share one parser (the header format is documented there) and one
way of binding parameters (names resolved diacritic-insensitively, values turned into RDF terms,
never pasted into the query text). A file with a broken header hides that question only.
"""

from __future__ import annotations

from pathlib import Path

from graph.query import questions as library
from graph.query.questions import AmbiguousName, ParameterError, Question, Resolver, bind

__all__ = ["AmbiguousName", "ParameterError", "Question", "Resolver", "bind", "load_questions"]


def load_questions(folder: Path) -> dict[str, Question]:
    out: dict[str, Question] = {}
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            out[path.stem] = library.parse_question(path.read_text(encoding="utf-8"), path.stem, path)
        except (library.QuestionError, UnicodeDecodeError):
            continue
    return out
