"""DCAT-AP 3 catalogue and VoID description of the published dataset, as rdflib graphs.

Download and service URLs are those of the running app (``root``, e.g. ``http://127.0.0.1:8000/``);
the catalogue, dataset and distributions are named under the public base IRI.
"""

from __future__ import annotations

from datetime import date

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, VOID, XSD

from graph.text import latin

from .kg import POL, KnowledgeGraph, coverage_words

ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANG = "http://publications.europa.eu/resource/authority/language/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
IANA = "http://www.iana.org/assignments/media-types/"
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")

# (dump file, title, IANA media type, EU file type)
DUMPS = [
    ("graph.ttl", "Turtle", "text/turtle", "RDF_TURTLE"),
    ("graph.nt", "N-Triples", "application/n-triples", "RDF_N_TRIPLES"),
    ("graph.nq", "N-Quads (named graph per source)", "application/n-quads", "RDF_N_QUADS"),
    ("graph.jsonld", "JSON-LD", "application/ld+json", "JSON_LD"),
]


def _period(kg: KnowledgeGraph) -> tuple[date | None, int | None]:
    """From the earliest issue date to the latest target year (as strings: the data mixes datatypes)."""
    first = last = None
    rows = kg.store.select(f"SELECT (MIN(STR(?d)) AS ?first) WHERE {{ ?doc <{DCTERMS}issued> ?d }}").rows
    if rows and "first" in rows[0]:
        try:
            first = date.fromisoformat(rows[0]["first"].value[:10])
        except ValueError:
            first = None
    rows = kg.store.select(f"""SELECT (MAX(?y) AS ?last) WHERE {{ ?t <{POL}targetYear> ?v
        BIND(xsd:integer(STR(?v)) AS ?y) }}""".replace("xsd:integer", f"<{XSD}integer>")).rows
    if rows and "last" in rows[0]:
        last = int(rows[0]["last"].value)
    return first, last


