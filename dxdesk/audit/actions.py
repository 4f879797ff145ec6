"""`record_event`: the one way anything is written to the audit trail."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.lib.network import client_ip

if TYPE_CHECKING:
    from dxdesk.accounts.models import User

CHAIN_HEAD_ID = 1


def record_event(
    request_or_user: HttpRequest | User | None,
    action: AuditAction | str,
    obj: models.Model | type[models.Model] | None = None,
    fields: Iterable[str] = (),
    rows: int | None = None,
    note: str = "",
    *,
    actor: User | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    `request_or_user` is the request being served (who and from where) or, for a
    command, the user on whose behalf it runs. `obj` is the object concerned, or its
    model for a list or an export of many. `actor` names the user when the request does
    not know them yet (the sign-in signal).

    The chain's head row is locked for the insert (on SQLite the IMMEDIATE transaction
    already holds the database's write lock), so events are numbered and chained
    strictly one after another. Called inside a caller's transaction, the event commits
    or rolls back with the change it records, and the lock is held until then: keep
    such transactions short.
    """
    request: HttpRequest | None
    if isinstance(request_or_user, HttpRequest):
        request, user = request_or_user, getattr(request_or_user, "user", None)
    else:
        request, user = None, request_or_user
    user = actor or user
    if user is not None and not user.is_authenticated:
        user = None
    event = AuditEvent(
        action=AuditAction(action),
        user_id=user.pk if user is not None else None,
        user_email=_text(user.email if user is not None else "", 254),
        role=(user.primary_role or "") if user is not None else "",
        fields=sorted({_text(name, 100) for name in fields}),
        rows=rows,
        note=_text(note, 500),
        **_describe(obj),
        **_origin(request),
    )
    # No savepoint of its own: if the event cannot be written, the change it records
    # must not be written either.
    with transaction.atomic(savepoint=False):
        _append(event)
    return event


# Every audited change in the project passes through `_append` holding the one lock all
# writers share, so its three statements are written out once rather than built by the
# ORM on each call; the values are still prepared by the model's own fields, as the ORM
# prepares them. (SQLite has no FOR UPDATE: its IMMEDIATE transaction holds the lock.)
HEAD_SQL = "SELECT length, last_hash FROM audit_auditchain WHERE id = %s"
HEAD_UPDATE_SQL = "UPDATE audit_auditchain SET length = %s, last_hash = %s WHERE id = %s"
_INSERTED = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


def _append(event: AuditEvent) -> None:
    """Number the event, chain it to the head and insert it, under the head's lock."""
    features = connection.features
    with connection.cursor() as cursor:
        locking = " FOR UPDATE" if features.has_select_for_update else ""
        cursor.execute(HEAD_SQL + locking, [CHAIN_HEAD_ID])
        length, last_hash = cursor.fetchone()
        event.sequence = length + 1
        event.occurred_at = timezone.now()
        event.previous_hash = last_hash
        event.hash = event.compute_hash()
        values = [
            field.get_db_prep_save(getattr(event, field.attname), connection) for field in _INSERTED
        ]
        cursor.execute(_insert_sql(), values)
        if features.can_return_columns_from_insert:
            event.pk = cursor.fetchone()[0]
        else:
            event.pk = cursor.lastrowid
        cursor.execute(HEAD_UPDATE_SQL, [event.sequence, event.hash, CHAIN_HEAD_ID])
    event._state.adding = False  # so a later save() is an update, which the model refuses
    event._state.db = connection.alias


@functools.cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in _INSERTED)
    values = ", ".join(["%s"] * len(_INSERTED))
    sql = f"INSERT INTO audit_auditevent ({columns}) VALUES ({values})"  # noqa: S608  # nosec B608
    if connection.features.can_return_columns_from_insert:
        sql += " RETURNING id"
    return sql


def _describe(obj: models.Model | type[models.Model] | None) -> dict[str, Any]:
    if obj is None:
        return {}
    meta = obj._meta
    object_type = f"{meta.app_label}.{meta.model_name}"
    if isinstance(obj, type):
        return {"object_type": object_type, "object_label": _text(str(meta.verbose_name), 200)}
    return {
        "object_type": object_type,
        "object_id": _text("" if obj.pk is None else str(obj.pk), 64),
        "object_label": _text(str(obj), 200),
    }


def _origin(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip_address": client_ip(request) or "",
        "user_agent": _text(request.META.get("HTTP_USER_AGENT", ""), 300),
        "path": _text(request.path, 300),
    }


def _text(value: str, limit: int) -> str:
    """Fit a value to its column (PostgreSQL refuses NUL characters and long values)."""
    return str(value).replace("\x00", "")[:limit]
