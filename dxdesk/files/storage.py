"""Keeping uploads: checked by content, written under a random name outside the web root,
synced to disk, and only then recorded.

`store_upload` commits its own row at once when called outside a transaction, which is
how it is meant to be called: store the file first, then, in the caller's own
transaction, create the rows that refer to it. If that transaction fails, call
`erase_stored` (the file is then a row nobody refers to, not a lost file). A caller
that records the file with its own rows in one transaction uses `storing_upload`, which
keeps the file before that transaction begins and removes it if the transaction fails.
Called inside a transaction that later rolls back, either leaves the file on disk
without a row; `dxdesk verify_files` lists such orphans.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dxdesk.files import scanning
from dxdesk.files.content import ContentRefused, RefusalCode, describe_size, judge
from dxdesk.files.models import ATTACHMENTS_DIR, EXTENSIONS, FileKind, StoredFile

if TYPE_CHECKING:
    from dxdesk.accounts.models import User

logger = logging.getLogger(__name__)

NAME_MAX_CHARACTERS = 200
# Uploads being written and checked; on the same file system as the attachments so
# that moving one into place is a rename.
INCOMING_DIR = "incoming"
# Control, format (bidirectional overrides that disguise an extension), private-use and
# lone surrogate characters have no place in a file name shown to people.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}


class Upload(Protocol):
    """What `store_upload` needs: Django's UploadedFile, or anything like it."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


class UploadRefused(Exception):
    """An upload not accepted. str() names the file and says why, for the uploader;
    `code` says which rule refused it."""

    def __init__(self, file_name: str, reason: str, code: RefusalCode) -> None:
        self.file_name = file_name
        self.reason = reason
        self.code = code
        super().__init__(f"「{file_name}」: {reason}")


def store_upload(upload: Upload, *, by: User | None = None) -> StoredFile:
    """Check the upload, keep it in the store synced to disk, record it and return the row.

    Raises UploadRefused for anything not accepted: empty, over UPLOAD_MAX_BYTES, a
    name with folders in it, content not one of the accepted kinds or not matching the
    extension, active or disguised content, a virus (when CLAMD_SOCKET is set), or
    clamd not answering (when it is).
    """
    with storing_upload(upload, by=by) as stored:
        stored.save(force_insert=True)
    return stored


@contextmanager
def storing_upload(upload: Upload, *, by: User | None = None) -> Iterator[StoredFile]:
    """`store_upload` for a caller that records the file in its own transaction: the
    file is checked and kept, synced to disk, before the block runs, and the block saves
    the row it is given (`stored.save()`) together with the rows that refer to it. If
    the block raises, the file is removed again.

    One transaction instead of two: an upload then takes the database's write lock
    (SQLite) and waits for a commit to reach the disk once, not twice.
    """
    raw_name = upload.name or ""
    try:
        stem, extension = split_name(raw_name)
        stored = _keep(upload, stem, extension, by)
    except ContentRefused as refusal:
        raise UploadRefused(display_name(raw_name), refusal.reason, refusal.code) from refusal
    try:
        yield stored
    except BaseException:
        _remove(stored.path)
        raise


def open_stored(stored: StoredFile) -> IO[bytes]:
    """The stored file, open for reading; FileNotFoundError if it has gone missing."""
    return stored.path.open("rb")


def erase_stored(stored: StoredFile) -> None:
    """Delete the row, then the file. Inside a transaction the file goes when it commits,
    so a rollback leaves both in place."""
    path = stored.path
    with transaction.atomic():
        stored.delete()
        transaction.on_commit(lambda: _remove(path))


def split_name(raw_name: str) -> tuple[str, str]:
    """The name's stem and extension (without the dot), cleaned for showing to people."""
    if "/" in raw_name or "\\" in raw_name:
        raise ContentRefused(
            RefusalCode.BAD_NAME,
            _("ファイル名にフォルダの区切り（/ や \\）を含めることはできません。"),
        )
    name = _visible(raw_name).rstrip(". ")
    if not name:
        raise ContentRefused(RefusalCode.BAD_NAME, _("ファイル名がありません。"))
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name, ""
    return stem.rstrip(), extension.strip()


