"""CLI command ``evaluate``: score the extraction on a gold corpus (hands over to :mod:`graph.build.evaluate`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.config import Settings


@click.command()
@click.argument("corpus_dir", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option("--split", type=click.Choice(["dev", "heldout", "all"]), default="dev", show_default=True,
              help="Which folder of DIR to score (a DIR with neither dev/ nor heldout/ is scored as it is).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--per-document", is_flag=True, help="Also every document's own field table and its errors.")
@click.option("--goals", "goals_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="A goals file (e.g. tests/corpus/goals.yaml): list the goals missed and exit 1 if any.")
@click.pass_context
def evaluate(ctx: click.Context, corpus_dir: Path, split: str, fmt: str, per_document: bool,
             goals_path: Path | None) -> None:
    """Run the extraction on every DIR/<split>/<id>.txt and score it against <id>.yaml: precision, recall,
    F1 and counts per field, per document, and the hard checks (self-citations, tasks from recipients …).

    Nothing is written: the store is not touched."""
    from graph.build.evaluate import CorpusError, check_goals, evaluate_corpus, load_goals

    settings: Settings = ctx.obj["settings"] if ctx.obj else Settings()
    try:
        goals = load_goals(goals_path) if goals_path else None
        result = evaluate_corpus(corpus_dir, split, settings)
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from exc
    failures = check_goals(result, goals) if goals is not None else []
    if fmt == "json":
        import json

        data = result.to_dict(per_document)
        if goals is not None:
            data["goal_failures"] = failures
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(result.render(per_document))
        if goals is not None:
            click.echo("")
            click.echo(f"goals missed: {len(failures)}" if failures else "all goals met")
            for line in failures:
                click.echo(f"  - {line}")
    if failures:
        sys.exit(1)
