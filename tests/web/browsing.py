"""Headless Chromium for the browser tests, in one place: Debian's /usr/bin/chromium driven by Playwright, and
tabs that watch every request (anything that leaves 127.0.0.1 fails the test: the app must work offline) and
every page error (a JavaScript error fails the test).

Each test module launches its own browser (a module-scoped fixture calling :func:`launch`): two Playwright
instances cannot run in one module."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("POLICYKG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def launch() -> Iterator[Any]:
    """A headless Chromium (skips the test when there is none), closed after use."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def watched_tab(browser: Any, live_server: str, **context: Any) -> Iterator[Any]:  # noqa: ANN401
    """A page in a new context (``context``: viewport …) whose requests may reach only ``live_server``; after the
    test, no request may have left and no script may have failed."""
    ctx = browser.new_context(**context)
    p = ctx.new_page()
    p.outside, p.errors = [], []
    host = urlparse(live_server).netloc

    def guard(route) -> None:  # noqa: ANN001
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == host:
            route.continue_()
        else:
            p.outside.append(route.request.url)
            route.abort()

    p.route("**/*", guard)
    p.on("pageerror", lambda exc: p.errors.append(str(exc)))
    yield p
    assert p.outside == [], f"requests left the machine: {p.outside}"
    assert p.errors == [], f"JavaScript errors: {p.errors}"
    ctx.close()


def screenshot_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """$POLICYKG_SCREENSHOTS when set, else a temporary folder."""
    folder = os.environ.get("POLICYKG_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp(name)
    path.mkdir(parents=True, exist_ok=True)
    return path
