"""Checks on what a request brings, made before anything runs: SPARQL text, IRIs, JSON bodies.

Every refusal is a :class:`BadInput` carrying the HTTP status and a message that says why; the
views turn it into a 4xx answer. Nothing here touches the store.

SPARQL text is read by a small lexer that knows where strings, IRIs, comments, variables and
prefixed names begin and end, so a keyword is only a keyword outside them (``"SERVICE"``,
``<http://x/SERVICE>``, ``pol:SERVICE`` and ``# SERVICE`` are not one). The checks:

* length and nesting limits, before the query reaches a parser (a parser recursing through
  5,000 nested braces used to crash its process);
* ``SERVICE`` is refused: the endpoint never sends a request to another server;
* ``FROM`` / ``FROM NAMED`` may only name graphs this store holds (with ``default-graph-uri`` /
  ``named-graph-uri``, checked by :func:`graph_parameter`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

MAX_QUERY_CHARS = 100_000  # characters of query text
MAX_NESTING = 64  # depth of { ( [ together; real questions stay below 12
MAX_IRI_CHARS = 4_000
MAX_JSON_BYTES = 1_000_000  # bodies of JSON requests (network expansion)

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# what may not appear in an IRI (the SPARQL/Turtle IRIREF rule), spaces and controls included
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f-\x9f\ufffd]')
_IRIREF = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_VAR = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class BadInput(Exception):
    """Input refused before it is used: ``status`` (a 4xx) and a message for the client."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# -- IRIs and JSON -------------------------------------------------------------------------------

def iri(value: Any, what: str = "iri") -> str:
    """``value`` if it is an absolute IRI, else :class:`BadInput` naming the parameter ``what``."""
    if not isinstance(value, str) or not value:
        raise BadInput(f"'{what}' must be an absolute IRI (got {_show(value)})")
    if len(value) > MAX_IRI_CHARS:
        raise BadInput(f"'{what}' is longer than {MAX_IRI_CHARS} characters")
    bad = _NOT_IN_IRI.search(value)
    if bad or not _SCHEME.match(value):
        reason = f"the character {bad.group()!r} is not allowed in an IRI" if bad else "it has no scheme (http:…)"
        raise BadInput(f"'{what}' is not an absolute IRI: {reason} (got {_show(value)})")
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise BadInput(f"'{what}' is not a valid IRI: {exc}") from exc
    return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


@dataclass
class Shape:
    """What a JSON object body may hold: field name -> 'str', 'int' or 'list[str]'."""

    fields: dict[str, str] = field(default_factory=dict)
    max_items: int = 10_000


def json_object(raw: bytes, shape: Shape) -> dict:
    """A JSON request body checked against ``shape`` (size first, then syntax, then each field)."""
    import json

    if len(raw) > MAX_JSON_BYTES:
        raise BadInput(f"the JSON body is larger than {MAX_JSON_BYTES} bytes", 413)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadInput("the JSON body is not UTF-8") from exc
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise BadInput(f"the JSON body must be an object with the fields {', '.join(shape.fields)}")
    out: dict = {}
    for name, value in doc.items():
        kind = shape.fields.get(name)
        if kind is None:
            raise BadInput(f"unknown field {_show(name)} (expected {', '.join(shape.fields)})")
        if value is None:
            continue
        if kind == "str" and not isinstance(value, str):
            raise BadInput(f"'{name}' must be a string")
        if kind == "int" and (not isinstance(value, int) or isinstance(value, bool)):
            raise BadInput(f"'{name}' must be an integer")
        if kind == "list[str]":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BadInput(f"'{name}' must be a list of strings")
            if len(value) > shape.max_items:
                raise BadInput(f"'{name}' holds more than {shape.max_items} items")
        out[name] = value
    return out


# -- SPARQL text ----------------------------------------------------------------------------------

@dataclass
class Token:
    kind: str  # iri | string | var | bnode | lang | pname | word | number | open | close | punct
    text: str


