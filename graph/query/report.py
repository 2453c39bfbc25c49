"""The data-quality report: what the graph is unsure about, each item with where it comes from.

Sections (each a list of rows; the SPARQL lives in queries/*.rq where an analyst may want it as a
question too, else here):

* conflicting dates   — a document printed with two dates (57-KL/TU, 08-NQ/TU of 2018), each date with
  the sentence and the document that prints it;
* shared numbers      — one number naming different documents (the two 08-NQ/TU);
* suspicious numbers  — a document number that starts with a year ('2021-CTr/TU'), most likely a period
  ('2021-2025') read as a number;
* unresolved mentions — projects, zones and places named in a text that the gazetteer does not know;
* tasks without a lead agency;
* targets without a year — printed chỉ tiêu kept as uncertain goals, or targets lacking pol:targetYear;
* cited, not held     — documents cited whose text the corpus does not hold;
* unresolved citations — cited documents that cannot be fully identified (no number, or no date at all),
  and documents the build flagged pol:uncertain;
* OCR-derived sources  — documents whose text was read by OCR from a scan (every fact from them carries
  ``pol:ocrDerived true`` in its evidence): letters may be misread, check against the original.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.query.questions import PREFIXES, Question, load_library
from graph.store import Store, Term

_PREFIXES = PREFIXES + """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

SUSPICIOUS_NUMBERS = _PREFIXES + """
SELECT DISTINCT ?document ?number ?label ?evidence WHERE {
  ?document a pol:Document ; pol:documentNumber ?number .
  FILTER(REGEX(STR(?number), "^(19|20)[0-9][0-9][-/]"))
  OPTIONAL { ?document rdfs:label ?label FILTER(LANG(?label) != "en") }
  OPTIONAL { ?citing pol:evidence ?ev . ?ev rdf:object ?document ; pol:quote ?evidence }
} ORDER BY ?number"""

UNRESOLVED_MENTIONS = _PREFIXES + """
SELECT ?node (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?class) (SAMPLE(?d) AS ?document) (SAMPLE(?q) AS ?evidence)
WHERE {
  VALUES ?top { pol:InfrastructureProject pol:Zone pol:Place }
  ?node a ?top .
  FILTER NOT EXISTS { ?node skos:inScheme ?scheme }
  OPTIONAL { ?node a ?c FILTER(STRSTARTS(STR(?c), STR(pol:)) && ?c != ?top) }
  OPTIONAL { ?node rdfs:label ?l FILTER(LANG(?l) != "en") }
  OPTIONAL { ?node pol:evidence ?ev . ?ev rdf:predicate pol:mentionedIn ; rdf:object ?d ; pol:quote ?q }
} GROUP BY ?node ORDER BY ?label"""

TARGETS_WITHOUT_YEAR = _PREFIXES + """
SELECT DISTINCT ?goal ?kind ?section ?document ?text WHERE {
  { ?goal a pol:Target . FILTER NOT EXISTS { ?goal pol:targetYear ?y } BIND("target without pol:targetYear" AS ?kind) }
  UNION
  { ?goal a pol:Goal ; pol:uncertain true . FILTER NOT EXISTS { ?goal a pol:Target }
    BIND("printed target kept as an uncertain goal (no value or no year)" AS ?kind) }
  OPTIONAL { ?goal pol:sectionNumber ?section }
  OPTIONAL { ?goal prov:wasDerivedFrom ?document . ?document a pol:Document }
  OPTIONAL { ?goal pol:quote ?text }
} ORDER BY ?document ?section"""

UNRESOLVED_CITATIONS = _PREFIXES + """
SELECT ?document (SAMPLE(?num) AS ?number) (SAMPLE(?l) AS ?label) ?problem (SAMPLE(?q) AS ?evidence) WHERE {
  {
    ?document a pol:Document .
    FILTER NOT EXISTS { ?document pol:documentNumber ?n0 }
    BIND("cited without a number" AS ?problem)
  } UNION {
    ?document a pol:Document .
    FILTER NOT EXISTS { ?document dcterms:issued ?d0 }
    FILTER NOT EXISTS { ?document pol:citedDate ?d1 }
    BIND("cited without a date: cannot be told from another document with the same number" AS ?problem)
  } UNION {
    ?document a pol:Document ; pol:uncertain true .
    BIND("flagged uncertain by the build" AS ?problem)
  }
  FILTER NOT EXISTS { ?document pol:heldInCorpus true }
  OPTIONAL { ?document pol:documentNumber ?num }
  OPTIONAL { ?document rdfs:label ?l FILTER(LANG(?l) != "en") }
  OPTIONAL { ?citing pol:evidence ?ev . ?ev rdf:object ?document ; pol:quote ?q }
} GROUP BY ?document ?problem ORDER BY ?number"""

