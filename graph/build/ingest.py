"""``policykg ingest``: take documents in one at a time, incrementally, atomically, with their versions.

For each file: read it (:mod:`graph.build.readers`: text in any Vietnamese encoding, PDF, Word, scans by
OCR), refuse it with the reason if it cannot be read (the batch goes on), and otherwise

1. decide what it is: the **same content** as a source already held (a no-op that says so), a **new
   version** of a held document (same number and issuer, other content: it replaces that source and the
   previous version's record is kept), or a **new** document;
2. keep the original under ``data/sources/originals/<sha256>.<ext>`` (never overwritten: the name is the
   content), its extracted text as ``data/sources/<key>.txt`` (what ``policykg build`` reads) and its
   record in the ledger ``data/sources/ingest.json`` (:class:`~graph.build.provenance.Ledger`);
3. update the store **incrementally**: only the graphs whose content changes are rewritten — the new
   document's own graph, and those of the sources that share a document number, an agency spelling or an
   indicator with it (their citations may resolve differently) — plus the inferences the change adds or
   takes back, and the dependency model (:func:`graph.build.reason.update_needs`), each computed on the
   neighbourhood of the changed facts.
   What is written is what :func:`graph.build.pipeline.build_dataset` writes for the same sources: the
   same emitters run over the affected sources with the document index of the whole corpus;
4. all or nothing (:mod:`graph.build.transaction`).

Per-source extractions are cached under ``build/cache`` (keyed by the text's checksum and a stamp of the
code and curated data), with a small index of every source's document record, so one document goes
into a store of a thousand without re-reading the others.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.build.counts import update_counts
from graph.build.emit.rdf import QuadSink
from graph.build.extract import ExtractionContext, extract
from graph.build.extract.document_step import document_record
from graph.build.iris import Minter, slug
from graph.build.model import AgencyRef, DocumentRecord, DocumentRef, Evidence, Extraction, Parsed
from graph.build.normalise import NormalisedText, normalise
from graph.build.provenance import ORIGINALS_DIR, Ledger, change_summary, counts
from graph.build.readers import ReadDocument, read_document
from graph.build.reason import update_needs
from graph.build.reason_delta import Rules, incremental_inferences, retracted_inferences, retracted_triples
from graph.build.resolve import DocumentIndex, resolve_documents
from graph.build.sources import SOURCE_SUFFIXES, Source, SourceError, read_source
from graph.build.transaction import Change, fault_point, locked, recover
from graph.config import PROJECT_ROOT, Settings
from graph.text import fold
from graph.vocab import POL

READABLE = (".txt", ".pdf", ".docx")
EMPTY_TEXT = NormalisedText("", (), ())
_NO_REF = DocumentRef("", None, None, None, None, Evidence("aliases", 0, 0, ""))
_WARM_UP = ("KẾ HOẠCH\nThực hiện Nghị quyết số 1-NQ/TU ngày 1/1/2020.\n1. Giao Sở Công Thương chủ trì, phối hợp "
            "với Sở Tài chính đầu tư cảng Vũng Áng, đạt 10% năm 2025.")


# --- the outcome of one file ------------------------------------------------------------------------------

@dataclass
class Outcome:
    path: Path
    status: str  # added | replaced | unchanged | refused (the file) | failed (the system: disk full …)
    message: str
    key: str | None = None
    document: str | None = None  # IRI of the document the source holds
    seconds: float = 0.0
    ocr: bool = False
    graphs_written: int = 0

    def line(self) -> str:
        return f"{self.status:<9} {self.path.name}: {self.message}"


@dataclass
class IngestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    recovered: str | None = None

    def by_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def refused(self) -> bool:
        """Whether any file was not taken in (refused, or failed)."""
        return any(o.status in ("refused", "failed") for o in self.outcomes)


# --- caches -----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def code_stamp() -> str:
    """Changes whenever the extraction code or the curated data change (so caches never go stale)."""
    h = hashlib.sha1()
    files = sorted((PROJECT_ROOT / "graph" / "build").rglob("*.py"))
    for path in files:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _data_stamp(settings: Settings) -> str:
    h = hashlib.sha1(code_stamp().encode())
    for path in sorted(settings.data_dir.glob("*.yaml")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


@dataclass
class SourceSummary:
    """What the incremental update needs to know about a source without reading it again."""

    key: str
    file_name: str
    sha256: str
    record: DocumentRecord
    agencies: list[AgencyRef]  # one per (canonical name, printed spelling) it prints (not groups)
    variants: set[tuple[str, str]]  # (canonical name, printed variant) where they differ
    indicators: dict[str, str]  # indicator slug -> the first printed form in this source
    counts: dict[str, int]

    def document_keys(self) -> set[tuple[str, str]]:
        """(type, number) of every numbered document it is or cites."""
        refs = [self.record.ref] + [r for c in self.record.citations for r in (c.cited, c.citing) if r is not None]
        return {(ref.type, ref.number) for ref in refs if ref.number}


def summarise(ex: Extraction) -> SourceSummary:
    from graph.build.iris import slug as make_slug

    refs = [r for t in ex.tasks for r in (*t.lead, *t.cooperating)] + list(ex.agencies)
    agencies: dict[tuple[str, str], AgencyRef] = {}
    variants: set[tuple[str, str]] = set()
    for ref in refs:
        if ref.group:
            continue
        variant = " ".join(ref.printed.split())
        agencies.setdefault((ref.name, variant), ref)
        if variant and variant != ref.name:
            variants.add((ref.name, variant))
    indicators: dict[str, str] = {}
    for t in ex.targets:
        indicators.setdefault(make_slug(t.indicator), t.indicator)
    return SourceSummary(ex.parsed.key, ex.parsed.source.file_name, ex.parsed.source.sha256, ex.document,
                         list(agencies.values()), variants, indicators, counts(ex))


def _homes(index: DocumentIndex, keys: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """For each (type, number): the sources whose graphs hold its nodes' own facts, and the years it has."""
    out: dict[tuple[str, str], set[str]] = {k: set() for k in keys}
    for node in index.nodes.values():
        k = (node.type, node.number or "")
        if k in out:
            sources = sorted({ev.source for ev in node.mentions})
            home = node.held_by or (sources[0] if sources else None)
            if home:
                out[k].add(home)
            out[k].add(f"year:{node.year}")
    return out


