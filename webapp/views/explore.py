"""Dependency explorer (what depends on a project, with the explained path) and the targets timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, jsonify, render_template, request

from .. import guard, services
from ..kg import POL, PROV, Evidence
from ..network import Edge
from .network import view_payload

bp = Blueprint("explore", __name__, url_prefix="/explore")

# The same dependency semantics as graph/analysis.py (and `policykg deps` / `impact`):
# x --p--> y with p in UPSTREAM means x needs y: walking them backwards from a project finds its dependants;
# y --p--> x with p in WHOLES means the whole x needs its part y (a port system needs its ports, a zone what
# lies in it), so a whole is affected when a part slips, and so is everything that needs the whole.
UPSTREAM = [POL + "dependsOn", POL + "concerns"]
WHOLES = [POL + "partOf", POL + "locatedIn"]
# from a reached task: who else is touched
TOUCHES_OUT = [POL + "leadAgency", POL + "cooperatingAgency", POL + "contributesTo"]
TOUCHES_IN = [POL + "hasTask"]


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


def dependants(project: str, limit: int = 500) -> list[Dependant]:
    """Everything affected if ``project`` slips, each with the chain of stated links that says why."""
    s = services()
    parent: dict[str, Step | None] = {project: None}
    frontier = [project]
    order: list[str] = []
    stated = f"FILTER(?g != <{s.kg.inferred_graph}>)"
    up, wholes, touch_in, touch_out = (" ".join(f"<{p}>" for p in ps)
                                       for ps in (UPSTREAM, WHOLES, TOUCHES_IN, TOUCHES_OUT))
    while frontier and len(order) < limit:
        values = " ".join(f"<{n}>" for n in frontier)
        rows = s.store.select(f"""SELECT ?x ?p ?y ?dir WHERE {{ VALUES ?y {{ {values} }} {{
              VALUES ?p {{ {up} }} GRAPH ?g {{ ?x ?p ?y }} {stated} BIND("in" AS ?dir)
            }} UNION {{
              VALUES ?p {{ {wholes} }} GRAPH ?g {{ ?y ?p ?x }} {stated} BIND("out" AS ?dir)
            }} UNION {{
              VALUES ?p {{ {touch_in} }} GRAPH ?g {{ ?x ?p ?y }} {stated} BIND("in" AS ?dir)
            }} UNION {{
              VALUES ?p {{ {touch_out} }} GRAPH ?g {{ ?y ?p ?x }} {stated} BIND("out" AS ?dir)
            }} }}""").rows
        nxt = []
        for r in rows:
            x, p, y, direction = r["x"].value, r["p"].value, r["y"].value, r["dir"].value
            if x in parent or not isinstance(r["x"], ox.NamedNode):
                continue
            # agencies, documents and targets are end points: they are touched, nothing flows on from them
            if s.kg.kind(y) in ("agency", "group", "document", "target", "goal") and y != project:
                continue
            step = Step(x, p, y) if direction == "in" else Step(y, p, x)
            parent[x] = step
            order.append(x)
            nxt.append(x)
        frontier = nxt
    out = []
    for node in order[:limit]:
        path: list[Step] = []
        cur = node
        while parent.get(cur) is not None:
            step = parent[cur]
            assert step is not None
            step.evidence = step.evidence or s.kg.evidence_for(step.source, step.predicate, step.target)
            path.append(step)
            cur = step.target if step.source == cur else step.source
        out.append(Dependant(node, s.kg.kind(node), path))
    return out


@bp.get("/dependencies")
def dependencies():  # noqa: ANN201
    s = services()
    name = request.args.get("project", "").strip()
    if not name:
        rows = s.store.select(f"""SELECT ?p (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            ?x <{POL}dependsOn>|<{POL}concerns> ?p }} GROUP BY ?p ORDER BY DESC(?n) LIMIT 60""").rows
        projects = [(r["p"].value, int(r["n"].value)) for r in rows if s.kg.kind(r["p"].value) != "other"]
        return render_template("dependencies.html", project=None, projects=projects, name=name, candidates=[])
    if name.startswith(("http://", "https://")):
        iri, candidates = guard.iri(name, "project"), []
    else:
        hits = s.search.resolve(name, {"project", "zone", "place"})
        iri = hits[0].iri if hits else None
        candidates = hits[:8]
    if not iri or not s.kg.exists(iri):
        return render_template("dependencies.html", project=None, projects=[], name=name, candidates=[],
                               error=f"Không tìm thấy công trình “{name}” / no such project"), 404
    found = dependants(iri)
    groups: dict[str, list[Dependant]] = defaultdict(list)
    for d in found:
        groups[d.kind].append(d)
    nodes = [iri] + [d.iri for d in found][:300]
    member = set(nodes)
    edges = {(st.source, st.predicate, st.target): Edge(st.source, st.predicate, st.target)
             for d in found for st in d.path if st.source in member and st.target in member}
    graph = view_payload(s.networks.assemble(nodes, list(edges.values()), focus=iri), iri)
    if request.args.get("format") == "json":
        return jsonify({"project": iri, "dependants": [
            {"iri": d.iri, "kind": d.kind, "label": s.kg.label(d.iri),
             "path": [{"source": st.source, "predicate": st.predicate, "target": st.target,
                       "quotes": [e.quote for e in st.evidence]} for st in d.path]} for d in found]})
    return render_template("dependencies.html", project=iri, groups=dict(groups), graph=graph, name=name,
                           candidates=candidates[1:] if len(candidates) > 1 else [], projects=[])


@bp.get("/targets")
def targets():  # noqa: ANN201
    s = services()
    year = request.args.get("year", "").strip()
    rows = s.store.select(f"""SELECT ?t ?year ?indicator ?value ?upper ?unit ?comparator ?doc ?quote WHERE {{
        ?t a <{POL}Target> .
        OPTIONAL {{ ?t <{POL}targetYear> ?year }} OPTIONAL {{ ?t <{POL}indicator> ?ind0 }}
        BIND(IF(BOUND(?ind0), IF(isIRI(?ind0), ?ind0, STR(?ind0)), "") AS ?indicator)
        OPTIONAL {{ ?t <{POL}targetValue> ?value }} OPTIONAL {{ ?t <{POL}upperValue> ?upper }}
        OPTIONAL {{ ?t <{POL}unit> ?unit }} OPTIONAL {{ ?t <{POL}comparator> ?comparator }}
        OPTIONAL {{ ?t <{PROV}wasDerivedFrom> ?doc }} OPTIONAL {{ ?t <{POL}quote> ?quote }}
    }} ORDER BY ?year ?indicator""").rows
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
