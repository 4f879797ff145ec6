"""Attachments as stored: one row per file kept in `FILE_STORE_DIR`, outside the web root.

Rows are written only by `dxdesk.files.storage.store_upload` (after the file's content
was checked and the file synced to disk) and removed only by `erase_stored`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", _("JPEG画像")
    PNG = "png", _("PNG画像")
    XLSX = "xlsx", _("Excel（xlsx）")
    DOCX = "docx", _("Word（docx）")


CONTENT_TYPES: dict[str, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# The extensions a name may carry for each kind; the first is added to a name without one.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    FileKind.PDF: ("pdf",),
    FileKind.JPEG: ("jpg", "jpeg", "jpe"),
    FileKind.PNG: ("png",),
    FileKind.XLSX: ("xlsx",),
    FileKind.DOCX: ("docx",),
}

ATTACHMENTS_DIR = "attachments"


class StoredFile(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Random, never derived from anything the uploader chose; also the file's name on disk.
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("ファイル名"), max_length=200)
    kind = models.CharField(_("種類"), max_length=8, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("大きさ（バイト）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="storedfile_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=FileKind.values), name="storedfile_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def relative_path(self) -> str:
        """Where the file lives inside the store, sharded so no directory grows huge."""
        return relative_path_for(self.storage_name)

    @property
    def path(self) -> Path:
        return Path(settings.FILE_STORE_DIR) / self.relative_path


def relative_path_for(storage_name: str) -> str:
    return f"{ATTACHMENTS_DIR}/{storage_name[:2]}/{storage_name[2:4]}/{storage_name}"
