"""The list of documents a legal portal would show (/documents), the 404 page and the favicon.

Every document node of the graph, held in the corpus or only cited by one, with its number, date,
type, issuer, province (``pol:jurisdiction``) and subject; filtered by type, issuer, province, year and
held/cited, sorted by any column. The page reads the graph with one SPARQL query (below) and filters in
Python: a corpus has thousands of documents, not millions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, request, send_file, url_for

from .. import services
from ..kg import DCTERMS, POL
from .charts import svg_chart, targets_view, vn_number

bp = Blueprint("documents", __name__)

STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"

# One row per document and value; several issuers or provinces come back as several rows (merged below).
DOCUMENTS_QUERY = f"""
SELECT ?d ?number ?type ?issued ?year ?cited ?issuer ?province ?title ?subject ?held WHERE {{
  ?d a <{POL}Document> .
  OPTIONAL {{ ?d <{POL}documentNumber> ?number }}
  OPTIONAL {{ ?d <{POL}documentType> ?type }}
  OPTIONAL {{ ?d <{DCTERMS}issued> ?issued }}
  OPTIONAL {{ ?d <{POL}issuedYear> ?year }}
  OPTIONAL {{ ?d <{POL}citedDate> ?cited }}
  OPTIONAL {{ ?d <{POL}issuedBy> ?issuer }}
  OPTIONAL {{ ?d <{POL}jurisdiction> ?province }}
  OPTIONAL {{ ?d <{DCTERMS}title> ?title }}
  OPTIONAL {{ ?d <{POL}citedSubject> ?subject }}
  OPTIONAL {{ ?d <{POL}heldInCorpus> ?held }}
}}"""

# A document's lineage: the documents it cites or implements and those citing or implementing it.
LINEAGE = [POL + "cites", POL + "implements", POL + "citedBy", POL + "implementedBy"]

SORTS = {
    "date": lambda d: (d.date == "", d.date, d.label),
    "number": lambda d: (d.number == "", d.number.casefold(), d.date),
    "type": lambda d: (d.type == "", d.type.casefold(), d.date),
    "issuer": lambda d: (not d.issuers, [i.casefold() for _, i in d.issuers], d.date),
    "province": lambda d: (not d.provinces, [p.casefold() for _, p in d.provinces], d.date),
    "subject": lambda d: (d.subject == "", d.subject.casefold()),
}


@dataclass
class DocumentRow:
    iri: str
    label: str
    number: str = ""
    type: str = ""
    date: str = ""  # ISO date (or year) of issue: its own header's, else the one its citations print
    date_cited: bool = False  # the date comes only from citations
    subject: str = ""
    held: bool = False
    issuers: list[tuple[str, str]] | None = None  # (iri, label)
    provinces: list[tuple[str, str]] | None = None

    @property
    def year(self) -> str:
        return self.date[:4]


def all_documents() -> list[DocumentRow]:
    """Every document of the graph, one row each."""
    s = services()
    rows: dict[str, DocumentRow] = {}
    cited_dates: dict[str, set[str]] = {}
    for r in s.store.select(DOCUMENTS_QUERY).rows:
        iri = r["d"].value
        doc = rows.get(iri)
        if doc is None:
            doc = rows[iri] = DocumentRow(iri, s.kg.label(iri), issuers=[], provinces=[])
        if "number" in r and not doc.number:
            doc.number = r["number"].value
        if "type" in r and not doc.type:
            doc.type = r["type"].value
        if "issued" in r:
            doc.date = r["issued"].value
        elif "year" in r and not doc.date:
            doc.date = r["year"].value
        if "cited" in r:
            cited_dates.setdefault(iri, set()).add(r["cited"].value)
        for key, bucket in (("issuer", doc.issuers), ("province", doc.provinces)):
            if key in r:
                pair = (r[key].value, s.kg.label(r[key].value))
                if pair not in bucket:  # type: ignore[operator]
                    bucket.append(pair)  # type: ignore[union-attr]
        if not doc.subject:
            if "title" in r:
                doc.subject = r["title"].value
            elif "subject" in r:
                doc.subject = r["subject"].value
        if "held" in r and r["held"].value in ("true", "1"):
            doc.held = True
    for iri, dates in cited_dates.items():
        doc = rows[iri]
        if not doc.date:
            doc.date, doc.date_cited = min(dates), True
    return list(rows.values())


def _facet(docs: list[DocumentRow], key) -> list[tuple[str, str, int]]:  # noqa: ANN001
    """(value, shown name, count) of a facet over ``docs``, most frequent first."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for d in docs:
        for value, name in key(d):
            counts[value] += 1
            names[value] = name
    return sorted(((v, names[v], n) for v, n in counts.items()), key=lambda x: (-x[2], x[1].casefold()))


