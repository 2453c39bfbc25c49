"""Goals, targets, indicators and task -> target links as RDF.

A target is ``pol:Target`` (⊑ pol:Goal) with its indicator (one ``pol:Indicator`` node per indicator
text, shared across documents), value, upper value, unit, comparator, target year, period
(``pol:timeframe`` + ``pol:startYear``/``pol:endYear``) and baseline. Every stated value is written
with ``sink.fact`` so it has an evidence node pointing at the printed phrase.

``pol:comparator`` follows the ontology's value space ("=", ">", "≥", "<", "≤", "≈", "range"), each
comparator word's symbol read from ``data/target_cues.yaml``; the word as printed ('trên', 'thuộc nhóm' …)
is kept in the label and the quote.

The SHACL shape of pol:Target requires exactly one value and one year. A printed chỉ tiêu without
a value, or a target whose sentence gives no year, is therefore written as a plain ``pol:Goal``
(with its quote, number and ``pol:uncertain true``) and not as a pol:Target.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.build.emit.entities import task_iri
from graph.build.emit.rdf import PROV, A, QuadSink, iri, lit, pol
from graph.build.extract import ExtractionContext
from graph.build.extract.targets import CUES_FILE, TargetCues, load_cues
from graph.build.iris import slug
from graph.build.model import Extraction, Goal, Target
from graph.build.resolve import DocumentIndex


def _num(value: object) -> str:
    text = format(value, "f") if value is not None else ""
    return text.replace(".", ",") if "." in text else text


def target_label(t: Target) -> str:
    """'Tỷ lệ đô thị hóa 2025: đạt 40 %' (numbers printed the Vietnamese way)."""
    value = _num(t.value) + (f"–{_num(t.upper)}" if t.upper is not None else "")
    if t.of:
        value += f"/{t.of}"
    head = f"{t.indicator} {t.year}" if t.year else t.indicator
    body = " ".join(p for p in (t.comparator, value, t.unit) if p)
    return f"{head}: {body}" if body else head


def _target_nodes(sink: QuadSink, ex: Extraction, doc_iri: str) -> dict[str, ox.NamedNode]:
    return {t.key or "": iri(sink.minter.under("target", doc_iri, t.key or slug(t.indicator))) for t in ex.targets}


def emit_target_links(sink: QuadSink, extractions: list[Extraction], index: DocumentIndex,
                      ctx: ExtractionContext) -> None:
    """pol:contributesTo task -> target (task IRIs as the tasks emitter mints them from Task.key)."""
    for ex in extractions:
        doc_iri = index.held.get(ex.parsed.key)
        if not doc_iri or not ex.tasks:
            continue
        g, nodes = sink.minter.graph(ex.parsed.key), _target_nodes(sink, ex, doc_iri)
        for link in (x for x in ex.links if x.predicate == "contributesTo"):  # found by the targets step
            task = iri(task_iri(sink.minter, index, *link.subject.key))
            target = nodes.get(link.object.key[1])
            if target is not None:
                sink.fact(task, pol("contributesTo"), target, g, link.evidence)


def emit_targets(sink: QuadSink, extractions: list[Extraction], index: DocumentIndex,
                 ctx: ExtractionContext) -> None:
    cues: TargetCues = ctx.extra.get(CUES_FILE) or load_cues()  # type: ignore[assignment]
    labels: dict[str, str] = {}  # one label per indicator node: the first printed form
    for ex in extractions:
        for t in ex.targets:
            labels.setdefault(slug(t.indicator), t.indicator)
    for ex in extractions:
        key = ex.parsed.key
        doc_iri = index.held.get(key)
        if not doc_iri:
            continue
        doc, g = iri(doc_iri), sink.minter.graph(key)
        nodes = _target_nodes(sink, ex, doc_iri)
        for t in ex.targets:
            _emit_target(sink, nodes[t.key or ""], t, doc, g, labels, cues)
        for i, goal in enumerate(ex.goals, 1):
            _emit_goal(sink, iri(sink.minter.under("goal", doc_iri, str(i))), goal, doc, g)


def _common(sink: QuadSink, node: ox.NamedNode, cls: str, label: str, quote: str, ev, doc, g: str) -> None:
    sink.fact(node, A, pol(cls), g, ev)
    sink.label(node, label, g)
    sink.add(node, pol("quote"), lit(quote), g)
    sink.add(node, iri(PROV + "wasDerivedFrom"), doc, g)
    sink.fact(doc, pol("hasGoal"), node, g, ev)


def _emit_target(sink: QuadSink, node: ox.NamedNode, t: Target, doc: ox.NamedNode, g: str,
                 labels: dict[str, str], cues: TargetCues) -> None:
    ev = t.evidence
    measurable = t.value is not None and t.year is not None
    _common(sink, node, "Target" if measurable else "Goal", target_label(t), ev.quote, ev, doc, g)
    if t.number:
        sink.add(node, pol("sectionNumber"), lit(t.number), g)
    if t.period:
        y1, y2 = t.period.split("-")
        sink.fact(node, pol("timeframe"), lit(t.period), g, ev)
        sink.add(node, pol("startYear"), lit(int(y1)), g)
        sink.add(node, pol("endYear"), lit(int(y2)), g)
    if not measurable:
        sink.add(node, pol("uncertain"), lit(True), g)
        return
    indicator = iri(sink.minter.iri("indicator", slug(t.indicator)))
    sink.fact(indicator, A, pol("Indicator"), g, ev)
    sink.label(indicator, labels.get(slug(t.indicator), t.indicator), g)
    sink.fact(node, pol("indicator"), indicator, g, ev)
    sink.fact(node, pol("targetValue"), lit(t.value), g, ev)
    if t.upper is not None:
        sink.fact(node, pol("upperValue"), lit(t.upper), g, ev)
    if t.unit:
        sink.fact(node, pol("unit"), lit(t.unit), g, ev)
    symbol = cues.symbol(t.comparator) or ("range" if t.upper is not None else None)
    if symbol:
        sink.fact(node, pol("comparator"), lit(symbol), g, ev)
    sink.fact(node, pol("targetYear"), lit(t.year), g, ev)
    if t.baseline_value is not None:
        sink.fact(node, pol("baselineValue"), lit(t.baseline_value), g, ev)
    if t.baseline_year is not None:
        sink.fact(node, pol("baselineYear"), lit(t.baseline_year), g, ev)


def _emit_goal(sink: QuadSink, node: ox.NamedNode, goal: Goal, doc: ox.NamedNode, g: str) -> None:
    words = goal.text.split()
    label = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
    _common(sink, node, "Goal", label, goal.text, goal.evidence, doc, g)
    if goal.year:
        sink.fact(node, pol("endYear"), lit(goal.year), g, goal.evidence)

