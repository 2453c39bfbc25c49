"""Home page and search."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .. import services
from ..kg import BROWSABLE_KINDS, KIND_NAMES

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    s = services()
    counts = s.kg.kind_counts()
    stats = [(k, KIND_NAMES[k], counts[k]) for k in BROWSABLE_KINDS if counts.get(k)]
    return render_template("home.html", stats=stats, triples=s.store.count(),
                           questions=sorted(s.questions.values(), key=lambda q: q.name))


@bp.get("/search")
def search():  # noqa: ANN201
    s = services()
    q = request.args.get("q", "").strip()[:200]
    kinds = {k for k in request.args.getlist("kind") if k in BROWSABLE_KINDS} or None
    document = request.args.get("document", "").strip()[:500] or None
    province = request.args.get("province", "").strip()[:100] or None
    year_text = request.args.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    groups, total = s.search.search(q, kinds, document=document, province=province, year=year) if q else ({}, 0)
    wants_json = request.args.get("format") == "json" or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json")
    if wants_json:
        return jsonify({"query": q, "groups": [
            {"kind": k, "name": KIND_NAMES.get(k, k), "count": len(hits),
             "hits": [{"iri": h.iri, "label": h.label, "matched": h.matched, "matched_in": h.matched_in,
                       "snippet": [{"text": text, "match": match} for text, match in h.snippet],
                       "url": s.iris.local(h.iri)} for h in hits[:50]]} for k, hits in groups.items()],
            "total": total})
    return render_template("search.html", q=q, search_text=q, groups=groups, total=total, kinds=kinds or set(),
                           all_kinds=[(k, KIND_NAMES[k]) for k in BROWSABLE_KINDS], year=year_text,
                           province=province or "", document=document or "", provinces=s.search.index.provinces(),
                           years=s.search.index.years())
