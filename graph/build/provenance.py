"""Where each source came from, as RDF: the original file, the page of each quote, OCR, earlier versions.

``policykg ingest`` records every document it takes in in the ledger ``data/sources/ingest.json``
(:class:`Ledger`); the build and the ingest both turn it into quads here, so ``policykg build``
gives the same graph as the ingests did. Into each source's own graph:

* ``<text> pol:original <original>``: the file as received, kept content-addressed under
  ``data/sources/originals/<sha256>.<ext>`` (``pol:OriginalFile``: its name as ``rdfs:label``,
  ``dcterms:identifier`` "sha256:…", ``dcterms:format`` the media type, ``pol:originalPath``),
  ``pol:extractedWith`` the reader, ``prov:generatedAtTime`` when it came in;
* ``pol:page`` on every evidence node and excerpt of a paged source (PDF): the 1-based page its quote
  starts on;
* ``pol:ocrDerived true`` on the text and on every evidence node of a source read by OCR;
* ``prov:wasRevisionOf`` the previous version (a ``prov:Entity`` with its checksum, file, when it came
  in and was replaced, and ``dcterms:description`` saying what changed in counts), version by version.

Sources without a ledger entry (the seeds, text dropped into data/sources by hand) get none of this.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.build.emit.rdf import DCTERMS, PROV, XSD, A, QuadSink, iri, lit, pol
from graph.build.model import Extraction

LEDGER_NAME = "ingest.json"
ORIGINALS_DIR = "originals"
COUNTED = ("tasks", "targets", "goals", "citations", "mentions")


def counts(ex: Extraction) -> dict[str, int]:
    """What a version holds, to say what a new version changed."""
    return {"tasks": len(ex.tasks), "targets": len(ex.targets), "goals": len(ex.goals),
            "citations": len(ex.document.citations), "mentions": len(ex.mentions)}


def change_summary(before: dict[str, int], after: dict[str, int]) -> str:
    """'tasks 3 → 4; targets 1 → 1; …' (every count, changed or not)."""
    return "; ".join(f"{k} {before.get(k, 0)} → {after.get(k, 0)}" for k in COUNTED)


@dataclass
class Ledger:
    """The record of ingested documents: ``{"documents": {source key: entry}}`` in ``data/sources/ingest.json``.

    An entry: ``original`` (path under sources/), ``file_name``, ``format``, ``media_type``, ``reader``,
    ``sha256`` (of the original), ``text_sha256``, ``pages``, ``ocr_pages``, ``ingested_at`` (ISO time),
    ``counts``, and ``versions``: the earlier versions, oldest first, each with the same fields plus
    ``replaced_at`` and ``change`` (what the next version changed in counts).
    """

    path: Path
    documents: dict[str, dict]

    @classmethod
    def load(cls, sources_dir: Path) -> Ledger:
        path = sources_dir / LEDGER_NAME
        if not path.exists():
            return cls(path, {})
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, dict(data.get("documents", {})))

    def dumps(self) -> str:
        return json.dumps({"documents": dict(sorted(self.documents.items()))}, ensure_ascii=False, indent=1) + "\n"

    def save(self, path: Path | None = None) -> None:
        target = path or self.path
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.write_text(self.dumps(), encoding="utf-8")
        os.replace(tmp, target)

    def by_text(self, sha256: str) -> str | None:
        """The source key whose current text has this checksum."""
        return next((key for key, e in self.documents.items() if e.get("text_sha256") == sha256), None)

    def by_original(self, sha256: str) -> str | None:
        """The source key whose current version came from the original with this checksum."""
        return next((key for key, e in self.documents.items() if e.get("sha256") == sha256), None)


def _original_node(sink: QuadSink, entry: dict, graph: str) -> ox.NamedNode:
    node = iri(sink.minter.iri("original", entry["sha256"][:16]))
    sink.add(node, A, pol("OriginalFile"), graph)
    sink.add(node, A, iri(PROV + "Entity"), graph)
    sink.label(node, entry["file_name"], graph)
    sink.add(node, iri(DCTERMS + "identifier"), lit("sha256:" + entry["sha256"]), graph)
    sink.add(node, iri(DCTERMS + "format"), lit(entry["media_type"]), graph)
    sink.add(node, pol("originalPath"), lit(entry["original"]), graph)
    return node


def _time(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "dateTime"))


def emit_provenance(sink: QuadSink, extractions: list[Extraction], ledger: Ledger) -> None:
    """The quads of the module docstring for ``extractions`` (their own graphs only)."""
    by_text: dict[str, tuple[Extraction, dict]] = {}
    for ex in extractions:
        entry = ledger.documents.get(ex.parsed.key)
        if entry is None or entry.get("text_sha256") != ex.parsed.source.sha256:
            continue  # a text changed by hand after the ingest: its ledger entry no longer describes it
        by_text[sink.minter.text(ex.parsed.key)] = (ex, entry)
    if not by_text:
        return
    for text_iri, (ex, entry) in by_text.items():
        g = sink.minter.graph(ex.parsed.key)
        text = iri(text_iri)
        sink.add(text, pol("original"), _original_node(sink, entry, g), g)
        sink.add(text, pol("extractedWith"), lit(entry["reader"]), g)
        sink.add(text, iri(PROV + "generatedAtTime"), _time(entry["ingested_at"]), g)
        if entry.get("ocr_pages"):
            sink.add(text, pol("ocrDerived"), lit(True), g)
        newer = text
        for version in reversed(entry.get("versions", [])):
            node = iri(sink.minter.iri("version", ex.parsed.key, version["text_sha256"][:16]))
            sink.add(newer, iri(PROV + "wasRevisionOf"), node, g)
            sink.add(node, A, iri(PROV + "Entity"), g)
            sink.label(node, f"{version['file_name']} ({version['ingested_at'][:10]})", g)
            sink.add(node, iri(DCTERMS + "identifier"), lit("sha256:" + version["text_sha256"]), g)
            sink.add(node, iri(PROV + "generatedAtTime"), _time(version["ingested_at"]), g)
            sink.add(node, iri(PROV + "invalidatedAtTime"), _time(version["replaced_at"]), g)
            sink.add(node, iri(DCTERMS + "description"), lit(f"changed in the next version: {version['change']}",
                                                               "en"), g)
            if version.get("sha256"):
                sink.add(node, pol("original"), _original_node(sink, version, g), g)
            newer = node
    _mark_evidence(sink, {k: v[0] for k, v in by_text.items()}, {k: v[1] for k, v in by_text.items()})


def _mark_evidence(sink: QuadSink, texts: dict[str, Extraction], entries: dict[str, dict]) -> None:
    """pol:page and pol:ocrDerived on the evidence nodes and excerpts whose offsets point into these texts."""
    source_text, start = pol("sourceText"), pol("startOffset")
    found: dict[ox.NamedNode, dict[str, object]] = defaultdict(dict)
    for quad in list(sink.quads()):
        if quad.predicate == source_text and quad.object.value in texts:
            found[quad.subject]["text"] = quad.object.value
            found[quad.subject]["graph"] = quad.graph_name.value
        elif quad.predicate == start:
            found[quad.subject]["start"] = int(quad.object.value)
    for node, info in found.items():
        if "text" not in info:
            continue
        ex, entry = texts[info["text"]], entries[info["text"]]
        g = str(info["graph"])
        page = ex.parsed.text.page_at(int(info.get("start", 0)))
        if page is not None:
            sink.add(node, pol("page"), ox.Literal(str(page), datatype=ox.NamedNode(XSD + "integer")), g)
        if entry.get("ocr_pages"):
            sink.add(node, pol("ocrDerived"), lit(True), g)
