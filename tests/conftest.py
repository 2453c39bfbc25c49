"""Shared fixtures: the graph built once from the five real sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.config import PROJECT_ROOT, Settings
from graph.store import OxigraphStore

GOLD = PROJECT_ROOT / "tests" / "gold"
SOURCES = PROJECT_ROOT / "data" / "sources"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, OxigraphStore]:
    """(settings, read-only store) for the graph built from data/sources into a temporary store."""
    from graph.build.pipeline import build

    store_path = tmp_path_factory.mktemp("store") / "store"
    settings = Settings(store_path=store_path)
    build(settings)
    return settings, OxigraphStore(store_path)


@pytest.fixture(scope="session")
def store(built: tuple[Settings, OxigraphStore]) -> OxigraphStore:
    return built[1]


def source_paths() -> list[Path]:
    return sorted(SOURCES.glob("*.txt"))
