"""Counts over the whole store that named questions rank by, kept when the graph is built (issue 11).

A question that sorts by a count over thousands of facts cannot show its first page quickly if it must
aggregate them first; these counts are written into the inferred graph by the build and kept up to date by
an ingest, like the dependant counts of :mod:`graph.build.reason` (``pol:dependentTaskCount``):

* **Citations** (``most_cited_documents``): on every document something cites, ``pol:citingDocumentCount``
  — the distinct documents that cite it (``?c pol:cites D`` in any graph: ``pol:implements`` included, as
  the reasoner makes every implementation a citation) — and ``pol:citingPassageCount`` — the distinct
  evidence nodes (IRIs) of those documents whose fact is a ``pol:cites`` or ``pol:implements`` of D.
* **Footprints** (``project_footprint``): for every thing P that some task needs, on the node
  ``<P#footprint>`` (``pol:footprintOf`` P, so that a query finds it from P): ``pol:footprintTaskCount``, how
  many tasks count for P — a task that needs P (``pol:needs``) and names, by a ``pol:concerns`` or
  ``pol:dependsOn`` with a quoted evidence node, something that leads to P (``pol:leadsTo``) — and one
  ``pol:footprintRow`` per document, agency and target of those tasks: its kind, how many of those tasks it
  has, its IRI, the first of those tasks by IRI and its name, written as the question's core reads its keys
  (:mod:`graph.keys`), so the question reads the rows of one P in one lookup, sorts them without a join, and
  fetches the sentences for its page's rows only.

:func:`materialise_counts` writes them all (the build); :func:`update_counts` rewrites those an ingest's
changed quads can touch, reading the stores by index lookups (``tests/test_counts_incremental.py`` checks
that it gives what a build gives).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.keys import FIELD, key_field, key_fields
from graph.vocab import POL, PROV, RDF, RDF_TYPE, RDFS, XSD

CITES, IMPLEMENTS = POL + "cites", POL + "implements"
EVIDENCE = POL + "evidence"
CITING_DOCUMENTS = POL + "citingDocumentCount"
CITING_PASSAGES = POL + "citingPassageCount"
FOOTPRINT_ROW = POL + "footprintRow"
FOOTPRINT_TASKS = POL + "footprintTaskCount"
FOOTPRINT_OF = POL + "footprintOf"
NEEDS, LEADS_TO = POL + "needs", POL + "leadsTo"
LABEL = RDFS + "label"
NAMING = (POL + "concerns", POL + "dependsOn")
# the kinds of footprint row, each with the predicates that attach a task to its node (the question's order)
KINDS = (("document", (PROV + "wasDerivedFrom",)), ("agency", (POL + "leadAgency", POL + "cooperatingAgency")),
         ("target", (POL + "contributesTo",)))
EVIDENCE_PREDICATES = {RDF + "subject", RDF + "predicate", RDF + "object", POL + "quote", EVIDENCE}
_INTEGER = ox.NamedNode(XSD + "integer")

Row = tuple[str, str]  # (kind, node)


def footprint_node(target: str) -> ox.NamedNode:
    """The node that holds the footprint rows of ``target``: a fragment of its IRI (entity pages of the target
    do not carry them)."""
    return ox.NamedNode(target + "#footprint")


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_INTEGER)


class _Facts:
    """The facts of one store the counts are computed from, by index lookups (any graph, as the questions read
    them), cached: the store does not change while one is in use."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._leads: dict[str, set[str]] = {}
        self._labels: dict[str, ox.Literal | None] = {}
        self._label_fields: dict[str, str] = {}
        self._counted: dict[str, dict[str, set[Row]]] = {}

    def objects(self, node: str, predicate: str) -> set[str]:
        return {q.object.value for q in self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(predicate), None)
                if isinstance(q.object, ox.NamedNode)}

    def subjects(self, predicate: str, obj: str) -> set[str]:
        return {q.subject.value for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj))
                if isinstance(q.subject, ox.NamedNode)}

    def is_task(self, node: str) -> bool:
        task = ox.NamedNode(POL + "Task")
        return next(self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(RDF_TYPE), task), None) is not None

    def label(self, node: str) -> ox.Literal | None:
        """The name the question shows: a label not in English (the first by text, should there be several)."""
        if node not in self._labels:
            labels = self.store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(LABEL), None)
            found = sorted((q.object for q in labels if isinstance(q.object, ox.Literal) and q.object.language != "en"),
                           key=lambda t: (t.value, t.language or "", t.datatype.value))
            self._labels[node] = found[0] if found else None
        return self._labels[node]

    def label_field(self, node: str) -> str:
        if node not in self._label_fields:
            self._label_fields[node] = key_field(self.label(node))
        return self._label_fields[node]

    def leads_to(self, named: str) -> set[str]:
        if named not in self._leads:
            self._leads[named] = self.objects(named, LEADS_TO)
        return self._leads[named]

    # -- footprints
    def counted_for(self, task: str) -> dict[str, set[Row]]:
        """{P: the rows ``task`` counts in} for every P it counts for (the question's condition: a task that
        needs P and names, with a quoted evidence node, something that leads to P)."""
        if task not in self._counted:
            self._counted[task] = self._count(task)
        return self._counted[task]

    def _count(self, task: str) -> dict[str, set[Row]]:
        if not self.is_task(task):
            return {}
        needs = self.objects(task, NEEDS)
        if not needs:
            return {}
        reached: set[str] = set()
        for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF + "subject"), ox.NamedNode(task)):
            ev = q.subject
            if not any(next(self.store.quads_for_pattern(ev, ox.NamedNode(RDF + "predicate"), ox.NamedNode(p)), None)
                       for p in NAMING):
                continue
            if next(self.store.quads_for_pattern(ev, ox.NamedNode(POL + "quote"), None), None) is None:
                continue
            for v in self.store.quads_for_pattern(ev, ox.NamedNode(RDF + "object"), None):
                if isinstance(v.object, ox.NamedNode):
                    reached |= self.leads_to(v.object.value)
        targets = needs & reached
        if not targets:
            return {}
        rows = {(kind, node) for kind, predicates in KINDS for p in predicates for node in self.objects(task, p)}
        return {target: rows for target in targets}

    def tasks_of(self, kind: str, node: str) -> set[str]:
        return {t for p in dict(KINDS)[kind] for t in self.subjects(p, node)}

    # -- citations
    def citation_counts(self, document: str) -> tuple[int, int]:
        """(distinct documents citing ``document``, distinct evidence nodes of theirs for a citation of it)."""
        citing = {q.subject for q in self.store.quads_for_pattern(None, ox.NamedNode(CITES), ox.NamedNode(document))}
        passages = set()
        for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF + "object"), ox.NamedNode(document)):
            ev = q.subject
            if not isinstance(ev, ox.NamedNode) or ev in passages:
                continue
            if not any(next(self.store.quads_for_pattern(ev, ox.NamedNode(RDF + "predicate"), ox.NamedNode(p)), None)
                       for p in (CITES, IMPLEMENTS)):
                continue
            if any(e.subject in citing for e in self.store.quads_for_pattern(None, ox.NamedNode(EVIDENCE), ev)):
                passages.add(ev)
        return len(citing), len(passages)


