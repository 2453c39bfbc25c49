"""All-or-nothing changes to the store and the sources folder, whatever stops the process.

A change is prepared beside what it replaces and swapped in at the end:

* the store: a copy of the on-disk Oxigraph store (its immutable table files hard-linked, the small
  rest copied) takes the changes, is flushed and closed, and is then exchanged with the live store in
  one atomic ``renameat2(RENAME_EXCHANGE)``. Readers that have the old store open keep reading it.
* files (the extracted text, the original, the ledger): written to a staging folder, and moved into
  place after the store swap.

A journal (``build/ingest-journal.json``) written before the swap says what goes where and how to tell
whether the swap happened (the checksum the new store holds for the source). :func:`recover`, run
before every ingest and build, finishes a change whose store swap happened and undoes one whose swap
did not: after ``kill -9`` at any moment, the store and the files are as before or as after.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

JOURNAL = "ingest-journal.json"
LOCK = "ingest.lock"
RENAME_EXCHANGE = 2
AT_FDCWD = -100


class TransactionError(RuntimeError):
    pass


def fault_point(name: str) -> None:
    """Fault injection for the kill tests: ``POLICYKG_FAULT=<name>`` kills the process (SIGKILL) here,
    ``POLICYKG_FAULT=<name>:raise`` raises instead. Unset (always, outside the tests) it does nothing."""
    wanted = os.environ.get("POLICYKG_FAULT")
    if not wanted:
        return
    point, _, action = wanted.partition(":")
    if point != name:
        return
    if action == "raise":
        raise RuntimeError(f"fault injected at {name}")
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(10)


def exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    func = getattr(libc, "renameat2", None)
    if func is None:
        raise TransactionError("this system has no renameat2: cannot swap the store atomically")
    if func(AT_FDCWD, os.fsencode(str(a)), AT_FDCWD, os.fsencode(str(b)), RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise TransactionError(f"cannot swap {a} and {b}: {os.strerror(err)}")


def clone_store(live: Path, clone: Path) -> None:
    """A writable copy of a closed-or-open on-disk store: table files hard-linked, the rest copied."""
    clone.mkdir(parents=True)
    for item in live.iterdir():
        target = clone / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        elif item.suffix == ".sst":
            try:
                os.link(item, target)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EPERM):
                    raise
                shutil.copy2(item, target)
        elif item.name != "LOCK":
            shutil.copy2(item, target)


@contextmanager
def locked(build_dir: Path) -> Iterator[None]:
    """One writer at a time (the CLI and the web app may both ingest)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with (build_dir / LOCK).open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def no_interrupt() -> Iterator[None]:
    """Ctrl-C waits until the block is done (only the main thread receives signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            raise KeyboardInterrupt


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Change:
    """One all-or-nothing change: files to place, and a function that updates a copy of the store."""

    def __init__(self, store: Path, build_dir: Path, marker: tuple[str, str] | None) -> None:
        """``marker``: (graph IRI, sha256) that the new store holds for the source (pol:sha256 of its text) and
        the old one does not; it tells :func:`recover` whether the swap happened."""
        self.store = store
        self.build_dir = build_dir
        self.marker = marker
        self.txn = f"{os.getpid()}-{time.time_ns()}"
        self.staging = build_dir / f"staging-{self.txn}"
        self.clone = store.with_name(f"{store.name}.ingest-{self.txn}")
        self.moves: list[tuple[str, str]] = []  # (staged file, final path)

    def stage(self, final: Path, data: bytes) -> None:
        """Write ``data`` for ``final``; it is put in place only if the whole change succeeds."""
        self.staging.mkdir(parents=True, exist_ok=True)
        staged = self.staging / f"{len(self.moves):04d}-{final.name}"
        with staged.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.moves.append((str(staged), str(final)))

    def commit(self, update: Callable[[ox.Store], None]) -> None:
        try:
            clone_store(self.store, self.clone)
            fault_point("after-clone")
            store = ox.Store(str(self.clone))
            update(store)
            fault_point("after-update")
            store.flush()
            del store
            _write_json(self.build_dir / JOURNAL, {
                "txn": self.txn, "store": str(self.store), "clone": str(self.clone),
                "staging": str(self.staging), "moves": self.moves, "marker": list(self.marker or ()),
            })
            fault_point("after-journal")
        except BaseException:
            self._abort()
            raise
        with no_interrupt():
            exchange(self.clone, self.store)
            fault_point("after-swap")
            _finish(self.build_dir, self.moves, self.clone, self.staging)

    def _abort(self) -> None:
        shutil.rmtree(self.clone, ignore_errors=True)
        shutil.rmtree(self.staging, ignore_errors=True)
        (self.build_dir / JOURNAL).unlink(missing_ok=True)


def _finish(build_dir: Path, moves: list[tuple[str, str]], old_store: Path, staging: Path) -> None:
    for k, (staged, final) in enumerate(moves):
        if os.path.exists(staged):
            Path(final).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
        if k == 0:
            fault_point("during-moves")
    (build_dir / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(old_store, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _store_holds(store: Path, marker: list[str]) -> bool:
    if not marker:
        return True
    graph, sha = marker
    s = ox.Store.read_only(str(store))
    try:
        return any(True for _ in s.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/policykg/ont#sha256"), ox.Literal(sha), ox.NamedNode(graph)))
    finally:
        del s


def recover(store: Path, build_dir: Path) -> str | None:
    """Finish or undo a change that a killed process left half-done; returns what it did, or None."""
    journal = build_dir / JOURNAL
    message = None
    if journal.exists():
        data = json.loads(journal.read_text(encoding="utf-8"))
        swapped = store.exists() and _store_holds(store, data["marker"])
        if swapped:
            _finish(build_dir, [tuple(m) for m in data["moves"]], Path(data["clone"]), Path(data["staging"]))
            message = "finished an interrupted ingest (the store had been swapped)"
        else:
            shutil.rmtree(data["clone"], ignore_errors=True)
            shutil.rmtree(data["staging"], ignore_errors=True)
            journal.unlink()
            message = "undid an interrupted ingest (the store had not been swapped)"
    # leftovers of changes killed before their journal was written
    for leftover in store.parent.glob(f"{store.name}.ingest-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in build_dir.glob("staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return message
