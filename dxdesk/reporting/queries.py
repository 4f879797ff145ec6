"""What the audit trail shows for one month: the annex of the handling report.

Every figure is an aggregate query over the month's events (the `occurred_at` index
narrows them to the month), so the cost grows with the month, not with the trail. Only
the chain check reads the month's events one by one: a hash cannot be summed.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import GENESIS_HASH, AuditAction, AuditEvent
from dxdesk.lib.dates import TOKYO
from dxdesk.reporting.schedule import ReportMonth

# What counts as handling personal data: every action record_event is called for on a
# page, export or change of it. Signing in and out is counted apart.
HANDLING = (
    AuditAction.VIEW,
    AuditAction.EXPORT,
    AuditAction.DOWNLOAD,
    AuditAction.CREATE,
    AuditAction.CHANGE,
    AuditAction.DELETE,
)
OUTPUTS = (AuditAction.EXPORT, AuditAction.DOWNLOAD)
CHANGES = (AuditAction.CREATE, AuditAction.CHANGE, AuditAction.DELETE)
# Handling outside 7:00–22:00 (Tokyo) is listed as worth a look, not as wrong.
QUIET_HOURS_START, QUIET_HOURS_END = 22, 7
# The failed sign-in note written by dxdesk.audit.signals when the lock refused it.
LOCKED_NOTE = "ロック中"
UNKNOWN_ACCOUNT_NOTE = "未登録のメールアドレス"
LISTED_EVENTS = 500  # outputs and lockouts listed one by one; the rest are counted

STAMP = "%Y-%m-%d %H:%M"


def _stamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, TOKYO).strftime(STAMP)


@dataclass(frozen=True)
class PersonFigures:
    """What one account did in the month (as recorded: email and role at the time)."""

    email: str
    role: str
    handled: int
    views: int
    outputs: int
    output_rows: int
    changes: int
    sign_ins: int
    failed_sign_ins: int
    quiet_hours: int
    first_at: str
    last_at: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


@dataclass(frozen=True)
class RoleFigures:
    role: str
    people: int
    views: int
    outputs: int
    output_rows: int
    changes: int

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


@dataclass(frozen=True)
class ObjectFigures:
    """Handling of one kind of record (企業, 連絡先, 架電記録…)."""

    object_type: str
    people: int
    views: int
    outputs: int
    output_rows: int
    changes: int

    @property
    def label(self) -> str:
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


@dataclass(frozen=True)
class ListedEvent:
    sequence: int
    occurred_at: str
    email: str
    role: str
    action: str
    object_type: str
    object_label: str
    rows: int | None
    note: str
    ip_address: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def action_label(self) -> str:
        return str(AuditAction(self.action).label) if self.action in AuditAction.values else ""


@dataclass(frozen=True)
class ChainSegment:
    """The month's events checked link by link (see `check_segment`)."""

    first_sequence: int | None
    last_sequence: int | None
    last_hash: str
    checked: int
    problem: str = ""
    # The previous month's report recorded its last event; it must still be there as it was.
    anchor_sequence: int | None = None
    anchor_hash: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class MonthFigures:
    period_start: datetime.date
    period_end: datetime.date
    counted_until: str
    events: int
    people: int  # accounts that handled personal data
    handled: int
    views: int
    outputs: int
    output_rows: int
    changes: int
    sign_ins: int
    signed_in_people: int
    failed_sign_ins: int
    lockouts: int
    unknown_account_failures: int
    quiet_hours: int
    first_sequence: int | None
    last_sequence: int | None
    persons: tuple[PersonFigures, ...]
    roles: tuple[RoleFigures, ...]
    objects: tuple[ObjectFigures, ...]
    output_events: tuple[ListedEvent, ...]
    lockout_events: tuple[ListedEvent, ...]
    chain: ChainSegment | None = None

    @property
    def unlisted_outputs(self) -> int:
        return max(self.outputs - len(self.output_events), 0)

    @property
    def unlisted_lockouts(self) -> int:
        return max(self.lockouts - len(self.lockout_events), 0)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["period_start"] = self.period_start.isoformat()
        data["period_end"] = self.period_end.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MonthFigures:
        values = dict(data)
        values["period_start"] = datetime.date.fromisoformat(data["period_start"])
        values["period_end"] = datetime.date.fromisoformat(data["period_end"])
        values["persons"] = tuple(PersonFigures(**row) for row in data["persons"])
        values["roles"] = tuple(RoleFigures(**row) for row in data["roles"])
        values["objects"] = tuple(ObjectFigures(**row) for row in data["objects"])
        values["output_events"] = tuple(ListedEvent(**row) for row in data["output_events"])
        values["lockout_events"] = tuple(ListedEvent(**row) for row in data["lockout_events"])
        values["chain"] = ChainSegment(**data["chain"]) if data.get("chain") else None
        return cls(**values)