def tokens(query: str) -> list[Token]:
    """The SPARQL tokens of ``query`` (comments and whitespace dropped); BadInput for an open string."""
    return [Token(kind, query[start:end] if kind != "iri" else query[start + 1:end - 1])
            for kind, start, end in _scan(query)]


def _scan(query: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each token of ``query``; an IRI's span includes its angle brackets."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "'\"":
            end = _string_end(query, i)
            out.append(("string", i, end))
            i = end
        elif c == "<" and (m := _IRIREF.match(query, i)):
            out.append(("iri", i, m.end()))
            i = m.end()
        elif c in "?$" and (m := _VAR.match(query, i)):
            out.append(("var", i, m.end()))
            i = m.end()
        elif c == "@" and (m := _LANG.match(query, i)):
            out.append(("lang", i, m.end()))
            i = m.end()
        elif c == "_" and query.startswith("_:", i):
            j = _name_end(query, i + 2)
            out.append(("bnode", i, j))
            i = j
        elif c.isalpha() or c == "_" or c == ":" or ord(c) > 127 and c.isidentifier():
            j = _name_end(query, i)
            out.append(("pname" if ":" in query[i:j] else "word", i, j))
            i = j
        elif "0" <= c <= "9" or c == "." and i + 1 < n and "0" <= query[i + 1] <= "9":  # (ASCII digits only)
            m = _NUMBER.match(query, i)
            assert m is not None
            out.append(("number", i, m.end()))
            i = m.end()
        elif c in "{([":
            out.append(("open", i, i + 1))
            i += 1
        elif c in "})]":
            out.append(("close", i, i + 1))
            i += 1
        else:
            out.append(("punct", i, i + 1))
            i += 1
    return out


def normalised(query: str, spans: list[tuple[str, int, int]] | None = None) -> str:
    """``query`` with its comments dropped and each run of whitespace between tokens made one space: the
    same query to any SPARQL parser (tokens are kept byte for byte, and a separator is never added or
    removed), so a result cache can take the two spellings for one."""
    spans = _scan(query) if spans is None else spans
    out: list[str] = []
    last = 0
    for _, start, end in spans:
        if out and start > last:
            out.append(" ")
        out.append(query[start:end])
        last = end
    return "".join(out)


def _string_end(query: str, start: int) -> int:
    quote = query[start]
    long = query.startswith(quote * 3, start)
    i = start + (3 if long else 1)
    while i < len(query):
        c = query[i]
        if c == "\\":
            i += 2
        elif long and query.startswith(quote * 3, i):
            return i + 3
        elif not long and c == quote:
            return i + 1
        elif not long and c in "\r\n":
            break
        else:
            i += 1
    raise BadInput("query syntax error: a string is not closed")


def _name_end(query: str, i: int) -> int:
    """End of a prefixed name, keyword or blank node label starting at ``i`` (PN_CHARS, ':', '%', '\\x')."""
    n = len(query)
    while i < n:
        c = query[i]
        if c == "\\" and i + 1 < n:
            i += 2
        elif c.isalnum() or c in "_-.:%\u00b7" or ord(c) > 127 and not c.isspace():
            i += 1
        else:
            break
    while query[i - 1] == "." and i > 0:  # a name never ends with '.': it is the triple's full stop
        i -= 1
    return i


def _unescape(query: str) -> str:
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


# functions whose value differs from one evaluation to the next: an answer using them is never cached
NONDETERMINISTIC = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})


@dataclass
class Checked:
    """What :func:`check_query` learnt about an admitted query."""

    normalised: str | None  # the same query without comments and extra spaces (None: not safe to say)
    deterministic: bool  # False when it calls RAND(), NOW(), UUID(), STRUUID() or BNODE()
    limit: int | None = None  # the query's own top-level LIMIT: it returns at most this many solutions


