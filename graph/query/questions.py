"""The library of named questions (``queries/*.rq``): load, describe, bind parameters safely, run.

A question is a SPARQL file whose header comment says what it asks and which parameters it takes::

    # title: Nhiệm vụ giao cho một cơ quan (chủ trì hoặc phối hợp)
    # title_en: Tasks assigned to an agency, as lead or cooperating
    # description: …
    # param: agency agency default=Sở Công Thương — the agency (e.g. "so cong thuong")
    # view: table

A parameter named ``agency`` binds the query variable ``?agency``. Values are turned into RDF terms
here (a name is resolved to the node it names, an integer to an ``xsd:integer`` literal …) and handed to
the store as bindings, never pasted into the query text. Anything that cannot be turned into a term
raises :class:`ParameterError` before the store is touched.

Names are matched the way people type them: diacritic-insensitive (``graph.text.fold``), against
every ``rdfs:label`` / ``skos:prefLabel`` / ``skos:altLabel`` of the nodes in the store; a project name may
carry a type word ("vung ang port", "cảng Vũng Áng", "KKT …") taken from the ontology's class labels;
a document is found by its number, title or label, optionally followed by a year ("08-NQ/TU 2018").
An ambiguous name raises :class:`AmbiguousName` with the candidates; nothing is guessed.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.config import Settings
from graph.keys import key_fields
from graph.query.lookup import labels_for
from graph.store import SelectResult, Store, Term, bind_values
from graph.text import fold
from graph.vocab import POL, XSD

PARAM_TYPES = ("iri", "agency", "project", "document", "string", "integer", "date")
VIEWS = ("table", "graph", "timeline")
NAME_TYPES = ("agency", "project", "document")
MAX_STRING = 200

_HEADER = re.compile(r"^#\s*(title|title_en|description|param|view)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)\s+"
                    r"default=(?P<default>.*?)(?:\s+—\s+(?P<help>.+))?$")
_QUESTION_NAME = re.compile(r"^[a-z0-9_]+$")
_TOKEN = re.compile(r"[a-z0-9]+")
_YEAR = re.compile(r"^(19|20)\d\d$")
_FORBIDDEN_IN_STRING = re.compile(r'[<>{}"\\`\x00-\x1f\x7f]')

PREFIXES = f"""PREFIX pol: <{POL}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <{XSD}>
"""


class QuestionError(ValueError):
    """A question or its parameters cannot be used; nothing was run."""


class UnknownQuestion(QuestionError):
    pass


class ParameterError(QuestionError):
    pass


class AmbiguousName(ParameterError):
    """A name matches several nodes: ``candidates`` lists (iri, label) pairs to choose from."""

    def __init__(self, kind: str, text: str, candidates: list[tuple[str, str]]) -> None:
        self.kind = kind
        self.text = text
        self.candidates = candidates
        listing = "; ".join(f"{label} <{iri}>" for iri, label in candidates[:12])
        more = f" (and {len(candidates) - 12} more)" if len(candidates) > 12 else ""
        super().__init__(f"{kind} name {text!r} is ambiguous: it could be {listing}{more}. "
                         f"Type more of the name, or give the IRI.")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str
    help: str

    @property
    def optional(self) -> bool:
        """A parameter whose default is empty may be left out: the question then covers every value."""
        return self.default == ""


@dataclass(frozen=True)
class Paging:
    """How a question is answered one page at a time (``queries/pages/<name>.core.rq`` and ``.rows.rq``).

    ``core`` selects the keys of the answer's rows, one solution per row, in the question's order (its ``ORDER BY``,
    the last clause, is a total order): it is counted for the total and cut with LIMIT/OFFSET for the page. ``rows``
    gives the answer's columns for the page's keys only; each core solution is joined with the ``rows`` solutions
    that agree with it on the variables both project (none found: the core solution alone, as an OPTIONAL would),
    the columns in the whole question's order; several rows for one key come in the order of their columns' text
    (the whole question's ORDER BY must end with those columns). ``rows`` selects every key variable it uses. The
    page's distinct keys are written into the rows query as constants, its WHERE group once per key (a UNION):
    Oxigraph drives its lookups from a constant, not from a term bound through VALUES (a task's evidence: 1 ms
    against 1.5 s). A core of a few terms per row ordered by them (``SELECT DISTINCT ?a ?x WHERE {…} ORDER BY ?a
    STR(?x)``, each selected variable once in the ORDER BY: ``STR(?x)`` an IRI, by its text; ``?a`` a literal, in
    ORDER BY's order: numbers by value, the rest by text; ``DESC(?a)`` the same, descending) is fetched as one
    string and sorted here, ties broken by the keys' text: ORDER BY over 13,000 IRIs (and the joins it forces) took
    Oxigraph 1.5 s. The rows query must not bind a key variable (BIND … AS ?key): the key's terms are written in for
    its variables. In all three files (the question too) a parameter may be written ``$name``: a bound value is
    written into the text as a constant (escaped N-Triples; a constant joins far faster than a term bound through
    VALUES), an unbound optional parameter stays a variable. A sorted core whose WHERE binds ``?keys`` (and does
    not select it) reads its keys as the build stored them: one literal per row, the selected variables' fields in
    the form of :mod:`graph.keys` (no term is built per row; project_footprint reads its footprint rows so).
    Sections (``then``): the rows of ``<name>.core.2.rq`` follow those of the core, and so on; each counted, or
    its total read from ``<name>.count.2.rq``, and its keys fetched only when the page reaches it. A sorted core
    may also select ``?rows`` (an integer, not in its ORDER BY): the number of the answer's rows its key stands for
    (the rows query gives exactly that many for it); the total is their sum, and a page may begin or end inside a
    key's rows (projects_in_zone: one key a project, its types and attachments in the rows)."""

    core: str
    rows: str
    # further cores whose rows follow the core's, in order (``<name>.core.2.rq``, ``.core.3.rq`` …), each with the
    # query of its total when that is cheaper read than counted (``<name>.count.2.rq``: ``SELECT ?total``), or
    # None: an answer whose first rows come from one aggregate and the rest from a long list (project_footprint:
    # the documents, agencies and targets by count, then every task) counts the list without sorting it, and
    # reads it only when a page reaches it. The rows query is the same for every section.
    then: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Question:
    name: str
    title: str
    title_en: str
    description: str
    params: tuple[Param, ...]
    view: str
    sparql: str
    path: Path | None = None
    paging: Paging | None = None

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"question {self.name!r} has no parameter {name!r} (it takes: {known})")


@dataclass
class Answer:
    """One page of a question's answer: ``result.rows`` are rows ``offset`` … of ``total``."""

    question: Question
    result: SelectResult
    bindings: dict[str, Term]
    shown: dict[str, str]  # parameter -> what it resolved to, for people
    seconds: float
    labels: dict[str, str] = field(default_factory=dict)
    total: int = 0
    offset: int = 0
    limit: int | None = None


# --------------------------------------------------------------------------- library


def parse_question(text: str, name: str, path: Path | None = None) -> Question:
    """Read a question's header; raises QuestionError if it is incomplete or malformed."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QuestionError(f"{name}: malformed parameter line {line!r} "
                                    f"(expected '# param: <name> <type> default=<value> — <help>')")
            if pm["type"] not in PARAM_TYPES:
                raise QuestionError(f"{name}: parameter {pm['name']!r} has unknown type {pm['type']!r}")
            if not re.search(rf"[?$]{pm['name']}\b", text):
                raise QuestionError(f"{name}: parameter {pm['name']!r} binds no ?{pm['name']} in the query")
            default = pm["default"].strip()
            if pm["type"] == "iri" and default.startswith("<") and default.endswith(">"):
                default = default[1:-1]
            params.append(Param(pm["name"], pm["type"], default, (pm["help"] or "").strip()))
        else:
            fields[key] = value
    for key in ("title", "title_en", "description", "view"):
        if not fields.get(key):
            raise QuestionError(f"{name}: the header has no '# {key}:' line")
    if fields["view"] not in VIEWS:
        raise QuestionError(f"{name}: view must be one of {', '.join(VIEWS)}, not {fields['view']!r}")
    try:
        ox.Store().query(text)  # syntax check on an empty store
    except SyntaxError as exc:
        raise QuestionError(f"{name}: malformed SPARQL: {exc}") from exc
    paging = _load_paging(name, path, params) if path is not None else None
    return Question(name, fields["title"], fields["title_en"], fields["description"], tuple(params),
                    fields["view"], text, path, paging)


_PAGE_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b[^{}]*$", re.I)
_SELECT_LINE = re.compile(r"^SELECT\b", re.I | re.M)
_WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.I)


def _load_paging(name: str, path: Path, params: list[Param]) -> Paging | None:
    """The paged form of question ``name`` beside ``path`` (``pages/<name>.core.rq`` and ``.rows.rq``), if any."""
    pages = path.parent / "pages"
    core_path, rows_path = (pages / f"{name}.{part}.rq" for part in ("core", "rows"))
    if not core_path.is_file() and not rows_path.is_file():
        return None
    if not (core_path.is_file() and rows_path.is_file()):
        raise QuestionError(f"{name}: a paged form needs both {core_path.name} and {rows_path.name}")
    core, rows = core_path.read_text(encoding="utf-8"), rows_path.read_text(encoding="utf-8")
    then: list[tuple[str, str | None]] = []
    while (pages / f"{name}.core.{len(then) + 2}.rq").is_file():
        count_path = pages / f"{name}.count.{len(then) + 2}.rq"
        then.append(((pages / f"{name}.core.{len(then) + 2}.rq").read_text(encoding="utf-8"),
                     count_path.read_text(encoding="utf-8") if count_path.is_file() else None))
    known = {p.name for p in params}
    texts = [("core", core), ("rows", rows)]
    for i, (section, count) in enumerate(then, start=2):
        texts += [(f"core.{i}", section)] + ([(f"count.{i}", count)] if count is not None else [])
    for label, text in texts:
        unknown = set(_PAGE_PARAM.findall(text)) - known
        if unknown:
            raise QuestionError(f"{name}.{label}: ${', $'.join(sorted(unknown))} is not a parameter of the question")
        if not _SELECT_LINE.search(text) or not _WHERE_OPEN.search(text):
            raise QuestionError(f"{name}.{label}: expected a SELECT query on a line of its own")
        try:
            ox.Store().query(text)
        except SyntaxError as exc:
            raise QuestionError(f"{name}.{label}: malformed SPARQL: {exc}") from exc
    for label, text in [("core", core)] + [(f"core.{i}", c) for i, (c, _) in enumerate(then, start=2)]:
        if not _ORDER_BY.search(text):
            raise QuestionError(f"{name}.{label}: the core must end with its ORDER BY (the order of every page)")
    for i, (_, count) in enumerate(then, start=2):
        if count is not None and [v.value for v in ox.Store().query(count).variables] != ["total"]:
            raise QuestionError(f"{name}.count.{i}: the count query selects ?total alone")
    return Paging(core, rows, tuple(then))


def load_library(directory: Path | None = None) -> dict[str, Question]:
    """Every ``*.rq`` in ``directory`` (default: the checkout's queries/), by name (the file stem)."""
    directory = directory or Settings().queries_dir
    library = {}
    for path in sorted(directory.glob("*.rq")):
        library[path.stem] = parse_question(path.read_text(encoding="utf-8"), path.stem, path)
    return library


def get_question(name: str, library: Mapping[str, Question] | None = None) -> Question:
    library = load_library() if library is None else library
    if not _QUESTION_NAME.match(name) or name not in library:
        close = [n for n in library if fold(name).replace("-", "_") in n]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run `policykg ask` for the list."
        raise UnknownQuestion(f"no question named {name!r}.{hint}")
    return library[name]


# --------------------------------------------------------------------------- names


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


@dataclass
class _Entry:
    iri: str
    label: str
    keys: set[tuple[str, ...]] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)


class Resolver:
    """Finds the node a typed name means, among the agencies, projects or documents in a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: dict[str, dict[str, _Entry]] = {}
        self._class_words: dict[str, set[tuple[str, ...]]] | None = None

    # -- indexes, built once per kind
    def _entries(self, kind: str) -> dict[str, _Entry]:
        if kind not in self._index:
            self._index[kind] = self._load(kind)
        return self._index[kind]

    def _load(self, kind: str) -> dict[str, _Entry]:
        classes = {"agency": "pol:Agency pol:AgencyGroup",
                   "project": "pol:InfrastructureProject pol:Zone pol:Place",
                   "document": "pol:Document"}[kind]
        rows = self.store.select(PREFIXES + f"""
            SELECT DISTINCT ?n ?l ?c WHERE {{
              VALUES ?top {{ {classes} }}
              ?n a ?top .
              OPTIONAL {{ ?n a ?c . FILTER(STRSTARTS(STR(?c), STR(pol:))) }}
              OPTIONAL {{ ?n rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel|pol:documentNumber
                           |dcterms:title|pol:citedSubject ?l }}
            }}""").rows
        entries: dict[str, _Entry] = {}
        for row in rows:
            node = row["n"]
            if not isinstance(node, ox.NamedNode):
                continue
            entry = entries.setdefault(node.value, _Entry(node.value, ""))
            if "c" in row:
                entry.classes.add(row["c"].value)
            if "l" in row:
                entry.keys.add(tokens(row["l"].value))
        if kind == "document":
            for row in self.store.select(PREFIXES + """
                SELECT DISTINCT ?n ?d WHERE { ?n a pol:Document .
                  { ?n dcterms:issued ?d } UNION { ?n pol:citedDate ?d } UNION { ?n pol:issuedYear ?d } }""").rows:
                if row["n"].value in entries:
                    entries[row["n"].value].years.add(row["d"].value[:4])
            for entry in entries.values():  # "08-NQ/TU 2018"
                for key in list(entry.keys):
                    for year in entry.years:
                        entry.keys.add(key + (year,))
        for entry, label in zip(entries.values(), self._labels(list(entries)), strict=True):
            entry.label = label
        return entries

    def _labels(self, iris: list[str]) -> list[str]:
        found = labels_for(self.store, iris)
        return [found.get(i, i.rsplit("/", 1)[-1]) for i in iris]

    def class_words(self) -> dict[str, set[tuple[str, ...]]]:
        """Class IRI -> the words that name it (vi and en labels, altLabels): 'cảng', 'port', 'KKT' …"""
        if self._class_words is None:
            words: dict[str, set[tuple[str, ...]]] = defaultdict(set)
            for row in self.store.select(PREFIXES + """
                SELECT DISTINCT ?c ?l WHERE {
                  VALUES ?top { pol:InfrastructureProject pol:Zone pol:Place }
                  ?c rdfs:subClassOf* ?top ; rdfs:label|skos:altLabel|skos:prefLabel ?l }""").rows:
                for part in row["l"].value.split(","):
                    key = tokens(part)
                    if key:
                        words[row["c"].value].add(key)
            self._class_words = dict(words)
        return self._class_words

    def _strip_class_words(self, key: tuple[str, ...], classes: Iterable[str]) -> tuple[tuple[str, ...], set[str]]:
        """Remove the type words of ``classes`` from ``key``; return what is left and which classes matched."""
        table = self.class_words()
        phrases = sorted(((w, c) for c in classes for w in table.get(c, ())), key=lambda x: -len(x[0]))
        left = list(key)
        matched: set[str] = set()
        for phrase, cls in phrases:
            n = len(phrase)
            for i in range(len(left) - n + 1):
                if tuple(left[i:i + n]) == phrase:
                    del left[i:i + n]
                    matched.add(cls)
                    break
        return tuple(left), matched

    # -- matching
    def candidates(self, kind: str, text: str) -> list[tuple[str, str]]:
        """The best-matching nodes for ``text`` (one when the name is unambiguous)."""
        return self._match(kind, text)[1]

    def _match(self, kind: str, text: str) -> tuple[int, list[tuple[str, str]]]:
        """(tier, candidates): tier 1 = a label as typed, 2 = type word + name, 3 = all words in a label."""
        entries = self._entries(kind)
        query = tokens(text)
        if not query:
            return 4, []
        # 1. the whole name, as typed, is a label (or number, or number + year)
        exact = [e for e in entries.values() if query in e.keys]
        if exact:
            return 1, _listing(exact)
        # 2. a type word plus a name: 'vung ang port' = Port + 'vung ang'; 'Cảng Vũng Áng' likewise
        if kind == "project":
            all_classes = set(self.class_words())
            rest, typed = self._strip_class_words(query, all_classes)
            if typed and rest:
                hits = []
                for e in entries.values():
                    if not (e.classes & typed):
                        continue
                    if any(self._strip_class_words(k, e.classes)[0] == rest for k in e.keys):
                        hits.append(e)
                if hits:
                    return 2, _listing(hits)
        # 3. every typed word occurs in a label
        year = [t for t in query if _YEAR.match(t)] if kind == "document" else []
        words = set(query) - set(year)
        partial = [e for e in entries.values()
                   if any(words <= set(k) for k in e.keys) and all(y in e.years for y in year)]
        partial.sort(key=lambda e: (min(len(k) for k in e.keys if words <= set(k)), e.label))
        return 3, _listing(partial)

    def resolve(self, kind: str, text: str) -> ox.NamedNode:
        text = text.strip()
        if not text:
            raise ParameterError(f"empty {kind} name")
        if len(text) > MAX_STRING:
            raise ParameterError(f"{kind} name too long ({len(text)} characters)")
        if re.match(r"^https?://", text):
            node = _iri(text)
            if node.value not in self._entries(kind):
                raise ParameterError(f"{text} is not a known {kind} in the graph")
            return node
        found = self.candidates(kind, text)
        if not found:
            raise ParameterError(f"no {kind} matches {text!r} (names are matched without diacritics, "
                                 f"against labels and aliases; try fewer words)")
        if len(found) > 1:
            raise AmbiguousName(kind, text, found)
        return ox.NamedNode(found[0][0])

    def resolve_any(self, text: str) -> ox.NamedNode:
        """A node of any kind (agency, project or document), or any IRI that occurs in the store."""
        text = text.strip()
        if re.match(r"^https?://", text):
            node = _iri(text)
            if not self.store.ask("ASK WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } }", {"x": node}):
                raise ParameterError(f"{text} does not occur in the graph")
            return node
        by_tier: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for kind in NAME_TYPES:
            tier, hits = self._match(kind, text)
            by_tier[tier] += [(iri, f"{label} [{kind}]") for iri, label in hits]
        found = next((by_tier[t] for t in sorted(by_tier) if by_tier[t]), [])
        if not found:
            raise ParameterError(f"nothing in the graph is named {text!r}")
        if len({iri for iri, _ in found}) > 1:
            raise AmbiguousName("entity", text, found)
        return ox.NamedNode(found[0][0])


def _listing(entries: list[_Entry]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for e in entries:
        years = f" ({', '.join(sorted(e.years))})" if e.years else ""
        seen.setdefault(e.iri, e.label + years)
    return list(seen.items())


def _iri(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise ParameterError(f"not a valid IRI: {text!r} ({exc})") from exc


# --------------------------------------------------------------------------- parameters


def coerce(param: Param, value: str, resolver: Resolver) -> Term:
    """Turn the typed ``value`` into the RDF term the query will see."""
    value = value.strip()
    kind = param.type
    if kind in NAME_TYPES:
        return resolver.resolve(kind, value)
    if kind == "iri":
        if not re.match(r"^https?://", value):  # a name typed by a person: any agency, project or document
            return resolver.resolve_any(value)
        node = _iri(value)
        if not resolver.store.ask("ASK WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } }", {"x": node}):
            raise ParameterError(f"{param.name}: {value} does not occur in the graph")
        return node
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,9}", value):
            raise ParameterError(f"{param.name} must be a whole number, not {value!r}")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "date":
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)  # Vietnamese order: 18/5/2018
        try:
            day = date(int(m[3]), int(m[2]), int(m[1])) if m else date.fromisoformat(value)
        except ValueError as exc:
            raise ParameterError(f"{param.name} must be a date (2022-10-07 or 07/10/2022), not {value!r}") from exc
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if kind == "string":
        if len(value) > MAX_STRING:
            raise ParameterError(f"{param.name} is too long ({len(value)} > {MAX_STRING} characters)")
        if _FORBIDDEN_IN_STRING.search(value):
            raise ParameterError(f"{param.name} contains characters a search term cannot hold "
                                 f"(< > {{ }} \" \\ ` or control characters): {value!r}")
        if not value:
            raise ParameterError(f"{param.name} is empty")
        return ox.Literal(value)
    raise ParameterError(f"{param.name}: unknown parameter type {kind!r}")


def bind(question: Question, values: Mapping[str, str], resolver: Resolver) -> tuple[dict[str, Term], dict[str, str]]:
    """Validate ``values`` against the question's parameters (defaults fill the gaps) and coerce them."""
    for name in values:
        question.param(name)  # unknown names raise
    bindings: dict[str, Term] = {}
    shown: dict[str, str] = {}
    for param in question.params:
        raw = values.get(param.name, param.default)
        if raw.strip() == "" and param.optional:
            shown[param.name] = "(any)"
            continue
        term = coerce(param, raw, resolver)
        bindings[param.name] = term
        if isinstance(term, ox.NamedNode):
            label = labels_for(resolver.store, [term.value]).get(term.value, term.value)
            shown[param.name] = f"{label} <{term.value}>"
        else:
            shown[param.name] = term.value
    return bindings, shown


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """['agency=so cong thuong', 'year=2025'] -> dict; a pair without '=' raises ParameterError."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"parameters are given as key=value, not {pair!r}")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


# --------------------------------------------------------------------------- running


MAX_LIMIT = 10_000


def check_page(limit: int | None, offset: int | None) -> tuple[int | None, int]:
    """Validate a page request (``limit`` None: every row); raises ParameterError."""
    offset = offset or 0
    if limit is not None and not 0 < limit <= MAX_LIMIT:
        raise ParameterError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ParameterError(f"offset must be 0 or more, not {offset}")
    return limit, offset


def page_answer(question: Question, result: SelectResult, bindings: dict[str, Term], shown: dict[str, str],
                seconds: float, store: Store, limit: int | None = None, offset: int = 0) -> Answer:
    """The page ``offset``, ``offset + limit`` of a full result, with its total and the labels of its nodes."""
    total = len(result.rows)
    rows = result.rows[offset:offset + limit] if limit is not None else result.rows[offset:]
    iris = [t.value for row in rows for t in row.values() if isinstance(t, ox.NamedNode)]
    return Answer(question, SelectResult(result.variables, rows), bindings, shown, seconds, labels_for(store, iris),
                  total, offset, limit)


Select = Callable[[str], SelectResult]


def with_constants(sparql: str, bindings: Mapping[str, Term]) -> str:
    """``$name`` written as the bound term (pyoxigraph's escaped N-Triples form: a value cannot change the
    query's structure); a parameter left unbound stays a variable."""
    for term in bindings.values():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise TypeError(f"a parameter must be an IRI or a literal, not {type(term).__name__}")
    return _substitute(sparql, bindings, "$")


_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|([?$])(\w+)')


def _substitute(sparql: str, terms: Mapping[str, Term], marks: str) -> str:
    """Variables written with one of ``marks`` (outside strings, IRIs and comments) replaced by their terms."""
    def one(m: re.Match) -> str:
        return str(terms[m[2]]) if m[1] and m[1] in marks and m[2] in terms else m[0]
    return _TOKENS.sub(one, sparql)


def with_keys(rows: str, variables: list[str], keys: list[dict[str, Term]]) -> str:
    """``rows`` answered for the page's keys only: its WHERE group once per key, the key written in as constants
    (a UNION of the groups; a constant drives Oxigraph's lookups, a term bound through VALUES does not)."""
    open_at = _WHERE_OPEN.search(rows, _SELECT_LINE.search(rows).start()).end()  # type: ignore[union-attr]
    close_at = _group_end(rows, open_at)
    body = rows[open_at:close_at]
    branches = []
    for key in keys:
        bound = {v: key[v] for v in variables if v in key}
        text = _substitute(body, bound, "?$")
        binds = " ".join(f"BIND({term} AS ?{v})" for v, term in bound.items())
        branches.append(f"{{ {text}\n {binds} }}")
    return rows[:open_at] + "\n" + "\nUNION\n".join(branches) + "\n" + rows[close_at:]


_LEXICAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[{}]')


def _group_end(text: str, start: int) -> int:
    """The position of the ``}`` closing the group opened just before ``start`` (strings, IRIs, comments skipped)."""
    depth = 1
    for m in _LEXICAL.finditer(text, start):
        if m[0] == "{":
            depth += 1
        elif m[0] == "}":
            depth -= 1
            if depth == 0:
                return m.start()
    raise QuestionError("unbalanced braces in a question's rows query")


def select_page(question: Question, bindings: Mapping[str, Term], limit: int, offset: int,
                select: Select) -> tuple[SelectResult, int]:
    """(the rows ``offset`` … ``offset + limit`` of the answer, the total), from the question's paged form."""
    paging = question.paging
    assert paging is not None
    keys, total = SelectResult([], []), 0
    spans: list[tuple[int, int, int | None]] = []  # per section: (its first key, rows skipped, rows taken)
    for core, count in ((paging.core, None), *paging.then):  # the sections, one after the other
        core = with_constants(core, bindings)
        start, want = max(offset - total, 0), offset + limit - max(offset, total)  # this section's part of the page
        skip: int | None = 0
        if count is not None:
            found = select(with_constants(count, bindings)).rows
            n = int(found[0]["total"].value) if found and "total" in found[0] else 0
            part, _, skip = _core_page(core, want, start, select) if want > 0 and start < n else \
                (SelectResult([], []), 0, 0)
        else:
            part, n, skip = _core_page(core, max(want, 0), start, select)
        # (a grouped core's keys stand for several rows each: the page starts ``skip`` rows into the first)
        spans.append((len(keys.rows), skip or 0, max(want, 0) if skip is not None else None))
        keys = SelectResult(keys.variables + [v for v in part.variables if v not in keys.variables],
                            keys.rows + part.rows)
        total += n
    variables = [v.value for v in ox.Store().query(question.sparql).variables]
    if not keys.rows:
        return SelectResult(variables, []), total
    rows_query = with_constants(paging.rows, bindings)
    # the key variables the rows query uses, which it must select (the rows are joined with the keys on them)
    projected = [v.value for v in ox.Store().query(rows_query).variables]
    shared = [v for v in keys.variables if re.search(rf"[?$]{v}\b", rows_query)]
    if any(v not in projected for v in shared):
        raise QuestionError(f"{question.name}.rows: select the key variables it uses ({', '.join(shared)})")
    # each distinct key once (many keys of a page may share the terms the rows depend on)
    distinct = list({tuple(key.get(v) for v in shared): {v: key[v] for v in shared if v in key}
                     for key in keys.rows}.values())
    # a few keys a query: Oxigraph's cost grows faster than the union (100 tasks: 180 ms at once, 68 ms by 10)
    parts = [select(with_keys(rows_query, shared, distinct[i:i + KEYS_PER_QUERY]))
             for i in range(0, len(distinct), KEYS_PER_QUERY)]
    found: dict[tuple, list[dict[str, Term]]] = defaultdict(list)
    for row in (row for part in parts for row in part.rows):
        found[tuple(row.get(v) for v in shared)].append(row)
    out = []
    for n, (first, skip, take) in enumerate(spans):
        last = spans[n + 1][0] if n + 1 < len(spans) else len(keys.rows)
        section = []
        for key in keys.rows[first:last]:
            # the rows of one key in the order of their columns' text (the whole question's ORDER BY ends so)
            extras = sorted(found.get(tuple(key.get(v) for v in shared)) or [{}],
                            key=lambda row: tuple((0, "") if row.get(v) is None else (1, row[v].value)
                                                  for v in variables))
            for extra in extras:
                merged = {**extra, **key}
                section.append({v: merged[v] for v in variables if v in merged})
        out += section[skip:skip + take] if take is not None else section
    return SelectResult(variables, out), total


def _core_page(core: str, limit: int, offset: int, select: Select) -> tuple[SelectResult, int, int | None]:
    """(the keys of rows ``offset`` … ``offset + limit`` of a core with its constants written in, its total, and
    for a grouped core the rows of its first key before the page — None for a core of one row a key); ``limit``
    0: the total alone."""
    sorted_here = _SORTED_KEY.search(core)
    if sorted_here:  # a few terms per row, ordered by them: every key in one string, sorted here (see Paging)
        return _sorted_keys(core, sorted_here, limit, offset, select)
    total = int(select(_wrap(core, "(COUNT(*) AS ?total)")).rows[0]["total"].value)
    if limit <= 0 or offset >= total:
        return SelectResult([], []), total, None
    return select(f"{core}\nLIMIT {limit} OFFSET {offset}"), total, None


KEYS_PER_QUERY = 10
# a core of a few terms per row ordered by them: ``SELECT DISTINCT ?a ?b WHERE { … } ORDER BY ?a STR(?b)``
_SORTED_KEY = re.compile(r"^SELECT\s+DISTINCT\s+(?P<vars>(?:\?\w+\s+)+)WHERE\b[\s\S]*"
                         r"\bORDER\s+BY\s+(?P<keys>(?:(?:\?\w+|(?:STR|DESC)\(\s*\?\w+\s*\))\s*)+)$", re.I | re.M)
_ORDER_KEY = re.compile(r"(?:(STR)|(DESC))?\(?\s*\?(\w+)", re.I)
# the separators of the joined keys: a term, its parts and a row (control characters no key's text holds)
_ROW, _FIELD, _PART = "\x1e", "\x1f", "\x1d"
_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}
_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _sorted_keys(core: str, match: re.Match, limit: int, offset: int,
                 select: Select) -> tuple[SelectResult, int, int | None]:
    """(the page's keys, the total) of a sorted-here core: its solutions fetched as one GROUP_CONCAT string (an
    ORDER BY forces Oxigraph's whole join: 13,000 IRIs 0.7–1.9 s; the string and Python's sort: 35 ms), an
    IRI (``STR(?v)`` in the ORDER BY) as its text, a literal (``?v``) with its language or datatype so that it
    comes back as the same term; sorted here as SPARQL's ORDER BY does (unbound first; IRIs by text; literals:
    numbers by value, the rest by text), ties broken by every key's text (a total order)."""
    variables = match["vars"].split()
    names = [v[1:] for v in variables]
    # (as text: an IRI by STR(?v); descending: a literal by DESC(?v); the variable)
    order = [(bool(m[1]), bool(m[2]), m[3]) for m in _ORDER_KEY.finditer(match["keys"])]
    grouped = "rows" in names  # ?rows: how many rows of the answer the key stands for (not an order key)
    if sorted(v for _, _, v in order) != sorted(n for n in names if n != "rows"):
        raise QuestionError("a sorted core orders by each variable it selects (but ?rows), once")
    kinds = {v: as_text for as_text, _, v in order} | ({"rows": False} if grouped else {})
    part = f'"{_PART}"'

    def typed(v: str) -> str:
        return f'CONCAT("^", STR(DATATYPE(?{v})), {part}, STR(?{v}))'
    # STR(?v): an IRI, by its text; ?v: a literal, in ORDER BY's order (its kind written, to come back the same)
    fields = [f'COALESCE(STR(?{v}), "")' if kinds[v] else
              f'COALESCE(IF(isNumeric(?{v}), {typed(v)}, IF(LANG(?{v}) = "", {typed(v)}, '
              f'CONCAT("@", LANG(?{v}), {part}, STR(?{v})))), "")' for v in names]
    # (a number first: Virtuoso 7.2.5 fails on LANG of a count)
    joined = f'CONCAT({f", {chr(34)}{_FIELD}{chr(34)}, ".join(fields)})' if len(fields) > 1 else fields[0]
    # (DISTINCT left to the set below: it costs Oxigraph more than the join)
    plain = re.sub(r"^SELECT\s+DISTINCT\b", "SELECT", core, count=1, flags=re.I | re.M)
    stored = "keys" not in names and re.search(r"\?keys\b", plain[_WHERE_OPEN.search(plain).start():])  # type: ignore[union-attr]
    if stored:  # the keys as the build stored them (graph.keys): read as they are, no term built per row
        joined = "STR(?keys)"
        plain = re.sub(r"^SELECT\s+(?:\?\w+\s+)+WHERE\b", "SELECT ?keys WHERE", plain, count=1, flags=re.I | re.M)
    found = select(_wrap(plain, f'(GROUP_CONCAT({joined}; separator="{_ROW}") AS ?all)')).rows
    text = found[0]["all"].value if found and "all" in found[0] else ""
    if len(names) == 1 and kinds[names[0]] and not stored:  # one IRI a row: the texts sorted as they are
        every = sorted(set(text.split(_ROW)) - {""})
        return (SelectResult(names, [{names[0]: ox.NamedNode(i)} for i in every[offset:offset + limit]]),
                len(every), None)
    # a literal's kind and text: separated by _PART here, by a space in stored keys (graph.keys)
    part = " " if stored else _PART
    records = ([key_fields(r, len(names)) for r in set(text.split(_ROW)) - {""}] if stored else
               [r.split(_FIELD) for r in set(text.split(_ROW)) - {""}])
    if any(len(r) != len(names) for r in records):
        raise QuestionError("a key of the sorted core holds a separator")
    # sorted by the strings (terms made for the page's keys only): ties by the whole text, then each key from the
    # last to the first (a stable sort, descending where the ORDER BY says DESC); each key computed once
    at = [(as_text, names.index(v)) for as_text, descending, v in order]
    decorated = [(tuple((r[i] != "", r[i]) if as_text else _sparql_order(r[i], part) for as_text, i in at),
                  _FIELD.join(r), r) for r in records]
    if not any(descending for _, descending, _ in order):  # one pass
        decorated.sort(key=lambda d: (d[0], d[1]))
    else:
        decorated.sort(key=lambda d: d[1])
        for j in reversed(range(len(order))):
            decorated.sort(key=lambda d, j=j: d[0][j], reverse=order[j][1])
    records = [d[2] for d in decorated]
    skip = None
    if grouped:  # the keys whose rows meet rows offset … offset + limit
        at_rows, first, seen = names.index("rows"), 0, 0
        sizes = [int(r[at_rows].partition(part)[2] or 0) for r in records]
        while first < len(records) and seen + sizes[first] <= offset:
            seen += sizes[first]
            first += 1
        last, reach = first, seen
        while last < len(records) and reach < offset + limit:
            reach += sizes[last]
            last += 1
        chosen, skip, total = records[first:last], offset - seen, sum(sizes)
    else:
        chosen, total = records[offset:offset + limit], len(records)
    page = [{v: ox.NamedNode(f) if kinds[v] else _key_term(f, part) for v, f in zip(names, r, strict=True) if f}
            for r in chosen]
    return SelectResult(names, page), total, skip


def _key_term(text: str, part: str = _PART) -> Term | None:
    """A literal as the sorted core writes it (``kind`` ``part`` ``text``; empty: unbound)."""
    if not text:
        return None
    kind, _, value = text.partition(part)
    if kind.startswith("@") and kind != "@":  # ("@" alone: Virtuoso 7.2.5's LANG of a string BIND in the query)
        return ox.Literal(value, language=kind[1:])
    datatype = kind[1:]
    return ox.Literal(value) if datatype in ("", _STRING) else ox.Literal(value, datatype=ox.NamedNode(datatype))


@lru_cache(maxsize=1 << 16)
def _sparql_order(field: str, part: str = _PART) -> tuple:
    """ORDER BY's order of a literal as the sorted core writes it: unbound, numbers (by value), other literals
    (by text)."""
    if not field:
        return (0, 0.0, "", 0, "")
    kind, _, value = field.partition(part)
    if kind[1:] in _NUMERIC:
        try:
            return (2, float(value), "", 0, "")
        except ValueError:
            pass
    # the same text: another datatype, then a language (by its tag), then a plain string (as Oxigraph 0.5 orders)
    rank = 2 if kind in ("^", "^" + _STRING, "@") else 1 if kind.startswith("@") else 0
    return (3, 0.0, value, rank, kind)


def _wrap(core: str, projection: str) -> str:
    """``SELECT <projection>`` over the core's solutions (its ORDER BY left out)."""
    at = _SELECT_LINE.search(core).start()  # type: ignore[union-attr]
    return f"{core[:at]}SELECT {projection} WHERE {{ {{ {_ORDER_BY.sub('', core[at:])} }} }}"


def answer_page(store: Store, question: Question, bindings: dict[str, Term], shown: dict[str, str], *,
                limit: int | None = None, offset: int = 0, select: Select | None = None) -> Answer:
    """The page ``offset`` … ``offset + limit`` of a bound question, with its total (``limit`` None: every row).

    A question with a paged form (:class:`Paging`) counts and cuts its core in SPARQL and decorates the page's
    rows only; any other is run whole and sliced. ``select`` runs a query (default: ``store.select``; the web
    app passes its time-limited worker pool)."""
    limit, offset = check_page(limit, offset)
    select = select or store.select
    started = time.perf_counter()
    if question.paging is not None and limit is not None:
        result, total = select_page(question, bindings, limit, offset, select)
        seconds = time.perf_counter() - started
        iris = [t.value for row in result.rows for t in row.values() if isinstance(t, ox.NamedNode)]
        return Answer(question, result, bindings, shown, seconds, labels_for(store, iris), total, offset, limit)
    result = select(bind_values(with_constants(question.sparql, bindings), bindings))
    seconds = time.perf_counter() - started
    return page_answer(question, result, bindings, shown, seconds, store, limit, offset)


def run(store: Store, question: Question | str, values: Mapping[str, str] | None = None, *,
        resolver: Resolver | None = None, library: Mapping[str, Question] | None = None,
        limit: int | None = None, offset: int = 0, paged: bool = True) -> Answer:
    """Run a named question with parameters as typed by a person; raises QuestionError before running on bad input.

    ``limit`` / ``offset`` select a page of the rows (in the question's own order); the answer says the total.
    ``paged`` False runs the whole question and slices it even when it has a paged form (the reference the
    paged form is tested against)."""
    if isinstance(question, str):
        question = get_question(question, library)
    limit, offset = check_page(limit, offset)
    resolver = resolver or Resolver(store)
    bindings, shown = bind(question, values or {}, resolver)
    if not paged:
        question = replace(question, paging=None)
    return answer_page(store, question, bindings, shown, limit=limit, offset=offset)
