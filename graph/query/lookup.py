"""One label lookup and one evidence lookup, for the command line, the web app and the questions alike.

Both are batched (one query per 500 nodes or facts), so a page of answers costs a few queries whatever
its size, and both work on any :class:`graph.store.Store`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.store import Store
from graph.vocab import sparql_prefixes

BATCH = 500
_PREFIXES = sparql_prefixes("pol", "rdf", "rdfs", "prov", "skos")


@dataclass(frozen=True)
class Evidence:
    """The source of one fact: the quote (or the curator's note), where it is, and how it was obtained."""

    quote: str
    document: str | None = None
    method: str | None = None  # IRI: pol:Stated, pol:Rule, pol:Curated
    start: int | None = None
    end: int | None = None
    cue: str | None = None
    rule: str | None = None
    iri: str | None = None  # the evidence node
    page: int | None = None  # the page of the original PDF the quote starts on
    original: str | None = None  # the original file, relative to the sources folder ('originals/….pdf')
    ocr: bool = False  # read by OCR from a scan: letters may be misread


def labels_for(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """A readable label for each IRI (a non-English rdfs:label, else any label, else the document number)."""
    iris = list(dict.fromkeys(iris))
    out: dict[str, str] = {}
    for i in range(0, len(iris), BATCH):
        chunk = " ".join(str(ox.NamedNode(x)) for x in iris[i:i + BATCH])
        rows = store.select(_PREFIXES + f"""
            SELECT ?n (SAMPLE(?v) AS ?label) (SAMPLE(?l) AS ?other) (SAMPLE(?num) AS ?number) WHERE {{
              VALUES ?n {{ {chunk} }}
              OPTIONAL {{ ?n rdfs:label ?v FILTER(LANG(?v) != "en") }}
              OPTIONAL {{ ?n rdfs:label ?l }} OPTIONAL {{ ?n pol:documentNumber ?num }}
            }} GROUP BY ?n""").rows
        for row in rows:
            if "label" in row or "other" in row:
                out[row["n"].value] = row.get("label", row.get("other")).value
            elif "number" in row:
                out[row["n"].value] = row["number"].value
    return out


def _int(term: ox.Literal | None) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def evidence_for(store: Store, facts: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], list[Evidence]]:
    """The evidence of each (subject IRI, predicate IRI, object IRI), ordered by position in the text.

    A fact without a quote (a curated one) gets its ``rdfs:comment`` as the quote when it has one."""
    facts = list(dict.fromkeys(facts))
    out: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for i in range(0, len(facts), BATCH):
        chunk = " ".join(f"({ox.NamedNode(s)} {ox.NamedNode(p)} {ox.NamedNode(o)})" for s, p, o in facts[i:i + BATCH])
        rows = store.select(_PREFIXES + f"""
            SELECT ?s ?p ?o ?e ?quote ?note ?doc ?method ?start ?end ?cue ?rule ?page ?ocr ?original WHERE {{
              VALUES (?s ?p ?o) {{ {chunk} }}
              ?e rdf:subject ?s ; rdf:object ?o ; rdf:predicate ?p .
              OPTIONAL {{ ?e pol:quote ?quote }} OPTIONAL {{ ?e rdfs:comment ?note }}
              OPTIONAL {{ ?e prov:wasDerivedFrom ?doc }} OPTIONAL {{ ?e pol:method ?method }}
              OPTIONAL {{ ?e pol:startOffset ?start }} OPTIONAL {{ ?e pol:endOffset ?end }}
              OPTIONAL {{ ?e pol:cue ?cue }} OPTIONAL {{ ?e pol:rule ?rule }}
              OPTIONAL {{ ?e pol:page ?page }} OPTIONAL {{ ?e pol:ocrDerived ?ocr }}
              OPTIONAL {{ ?e pol:sourceText/pol:original/pol:originalPath ?original }}
            }}""").rows
        seen: set[tuple] = set()
        for r in rows:
            text = r.get("quote") or r.get("note")
            if text is None:
                continue
            key = (r["s"].value, r["p"].value, r["o"].value)
            ev = Evidence(text.value, _value(r.get("doc")), _value(r.get("method")), _int(r.get("start")),
                          _int(r.get("end")), _value(r.get("cue")), _value(r.get("rule")), r["e"].value,
                          **_origin(r))
            if (key, ev.iri) in seen:
                continue
            seen.add((key, ev.iri))
            out[key].append(ev)
    for evs in out.values():
        evs.sort(key=lambda e: (e.start is None, e.start or 0, e.quote))
    return dict(out)


def _origin(r: dict) -> dict:
    """Page, original file and OCR mark of an evidence row (graph/build/provenance.py)."""
    return {"page": _int(r.get("page")), "original": _value(r.get("original")),
            "ocr": "ocr" in r and r["ocr"].value == "true"}


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value
