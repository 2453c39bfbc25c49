"""A synthetic corpus shaped like the domain, for benchmarks (not tests).

``generate(n_documents)`` yields quads in the real vocabulary: documents (numbered, dated, issued by an
agency, citing and implementing each other), tasks (section number, quote, lead and cooperating agencies,
timeframe, pol:concerns / pol:dependsOn a project), projects and zones in pol:partOf chains, projects
depending on projects, targets with indicator, value and year, and a pol:Evidence node for every link, each
document in its own named graph. ``synthetic_store`` adds it to the graph built from the five real sources
(so the named questions' defaults — 'Cảng Vũng Áng', 'Sở Công Thương', '26-CTr/TU' … — resolve and their
answers grow with the corpus) and materialises the ontology's inferences as the build does.

About 40 triples per task; ``n_documents=1000`` (25 tasks each) gives ≈ 1.1M quads after reasoning.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from graph.build.pipeline import build_dataset
from graph.build.reason import materialise
from graph.config import Settings
from graph.vocab import DCTERMS, DEFAULT_BASE, ONTOLOGY_GRAPH, POL, PROV, RDF, RDFS, SKOS, XSD, inferred_graph

ID = DEFAULT_BASE
DCT = DCTERMS
A = ox.NamedNode(RDF + "type")

DOC_TYPES = [("Resolution", "Nghị quyết", "NQ"), ("Conclusion", "Kết luận", "KL"), ("Plan", "Kế hoạch", "KH"),
             ("ActionProgramme", "Chương trình hành động", "CTr"), ("Decision", "Quyết định", "QĐ")]
PROJECT_TYPES = [("Port", "Cảng"), ("Road", "Quốc lộ"), ("Bridge", "Cầu"), ("Railway", "Đường sắt"),
                 ("IndustrialPark", "Khu công nghiệp"), ("PowerPlant", "Nhiệt điện"), ("LogisticsCentre",
                                                                                       "Trung tâm logistics")]
PLACE_WORDS = ["Vũng Áng", "Sơn Dương", "Cầu Treo", "Kỳ Anh", "Hồng Lĩnh", "Thạch Hà", "Nghi Xuân", "Đức Thọ",
               "Hương Sơn", "Cẩm Xuyên", "Lộc Hà", "Can Lộc"]
REAL_PROJECTS = ["project/cang-vung-ang", "project/he-thong-cang-vung-ang-son-duong", "zone/khu-kinh-te-vung-ang",
                 "project/cau-ben-thuy-3", "zone/khu-kinh-te-cua-khau-quoc-te-cau-treo"]
REAL_AGENCIES = ["agency/so-cong-thuong", "agency/so-tai-chinh", "agency/ubnd-tinh"]
REAL_DOCUMENTS = ["doc/nghi-quyet-29-nq-tw-2022", "doc/nghi-quyet-11-nq-tu-2022", "doc/ket-luan-57-kl-tu-2022",
                  "doc/chuong-trinh-hanh-dong-26-ctr-tu-2023"]


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(POL + local)


def _lit(value: object, dtype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if dtype:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + dtype))
    return ox.Literal(str(value))


def generate(n_documents: int = 1000, tasks_per_document: int = 25, seed: int = 7) -> Iterator[ox.Quad]:
    rng = random.Random(seed)
    n_agencies = max(20, n_documents // 10)
    n_projects = max(50, n_documents * 2)
    meta = _n("graph/synthetic-meta")
    agencies = [_n(f"agency/syn-{i}") for i in range(n_agencies)] + [_n(a) for a in REAL_AGENCIES]
    for i, agency in enumerate(agencies[:n_agencies]):
        yield ox.Quad(agency, A, _p("Agency"), meta)
        yield ox.Quad(agency, ox.NamedNode(RDFS + "label"), _lit(f"Sở Tổng hợp số {i}", lang="vi"), meta)
    projects = []
    for i in range(n_projects):
        cls, word = PROJECT_TYPES[i % len(PROJECT_TYPES)]
        node = _n(f"project/syn-{i}")
        projects.append(node)
        label = f"{word} {rng.choice(PLACE_WORDS)} {i}"
        yield ox.Quad(node, A, _p(cls), meta)
        yield ox.Quad(node, ox.NamedNode(RDFS + "label"), _lit(label, lang="vi"), meta)
        yield ox.Quad(node, ox.NamedNode(SKOS + "prefLabel"), _lit(label, lang="vi"), meta)
        if i % 5:  # partOf chains of length 5, the head part of a real zone or system
            yield ox.Quad(node, _p("partOf"), projects[i - 1], meta)
        else:
            yield ox.Quad(node, _p("partOf"), _n(rng.choice(REAL_PROJECTS)), meta)
        if i % 7 == 3:
            yield ox.Quad(node, _p("dependsOn"), projects[rng.randrange(len(projects))], meta)
    projects += [_n(p) for p in REAL_PROJECTS]
    documents: list[ox.NamedNode] = []
    for d in range(n_documents):
        cls, word, code = DOC_TYPES[d % len(DOC_TYPES)]
        year = 2015 + d % 11
        doc = _n(f"doc/syn-{d}")
        g = _n(f"graph/syn-{d}")
        number = f"{d}-{code}/SYN"
        yield from (
            ox.Quad(doc, A, _p(cls), g), ox.Quad(doc, A, _p("Document"), g),
            ox.Quad(doc, _p("documentNumber"), _lit(number), g),
            ox.Quad(doc, ox.NamedNode(RDFS + "label"), _lit(f"{word} số {number}", lang="vi"), g),
            ox.Quad(doc, ox.NamedNode(DCT + "issued"), _lit(f"{year}-{1 + d % 12:02d}-{1 + d % 28:02d}", "date"), g),
            ox.Quad(doc, _p("issuedBy"), rng.choice(agencies), g),
            ox.Quad(doc, _p("heldInCorpus"), _lit("true", "boolean"), g),
        )
        targets_cited = [rng.choice(documents) for _ in range(3)] if documents else []
        targets_cited.append(_n(rng.choice(REAL_DOCUMENTS)))
        for k, cited in enumerate(targets_cited):
            rel = "implements" if k == 0 else "cites"
            yield ox.Quad(doc, _p(rel), cited, g)
            if rel == "implements":
                yield ox.Quad(doc, _p("cites"), cited, g)
            yield from _evidence(doc, _p(rel), cited, g, f"{word} số {number} thực hiện văn bản {k}", f"e-{d}-c{k}")
        documents.append(doc)
        for t in range(tasks_per_document):
            task = _n(f"task/syn-{d}/{t}")
            text = f"Nhiệm vụ {t} của văn bản {number}: phát triển hạ tầng, kết nối {rng.choice(PLACE_WORDS)}"
            lead = rng.choice(agencies)
            project = rng.choice(projects)
            rel = "dependsOn" if t % 3 == 0 else "concerns"
            end = 2025 + t % 6
            yield from (
                ox.Quad(task, A, _p("Task"), g),
                ox.Quad(task, ox.NamedNode(RDFS + "label"), _lit(f"Nhiệm vụ {t}", lang="vi"), g),
                ox.Quad(task, ox.NamedNode(SKOS + "prefLabel"), _lit(f"Nhiệm vụ {t}", lang="vi"), g),
                ox.Quad(task, _p("sectionNumber"), _lit(str(t)), g),
                ox.Quad(task, _p("quote"), _lit(text), g),
                ox.Quad(task, ox.NamedNode(PROV + "wasDerivedFrom"), doc, g),
                ox.Quad(doc, _p("hasTask"), task, g),
                ox.Quad(task, _p("leadAgency"), lead, g),
                ox.Quad(task, _p("cooperatingAgency"), rng.choice(agencies), g),
                ox.Quad(task, _p("timeframe"), _lit(f"2024-{end}"), g),
                ox.Quad(task, _p("startYear"), _lit(2024, "integer"), g),
                ox.Quad(task, _p("endYear"), _lit(end, "integer"), g),
                ox.Quad(task, _p(rel), project, g),
            )
            yield from _evidence(task, _p("leadAgency"), lead, g, "Sở chủ trì", f"e-{d}-{t}-l")
            yield from _evidence(task, _p(rel), project, g, text, f"e-{d}-{t}-p")
            if t % 5 == 0:
                target = _n(f"target/syn-{d}/{t}")
                yield from (
                    ox.Quad(target, A, _p("Target"), g),
                    ox.Quad(target, ox.NamedNode(RDFS + "label"), _lit(f"Tốc độ tăng trưởng GRDP {t}", lang="vi"), g),
                    ox.Quad(target, _p("targetValue"), _lit(f"{t}.5", "decimal"), g),
                    ox.Quad(target, _p("targetYear"), _lit(2025 + t % 6, "integer"), g),
                    ox.Quad(target, _p("unit"), _lit("%"), g),
                    ox.Quad(target, ox.NamedNode(PROV + "wasDerivedFrom"), doc, g),
                    ox.Quad(target, _p("quote"), _lit(f"GRDP tăng trên {t},5%"), g),
                    ox.Quad(task, _p("contributesTo"), target, g),
                )


def _evidence(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode, g: ox.NamedNode, quote: str,
              key: str) -> Iterator[ox.Quad]:
    ev = _n(f"evidence/{key}")
    yield from (
        ox.Quad(ev, A, _p("Evidence"), g), ox.Quad(ev, ox.NamedNode(RDF + "subject"), s, g),
        ox.Quad(ev, ox.NamedNode(RDF + "predicate"), p, g), ox.Quad(ev, ox.NamedNode(RDF + "object"), o, g),
        ox.Quad(s, _p("evidence"), ev, g), ox.Quad(ev, _p("quote"), _lit(quote), g),
        ox.Quad(ev, _p("startOffset"), _lit(0, "integer"), g),
        ox.Quad(ev, _p("endOffset"), _lit(len(quote), "integer"), g),
        ox.Quad(ev, _p("method"), _p("Stated"), g),
    )


def synthetic_store(n_documents: int = 1000, settings: Settings | None = None) -> ox.Store:
    """The five real sources plus the synthetic corpus, reasoned, in memory."""
    store, _index, _ex = build_dataset(settings or Settings())
    store.bulk_extend(generate(n_documents))
    store.bulk_load(path=str((settings or Settings()).ontology_dir / "pol.ttl"), format=ox.RdfFormat.TURTLE,
                    to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    materialise(store, inferred_graph())
    return store


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "synthetic.nq")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    s = synthetic_store(n)
    with out.open("wb") as fh:
        s.dump(fh, ox.RdfFormat.N_QUADS)
    print(f"{len(s)} quads -> {out}")