def _counts() -> dict[str, Any]:
    """Conditional counts shared by the month, per-account and per-record queries."""
    return {
        "handled": Count("id", filter=Q(action__in=HANDLING)),
        "views": Count("id", filter=Q(action=AuditAction.VIEW)),
        "outputs": Count("id", filter=Q(action__in=OUTPUTS)),
        "output_rows": Sum("rows", filter=Q(action__in=OUTPUTS), default=0),
        "changes": Count("id", filter=Q(action__in=CHANGES)),
    }


def month_events(month: ReportMonth, now: datetime.datetime) -> QuerySet[AuditEvent]:
    until = min(month.ends_at, now)
    return AuditEvent.objects.filter(occurred_at__gte=month.starts_at, occurred_at__lt=until)


def month_figures(month: ReportMonth, *, now: datetime.datetime | None = None) -> MonthFigures:
    """The month's figures in four aggregate queries (the chain is checked separately).

    The month's totals are the sums of the per-account rows: one pass over the month's
    events instead of two.
    """
    now = now or timezone.now()
    until = min(month.ends_at, now)
    events = month_events(month, now).order_by()
    failed = Q(action=AuditAction.SIGN_IN_FAILED)
    rows: list[Any] = list(
        events.values("user_id", "user_email", "role").annotate(
            events=Count("id"),
            sign_ins=Count("id", filter=Q(action=AuditAction.SIGN_IN)),
            failed_sign_ins=Count("id", filter=failed),
            lockouts=Count("id", filter=failed & Q(note__contains=LOCKED_NOTE)),
            unknown_account_failures=Count(
                "id", filter=failed & Q(note__contains=UNKNOWN_ACCOUNT_NOTE)
            ),
            quiet_hours=Count("id", filter=Q(action__in=HANDLING) & _quiet_hours(month)),
            first_sequence=Min("sequence"),
            last_sequence=Max("sequence"),
            first=Min("occurred_at"),
            last=Max("occurred_at"),
            **_counts(),
        )
    )
    summed = [
        "events",
        "handled",
        "views",
        "outputs",
        "output_rows",
        "changes",
        "sign_ins",
        "failed_sign_ins",
        "lockouts",
        "unknown_account_failures",
        "quiet_hours",
    ]
    totals = {name: sum(row[name] for row in rows) for name in summed}
    persons = _persons(rows)
    return MonthFigures(
        period_start=month.period_start,
        period_end=month.period_end,
        counted_until=_stamp(until),
        people=len({row["user_id"] for row in rows if row["handled"] and row["user_id"]}),
        signed_in_people=len({row["user_id"] for row in rows if row["sign_ins"]}),
        first_sequence=min((row["first_sequence"] for row in rows), default=None),
        last_sequence=max((row["last_sequence"] for row in rows), default=None),
        persons=persons,
        roles=_roles(persons),
        objects=_objects(events),
        output_events=_listed(events.filter(action__in=OUTPUTS)),
        lockout_events=_listed(events.filter(failed & Q(note__contains=LOCKED_NOTE))),
        **totals,
    )


def _quiet_hours(month: ReportMonth) -> Q:
    """22:00–7:00 (Tokyo) on each night of the month, as plain ranges of `occurred_at`:
    cheaper than converting every event's time to Tokyo's hour (on SQLite a Python call
    per row)."""
    nights = Q()
    day = month.period_start - datetime.timedelta(days=1)
    while day <= month.period_end:
        dusk = datetime.datetime.combine(day, datetime.time(QUIET_HOURS_START), tzinfo=TOKYO)
        following = day + datetime.timedelta(days=1)
        dawn = datetime.datetime.combine(following, datetime.time(QUIET_HOURS_END), tzinfo=TOKYO)
        nights |= Q(occurred_at__gte=dusk, occurred_at__lt=dawn)
        day = following
    return nights


def _persons(rows: list[Any]) -> tuple[PersonFigures, ...]:
    order = {role: index for index, role in enumerate(Role.values)}
    rows = sorted(rows, key=lambda row: (order.get(row["role"], len(order)), row["user_email"]))
    return tuple(
        PersonFigures(
            email=row["user_email"],
            role=row["role"],
            handled=row["handled"],
            views=row["views"],
            outputs=row["outputs"],
            output_rows=row["output_rows"],
            changes=row["changes"],
            sign_ins=row["sign_ins"],
            failed_sign_ins=row["failed_sign_ins"],
            quiet_hours=row["quiet_hours"],
            first_at=_stamp(row["first"]),
            last_at=_stamp(row["last"]),
        )
        for row in rows
    )


