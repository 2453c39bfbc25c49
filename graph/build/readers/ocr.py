"""OCR of scanned pages with Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-vie``).

Pages are rendered by pypdfium2 and read by the ``tesseract`` command with the Vietnamese model.
Text read this way is marked OCR-derived all the way to the graph (see ``graph/build/ingest.py``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

OCR_DPI = 300
OCR_TIMEOUT = 300  # seconds per page
LANGUAGE = "vie"


@lru_cache(maxsize=1)
def tesseract_version() -> str | None:
    """'tesseract 5.3.0 (vie)' when Tesseract and its Vietnamese model are installed, else None."""
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if LANGUAGE not in langs:
        return None
    return f"tesseract {version[1] if len(version) > 1 else '?'} ({LANGUAGE})"


def available() -> bool:
    return tesseract_version() is not None


def ocr_image(image: Path) -> str:
    proc = subprocess.run(["tesseract", str(image), "stdout", "-l", LANGUAGE, "--psm", "3"],
                          capture_output=True, timeout=OCR_TIMEOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"tesseract failed on {image.name}: {proc.stderr.decode('utf-8', 'replace')[:200]}")
    return proc.stdout.decode("utf-8", "replace")


def ocr_pdf_pages(path: Path, pages: list[int]) -> dict[int, str]:
    """Text of the given 1-based pages of the PDF at ``path``, read by Tesseract."""
    import pypdfium2 as pdfium

    out: dict[int, str] = {}
    doc = pdfium.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="policykg-ocr-") as tmp:
            for number in pages:
                image = Path(tmp) / f"page-{number}.png"
                doc[number - 1].render(scale=OCR_DPI / 72, grayscale=True).to_pil().save(image)
                out[number] = ocr_image(image)
    finally:
        doc.close()
    return out
