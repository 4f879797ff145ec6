"""The audit trail (R-SEC-2, R-SEC-7): who saw, exported or changed what, when, from where.

`AuditEvent` rows are only ever inserted. The model refuses updates and deletes, and
triggers in the database refuse them whatever the code does (migration 0001). Each
event carries the SHA-256 of the previous event's hash and its own canonical JSON, so
an event altered, removed or moved afterwards breaks the chain; `dxdesk verify_audit`
recomputes it. `AuditChain` is the one row that holds the chain's head: it is locked
while an event is written, so the chain never forks.

Both models are unmanaged after their creation (migration 0001): Django's `flush`,
which tests and careless operators run, then leaves the trail alone instead of
tripping over the triggers. A schema change here needs a hand-written migration.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any, NoReturn

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.roles import Role

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", _("閲覧")
    EXPORT = "export", _("出力")
    DOWNLOAD = "download", _("ダウンロード")
    CREATE = "create", _("登録")
    CHANGE = "change", _("変更")
    DELETE = "delete", _("削除")
    SIGN_IN = "sign_in", _("ログイン")
    SIGN_IN_FAILED = "sign_in_failed", _("ログイン失敗")
    SIGN_OUT = "sign_out", _("ログアウト")


class AppendOnlyError(Exception):
    """An attempt to change or remove audit history."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are never changed")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("audit events are never deleted")


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(_("通番"), unique=True)
    occurred_at = models.DateTimeField(_("日時"))
    # Who, as they were at the time: no foreign key, the trail outlives the account.
    user_id = models.BigIntegerField(_("利用者ID"), null=True, blank=True)
    user_email = models.CharField(_("利用者"), max_length=254, blank=True, default="")
    role = models.CharField(_("ロール"), max_length=20, blank=True, default="")
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    # What: "app_label.model", the primary key and a short label of the object.
    object_type = models.CharField(_("対象の種類"), max_length=100, blank=True, default="")
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True, default="")
    object_label = models.CharField(_("対象"), max_length=200, blank=True, default="")
    fields = models.JSONField(_("項目"), default=list, blank=True)
    rows = models.PositiveIntegerField(_("件数"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=500, blank=True, default="")
    # From where.
    ip_address = models.CharField(_("IPアドレス"), max_length=45, blank=True, default="")
    user_agent = models.CharField(_("ブラウザ"), max_length=300, blank=True, default="")
    path = models.CharField(_("URL"), max_length=300, blank=True, default="")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "audit_auditevent"
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["occurred_at"], name="audit_event_occurred_at"),
            models.Index(fields=["user_id", "occurred_at"], name="audit_event_user"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are never deleted")

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def object_type_label(self) -> str:
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    def canonical_json(self) -> str:
        """Everything the event says, in one fixed spelling (the hash's input)."""
        return json.dumps(
            {
                "sequence": self.sequence,
                "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
                "user_id": self.user_id,
                "user_email": self.user_email,
                "role": self.role,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_label": self.object_label,
                "fields": list(self.fields),
                "rows": self.rows,
                "note": self.note,
                "ip_address": self.ip_address,
                "user_agent": self.user_agent,
                "path": self.path,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        text = self.previous_hash + self.canonical_json()
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AuditChain(models.Model):
    """The head of the chain: how many events there are and the last one's hash."""

    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        managed = False
        db_table = "audit_auditchain"
        verbose_name = _("監査記録の連鎖")
        verbose_name_plural = _("監査記録の連鎖")

    def __str__(self) -> str:
        return f"{self.length} events"
