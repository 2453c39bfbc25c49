"""The whole build, one stage after another:
``sources -> normalise -> extract -> resolve -> emit -> reason -> store``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from graph.build.emit.bodies import BodyNodes
from graph.build.emit.documents import emit_documents, emit_sources
from graph.build.emit.entities import emit_entities
from graph.build.emit.rdf import QuadSink
from graph.build.emit.targets import emit_target_links, emit_targets
from graph.build.emit.tasks import emit_tasks
from graph.build.extract import ExtractionContext, extract
from graph.build.iris import Minter
from graph.build.model import Extraction, Parsed
from graph.build.normalise import normalise
from graph.build.provenance import Ledger, emit_provenance
from graph.build.reason import after_materialised, materialise, materialised, rules_of
from graph.build.resolve import DocumentIndex, DocumentScope, resolve_documents
from graph.build.sources import read_sources
from graph.config import Settings
from graph.store import OxigraphStore, write_store
from graph.store.search import build_index, index_path
from graph.vocab import ONTOLOGY_GRAPH

# The emitters after documents, in order: (sink, extractions, index, ctx) -> None
EMITTERS: list[Callable[[QuadSink, list[Extraction], DocumentIndex, ExtractionContext], None]] = [
    emit_tasks,  # tasks, agencies, groups
    emit_targets,  # goals, targets, indicators
    emit_target_links,  # task -> target pol:contributesTo
    emit_entities,  # projects, zones, places (SKOS gazetteer), task/entity links
]


@dataclass
class BuildReport:
    store: Path
    sources: int
    quads: int
    inferred: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


def run_extraction(settings: Settings, *, progress: bool = False) -> tuple[list[Extraction], ExtractionContext]:
    """Read, normalise and extract every source (no store is touched)."""
    sources = read_sources(settings.sources_dir)
    ctx = ExtractionContext(settings)
    extractions = []
    for source in tqdm(sources, desc="extract", unit="doc", disable=not progress):
        extractions.append(extract(Parsed(source, normalise(source.raw)), ctx))
    return extractions, ctx


def build_dataset(settings: Settings, *, progress: bool = False) -> tuple[ox.Store, DocumentIndex, list[Extraction]]:
    """Everything up to and including reasoning, in memory."""
    extractions, ctx = run_extraction(settings, progress=progress)
    memory, index = dataset_from_extractions(settings, extractions, ctx)
    return memory, index, extractions


def dataset_from_extractions(settings: Settings, extractions: list[Extraction], ctx: ExtractionContext,
                             ledger: Ledger | None = None) -> tuple[ox.Store, DocumentIndex]:
    """Resolve, emit and reason over extractions (in source-file order), in memory.

    ``ledger``: the record of ingested files (default: the one in the sources folder), for provenance.
    """
    quads, index = stated_quads(settings, extractions, ctx, ledger)
    memory = ox.Store()
    memory.bulk_extend(quads)
    materialise(memory, Minter(settings.base).inferred_graph())
    return memory, index


def stated_quads(settings: Settings, extractions: list[Extraction], ctx: ExtractionContext,
                 ledger: Ledger | None = None) -> tuple[list[ox.Quad], DocumentIndex]:
    """Resolve and emit extractions (in source-file order): every stated quad, the ontology's included (its
    own graph); nothing reasoned yet."""
    minter = Minter(settings.base)
    index = resolve_documents(extractions, minter, document_scope(extractions, ctx))
    sink = QuadSink(minter)
    emit_dataset(sink, extractions, index, ctx, ledger if ledger is not None else Ledger.load(settings.sources_dir))
    quads = list(sink.quads())
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    for path in sorted(settings.ontology_dir.glob("pol.ttl")):
        quads += (ox.Quad(q.subject, q.predicate, q.object, ontology)
                  for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return quads, index


def emit_dataset(sink: QuadSink, extractions: list[Extraction], index: DocumentIndex, ctx: ExtractionContext,
                 ledger: Ledger) -> None:
    """Every emitter, in order, over ``extractions`` (the whole corpus for a build; for an ingest, the
    sources whose graphs change, with the document index of the whole corpus)."""
    sink.document_iris.update(index.held)
    sink.bodies = BodyNodes(sink, ctx, extractions)
    emit_sources(sink, extractions, index)
    emit_documents(sink, extractions, index, ctx.document_types, ctx.agencies)
    for emitter in EMITTERS:
        emitter(sink, extractions, index, ctx)
    sink.bodies.finish()  # per source graph: what a body, its province and its successions are
    emit_provenance(sink, extractions, ledger)


def document_scope(extractions: list[Extraction], ctx: ExtractionContext) -> DocumentScope:
    """Each source's province, for scoping the documents it prints and cites."""
    return DocumentScope(ctx.bodies, ctx.provinces, {
        ex.parsed.key: ctx.provinces.get(ex.document.jurisdiction) if ex.document.jurisdiction else None
        for ex in extractions})


