"""The import outside a transaction, as the command and the web page run it: chunks are
written by a second thread with its own connection while the next are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError

from dxdesk.registry import actions
from dxdesk.registry.importing import read_table
from dxdesk.registry.models import Company
from dxdesk.registry.synthetic import generate_companies, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def call_list(tmp_path: Path, settings: Any) -> Path:
    settings.IMPORT_CHUNK_ROWS = 40
    path = tmp_path / "list.csv"
    write_csv(generate_companies(300, seed=11), path)
    return path


def test_every_chunk_is_written_and_progress_follows_the_commits(call_list: Path) -> None:
    progress: list[tuple[int, int]] = []
    summary = actions.import_companies(
        read_table(call_list), on_progress=lambda done, total: progress.append((done, total))
    )
    assert summary.created == Company.objects.count() > 250
    assert (
        summary.created + len({problem.row for problem in summary.problems if problem.rejected})
        == 300
    )
    assert [done for done, _total in progress] == sorted(done for done, _total in progress)
    assert progress[-1] == (300, 300)
    again = actions.import_companies(read_table(call_list))
    assert (again.created, again.updated) == (0, 0)


def test_a_chunk_that_fails_stops_the_import_after_the_chunks_before_it(
    call_list: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks: list[int] = []
    original = actions.insert_rows

    def insert_failing_third(*args: Any, **kwargs: Any) -> None:
        chunks.append(1)
        if len(chunks) == 3:
            raise DatabaseError("disk full")
        original(*args, **kwargs)

    monkeypatch.setattr(actions, "insert_rows", insert_failing_third)
    with pytest.raises(DatabaseError, match="disk full"):
        actions.import_companies(read_table(call_list))
    assert len(chunks) == 3
    assert Company.objects.count() == 80  # two whole chunks, nothing of the third
