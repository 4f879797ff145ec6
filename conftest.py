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