def _remove(store: ox.Store, subject: ox.NamedNode, predicate: str, g: ox.NamedNode) -> None:
    for q in list(store.quads_for_pattern(subject, ox.NamedNode(predicate), None, g)):
        store.remove(q)


def _write_citations(store: ox.Store, facts: _Facts, documents: Iterable[str], g: ox.NamedNode) -> int:
    written = 0
    for document in documents:
        node = ox.NamedNode(document)
        for predicate in (CITING_DOCUMENTS, CITING_PASSAGES):
            _remove(store, node, predicate, g)
        citing, passages = facts.citation_counts(document)
        if citing:
            store.extend([ox.Quad(node, ox.NamedNode(CITING_DOCUMENTS), _integer(citing), g),
                          ox.Quad(node, ox.NamedNode(CITING_PASSAGES), _integer(passages), g)])
            written += 1
    return written


@dataclass
class _Footprint:
    """One target's footprint as stored: each row's count, first task and literal, and the number of tasks."""

    rows: dict[Row, tuple[int, str]]  # row -> (count, first task)
    literals: dict[Row, ox.Literal]  # row -> the literal stored for it (read from the store)
    tasks: int


def _row_literal(facts: _Facts, row: Row, count: int, first: str) -> ox.Literal:
    """A footprint row as the question's core reads its keys (graph.keys): kind, count, node, first task, label
    (written out here: a build writes hundreds of thousands)."""
    kind, node = row
    return ox.Literal(f"^ {kind}{FIELD}^{_INTEGER.value} {count}{FIELD}{node}{FIELD}{first}{FIELD}"
                      f"{facts.label_field(node)}")


