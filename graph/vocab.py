"""The vocabularies, graph names, kinds and media types, defined once and imported everywhere.

Namespaces are plain strings (``POL + "Task"``): pyoxigraph, rdflib and SPARQL text all take them as they
are. :data:`PREFIXES` is what Turtle output and the SPARQL editor declare. :data:`KINDS` is how a node is
shown and grouped (the first class it has, most specific first). :data:`MEDIA_TYPES` is the one table of
serialisation formats: suffix -> media type, name and pyoxigraph format.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

POL = "https://w3id.org/policykg/ont#"
ONTOLOGY_IRI = "https://w3id.org/policykg/ont"
ONTOLOGY_GRAPH = ONTOLOGY_IRI  # the named graph the ontology is loaded into
DEFAULT_BASE = "https://w3id.org/policykg/id/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
ELI = "http://data.europa.eu/eli/ontology#"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"

RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"

PREFIXES: dict[str, str] = {
    "pol": POL,
    "id": DEFAULT_BASE,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "prov": PROV,
    "org": ORG,
    "foaf": FOAF,
    "eli": ELI,
    "rdfs": RDFS,
    "rdf": RDF,
    "owl": OWL,
    "xsd": XSD,
    "dcat": DCAT,
    "void": VOID,
}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for SPARQL text (all of :data:`PREFIXES` when no name is given)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)


def inferred_graph(base: str = DEFAULT_BASE) -> str:
    """The named graph of materialised (inferred) facts."""
    return (base if base.endswith("/") else base + "/") + "graph/inferred"


# Kinds, most specific first: the first class a node has decides how it is shown and grouped.
# (class IRI, kind key, Vietnamese name, colour)
KINDS: list[tuple[str, str, str, str]] = [
    (POL + "Document", "document", "Văn bản", "#4e79a7"),
    (POL + "Target", "target", "Chỉ tiêu", "#f28e2b"),
    (POL + "Goal", "goal", "Mục tiêu", "#ffbe7d"),
    (POL + "Task", "task", "Nhiệm vụ", "#59a14f"),
    (POL + "InfrastructureProject", "project", "Công trình, dự án", "#e15759"),
    (POL + "Zone", "zone", "Khu kinh tế, khu", "#b07aa1"),
    (POL + "Place", "place", "Địa danh", "#9c755f"),
    (POL + "AgencyGroup", "group", "Nhóm cơ quan", "#bab0ac"),
    (POL + "Agency", "agency", "Cơ quan", "#76b7b2"),
    (FOAF + "Person", "person", "Người ký", "#edc948"),
    (POL + "Indicator", "indicator", "Chỉ số", "#ff9da7"),
    (POL + "Evidence", "evidence", "Bằng chứng", "#d3d3d3"),
    (POL + "SourceText", "text", "Văn bản nguồn", "#d3d3d3"),
]
KIND_NAMES = {k: name for _, k, name, _ in KINDS} | {"other": "Khác"}
KIND_COLOURS = {k: colour for _, k, _, colour in KINDS} | {"other": "#cccccc"}
BROWSABLE_KINDS = [k for _, k, _, _ in KINDS if k not in ("evidence", "text")]
# The classes a typed name of each sort is looked up among (question parameters, the explorer).
NAME_CLASSES: dict[str, tuple[str, ...]] = {
    "agency": (POL + "Agency", POL + "AgencyGroup"),
    "project": (POL + "InfrastructureProject", POL + "Zone", POL + "Place"),
    "document": (POL + "Document",),
}

# Nodes known by their names (search indexes their labels and aliases).
NAMED_CLASSES: tuple[str, ...] = (
    POL + "Agency", POL + "AgencyGroup", POL + "InfrastructureProject", POL + "Zone", POL + "Place",
    POL + "Indicator", FOAF + "Person",
)


def kind_of(types: set[str] | frozenset[str] | list[str]) -> str:
    """The kind key of a node with these classes ('other' when none is known)."""
    present = set(types)
    for cls, kind, _, _ in KINDS:
        if cls in present:
            return kind
    return "other"


@dataclass(frozen=True)
class MediaType:
    suffix: str
    media_type: str
    name: str
    rdf_format: ox.RdfFormat | None = None  # None: a result format, not RDF


# The one table of formats: RDF serialisations first (content negotiation offers them in this order),
# then query-result formats.
MEDIA_TYPES: list[MediaType] = [
    MediaType("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE),
    MediaType("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD),
    MediaType("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML),
    MediaType("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES),
    MediaType("nq", "application/n-quads", "N-Quads", ox.RdfFormat.N_QUADS),
    MediaType("trig", "application/trig", "TriG", ox.RdfFormat.TRIG),
    MediaType("json", "application/sparql-results+json", "SPARQL results JSON"),
    MediaType("xml", "application/sparql-results+xml", "SPARQL results XML"),
    MediaType("csv", "text/csv", "CSV"),
    MediaType("tsv", "text/tab-separated-values", "TSV"),
]
MEDIA_BY_SUFFIX: dict[str, MediaType] = {m.suffix: m for m in MEDIA_TYPES}
