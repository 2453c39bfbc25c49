"""Stage 1: read the source documents from ``data/sources`` and refuse bad input.

A source is non-empty text: UTF-8, or a legacy Vietnamese encoding (TCVN3, VNI-Windows,
Windows-1258, decomposed Unicode) that :mod:`graph.build.readers.text` detects and converts.
Anything else stops the build with a :class:`SourceError` naming the file and the reason,
before anything is written. (PDF, Word and scans are read by ``policykg ingest``, which keeps
their text here as UTF-8 ``.txt`` and the original under ``originals/``.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = (".txt",)
MAX_SOURCE_BYTES = 5_000_000


class SourceError(ValueError):
    """A source file that cannot be taken in (the message names the file and why)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """One source file as read from disk: its key (file stem), raw text and checksum."""

    key: str
    path: Path
    raw: str
    sha256: str

    @property
    def file_name(self) -> str:
        return self.path.name


def check_text(path: Path, raw: str) -> None:
    """Refuse decoded text that is binary in disguise or has nothing to read."""
    controls = sum(1 for ch in raw if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(5, len(raw) // 1000):
        raise SourceError(path, "the file looks binary (too many control characters)")
    letters = sum(1 for ch in raw if ch.isalpha())
    if letters < 20:
        raise SourceError(path, "the file has no readable text")


def read_source(path: Path) -> Source:
    from graph.build.readers.text import EncodingError, decode_text

    data = path.read_bytes()
    if not data.strip():
        raise SourceError(path, "the file is empty")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(path, f"the file is larger than {MAX_SOURCE_BYTES} bytes")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(path, "the file is binary (contains NUL bytes), not text")
    try:
        raw = decode_text(data).text
    except EncodingError as exc:
        raise SourceError(path, str(exc)) from None
    check_text(path, raw)
    return Source(key=path.stem, path=path, raw=raw, sha256=hashlib.sha256(data).hexdigest())


def read_sources(folder: Path) -> list[Source]:
    """Read every source in ``folder`` (sorted by name); refuse duplicates and bad files."""
    if not folder.is_dir():
        raise SourceError(folder, "the sources folder does not exist")
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
    if not paths:
        raise SourceError(folder, f"no source files ({', '.join(SOURCE_SUFFIXES)}) in the folder")
    sources: list[Source] = []
    seen: dict[str, Path] = {}
    for path in paths:
        source = read_source(path)
        if source.sha256 in seen:
            raise SourceError(path, f"duplicate of {seen[source.sha256].name} (same content)")
        seen[source.sha256] = path
        sources.append(source)
    return sources
