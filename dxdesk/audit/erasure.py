"""Erasing the whole audit trail: the one sanctioned exception to "append-only".

At contract end the client's 個人情報取扱特記事項 asks for every piece of personal
information to be erased (001 別紙3 第9), and the trail holds some: users' email
addresses, IP addresses, and object labels such as company names. Only the full
disposal (`dxdesk dispose --scope all`, `dxdesk.retention.actions`) calls this. The
trail cannot lose part of itself — the hash chain would break — so it goes whole: every
event is deleted, the chain's head goes back to the genesis hash, and the next event
(the disposal's own) starts a new chain that `verify_audit` checks as usual.

The append-only triggers are dropped and created again inside the caller's transaction
(DDL is transactional on SQLite and PostgreSQL), so a rollback leaves the trail and its
guard exactly as they were, and no other connection ever sees the guard lifted.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from dxdesk.audit.models import GENESIS_HASH, AuditEvent
from dxdesk.audit.queries import check_chain

# The triggers are defined once, in the migration that created them.
_TRIGGERS = importlib.import_module("dxdesk.audit.migrations.0001_initial")


class TrailNotErased(Exception):
    """The database refused to lift the guard (e.g. the role does not own the tables)."""


@dataclass(frozen=True)
class ErasedTrail:
    event_ids: list[int]
    head_hash: str
    intact: bool
    problem: str
    first_at: str
    last_at: str

    def as_record(self) -> dict[str, object]:
        return {
            "erased": True,
            "events": len(self.event_ids),
            "head_hash": self.head_hash,
            "intact": self.intact,
            "problem": self.problem,
            "first_at": self.first_at,
            "last_at": self.last_at,
        }


def describe_trail() -> dict[str, object]:
    """The trail as it stands, checked: what a disposal that keeps it reports."""
    check = check_chain()
    span = AuditEvent.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    return {
        "erased": False,
        "events": check.events if check.intact else AuditEvent.objects.count(),
        "head_hash": check.head_hash,
        "intact": check.intact,
        "problem": check.problem,
        "first_at": _stamp(span["first"]),
        "last_at": _stamp(span["last"]),
    }


def erase_trail() -> ErasedTrail:
    """Check the chain, then delete every event and rewind the head to the genesis hash.

    Must run inside a transaction (the disposal's). The check's result is returned, not
    enforced: a broken trail is erased too, and the certificate says it was broken.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("erase_trail must run inside the disposal's transaction")
    check = check_chain()
    span = AuditEvent.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    event_ids = list(AuditEvent.objects.order_by("sequence").values_list("pk", flat=True))
    vendor = connection.vendor
    drop = {"postgresql": _TRIGGERS.POSTGRESQL_DROP, "sqlite": _TRIGGERS.SQLITE_DROP}[vendor]
    create = {"postgresql": _TRIGGERS.POSTGRESQL_CREATE, "sqlite": _TRIGGERS.SQLITE_CREATE}[vendor]
    try:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("UPDATE audit_auditchain SET length = 0, last_hash = %s", [GENESIS_HASH])
            for statement in create:
                # No parameters: PL/pgSQL's own % placeholders must reach the server as written.
                cursor.execute(statement, None)
    except Exception as error:
        raise TrailNotErased(
            f"the database refused to erase the audit trail ({error}); the role that runs "
            "dxdesk must own audit_auditevent and audit_auditchain"
        ) from error
    return ErasedTrail(
        event_ids=event_ids,
        head_hash=check.head_hash,
        intact=check.intact,
        problem=check.problem,
        first_at=_stamp(span["first"]),
        last_at=_stamp(span["last"]),
    )


def _stamp(moment: object) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[arg-type]
