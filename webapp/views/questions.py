"""Named questions (``queries/*.rq``) as forms: table, graph or timeline, with downloads."""

from __future__ import annotations

import time
from collections import defaultdict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from graph.query.answers import FORMATS, answer_bytes, media_type
from graph.query.lookup import labels_for
from graph.query.questions import MAX_LIMIT, NAME_TYPES, Answer, answer_page, page_answer, with_constants
from graph.store import SelectResult, bind_values
from graph.vocab import MEDIA_BY_SUFFIX

from .. import services
from ..linked import BY_SUFFIX, serialise
from ..network import Edge
from ..questions import AmbiguousName, ParameterError, Question, bind, column_labels, columns
from ..readside import resolver
from ..sparql_pool import PoolBusy, QueryRequest, QueryTimeout, serialise_select
from .network import view_payload

bp = Blueprint("questions", __name__, url_prefix="/questions")
PAGE_ROWS = 100


def _names_for_iris(q: Question, shown: dict[str, str], nodes: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The box of a parameter given as an IRI (a pick from a list, an IRI default) shows the name instead,
    when that name alone finds the same node again (so the form can be sent as it stands)."""
    out: dict[str, str] = {}
    for p in q.params:
        value = shown.get(p.name, "").strip().strip("<>")
        if p.name not in nodes or not value.startswith(("http://", "https://")):
            continue
        iri, name = nodes[p.name]
        try:
            if p.type in NAME_TYPES:
                again = [c for c, _ in resolver().candidates(p.type, name)]
            elif p.type == "iri":
                again = [resolver().resolve_any(name).value]
            else:
                continue
        except ParameterError:  # the name alone is ambiguous or finds nothing: the IRI stays
            continue
        if again == [iri]:
            out[p.name] = name
    return out


def _ambiguous_param(q: Question, typed: dict[str, str], exc: AmbiguousName) -> str | None:
    """The parameter whose value was the ambiguous name (an 'iri' parameter takes names of any kind)."""
    for p in q.params:
        if p.type in (exc.kind, "iri") and typed.get(p.name, p.default).strip() == exc.text.strip():
            return p.name
    return None


@bp.get("")
def index() -> str:
    qs = sorted(services().questions.values(), key=lambda q: q.name)
    return render_template("questions.html", questions=qs)


def _graph_payload(variables: list[str], rows: list[dict]) -> dict:
    """A network from the IRIs of each row: consecutive IRI columns are linked."""
    s = services()
    nodes: list[str] = []
    edges: dict[tuple[str, str, str], Edge] = {}
    for row in rows:
        iris = [row[v].value for v in variables if isinstance(row.get(v), ox.NamedNode)
                and s.kg.kind(row[v].value) not in ("other", "evidence", "text")]
        for iri in iris:
            if iri not in nodes:
                nodes.append(iri)
        for a, b in zip(iris, iris[1:], strict=False):
            if a != b:
                edges[(a, "row", b)] = Edge(a, "https://w3id.org/policykg/ont#relatedInAnswer", b)
    nodes = nodes[:400]
    member = set(nodes)
    real = [e for e in s.networks.edges_of(nodes) if e.source in member and e.target in member]
    linked = {frozenset((e.source, e.target)) for e in real}
    extra = [e for e in edges.values() if frozenset((e.source, e.target)) not in linked
             and e.source in member and e.target in member]
    return view_payload(s.networks.assemble(nodes, real + extra))


def _timeline(variables: list[str], rows: list[dict]) -> list[tuple[str, list[dict]]]:
    year_var = next((v for v in variables if "year" in v.lower() or "nam" == v.lower()), None)
    if year_var is None:
        for v in variables:
            if any(isinstance(r.get(v), ox.Literal) and r[v].value.isdigit() and 1900 < int(r[v].value) < 2200
                   for r in rows):
                year_var = v
                break
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r[year_var].value if year_var and year_var in r else "—"].append(r)
    return sorted(groups.items(), key=lambda kv: (kv[0] == "—", kv[0]))


def _run_limited(sparql: str):  # noqa: ANN202
    """Run a bound question in the SPARQL worker pool: the same time limit (the worker is killed) and result
    cap as /sparql, so one slow question cannot hold the app."""
    response = services().pool.run(QueryRequest(sparql, results_format="json", graph_format="nt",
                                                cap=int(current_app.config["SPARQL_CAP"])))
    if response.status != 200:
        raise SyntaxError(response.body.decode("utf-8", "replace"))
    if response.kind == "graph":
        return [quad.triple for quad in ox.parse(response.body, ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(response.body, ox.QueryResultsFormat.JSON)


def _select_limited(sparql: str) -> SelectResult:
    """One SELECT of a paged question, through the worker pool (its time limit and cap)."""
    result = _run_limited(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise SyntaxError("a paged question's query is not a SELECT")
    variables = [v.value for v in result.variables]
    return SelectResult(variables, [{v: sol[v] for v in variables if sol[v] is not None} for sol in result])


@bp.get("/<name>")
def question(name: str):  # noqa: ANN201
    s = services()
    q = s.questions.get(name)
    if q is None:
        abort(404)
    fmt = request.args.get("format")
    error = None
    candidates: list = []
    result = None
    typed = {p.name: request.args[p.name] for p in q.params if p.name in request.args}
    limit, offset = _page_args(fmt)
    shown = {p.name: typed.get(p.name, p.default) for p in q.params}
    run = bool(request.args) or all(p.default or p.optional for p in q.params)
    seconds = 0.0
    busy = 0  # seconds to wait before retrying, when the SPARQL service is at capacity
    query_args = {k: v for k, v in request.args.items() if k not in ("format", "offset")}
    paged: Answer | None = None
    picks: list[tuple[str, str, str]] = []  # (label, IRI, link re-running the question with that candidate)
    resolved_nodes: dict[str, tuple[str, str]] = {}  # parameter -> (IRI, label) it resolved to
    if run:
        try:
            bindings, resolved = bind(q, typed, resolver())
            nodes = {k: t.value for k, t in bindings.items() if isinstance(t, ox.NamedNode)}
            names = labels_for(s.store, nodes.values()) if nodes else {}
            resolved_nodes = {k: (iri, names.get(iri, iri)) for k, iri in nodes.items()}
            shown.update(_names_for_iris(q, shown, resolved_nodes))
            started = time.perf_counter()
            if q.paging is not None and limit is not None:  # the page only (the same answer as `policykg ask`)
                paged = answer_page(s.store, q, bindings, resolved, limit=limit, offset=offset, select=_select_limited)
            else:
                result = _run_limited(bind_values(with_constants(q.sparql, bindings), bindings))
            seconds = time.perf_counter() - started
        except AmbiguousName as exc:
            candidates = exc.candidates
            which = _ambiguous_param(q, typed, exc)
            error = (f"«{exc.text}» khớp {len(candidates)} tên — chọn một để trả lời "
                     f"(the name is ambiguous: pick one)")
            if which is None:  # cannot tell which box it came from: say it the library's way
                error = str(exc)
            else:
                picks = [(label, iri, url_for("questions.question", name=q.name, **{**query_args, which: iri}))
                         for iri, label in candidates]
        except ParameterError as exc:
            error = str(exc)
        except SyntaxError as exc:
            error = f"query error: {exc}"
        except (QueryTimeout, PoolBusy) as exc:
            error = str(exc)
            busy = exc.retry_after if isinstance(exc, PoolBusy) else 1
    headers = {"Retry-After": str(busy)} if busy else {}
    if error and fmt:
        return Response(error + "\n", status=503 if busy else 400, mimetype="text/plain", headers=headers)
    variables: list[str] = []
    rows: list[dict] = []
    graph_triples: list[ox.Triple] | None = None
    boolean = None
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        cap = int(current_app.config["SPARQL_CAP"])
        for i, sol in enumerate(result):
            if i >= cap:
                break
            rows.append({v: sol[v] for v in variables if sol[v] is not None})
    elif isinstance(result, ox.QueryBoolean):
        boolean = bool(result)
    elif result is not None:
        graph_triples = list(result)
    answer = paged
    if paged is not None:
        variables, rows = paged.result.variables, paged.result.rows
    elif result is not None and graph_triples is None and boolean is None:
        answer = page_answer(q, SelectResult(variables, rows), bindings, resolved, seconds, s.store, limit, offset)
        rows = answer.result.rows
    download = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt in FORMATS and answer is not None:  # the same bytes as `policykg ask --format …`
        return Response(answer_bytes(s.store, answer, fmt), mimetype=media_type(fmt), headers=download)
    if fmt in ("srj", "tsv", "xml") and answer is not None:  # the SPARQL result formats
        suffix = "json" if fmt == "srj" else fmt
        body = serialise_select(variables, [[r.get(v) for v in variables] for r in rows], suffix, False, 0)
        return Response(body, mimetype=MEDIA_BY_SUFFIX[suffix].media_type, headers=download)
    if fmt in ("ttl", "nt", "jsonld", "rdf") and graph_triples is not None:
        return Response(serialise(graph_triples, BY_SUFFIX[fmt]), mimetype=BY_SUFFIX[fmt].media_type,
                        headers=download)
    if fmt:
        abort(400)
    graph = _graph_payload(variables, rows) if q.view == "graph" and rows else None
    timeline = _timeline(variables, rows) if q.view == "timeline" and rows else None
    cols = columns(variables, column_labels(s.settings.data_dir / "column_labels.yaml"), rows)
    html = render_template("question.html", q=q, shown=shown, error=error, candidates=candidates, ran=run,
                           picks=picks, resolved=resolved_nodes, columns=cols,
                           variables=variables, rows=rows, boolean=boolean, graph_triples=graph_triples,
                           graph=graph, timeline=timeline, seconds=seconds, query_args=query_args,
                           total=answer.total if answer else len(rows), offset=offset, limit=limit)
    return html, 503 if busy else 200, headers


def _page_args(fmt: str | None) -> tuple[int | None, int]:
    """limit / offset from the query string: a page shows 100 rows by default, a download every row."""
    def number(key: str) -> int | None:
        text = request.args.get(key, "").strip()
        return int(text) if text.isdigit() and len(text) < 10 else None
    limit = number("limit") or (None if fmt else PAGE_ROWS)
    return (min(limit, MAX_LIMIT) if limit else None), number("offset") or 0