def _read_footprint(store: ox.Store, target: str, g: ox.NamedNode) -> _Footprint:
    fp = footprint_node(target)
    rows: dict[Row, tuple[int, str]] = {}
    literals: dict[Row, ox.Literal] = {}
    for q in store.quads_for_pattern(fp, ox.NamedNode(FOOTPRINT_ROW), None, g):
        kind, count, node, first, _label = key_fields(q.object.value, 5)
        row = (kind.partition(" ")[2], node)
        rows[row] = (int(count.partition(" ")[2]), first)
        literals[row] = q.object  # type: ignore[assignment]
    tasks = [int(q.object.value) for q in store.quads_for_pattern(fp, ox.NamedNode(FOOTPRINT_TASKS), None, g)]
    return _Footprint(rows, literals, tasks[0] if tasks else 0)


def _write_footprint(store: ox.Store, target: str, footprint: _Footprint, facts: _Facts, g: ox.NamedNode,
                     rewrite: Iterable[Row] | None = None) -> None:
    """Store ``footprint`` (``rewrite``: the rows that may have changed; None: all of them)."""
    fp, row_predicate = footprint_node(target), ox.NamedNode(FOOTPRINT_ROW)
    for predicate in (FOOTPRINT_OF, FOOTPRINT_TASKS):
        _remove(store, fp, predicate, g)
    if footprint.tasks <= 0:
        for q in list(store.quads_for_pattern(fp, row_predicate, None, g)):
            store.remove(q)
        return
    quads = [ox.Quad(fp, ox.NamedNode(FOOTPRINT_OF), ox.NamedNode(target), g),
             ox.Quad(fp, ox.NamedNode(FOOTPRINT_TASKS), _integer(footprint.tasks), g)]
    if not footprint.literals:  # nothing stored before: every row written, nothing compared
        store.extend(_new_footprint(target, footprint, facts, g))
        return
    for row in footprint.rows.keys() | footprint.literals.keys() if rewrite is None else rewrite:
        old = footprint.literals.get(row)
        new = _row_literal(facts, row, *footprint.rows[row]) if row in footprint.rows else None
        if old != new:
            if old is not None:
                store.remove(ox.Quad(fp, row_predicate, old, g))
            if new is not None:
                quads.append(ox.Quad(fp, row_predicate, new, g))
    store.extend(quads)


