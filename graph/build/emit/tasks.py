"""Tasks and the agencies assigned to them, as RDF with evidence.

Task IRI: ``minter.under("task", <document IRI>, task.key)``; ``Task.key`` is assigned at extraction
(:func:`graph.build.extract.tasks.assign_keys`): the section slug, prefixed with the task's kind where a number
repeats in one document ('tcth-1' for an implementation item, 'phu-luc-1' for an appendix heading).
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.build.emit.rdf import PROV, XSD, A, QuadSink, iri, lit, pol
from graph.build.model import AgencyRef, Extraction, Task
from graph.build.resolve import DocumentIndex


def _label(task: Task) -> str:
    # the whole first sentence, never cut: two tasks that begin alike must still read differently
    head = re.split(r"(?<=[.;:!?])\s+", " ".join(task.text.split()), maxsplit=1)[0].rstrip(".;:") or task.text
    noun = {"heading": "Mục", "implementation": "Tổ chức thực hiện"}.get(task.kind, "Nhiệm vụ")
    return f"{noun} {task.section} — {head}"


def emit_tasks(sink: QuadSink, extractions: list[Extraction], index: DocumentIndex, ctx) -> None:  # noqa: ANN001
    for ex in extractions:
        source = ex.parsed.key
        if source not in index.held:
            continue
        doc = iri(index.held[source])
        g = sink.minter.graph(source)
        for task in ex.tasks:
            node = iri(sink.minter.under("task", index.held[source], task.key))
            sink.fact(node, A, pol("Task"), g, task.evidence)
            sink.label(node, _label(task), g)
            sink.add(node, pol("sectionNumber"), lit(task.section), g)
            sink.add(node, pol("taskKind"), lit(task.kind), g)
            sink.add(node, pol("quote"), lit(task.text), g)
            if task.heading:
                sink.add(node, pol("heading"), lit(task.heading, "vi"), g)
            sink.add(node, iri(PROV + "wasDerivedFrom"), doc, g)
            sink.fact(doc, pol("hasTask"), node, g, task.evidence)
            if task.timeframe:
                sink.fact(node, pol("timeframe"), lit(task.timeframe), g, task.timeframe_evidence or task.evidence)
            if task.start_year is not None:
                sink.add(node, pol("startYear"), ox.Literal(str(task.start_year), datatype=iri(XSD + "integer")), g)
            if task.end_year is not None:
                sink.add(node, pol("endYear"), ox.Literal(str(task.end_year), datatype=iri(XSD + "integer")), g)
            _emit_timeframe_detail(sink, node, task, g)
            for refs, agency_p, group_p in ((task.lead, "leadAgency", "leadGroup"),
                                            (task.cooperating, "cooperatingAgency", "cooperatingGroup")):
                for ref in refs:
                    target = _agency(sink, ref, source, g)
                    sink.fact(node, pol(group_p if ref.group else agency_p), target, g, ref.evidence)
        for i, task in enumerate(ex.tasks):
            if task.parent is None:
                continue
            # the parent is the nearest task before this one with that number
            parent = next((t for t in reversed(ex.tasks[:i]) if t.section == task.parent), None)
            if parent is not None:
                child = iri(sink.minter.under("task", index.held[source], task.key))
                sink.fact(child, pol("parentTask"), iri(sink.minter.under("task", index.held[source], parent.key)), g,
                          task.evidence)
        # every body the document names (Nơi nhận, Tổ chức thực hiện, task texts …): typed with its evidence
        for ref in ex.agencies:
            node = _agency(sink, ref, source, g)
            sink.fact(node, A, pol("AgencyGroup" if ref.group else "Agency"), g, ref.evidence)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=iri(XSD + "integer"))


def _emit_timeframe_detail(sink: QuadSink, node: ox.NamedNode, task: Task, g: str) -> None:
    """Quarter, month, deadline and recurrence read from the timeframe; the product cell of a table."""
    if task.quarter is not None:
        sink.add(node, pol("dueQuarter"), _integer(task.quarter), g)
    if task.month is not None:
        sink.add(node, pol("dueMonth"), _integer(task.month), g)
    if task.deadline is not None:
        sink.add(node, pol("deadline"), ox.Literal(task.deadline.isoformat(), datatype=iri(XSD + "date")), g)
    if task.timeframe and task.recurring:
        sink.add(node, pol("recurring"), ox.Literal("true", datatype=iri(XSD + "boolean")), g)
    if task.product:
        sink.fact(node, pol("product"), lit(task.product, "vi"), g, task.product_evidence or task.evidence)


def _agency(sink: QuadSink, ref: AgencyRef, source: str, g: str) -> ox.NamedNode:
    if ref.group:
        return sink.bodies.group(ref.name, source, g)
    return sink.bodies.agency(ref.name, ref.printed, source, g, ref.evidence)
