"""The data-quality report: what the graph is unsure about, each item with where it comes from.

Sections (each a list of rows; the SPARQL lives in queries/*.rq where an analyst may want it as a
question too, else here):

* conflicting dates   — a document printed with two dates (57-KL/TU, 08-NQ/TU of 2018), each date with
  the sentence and the document that prints it;
* shared numbers      — one number naming different documents (the two 08-NQ/TU);
* suspicious numbers  — a document number that starts with a year ('2021-CTr/TU'), most likely a period
  ('2021-2025') read as a number;
* discovered entities — the same things as marked by the build (pol:curationStatus pol:Discovered), with the
  naming rule, the number of documents and the sentence (:func:`discovered_entities`);
* tasks without a lead agency;
* targets without a year — printed chỉ tiêu kept as uncertain goals, or targets lacking pol:targetYear;
* cited, not held     — documents cited whose text the corpus does not hold;
* unresolved citations — cited documents that cannot be fully identified (no number, or no date at all),
  and documents the build flagged pol:uncertain;
* discovered bodies   — bodies found by their head word ('Sở …', 'UBND phường …') that data/agencies.yaml does
  not know: kept as their own nodes (never merged into a look-alike), to be curated;
* province not read   — held documents whose province was inferred from the places the text names, or could
  not be read at all (their provincial bodies are then kept apart from every province's).
* OCR-derived sources  — documents whose text was read by OCR from a scan (every fact from them carries
  ``pol:ocrDerived true`` in its evidence): letters may be misread, check against the original.
"""

from __future__ import annotations

import json
import shutil
import sys
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


DISCOVERED_BODIES = _PREFIXES + """
SELECT ?body (SAMPLE(?l) AS ?label) (SAMPLE(?lvl) AS ?level) (SAMPLE(?pl) AS ?province)
       (COUNT(DISTINCT ?d) AS ?documents) (SAMPLE(?dl) AS ?document) WHERE {
  ?body a pol:Agency ; pol:curationStatus pol:Discovered .
  OPTIONAL { ?body rdfs:label ?l FILTER(LANG(?l) != "en") }
  OPTIONAL { ?body pol:level ?lvl }
  OPTIONAL { ?body pol:jurisdiction ?p . ?p rdfs:label ?pl }
  OPTIONAL { { ?d pol:issuedBy|pol:recipient ?body } UNION { ?d pol:hasTask ?t .
             ?t pol:leadAgency|pol:cooperatingAgency ?body } ?d rdfs:label ?dl }
} GROUP BY ?body ORDER BY ?label"""

PROVINCE_NOT_READ = _PREFIXES + """
SELECT ?document (SAMPLE(?l) AS ?label) ?problem (SAMPLE(?pl) AS ?province) (SAMPLE(?q) AS ?evidence) WHERE {
  ?document a pol:Document ; pol:heldInCorpus true .
  OPTIONAL { ?document rdfs:label ?l FILTER(LANG(?l) != "en") }
  {
    ?ev rdf:subject ?document ; rdf:predicate pol:jurisdiction ; rdf:object ?p ; pol:method pol:Rule ;
        pol:quote ?q .
    ?p rdfs:label ?pl .
    BIND("province inferred from the places the text names (no issuer block or place line)" AS ?problem)
  } UNION {
    FILTER NOT EXISTS { ?document pol:jurisdiction ?any }
    FILTER NOT EXISTS { ?document pol:issuedBy ?b . ?b pol:level "central" }
    BIND("no province read: its provincial bodies are kept apart" AS ?problem)
  }
} GROUP BY ?document ?problem ORDER BY ?label"""

DISCOVERED_ENTITIES = _PREFIXES + """
SELECT ?node (SAMPLE(?l) AS ?label) (SAMPLE(STRAFTER(STR(?c), "#")) AS ?class) (SAMPLE(?r) AS ?rule)
       (COUNT(DISTINCT ?d) AS ?documents) (SAMPLE(?q) AS ?evidence)
WHERE {
  ?node pol:curationStatus pol:Discovered .
  OPTIONAL { ?node a ?c FILTER(STRSTARTS(STR(?c), STR(pol:))
             && ?c NOT IN (pol:InfrastructureProject, pol:Zone, pol:Place)) }
  OPTIONAL { ?node a ?c FILTER(?c IN (pol:Zone, pol:Place)) }
  OPTIONAL { ?node rdfs:label ?l FILTER(LANG(?l) != "en") }
  OPTIONAL { ?node pol:mentionedIn ?d }
  OPTIONAL { ?ev rdf:subject ?node ; rdf:predicate pol:curationStatus ; pol:rule ?r ; pol:quote ?q }
} GROUP BY ?node ORDER BY DESC(?documents) ?label"""


def discovered_entities(store: Store) -> Section:
    """Projects, zones and places found by the head-noun rules (pol:curationStatus pol:Discovered): what the
    open vocabulary added beyond the gazetteer, each with its class, rule, number of documents and sentence."""
    return Section("discovered_entities", "Discovered projects, zones and places",
                   "Things the naming rules found in the texts (a head noun such as 'cảng', 'khu công nghiệp', "
                   "'quốc lộ' followed by a name) that the gazetteer does not list: check each name against its "
                   "sentence, then curate it in data/gazetteer.yaml (aliases, class, links).",
                   _rows(store, DISCOVERED_ENTITIES))


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

    def to_text(self, width: int | None = None, labels: Mapping[str, str] | None = None) -> str:
        """The report as text. ``width``: characters per line, ``None`` for the terminal's width when standard
        output is a terminal and no cut at all otherwise (a file or a pipe gets every value whole).
        ``labels``: readable names of IRIs (``labels_for``); an IRI column shows its label, or the row's own
        ``<column>Label`` value, and that label column is then not repeated."""
        if width is None and sys.stdout.isatty():
            width = max(60, shutil.get_terminal_size().columns)
        labels = labels or {}
        lines: list[str] = []
        for s in self.sections:
            lines.append(f"== {s.title} ({len(s.rows)})")
            lines.append(f"   {s.description}")
            for row in s.rows:
                shown = []
                for k, v in row.items():
                    if k == "evidence" or not v or (k.endswith("Label") and row.get(k[:-5])):
                        continue
                    name = (labels.get(v) or row.get(f"{k}Label")) if v.startswith(("http://", "https://")) else None
                    shown.append(f"{k}: {_short(name or v, None if width is None else 70)}")
                lines.append(f" - {_short(' | '.join(shown), width)}")
                if row.get("evidence"):
                    lines.append(f'     "{_short(row["evidence"], None if width is None else width - 6)}"')
            lines.append("")
        return "\n".join(lines)


def _short(text: str, n: int | None) -> str:
    text = " ".join(text.split()).replace("https://w3id.org/policykg/id/", "id:")
    return text if n is None or len(text) <= n else text[: n - 1] + "…"


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
        discovered_entities(store),
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
        Section("discovered_bodies", "Bodies discovered, not curated",
                "Bodies found by their head word that data/agencies.yaml does not know; each is its own node in "
                "its province. Add it (with its aliases and level) to data/agencies.yaml to curate it.",
                _rows(store, DISCOVERED_BODIES)),
        Section("province_not_read", "Documents whose province was not read from the title block",
                "The province decides which bodies a document names (Sở Công Thương of which province).",
                _rows(store, PROVINCE_NOT_READ)),
        Section("ocr_derived", "Sources read by OCR",
                "Documents whose text was recognised from a scan (OCR): every fact from them is marked "
                "pol:ocrDerived in its evidence; letters and numbers may be misread, check against the original.",
                _rows(store, OCR_DERIVED)),
    ])
