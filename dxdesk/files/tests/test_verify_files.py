"""`dxdesk verify_files` re-hashes every stored file and names those missing or changed."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from dxdesk.files.models import StoredFile
from dxdesk.files.storage import store_upload
from dxdesk.files.tests import samples
from dxdesk.files.tests.samples import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored() -> list[StoredFile]:
    return [
        store_upload(upload("決算書.pdf", samples.pdf())),
        store_upload(upload("店舗の写真.jpg", samples.jpeg())),
        store_upload(upload("経費明細.xlsx", samples.xlsx())),
    ]


def verify() -> str:
    out = StringIO()
    call_command("verify_files", stdout=out)
    return out.getvalue()


def failing() -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_files", stdout=out)
    assert raised.value.returncode == 1
    return out.getvalue(), str(raised.value)


def test_it_passes_when_every_file_is_intact(stored: list[StoredFile]) -> None:
    assert verify() == "3 files checked: 3 intact, 0 missing, 0 changed; 0 orphan files\n"


def test_it_names_a_missing_file(stored: list[StoredFile]) -> None:
    stored[1].path.unlink()
    lines, summary = failing()
    assert lines == f"missing: #{stored[1].pk} 「店舗の写真.jpg」 {stored[1].relative_path}\n"
    assert summary == "3 files checked: 2 intact, 1 missing, 0 changed; 0 orphan files"


def test_it_names_a_changed_file(stored: list[StoredFile]) -> None:
    content = bytearray(stored[0].path.read_bytes())
    content[100] ^= 0x01  # one bit, same size
    stored[0].path.write_bytes(bytes(content))
    lines, summary = failing()
    assert lines.startswith(f"changed: #{stored[0].pk} 「決算書.pdf」 {stored[0].relative_path} (")
    assert f"recorded {stored[0].size} bytes, sha256 {stored[0].sha256})" in lines
    assert summary == "3 files checked: 2 intact, 0 missing, 1 changed; 0 orphan files"


def test_it_names_every_problem_on_its_own_line(stored: list[StoredFile]) -> None:
    stored[0].path.write_bytes(b"replaced")
    stored[2].path.unlink()
    lines, summary = failing()
    assert [line.split(" ", 2)[:2] for line in lines.splitlines()] == [
        ["changed:", f"#{stored[0].pk}"],
        ["missing:", f"#{stored[2].pk}"],
    ]
    assert "1 missing, 1 changed" in summary


def test_it_warns_of_files_no_row_knows_without_failing(stored: list[StoredFile]) -> None:
    orphan = Path(settings.FILE_STORE_DIR) / "attachments" / "ab" / "cd" / ("abcd" + "0" * 28)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left behind")
    abandoned = Path(settings.FILE_STORE_DIR) / "incoming" / "upload-abandoned"
    abandoned.write_bytes(b"half written")
    an_hour_ago = time.time() - 3601
    os.utime(abandoned, (an_hour_ago, an_hour_ago))
    (Path(settings.FILE_STORE_DIR) / "incoming" / "upload-in-progress").write_bytes(b"now")
    assert verify() == (
        f"orphan (warning): attachments/ab/cd/abcd{'0' * 28} has no row\n"
        "orphan (warning): incoming/upload-abandoned has no row\n"
        "3 files checked: 3 intact, 0 missing, 0 changed; 2 orphan files\n"
    )


def test_it_passes_an_empty_store() -> None:
    assert verify() == "0 files checked: 0 intact, 0 missing, 0 changed; 0 orphan files\n"
