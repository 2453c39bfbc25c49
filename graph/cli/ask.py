"""CLI commands for analysts: ``ask``, ``report``, ``deps``, ``path``, ``impact``, ``central``.

They parse arguments and hand over to :mod:`graph.query.questions`, :mod:`graph.query.analysis` and
:mod:`graph.query.report`; registered on the ``policykg`` group at the end of graph/cli.py.
"""

from __future__ import annotations

import csv
import json
import sys
import textwrap

import click
import pyoxigraph as ox

from graph.config import Settings
from graph.query.analysis import DependencyGraph, Reached, Step
from graph.query.questions import Answer, QuestionError, Resolver, answer_triples, load_library, parse_assignments, run
from graph.store import PREFIXES, OxigraphStore, StoreError, Term

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
    out.append(f"({len(result.rows)} rows, {answer.seconds * 1000:.1f} ms)")
    return "\n".join(out)


def write_answer(answer: Answer, fmt: str, store: OxigraphStore) -> None:
    result = answer.result
    if fmt == "table":
        click.echo(render_answer(answer))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([row[v].value if v in row else "" for v in result.variables])
    elif fmt == "json":
        rows = [{v: row[v].value for v in result.variables if v in row} for row in result.rows]
        labels = {k: v for k, v in answer.labels.items()}
        click.echo(json.dumps({"question": answer.question.name, "title": answer.question.title,
                               "title_en": answer.question.title_en, "parameters": answer.shown,
                               "variables": result.variables, "rows": rows, "labels": labels,
                               "seconds": answer.seconds}, ensure_ascii=False, indent=2))
    elif fmt == "ttl":
        sys.stdout.flush()
        ox.serialize(answer_triples(store, answer), sys.stdout.buffer, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        sys.stdout.buffer.flush()


@click.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter, e.g. --param agency='so cong thuong' (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "ttl"]), default="table",
              show_default=True, help="ttl: the facts the answer rests on, with their evidence.")
@click.pass_context
def ask(ctx: click.Context, name: str | None, params: tuple[str, ...], fmt: str) -> None:
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
        answer = run(store, name, parse_assignments(params), library=library)
    except QuestionError as exc:
        raise click.ClickException(str(exc)) from exc
    write_answer(answer, fmt, store)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def report(ctx: click.Context, fmt: str) -> None:
    """Data-quality report: conflicting dates, shared numbers, unresolved mentions, gaps."""
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


def _show_steps(graph: DependencyGraph, steps: list[Step], indent: str = "    ") -> None:
    for st in steps:
        click.echo(f"{indent}{graph.label(st.subject)} —{st.predicate}→ {graph.label(st.object)}")
        for ev in st.evidence[:1]:
            src = f" [{graph.label(ev.document)}]" if ev.document else ""
            click.echo(f'{indent}    "{_clip(ev.quote, 150)}"{_clip(src, 60)}')


def _show_reached(graph: DependencyGraph, reached: list[Reached], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([{"node": r.node, "kind": r.kind, "label": r.label, "distance": r.distance,
                                "path": [{"subject": s.subject, "predicate": s.predicate, "object": s.object,
                                          "evidence": [e.__dict__ for e in s.evidence]} for s in r.steps]}
                               for r in reached], ensure_ascii=False, indent=2))
        return
    for r in reached:
        click.echo(f"[{r.kind or '?'}] {r.label}  (distance {r.distance})")
        _show_steps(graph, r.steps)
    click.echo(f"({len(reached)} nodes)")


@click.command()
@click.argument("entity")
@click.option("--direction", type=click.Choice(["up", "down"]), default="up", show_default=True,
              help="up: what depends on ENTITY; down: what ENTITY depends on.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def deps(ctx: click.Context, entity: str, direction: str, as_json: bool) -> None:
    """Transitive dependencies of ENTITY (a name or IRI), each with its path and the evidence of every edge."""
    store = _store(ctx)
    node = _resolve(store, entity)
    graph = DependencyGraph.from_store(store)
    reached = graph.upstream(node) if direction == "up" else graph.downstream(node)
    if not as_json:
        click.echo(f"{'Upstream of (depends on)' if direction == 'up' else 'Downstream of'} {graph.label(node)}:")
    _show_reached(graph, reached, as_json)


@click.command()
@click.argument("a")
@click.argument("b")
@click.pass_context
def path(ctx: click.Context, a: str, b: str) -> None:
    """How A is connected to B: the shortest chain of facts, with the source sentence of each."""
    store = _store(ctx)
    na, nb = _resolve(store, a), _resolve(store, b)
    graph = DependencyGraph.from_store(store)
    steps = graph.explain_path(na, nb)
    if not steps:
        raise click.ClickException(f"no connection between {graph.label(na)} and {graph.label(nb)}")
    click.echo(f"{graph.label(na)} … {graph.label(nb)}: {len(steps)} steps")
    _show_steps(graph, steps, indent="  ")


@click.command()
@click.argument("project")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def impact(ctx: click.Context, project: str, as_json: bool) -> None:
    """If PROJECT slips: the tasks, documents, agencies and targets affected, each with its path."""
    store = _store(ctx)
    node = _resolve(store, project)
    graph = DependencyGraph.from_store(store)
    result = graph.impact(node)
    groups = {"tasks": result.tasks, "documents": result.documents, "agencies": result.agencies,
              "targets": result.targets, "other projects, zones, places": result.other}
    if as_json:
        click.echo(json.dumps({k: [{"node": r.node, "label": r.label, "distance": r.distance} for r in v]
                               for k, v in groups.items()}, ensure_ascii=False, indent=2))
        return
    click.echo(f"If {graph.label(node)} slips:")
    for title, reached in groups.items():
        click.echo(f"\n== {title} ({len(reached)})")
        for r in reached:
            click.echo(f"  {r.label}")
            _show_steps(graph, r.steps, indent="      ")


@click.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.pass_context
def central(ctx: click.Context, top: int) -> None:
    """Centrality: projects with most dependants, agencies with most tasks, most-cited documents."""
    graph = DependencyGraph.from_store(_store(ctx))
    click.echo("== Projects, zones and places with the most dependent tasks")
    for n, count in graph.projects_by_dependants(top):
        click.echo(f"  {count:4d}  {graph.label(n)}")
    click.echo("\n== Agencies carrying the most tasks (lead + cooperating)")
    for n, lead, coop in graph.agencies_by_tasks(top):
        click.echo(f"  {lead + coop:4d}  {graph.label(n)}  (lead {lead}, cooperating {coop})")
    click.echo("\n== Most-cited documents (distinct citing documents)")
    for n, count in graph.most_cited(top):
        click.echo(f"  {count:4d}  {_clip(graph.label(n), 90)}")


COMMANDS = (ask, report, deps, path, impact, central)