def clean_name(stem: str, extension: str, kind: FileKind) -> str:
    """The name kept for the file: its own stem, an extension of its kind, at most
    NAME_MAX_CHARACTERS long."""
    extension = extension.lower() if extension else EXTENSIONS[kind][0]
    stem = stem or _("添付ファイル")
    return f"{stem[: NAME_MAX_CHARACTERS - len(extension) - 1].rstrip()}.{extension}"


def display_name(raw_name: str) -> str:
    """The name as given, safe to put in a message."""
    return _visible(raw_name)[:NAME_MAX_CHARACTERS] or _("（名前なし）")


def _visible(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(
        character for character in text if unicodedata.category(character) not in HIDDEN_CATEGORIES
    ).strip()


def _keep(upload: Upload, stem: str, extension: str, by: User | None) -> StoredFile:
    """The file checked and in place, synced to disk; its row, not yet saved."""
    limit: int = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise _empty()
    if upload.size is not None and upload.size > limit:
        raise _too_large(upload.size, limit)
    store = Path(settings.FILE_STORE_DIR)
    incoming = _private_directories(store, INCOMING_DIR)
    descriptor, temporary_name = tempfile.mkstemp(dir=incoming, prefix="upload-")
    temporary = Path(temporary_name)
    try:
        with open(descriptor, "w+b") as handle:
            digest = hashlib.sha256()
            size = 0
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:  # the declared size may have been wrong
                    raise _too_large(None, limit)
                digest.update(chunk)
                handle.write(chunk)
            if size == 0:
                raise _empty()
            handle.flush()
            kind = judge(handle, extension)
            _scan_for_viruses(handle)
            os.fsync(handle.fileno())
        storage_name = _move_into_place(temporary, store)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return StoredFile(
        storage_name=storage_name,
        original_name=clean_name(stem, extension, kind),
        kind=kind,
        size=size,
        sha256=digest.hexdigest(),
        created_by=by,
    )


def _move_into_place(temporary: Path, store: Path) -> str:
    while True:
        storage_name = secrets.token_hex(16)
        directory = _private_directories(
            store, ATTACHMENTS_DIR, storage_name[:2], storage_name[2:4]
        )
        final = directory / storage_name
        if not final.exists():
            break
    os.replace(temporary, final)
    # The rename is durable only once the directory holding the new entry is synced.
    _sync_directory(directory)
    return storage_name


def _private_directories(store: Path, *parts: str) -> Path:
    """store/part/part…, each created readable by this user only; a directory created
    here is synced into its parent so that it survives a crash too."""
    store.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory = store
    for part in parts:
        child = directory / part
        try:
            child.mkdir(mode=0o700)
        except FileExistsError:
            pass
        else:
            _sync_directory(directory)
        directory = child
    return directory


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
        _sync_directory(path.parent)
    except OSError:
        # The row is already gone: the file is an orphan that verify_files will list.
        logger.exception("could not remove stored file %s", path)


def _scan_for_viruses(handle: IO[bytes]) -> None:
    socket_path: str = settings.CLAMD_SOCKET
    if not socket_path:
        return
    try:
        signature = scanning.scan(handle, socket_path)
    except scanning.ScanFailed as error:
        logger.error("virus scan failed, upload refused: %s", error)
        raise ContentRefused(
            RefusalCode.SCAN_FAILED,
            _(
                "ウイルス検査ができなかったため受け付けられませんでした。"
                "しばらくしてからもう一度お試しください。"
            ),
        ) from error
    if signature:
        logger.warning("upload refused, clamd found %s", signature)
        raise ContentRefused(
            RefusalCode.INFECTED,
            _("ウイルスが検出されました（%(signature)s）。") % {"signature": signature},
        )


def _empty() -> ContentRefused:
    return ContentRefused(RefusalCode.EMPTY, _("ファイルが空です（0バイト）。"))


def _too_large(size: int | None, limit: int) -> ContentRefused:
    if size is None:
        return ContentRefused(
            RefusalCode.TOO_LARGE,
            _("ファイルが大きすぎます（上限は%(limit)sです）。") % {"limit": describe_size(limit)},
        )
    return ContentRefused(
        RefusalCode.TOO_LARGE,
        _("ファイルが大きすぎます（%(size)s。上限は%(limit)sです）。")
        % {"size": describe_size(size), "limit": describe_size(limit)},
    )
