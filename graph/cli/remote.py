"""``policykg push``: copy the built store into a SPARQL 1.1 server (Graph Store HTTP Protocol)."""

from __future__ import annotations

import time

import click

from graph.config import ONTOLOGY_IRI
from graph.store import OxigraphStore, StoreError


@click.command()
@click.option("--endpoint", required=True, help="The server's SPARQL query endpoint, e.g. http://127.0.0.1:8890/sparql.")
@click.option("--gsp", "gsp_endpoint",
              help="Graph Store endpoint. Default: ENDPOINT with /sparql replaced by /sparql-graph-crud-auth "
                   "(Virtuoso) when a user is given, else /sparql-graph-crud.")
@click.option("--user", help="User for Digest/Basic authentication (Virtuoso: a user with SPARQL_UPDATE).")
@click.option("--password", help="Password for --user (or $POLICYKG_PASSWORD).", envvar="POLICYKG_PASSWORD")
@click.option("--keep-stale", is_flag=True,
              help="Do not remove graphs under the project's IRIs that the built store no longer has.")
@click.pass_context
def push(ctx: click.Context, endpoint: str, gsp_endpoint: str | None, user: str | None, password: str | None,
         keep_stale: bool) -> None:
    """Load the built store into a remote SPARQL server, graph by graph (each one replaced)."""
    from graph.store.remote import SparqlStore

    settings = ctx.obj["settings"]
    try:
        local = OxigraphStore(settings.store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if gsp_endpoint is None:
        if not endpoint.rstrip("/").endswith("/sparql"):
            raise click.ClickException("cannot guess the Graph Store endpoint from --endpoint: give --gsp")
        gsp_endpoint = endpoint.rstrip("/") + ("-graph-crud-auth" if user else "-graph-crud")
    remote = SparqlStore(endpoint, gsp_endpoint=gsp_endpoint, user=user, password=password,
                         graph_prefixes=None if keep_stale else (settings.base, ONTOLOGY_IRI))
    started = time.perf_counter()
    try:
        sent = remote.replace_all(local.native)
        held = remote.count()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Pushed {sent} quads in {time.perf_counter() - started:.2f} s to {gsp_endpoint}; "
               f"the server now holds {held} quads in the project's graphs.")
    if not keep_stale and held != sent:
        raise click.ClickException(f"the server holds {held} quads, {sent} were sent")
