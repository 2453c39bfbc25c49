"""Lineage and impact analysis with networkx, every answer explained edge by edge.

The store's stated facts (the inferred graph is left out, so that every step of a path is a fact some
sentence states, or a curated or rule-derived one with its own evidence) are loaded into a
:class:`DependencyGraph`: a networkx ``MultiDiGraph`` of the facts as stated (``s -p-> o``, with the
evidence of each). What tasks and projects depend on is the product's one dependency model
(:mod:`graph.dependency`: naming, parts and wholes, never a sibling part), computed here from the same
facts; around it, a ``DiGraph`` of lineage edges where ``u -> v`` means "if v slips, u is affected":

=====================  ===========================================
fact                   edge
=====================  ===========================================
doc cites/implements   citing doc -> cited doc
doc hasTask task       doc -> task (and task wasDerivedFrom doc)
task leadAgency ag     agency -> task (its workload)
task contributesTo g   goal -> task
=====================  ===========================================

For large stores, the read side answers dependency questions from the materialised model instead
(:mod:`graph.query.dependencies`); both give the same answer (tests/test_dependency_model.py).

*Upstream* of X = everything with a dependency path to X (what is affected if X slips); *downstream* of
X = everything X depends on. Paths are shortest paths in that graph, and each step carries its evidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox

from graph.dependency import NAMING, PART_OF, DependencyModel
from graph.query.dependencies import Dependant, Step
from graph.query.lookup import Evidence
from graph.store import Store
from graph.vocab import POL, PROV, RDF  # noqa: F401

# lineage: predicate local name -> True when the edge runs subject -> object, False when object -> subject
LINEAGE_PREDICATES: dict[str, bool] = {
    "cites": True,
    "implements": True,
    "hasTask": True,
    "hasGoal": True,
    "leadAgency": False,
    "cooperatingAgency": False,
    "contributesTo": False,
}
# weights for the shortest explained path: going through a busy agency or a citation says less than a
# task naming a project
PATH_WEIGHT = {"leadAgency": 3.0, "cooperatingAgency": 4.0, "cites": 1.5}
KIND_ORDER = ("Task", "Target", "Goal", "Document", "Agency", "AgencyGroup", "Zone", "Place",
              "InfrastructureProject")


EdgeEvidence = Evidence
# every predicate the analysis loads
DEPENDENCY_PREDICATES = (*NAMING, PART_OF, *LINEAGE_PREDICATES)


# one shape for a path's facts and for what was reached, shared with the read layer (graph/query/dependencies.py)
Reached = Dependant


@dataclass
class Impact:
    project: str
    tasks: list[Reached]
    documents: list[Reached]
    agencies: list[Reached]
    targets: list[Reached]
    other: list[Reached]


class DependencyGraph:
    """The stated facts relevant to dependencies, with their evidence, as networkx graphs."""

    def __init__(self) -> None:
        self.facts = nx.MultiDiGraph()
        self.deps = nx.DiGraph()
        self.model = DependencyModel()
        self.labels: dict[str, str] = {}
        self.kinds: dict[str, str] = {}

    # -- loading
    @classmethod
    def from_store(cls, store: Store, inferred_graph: str | None = None) -> DependencyGraph:
        graph = cls()
        preds = " ".join(f"pol:{p}" for p in DEPENDENCY_PREDICATES)
        prefix = f"PREFIX pol: <{POL}>\nPREFIX prov: <{PROV}>\nPREFIX rdf: <{RDF}>\n" \
                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        inferred = inferred_graph or _inferred_graph(store)
        rows = store.select(prefix + f"""
            SELECT DISTINCT ?s ?p ?o WHERE {{
              VALUES ?p {{ {preds} }}
              GRAPH ?g {{ ?s ?p ?o }}
              FILTER(?g != <{inferred}> && isIRI(?o))
            }}""").rows
        for row in rows:
            graph.add_fact(row["s"].value, row["p"].value.removeprefix(POL), row["o"].value)
        # tasks and goals belong to the document they are derived from, even where no hasTask is written
        for row in store.select(prefix + """
            SELECT DISTINCT ?x ?d ?c WHERE {
              VALUES ?c { pol:Task pol:Goal }
              ?x a ?c ; prov:wasDerivedFrom ?d . ?d a pol:Document }""").rows:
            pred = "hasTask" if row["c"].value.endswith("Task") else "hasGoal"
            graph.add_fact(row["d"].value, pred, row["x"].value)
        evidence: dict[tuple[str, str, str], list[EdgeEvidence]] = defaultdict(list)
        for row in store.select(prefix + f"""
            SELECT DISTINCT ?s ?p ?o ?q ?d ?m ?a ?b WHERE {{
              VALUES ?p {{ {preds} }}
              ?ev rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
              OPTIONAL {{ ?ev pol:quote ?quote }} OPTIONAL {{ ?ev rdfs:comment ?note }}
              BIND(COALESCE(?quote, ?note, "(curated fact, no source sentence)") AS ?q)
              OPTIONAL {{ ?ev prov:wasDerivedFrom ?d }} OPTIONAL {{ ?ev pol:method ?m }}
              OPTIONAL {{ ?ev pol:startOffset ?a }} OPTIONAL {{ ?ev pol:endOffset ?b }}
            }}""").rows:
            key = (row["s"].value, row["p"].value.removeprefix(POL), row["o"].value)
            evidence[key].append(EdgeEvidence(
                row["q"].value, row["d"].value if "d" in row else None,
                row["m"].value if "m" in row else None,
                int(row["a"].value) if "a" in row else None, int(row["b"].value) if "b" in row else None))
        # a task's own text is the evidence that its document sets it
        for row in store.select(prefix + """
            SELECT DISTINCT ?x ?d ?q WHERE { ?x a pol:Task ; prov:wasDerivedFrom ?d ; pol:quote ?q .
                                             ?d a pol:Document }""").rows:
            evidence[(row["d"].value, "hasTask", row["x"].value)].append(
                EdgeEvidence(row["q"].value, row["d"].value, POL + "Stated"))
        for (s, p, o), evs in evidence.items():
            if graph.facts.has_edge(s, o, key=p):
                graph.facts.edges[s, o, p]["evidence"] = tuple(sorted(set(evs), key=lambda e: (e.start or 0)))
        nodes = list(graph.facts.nodes)
        sections: dict[str, str] = {}
        for i in range(0, len(nodes), 1000):
            chunk = " ".join(str(ox.NamedNode(n)) for n in nodes[i:i + 1000])
            for row in store.select(prefix + f"""
                SELECT ?n (SAMPLE(?v) AS ?vi) (SAMPLE(?l) AS ?any) (SAMPLE(?num) AS ?number) (SAMPLE(?sec) AS ?section)
                       (GROUP_CONCAT(DISTINCT STR(?c); separator=" ") AS ?classes) WHERE {{
                  VALUES ?n {{ {chunk} }}
                  OPTIONAL {{ ?n rdfs:label ?v FILTER(LANG(?v) != "en") }} OPTIONAL {{ ?n rdfs:label ?l }}
                  OPTIONAL {{ ?n pol:documentNumber ?num }} OPTIONAL {{ ?n pol:sectionNumber ?sec }}
                  OPTIONAL {{ ?n a ?c FILTER(STRSTARTS(STR(?c), STR(pol:))) }}
                }} GROUP BY ?n""").rows:
                n = row["n"].value
                label = row.get("number") or row.get("vi") or row.get("any")
                graph.labels[n] = label.value if label else n.rsplit("/", 1)[-1]
                graph.kinds[n] = _kind(row["classes"].value.split() if "classes" in row else [])
                if "section" in row:
                    sections[n] = row["section"].value
                if graph.kinds[n] == "Document" and len(graph.labels[n]) > 60:  # an unnumbered document's title
                    graph.labels[n] = graph.labels[n][:59].rsplit(" ", 1)[0] + " …"
        for n, section in sections.items():  # a task is known by its document and number: "26-CTr/TU §3-1"
            docs = [s for s, _o, p in graph.facts.in_edges(n, keys=True) if p in ("hasTask", "hasGoal")]
            if docs:
                graph.labels[n] = f"{graph.label(docs[0])} §{section}"
        return graph

    def add_fact(self, s: str, p: str, o: str, evidence: Iterable[EdgeEvidence] = ()) -> None:
        self.facts.add_edge(s, o, key=p, predicate=p, evidence=tuple(evidence))
        if self.model.add_fact(s, p, o):
            return
        forward = LINEAGE_PREDICATES.get(p)
        if forward is None:
            return
        u, v = (s, o) if forward else (o, s)
        if not self.deps.has_edge(u, v):
            self.deps.add_edge(u, v, facts=[])
        self.deps.edges[u, v]["facts"].append((s, p, o))

    # -- helpers
    def label(self, node: str) -> str:
        return self.labels.get(node, node.rsplit("/", 1)[-1])

    def kind(self, node: str) -> str:
        return self.kinds.get(node, "")

    def step(self, s: str, p: str, o: str) -> Step:
        data = self.facts.get_edge_data(s, o, key=p) or {}
        return Step(s, p, o, tuple(data.get("evidence", ())))

    def _dep_steps(self, u: str, v: str) -> Step:
        """The fact behind the dependency u -> v (the best evidenced one when several)."""
        facts = self.deps.edges[u, v]["facts"]
        steps = [self.step(*f) for f in facts]
        return max(steps, key=lambda st: (len(st.evidence), st.predicate != "hasTask"))

    def needed_by(self, node: str) -> set[str]:
        """What depends on ``node`` by the dependency model."""
        return self.model.dependants(node)

    def _model_steps(self, source: str, target: str) -> list[Step]:
        return [self.step(*fact) for fact in self.model.explain(source, target)]

    def _neighbours(self, node: str, towards: bool) -> list[tuple[str, list[Step]]]:
        """(next node, the steps from the dependent end to the other) one edge away."""
        out: list[tuple[str, list[Step]]] = []
        if towards:  # what depends on node
            for x in sorted(self.needed_by(node)):
                out.append((x, self._model_steps(x, node)))
            if node in self.deps:
                out += [(u, [self._dep_steps(u, node)]) for u in sorted(self.deps.predecessors(node))]
        else:  # what node depends on
            for y in sorted(self.model.needs(node)):
                out.append((y, self._model_steps(node, y)))
            if node in self.deps:
                out += [(v, [self._dep_steps(node, v)]) for v in sorted(self.deps.successors(node))]
        return out

    def _reach(self, node: str, *, towards: bool) -> list[Reached]:
        if node not in self.facts:
            return []
        parent: dict[str, tuple[str, list[Step]] | None] = {node: None}
        queue = [node]
        for cur in queue:
            for nxt, steps in self._neighbours(cur, towards):
                if nxt not in parent:
                    parent[nxt] = (cur, steps)
                    queue.append(nxt)
        out = []
        for target in queue[1:]:
            hops: list[list[Step]] = []
            n = target
            while (link := parent[n]) is not None:
                hops.append(link[1])
                n = link[0]
            if not towards:  # read from ``node`` to the target
                hops.reverse()
            out.append(Reached(target, self.kind(target), self.label(target), [s for hop in hops for s in hop]))
        out.sort(key=lambda r: (r.distance, r.kind, r.label))
        return out

    # -- questions
    def upstream(self, node: str) -> list[Reached]:
        """Everything that depends on ``node``, directly or transitively (what is affected if it slips)."""
        return self._reach(node, towards=True)

    def downstream(self, node: str) -> list[Reached]:
        """Everything ``node`` depends on, directly or transitively."""
        return self._reach(node, towards=False)

    def explain_path(self, a: str, b: str) -> list[Step]:
        """The shortest chain of stated facts between ``a`` and ``b`` in either direction ([] if none)."""
        if a not in self.facts or b not in self.facts:
            return []
        undirected = nx.Graph()
        for s, o, p in self.facts.edges(keys=True):
            w = PATH_WEIGHT.get(p, 1.0)
            if not undirected.has_edge(s, o) or undirected.edges[s, o]["weight"] > w:
                undirected.add_edge(s, o, weight=w, fact=(s, p, o))
        try:
            path = nx.shortest_path(undirected, a, b, weight="weight")
        except nx.NetworkXNoPath:
            return []
        return [self.step(*undirected.edges[x, y]["fact"]) for x, y in zip(path, path[1:], strict=False)]

    def impact(self, project: str) -> Impact:
        """If ``project`` slips: the tasks, documents, agencies and targets that depend on it."""
        groups: dict[str, list[Reached]] = defaultdict(list)
        for r in self.upstream(project):
            key = {"Task": "tasks", "Document": "documents", "Agency": "agencies", "AgencyGroup": "agencies",
                   "Target": "targets", "Goal": "targets"}.get(r.kind, "other")
            groups[key].append(r)
        return Impact(project, groups["tasks"], groups["documents"], groups["agencies"], groups["targets"],
                      groups["other"])

    # -- centrality
    def projects_by_dependants(self, top: int = 10) -> list[tuple[str, int]]:
        """Projects, zones and places ranked by how many tasks depend on them (the dependency model)."""
        scores = []
        for n, kind in self.kinds.items():
            if kind in ("InfrastructureProject", "Zone", "Place"):
                tasks = sum(1 for m in self.needed_by(n) if self.kind(m) == "Task")
                if tasks:
                    scores.append((n, tasks))
        return sorted(scores, key=lambda x: (-x[1], self.label(x[0])))[:top]

    def agencies_by_tasks(self, top: int = 10) -> list[tuple[str, int, int]]:
        """Agencies ranked by tasks led, then cooperated on: (agency, lead, cooperating)."""
        lead: Counter[str] = Counter()
        coop: Counter[str] = Counter()
        for _s, o, p in self.facts.edges(keys=True):
            if p == "leadAgency":
                lead[o] += 1
            elif p == "cooperatingAgency":
                coop[o] += 1
        agencies = set(lead) | set(coop)
        ranked = sorted(agencies, key=lambda a: (-(lead[a] + coop[a]), -lead[a], self.label(a)))
        return [(a, lead[a], coop[a]) for a in ranked[:top]]

    def most_cited(self, top: int = 10) -> list[tuple[str, int]]:
        """Documents ranked by how many different documents cite or implement them."""
        citing: dict[str, set[str]] = defaultdict(set)
        for s, o, p in self.facts.edges(keys=True):
            if p in ("cites", "implements"):
                citing[o].add(s)
        return sorted(((d, len(c)) for d, c in citing.items()), key=lambda x: (-x[1], self.label(x[0])))[:top]

    def pagerank(self, top: int = 10) -> list[tuple[str, float]]:
        """Which nodes most of the dependency structure rests on (PageRank on the dependency graph)."""
        graph = self.deps.copy()
        for x in list(self.model.named):
            graph.add_edges_from((x, y) for y in self.model.direct(x) if y != x)
        if not graph:
            return []
        ranks = nx.pagerank(graph)
        return sorted(ranks.items(), key=lambda x: -x[1])[:top]


def _kind(classes: list[str]) -> str:
    local = {c.removeprefix(POL) for c in classes}
    for kind in KIND_ORDER:
        if kind in local:
            return kind
    return next(iter(sorted(local)), "")


def _inferred_graph(store: Store) -> str:
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } FILTER(STRENDS(STR(?g), '/graph/inferred')) }").rows
    return rows[0]["g"].value if rows else "urn:policykg:no-inferred-graph"


def load(store: Store) -> DependencyGraph:
    return DependencyGraph.from_store(store)
