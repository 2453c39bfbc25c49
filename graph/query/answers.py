"""One way to turn a question's answer into bytes: CSV, JSON or Turtle (the CLI and the web app both call these,
so the same question with the same parameters gives the same bytes from either)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from graph.query.questions import PREFIXES, Answer
from graph.store import Store
from graph.vocab import MEDIA_BY_SUFFIX
from graph.vocab import PREFIXES as OUTPUT_PREFIXES

FORMATS = ("csv", "json", "ttl")


def media_type(fmt: str) -> str:
    return "application/json" if fmt == "json" else MEDIA_BY_SUFFIX[fmt].media_type


def answer_csv(answer: Answer) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(answer.result.variables)
    for row in answer.result.rows:
        writer.writerow([row[v].value if v in row else "" for v in answer.result.variables])
    return out.getvalue().encode("utf-8")


def answer_json(answer: Answer) -> bytes:
    result = answer.result
    rows = [{v: row[v].value for v in result.variables if v in row} for row in result.rows]
    return json.dumps({"question": answer.question.name, "title": answer.question.title,
                       "title_en": answer.question.title_en, "parameters": answer.shown,
                       "variables": result.variables, "rows": rows, "labels": dict(sorted(answer.labels.items())),
                       "total": answer.total, "offset": answer.offset, "limit": answer.limit},
                      ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def answer_turtle(store: Store, answer: Answer) -> bytes:
    triples = sorted(set(answer_triples(store, answer)), key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={p: ns for p, ns in OUTPUT_PREFIXES.items()
                                                                        if p != "id"})


def answer_bytes(store: Store, answer: Answer, fmt: str) -> bytes:
    if fmt == "csv":
        return answer_csv(answer)
    if fmt == "json":
        return answer_json(answer)
    if fmt == "ttl":
        return answer_turtle(store, answer)
    raise ValueError(f"unknown answer format {fmt!r} (one of {', '.join(FORMATS)})")


def answer_triples(store: Store, answer: Answer, limit: int = 2000) -> list[ox.Triple]:
    """The part of the graph an answer rests on: the nodes it names (type, label), the facts among them
    and the evidence node (quote, offsets, source document) of each of those facts."""
    iris = list(dict.fromkeys(t.value for row in answer.result.rows for t in row.values()
                              if isinstance(t, ox.NamedNode)))[:limit]
    iris += [t.value for t in answer.bindings.values() if isinstance(t, ox.NamedNode)]
    if not iris:
        return []
    nodes = " ".join(str(ox.NamedNode(x)) for x in dict.fromkeys(iris))
    return store.construct(PREFIXES + f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        CONSTRUCT {{
          ?s ?p ?o . ?ev a pol:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; pol:quote ?q ;
             pol:startOffset ?a ; pol:endOffset ?b ; prov:wasDerivedFrom ?d .
        }} WHERE {{
          VALUES ?s {{ {nodes} }}
          {{ ?s ?p ?o . FILTER(?p IN (rdf:type, rdfs:label, pol:documentNumber, pol:sectionNumber, pol:quote)) }}
          UNION
          {{ VALUES ?o {{ {nodes} }} ?s ?p ?o .
             OPTIONAL {{ ?s pol:evidence ?ev . ?ev rdf:predicate ?p ; rdf:object ?o ; pol:quote ?q ;
                         pol:startOffset ?a ; pol:endOffset ?b . OPTIONAL {{ ?ev prov:wasDerivedFrom ?d }} }} }}
        }}""")