OCR_DERIVED = _PREFIXES + """
SELECT ?document ?file ?reader (COUNT(DISTINCT ?e) AS ?facts) WHERE {
  ?text a pol:SourceText ; pol:ocrDerived true ; pol:describes ?document ; pol:extractedWith ?reader .
  OPTIONAL { ?text pol:original ?o . ?o rdfs:label ?file }
  OPTIONAL { ?e pol:sourceText ?text ; pol:ocrDerived true }
} GROUP BY ?document ?file ?reader ORDER BY ?file"""


@dataclass
class Section:
    name: str
    title: str
    description: str
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Report:
    sections: list[Section]

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)

    def to_json(self) -> str:
        return json.dumps({"sections": [s.__dict__ for s in self.sections]}, ensure_ascii=False, indent=2)

    def to_text(self, width: int = 110) -> str:
        lines: list[str] = []
        for s in self.sections:
            lines.append(f"== {s.title} ({len(s.rows)})")
            lines.append(f"   {s.description}")
            for row in s.rows:
                head = " | ".join(f"{k}: {_short(v, 70)}" for k, v in row.items() if k != "evidence" and v)
                lines.append(f" - {_short(head, width)}")
                if row.get("evidence"):
                    lines.append(f'     "{_short(row["evidence"], width - 6)}"')
            lines.append("")
        return "\n".join(lines)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split()).replace("https://w3id.org/policykg/id/", "id:")
    return text if len(text) <= n else text[: n - 1] + "…"


def _rows(store: Store, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[dict[str, str]]:
    result = store.select(sparql, bindings)
    return [{v: _show(row[v]) for v in result.variables if v in row} for row in result.rows]


def _show(term: Term) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def build_report(store: Store, library: Mapping[str, Question] | None = None) -> Report:
    """Run every check against ``store``."""
    library = library or load_library()

    def question(name: str) -> list[dict[str, str]]:
        return _rows(store, library[name].sparql)

    return Report([
        Section("conflicting_dates", "Conflicting dates",
                "Documents printed with more than one date; each date with its kind (issued = the document's own "
                "header, cited = as another document prints it), the source document and the sentence.",
                question("conflicting_dates")),
        Section("shared_numbers", "One number, different documents",
                "Numbers that name more than one document (told apart by date and subject).",
                question("shared_numbers")),
        Section("suspicious_numbers", "Suspicious document numbers",
                "Numbers that begin with a year ('2021-CTr/TU', as 004 prints it): a misprint or a period read as a "
                "number; check against the document itself.",
                _rows(store, SUSPICIOUS_NUMBERS)),
        Section("unresolved_mentions", "Mentions not resolved to a known entity",
                "Projects, zones and places named in a text that the gazetteer does not know (found by a naming "
                "rule): check the name, add it to data/gazetteer.yaml with its aliases.",
                _rows(store, UNRESOLVED_MENTIONS)),
        Section("tasks_without_lead", "Tasks without a lead agency",
                "Tasks (not section headings) that name no lead agency or group.",
                question("tasks_without_lead")),
        Section("targets_without_year", "Targets without a year",
                "Measurable targets with no target year, and printed targets kept as uncertain goals.",
                _rows(store, TARGETS_WITHOUT_YEAR)),
        Section("cited_not_held", "Documents cited but not held",
                "Documents cited or implemented whose text the corpus does not hold.",
                question("cited_not_held")),
        Section("unresolved_citations", "Citations not fully identified",
                "Cited documents lacking a number or any date, or flagged uncertain.",
                _rows(store, UNRESOLVED_CITATIONS)),
        Section("ocr_derived", "Sources read by OCR",
                "Documents whose text was recognised from a scan (OCR): every fact from them is marked "
                "pol:ocrDerived in its evidence; letters and numbers may be misread, check against the original.",
                _rows(store, OCR_DERIVED)),
    ])