def materialise_counts(store: ox.Store, inferred_graph: str) -> tuple[int, int]:
    """(Re)write the citation counts and the footprints into ``inferred_graph`` (after the dependency model);
    returns (documents with citation counts, targets with footprints)."""
    g = ox.NamedNode(inferred_graph)
    for predicate in (CITING_DOCUMENTS, CITING_PASSAGES, FOOTPRINT_OF, FOOTPRINT_ROW, FOOTPRINT_TASKS):
        for q in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, g)):
            store.remove(q)
    facts = _Facts(store)
    cited = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(CITES), None)
             if isinstance(q.object, ox.NamedNode)}
    documents = _write_citations(store, facts, sorted(cited), g)
    footprints: dict[str, _Footprint] = {}
    tasks = sorted({q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                                                    ox.NamedNode(POL + "Task"))
                    if isinstance(q.subject, ox.NamedNode)})
    for task in tasks:  # in the order of their IRIs: the first task that counts in a row is the row's
        for target, rows in facts.counted_for(task).items():
            fp = footprints.get(target)
            if fp is None:
                fp = footprints[target] = _Footprint({}, {}, 0)
            fp.tasks += 1
            held = fp.rows
            for row in rows:
                n, first = held.get(row, (0, task))
                held[row] = (n + 1, first)
        facts._counted.pop(task, None)  # (a build reads each task once: nothing to keep)
    # nothing is stored before (removed above): every row is written, nothing compared, in one bulk load (one
    # transaction per footprint cost ~50 µs a quad on disk: minutes at 10,000 documents)
    store.bulk_extend(q for target, fp in footprints.items() for q in _new_footprint(target, fp, facts, g))
    return documents, len(footprints)


def _new_footprint(target: str, footprint: _Footprint, facts: _Facts, g: ox.NamedNode) -> Iterable[ox.Quad]:
    """The quads of a footprint where none is stored."""
    fp, row_predicate = footprint_node(target), ox.NamedNode(FOOTPRINT_ROW)
    yield ox.Quad(fp, ox.NamedNode(FOOTPRINT_OF), ox.NamedNode(target), g)
    yield ox.Quad(fp, ox.NamedNode(FOOTPRINT_TASKS), _integer(footprint.tasks), g)
    for row, (n, first) in footprint.rows.items():
        yield ox.Quad(fp, row_predicate, _row_literal(facts, row, n, first), g)


@dataclass
class CountsUpdate:
    """What :func:`update_counts` did (for the bench and the tests)."""

    documents: int = 0  # documents whose citation counts were recomputed
    tasks: int = 0  # tasks whose footprint contributions were compared
    footprints: int = 0  # targets whose footprint was rewritten


