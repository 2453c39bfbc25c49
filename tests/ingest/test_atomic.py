"""Atomic ingest: the process is killed (SIGKILL), interrupted (Ctrl-C), fails, or runs out of disk at several
moments; the store and the sources folder are then exactly as before, or hold the whole new document."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from ingest_support import files_state, store_quads

from graph.build.transaction import recover
from graph.config import PROJECT_ROOT

GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"


def _run(data: Path, path: Path, env: dict[str, str] | None = None, **kw: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "graph", "--data", str(data), "ingest", "--quiet", str(path)],
                            cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def _comparable(data: Path) -> tuple[frozenset, dict[str, object]]:
    """Store and files with the ingest time left out (it differs from run to run)."""
    quads = frozenset(q for q in store_quads(data) if q.predicate.value != GENERATED)
    files = files_state(data)
    ledger = files.pop("ingest.json", None)
    state: dict[str, object] = dict(files)
    if ledger is not None:
        docs = json.loads(ledger)["documents"]
        for entry in docs.values():
            entry.pop("ingested_at", None)
        state["ingest.json"] = docs
    return quads, state


@pytest.fixture(scope="module")
def states(built_data: Path, tmp_path_factory: pytest.TempPathFactory, docs: dict[str, Path]) -> dict[str, object]:
    """The state before the ingest of party.docx and after a clean one."""
    before_dir = tmp_path_factory.mktemp("before") / "data"
    shutil.copytree(built_data, before_dir)
    after_dir = tmp_path_factory.mktemp("after") / "data"
    shutil.copytree(built_data, after_dir)
    proc = _run(after_dir, docs["party.docx"])
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    return {"before": _comparable(before_dir), "after": _comparable(after_dir)}


def _check(data: Path, states: dict[str, object], expect: str | None = None) -> str:
    """Recover as the next run would, then say which state the store and the files are in."""
    store_only = frozenset(q for q in store_quads(data) if q.predicate.value != GENERATED)
    assert store_only in (states["before"][0], states["after"][0]), "the store holds part of a document"
    recover(data / "build" / "store", data / "build")
    now = _comparable(data)
    which = next((name for name, state in states.items() if state == now), None)
    assert which is not None, "the store and the sources folder are neither as before nor as after"
    assert now[0] == store_only, "recovery changed a store that was already whole"
    leftovers = [p.name for p in (data / "build").iterdir() if p.name.startswith(("staging-", "store.ingest-"))]
    assert not leftovers
    if expect:
        assert which == expect
    return which


@pytest.mark.parametrize(("point", "expect"), [
    ("after-stage", "before"), ("after-clone", "before"), ("after-update", "before"),
    ("after-journal", "before"), ("after-swap", "after"), ("during-moves", "after"),
])
def test_kill_at_each_step(data: Path, docs: dict[str, Path], states: dict[str, object], point: str,
                           expect: str) -> None:
    proc = _run(data, docs["party.docx"], {"POLICYKG_FAULT": point})
    assert proc.wait(timeout=300) == -signal.SIGKILL
    assert _check(data, states, expect) == expect


def test_kill_at_random_moments(data: Path, docs: dict[str, Path], states: dict[str, object],
                                tmp_path: Path) -> None:
    seen = set()
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5, 3.5):
        copy = tmp_path / f"d{delay}"
        shutil.copytree(data, copy)
        proc = _run(copy, docs["party.docx"])
        time.sleep(delay)
        proc.kill()
        proc.wait(timeout=60)
        seen.add(_check(copy, states))
    assert seen  # every moment gave one of the two states (which ones depends on the machine's speed)


def test_an_exception_changes_nothing_and_says_so(data: Path, docs: dict[str, Path],
                                                  states: dict[str, object]) -> None:
    proc = _run(data, docs["party.docx"], {"POLICYKG_FAULT": "after-update:raise"})
    assert proc.wait(timeout=300) == 1
    assert "failed    party.docx: nothing changed: RuntimeError: fault injected" in proc.stdout.read().decode()
    _check(data, states, "before")


def test_ctrl_c_changes_nothing(data: Path, docs: dict[str, Path], states: dict[str, object]) -> None:
    proc = _run(data, docs["party.docx"])
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)
    _check(data, states)  # before, or after when the signal came during the swap (it waits for the end)


def _small_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like ENOSPC
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_disk_full_changes_nothing(data: Path, docs: dict[str, Path], states: dict[str, object]) -> None:
    proc = _run(data, docs["party.docx"], preexec_fn=_small_disk)
    assert proc.wait(timeout=300) == 1
    out = proc.stdout.read().decode() + proc.stderr.read().decode()
    assert "nothing changed" in out and "File too large" in out
    _check(data, states, "before")
    assert ox.Store.read_only(str(data / "build" / "store")) is not None
