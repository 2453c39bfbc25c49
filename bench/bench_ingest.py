"""How long one `policykg ingest` takes into a store of N documents (default 1,000), and the PDF readers compared.

    python3 bench/bench_ingest.py [--documents 1000] [--repeat 5] [--workdir DIR]

1. Writes N plain-text documents of the genre (Party plans and conclusions with numbers, dates, citations of
   earlier documents, numbered tasks with lead and cooperating agencies, the first two naming a project of the
   gazetteer, targets), builds the store from them
   once (`policykg build`), then times, each `--repeat` times on a fresh copy:
   * a new text document, a new DOCX (python-docx) and, when LibreOffice is installed, a new PDF;
   * the same content again (the no-op);
   * a new version of a held document (same number and issuer, one more task).
   Reported: the median wall time of the ingest call (reading, extraction, store update, swap, caches), and
   how many named graphs it wrote, with the curated data already loaded (as in `policykg serve`); the CLI
   adds its start-up (imports and curated data, ~1.5 s) once per batch.
2. Compares pdfplumber (pdfminer.six), pdfminer.six alone and pypdfium2 on the test PDF (tests/ingest/documents.py):
   Vietnamese words intact, title-block reading order, table cells, time per page.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ingest"))

AGENCIES = ["Sở Công Thương", "Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Nội vụ",
            "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo", "Sở Y tế",
            "Công an tỉnh", "Ban Quản lý Khu kinh tế tỉnh"]
SUBJECTS = ["phát triển công nghiệp chế biến", "đẩy mạnh xuất khẩu", "phát triển dịch vụ logistics",
            "chuyển đổi số", "phát triển du lịch biển", "nâng cao chất lượng nguồn nhân lực", "phát triển đô thị",
            "xây dựng nông thôn mới", "thu hút đầu tư", "phát triển kinh tế biển", "bảo vệ môi trường"]
ACTIONS = ["Rà soát, hoàn thiện cơ chế, chính sách về", "Đẩy mạnh cải cách thủ tục hành chính trong lĩnh vực",
           "Tăng cường xúc tiến đầu tư vào", "Xây dựng cơ sở dữ liệu về", "Đào tạo nguồn nhân lực cho",
           "Kiểm tra, giám sát việc thực hiện các dự án"]
TYPES = [("Kế hoạch", "KH", "KẾ HOẠCH"), ("Kết luận", "KL", "KẾT LUẬN"), ("Chương trình", "CTr", "CHƯƠNG TRÌNH")]
# projects of the curated gazetteer (data/gazetteer.yaml; Cảng Vũng Áng and Cảng Sơn Dương are parts of the port
# system, the bypass of Quốc lộ 1): named by the first two tasks of every document, so that each ingest changes
# the dependency model (pol:needs) of a corpus in which 2,000 tasks name projects
PROJECTS = ["cảng Vũng Áng", "cảng Sơn Dương", "hệ thống cảng Vũng Áng - Sơn Dương", "Khu kinh tế Vũng Áng",
            "Quốc lộ 1", "tuyến tránh Quốc lộ 1 đoạn qua Hà Tĩnh", "Cầu Bến Thủy 3", "Sân bay Hà Tĩnh",
            "Nhiệt điện Vũng Áng 2", "Trung tâm logistics Sơn Dương"]
PROJECT_ACTIONS = ["Đẩy nhanh tiến độ đầu tư xây dựng", "Phát triển dịch vụ logistics gắn với",
                   "Hoàn thành giải phóng mặt bằng"]


def document(i: int, rng: random.Random, tasks: int = 8) -> str:
    word, code, caps = TYPES[i % len(TYPES)]
    number = f"{100 + i}-{code}/TU"
    year = 2020 + i % 6
    subject = SUBJECTS[i % len(SUBJECTS)]
    cited = [rng.randrange(0, max(i, 1)) for _ in range(3)] if i else []
    lines = ["ĐẢNG BỘ TỈNH NGHỆ AN", "TỈNH ỦY", "*", f"Số {number}", "", "ĐẢNG CỘNG SẢN VIỆT NAM",
             f"Nghệ An, ngày {1 + i % 27} tháng {1 + i % 12} năm {year}", "", caps,
             f"của Ban Thường vụ Tỉnh ủy về {subject} đến năm 2030", "-----"]
    for c in cited:
        cw, cc, _ = TYPES[c % len(TYPES)]
        lines.append(f"Thực hiện {cw} số {100 + c}-{cc}/TU, ngày {1 + c % 27}/{1 + c % 12}/{2020 + c % 6} của Ban "
                     f"Thường vụ Tỉnh ủy về {SUBJECTS[c % len(SUBJECTS)]}, Ban Thường vụ Tỉnh ủy thống nhất như sau:")
    lines += ["I. MỤC TIÊU", f"1. Đến năm 2030, tỷ lệ doanh nghiệp tham gia {subject} đạt trên {40 + i % 50}%.",
              "II. NHIỆM VỤ, GIẢI PHÁP"]
    for t in range(1, tasks + 1):
        lead, coop = rng.sample(AGENCIES, 2)
        what = f"{rng.choice(PROJECT_ACTIONS)} {rng.choice(PROJECTS)}" if t <= 2 else f"{rng.choice(ACTIONS)} {subject}"
        lines.append(f"{t}. {what}. Giao {lead} chủ trì, phối hợp với {coop} tổ chức thực "
                     f"hiện, hoàn thành trong năm {year + 1}.")
    lines += ["III. TỔ CHỨC THỰC HIỆN", "Các sở, ban, ngành căn cứ nhiệm vụ được giao tổ chức thực hiện.",
              "Nơi nhận:", "- Ban Thường vụ Tỉnh ủy;", "- Lưu Văn phòng Tỉnh ủy.", "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ",
              f"Nguyễn Văn {chr(65 + i % 26)}"]
    return "\n".join(lines) + "\n"


def make_corpus(work: Path, n: int) -> Path:
    from graph.build.pipeline import build
    from graph.config import Settings

    data = work / "data"
    if (data / "build" / "store").exists() and len(list((data / "sources").glob("*.txt"))) == n:
        print(f"reusing the store of {n} documents in {data}")
        return data
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("build", "sources"))
    sources = data / "sources"
    sources.mkdir()
    rng = random.Random(7)
    for i in range(n):
        (sources / f"doc-{i:04d}.txt").write_text(document(i, rng), encoding="utf-8")
    started = time.perf_counter()
    report = build(Settings(data_dir=data))
    print(f"built {n} documents in {time.perf_counter() - started:.1f} s: {report.quads} quads")
    return data


def time_ingest(data: Path, make_file, repeat: int, label: str) -> None:  # noqa: ANN001
    from graph.build.ingest import Ingester
    from graph.config import Settings

    times, graphs, statuses = [], [], set()
    for r in range(repeat):
        copy = data.parent / f"run-{label}-{r}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(data, copy)
        path = make_file(copy.parent, r)
        ingester = Ingester(Settings(data_dir=copy)).warm()  # curated data loaded, as in a server
        started = time.perf_counter()
        outcome = ingester.ingest(path)
        times.append(time.perf_counter() - started)
        graphs.append(outcome.graphs_written)
        statuses.add(outcome.status)
        shutil.rmtree(copy, ignore_errors=True)
    print(f"{label:<34} median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}; "
          f"{statistics.median(graphs):.0f} graphs written; {', '.join(sorted(statuses))})")


def pdf_readers(work: Path) -> None:
    from ingest_documents import LEFT, RIGHT, TABLE_ROWS, Plan, soffice, to_pdf, write_docx

    if not soffice():
        print("PDF readers: LibreOffice not installed, skipped")
        return
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text

    from graph.build.readers.pdf import read_pdf

    pdf = to_pdf(write_docx(Plan(repeat_rows=12), work / "readers.docx"), work)
    words = [w for line in LEFT + RIGHT for w in line.split()] + [w for r in TABLE_ROWS for c in r for w in c.split()]

    def order_ok(text: str) -> bool:
        i = [text.find(s) for s in ("TỈNH NGHỆ AN", "Số: 57/KH-UBND", "Độc lập - Tự do - Hạnh phúc")]
        return -1 not in i and i == sorted(i) and "ỦY BAN NHÂN DÂN CỘNG HÒA" not in text

    def cells_ok(text: str) -> bool:
        return all(f"| {' | '.join(r)} |" in text for r in TABLE_ROWS)

    def plumber_plain() -> str:
        with pdfplumber.open(str(pdf)) as doc:
            return "\n".join(p.extract_text() or "" for p in doc.pages)

    def pdfium_text() -> str:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in doc)
        finally:
            doc.close()

    readers = {
        "policykg reader (pdfplumber words+tables)": lambda: read_pdf(pdf).text,
        "pdfplumber extract_text": plumber_plain,
        "pdfminer.six extract_text": lambda: extract_text(str(pdf)),
        "pypdfium2 get_text_range": pdfium_text,
    }
    pages = len(pdfium.PdfDocument(str(pdf)))
    print(f"PDF readers on a {pages}-page test plan (two-column title block, 37-row ruled table across pages):")
    for name, read in readers.items():
        started = time.perf_counter()
        text = read()
        seconds = (time.perf_counter() - started) / pages
        intact = sum(1 for w in set(words) if w in text) / len(set(words))
        print(f"  {name:<44} words intact {intact:6.1%}  title order {'yes' if order_ok(text) else 'no ':<3}  "
              f"table cells {'yes' if cells_ok(text) else 'no ':<3}  {seconds * 1000:6.1f} ms/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="policykg-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    pdf_readers(work)
    data = make_corpus(work, args.documents)
    rng = random.Random(11)
    n = args.documents

    def new_text(folder: Path, r: int) -> Path:
        path = folder / f"new-{r}.txt"
        path.write_text(document(n + r, rng), encoding="utf-8")
        return path

    def new_docx(folder: Path, r: int) -> Path:
        from ingest_documents import party_plan, write_docx

        return write_docx(party_plan(number=f"{900 + r}-KH/TU"), folder / f"new-{r}.docx")

    def new_pdf(folder: Path, r: int) -> Path:
        from ingest_documents import party_plan, soffice, to_pdf, write_docx

        assert soffice()
        return to_pdf(write_docx(party_plan(number=f"{950 + r}-KH/TU"), folder / f"pdf-{r}.docx"), folder)

    def same_again(folder: Path, r: int) -> Path:
        path = folder / f"again-{r}.txt"
        shutil.copy(data / "sources" / "doc-0010.txt", path)
        return path

    def new_version(folder: Path, r: int) -> Path:
        text = (data / "sources" / "doc-0020.txt").read_text(encoding="utf-8")
        path = folder / f"v2-{r}.txt"
        path.write_text(text.replace("III. TỔ CHỨC THỰC HIỆN", f"9. Tổng kết, đánh giá lần {r}. Giao Sở Nội vụ chủ "
                                     "trì thực hiện.\nIII. TỔ CHỨC THỰC HIỆN"), encoding="utf-8")
        return path

    from ingest_documents import soffice

    print(f"ingest into a store of {n} documents ({args.repeat} runs each; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}):")
    time_ingest(data, new_text, args.repeat, "new document (.txt)")
    time_ingest(data, new_docx, args.repeat, "new document (.docx)")
    if soffice():
        time_ingest(data, new_pdf, args.repeat, "new document (.pdf)")
    time_ingest(data, same_again, args.repeat, "same content again (no-op)")
    time_ingest(data, new_version, args.repeat, "new version of a held document")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
