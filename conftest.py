from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _file_store(settings: object, tmp_path: Path) -> Iterator[None]:
    settings.FILE_STORE_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_missing = not Path(os.environ.get("DXDESK_CHROMIUM", "/usr/bin/chromium")).exists()
    for item in items:
        # Under CI a browser test must run, so a missing Chromium fails it there.
        if "browser" in item.keywords and browser_missing and os.environ.get("CI") != "true":
            item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.fixture
def postgresql_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL set")


# Flags for Debian's Chromium on this closed network: without the background
# networking switches it keeps trying to reach outside hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def browser_page() -> Iterator[object]:
    """A Playwright page in Debian's Chromium (never a downloaded browser)."""
    from dxdesk.testing import chromium_path

    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still synchronous, which Django must be told is intended.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        context = browser.new_context(locale="ja-JP")
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
