"""Named questions: the ``.rq`` files of ``queries/`` read as data.

The header is the leading block of ``#`` comment lines, ``key: value`` each::

    # title: Nhiệm vụ phụ thuộc vào một công trình          (also title@vi, title_en, title@en …)
    # description: Tasks that depend on a project, transitively, with the path.
    # param: project iri default=<https://w3id.org/policykg/id/project/cang-vung-ang> The project
    # param: year integer default=2030
    # view: table | graph | timeline

A ``params:`` key with an empty value starts an indented list of the same ``name type …``
lines. Parameters are bound as RDF terms (SPARQL substitution of the variable of the same
name), never pasted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
ENTITY_TYPES = {"iri": None, "uri": None, "entity": None, "resource": None, "node": None,
                "project": {"project", "zone", "place"}, "zone": {"zone"}, "place": {"place", "zone"},
                "agency": {"agency", "group"}, "document": {"document"}, "task": {"task"},
                "target": {"target", "goal"}, "goal": {"goal", "target"}, "indicator": {"indicator", "target"}}
LITERAL_TYPES = {"string", "text", "literal", "integer", "int", "year", "decimal", "number", "date", "boolean"}
VIEWS = {"table", "graph", "timeline"}


class ParameterError(ValueError):
    """A parameter value that cannot be bound; the message says why (shown to the user)."""

    def __init__(self, message: str, candidates: list | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


@dataclass
class Parameter:
    name: str
    type: str = "string"
    default: str | None = None
    description: str = ""

    @property
    def is_entity(self) -> bool:
        return self.type in ENTITY_TYPES


@dataclass
class Question:
    name: str
    path: Path
    query: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    params: list[Parameter] = field(default_factory=list)
    view: str = "table"

    def title(self, lang: str = "vi") -> str:
        return self.titles.get(lang) or self.titles.get("") or next(iter(self.titles.values()), self.name)

    def description(self, lang: str = "vi") -> str:
        return (self.descriptions.get(lang) or self.descriptions.get("")
                or next(iter(self.descriptions.values()), ""))


_KEY = re.compile(r"^#\s*@?([A-Za-z][\w-]*?)(?:[@_]([a-z]{2}))?\s*:\s*(.*)$")
_LIST_ITEM = re.compile(r"^#\s+(?:[-*]\s*)?(\S.*)$")


def parse_param(text: str) -> Parameter:
    """'?project iri default=<…> The project' and variants ('project (iri, default: …)')."""
    text = text.strip().strip("-* ")
    m = re.match(r"[?$]?([A-Za-z_]\w*)\s*[:(,]?\s*(.*)$", text)
    if not m:
        raise ValueError(f"cannot read the parameter line {text!r}")
    name, rest = m.group(1), m.group(2)
    default = None
    dm = re.search(r"\bdefault\s*[:=]\s*(\"[^\"]*\"|<[^>]*>|[^\s,;)]+)", rest, re.IGNORECASE)
    if dm:
        default = dm.group(1).strip('"')
        rest = rest[: dm.start()] + rest[dm.end():]
    ptype = "string"
    for raw in re.sub(r"[(),;]", " ", rest).split()[:3]:
        word = raw.lower().removeprefix("xsd:")
        if word in ENTITY_TYPES or word in LITERAL_TYPES:
            ptype = word
            rest = re.sub(rf"(?i)\b(xsd:)?{word}\b", "", rest, count=1)
            break
    description = re.sub(r"^[\s,;:()\-–]+|[\s,;()]+$", "", rest)
    return Parameter(name, ptype, default, description)


def parse_question(path: Path) -> Question:
    text = path.read_text(encoding="utf-8")
    q = Question(name=path.stem, path=path, query=text)
    in_params = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _KEY.match(stripped)
        key = m.group(1).lower() if m else ""
        if m and key in ("title", "name", "description", "desc", "param", "parameter", "params",
                         "parameters", "view", "viewhint", "view-hint", "view_hint", "question"):
            lang = m.group(2) or ""
            value = m.group(3).strip()
            in_params = key in ("params", "parameters") and not value
            if key in ("title", "name", "question"):
                q.titles.setdefault(lang, value)
            elif key in ("description", "desc"):
                q.descriptions[lang] = (q.descriptions.get(lang, "") + " " + value).strip()
            elif key in ("param", "parameter") or (key in ("params", "parameters") and value):
                for part in value.split(";") if key.startswith("params") else [value]:
                    if part.strip():
                        q.params.append(parse_param(part))
            elif key.startswith("view"):
                hint = value.split()[0].lower() if value else "table"
                q.view = hint if hint in VIEWS else "table"
            continue
        if in_params:
            item = _LIST_ITEM.match(stripped)
            if item:
                q.params.append(parse_param(item.group(1)))
    if not q.titles:
        q.titles[""] = path.stem.replace("_", " ").replace("-", " ")
    return q


def load_questions(folder: Path) -> dict[str, Question]:
    questions = {}
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        try:
            questions[path.stem] = parse_question(path)
        except (ValueError, UnicodeDecodeError):
            continue  # a broken header hides one question, not the page
    return questions


def literal(param: Parameter, value: str) -> ox.Literal:
    t = param.type
    try:
        if t in ("integer", "int", "year"):
            return ox.Literal(str(int(value.strip())), datatype=ox.NamedNode(XSD + "integer"))
        if t in ("decimal", "number"):
            return ox.Literal(str(Decimal(value.strip().replace(",", "."))), datatype=ox.NamedNode(XSD + "decimal"))
        if t == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                raise ValueError
            return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + "date"))
        if t == "boolean":
            v = value.strip().lower()
            if v not in ("true", "false", "1", "0"):
                raise ValueError
            return ox.Literal("true" if v in ("true", "1") else "false", datatype=ox.NamedNode(XSD + "boolean"))
    except (ValueError, InvalidOperation) as exc:
        raise ParameterError(f"'{param.name}' phải là {t} / must be a {t}: {value!r}") from exc
    return ox.Literal(value)
