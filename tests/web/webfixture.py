"""Constants and helpers shared by the web tests (imported by conftest and the test modules)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).parent
BASE = "https://w3id.org/policykg/id/"
FIXTURE_GRAPH = BASE + "graph/web-test-fixture"
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">Sở "Độc" & Hại'
HUB_SIZE = 220


def fixture_turtle() -> str:
    hub_tasks = "\n".join(
        f"id:task/web-fixture-hub-{i} a pol:Task ; rdfs:label \"Nhiệm vụ hub {i}\"@vi ; "
        f"pol:leadAgency id:agency/web-fixture-hub ." for i in range(HUB_SIZE))
    hostile = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    text = f"""
@prefix pol: <https://w3id.org/policykg/ont#> .
@prefix id: <{BASE}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:project/web-fixture-port a pol:Port, pol:InfrastructureProject ;
    rdfs:label "Cảng Vũng Áng (thử nghiệm)"@vi ; skos:prefLabel "Cảng Vũng Áng (thử nghiệm)"@vi ;
    rdfs:label "Vung Ang port (fixture)"@en ;
    skos:altLabel "bến cảng Vũng Áng - Sơn Dương (thử nghiệm)"@vi ;
    pol:partOf id:zone/web-fixture-kkt .
id:zone/web-fixture-kkt a pol:Zone ; rdfs:label "Khu kinh tế Vũng Áng (thử nghiệm)"@vi .
id:project/web-fixture-logistics a pol:LogisticsCentre, pol:InfrastructureProject ;
    rdfs:label "Trung tâm logistics Vũng Áng (thử nghiệm)"@vi ;
    pol:dependsOn id:project/web-fixture-port .
id:agency/web-fixture-sct a pol:Agency ; rdfs:label "Sở Công Thương (thử nghiệm)"@vi .
id:agency/web-fixture-hub a pol:Agency ; rdfs:label "Cơ quan trung tâm (thử nghiệm)"@vi .
id:doc/web-fixture-plan a pol:Document, pol:Plan ; rdfs:label "Kế hoạch thử nghiệm 99/KH-UBND"@vi ;
    pol:documentNumber "99/KH-UBND" ; pol:hasTask id:task/web-fixture-1, id:task/web-fixture-2 ;
    pol:hasGoal id:target/web-fixture-t1 .
id:task/web-fixture-1 a pol:Task ; rdfs:label "Đầu tư mở rộng cảng Vũng Áng (thử nghiệm)"@vi ;
    pol:sectionNumber "1.1" ; pol:timeframe "2025 - 2030" ; pol:startYear 2025 ; pol:endYear 2030 ;
    pol:leadAgency id:agency/web-fixture-sct ; pol:cooperatingAgency id:agency/web-fixture-hub ;
    pol:concerns id:project/web-fixture-port ; pol:contributesTo id:target/web-fixture-t1 ;
    prov:wasDerivedFrom id:doc/web-fixture-plan ; pol:evidence id:evidence/web-fixture-e1 .
id:task/web-fixture-2 a pol:Task ; rdfs:label "Phát triển logistics gắn với cảng (thử nghiệm)"@vi ;
    pol:sectionNumber "1.2" ; pol:dependsOn id:project/web-fixture-logistics .
id:evidence/web-fixture-e1 a pol:Evidence ; rdf:subject id:task/web-fixture-1 ;
    rdf:predicate pol:concerns ; rdf:object id:project/web-fixture-port ;
    pol:quote "Đầu tư mở rộng cảng Vũng Áng để phục vụ khu kinh tế." ; pol:startOffset 10 ; pol:endOffset 62 ;
    prov:wasDerivedFrom id:doc/web-fixture-plan ; pol:method pol:Stated ; pol:cue "đầu tư mở rộng" .
id:target/web-fixture-t1 a pol:Target, pol:Goal ; rdfs:label "Sản lượng hàng hoá qua cảng (thử nghiệm)"@vi ;
    pol:indicator "sản lượng hàng hoá qua cảng" ; pol:targetValue 50.0 ; pol:unit "triệu tấn" ;
    pol:targetYear 2030 ; prov:wasDerivedFrom id:doc/web-fixture-plan .
id:target/web-fixture-t2 a pol:Target, pol:Goal ; rdfs:label "Tỷ lệ đô thị hoá (thử nghiệm)"@vi ;
    pol:indicator "tỷ lệ đô thị hoá" ; pol:targetValue 40.0 ; pol:unit "%" ; pol:targetYear 2025 .
id:agency/web-fixture-hostile a pol:Agency ; rdfs:label "{hostile}"@vi ; skos:prefLabel "{hostile}"@vi .
id:task/web-fixture-1 pol:cooperatingAgency id:agency/web-fixture-hostile .
{hub_tasks}
"""
    # Turtle local names cannot hold '/': write the data IRIs in full
    return re.sub(r"\bid:(\w+)/([\w-]+)", lambda m: f"<{BASE}{m.group(1)}/{m.group(2)}>", text)


def iri_of_number(app, number: str) -> str:  # noqa: ANN001
    """The document IRI with this printed number (looked up, so tests don't hard-code minted IRIs)."""
    s = app.extensions["policykg"]
    rows = s.store.select("SELECT ?d WHERE { ?d <https://w3id.org/policykg/ont#documentNumber> ?n }",
                          {"n": ox.Literal(number)}).rows
    assert rows, f"no document numbered {number}"
    return sorted(r["d"].value for r in rows)[0]
