"""Readers: turn a file as received (text, PDF, Word, scan) into the text a source holds.

:func:`read_document` looks at the bytes, not only the name (a '.pdf' that is not a PDF is refused as
such), refuses what it cannot read with a :class:`~graph.build.sources.SourceError` naming the file and
the reason, and otherwise returns a :class:`ReadDocument`: the extracted text (pages separated by
'\\f', tables as ``| cell | cell |`` rows), how it was read and whether OCR was involved.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.sources import SourceError, check_text

MAX_INGEST_BYTES = 100 * 1024 * 1024
FORMATS = {".txt": "txt", ".pdf": "pdf", ".docx": "docx"}
MEDIA_TYPES = {"txt": "text/plain", "pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_KNOWN_OTHER = {
    b"\xd0\xcf\x11\xe0": "an old Word/Excel (OLE) file: save it as .docx",
    b"{\\rtf": "an RTF file: save it as .docx",
    b"\x89PNG": "an image (PNG): put scans into a PDF",
    b"\xff\xd8\xff": "an image (JPEG): put scans into a PDF",
    b"II*\x00": "an image (TIFF): put scans into a PDF",
    b"MM\x00*": "an image (TIFF): put scans into a PDF",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\x7fELF": "a program (ELF), not a document",
    b"MZ": "a Windows program, not a document",
}


@dataclass
class ReadDocument:
    path: Path
    data: bytes  # the original bytes
    text: str  # what the source holds: pages separated by '\f'
    format: str  # txt | pdf | docx
    reader: str  # how it was read: 'utf-8', 'tcvn3', 'pdfplumber 0.11.10', 'python-docx 1.2.0' …
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)
    tables: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def ocr(self) -> bool:
        return bool(self.ocr_pages)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def sniff(path: Path, data: bytes) -> str:
    """The format the bytes are in ('txt', 'pdf', 'docx'), or a SourceError saying what they are instead."""
    suffix = path.suffix.lower()
    if data.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or data[:1024].find(b"%PDF-") >= 0 and suffix == ".pdf":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        if suffix in (".docx", ""):
            return "docx"
        if suffix in (".xlsx", ".pptx", ".odt", ".zip"):
            raise SourceError(path, f"unsupported file type ({suffix}): only .txt, .pdf and .docx are read")
        return "docx"
    for magic, what in _KNOWN_OTHER.items():
        if data.startswith(magic):
            raise SourceError(path, f"unsupported file type: {what}")
    if suffix == ".pdf":
        raise SourceError(path, "not a PDF (no %PDF- header): the file is damaged or misnamed")
    if suffix == ".docx":
        raise SourceError(path, "not a DOCX (not a zip archive): the file is damaged or misnamed")
    if suffix in (".txt", ".text", ""):
        return "txt"
    raise SourceError(path, f"unknown file type ({suffix}): only .txt, .pdf and .docx are read")


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "?"


def read_document(path: Path, *, allow_ocr: bool = True) -> ReadDocument:
    """Read one file; raise :class:`SourceError` (file and reason) when it cannot be taken in."""
    from graph.build.readers import ocr as ocr_mod
    from graph.build.readers.docx import DocxError, read_docx
    from graph.build.readers.pdf import PdfError, read_pdf
    from graph.build.readers.text import EncodingError, decode_text

    if not path.exists():
        raise SourceError(path, "no such file")
    if not path.is_file():
        raise SourceError(path, "not a regular file")
    size = path.stat().st_size
    if size > MAX_INGEST_BYTES:
        raise SourceError(path, f"the file is {size / 1024 / 1024:.0f} MB, more than the "
                                f"{MAX_INGEST_BYTES // 1024 // 1024} MB accepted")
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(path, "the file is empty")
    kind = sniff(path, data)
    if kind == "txt":
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SourceError(path, "the file is binary (contains NUL bytes), not text")
        try:
            decoded = decode_text(data)
        except EncodingError as exc:
            raise SourceError(path, str(exc)) from None
        check_text(path, decoded.text)
        notes = [f"converted from {decoded.encoding}"] if decoded.converted else []
        return ReadDocument(path, data, decoded.text, "txt", decoded.encoding, notes=notes)
    if kind == "pdf":
        ocr = ocr_mod.ocr_pdf_pages if allow_ocr and ocr_mod.available() else None
        try:
            result = read_pdf(path, ocr=ocr)
        except PdfError as exc:
            raise SourceError(path, str(exc)) from None
        reader = f"pdfplumber {_version('pdfplumber')}"
        if result.ocr_pages:
            reader += f"; OCR {ocr_mod.tesseract_version()} on page(s) {', '.join(map(str, result.ocr_pages))}"
        text = unicodedata.normalize("NFC", result.text)
        check_text(path, text)
        return ReadDocument(path, data, text, "pdf", reader, result.pages, result.ocr_pages, result.tables)
    try:
        text, tables = read_docx(path)
    except DocxError as exc:
        raise SourceError(path, str(exc)) from None
    text = unicodedata.normalize("NFC", text)
    check_text(path, text)
    return ReadDocument(path, data, text, "docx", f"python-docx {_version('python-docx')}", tables=tables)