def update_counts(before: ox.Store, after: ox.Store, inferred_graph: str, changed: Iterable[ox.Quad],
                  needs_changed: Iterable[str] = (), leads_changed: Iterable[str] = ()) -> CountsUpdate:
    """Bring the counts in ``after`` up to date after the stated quads ``changed`` took ``before`` to ``after``
    (``after`` holds its dependency model already, and still the counts of ``before``; ``before`` is left as it
    is). ``needs_changed``: the nodes whose ``pol:needs`` an update recomputed; ``leads_changed``: the named
    things whose ``pol:leadsTo`` changed (:class:`graph.build.reason.NeedsUpdate`). Gives what
    :func:`materialise_counts` gives on ``after``:

    * citation counts, recomputed for the documents a changed citation or citation evidence names (before or
      after);
    * footprints, by difference: each task whose contribution can change (its needs, its own facts, its
      evidence, or what leads to what it names) is counted out of the targets it counted for before and into
      those it counts for now; a row whose first task leaves gets its first task again from the store.
    """
    out = CountsUpdate()
    g = ox.NamedNode(inferred_graph)
    old, new = _Facts(before), _Facts(after)
    changed = [q for q in changed if q.graph_name != g]
    # -- citations: the documents a changed citation or citation evidence is about
    documents: set[str] = set()
    evidence: set[ox.NamedNode | ox.BlankNode] = set()
    nodes: set[str] = set()
    for q in changed:
        p = q.predicate.value
        if p in (CITES, IMPLEMENTS) and isinstance(q.object, ox.NamedNode):
            documents.add(q.object.value)
        if p in EVIDENCE_PREDICATES:
            evidence.add(q.object if p == EVIDENCE else q.subject)  # type: ignore[arg-type]
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode):
                nodes.add(term.value)
    tasks = set(needs_changed)
    for ev in evidence:
        if not isinstance(ev, ox.NamedNode | ox.BlankNode):
            continue
        for facts in (old, new):
            objects = facts.objects(ev.value, RDF + "object") if isinstance(ev, ox.NamedNode) else set()
            if objects and any(next(facts.store.quads_for_pattern(ev, ox.NamedNode(RDF + "predicate"), ox.NamedNode(p)),
                                    None) for p in (CITES, IMPLEMENTS)):
                documents |= objects
            if isinstance(ev, ox.NamedNode):
                tasks |= facts.objects(ev.value, RDF + "subject")
    _write_citations(after, new, sorted(documents), g)
    out.documents = len(documents)
    # -- footprints: the tasks whose contribution can change
    tasks |= nodes
    for named in leads_changed:
        tasks |= old.subjects(NAMING[0], named) | old.subjects(NAMING[1], named)
        tasks |= new.subjects(NAMING[0], named) | new.subjects(NAMING[1], named)
    tasks = {t for t in tasks if old.is_task(t) or new.is_task(t)}
    out.tasks = len(tasks)
    gained: dict[str, dict[Row, set[str]]] = {}  # target -> row -> tasks that came
    lost: dict[str, dict[Row, set[str]]] = {}
    task_delta: dict[str, int] = {}
    for task in tasks:
        was, now = old.counted_for(task), new.counted_for(task)
        for target in was.keys() | now.keys():
            rows_before, rows_after = was.get(target, set()), now.get(target, set())
            if (target in now) != (target in was):
                task_delta[target] = task_delta.get(target, 0) + (target in now) - (target in was)
            for row in rows_after - rows_before:
                gained.setdefault(target, {}).setdefault(row, set()).add(task)
            for row in rows_before - rows_after:
                lost.setdefault(target, {}).setdefault(row, set()).add(task)
    # -- rows whose node's name changed (the name is part of the row: the question sorts by it)
    relabel: dict[str, set[Row]] = {}
    # (a name a document adds or drops is mostly one that other graphs state too: then the node's names stay)
    named = {q.subject.value for q in changed if q.predicate.value == LABEL and isinstance(q.subject, ox.NamedNode)
             and (next(before.quads_for_pattern(q.subject, q.predicate, q.object), None) is None
                  or next(after.quads_for_pattern(q.subject, q.predicate, q.object), None) is None)}
    for node in named:
        if old.label(node) == new.label(node):
            continue
        for kind, _predicates in KINDS:
            for task in new.tasks_of(kind, node):
                for target, rows in new.counted_for(task).items():
                    if (kind, node) in rows:
                        relabel.setdefault(target, set()).add((kind, node))
    for target in task_delta.keys() | gained.keys() | lost.keys() | relabel.keys():
        fp = _read_footprint(after, target, g)
        fp.tasks += task_delta.get(target, 0)
        touched = gained.get(target, {}).keys() | lost.get(target, {}).keys()
        for row in touched:
            came, went = gained.get(target, {}).get(row, set()), lost.get(target, {}).get(row, set())
            n, first = fp.rows.get(row, (0, ""))
            n += len(came) - len(went)
            if n <= 0:
                fp.rows.pop(row, None)
                continue
            if first in went:  # the first task left: the first of those that count now
                kind, node = row
                first = min(t for t in new.tasks_of(kind, node) if row in new.counted_for(t).get(target, ()))
            elif came:
                first = min(came | ({first} if first else set()))
            fp.rows[row] = (n, first)
        _write_footprint(after, target, fp, new, g, touched | relabel.get(target, set()))
        out.footprints += 1
    return out