def build(settings: Settings | None = None, *, progress: bool = False) -> BuildReport:
    """Build the graph from the sources and replace the store (atomically; a failure changes nothing)."""
    from graph.build.ingest import remember_build
    from graph.build.transaction import locked, recover

    settings = settings or Settings()
    started = time.perf_counter()
    with locked(settings.build_dir):
        recover(settings.store, settings.build_dir)  # an ingest killed half-way is finished or undone first
        extractions, ctx = run_extraction(settings, progress=progress)
        quads, index = stated_quads(settings, extractions, ctx)
        # reasoned on as they go to the on-disk store, the inferred graph after them: no store in memory, and
        # the build's time grows with the corpus (bench/RESULTS.md)
        inferred = ox.NamedNode(Minter(settings.base).inferred_graph())
        n_inferred = 0

        def finish(written: ox.Store) -> None:  # on the written store, before it replaces the old one
            nonlocal n_inferred
            after_materialised(written, inferred.value)
            count = written.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {inferred} {{ ?s ?p ?o }} }}")  # in the store
            n_inferred = int(next(iter(count))[0].value)  # type: ignore[arg-type, index]

        total = write_store(settings.store, materialised(quads, inferred.value, *rules_of(quads)), finish)
        del quads
        store = OxigraphStore(settings.store)
        build_index(store, index_path(settings.store))  # full-text search, beside the store
        remember_build(settings, extractions)
    report = BuildReport(settings.store, len(extractions), total, n_inferred, time.perf_counter() - started)
    report.counts = count_kinds(store.native)
    report.unresolved = [f"{ref.type} {ref.number} ({ref.evidence.source}): {why}" for ref, why in index.unresolved]
    return report


def count_kinds(store: ox.Store) -> dict[str, int]:
    query = """
        PREFIX pol: <https://w3id.org/policykg/ont#>
        SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
          VALUES (?cls ?kind) {
            (pol:Document "documents") (pol:Task "tasks") (pol:Target "targets") (pol:Goal "goals")
            (pol:Agency "agencies") (pol:AgencyGroup "agency groups") (pol:InfrastructureProject "projects")
            (pol:Zone "zones") (pol:Place "places") (pol:Evidence "evidence nodes")
          }
          ?x a ?cls
        } GROUP BY ?kind"""
    counts = {r["kind"].value: int(r["n"].value) for r in store.query(query, use_default_graph_as_union=True)}
    held = store.query("""PREFIX pol: <https://w3id.org/policykg/ont#>
        SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a pol:Document ; pol:heldInCorpus true }""",
                       use_default_graph_as_union=True)
    counts["documents held"] = int(next(iter(held))["n"].value)
    counts["documents cited only"] = counts.get("documents", 0) - counts["documents held"]
    links = store.query("""PREFIX pol: <https://w3id.org/policykg/ont#>
        SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a pol:cites ?b } FILTER(!CONTAINS(STR(?g), "/inferred")) }""")
    counts["citation links"] = int(next(iter(links))["n"].value)
    return counts
