"""The ontology (ontology/pol.ttl), its SHACL shapes and its JSON-LD context.

1. pol.ttl parses and declares every IRI of the vocabulary contract (DESIGN.md section 3).
2. owlready2 loads it, HermiT finds it consistent with a small ABox and infers the
   transitive / chained pol:dependsOn and pol:partOf facts; a disjointness clash is detected.
3. shapes.ttl parses; a small valid graph conforms, broken ones do not (pySHACL).
4. every class, property and named individual has labels and comments in vi and en.
5. context.jsonld is a usable JSON-LD 1.1 context.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
POL_TTL = ONTOLOGY_DIR / "pol.ttl"
SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"
CONTEXT = ONTOLOGY_DIR / "context.jsonld"

POL = Namespace("https://w3id.org/policykg/ont#")
ONT_IRI = URIRef("https://w3id.org/policykg/ont")
ID = Namespace("https://w3id.org/policykg/id/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")

# The vocabulary contract: DESIGN.md section 3 plus the terms the ontology brief adds.
CONTRACT_CLASSES = """
Document Resolution Conclusion Plan ActionProgramme Decision Directive Notice OfficialLetter
Law Decree Circular Report Scheme Programme Instruction Regulation
Task Goal Target Indicator
InfrastructureProject Bridge Railway Road Port LogisticsCentre PowerPlant PowerLine IndustrialPark
Plant Airport Mine Zone Place Agency AgencyGroup Evidence SourceText DerivationMethod
""".split()
CONTRACT_OBJECT_PROPERTIES = """
issuedBy signedBy cites implements hasTask hasGoal recipient leadAgency cooperatingAgency
concerns dependsOn contributesTo partOf locatedIn connects indicator
leadGroup cooperatingGroup isTaskOf hasPart isDependencyOf citedBy implementedBy isLeadAgencyOf
concernedBy evidence sourceText method describes
""".split()
CONTRACT_DATATYPE_PROPERTIES = """
documentNumber signerRole timeframe startYear endYear sectionNumber heading targetValue upperValue
unit comparator targetYear baselineValue baselineYear quote uncertain startOffset endOffset cue rule
text sha256 fileName citedDate
""".split()
DESIGN_CANDIDATES = [ROOT / "DESIGN.md", ROOT / "docs" / "DESIGN.md", Path("/work/shared/DESIGN.md")]

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ont() -> Graph:
    return Graph().parse(POL_TTL, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_TTL, format="turtle")


def _declared_classes(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}


def _declared_properties(g: Graph) -> set[URIRef]:
    return {s for t in PROPERTY_TYPES for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}


# --------------------------------------------------------------------------- 1. contract


def test_ontology_header(ont: Graph) -> None:
    assert (ONT_IRI, RDF.type, OWL.Ontology) in ont
    assert ont.value(ONT_IRI, OWL.versionInfo) is not None
    assert (ONT_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in ont
    for pred in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in ont.objects(ONT_IRI, pred)}
        assert {"vi", "en"} <= langs, pred


def test_contract_iris_declared(ont: Graph) -> None:
    classes = _declared_classes(ont)
    for name in CONTRACT_CLASSES:
        assert POL[name] in classes, f"class pol:{name} not declared"
    for name in CONTRACT_OBJECT_PROPERTIES:
        assert (POL[name], RDF.type, OWL.ObjectProperty) in ont, f"pol:{name} not an object property"
    for name in CONTRACT_DATATYPE_PROPERTIES:
        assert (POL[name], RDF.type, OWL.DatatypeProperty) in ont, f"pol:{name} not a datatype property"
    for name in ("Stated", "Rule", "Curated"):
        assert (POL[name], RDF.type, POL.DerivationMethod) in ont
        assert (POL[name], RDF.type, OWL.NamedIndividual) in ont
    # reused terms named by the contract
    assert (DCTERMS.issued, RDF.type, OWL.DatatypeProperty) in ont
    assert DCTERMS.title in _declared_properties(ont)
    assert (PROV.wasDerivedFrom, RDF.type, OWL.ObjectProperty) in ont


def test_design_section3_iris_declared(ont: Graph) -> None:
    """Every pol: term written in DESIGN.md section 3 is declared (when the design file is at hand)."""
    design = next((p for p in DESIGN_CANDIDATES if p.is_file()), None)
    if design is None:
        pytest.skip("DESIGN.md not available")
    text = design.read_text(encoding="utf-8")
    match = re.search(r"^## 3\..*?(?=^## 4\.)", text, flags=re.S | re.M)
    assert match, "section 3 not found in DESIGN.md"
    names = set(re.findall(r"pol:([A-Za-z][A-Za-z0-9]*)", match.group(0)))
    assert len(names) > 30
    declared = _declared_classes(ont) | _declared_properties(ont)
    missing = sorted(n for n in names if POL[n] not in declared)
    assert not missing, f"undeclared contract IRIs: {missing}"


def test_alignments_and_axioms(ont: Graph) -> None:
    assert (POL.Document, RDFS.subClassOf, ELI.LegalResource) in ont
    assert (POL.Agency, RDFS.subClassOf, ORG.Organization) in ont
    assert (POL.AgencyGroup, RDFS.subClassOf, PROV.Entity) in ont
    assert (POL.AgencyGroup, RDFS.subClassOf, ORG.Organization) not in ont
    assert (POL.Task, RDFS.subClassOf, PROV.Entity) in ont
    assert (POL.Goal, RDFS.subClassOf, PROV.Entity) in ont
    assert (POL.Target, RDFS.subClassOf, POL.Goal) in ont
    assert (POL.Evidence, RDFS.subClassOf, RDF.Statement) in ont
    assert (POL.Evidence, RDFS.subClassOf, PROV.Entity) in ont
    assert (POL.signedBy, RDFS.range, FOAF.Person) in ont
    assert (POL.implements, RDFS.subPropertyOf, POL.cites) in ont
    for prop in (POL.dependsOn, POL.partOf):
        assert (prop, RDF.type, OWL.TransitiveProperty) in ont
    inverses = {
        POL.isTaskOf: POL.hasTask, POL.hasPart: POL.partOf, POL.isDependencyOf: POL.dependsOn,
        POL.citedBy: POL.cites, POL.implementedBy: POL.implements,
        POL.isLeadAgencyOf: POL.leadAgency, POL.concernedBy: POL.concerns,
    }
    for inv, prop in inverses.items():
        assert (inv, OWL.inverseOf, prop) in ont
    ranges = {
        POL.targetValue: XSD.decimal, POL.targetYear: XSD.integer, POL.startYear: XSD.integer,
        POL.endYear: XSD.integer, POL.uncertain: XSD.boolean, POL.startOffset: XSD.integer,
        POL.endOffset: XSD.integer, POL.citedDate: XSD.date, POL.heading: XSD.string,
        POL.quote: XSD.string, POL.recipient: POL.Agency, POL.indicator: POL.Indicator,
        POL.leadGroup: POL.AgencyGroup, POL.cooperatingGroup: POL.AgencyGroup,
        POL.method: POL.DerivationMethod, POL.sourceText: POL.SourceText, POL.describes: POL.Document,
    }
    for prop, rng in ranges.items():
        assert (prop, RDFS.range, rng) in ont, prop
    # Document subclasses carry their Vietnamese type word
    assert (POL.Resolution, SKOS.altLabel, Literal("Nghị quyết", lang="vi")) in ont
    assert (POL.Scheme, SKOS.altLabel, Literal("Đề án", lang="vi")) in ont
    for cls in ont.subjects(RDFS.subClassOf, POL.Document):
        assert any(o.language == "vi" for o in ont.objects(cls, SKOS.altLabel)), cls


# --------------------------------------------------------------------------- 2. OWL reasoning


needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="Java is needed for HermiT")


def _load_owlready(tmp_path: Path):
    owlready2 = pytest.importorskip("owlready2")
    rdfxml = tmp_path / "pol.owl"
    Graph().parse(POL_TTL, format="turtle").serialize(rdfxml, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(rdfxml.as_uri()).load()
    abox = world.get_ontology("http://example.org/policykg-test-abox#")
    abox.imported_ontologies.append(onto)
    return owlready2, world, onto, abox


@needs_java
def test_hermit_consistent_and_infers_dependencies(tmp_path: Path) -> None:
    owlready2, world, onto, abox = _load_owlready(tmp_path)
    pol = onto.get_namespace(str(POL))
    assert pol.dependsOn is not None and pol.Port is not None

    with abox:
        doc = pol.Conclusion("kl_2025")
        lead = pol.Agency("so_cong_thuong")
        group = pol.AgencyGroup("cac_so_ban_nganh")
        task = pol.Task("task_2")
        task_logistics = pol.Task("task_3")
        berth = pol.Port("ben_cang_vung_ang_3")
        port = pol.Port("cang_vung_ang")
        port_system = pol.Port("he_thong_cang_vung_ang_son_duong")
        zone = pol.Zone("kkt_vung_ang")
        centre = pol.LogisticsCentre("trung_tam_logistics_son_duong")
        goal = pol.Target("target_throughput_2030")
        doc.hasTask = [task, task_logistics]
        doc.hasGoal = [goal]
        task.leadAgency = [lead]
        task.cooperatingGroup = [group]
        task.dependsOn = [berth]  # the task needs the berth …
        berth.partOf = [port]  # … the berth is part of the port …
        port.partOf = [port_system]  # … which is part of the port system …
        port_system.partOf = [zone]  # … inside the economic zone.
        task_logistics.concerns = [centre]
        task_logistics.dependsOn = [task]
        centre.dependsOn = [port]
        task.contributesTo = [goal]

    t0 = time.perf_counter()
    owlready2.sync_reasoner_hermit(
        world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=True
    )
    elapsed = time.perf_counter() - t0
    print(f"HermiT: consistent, {elapsed:.2f} s")

    # partOf is transitive (and hasPart its inverse)
    assert zone in berth.partOf and port_system in berth.partOf
    assert berth in zone.hasPart
    # dependsOn ∘ partOf ⊑ dependsOn: depending on a berth is depending on the port and the zone
    assert {berth, port, port_system, zone} <= set(task.dependsOn)
    # dependsOn is transitive: the logistics task depends on what task 2 depends on
    assert {task, berth, port, zone} <= set(task_logistics.dependsOn)
    # inverse: impact analysis from the port
    assert {task, task_logistics, centre} <= set(port.isDependencyOf)
    assert task in lead.isLeadAgencyOf
    assert doc in task.isTaskOf
    # the reasoner found nothing unsatisfiable
    assert list(world.inconsistent_classes()) == []


@needs_java
def test_hermit_detects_agency_group_clash(tmp_path: Path) -> None:
    """An agency group is never an agency: asserting both is inconsistent."""
    owlready2, world, onto, abox = _load_owlready(tmp_path)
    pol = onto.get_namespace(str(POL))
    with abox:
        wrong = pol.Agency("cac_so_ban_nganh")
        wrong.is_a.append(pol.AgencyGroup)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)


# --------------------------------------------------------------------------- 3. SHACL


def _valid_data() -> Graph:
    g = Graph()
    doc, task, agency, port, ev, ev_exist, src = (
        ID["doc/kl-btv-2025"], ID["task/kl-btv-2025/2"], ID["agency/so-cong-thuong"],
        ID["project/cang-vung-ang"], ID["evidence/1"], ID["evidence/2"], ID["source/000"],
    )
    target, indicator, ev_rule = ID["target/1"], ID["indicator/throughput"], ID["evidence/3"]
    quote = "Đẩy nhanh tiến độ đầu tư mở rộng cảng Vũng Áng"
    g.add((doc, RDF.type, POL.Conclusion))
    g.add((doc, RDFS.label, Literal("Kết luận của Ban Thường vụ Tỉnh ủy", lang="vi")))
    g.add((doc, DCTERMS.issued, Literal("2025-11-01", datatype=XSD.date)))
    g.add((doc, POL.documentNumber, Literal("70-KL/TU")))
    g.add((doc, POL.hasTask, task))
    g.add((task, RDF.type, POL.Task))
    g.add((task, RDFS.label, Literal("Nhiệm vụ 2", lang="vi")))
    g.add((task, POL.sectionNumber, Literal("2")))
    g.add((task, POL.quote, Literal(quote)))
    g.add((task, PROV.wasDerivedFrom, doc))
    g.add((task, POL.leadAgency, agency))
    g.add((task, POL.startYear, Literal(2025)))
    g.add((task, POL.endYear, Literal(2030)))
    g.add((task, POL.dependsOn, port))
    g.add((task, POL.evidence, ev))
    g.add((task, POL.evidence, ev_exist))
    g.add((agency, RDF.type, POL.Agency))
    g.add((agency, RDFS.label, Literal("Sở Công Thương", lang="vi")))
    g.add((port, RDF.type, POL.Port))
    g.add((port, RDFS.label, Literal("Cảng Vũng Áng", lang="vi")))
    g.add((src, RDF.type, POL.SourceText))
    g.add((src, POL.text, Literal("… " + quote + " …")))
    g.add((src, POL.sha256, Literal("0" * 64)))
    g.add((src, POL.describes, doc))
    for node, pred, obj in ((ev, POL.dependsOn, port), (ev_exist, RDF.type, POL.Task)):
        g.add((node, RDF.type, POL.Evidence))
        g.add((node, RDF.subject, task))
        g.add((node, RDF.predicate, pred))
        g.add((node, RDF.object, obj))
        g.add((node, PROV.wasDerivedFrom, doc))
        g.add((node, POL.sourceText, src))
        g.add((node, POL.quote, Literal(quote)))
        g.add((node, POL.startOffset, Literal(2)))
        g.add((node, POL.endOffset, Literal(2 + len(quote))))
        g.add((node, POL.method, POL.Stated))
    g.add((ev, POL.cue, Literal("đầu tư mở rộng")))
    # a target with rule-derived evidence of its contribution link
    g.add((target, RDF.type, POL.Target))
    g.add((target, RDFS.label, Literal("Hàng hóa qua cảng 2030", lang="vi")))
    g.add((target, POL.targetValue, Literal("50.5", datatype=XSD.decimal)))
    g.add((target, POL.targetYear, Literal(2030)))
    g.add((target, POL.indicator, indicator))
    g.add((target, POL.quote, Literal("đạt 50,5 triệu tấn")))
    g.add((target, PROV.wasDerivedFrom, doc))
    g.add((indicator, RDF.type, POL.Indicator))
    g.add((indicator, RDFS.label, Literal("Khối lượng hàng hóa thông qua cảng", lang="vi")))
    g.add((task, POL.contributesTo, target))
    g.add((ev_rule, RDF.type, POL.Evidence))
    g.add((ev_rule, RDF.subject, task))
    g.add((ev_rule, RDF.predicate, POL.contributesTo))
    g.add((ev_rule, RDF.object, target))
    g.add((ev_rule, PROV.wasDerivedFrom, doc))
    g.add((ev_rule, POL.quote, Literal(quote)))
    g.add((ev_rule, POL.startOffset, Literal(2)))
    g.add((ev_rule, POL.endOffset, Literal(2 + len(quote))))
    g.add((ev_rule, POL.method, POL.Rule))
    g.add((ev_rule, POL.rule, Literal("same-document-same-field")))
    g.add((ev_rule, PROV.used, ev))
    # curated evidence (gazetteer): no quote or offsets needed
    ev_cur = ID["evidence/4"]
    g.add((port, POL.partOf, ID["zone/kkt-vung-ang"]))
    g.add((ID["zone/kkt-vung-ang"], RDF.type, POL.Zone))
    g.add((ID["zone/kkt-vung-ang"], RDFS.label, Literal("Khu kinh tế Vũng Áng", lang="vi")))
    g.add((ev_cur, RDF.type, POL.Evidence))
    g.add((ev_cur, RDF.subject, port))
    g.add((ev_cur, RDF.predicate, POL.partOf))
    g.add((ev_cur, RDF.object, ID["zone/kkt-vung-ang"]))
    g.add((ev_cur, PROV.wasDerivedFrom, URIRef("https://w3id.org/policykg/id/dataset/gazetteer")))
    g.add((ev_cur, POL.method, POL.Curated))
    g.add((port, POL.evidence, ev_cur))
    return g


def _validate(data: Graph, shapes: Graph, ont: Graph) -> tuple[bool, Graph]:
    pyshacl = pytest.importorskip("pyshacl")
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", allow_warnings=False
    )
    return conforms, report


def _violations(report: Graph) -> set[tuple[URIRef, URIRef | None]]:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    out = set()
    for res in report.subjects(RDF.type, sh.ValidationResult):
        assert report.value(res, sh.resultSeverity) == sh.Violation
        out.add((report.value(res, sh.focusNode), report.value(res, sh.resultPath)))
    return out


def test_shapes_parse(shapes: Graph) -> None:
    sh = Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    assert {POL.Document, POL.Task, POL.Target, POL.Evidence} <= targets


def test_valid_data_conforms(shapes: Graph, ont: Graph) -> None:
    conforms, report = _validate(_valid_data(), shapes, ont)
    assert conforms, report.serialize(format="turtle")


def test_broken_task_does_not_conform(shapes: Graph, ont: Graph) -> None:
    data = _valid_data()
    task = ID["task/kl-btv-2025/2"]
    data.remove((task, POL.quote, None))  # task without quote
    data.set((task, POL.startYear, Literal(2031)))  # startYear > endYear
    conforms, report = _validate(data, shapes, ont)
    assert not conforms
    found = _violations(report)
    assert (task, POL.quote) in found
    assert (task, POL.startYear) in found


def test_broken_evidence_and_labels_do_not_conform(shapes: Graph, ont: Graph) -> None:
    data = _valid_data()
    ev, doc, agency = ID["evidence/1"], ID["doc/kl-btv-2025"], ID["agency/so-cong-thuong"]
    group = ID["group/cac-so-ban-nganh"]
    data.set((ev, POL.startOffset, Literal(-1)))
    data.add((ev, RDF.subject, ID["task/other"]))  # two subjects
    data.set((ev, POL.method, POL.Guessed))  # not one of the three methods
    data.set((doc, RDFS.label, Literal("no language tag")))
    data.add((doc, POL.documentNumber, Literal("71-KL/TU")))  # two numbers
    data.set((doc, DCTERMS.issued, Literal("01/11/2025")))  # not an xsd:date
    data.add((ID["task/kl-btv-2025/2"], POL.leadAgency, group))  # a group is not an agency
    data.add((group, RDF.type, POL.AgencyGroup))
    data.add((group, RDFS.label, Literal("các sở, ban, ngành", lang="vi")))
    data.add((agency, RDF.type, POL.AgencyGroup))
    conforms, report = _validate(data, shapes, ont)
    assert not conforms
    found = _violations(report)
    for expected in (
        (ev, POL.startOffset), (ev, RDF.subject), (ev, POL.method), (doc, RDFS.label),
        (doc, POL.documentNumber), (doc, DCTERMS.issued), (ID["task/kl-btv-2025/2"], POL.leadAgency),
    ):
        assert expected in found, expected
    assert (agency, None) in found  # agency also typed as a group


def test_rule_evidence_needs_rule_name_and_stated_needs_quote(shapes: Graph, ont: Graph) -> None:
    data = _valid_data()
    data.remove((ID["evidence/3"], POL.rule, None))
    data.remove((ID["evidence/2"], POL.quote, None))
    conforms, report = _validate(data, shapes, ont)
    assert not conforms
    focus = {f for f, _ in _violations(report)}
    assert {ID["evidence/3"], ID["evidence/2"]} <= focus


# --------------------------------------------------------------------------- 4. labels


def test_every_term_has_vi_en_labels_and_comments(ont: Graph) -> None:
    terms = _declared_classes(ont) | {
        s for s in _declared_properties(ont) if s.startswith(str(POL))
    } | {s for s in ont.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, URIRef)}
    pol_terms = {t for t in terms if t.startswith(str(POL))}
    assert len(pol_terms) >= len(CONTRACT_CLASSES) + len(CONTRACT_OBJECT_PROPERTIES) + len(
        CONTRACT_DATATYPE_PROPERTIES
    )
    problems = []
    for term in sorted(terms):
        for pred in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ont.objects(term, pred) if isinstance(o, Literal)}
            if not {"vi", "en"} <= langs:
                problems.append(f"{term} {pred}: {sorted(filter(None, langs))}")
    assert not problems, "\n".join(problems)


def test_every_pol_term_has_domain_or_range(ont: Graph) -> None:
    for prop in _declared_properties(ont):
        if not prop.startswith(str(POL)):
            continue
        has_own = (prop, RDFS.range, None) in ont or (prop, RDFS.domain, None) in ont
        has_inverse = (prop, OWL.inverseOf, None) in ont
        assert has_own or has_inverse, prop


def test_no_pol_iri_used_without_declaration(ont: Graph) -> None:
    declared = _declared_classes(ont) | _declared_properties(ont) | set(
        ont.subjects(RDF.type, OWL.NamedIndividual)
    )
    used = {t for triple in ont for t in triple if isinstance(t, URIRef) and t.startswith(str(POL))}
    assert used <= declared, sorted(used - declared)


# --------------------------------------------------------------------------- 5. JSON-LD context


def test_jsonld_context_round_trip(ont: Graph) -> None:
    ctx = json.loads(CONTEXT.read_text(encoding="utf-8"))
    terms = ctx["@context"]
    for prefix in ("pol", "id", "dcterms", "skos", "prov", "org", "foaf", "eli", "dcat", "void", "rdfs", "xsd"):
        assert prefix in terms, prefix
    assert terms["pol"] == str(POL) and terms["id"] == str(ID)
    # every short term maps to a declared IRI of the ontology (or a reused vocabulary)
    declared = _declared_classes(ont) | _declared_properties(ont) | set(
        ont.subjects(RDF.type, OWL.NamedIndividual)
    )
    for term, spec in terms.items():
        iri = spec["@id"] if isinstance(spec, dict) else spec
        if isinstance(iri, str) and iri.startswith("pol:"):
            assert POL[iri[4:]] in declared, term

    doc = {
        "@context": terms,
        "@graph": [
            {
                "@id": "id:task/1", "type": "Task", "sectionNumber": "3.14",
                "dependsOn": "id:project/cang-vung-ang", "startYear": 2025, "endYear": "2030",
                "quote": "…", "wasDerivedFrom": "id:doc/1", "evidence": "id:evidence/1",
            },
            {
                "@id": "id:evidence/1", "type": "Evidence", "subject": "id:task/1",
                "predicate": "dependsOn", "object": {"@id": "id:project/cang-vung-ang"},
                "method": "Stated", "startOffset": 10, "endOffset": 20, "uncertain": False,
            },
            {"@id": "id:doc/1", "type": "Resolution", "issued": "2022-05-26", "label": {
                "@value": "Nghị quyết 11-NQ/TU", "@language": "vi"}},
            {"@id": "id:target/1", "type": "Target", "targetValue": "36.8", "targetYear": 2025},
        ],
    }
    g = Graph().parse(data=json.dumps(doc), format="json-ld")
    task, ev = ID["task/1"], ID["evidence/1"]
    assert (task, RDF.type, POL.Task) in g
    assert (task, POL.dependsOn, ID["project/cang-vung-ang"]) in g
    assert (task, POL.endYear, Literal("2030", datatype=XSD.integer)) in g
    assert (ev, RDF.predicate, POL.dependsOn) in g
    assert (ev, POL.method, POL.Stated) in g
    assert (ev, RDF.subject, task) in g
    assert (ID["doc/1"], DCTERMS.issued, Literal("2022-05-26", datatype=XSD.date)) in g
    assert (ID["target/1"], POL.targetValue, Literal("36.8", datatype=XSD.decimal)) in g
    assert not any(isinstance(s, BNode) for s in g.subjects())
