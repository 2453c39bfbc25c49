"""The ``policykg`` command line: it parses arguments and hands over to the library."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import click

from graph.build.sources import SourceError
from graph.config import Settings
from graph.store import OxigraphStore, SelectResult, StoreError, Term


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Data folder (holds sources/ and build/). Default: ./data of the checkout, or $POLICYKG_DATA.")
@click.option("--store", "store_path", type=click.Path(path_type=Path, file_okay=False),
              help="On-disk store folder. Default: DATA/build/store, or $POLICYKG_STORE.")
@click.version_option(package_name="policykg")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, store_path: Path | None) -> None:
    """Knowledge graph of Vietnamese provincial policy documents: build, query, export, serve."""
    kwargs: dict[str, object] = {}
    if data_dir:
        kwargs["data_dir"] = data_dir.resolve()
    if store_path:
        kwargs["store_path"] = store_path.resolve()
    ctx.obj = {"settings": Settings(**kwargs)}


@main.command()
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def build(ctx: click.Context, quiet: bool) -> None:
    """Build the graph from DATA/sources into the store (replaces it only if the build succeeds)."""
    from graph.build.pipeline import build as run_build

    settings = _settings(ctx)
    try:
        report = run_build(settings, progress=not quiet)
    except SourceError as exc:
        raise click.ClickException(f"bad source, nothing changed: {exc}") from exc
    click.echo(f"Built {report.sources} sources in {report.seconds:.2f} s: {report.quads} quads "
               f"({report.inferred} inferred).")
    for kind, n in sorted(report.counts.items()):
        click.echo(f"  {kind:<22} {n}")
    for line in report.unresolved:
        click.echo(f"  unresolved: {line}")
    click.echo(f"Store: {report.store}")


def _open(settings: Settings) -> OxigraphStore:
    try:
        return OxigraphStore(settings.store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdf"]), default="ttl",
              show_default=True, help="nq and trig keep the named graphs (one per source).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True), required=True,
              help="The file to write; '-' writes to standard output.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path) -> None:
    """Export the whole graph to FILE (or to standard output with -o -).

    The graph is written to a temporary file beside FILE and renamed into place when complete, so a
    failed export leaves an existing FILE untouched.
    """
    to_stdout = str(output) == "-"
    if not to_stdout:
        folder = output.parent if str(output.parent) else Path(".")
        if not folder.is_dir():
            raise click.ClickException(f"cannot write {output}: folder {folder} does not exist")
        if output.is_dir():
            raise click.ClickException(f"cannot write {output}: it is a folder")
    settings = _settings(ctx)
    store = _open(settings)
    scratch_dir = None if to_stdout else output.parent if str(output.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=".policykg-export-", suffix=f".{fmt}", dir=scratch_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    os.close(fd)
    scratch = Path(name)
    try:
        if fmt == "jsonld":
            from graph.query.exports import write_jsonld

            write_jsonld(store, scratch, settings)
        else:
            store.dump(scratch, fmt)
        size = scratch.stat().st_size
        if to_stdout:
            with scratch.open("rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            umask = os.umask(0)
            os.umask(umask)
            scratch.chmod(0o666 & ~umask)  # mkstemp's file is private; the export gets the usual mode
            os.replace(scratch, output)
    except BrokenPipeError:  # the reader went away (`… -o - | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        ctx.exit(1)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        scratch.unlink(missing_ok=True)
    click.echo(f"Wrote {'standard output' if to_stdout else output} ({size} bytes, {fmt}).", err=to_stdout)


def format_term(term: Term | None) -> str:
    if term is None:
        return ""
    return term.value


def print_result(result: SelectResult, fmt: str) -> None:
    if fmt == "json":
        rows = [{k: format_term(v) for k, v in row.items()} for row in result.rows]
        click.echo(json.dumps({"variables": result.variables, "rows": rows}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([format_term(row.get(v)) for v in result.variables])
    else:
        click.echo(render_table(result))


def render_table(result: SelectResult, max_width: int = 60) -> str:
    def cell(v: Term | None) -> str:
        text = format_term(v).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    header = result.variables
    body = [[cell(row.get(v)) for v in header] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    lines.append(f"({len(body)} rows)")
    return "\n".join(lines)


@main.command()
@click.argument("query_file", type=click.File("r", encoding="utf-8"))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def query(ctx: click.Context, query_file, fmt: str) -> None:  # noqa: ANN001
    """Run a SPARQL query from QUERY_FILE (or - for stdin) against the store."""
    text = query_file.read()
    store = _open(_settings(ctx))
    try:
        results = store.query(text)
    except SyntaxError as exc:
        raise click.ClickException(f"malformed SPARQL: {exc}") from exc
    import pyoxigraph as ox

    if isinstance(results, ox.QueryBoolean):
        click.echo("true" if bool(results) else "false")
    elif isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = [{v: s[v] for v in variables if s[v] is not None} for s in results]
        print_result(SelectResult(variables, rows), fmt)
    else:
        out = sys.stdout.buffer
        ox.serialize(results, out, ox.RdfFormat.TURTLE)


@main.command()
@click.option("--shapes", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="SHACL shapes (default: ontology/shapes.ttl).")
@click.pass_context
def validate(ctx: click.Context, shapes: Path | None) -> None:
    """Validate the store against the SHACL shapes; exits 1 on any violation."""
    from graph.query.validate import validate_store

    settings = _settings(ctx)
    conforms, text = validate_store(_open(settings), shapes or settings.ontology_dir / "shapes.ttl",
                                    settings.ontology_dir / "pol.ttl")
    click.echo(text)
    if not conforms:
        sys.exit(1)


@main.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Counts of documents, tasks, targets, agencies, projects … in the store."""
    from graph.build.pipeline import count_kinds

    store = _open(_settings(ctx))
    click.echo(f"quads: {store.count()}")
    for kind, n in sorted(count_kinds(store.native).items()):
        click.echo(f"  {kind:<22} {n}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--build/--no-build", "rebuild", default=False, help="Build the graph before serving.")
@click.option("--server", type=click.Choice(["granian", "waitress"]), default=None,
              help="HTTP server (default: $POLICYKG_SERVER, else granian).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, rebuild: bool, server: str | None) -> None:
    """Serve the web app, SPARQL endpoint and linked data on HOST:PORT."""
    settings = _settings(ctx)
    if rebuild:
        ctx.invoke(build)
    from webapp import serve as run_server

    click.echo(f"Serving on http://{host}:{port}/ (store: {settings.store}); press Ctrl+C to stop")
    run_server(settings, host, port, server=server)

from graph.cli.ask import ask, central, deps, impact, path, report, search  # noqa: E402

main.add_command(ask)
main.add_command(report)
main.add_command(deps)
main.add_command(path)
main.add_command(impact)
main.add_command(central)
main.add_command(search)

from graph.cli.remote import push  # noqa: E402

main.add_command(push)

from graph.cli.evaluate import evaluate  # noqa: E402

main.add_command(evaluate)
from graph.cli.ingest import ingest  # noqa: E402

main.add_command(ingest)


if __name__ == "__main__":
    main()
