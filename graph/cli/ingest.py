"""``policykg ingest PATH…``: take documents in (text, PDF, Word, scans), each all or nothing."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], quiet: bool) -> None:
    """Add documents to the graph: files or folders of .txt (UTF-8, TCVN3, VNI, Windows-1258), .pdf
    (text layer, or a scan read by OCR when Tesseract is installed) and .docx.

    Each file is added, replaces an earlier version of the same document (same number and issuer),
    is skipped when its content is already held, or is refused with the reason; the rest of the batch
    goes on. The original is kept under DATA/sources/originals/, its text as DATA/sources/<key>.txt.
    Exit code 1 when any file was refused.
    """
    from graph.build.ingest import ingest as run_ingest
    from graph.store import StoreError

    settings = ctx.obj["settings"]
    try:
        report = run_ingest(settings, list(paths), progress=not quiet)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.recovered:
        click.echo(f"note: {report.recovered}")
    for outcome in report.outcomes:
        line = f"{outcome.line()} [{outcome.seconds:.2f} s]"
        click.echo(line, err=outcome.status == "refused")
    counts = {s: len(report.by_status(s)) for s in ("added", "replaced", "unchanged", "refused")}
    click.echo("Summary: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + f". Store: {settings.store}")
    if report.refused:
        ctx.exit(1)
