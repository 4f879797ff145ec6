"""Accepted files are kept outside the web root under random names, synced to disk
before they are recorded, with their SHA-256."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.files.models import FileKind, StoredFile
from dxdesk.files.storage import erase_stored, open_stored, store_upload, storing_upload
from dxdesk.files.tests import samples
from dxdesk.files.tests.samples import RawUpload, upload
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db


def files_in_store() -> list[Path]:
    return sorted(path for path in Path(settings.FILE_STORE_DIR).rglob("*") if path.is_file())


@pytest.mark.parametrize(
    ("name", "build", "kind", "content_type"),
    [
        ("決算書.pdf", samples.pdf, FileKind.PDF, "application/pdf"),
        ("店舗の写真.jpg", samples.jpeg, FileKind.JPEG, "image/jpeg"),
        ("画面.png", samples.png, FileKind.PNG, "image/png"),
        (
            "経費明細.xlsx",
            samples.xlsx,
            FileKind.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "事業計画書.docx",
            samples.docx,
            FileKind.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_it_keeps_each_accepted_kind_with_its_hash(
    name: str, build: Callable[[], bytes], kind: FileKind, content_type: str
) -> None:
    applicant = make_user(Role.APPLICANT)
    content = build()
    stored = store_upload(upload(name, content), by=applicant)
    stored.refresh_from_db()
    assert (stored.original_name, stored.kind, stored.content_type) == (name, kind, content_type)
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.created_by == applicant
    assert stored.path.read_bytes() == content
    with open_stored(stored) as opened:
        assert opened.read() == content
    assert files_in_store() == [stored.path]


def test_it_keeps_the_file_outside_the_web_root_under_a_random_name() -> None:
    first = store_upload(upload("決算書.pdf", samples.pdf()))
    second = store_upload(upload("決算書.pdf", samples.pdf()))
    assert first.storage_name != second.storage_name
    assert len(first.storage_name) == 32
    store = Path(settings.FILE_STORE_DIR)
    token = first.storage_name
    assert first.path == store / "attachments" / token[:2] / token[2:4] / token
    assert "決算書" not in str(first.path)
    # Readable by the application's own user only.
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.path.parent.stat().st_mode) == 0o700
    web_roots = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    assert not any(first.path.is_relative_to(root) for root in web_roots)
    assert not settings.MEDIA_ROOT, "nothing is served from a media folder"


def test_the_default_store_is_outside_the_web_root() -> None:
    default_store = Path(settings.VAR_DIR) / "files"
    assert not default_store.is_relative_to(Path(settings.STATIC_ROOT))
    assert not default_store.is_relative_to(Path(settings.BASE_DIR) / "dxdesk")


def test_it_keeps_only_the_base_name_django_gives_it() -> None:
    # Django's UploadedFile already drops folders; the stored name is still random.
    stored = store_upload(upload("../../etc/passwd.pdf", samples.pdf()))
    assert stored.original_name == "passwd.pdf"
    assert stored.path.is_relative_to(Path(settings.FILE_STORE_DIR) / "attachments")


def test_it_cleans_the_name_it_keeps() -> None:
    # U+202E would show "invoice\u202efdp.exe" as "invoiceexe.pdf"; NFD kana are joined.
    stored = store_upload(RawUpload("  見積書\u202e\tﾃｽﾄ\u30cf\u309a.PDF  ", samples.pdf()))
    assert stored.original_name == "見積書ﾃｽﾄパ.pdf"


def test_it_adds_the_extension_of_the_kind_to_a_name_without_one() -> None:
    assert store_upload(RawUpload("見積書", samples.pdf())).original_name == "見積書.pdf"
    assert store_upload(RawUpload(".jpg", samples.jpeg())).original_name == "添付ファイル.jpg"


def test_it_keeps_any_extension_of_the_kind() -> None:
    assert store_upload(upload("IMG_0001.JPEG", samples.jpeg())).original_name == "IMG_0001.jpeg"


def test_it_shortens_a_long_name_to_two_hundred_characters() -> None:
    stored = store_upload(RawUpload("あ" * 300 + ".xlsx", samples.xlsx()))
    assert stored.original_name == "あ" * 195 + ".xlsx"


def test_it_accepts_a_pdf_that_only_mentions_javascript() -> None:
    # In a string, and as bytes inside a stream: neither is an action.
    content = samples.pdf(
        catalog_extra=b"/Info << /Title (How /JavaScript and /JS \\(work\\)) >>",
        content=b"q /JS gs 1 0 0 1 0 0 cm Q",
    )
    assert store_upload(upload("説明.pdf", content)).kind == FileKind.PDF


def test_it_accepts_a_phone_photo_with_a_video_after_the_image() -> None:
    motion = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(2000)
    assert store_upload(upload("写真.jpg", samples.jpeg(after_end=motion))).kind == FileKind.JPEG


def test_it_accepts_a_docx_with_links_to_web_pages() -> None:
    relationships = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/hyperlink" Target="https://example.jp/" TargetMode="External"/>'
        b"</Relationships>"
    )
    content = samples.docx({"word/_rels/document.xml.rels": relationships})
    assert store_upload(upload("事業計画書.docx", content)).kind == FileKind.DOCX


def test_it_syncs_the_file_before_it_takes_its_name_and_the_folder_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    synced: list[tuple[str, bool]] = []
    real_fsync = os.fsync

    def observed_fsync(descriptor: int) -> None:
        path = os.readlink(f"/proc/self/fd/{descriptor}")
        attachments = list((Path(settings.FILE_STORE_DIR) / "attachments").rglob("*"))
        synced.append((path, any(entry.is_file() for entry in attachments)))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", observed_fsync)
    stored = store_upload(upload("決算書.pdf", samples.pdf()))
    incoming = str(Path(settings.FILE_STORE_DIR) / "incoming")
    synced_file = [entry for entry in synced if entry[0].startswith(incoming + "/upload-")]
    assert synced_file == [(synced_file[0][0], False)], "the file is synced before it is renamed"
    assert synced[-1] == (str(stored.path.parent), True), "the folder is synced after the rename"


def test_it_removes_the_file_when_the_row_cannot_be_written() -> None:
    never_saved = User(email="ghost@example.jp")
    with pytest.raises(ValueError, match="unsaved related object"):
        store_upload(upload("決算書.pdf", samples.pdf()), by=never_saved)
    assert not StoredFile.objects.exists()
    assert files_in_store() == []


def test_a_caller_records_a_kept_file_in_its_own_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def observed_fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", observed_fsync)
    with storing_upload(upload("決算書.pdf", samples.pdf())) as stored, transaction.atomic():
        # Kept and synced before the caller's transaction writes anything.
        assert stored.path.exists() and stored._state.adding
        assert str(stored.path.parent) in synced
        stored.save()
    assert StoredFile.objects.get().path.read_bytes() == samples.pdf()


def test_a_kept_file_is_removed_when_the_callers_transaction_fails() -> None:
    with (
        pytest.raises(RuntimeError, match="the attachment's row"),
        storing_upload(upload("決算書.pdf", samples.pdf())) as stored,
        transaction.atomic(),
    ):
        stored.save()
        raise RuntimeError("the attachment's row could not be written")
    assert not StoredFile.objects.exists()
    assert files_in_store() == []


def test_erasing_removes_the_row_and_then_the_file(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    stored = store_upload(upload("決算書.pdf", samples.pdf()))
    path = stored.path
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        erase_stored(stored)
    assert not StoredFile.objects.exists()
    assert not path.exists()


def test_erasing_in_a_transaction_keeps_the_file_until_it_commits(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    stored = store_upload(upload("決算書.pdf", samples.pdf()))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # type: ignore[attr-defined]
        erase_stored(stored)
    assert stored.path.exists()
    assert len(callbacks) == 1


def test_it_streams_an_upload_django_spooled_to_disk(tmp_path: Path) -> None:
    from django.core.files.uploadedfile import TemporaryUploadedFile

    content = samples.pdf(content=b"0 0 m 1 1 l S\n" * 20000)
    spooled = TemporaryUploadedFile("決算書.pdf", "application/pdf", len(content), None)
    spooled.write(content)
    spooled.seek(0)
    stored = store_upload(spooled)
    spooled.close()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.path.read_bytes() == content
