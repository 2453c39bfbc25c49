"""Network views: the nodes and edges around an entity, assembled with pyvis.

pyvis builds the node and edge records (ids, labels, colours, groups); the page is rendered
by our own template with the vendored vis-network, because every pyvis HTML mode still
reaches a CDN. Labels and hover texts are plain text here and are turned into DOM text nodes
in the browser: nothing from the graph is ever parsed as HTML.

Each view has a layout that suits it (``View.layout``):

- ``force``: ego networks. Large ones get positions from networkx on the server and no physics in the
  browser; small ones stabilise in the browser and are then frozen.
- ``date``: lineage (documents and the citations between them) as a left-to-right tree by date: each
  document carries its ``year`` and ``date`` and the browser makes one column per year, with a year axis.
- ``layers``: the dependency explorer, left to right, each node at its ``level`` (distance in the
  dependency model, graph/query/dependencies.py).

Every node carries ``key``, its label folded as the search index folds (graph.text.fold), for the search
box of the view, and ``cat``/``catName``, the legend entry it belongs to; tasks and goals carry ``doc``,
the document they come from, which the browser uses to fold large views into clusters ("+57 nhiệm vụ").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

import networkx as nx
from pyvis.network import Network

from graph.query.lookup import evidence_for
from graph.text import fold

from .kg import KIND_COLOURS, KIND_NAMES, NOT_RELATIONS, ONTOLOGY_GRAPH, POL, PROV, KnowledgeGraph
from .linked import IriMap

SERVER_LAYOUT_OVER = 150  # nodes; above this the browser gets positions and no physics
CLUSTER_OVER = 80  # visible nodes; above this the browser folds groups of nodes into clusters that open on click
LAYOUTS = ("force", "date", "layers")
OWNED_KINDS = ("task", "target", "goal")  # kinds whose document is sent with them (clusters group by it)
# document types in the lineage view, in the order they get these colours (colour-blind-safe Tableau 10)
TYPE_PALETTE = ("#4e79a7", "#e15759", "#59a14f", "#b07aa1", "#f28e2b", "#76b7b2", "#edc948", "#ff9da7",
                "#9c755f", "#bab0ac")
UNTYPED = "Văn bản"
MAX_DEPTH = 3
LABEL_CHARS = 42
SHAPES = {"document": "box", "task": "dot", "target": "diamond", "goal": "diamond", "project": "triangle",
          "zone": "hexagon", "place": "hexagon", "agency": "ellipse", "group": "ellipse", "person": "star"}


@dataclass
class Edge:
    source: str
    predicate: str
    target: str
    inferred: bool = False


@dataclass
class View:
    nodes: list[dict]
    edges: list[dict]
    truncated: bool = False
    total: int = 0
    server_layout: bool = False
    kinds: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    layout: str = "force"
    level_names: dict[int, str] = field(default_factory=dict)  # layers: what each column holds


class DatedDocument(Protocol):
    """What the lineage layout reads of a document (webapp.views.documents.DocumentRow is one)."""

    date: str  # ISO date or year of issue, "" when unknown
    type: str
    held: bool


def _vn_date(iso: str) -> str:
    """'2023-02-07' -> '7/2/2023' (the way Vietnamese documents print dates); a bare year stays."""
    parts = iso.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[2])}/{int(parts[1])}/{parts[0]}"
    return iso


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class NetworkBuilder:
    def __init__(self, kg: KnowledgeGraph, iris: IriMap) -> None:
        self.kg = kg
        self.iris = iris

    # -- edges from the store -------------------------------------------------------------------
    def edges_of(self, nodes: list[str], relations: set[str] | None = None) -> list[Edge]:
        """Stated links (both directions) of ``nodes`` to other browsable nodes."""
        if not nodes:
            return []
        values = " ".join(f"<{n}>" for n in nodes)
        rows = self.kg.store.select(f"""SELECT ?s ?p ?o ?g WHERE {{
            {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} UNION
            {{ VALUES ?o {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}
            FILTER(isIRI(?o) && isIRI(?s) && ?g != <{ONTOLOGY_GRAPH}>) }}""").rows
        seen: dict[tuple[str, str, str], Edge] = {}
        for r in rows:
            s, p, o, g = r["s"].value, r["p"].value, r["o"].value, r["g"].value
            if p in NOT_RELATIONS or (relations and p not in relations):
                continue
            if self.kg.kind(s) in ("evidence", "text", "other") or self.kg.kind(o) in ("evidence", "text", "other"):
                continue
            inferred = g == self.kg.inferred_graph
            if inferred and (p in self.kg.inverse or self._is_closure(p)):
                continue  # inverse twins and transitive closures would double the picture
            key = (s, p, o)
            if key not in seen:
                seen[key] = Edge(s, p, o, inferred)
        return list(seen.values())

    def _is_closure(self, predicate: str) -> bool:
        return predicate in (POL + "dependsOn", POL + "partOf") or predicate.endswith("#cites")

    # -- views -----------------------------------------------------------------------------------------
    def ego(self, focus: str, depth: int = 1, kinds: set[str] | None = None, relations: set[str] | None = None,
            cap: int = 100) -> View:
        depth = max(1, min(MAX_DEPTH, depth))
        order: list[str] = [focus]
        seen = {focus}
        all_edges: dict[tuple[str, str, str], Edge] = {}
        frontier = [focus]
        truncated = False
        candidates = 0
        for _ in range(depth):
            edges = self.edges_of(frontier, relations)
            nxt: list[str] = []
            for e in edges:
                for other in (e.source, e.target):
                    if other in seen or (kinds and self.kg.kind(other) not in kinds):
                        continue
                    candidates += 1
                    if len(order) >= cap:
                        truncated = True
                        continue
                    seen.add(other)
                    order.append(other)
                    nxt.append(other)
                all_edges[(e.source, e.predicate, e.target)] = e
            frontier = nxt
            if not frontier:
                break
        edges = [e for e in all_edges.values() if e.source in seen and e.target in seen]
        return self.assemble(order, edges, focus=focus, truncated=truncated, total=len(order) + (
            candidates - (len(order) - 1) if truncated else 0))

    def expand(self, iri: str, present: set[str], kinds: set[str] | None = None,
               relations: set[str] | None = None, limit: int = 30) -> View:
        """The neighbours of ``iri`` not yet on the page (at most ``limit``), and their edges."""
        edges = self.edges_of([iri], relations)
        new: list[str] = []
        more = False
        for e in edges:
            other = e.target if e.source == iri else e.source
            if other in present or other in new or (kinds and self.kg.kind(other) not in kinds):
                continue
            if len(new) >= limit:
                more = True
                break
            new.append(other)
        keep = present | set(new) | {iri}
        # edges among new nodes and from new nodes to what is on the page
        extra = self.edges_of(new, relations) if new else []
        chosen = {(e.source, e.predicate, e.target): e for e in edges + extra
                  if e.source in keep and e.target in keep and (e.source in new or e.target in new)}
        return self.assemble(new, list(chosen.values()), truncated=more, context=keep - set(new))

    def lineage(self, cap: int = 300) -> View:
        """Every document and the citation links between them."""
        docs = [iri for iri, kind in self.kg.kinds.items() if kind == "document"][:cap]
        rels = set(self.kg.cite_predicates())
        edges = [e for e in self.edges_of(docs, rels) if e.source in set(docs) and e.target in set(docs)]
        # keep the most specific relation of a pair (implements over cites)
        best: dict[tuple[str, str], Edge] = {}
        for e in edges:
            key = (e.source, e.target)
            if key not in best or best[key].predicate == POL + "cites":
                best[key] = e
        return self.assemble(docs, list(best.values()), truncated=len(docs) >= cap)

    # -- records for vis-network --------------------------------------------------------------------
    def _evidence_texts(self, edges: list[Edge]) -> dict[tuple[str, str, str], str]:
        """The hover text of each edge: its first quote and the document it is from."""
        found = evidence_for(self.kg.store, [(e.source, e.predicate, e.target) for e in edges])
        texts: dict[tuple[str, str, str], str] = {}
        for key, evs in found.items():
            source = f"\n— {self.kg.label(evs[0].document)}" if evs[0].document else ""
            texts[key] = f"“{_short(evs[0].quote, 400)}”{source}"
        return texts

    def owners(self, nodes: list[str]) -> dict[str, str]:
        """The document each task or goal of ``nodes`` comes from (``prov:wasDerivedFrom`` a document)."""
        owned = [n for n in nodes if self.kg.kind(n) in OWNED_KINDS]
        out: dict[str, str] = {}
        for i in range(0, len(owned), 500):
            values = " ".join(f"<{n}>" for n in owned[i:i + 500])
            for r in self.kg.store.select(f"""SELECT ?n ?d WHERE {{ VALUES ?n {{ {values} }}
                    ?n <{PROV}wasDerivedFrom> ?d . ?d a <{POL}Document> }}""").rows:
                out.setdefault(r["n"].value, r["d"].value)
        return out

    def assemble(self, nodes: list[str], edges: list[Edge], focus: str | None = None,
                 truncated: bool = False, total: int = 0, context: set[str] | None = None,
                 layout: str = "force", levels: dict[str, int] | None = None) -> View:
        """vis-network records for ``nodes`` and ``edges``; ``context`` nodes are already on the
        page: edges may end there, but they are not sent again. ``levels`` (for the ``layers``
        layout): the column of each node."""
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r} (expected one of {', '.join(LAYOUTS)})")
        owners = self.owners(nodes)
        net = Network(directed=True)
        for iri in sorted(context or ()):
            net.add_node(iri, label="")
        kinds: dict[str, int] = defaultdict(int)
        for iri in nodes:
            kind = self.kg.kind(iri)
            kinds[kind] += 1
            label = self.kg.label(iri)
            extra: dict = {}
            if iri in owners:
                extra = {"doc": owners[iri], "docLabel": _short(self.kg.label(owners[iri]), 60)}
            if levels is not None:
                extra["level"] = levels.get(iri, 0)
            net.add_node(iri, label=_short(label), title=f"{KIND_NAMES.get(kind, kind)}\n{label}",
                         color=KIND_COLOURS.get(kind, "#cccccc"), shape=SHAPES.get(kind, "dot"),
                         url=self.iris.local(iri), kind=kind, key=fold(label), cat=kind,
                         catName=KIND_NAMES.get(kind, kind), borderWidth=4 if iri == focus else 1,
                         size=22 if iri == focus else 14, **extra)
        evidence = self._evidence_texts(edges)
        relations: dict[str, int] = defaultdict(int)
        for e in edges:
            if e.source not in net.node_map or e.target not in net.node_map:
                continue
            rel = self.kg.label(e.predicate, "vi")
            relations[e.predicate] += 1
            hover = rel + ("" if not e.inferred else " (suy luận / inferred)")
            quote = evidence.get((e.source, e.predicate, e.target))
            if quote:
                hover += "\n" + quote
            net.add_edge(e.source, e.target, title=hover, label=_short(rel, 24), predicate=e.predicate,
                         dashes=e.inferred, arrows="to")
        node_records, edge_records, *_ = net.get_network_data()
        if context:
            node_records = [n for n in node_records if n["id"] not in context]
        for i, rec in enumerate(edge_records):
            rec["id"] = f"{rec['from']}|{rec['predicate']}|{rec['to']}|{i}"
        server_layout = layout == "force" and len(node_records) > SERVER_LAYOUT_OVER
        if server_layout:
            self._layout(node_records, edge_records)
        return View(node_records, edge_records, truncated, total or len(node_records), server_layout,
                    dict(kinds), {p: n for p, n in relations.items()}, layout)

    @staticmethod
    def by_date(view: View, documents: dict[str, DatedDocument]) -> View:
        """``view`` as a lineage: each document node with its ``year`` and ``date`` (ISO, "" when unknown;
        the date printed under its label, d/m/yyyy), coloured and put in the legend by its type, drawn with a
        dashed border when the corpus only cites it. Nodes that are no documents keep their kind."""
        types = sorted({d.type or UNTYPED for d in documents.values()})
        colours = {t: TYPE_PALETTE[i % len(TYPE_PALETTE)] for i, t in enumerate(types)}
        for n in view.nodes:
            doc = documents.get(n["id"])
            if doc is None:
                continue
            kind = doc.type or UNTYPED
            n.update(year=doc.date[:4], date=doc.date, cat="type:" + kind, catName=kind, color=colours[kind],
                     shape="box", label=n["label"] + ("\n" + _vn_date(doc.date) if doc.date else ""))
            n["title"] += f"\n{kind} · " + (_vn_date(doc.date) if doc.date else "không rõ ngày / undated") + (
                "" if doc.held else "\nchỉ được trích dẫn / only cited")
            if not doc.held:
                n["shapeProperties"] = {"borderDashes": [5, 4]}
        for e in view.edges:  # drawn without labels: implementing a document is the bold line
            if e.get("predicate") == POL + "implements":
                e.update(width=2.5, color={"color": "#444", "highlight": "#000"})
        view.layout = "date"
        return view

    @staticmethod
    def _layout(nodes: list[dict], edges: list[dict]) -> None:
        g = nx.Graph()
        g.add_nodes_from(n["id"] for n in nodes)
        g.add_edges_from((e["from"], e["to"]) for e in edges)
        pos = nx.spring_layout(g, seed=7, iterations=60, k=1.5 / max(1, len(nodes)) ** 0.5)
        scale = 120 * len(nodes) ** 0.5
        for n in nodes:
            x, y = pos[n["id"]]
            n["x"], n["y"] = float(x * scale), float(y * scale)
            n["physics"] = False