def catalogue(kg: KnowledgeGraph, root: str, dump_names: dict[str, str], modified: date | None = None) -> Graph:
    """The DCAT-AP 3 description. ``dump_names`` maps each dump to the file actually served (maybe .gz)."""
    base = kg.base
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("skos", SKOS), ("vcard", VCARD),
                       ("adms", ADMS)):
        g.bind(prefix, ns)
    today = modified or date.today()
    cat, ds, svc = URIRef(base + "catalog"), URIRef(base + "dataset"), URIRef(base + "service/sparql")
    publisher = URIRef(base + "agent/policykg")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("policykg project")))
    g.add((publisher, FOAF.homepage, URIRef(root)))
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    g.add((LICENCE, RDFS.label, Literal("Creative Commons Attribution 4.0 International", lang="en")))
    # the areas the data covers: the provinces its documents are of (read from the store), and the country for
    # the documents of central bodies (or when no province is known yet)
    covered = kg.coverage()
    words = coverage_words(covered)
    spatials: list[URIRef] = []
    for province_iri, name, _ in covered["provinces"]:
        place = URIRef(province_iri)
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, SKOS.prefLabel, Literal(name, lang="vi")))
        g.add((place, SKOS.prefLabel, Literal(f"{latin(name)}, Viet Nam", lang="en")))
        spatials.append(place)
    if covered["central"] or not spatials:
        country = URIRef(base + "place/viet-nam")
        g.add((country, RDF.type, DCTERMS.Location))
        g.add((country, SKOS.prefLabel, Literal("Việt Nam", lang="vi")))
        g.add((country, SKOS.prefLabel, Literal("Viet Nam", lang="en")))
        spatials.append(country)
    lang = URIRef(EU_LANG + "VIE")
    g.add((lang, RDF.type, DCTERMS.LinguisticSystem))
    theme = URIRef(EU_THEME + "GOVE")
    g.add((theme, RDF.type, SKOS.Concept))
    g.add((theme, SKOS.prefLabel, Literal("Government and public sector", lang="en")))
    contact = URIRef(base + "agent/policykg#contact")
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("policykg project")))
    g.add((contact, VCARD.hasURL, URIRef(root)))

    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal("Danh mục dữ liệu policykg", lang="vi")))
    g.add((cat, DCTERMS.title, Literal("policykg data catalogue", lang="en")))
    g.add((cat, DCTERMS.description, Literal(
        f"{words['vi']} và các dịch vụ truy vấn.", lang="vi")))
    g.add((cat, DCTERMS.description, Literal(
        f"{words['en']} and its query services.", lang="en")))
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((cat, DCTERMS.license, LICENCE))
    g.add((cat, DCTERMS.language, lang))
    for place in spatials:
        g.add((cat, DCTERMS.spatial, place))
    g.add((cat, DCTERMS.modified, Literal(today.isoformat(), datatype=XSD.date)))
    g.add((cat, FOAF.homepage, URIRef(root)))
    g.add((URIRef(root), RDF.type, FOAF.Document))
    g.add((cat, DCAT.dataset, ds))
    g.add((cat, DCAT.service, svc))

    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(words["vi"], lang="vi")))
    g.add((ds, DCTERMS.title, Literal(words["en"], lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "Văn bản (nghị quyết, kết luận, kế hoạch, chương trình hành động …), nhiệm vụ, cơ quan chủ trì và phối hợp, "
        "công trình, mục tiêu và chỉ tiêu, cùng câu gốc và vị trí của từng dữ kiện.", lang="vi")))
    g.add((ds, DCTERMS.description, Literal(
        "Documents (resolutions, conclusions, plans, action programmes …), tasks, lead and cooperating agencies, "
        "infrastructure projects, goals and targets, with the source sentence and offsets of every fact.",
        lang="en")))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCTERMS.license, LICENCE))
    for place in spatials:
        g.add((ds, DCTERMS.spatial, place))
    g.add((ds, DCTERMS.language, lang))
    g.add((ds, DCAT.theme, theme))
    g.add((ds, DCAT.contactPoint, contact))
    g.add((ds, DCTERMS.identifier, Literal(str(ds))))
    g.add((ds, DCTERMS.modified, Literal(today.isoformat(), datatype=XSD.date)))
    g.add((ds, DCTERMS.conformsTo, URIRef("https://w3id.org/policykg/ont")))
    g.add((URIRef("https://w3id.org/policykg/ont"), RDF.type, DCTERMS.Standard))
    for word in ("chính sách", *(name for _, name, _ in covered["provinces"]), "văn bản pháp luật", "knowledge graph",
                 "policy", "linked data"):
        g.add((ds, DCAT.keyword, Literal(word, lang="en" if word.isascii() else "vi")))
    first, last = _period(kg)
    if first or last:
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if first:
            g.add((period, DCAT.startDate, Literal(first.isoformat(), datatype=XSD.date)))
        if last:
            g.add((period, DCAT.endDate, Literal(f"{last}-12-31", datatype=XSD.date)))
        g.add((ds, DCTERMS.temporal, period))

    for name, title, media, eu in DUMPS:
        served = dump_names.get(name, name)
        dist = URIRef(base + "distribution/" + name.replace(".", "-"))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"Bản kết xuất {title}", lang="vi")))
        g.add((dist, DCTERMS.title, Literal(f"{title} dump", lang="en")))
        g.add((dist, DCTERMS.description, Literal(f"The whole graph as {title}.", lang="en")))
        g.add((dist, DCAT.accessURL, URIRef(root + "dumps/" + served)))
        g.add((dist, DCAT.downloadURL, URIRef(root + "dumps/" + served)))
        mt = URIRef(IANA + media)
        g.add((mt, RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.mediaType, mt))
        fmt = URIRef(EU_FILE + eu)
        g.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((dist, DCTERMS.format, fmt))
        g.add((dist, DCTERMS.license, LICENCE))
        if served.endswith(".gz"):
            gz = URIRef(IANA + "application/gzip")
            g.add((gz, RDF.type, DCTERMS.MediaType))
            g.add((dist, DCAT.compressFormat, gz))

    g.add((svc, RDF.type, DCAT.DataService))
    g.add((svc, DCTERMS.title, Literal("Điểm truy vấn SPARQL policykg", lang="vi")))
    g.add((svc, DCTERMS.title, Literal("policykg SPARQL endpoint", lang="en")))
    g.add((svc, DCTERMS.description, Literal("Read-only SPARQL 1.1 Protocol endpoint, time-limited.", lang="en")))
    g.add((svc, DCAT.endpointURL, URIRef(root + "sparql")))
    g.add((svc, DCAT.endpointDescription, URIRef(root + ".well-known/void")))
    g.add((URIRef(root + "sparql"), RDF.type, RDFS.Resource))
    g.add((URIRef(root + ".well-known/void"), RDF.type, RDFS.Resource))
    g.add((svc, DCAT.servesDataset, ds))
    g.add((svc, DCTERMS.license, LICENCE))
    g.add((svc, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    sparql_dist = URIRef(base + "distribution/sparql")
    g.add((ds, DCAT.distribution, sparql_dist))
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    g.add((sparql_dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((sparql_dist, DCAT.accessURL, URIRef(root + "sparql")))
    g.add((sparql_dist, DCAT.accessService, svc))
    g.add((sparql_dist, DCTERMS.license, LICENCE))
    return g


def void_description(kg: KnowledgeGraph, root: str, dump_names: dict[str, str]) -> Graph:
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    ds = URIRef(kg.base + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal(f"policykg: {coverage_words(kg.coverage())['en']}", lang="en")))
    g.add((ds, DCTERMS.license, LICENCE))
    g.add((ds, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    g.add((ds, VOID.uriSpace, Literal(kg.base)))
    g.add((ds, VOID.uriLookupEndpoint, URIRef(root + "search?q=")))
    g.add((ds, VOID.rootResource, URIRef(kg.base + "catalog")))
    for name, *_ in DUMPS:
        g.add((ds, VOID.dataDump, URIRef(root + "dumps/" + dump_names.get(name, name))))
    for ns in ("https://w3id.org/policykg/ont#", "http://purl.org/dc/terms/", "http://www.w3.org/2004/02/skos/core#",
               "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/",
               "http://data.europa.eu/eli/ontology#"):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    stats = kg.store.select("""SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
        (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }""").rows[0]
    g.add((ds, VOID.triples, Literal(int(stats["triples"].value))))
    g.add((ds, VOID.distinctSubjects, Literal(int(stats["subjects"].value))))
    g.add((ds, VOID.properties, Literal(int(stats["properties"].value))))
    g.add((ds, VOID.distinctObjects, Literal(int(stats["objects"].value))))
    classes = kg.store.select("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c").rows
    g.add((ds, VOID.classes, Literal(len(classes))))
    g.add((ds, VOID.entities, Literal(sum(1 for iri in kg.kinds if iri.startswith(kg.base)))))
    for r in classes:
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(r["c"].value)))
        g.add((part, VOID.entities, Literal(int(r["n"].value))))
    for r in kg.store.select("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p").rows:
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(r["p"].value)))
        g.add((part, VOID.triples, Literal(int(r["n"].value))))
    examples = [iri for iri, k in kg.kinds.items() if k in ("document", "project", "agency")
                and iri.startswith(kg.base)][:3]
    for iri in examples:
        g.add((ds, VOID.exampleResource, URIRef(iri)))
    return g