def affected_sources(before: dict[str, SourceSummary], after: dict[str, SourceSummary], key: str,
                     index_before: DocumentIndex | None, index_after: DocumentIndex) -> set[str]:
    """The sources whose own graph can change when ``key`` goes from ``before[key]`` (if any) to ``after[key]``.

    * documents it is or cites: the graphs that hold those documents' own facts (type, dates, flags) before
      and after; and, when the years known for a number change, every source naming the number (its undated
      citations may resolve differently);
    * agency spellings: the first source (in file order) that prints a spelling holds its skos:altLabel;
    * indicators: every graph with an indicator carries the label first printed anywhere.
    """
    old, new = before.get(key), after[key]
    affected = {key}
    doc_keys = new.document_keys() | (old.document_keys() if old else set())
    homes_after = _homes(index_after, doc_keys)
    homes_before = _homes(index_before, doc_keys) if index_before is not None else {}
    for k in doc_keys:
        a, b = homes_after.get(k, set()), homes_before.get(k, set())
        affected |= {h for h in a | b if not h.startswith("year:")}
        if {h for h in a if h.startswith("year:")} != {h for h in b if h.startswith("year:")}:
            affected |= {s for s, summary in after.items() if k in summary.document_keys()}
    order_before = sorted(before, key=lambda k: before[k].file_name)
    order_after = sorted(after, key=lambda k: after[k].file_name)
    for variant in new.variants | (old.variants if old else set()):
        holders = {next((k for k in order if variant in corpus[k].variants), None)
                   for order, corpus in ((order_before, before), (order_after, after))}
        if len(holders) > 1:
            affected |= {h for h in holders if h}
    for slug_ in set(new.indicators) | (set(old.indicators) if old else set()):
        firsts = []
        for order, corpus in ((order_before, before), (order_after, after)):
            firsts.append(next((corpus[k].indicators[slug_] for k in order if slug_ in corpus[k].indicators), None))
        if firsts[0] != firsts[1]:
            affected |= {s for s, summary in after.items() if slug_ in summary.indicators}
    return {k for k in affected if k in after}


