"""Dependency explorer (what depends on a project, with the explained path) and the targets timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, jsonify, render_template, request

from graph.query.documents import targets_timeline
from graph.query.lookup import Evidence
from graph.query.questions import MAX_STRING as MAX_NAME
from graph.query.questions import AmbiguousName, ParameterError

from .. import guard, services
from ..kg import POL
from ..network import Edge, View
from ..readside import dependencies, resolver
from .network import view_payload

bp = Blueprint("explore", __name__, url_prefix="/explore")

@dataclass
class Step:
    source: str
    predicate: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Dependant:
    iri: str
    kind: str
    path: list[Step]


def _page_args() -> tuple[int, int]:
    def number(name: str, default: int, lo: int, hi: int) -> int:
        try:
            return max(lo, min(hi, int(request.args.get(name, default))))
        except ValueError:
            return default
    return number("limit", 100, 1, 1000), number("offset", 0, 0, 10**9)


def dependants(project: str, limit: int = 100, offset: int = 0) -> tuple[list[Dependant], dict[str, int]]:
    """A page of what depends on ``project`` by the dependency model (graph/dependency.py), each with its chain
    of stated facts, then the documents, agencies and targets of the dependent tasks; and the total of each kind."""
    groups = dependencies().impact(project, limit=limit, offset=offset)
    found: list[Dependant] = []
    totals: dict[str, int] = {}
    for key, page in groups.items():
        totals[key] = page.total
        for d in page.rows:
            steps = [Step(s.subject, POL + s.predicate, s.object, list(s.evidence)) for s in d.steps]
            found.append(Dependant(d.node, services().kg.kind(d.node), steps))
    return found, totals


# links from a dependent task to what it touches, drawn in the last column of the dependency view
DEPENDANT_KINDS = ("task", "project", "zone", "place")  # what the model's dependants are (the rest: touched)
TOUCHES = {POL + "leadAgency", POL + "cooperatingAgency", POL + "contributesTo", POL + "hasTask"}


def dependency_view(project: str, found: list[Dependant], cap: int = 300) -> View:
    """The dependency explorer's network, left to right: the project in column 0, each dependant in the
    column of its distance in the dependency model (the length of its chain of stated facts), and the
    documents, agencies and targets of the dependent tasks in the last column, linked to their tasks."""
    s = services()
    found = found[:cap]
    nodes = [project] + [d.iri for d in found if d.iri != project]
    member = set(nodes)
    edges = {(st.source, st.predicate, st.target): Edge(st.source, st.predicate, st.target)
             for d in found for st in d.path if st.source in member and st.target in member}
    dependants = [d for d in found if d.kind in DEPENDANT_KINDS]
    deepest = max((len(d.path) for d in dependants), default=1)
    levels = {project: 0} | {d.iri: max(1, len(d.path)) for d in dependants}  # a chain not found: column 1
    touched = [d.iri for d in found if d.kind not in DEPENDANT_KINDS and d.iri != project]
    levels |= {t: deepest + 1 for t in touched}
    tasks = [d.iri for d in dependants if d.kind == "task"]
    for e in s.networks.edges_of(tasks, TOUCHES):
        if e.source in member and e.target in member and (e.source in touched or e.target in touched):
            edges.setdefault((e.source, e.predicate, e.target), e)
    view = s.networks.assemble(nodes, list(edges.values()), focus=project, layout="layers", levels=levels)
    view.level_names = {0: "Công trình · project"} | {
        k: "Trực tiếp · direct" if k == 1 else f"Qua {k} bước · {k} steps" for k in range(1, deepest + 1)}
    if touched:
        view.level_names[deepest + 1] = "Văn bản, cơ quan, chỉ tiêu"
    return view


@bp.get("/dependencies", endpoint="dependencies")
def dependencies_page():  # noqa: ANN201
    s = services()
    name = request.args.get("project", "").strip()[:MAX_NAME]
    limit, offset = _page_args()
    if not name:
        ranking = dependencies().ranking(limit=60)
        projects = [(p, n) for p, n, _docs in ranking.rows]
        return render_template("dependencies.html", project=None, projects=projects, name=name, candidates=[])
    candidates: list[tuple[str, str]] = []
    iri = None
    error = None
    try:
        if name.startswith(("http://", "https://")):
            iri = guard.iri(name, "project")
            iri = iri if s.kg.exists(iri) else None
        else:
            iri = resolver().resolve("project", name).value
    except AmbiguousName as exc:
        candidates, error = exc.candidates, str(exc)
    except ParameterError as exc:
        error = str(exc)
    if iri is None:
        if request.args.get("format") == "json":
            return jsonify({"error": error or f"no such project: {name}",
                            "candidates": [{"iri": i, "label": lab} for i, lab in candidates]}), 404 if not candidates \
                else 300
        return render_template("dependencies.html", project=None, projects=[], name=name, candidates=candidates,
                               error=error or f"Không tìm thấy công trình “{name}” / no such project"), \
            300 if candidates else 404
    found, totals = dependants(iri, limit, offset)
    groups: dict[str, list[Dependant]] = defaultdict(list)
    for d in found:
        groups[d.kind].append(d)
    graph = view_payload(dependency_view(iri, found), iri)
    if request.args.get("format") == "json":
        return jsonify({"project": iri, "totals": totals, "limit": limit, "offset": offset, "dependants": [
            {"iri": d.iri, "kind": d.kind, "label": s.kg.label(d.iri),
             "path": [{"source": st.source, "predicate": st.predicate, "target": st.target,
                       "quotes": [e.quote for e in st.evidence]} for st in d.path]} for d in found]})
    more = any(offset + limit < n for n in totals.values())
    return render_template("dependencies.html", project=iri, groups=dict(groups), graph=graph, name=name,
                           candidates=[], projects=[], totals=totals, limit=limit, offset=offset, more=more)


@bp.get("/targets")
def targets():  # noqa: ANN201
    s = services()
    year = request.args.get("year", "").strip()
    rows = targets_timeline(s.store)
    by_year: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    seen = set()
    for r in rows:
        if r["t"].value in seen:
            continue
        seen.add(r["t"].value)
        y = r["year"].value if "year" in r else "—"
        if year and y != year:
            continue
        ind = r.get("indicator")
        ind_key = (s.kg.label(ind.value) if isinstance(ind, ox.NamedNode) else ind.value) if ind is not None else ""
        by_year[y][ind_key or s.kg.label(r["t"].value)].append(r)
    years = sorted(by_year, key=lambda y: (y == "—", y))
    all_years = sorted({r["year"].value for r in rows if "year" in r})
    if request.args.get("format") == "json":
        return jsonify({y: {i: [{k: v.value for k, v in r.items()} for r in items] for i, items in by_year[y].items()}
                        for y in years})
    return render_template("targets.html", years=years, by_year=by_year, year=year, all_years=all_years,
                           count=len(seen))
