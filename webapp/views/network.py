"""Network views: ego network of any entity, document lineage; JSON for click-to-expand.

An ego network of documents only (``kind=document``, the documents list's "Dòng văn bản") and the overview
of all documents are lineages: drawn as a tree by date (:meth:`webapp.network.NetworkBuilder.by_date`)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from .. import guard, services
from ..kg import BROWSABLE_KINDS, KIND_NAMES
from ..network import CLUSTER_OVER, LAYOUTS, MAX_DEPTH, View
from .documents import all_documents

bp = Blueprint("network", __name__, url_prefix="/network")
# what the page posts to /network/expand.json (anything else is a 400 that names the field)
EXPAND_BODY = guard.Shape({"iri": "str", "present": "list[str]", "kinds": "list[str]", "rels": "list[str]",
                           "limit": "int", "layout": "str"})


def _filters() -> tuple[set[str] | None, set[str] | None]:
    kinds = {k for k in request.args.getlist("kind") if k in BROWSABLE_KINDS} or None
    rels = set(request.args.getlist("rel")) or None
    return kinds, rels


def _int(name: str, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(request.args.get(name, default))))
    except ValueError:
        return default


def dated(view: View) -> View:
    """``view`` laid out as a lineage, with the dates and types of its documents."""
    ids = {n["id"] for n in view.nodes}
    return services().networks.by_date(view, {d.iri: d for d in all_documents() if d.iri in ids})


def view_payload(view: View, focus: str | None = None, kinds: set[str] | None = None,
                 rels: set[str] | None = None) -> dict:
    """What the page's script reads; ``kinds`` and ``rels``, the page's filters, are sent back with each
    click-to-expand so an expansion keeps to them."""
    s = services()
    return {"nodes": view.nodes, "edges": view.edges, "truncated": view.truncated, "total": view.total,
            "serverLayout": view.server_layout, "focus": focus, "layout": view.layout,
            "levelNames": {str(k): v for k, v in view.level_names.items()}, "clusterOver": CLUSTER_OVER,
            "filters": {"kinds": sorted(kinds or ()), "rels": sorted(rels or ())},
            "kinds": [{"kind": k, "name": KIND_NAMES.get(k, k), "count": n} for k, n in sorted(view.kinds.items())],
            "relations": [{"iri": p, "name": s.kg.label(p), "count": n} for p, n in sorted(view.relations.items())],
            "expandUrl": url_for("network.expand")}


@bp.get("")
def ego():  # noqa: ANN201
    s = services()
    if not request.args.get("iri"):  # no focus chosen: the network of all documents is the overview
        return redirect(url_for("network.lineage"))
    iri = guard.iri(request.args.get("iri"), "iri")
    if not s.kg.exists(iri):
        abort(404)
    kinds, rels = _filters()
    depth = _int("depth", 1, 1, MAX_DEPTH)
    cap = _int("cap", int(s_cap()), 5, 2000)
    view = s.networks.ego(iri, depth, kinds, rels, cap)
    if kinds == {"document"}:
        view = dated(view)
    payload = view_payload(view, iri, kinds, rels)
    if request.args.get("format") == "json":
        return jsonify(payload)
    more = None
    if view.truncated:
        args = request.args.to_dict(flat=False)
        args["cap"] = [str(cap * 2)]
        more = url_for("network.ego", **args)
    rel_choices = sorted({(p, s.kg.label(p)) for p in _known_relations()}, key=lambda x: x[1])
    return render_template("network.html", title=s.kg.label(iri), iri=iri, payload=payload, depth=depth, cap=cap,
                           kinds=kinds or set(), rels=rels or set(), more=more, mode="ego",
                           all_kinds=[(k, KIND_NAMES[k]) for k in BROWSABLE_KINDS], rel_choices=rel_choices)


def s_cap() -> int:
    from flask import current_app

    return int(current_app.config["NETWORK_CAP"])


def _known_relations() -> list[str]:
    s = services()
    if not hasattr(s, "_relations"):
        from graph.query.documents import relations_in_use

        from ..kg import NOT_RELATIONS

        s._relations = [p for p in relations_in_use(s.store) if p not in NOT_RELATIONS]  # type: ignore[attr-defined]
    return s._relations  # type: ignore[attr-defined]


@bp.route("/expand.json", methods=["GET", "POST"])
def expand():  # noqa: ANN201
    """Neighbours of one node that are not on the page yet (the page sends what it shows)."""
    s = services()
    body = guard.json_object(request.get_data(), EXPAND_BODY) if request.method == "POST" else {}
    iri = guard.iri(body.get("iri") or request.args.get("iri"), "iri")
    if not s.kg.exists(iri):
        abort(404)
    present = set(body.get("present") or request.args.getlist("present"))
    kinds = {k for k in body.get("kinds") or request.args.getlist("kind") if k in BROWSABLE_KINDS} or None
    rels = set(body.get("rels") or request.args.getlist("rel")) or None
    try:
        limit = max(1, min(200, int(body.get("limit") or request.args.get("limit", 30))))
    except (TypeError, ValueError):
        limit = 30
    layout = body.get("layout") or request.args.get("layout") or "force"
    if layout not in LAYOUTS:
        raise guard.BadInput(f"unknown layout {layout!r} (expected one of {', '.join(LAYOUTS)})")
    view = s.networks.expand(iri, present | {iri}, kinds, rels, limit)
    if layout == "date":
        view = dated(view)
    return jsonify(view_payload(view, iri, kinds, rels))


@bp.get("/lineage")
def lineage():  # noqa: ANN201
    s = services()
    view = dated(s.networks.lineage())
    payload = view_payload(view, kinds={"document"}, rels=set(s.kg.cite_predicates()))
    if request.args.get("format") == "json":
        return jsonify(payload)
    return render_template("network.html", title="Mạng lưới văn bản (lineage)", iri=None, payload=payload,
                           mode="lineage", more=None, depth=1, cap=0, kinds=set(), rels=set(), all_kinds=[],
                           rel_choices=[])
