"""Test documents of the genre, made here: a Word plan with a two-column title block and a ruled task table,
the same converted to PDF by LibreOffice, a scan of it (pages rendered to images and wrapped back into a PDF),
and legacy-encoded text. The wording is our own, in the layout GENRE.md describes (never a real document's text).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", "Số: 57/KH-UBND"]
RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nghệ An, ngày 26 tháng 3 năm 2026"]
TITLE = ["KẾ HOẠCH", "Phát triển hạ tầng thương mại và dịch vụ logistics trên địa bàn tỉnh năm 2026"]
BODY = [
    "Thực hiện Nghị quyết số 45/2024/NQ-HĐND ngày 10/12/2024 của Hội đồng nhân dân tỉnh về phát triển "
    "thương mại, Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Nâng cao hiệu quả kết nối hạ tầng thương mại với các khu công nghiệp và cảng biển của tỉnh.",
    "II. MỤC TIÊU",
    "1. Đến năm 2026, tỷ lệ xã có chợ đạt chuẩn đạt trên 80%.",
    "III. NHIỆM VỤ, GIẢI PHÁP",
    "Chi tiết các nhiệm vụ tại Phụ lục kèm theo.",
]
TABLE_HEADER = ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
TABLE_ROWS = [
    ["1", "Rà soát, bổ sung quy hoạch mạng lưới chợ, trung tâm logistics", "Sở Công Thương",
     "Sở Tài chính; Sở Xây dựng", "Quý II/2026"],
    ["2", "Xây dựng cơ sở dữ liệu doanh nghiệp xuất khẩu", "Sở Công Thương", "Sở Khoa học và Công nghệ",
     "Quý IV/2026"],
    ["3", "Đầu tư nâng cấp đường kết nối cảng Cửa Lò với khu công nghiệp", "Sở Xây dựng", "", "2026 - 2027"],
]
END = ["IV. TỔ CHỨC THỰC HIỆN",
       "Các sở, ban, ngành, Ủy ban nhân dân các xã, phường căn cứ Kế hoạch này tổ chức thực hiện."]
SIGNATURE_LEFT = ["Nơi nhận:", "- Thường trực Tỉnh ủy;", "- Lưu: VT."]
SIGNATURE_RIGHT = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


@dataclass
class Plan:
    """What goes into one test plan; change a field to make another document (a new version …)."""

    left: list[str] = field(default_factory=lambda: list(LEFT))
    right: list[str] = field(default_factory=lambda: list(RIGHT))
    title: list[str] = field(default_factory=lambda: list(TITLE))
    body: list[str] = field(default_factory=lambda: list(BODY))
    header: list[str] = field(default_factory=lambda: list(TABLE_HEADER))
    rows: list[list[str]] = field(default_factory=lambda: [list(r) for r in TABLE_ROWS])
    end: list[str] = field(default_factory=lambda: list(END))
    repeat_rows: int = 1  # > 1: the table is long enough to cross a page break


def write_docx(plan: Plan, path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Serif"
    style.font.size = Pt(11)
    head = doc.add_table(rows=1, cols=2)  # the title block: a borderless layout table, as Word users make it
    for cell, lines in zip(head.rows[0].cells, (plan.left, plan.right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in plan.title:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in plan.body:
        doc.add_paragraph(line)
    rows = [r for _ in range(plan.repeat_rows) for r in plan.rows]
    table = doc.add_table(rows=1 + len(rows), cols=len(plan.header))
    table.style = "Table Grid"  # ruled
    for cell, text in zip(table.rows[0].cells, plan.header, strict=True):
        cell.text = text
    for k, row in enumerate(rows, 1):
        for cell, text in zip(table.rows[k].cells, row, strict=True):
            cell.text = text
    for line in plan.end:
        doc.add_paragraph(line)
    sign = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(sign.rows[0].cells, (SIGNATURE_LEFT, SIGNATURE_RIGHT), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    doc.save(str(path))
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless (its own profile folder, so parallel runs do not collide)."""
    exe = soffice()
    assert exe, "LibreOffice (soffice) is not installed: scripts/install-test-deps.sh installs it"
    profile = out_dir / ".lo-profile"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out_dir), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = out_dir / (docx.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no {pdf}"
    return pdf


def to_scan(pdf: Path, out: Path, dpi: int = 200) -> Path:
    """Render every page to a grey image and wrap the images back into a PDF: no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    doc.close()
    images[0].save(str(out), "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def party_plan(number: str = "15-KH/TU", day: int = 12, extra_row: bool = False) -> Plan:
    """A Party plan (Hướng dẫn 36-HD/VPTW layout: 'Số 15-KH/TU', no colon), which the title-block reader knows."""
    plan = Plan(
        left=["ĐẢNG BỘ TỈNH NGHỆ AN", "TỈNH ỦY", "*", f"Số {number}"],
        right=["ĐẢNG CỘNG SẢN VIỆT NAM", f"Nghệ An, ngày {day} tháng 5 năm 2026"],
        title=["KẾ HOẠCH", "thực hiện Nghị quyết số 29-NQ/TW ngày 17/11/2022 của Ban Chấp hành Trung ương Đảng "
               "về tiếp tục đẩy mạnh công nghiệp hóa, hiện đại hóa đất nước", "-----"],
    )
    if extra_row:
        plan.rows.append(["4", "Xây dựng trung tâm logistics gắn với cảng Cửa Lò", "Sở Công Thương",
                          "Sở Xây dựng", "Năm 2027"])
    return plan
