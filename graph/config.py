"""Settings: where the sources, the store and the exports live, and the public IRI base.

Every setting has a default that works from a checkout and can be overridden by an
environment variable (``POLICYKG_*``) or a CLI option.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from graph.vocab import DEFAULT_BASE, ONTOLOGY_IRI, POL

__all__ = ["DEFAULT_BASE", "ONTOLOGY_IRI", "POL", "PROJECT_ROOT", "Settings"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: _env_path("POLICYKG_DATA", PROJECT_ROOT / "data"))
    store_path: Path | None = None
    base: str = field(default_factory=lambda: os.environ.get("POLICYKG_BASE", DEFAULT_BASE))

    @property
    def sources_dir(self) -> Path:
        return _env_path("POLICYKG_SOURCES", self.data_dir / "sources")

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    @property
    def store(self) -> Path:
        if self.store_path is not None:
            return self.store_path
        return _env_path("POLICYKG_STORE", self.build_dir / "store")

    @property
    def gazetteer_path(self) -> Path:
        return self.data_dir / "gazetteer.yaml"

    @property
    def agencies_path(self) -> Path:
        return self.data_dir / "agencies.yaml"

    @property
    def ontology_dir(self) -> Path:
        return PROJECT_ROOT / "ontology"

    @property
    def queries_dir(self) -> Path:
        return PROJECT_ROOT / "queries"
