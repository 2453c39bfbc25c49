"""The text form of a paged question's sort keys when the build stores them (``queries/pages``, stored keys).

A paged question's core may read its keys ready-made from the store instead of computing them (a core that
binds ``?keys``: :class:`graph.query.questions.Paging`): one literal per row, written by the build
(:mod:`graph.build.counts`). Its fields are the core's selected variables, in order, separated by a tab; an
IRI is written as its text, a literal as its kind — ``@`` and the language, or ``^`` and the datatype IRI
(``^`` alone: a plain string) —, one space, and its text; an unbound value as nothing. Only the last field may
hold a tab (it is split off last), so put free text (a label) there. Defined once here: the build writes
it, the read side reads it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

FIELD = "\t"
_STRING = "http://www.w3.org/2001/XMLSchema#string"


def key_field(term: ox.NamedNode | ox.Literal | None) -> str:
    """One field of a stored key."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if term.language:
        return f"@{term.language} {term.value}"
    datatype = term.datatype.value
    return f"^{'' if datatype == _STRING else datatype} {term.value}"


def stored_key(terms: Sequence[ox.NamedNode | ox.Literal | None]) -> ox.Literal:
    """The literal the build stores for one row's keys (the core's variables in order)."""
    fields = [key_field(t) for t in terms]
    if any(FIELD in f for f in fields[:-1]):
        raise ValueError("only the last field of a stored key may hold a tab")
    return ox.Literal(FIELD.join(fields))


def key_fields(text: str, n: int) -> list[str]:
    """The ``n`` fields of a stored key (as :func:`key_field` wrote them)."""
    fields = text.split(FIELD, n - 1)
    if len(fields) != n:
        raise ValueError(f"a stored key has {len(fields)} fields, not {n}: {text[:80]!r}")
    return fields