class Cache:
    """Pickled extractions by text checksum, and the corpus index (every source's summary)."""

    def __init__(self, settings: Settings) -> None:
        self.dir = settings.build_dir / "cache"
        self.stamp = _data_stamp(settings)

    def _extraction_path(self, sha: str) -> Path:
        return self.dir / "extractions" / f"{sha}-{self.stamp}.pickle"

    def extraction(self, sha: str) -> Extraction | None:
        path = self._extraction_path(sha)
        if not path.exists():
            return None
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # a cache file cut short by a kill: read the source again
            return None

    def save_extraction(self, ex: Extraction) -> None:
        path = self._extraction_path(ex.parsed.source.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{time.time_ns()}")
        tmp.write_bytes(pickle.dumps(ex, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)

    @property
    def summaries_dir(self) -> Path:
        return self.dir / f"summaries-{self.stamp}"

    def corpus(self) -> dict[str, SourceSummary] | None:
        """Every source's summary (one small file each, so an ingest rewrites only its own)."""
        folder = self.summaries_dir
        if not folder.is_dir():
            return None
        corpus: dict[str, SourceSummary] = {}
        for path in folder.glob("*.pickle"):
            try:
                summary = pickle.loads(path.read_bytes())
            except Exception:  # cut short by a kill: the caller rebuilds what is missing
                continue
            corpus[summary.key] = summary
        return corpus

    def save_summary(self, summary: SourceSummary) -> None:
        folder = self.summaries_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha1(summary.key.encode()).hexdigest()[:20]}.pickle"
        tmp = path.with_suffix(f".tmp-{time.time_ns()}")
        tmp.write_bytes(pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)

    def save_corpus(self, corpus: dict[str, SourceSummary]) -> None:
        for summary in corpus.values():
            self.save_summary(summary)
        known = {f"{hashlib.sha1(k.encode()).hexdigest()[:20]}.pickle" for k in corpus}
        for path in self.summaries_dir.glob("*.pickle"):
            if path.name not in known:
                path.unlink(missing_ok=True)


def extract_source(source: Source, ctx: ExtractionContext, cache: Cache | None = None) -> Extraction:
    if cache is not None:
        cached = cache.extraction(source.sha256)
        if cached is not None and cached.parsed.key == source.key:
            return cached
    ex = extract(Parsed(source, normalise(source.raw)), ctx)
    if cache is not None:
        cache.save_extraction(ex)
    return ex


# --- identity ---------------------------------------------------------------------------------------------

def _issuer_key(record: DocumentRecord) -> str:
    return fold(record.ref.issuer or "")


def find_previous_version(corpus: dict[str, SourceSummary], record: DocumentRecord) -> str | None:
    """The held source with the same document number and issuer (None for documents without a number)."""
    number = record.ref.number
    if not number:
        return None
    for key, summary in sorted(corpus.items()):
        ref = summary.record.ref
        if ref.number == number and ref.type == record.ref.type and _issuer_key(summary.record) == _issuer_key(record):
            return key
    return None


def new_key(name: str, sha: str, taken: Iterable[str]) -> str:
    """A source key from the file name ('Kế hoạch 57.pdf' -> 'ke-hoach-57'), made unique with the checksum."""
    base = slug(Path(name).stem, 60)
    taken = set(taken)
    return base if base not in taken else f"{base}-{sha[:8]}"


# --- the incremental update ---------------------------------------------------------------------------------

def _slim(summary: SourceSummary) -> Extraction:
    """An extraction that holds only what resolving documents and naming agencies need (its own graph cannot
    be emitted from it)."""
    source = Source(summary.key, Path(summary.file_name), "", summary.sha256)
    return Extraction(parsed=Parsed(source, EMPTY_TEXT), document=summary.record, agencies=list(summary.agencies))


def _filtered_index(index: DocumentIndex, keys: set[str]) -> DocumentIndex:
    nodes = {iri_: n for iri_, n in index.nodes.items()
             if n.held_by in keys or any(ev.source in keys for ev in n.mentions)}
    links = [link for link in index.links if link.evidence.source in keys]
    return DocumentIndex(nodes, index.held, links, index.unresolved)


def emit_affected(settings: Settings, ctx: ExtractionContext, index: DocumentIndex, exs: list[Extraction],
                  ledger: Ledger, keys: set[str] | None = None) -> dict[str, set[ox.Quad]]:
    """The quads of the graphs of ``keys`` (default: every source in ``exs``), written by the build's own
    emitters (:func:`graph.build.pipeline.emit_dataset`) over the affected sources, in file order, with the
    document index of the whole corpus. What depends on sources that are not re-emitted (the first source to
    print a spelling or an indicator) is set afterwards by :func:`first_printed`."""
    from graph.build.pipeline import emit_dataset

    minter = Minter(settings.base)
    keys = keys if keys is not None else {ex.parsed.key for ex in exs}
    sink = QuadSink(minter)
    emit_dataset(sink, exs, _filtered_index(index, keys), ctx, ledger)
    graphs = {minter.graph(k): set() for k in keys}
    for quad in canonical(q for q in sink.quads() if q.graph_name.value in graphs):
        graphs[quad.graph_name.value].add(quad)
    return graphs


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads as the store gives them back (literals in canonical form: "51.0"^^xsd:decimal is "51"),
    so that what is emitted compares equal to what is stored."""
    memory = ox.Store()
    memory.extend(quads)
    return list(memory)


def first_printed(graphs: dict[str, set[ox.Quad]], corpus: dict[str, SourceSummary], order: list[str],
                  minter: Minter) -> None:
    """Make graphs emitted without the rest of the corpus say what the full build says where the first source
    to print something decides: an agency spelling is a ``skos:altLabel`` only in the graph of the first
    source (in file order) that prints it; an indicator's label is its first printed form anywhere."""
    from graph.build.emit.rdf import RDFS, SKOS

    holder: dict[tuple[str, str], str] = {}
    first_form: dict[str, str] = {}
    for k in order:
        for variant in corpus[k].variants:
            holder.setdefault(variant, k)
        for slug_, form in corpus[k].indicators.items():
            first_form.setdefault(slug_, form)
    alt, label, pref = ox.NamedNode(SKOS + "altLabel"), ox.NamedNode(RDFS + "label"), ox.NamedNode(SKOS + "prefLabel")
    for k, summary in corpus.items():
        g = minter.graph(k)
        if g not in graphs:
            continue
        quads = graphs[g]
        foreign: set[tuple[str, str]] = set()  # bodies: each source states its own spellings (emit/bodies.py)
        indicator = {minter.iri("indicator", s): first_form[s] for s in summary.indicators}
        for q in list(quads):
            if q.predicate == alt and (q.subject.value, q.object.value) in foreign:
                quads.discard(q)
            elif q.predicate in (label, pref) and q.subject.value in indicator:
                form = indicator[q.subject.value]
                if q.object.value != form:
                    quads.discard(q)
                    quads.add(ox.Quad(q.subject, q.predicate, ox.Literal(form, language="vi"), q.graph_name))


# --- ingesting ------------------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _original_name(read: ReadDocument) -> str:
    return f"{ORIGINALS_DIR}/{read.sha256}{read.path.suffix.lower() or '.' + read.format}"


class Ingester:
    """Ingests files into the store of ``settings`` (one at a time, each all or nothing)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ctx = ExtractionContext(settings)
        self.cache = Cache(settings)
        self.minter = Minter(settings.base)
        self.last_document: str | None = None  # the IRI of the document the last ingest added or replaced
        self._corpus: dict[str, SourceSummary] | None = None

    def warm(self) -> Ingester:
        """Load the curated data the extractors use (a server does it once; the first ingest would)."""
        parsed = Parsed(Source("warm-up", Path("warm-up.txt"), "", "0" * 64), normalise(_WARM_UP))
        extract(parsed, self.ctx)
        return self

    # corpus state -----------------------------------------------------------------------------------------
    def _source_files(self) -> list[Path]:
        folder = self.settings.sources_dir
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)

    def _store_shas(self, store: ox.Store) -> dict[str, str]:
        rows = store.query(f"SELECT ?g ?sha WHERE {{ GRAPH ?g {{ ?t a <{POL}SourceText> ; <{POL}sha256> ?sha }} }}")
        return {r["g"].value: r["sha"].value for r in rows}

    def corpus(self, store: ox.Store | None) -> dict[str, SourceSummary] | None:
        """Every source's summary, when the store holds exactly the sources folder; else None (rebuild).

        Kept in memory across the files of a batch (and the requests of the web app); summaries missing
        from the cache (a first run, a changed code stamp) are made from the sources."""
        if store is None:
            return None
        held = self._store_shas(store)
        if self._corpus is None:
            self._corpus = self.cache.corpus() or {}
        files = {p.stem: p for p in self._source_files()}
        for key in set(self._corpus) - set(files):
            del self._corpus[key]
        for key, path in files.items():
            summary = self._corpus.get(key)
            if summary is None or held.get(self.minter.graph(key)) != summary.sha256:
                ex = extract_source(read_source(path), self.ctx, self.cache)
                self._corpus[key] = summarise(ex)
                self.cache.save_summary(self._corpus[key])
        want = {self.minter.graph(k): s.sha256 for k, s in self._corpus.items()}
        return dict(self._corpus) if held == want else None

    # one file ---------------------------------------------------------------------------------------------
    def ingest(self, path: Path, *, display_name: str | None = None) -> Outcome:
        started = time.perf_counter()
        name = display_name or path.name
        try:
            read = read_document(path)
        except SourceError as exc:
            return Outcome(path, "refused", exc.reason, seconds=time.perf_counter() - started)
        try:
            outcome = self._ingest_read(read, name)
        except SourceError as exc:
            outcome = Outcome(path, "refused", exc.reason)
        except Exception as exc:  # disk full, a bug …: this file failed, nothing changed, the batch goes on
            outcome = Outcome(path, "failed", f"nothing changed: {type(exc).__name__}: {exc}")
        if outcome.status in ("added", "replaced") and self.last_document:
            self._reindex(self.last_document)
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _reindex(self, document: str) -> None:
        """The full-text index (beside the store, built by ``policykg build``) follows the ingested document;
        it is a derived index: when it is missing or cannot be written, ``policykg build`` rebuilds it."""
        from graph.store.search import index_document, index_path

        path = index_path(self.settings.store)
        if not path.exists():
            return
        try:
            index_document(path, ox.Store.read_only(str(self.settings.store)), document)
        except (OSError, sqlite3.Error):
            pass

    def _ingest_read(self, read: ReadDocument, name: str) -> Outcome:
        settings = self.settings
        sources = settings.sources_dir
        sources.mkdir(parents=True, exist_ok=True)
        ledger = Ledger.load(sources)
        text_sha = hashlib.sha256(read.text.encode("utf-8")).hexdigest()
        held = ledger.by_original(read.sha256) or ledger.by_text(text_sha)
        if held is not None and (sources / f"{held}.txt").exists():
            return Outcome(read.path, "unchanged", f"same content as the source {held}: nothing to do", key=held)
        live = ox.Store.read_only(str(settings.store)) if (settings.store / "CURRENT").exists() else None
        try:
            corpus = self.corpus(live)
            if corpus is None:  # no store yet, or one out of date with the sources: the commit rebuilds it
                corpus = {}
                for p in self._source_files():
                    ex = extract_source(read_source(p), self.ctx, self.cache)
                    corpus[ex.parsed.key] = summarise(ex)
                    self.cache.save_summary(corpus[ex.parsed.key])
                self._corpus = dict(corpus)
                full_rebuild = True
            else:
                full_rebuild = False
            same = ledger.by_original(read.sha256) or next(
                (k for k, s in corpus.items() if s.sha256 in (text_sha, read.sha256)), None)
            if same is not None:
                return Outcome(read.path, "unchanged", f"same content as the source {same}: nothing to do",
                               key=same)
            normalised = normalise(read.text)
            probe = Parsed(Source("probe", Path(name), read.text, text_sha), normalised)
            previous = find_previous_version(corpus, document_record(probe, self.ctx))
            key = previous or new_key(name, text_sha, corpus)
            source = Source(key, sources / f"{key}.txt", read.text, text_sha)
            ex = extract(Parsed(source, normalised), self.ctx)
            entry = {
                "original": _original_name(read), "file_name": name, "format": read.format,
                "media_type": read.media_type, "reader": read.reader, "sha256": read.sha256,
                "text_sha256": text_sha, "pages": read.pages, "ocr_pages": read.ocr_pages,
                "ingested_at": _now(), "counts": counts(ex), "notes": read.notes,
            }
            change = Change(settings.store, settings.build_dir, (self.minter.graph(key), text_sha))
            written = self._prepare_and_commit(change, read, key, previous, ex, entry, ledger, corpus, live,
                                               full_rebuild)
        finally:
            if live is not None:
                del live
        summary = summarise(ex)
        if self._corpus is not None:
            self._corpus[key] = summary
        self.cache.save_extraction(ex)
        self.cache.save_summary(summary)
        doc = self.last_document
        if previous is not None:
            last = entry["versions"][-1]
            return Outcome(read.path, "replaced", f"new version of {previous} ({last['change']})", key=key,
                           document=doc, ocr=read.ocr, graphs_written=written)
        what = f"added as {key}" + (f" (OCR on page(s) {', '.join(map(str, read.ocr_pages))})" if read.ocr else "")
        if read.notes:
            what += f"; {'; '.join(read.notes)}"
        return Outcome(read.path, "added", what, key=key, document=doc, ocr=read.ocr, graphs_written=written)

    def _prepare_and_commit(self, change: Change, read: ReadDocument, key: str, previous: str | None,
                            ex: Extraction, entry: dict, ledger: Ledger, corpus: dict[str, SourceSummary],
                            live: ox.Store | None, full_rebuild: bool) -> int:
        """Stage the files, update the store; on any failure (or Ctrl-C) before the swap, undo the staging."""
        sources = self.settings.sources_dir
        try:
            if previous is not None:
                entry["versions"] = self._versions(change, previous, entry, ledger, corpus[previous])
            ledger.documents[key] = entry
            if not (sources / entry["original"]).exists():
                change.stage(sources / entry["original"], read.data)
            change.stage(sources / f"{key}.txt", read.text.encode("utf-8"))
            change.stage(ledger.path, ledger.dumps().encode("utf-8"))
            fault_point("after-stage")
            corpus_after = dict(corpus)
            corpus_after[key] = summarise(ex)
            if full_rebuild or live is None:
                return self._commit_rebuild(change, corpus_after, ex, ledger)
            return self._commit_incremental(change, live, corpus, corpus_after, ex, ledger, previous)
        except BaseException:
            change._abort()
            raise

    def _versions(self, change: Change, previous: str, entry: dict, ledger: Ledger,
                  old_summary: SourceSummary) -> list[dict]:
        """The version records of ``previous`` with the version being replaced added last.

        A source that was not ingested (a seed, a text put in by hand) gets its text kept as the original
        of its last version."""
        sources = self.settings.sources_dir
        old = ledger.documents.get(previous)
        if old and old.get("text_sha256") == old_summary.sha256:
            prior = dict(old)
        else:
            prior = {"original": f"{ORIGINALS_DIR}/{old_summary.sha256}.txt", "file_name": old_summary.file_name,
                     "format": "txt", "media_type": "text/plain", "reader": "utf-8", "sha256": old_summary.sha256,
                     "text_sha256": old_summary.sha256, "ingested_at": _file_time(sources / f"{previous}.txt"),
                     "counts": old_summary.counts}
            if not (sources / prior["original"]).exists():
                change.stage(sources / prior["original"], (sources / f"{previous}.txt").read_bytes())
        versions = list(prior.pop("versions", []))
        versions.append({**prior, "replaced_at": entry["ingested_at"],
                         "change": change_summary(prior.get("counts", {}), entry["counts"])})
        return versions

    def _commit_rebuild(self, change: Change, corpus: dict[str, SourceSummary], new: Extraction,
                        ledger: Ledger) -> int:
        """No usable store (none yet, or out of date with the sources): build everything, with the new source."""
        from graph.build.pipeline import dataset_from_extractions

        exs = []
        for key in sorted(corpus, key=lambda k: corpus[k].file_name):
            if key == new.parsed.key:
                exs.append(new)
            else:
                ex = extract_source(read_source(self.settings.sources_dir / f"{key}.txt"), self.ctx, self.cache)
                exs.append(ex)
        memory, index = dataset_from_extractions(self.settings, exs, self.ctx, ledger)
        self.last_document = index.held.get(new.parsed.key)

        def update(store: ox.Store) -> None:
            store.clear()
            store.bulk_extend(iter(memory))

        if not (self.settings.store / "CURRENT").exists():
            from graph.store import write_store

            write_store(self.settings.store, iter(memory))  # the first store: nothing to keep
            change.marker = None
            change.commit(lambda store: None)
        else:
            change.commit(update)
        return len(corpus) + 2

    def _commit_incremental(self, change: Change, live: ox.Store, before: dict[str, SourceSummary],
                            after: dict[str, SourceSummary], new: Extraction, ledger: Ledger,
                            previous: str | None) -> int:
        key = new.parsed.key
        order = sorted(after, key=lambda k: after[k].file_name)
        from graph.build.pipeline import document_scope

        chosen = [new if k == key else _slim(after[k]) for k in order]
        index = resolve_documents(chosen, self.minter, document_scope(chosen, self.ctx))
        index_before = None
        if key in before:
            earlier = [_slim(before[k]) for k in sorted(before, key=lambda k: before[k].file_name)]
            index_before = resolve_documents(earlier, self.minter, document_scope(earlier, self.ctx))
        affected = affected_sources(before, after, key, index_before, index)
        exs = [new if k == key else
               extract_source(read_source(self.settings.sources_dir / f"{k}.txt"), self.ctx, self.cache)
               for k in order if k in affected]
        graphs = emit_affected(self.settings, self.ctx, index, exs, ledger, affected)
        first_printed(graphs, after, order, self.minter)
        self.last_document = index.held.get(key)
        # the curated aliases of the agencies the corpus names: only those of names that come or go change
        # bodies' aliases, provinces and successions live in the graphs of the sources that name them
        alias_add: set[ox.Quad] = set()
        alias_remove: set[ox.Quad] = set()
        changed: dict[str, set[ox.Quad]] = {}
        added: set[ox.Quad] = set()
        removed: set[ox.Quad] = set()
        for g, quads in graphs.items():
            current = set(live.quads_for_pattern(None, None, None, ox.NamedNode(g)))
            if current != quads:
                changed[g] = quads
                added |= quads - current
                removed |= current - quads
        alias_add = {q for q in alias_add if q not in live}
        alias_remove = {q for q in alias_remove if q in live}
        added |= alias_add
        removed |= alias_remove
        inferred_graph = self.minter.inferred_graph()
        rules = Rules.from_store(live)
        gone = retracted_triples(live, rules, removed, added, set(changed))
        delete, back = retracted_inferences(live, rules, gone, inferred_graph) if gone else (set(), set())
        fresh = {q.triple for q in added if q.triple in delete
                 or not any(True for _ in live.quads_for_pattern(q.subject, q.predicate, q.object))}
        stated_now = {q.triple for q in added}

        def update(store: ox.Store) -> None:
            for g, quads in changed.items():
                store.remove_graph(ox.NamedNode(g)) if store.contains_named_graph(ox.NamedNode(g)) else None
                store.extend(quads)
            store.extend(alias_add)
            for q in alias_remove:
                store.remove(q)
            ig = ox.NamedNode(inferred_graph)
            for t in delete:  # inferences the removed facts supported and nothing else does
                store.remove(ox.Quad(t.subject, t.predicate, t.object, ig))
            store.extend(ox.Quad(t.subject, t.predicate, t.object, ig) for t in back)
            new_inferred = incremental_inferences(store, fresh, inferred_graph, rules, filtered=True)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, ig) for t in new_inferred)
            for t in stated_now:  # a fact now stated is no longer only inferred
                store.remove(ox.Quad(t.subject, t.predicate, t.object, ig))
            # the dependency model (pol:needs, pol:leadsTo, dependant counts): a closure over the whole corpus,
            # brought up to date from the live store's by rewriting only what the changed facts can reach
            needs = update_needs(live, store, inferred_graph, added | removed)
            # the counts questions rank by (citations, footprints): those the changed quads can touch
            update_counts(live, store, inferred_graph, added | removed, needs.nodes, needs.leads_changed)

        change.commit(update)
        return len(changed)


def _file_time(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0).isoformat()


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as the readable files inside them (recursively, sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            out.append(path)
    return out


def ingest(settings: Settings, paths: Iterable[Path], *, progress: bool = False) -> IngestReport:
    """Ingest every file (folders are walked); a refused file is reported and the batch goes on."""
    from tqdm import tqdm

    files = expand(paths)
    report = IngestReport()
    ingester = Ingester(settings)
    with locked(settings.build_dir):
        report.recovered = recover(settings.store, settings.build_dir)
        for path in tqdm(files, desc="ingest", unit="file", disable=not progress or len(files) < 2):
            report.outcomes.append(ingester.ingest(path))
    return report


def remember_build(settings: Settings, extractions: list[Extraction]) -> None:
    """After a full build: cache its extractions and the corpus index, so the next ingest is incremental."""
    cache = Cache(settings)
    try:
        for ex in extractions:
            cache.save_extraction(ex)
        cache.save_corpus({ex.parsed.key: summarise(ex) for ex in extractions})
    except OSError:
        pass  # a cache only: the next ingest rebuilds it