FACETS = {
    "type": lambda d: [(d.type, d.type)] if d.type else [],
    "issuer": lambda d: d.issuers or [],
    "province": lambda d: d.provinces or [],
    "year": lambda d: [(d.year, d.year)] if d.year else [],
    "held": lambda d: [("held", "Có toàn văn / held")] if d.held else [("cited", "Chỉ được trích dẫn / cited only")],
}


def document_counts() -> dict[str, int]:
    """Documents held and only cited (the home page links each count to its filtered list)."""
    docs = all_documents()
    held = sum(d.held for d in docs)
    return {"total": len(docs), "held": held, "cited": len(docs) - held}


bp.add_app_template_global(document_counts, "document_counts")


@bp.get("/documents")
def index():  # noqa: ANN201
    docs = all_documents()
    chosen = {k: request.args.get(k, "").strip() for k in FACETS}
    chosen = {k: v for k, v in chosen.items() if v}
    shown = [d for d in docs if all(any(value == v for value, _ in FACETS[k](d)) for k, v in chosen.items())]
    sort = request.args.get("sort", "date")
    if sort not in SORTS:
        sort = "date"
    descending = request.args.get("order", "desc" if sort == "date" else "asc") == "desc"
    shown.sort(key=SORTS[sort], reverse=descending)
    if request.args.get("format") == "json":
        return jsonify({"count": len(shown), "total": len(docs), "filters": chosen, "documents": [
            {"iri": d.iri, "label": d.label, "number": d.number, "type": d.type, "date": d.date,
             "dateFromCitations": d.date_cited, "subject": d.subject, "held": d.held,
             "issuers": [i for i, _ in d.issuers or []], "provinces": [p for p, _ in d.provinces or []]}
            for d in shown]})
    facets = {k: _facet(shown, f) for k, f in FACETS.items()}
    facets["year"].sort(key=lambda x: x[0], reverse=True)

    def link(**change: str | None) -> str:
        args = {k: v for k, v in request.args.items() if k != "format"}
        for k, v in change.items():
            if v is None:
                args.pop(k, None)
            else:
                args[k] = v
        return url_for("documents.index", **args)

    def sort_link(column: str) -> str:
        order = "asc"
        if column == sort:
            order = "asc" if descending else "desc"
        elif column == "date":
            order = "desc"
        return link(sort=column, order=order)

    return render_template("documents.html", docs=shown, total=len(docs), facets=facets, chosen=chosen,
                           sort=sort, descending=descending, link=link, sort_link=sort_link,
                           held_count=sum(d.held for d in docs), lineage_relations=LINEAGE)


bp.add_app_template_filter(vn_number, "vn_number")
bp.add_app_template_global(targets_view, "targets_view")  # the targets page's filters and charts
bp.add_app_template_global(svg_chart, "svg_chart")


@bp.get("/favicon.ico")
def favicon() -> Response:
    response = send_file(STATIC_IMG / "favicon.svg", mimetype="image/svg+xml", max_age=86400)
    return response