def check_query(query: str, own_graphs: Collection[str], base_iri: str | None = None,
                prefixes: dict[str, str] | None = None) -> Checked:
    """Refuse (BadInput) a query that is too long or too deep, sends requests elsewhere (SERVICE), or
    names in FROM / FROM NAMED a graph that is not one of ``own_graphs``."""
    if len(query) > MAX_QUERY_CHARS:
        raise BadInput(f"the query is longer than {MAX_QUERY_CHARS} characters", 413)
    spans = _scan(query)
    toks = [Token(kind, query[start:end] if kind != "iri" else query[start + 1:end - 1])
            for kind, start, end in spans]
    depth = deepest = 0
    limits: list[str] = []  # what follows each LIMIT outside every bracket
    for i, t in enumerate(toks):
        if t.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif t.kind == "close":
            depth -= 1
        elif depth == 0 and t.kind == "word" and t.text.upper() == "LIMIT":
            limits.append(toks[i + 1].text if i + 1 < len(toks) and toks[i + 1].kind == "number" else "")
    if deepest > MAX_NESTING:
        raise BadInput(f"the query nests {{ ( [ deeper than {MAX_NESTING} levels")
    words = {t.text.upper() for t in toks if t.kind == "word"}
    if "\\" in query and _UNICODE_ESCAPE.search(query):
        try:  # a parser that decoded \\u escapes before reading keywords must not find one we missed
            words |= {t.text.upper() for t in tokens(_unescape(query)) if t.kind == "word"}
        except BadInput:
            pass
    if "SERVICE" in words:
        raise BadInput("SERVICE is not allowed: this endpoint answers from its own graph and never sends "
                       "requests to other servers (federated queries are refused)")
    if "FROM" in words:
        for graph in _dataset_iris(toks, base_iri, dict(prefixes or {})):
            if graph not in own_graphs:
                raise BadInput(f"FROM <{graph}>: not a graph of this store (the endpoint does not fetch "
                               "graphs from elsewhere; see /.well-known/void for the graphs it holds)")
    # With a backslash (a \\u escape may hide a '#' or a '>' from this lexer, not from the parser) only the
    # exact text names the query, and its LIMIT is not taken for a bound.
    if "\\" in query:
        return Checked(None, not (words & NONDETERMINISTIC))
    # Outside every bracket only the (outer) query's solution modifiers can say LIMIT: subqueries, the
    # SELECT clause's expressions and VALUES are inside brackets.
    limit = int(limits[0]) if len(limits) == 1 and limits[0].isdigit() and limits[0].isascii() else None
    return Checked(normalised(query, spans), not (words & NONDETERMINISTIC), limit)


def _dataset_iris(toks: list[Token], base: str | None, prefixes: dict[str, str]) -> list[str]:
    """The IRIs named by FROM and FROM NAMED, resolved with the query's BASE and PREFIX declarations."""
    out = []
    for i, t in enumerate(toks):
        if t.kind != "word":
            continue
        word = t.text.upper()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word == "BASE" and nxt is not None and nxt.kind == "iri":
            base = urljoin(base or "", nxt.text)
        elif word == "PREFIX" and nxt is not None and nxt.kind == "pname" and i + 2 < len(toks) \
                and toks[i + 2].kind == "iri":
            prefixes[nxt.text.rstrip(":")] = urljoin(base or "", toks[i + 2].text)
        elif word == "FROM" and nxt is not None:
            target = toks[i + 2] if nxt.kind == "word" and nxt.text.upper() == "NAMED" and i + 2 < len(toks) else nxt
            if target.kind == "iri":
                out.append(urljoin(base or "", target.text) if base else target.text)
            elif target.kind == "pname":
                prefix, _, local = target.text.partition(":")
                if prefix in prefixes:
                    out.append(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
                else:
                    raise BadInput(f"query syntax error: the prefix '{prefix}:' is not declared")
    return out


def graph_parameter(values: list[str], name: str, own_graphs: Collection[str]) -> list[str]:
    """``default-graph-uri`` / ``named-graph-uri`` values: each an IRI of a graph this store holds."""
    for value in values:
        iri(value, name)
        if value not in own_graphs:
            raise BadInput(f"{name}={value}: not a graph of this store (the endpoint does not fetch graphs "
                           "from elsewhere; see /.well-known/void for the graphs it holds)")
    return values
