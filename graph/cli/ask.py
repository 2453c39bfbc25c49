"""CLI commands for analysts: ``ask``, ``report``, ``deps``, ``path``, ``impact``, ``central``.

They parse arguments and hand over to :mod:`graph.query.questions`, :mod:`graph.query.analysis` and
:mod:`graph.query.report`; registered on the ``policykg`` group at the end of graph/cli.py.
"""

from __future__ import annotations

import json
import sys
import textwrap

import click
import pyoxigraph as ox

from graph.config import Settings
from graph.query.analysis import DependencyGraph
from graph.query.answers import answer_bytes
from graph.query.dependencies import Dependant, Dependencies, Page, Step
from graph.query.lookup import labels_for
from graph.query.questions import Answer, QuestionError, Resolver, load_library, parse_assignments, run
from graph.store import PREFIXES, OxigraphStore, StoreError, Term
from graph.vocab import sparql_prefixes

EVIDENCE_COLUMNS = ("evidence", "quotes", "text")


def _store(ctx: click.Context) -> OxigraphStore:
    settings: Settings = ctx.obj["settings"] if ctx.obj else Settings()
    try:
        return OxigraphStore(settings.store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _cell(term: Term | None, labels: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or _compact(term.value)
    return term.value


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render_answer(answer: Answer, width: int = 48) -> str:
    """A readable table; the evidence quotes are printed in full under each row."""
    result = answer.result
    columns = [v for v in result.variables if v not in EVIDENCE_COLUMNS]
    quotes = [v for v in result.variables if v in EVIDENCE_COLUMNS]
    body = [[_clip(_cell(row.get(v), answer.labels), width) for v in columns] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
    out = [f"{answer.question.title}", f"{answer.question.title_en}"]
    for name, shown in answer.shown.items():
        out.append(f"  {name} = {shown}")
    out.append("")
    out.append(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    out.append("-+-".join("-" * w for w in widths))
    for row, cells in zip(result.rows, body, strict=True):
        out.append(" | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
        for q in quotes:
            if row.get(q) is not None:
                wrapped = textwrap.fill(" ".join(row[q].value.split()), width=110, initial_indent=f'    {q}: "',
                                        subsequent_indent="      ")
                out.append(wrapped + '"')
    out.append(f"({_range(answer.offset, len(result.rows), answer.total)}, {answer.seconds * 1000:.1f} ms)")
    return "\n".join(out)


def _range(offset: int, shown: int, total: int) -> str:
    if shown == total:
        return f"{total} rows"
    return f"rows {offset + 1}–{offset + shown} of {total}" if shown else f"no rows at offset {offset} of {total}"


def write_answer(answer: Answer, fmt: str, store: OxigraphStore) -> None:
    if fmt == "table":
        click.echo(render_answer(answer))
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(answer_bytes(store, answer, fmt))
    sys.stdout.buffer.flush()


PAGE_OPTIONS = (
    click.option("--limit", type=click.IntRange(1, 10_000), default=None,
                 help="At most this many rows (ask: default all; deps, impact: default 100)."),
    click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Skip this many rows first."),
)


def paged(fn):  # noqa: ANN001, ANN201
    for option in reversed(PAGE_OPTIONS):
        fn = option(fn)
    return fn


@click.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter, e.g. --param agency='so cong thuong' (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "ttl"]), default="table",
              show_default=True, help="ttl: the facts the answer rests on, with their evidence.")
@paged
@click.pass_context
def ask(ctx: click.Context, name: str | None, params: tuple[str, ...], fmt: str, limit: int | None,
        offset: int) -> None:
    """Ask a named question (queries/*.rq); without NAME, list the questions."""
    try:
        library = load_library()
    except QuestionError as exc:
        raise click.ClickException(str(exc)) from exc
    if not name:
        for q in library.values():
            click.echo(f"{q.name}  [{q.view}]")
            click.echo(f"    {q.title}")
            click.echo(f"    {q.title_en}")
            for p in q.params:
                click.echo(f"    --param {p.name}=…  ({p.type}, default {p.default or '(any)'}) {p.help}")
        click.echo(f"({len(library)} questions)")
        return
    store = _store(ctx)
    try:
        answer = run(store, name, parse_assignments(params), library=library, limit=limit, offset=offset)
    except QuestionError as exc:
        raise click.ClickException(str(exc)) from exc
    write_answer(answer, fmt, store)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def report(ctx: click.Context, fmt: str) -> None:
    """Data-quality report: conflicting dates, shared numbers, discovered entities and bodies, gaps."""
    from graph.query.questions import labels_for
    from graph.query.report import build_report

    store = _store(ctx)
    rep = build_report(store)
    if fmt == "json":
        click.echo(rep.to_json())
    else:  # IRIs shown by their labels (tasks by their section and words, not a bare IRI)
        iris = {v for s in rep.sections for row in s.rows for v in row.values() if v.startswith(("http://", "https://"))}
        click.echo(rep.to_text(labels=labels_for(store, iris)))


def _resolve(store: OxigraphStore, text: str) -> str:
    try:
        return Resolver(store).resolve_any(text).value
    except QuestionError as exc:
        raise click.ClickException(str(exc)) from exc


def _show_steps(labels: dict[str, str], steps: list[Step], indent: str = "    ") -> None:
    for st in steps:
        click.echo(f"{indent}{_label(labels, st.subject)} —{st.predicate}→ {_label(labels, st.object)}")
        for ev in st.evidence[:1]:
            src = f" [{_label(labels, ev.document)}]" if ev.document else ""
            click.echo(f'{indent}    "{_clip(ev.quote, 150)}"{_clip(src, 60)}')


def _label(labels: dict[str, str], iri: str) -> str:
    return labels.get(iri) or iri.rsplit("/", 1)[-1]


def _step_labels(store: OxigraphStore, rows: list[Dependant]) -> dict[str, str]:
    iris = {x for r in rows for s in r.steps for x in (s.subject, s.object, *(e.document or "" for e in s.evidence))}
    return labels_for(store, [i for i in iris if i])


TARGET_KINDS = ("target", "goal")


def target_sources(store: OxigraphStore, iris: list[str]) -> dict[str, dict]:
    """For each target or goal: the document that sets it (IRI and number) and its year, so that two targets
    with the same words can be told apart."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in dict.fromkeys(iris))
    rows = store.select(sparql_prefixes("pol", "prov") + f"""
        SELECT ?t (SAMPLE(?d) AS ?doc) (SAMPLE(?n) AS ?number) (SAMPLE(?y) AS ?year) WHERE {{ VALUES ?t {{ {values} }}
          OPTIONAL {{ {{ ?t prov:wasDerivedFrom ?d }} UNION {{ ?d pol:hasGoal ?t }} ?d a pol:Document .
                     OPTIONAL {{ ?d pol:documentNumber ?n }} }}
          OPTIONAL {{ ?t pol:targetYear ?y }} }} GROUP BY ?t""").rows
    docs = labels_for(store, [r["doc"].value for r in rows if "doc" in r])
    out: dict[str, dict] = {}
    for r in rows:
        doc = r["doc"].value if "doc" in r else None
        out[r["t"].value] = {"document": doc, "documentNumber": r["number"].value if "number" in r else None,
                             "documentLabel": docs.get(doc) if doc else None,
                             "year": int(r["year"].value) if "year" in r and r["year"].value.isdigit() else None}
    return out


def _source_text(source: dict | None) -> str:
    """'  — 57-KL/TU, năm 2025' (what tells a target from another with the same words)."""
    if not source:
        return ""
    parts = [source.get("documentNumber") or _clip(source.get("documentLabel") or "văn bản không rõ", 60)]
    if source.get("year") is not None:
        parts.append(f"năm {source['year']}")
    return "  — " + ", ".join(parts)


def _page_json(page: Page, sources: dict[str, dict] | None = None) -> dict:
    sources = sources or {}
    return {"total": page.total, "offset": page.offset, "limit": page.limit,
            "rows": [{"node": r.node, "kind": r.kind, "label": r.label, "distance": r.distance,
                      **({"source": sources[r.node]} if r.node in sources else {}),
                      "path": [{"subject": s.subject, "predicate": s.predicate, "object": s.object,
                                "evidence": [e.__dict__ for e in s.evidence]} for s in r.steps]}
                     for r in page.rows]}


def _page_sources(store: OxigraphStore, page: Page) -> dict[str, dict]:
    return target_sources(store, [r.node for r in page.rows if r.kind in TARGET_KINDS])


def _show_page(store: OxigraphStore, page: Page, indent: str = "") -> None:
    labels = _step_labels(store, page.rows)
    sources = _page_sources(store, page)
    for r in page.rows:
        click.echo(f"{indent}[{r.kind}] {r.label}{_source_text(sources.get(r.node))}  (distance {r.distance})")
        _show_steps(labels, r.steps, indent + "    ")
    click.echo(f"{indent}({_range(page.offset, len(page.rows), page.total)})")


@click.command()
@click.argument("entity")
@click.option("--direction", type=click.Choice(["up", "down"]), default="up", show_default=True,
              help="up: what depends on ENTITY; down: what ENTITY depends on.")
@click.option("--json", "as_json", is_flag=True)
@paged
@click.pass_context
def deps(ctx: click.Context, entity: str, direction: str, as_json: bool, limit: int | None, offset: int) -> None:
    """Transitive dependencies of ENTITY (a name or IRI), each with its path and the evidence of every edge.

    The dependency model: a task or project depends on what it names, on the wholes and the parts of that
    (never a mere sibling part), and on what those depend on (see README, 'Dependencies')."""
    store = _store(ctx)
    node = _resolve(store, entity)
    model = Dependencies(store)
    page = (model.dependants if direction == "up" else model.requirements)(node, limit=limit or 100, offset=offset)
    if as_json:
        click.echo(json.dumps(_page_json(page, _page_sources(store, page)), ensure_ascii=False, indent=2))
        return
    name = labels_for(store, [node]).get(node, node)
    click.echo(f"What depends on {name}:" if direction == "up" else f"What {name} depends on:")
    _show_page(store, page)


@click.command()
@click.argument("a")
@click.argument("b")
@click.pass_context
def path(ctx: click.Context, a: str, b: str) -> None:
    """How A is connected to B: the shortest chain of facts, with the source sentence of each."""
    store = _store(ctx)
    na, nb = _resolve(store, a), _resolve(store, b)
    graph = DependencyGraph.from_store(store)
    if na == nb:  # the thing itself: nothing to walk
        click.echo(f"{graph.label(na)} … {graph.label(nb)}: 0 steps (the thing itself)")
        return
    steps = graph.explain_path(na, nb)
    if not steps:
        raise click.ClickException(f"no connection between {graph.label(na)} and {graph.label(nb)}")
    click.echo(f"{graph.label(na)} … {graph.label(nb)}: {len(steps)} steps")
    for st in steps:
        click.echo(f"  {graph.label(st.subject)} —{st.predicate}→ {graph.label(st.object)}")
        for ev in st.evidence[:1]:
            src = f" [{graph.label(ev.document)}]" if ev.document else ""
            click.echo(f'      "{_clip(ev.quote, 150)}"{_clip(src, 60)}')


@click.command()
@click.argument("project")
@click.option("--json", "as_json", is_flag=True)
@paged
@click.pass_context
def impact(ctx: click.Context, project: str, as_json: bool, limit: int | None, offset: int) -> None:
    """If PROJECT slips: the tasks and projects that depend on it, and the documents, agencies and targets of
    those tasks, each page with its total."""
    store = _store(ctx)
    node = _resolve(store, project)
    groups = Dependencies(store).impact(node, limit=limit or 100, offset=offset)
    if as_json:
        click.echo(json.dumps({k: _page_json(v, _page_sources(store, v)) for k, v in groups.items()},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"If {labels_for(store, [node]).get(node, node)} slips:")
    for title, page in groups.items():
        click.echo(f"\n== {title} ({page.total})")
        _show_page(store, page, "  ")


@click.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.pass_context
def central(ctx: click.Context, top: int) -> None:
    """Centrality: projects with most dependants, agencies with most tasks, most-cited documents."""
    store = _store(ctx)
    ranking = Dependencies(store).ranking(limit=top)
    labels = labels_for(store, [p for p, _t, _d in ranking.rows])
    click.echo("== Projects, zones and places with the most dependent tasks")
    for n, count, documents in ranking.rows:
        click.echo(f"  {count:4d}  {_label(labels, n)}  ({documents} documents)")
    graph = DependencyGraph.from_store(store)
    click.echo("\n== Agencies carrying the most tasks (lead + cooperating)")
    for n, lead, coop in graph.agencies_by_tasks(top):
        click.echo(f"  {lead + coop:4d}  {graph.label(n)}  (lead {lead}, cooperating {coop})")
    click.echo("\n== Most-cited documents (distinct citing documents)")
    for n, count in graph.most_cited(top):
        click.echo(f"  {count:4d}  {_clip(graph.label(n), 90)}")


@click.command()
@click.argument("query")
@click.option("--kind", "kinds", multiple=True, help="Only this kind (task, document, project, agency, target …; "
              "repeatable).")
@click.option("--document", help="Only what this document sets or says (a number, title or IRI).")
@click.option("--province", help="Only documents of this province (the place in their date line).")
@click.option("--year", type=click.IntRange(1900, 2200), help="Only documents of this year.")
@click.option("--json", "as_json", is_flag=True)
@paged
@click.pass_context
def search(ctx: click.Context, query: str, kinds: tuple[str, ...], document: str | None, province: str | None,
           year: int | None, as_json: bool, limit: int | None, offset: int) -> None:
    """Full-text search over task texts, evidence quotes, document titles, targets, names and aliases
    (diacritics optional: "vung ang" finds "Vũng Áng"); ranked, with the matching words marked."""
    from graph.store.search import IndexVersionError, SearchIndex, index_path

    settings: Settings = ctx.obj["settings"] if ctx.obj else Settings()
    try:
        index = SearchIndex(index_path(settings.store))
    except (FileNotFoundError, IndexVersionError) as exc:
        raise click.ClickException(str(exc)) from exc
    doc = None
    if document:
        store = _store(ctx)
        try:
            doc = Resolver(store).resolve("document", document).value
        except QuestionError as exc:
            raise click.ClickException(str(exc)) from exc
    page = index.search(query, kinds=kinds, document=doc, province=province, year=year, limit=limit or 20,
                        offset=offset)
    if as_json:
        click.echo(json.dumps({"query": query, "total": page.total, "offset": page.offset, "limit": page.limit,
                               "hits": [{"iri": h.iri, "kind": h.kind, "matched_in": h.matched_in, "text": h.text,
                                         "document": h.document, "year": h.year, "province": h.province,
                                         "score": round(h.score, 3),
                                         "snippet": "".join(f"[{s}]" if m else s for s, m in h.snippet)}
                                        for h in page.hits]}, ensure_ascii=False, indent=2))
        return
    for h in page.hits:
        marked = "".join(click.style(s, bold=True, fg="yellow") if m else s for s, m in h.snippet)
        click.echo(f"[{h.kind}] {h.iri}  ({h.matched_in}{f', {h.year}' if h.year else ''})")
        click.echo(f"    {marked}")
    click.echo(f"({_range(page.offset, len(page.hits), page.total)})")


COMMANDS = (ask, report, deps, path, impact, central, search)