def _roles(persons: tuple[PersonFigures, ...]) -> tuple[RoleFigures, ...]:
    """Per role, from the per-account rows already fetched: accounts that handled data."""
    totals: dict[str, dict[str, int]] = {}
    for person in persons:
        if not person.handled:
            continue
        role = totals.setdefault(
            person.role,
            {"people": 0, "views": 0, "outputs": 0, "output_rows": 0, "changes": 0},
        )
        role["people"] += 1
        role["views"] += person.views
        role["outputs"] += person.outputs
        role["output_rows"] += person.output_rows
        role["changes"] += person.changes
    order = {role: index for index, role in enumerate(Role.values)}
    return tuple(
        RoleFigures(role=role, **values)
        for role, values in sorted(totals.items(), key=lambda item: order.get(item[0], 99))
    )


def _objects(events: QuerySet[AuditEvent]) -> tuple[ObjectFigures, ...]:
    rows: list[Any] = list(
        events.filter(action__in=HANDLING)
        .exclude(object_type="")
        .values("object_type")
        .annotate(people=Count("user_id", distinct=True), **_counts())
        .order_by("object_type")
    )
    return tuple(
        ObjectFigures(
            object_type=row["object_type"],
            people=row["people"],
            views=row["views"],
            outputs=row["outputs"],
            output_rows=row["output_rows"],
            changes=row["changes"],
        )
        for row in rows
    )


def _listed(events: QuerySet[AuditEvent]) -> tuple[ListedEvent, ...]:
    fields = (
        "sequence",
        "occurred_at",
        "user_email",
        "role",
        "action",
        "object_type",
        "object_label",
        "rows",
        "note",
        "ip_address",
    )
    rows: list[dict[str, Any]] = list(events.order_by("sequence").values(*fields)[:LISTED_EVENTS])
    return tuple(
        ListedEvent(
            sequence=row["sequence"],
            occurred_at=_stamp(row["occurred_at"]),
            email=row["user_email"],
            role=row["role"],
            action=row["action"],
            object_type=row["object_type"],
            object_label=row["object_label"],
            rows=row["rows"],
            note=row["note"],
            ip_address=row["ip_address"],
        )
        for row in rows
    )


def check_segment(
    figures: MonthFigures,
    *,
    anchor_sequence: int | None = None,
    anchor_hash: str = "",
    chunk_size: int = 2000,
) -> ChainSegment:
    """Recompute the hash of every event of the month and its link to the one before.

    The month is checked from the event before its first: an event altered, removed or
    moved inside the month breaks it. `anchor_*` is the last event the previous month's
    report gave the client; finding it unchanged ties this month to what was reported.
    (`dxdesk verify_audit` checks the whole trail from its start.)
    """
    first, last = figures.first_sequence, figures.last_sequence
    problems = []
    if anchor_sequence is not None:
        found = AuditEvent.objects.filter(sequence=anchor_sequence).first()
        if found is None or found.hash != anchor_hash or found.compute_hash() != found.hash:
            problems.append(
                f"event #{anchor_sequence}, the last one reported for the previous month, "
                "is missing or no longer matches the hash reported then"
            )
    if first is None or last is None:
        return ChainSegment(None, None, "", 0, "; ".join(problems), anchor_sequence, anchor_hash)
    checked, last_hash, problem = _walk(first, last, chunk_size)
    problems += [problem] if problem else []
    return ChainSegment(
        first, last, last_hash, checked, "; ".join(problems), anchor_sequence, anchor_hash
    )


def _walk(first: int, last: int, chunk_size: int) -> tuple[int, str, str]:
    """Events #first..#last in order: how many are intact, the last hash, the first break."""
    before = AuditEvent.objects.filter(sequence=first - 1).values_list("hash", flat=True).first()
    previous_hash = before if before is not None else (GENESIS_HASH if first == 1 else None)
    if previous_hash is None:
        return 0, "", f"event #{first - 1}, the one before the month's first, is missing"
    expected, last_hash = first, ""
    events = (
        AuditEvent.objects.filter(sequence__gte=first, sequence__lte=last)
        .order_by("sequence")
        .iterator(chunk_size=chunk_size)
    )
    for event in events:
        where = f"event #{event.sequence}"
        if event.sequence != expected:
            return expected - first, last_hash, f"{where}: event #{expected} is missing before it"
        if event.previous_hash != previous_hash:
            problem = f"{where} does not follow the event before it: events were removed or moved"
            return expected - first, last_hash, problem
        if event.compute_hash() != event.hash:
            return expected - first, last_hash, f"{where} was altered after it was written"
        previous_hash = last_hash = event.hash
        expected += 1
    if expected != last + 1:
        return expected - first, last_hash, f"event #{expected} is missing"
    return expected - first, last_hash, ""
