"""Every change to a fund: one short transaction holding the fund's counter row lock.

On PostgreSQL `select_for_update()` locks the counter row, so concurrent claims on one
fund queue on that row and each sees the figures the previous one left. On SQLite the
IMMEDIATE transaction takes the database's write lock at BEGIN, which serialises them
the same way. Nothing here reads figures outside that lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dxdesk.funds.models import (
    EntryKind,
    Fund,
    FundRequest,
    LedgerEntry,
    RequestState,
)

if TYPE_CHECKING:
    from datetime import datetime

    from dxdesk.accounts.models import User


class FundError(Exception):
    """A claim that cannot be made or changed; the message says why."""


class IntakeClosed(FundError):
    pass


class LimitNotSet(FundError):
    pass


@dataclass(frozen=True)
class Admission:
    request: FundRequest
    created: bool  # False when the subject had already claimed (a retry)

    @property
    def reserved(self) -> bool:
        return self.request.state == RequestState.RESERVED

    @property
    def waiting(self) -> bool:
        return self.request.state == RequestState.WAITING


def _locked(fund_id: int) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund_id)


def request_funds(
    fund: Fund | int, *, subject: str, amount: int, by: User | None = None
) -> Admission:
    """Claim `amount` for `subject` in strict request order.

    The claim is reserved when it fits and nobody waits ahead of it; otherwise it joins
    the waiting list. Claiming again for the same subject returns the first claim.
    """
    if amount <= 0:
        raise FundError(f"amount must be positive, not {amount}")
    fund_id = fund if isinstance(fund, int) else fund.pk
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # (On PostgreSQL outside a transaction a repeat is caught by the unique
        # constraint instead, which saves every first claim a round trip.)
        earlier = FundRequest.objects.filter(fund_id=fund_id, subject=subject).first()
        if earlier is not None:
            return Admission(earlier, created=False)
    try:
        request = None
        if connection.vendor == "postgresql":
            # Outside a caller's transaction the statement commits by itself, so the
            # row lock is released the moment the claim is written rather than after
            # another round trip from a process that may be waiting for a CPU.
            request = _claim_in_one_statement(fund_id, subject, amount, by)
        if request is None:
            with transaction.atomic():
                if (
                    connection.vendor == "sqlite"
                    and connection.features.can_return_columns_from_insert
                ):
                    request = _claim_in_three_statements(fund_id, subject, amount, by)
                if request is None:
                    request = _claim(fund_id, subject, amount, by)
    except IntegrityError:
        # Two claims for one subject raced; the unique constraint kept the first.
        earlier = FundRequest.objects.filter(fund_id=fund_id, subject=subject).first()
        if earlier is None:
            raise
        return Admission(earlier, created=False)
    return Admission(request, created=True)


def _claim(fund_id: int, subject: str, amount: int, by: User | None) -> FundRequest:
    """The claim as ORM calls under the fund's row lock (SQLite: the write lock)."""
    locked = _locked(fund_id)
    if locked.limit is None:
        raise LimitNotSet(f"{locked.name}: the limit is not set yet")
    if not locked.intake_open:
        raise IntakeClosed(f"{locked.name}: intake closed when the fund was spent")
    now = timezone.now()
    admitted = locked.fits(amount)
    request = FundRequest.objects.create(
        fund_id=fund_id,
        sequence=locked.next_sequence,
        subject=subject,
        amount=amount,
        state=RequestState.RESERVED if admitted else RequestState.WAITING,
        requested_at=now,
        state_changed_at=now,
    )
    locked.next_sequence += 1
    fields = ["next_sequence"]
    if admitted:
        _record(locked, request, EntryKind.RESERVE, now, by, reserved=amount)
        fields.append("reserved")
    else:
        locked.waiting_count += 1
        locked.waiting_amount += amount
        fields += ["waiting_count", "waiting_amount"]
    if locked.closes_when_spent and (not admitted or locked.remaining == 0):
        locked.intake_closed_at = now
        fields.append("intake_closed_at")
    locked.save(update_fields=fields)
    return request


# The same rule as `_claim` and `Fund.fits`, as one PostgreSQL statement: lock the
# counter row, decide, update it, insert the request and its entry. One round trip
# holds the lock, which is what lets a burst of claims queue quickly on one row.
# The request and ledger-entry tests run on both databases, so both paths are tested.
CLAIM_SQL = """
WITH old AS (
    SELECT id, next_sequence, closes_when_spent,
           reserved + committed + paid + %(amount)s AS taken_after,
           "limit",
           (waiting_count = 0 AND reserved + committed + paid + %(amount)s <= "limit") AS fits
    FROM funds_fund
    WHERE id = %(fund)s AND "limit" IS NOT NULL AND intake_closed_at IS NULL
    FOR UPDATE
), updated AS (
    UPDATE funds_fund AS fund SET
        next_sequence = old.next_sequence + 1,
        reserved = fund.reserved + CASE WHEN old.fits THEN %(amount)s ELSE 0 END,
        waiting_count = fund.waiting_count + CASE WHEN old.fits THEN 0 ELSE 1 END,
        waiting_amount = fund.waiting_amount + CASE WHEN old.fits THEN 0 ELSE %(amount)s END,
        intake_closed_at = CASE
            WHEN old.closes_when_spent AND (NOT old.fits OR old.taken_after = old."limit")
            THEN clock_timestamp() ELSE fund.intake_closed_at END
    FROM old
    WHERE fund.id = old.id
    -- The receipt time is read here, under the lock, so it rises with the sequence.
    RETURNING old.next_sequence AS sequence, old.fits AS fits, clock_timestamp() AS at
), request AS (
    INSERT INTO funds_fundrequest
        (fund_id, sequence, subject, amount, state, requested_at, state_changed_at)
    SELECT %(fund)s, sequence, %(subject)s, %(amount)s,
           CASE WHEN fits THEN 'reserved' ELSE 'waiting' END, at, at
    FROM updated
    RETURNING id, sequence, state, requested_at
), entry AS (
    INSERT INTO funds_ledgerentry
        (fund_id, request_id, kind, reserved_delta, committed_delta, paid_delta, note,
         created_at, created_by_id)
    SELECT %(fund)s, id, 'reserve', %(amount)s, 0, 0, '', requested_at, %(by)s
    FROM request WHERE state = 'reserved'
)
SELECT id, sequence, state, requested_at FROM request
"""


def _claim_in_one_statement(
    fund_id: int, subject: str, amount: int, by: User | None
) -> FundRequest | None:
    """PostgreSQL's claim; None when the fund cannot take claims (the ORM path says why)."""
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            {
                "fund": fund_id,
                "amount": amount,
                "subject": subject,
                "by": by.pk if by is not None else None,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    request_id, sequence, state, now = row
    return FundRequest(
        pk=request_id,
        fund_id=fund_id,
        sequence=sequence,
        subject=subject,
        amount=amount,
        state=state,
        requested_at=now,
        state_changed_at=now,
    )


# SQLite's claim (3.35 and later, for RETURNING): the rule of `_claim` and CLAIM_SQL in
# three statements, SQLite having no data-modifying WITH. The IMMEDIATE transaction
# around it already holds the database's write lock. SET reads the row as it was before
# the UPDATE and RETURNING as it is after: the claim fitted exactly when nobody waits.
CLAIM_SQLITE_SQL = """
UPDATE funds_fund SET
    next_sequence = next_sequence + 1,
    reserved = reserved + CASE
        WHEN waiting_count = 0 AND reserved + committed + paid + %(amount)s <= "limit"
        THEN %(amount)s ELSE 0 END,
    waiting_count = waiting_count + CASE
        WHEN waiting_count = 0 AND reserved + committed + paid + %(amount)s <= "limit"
        THEN 0 ELSE 1 END,
    waiting_amount = waiting_amount + CASE
        WHEN waiting_count = 0 AND reserved + committed + paid + %(amount)s <= "limit"
        THEN 0 ELSE %(amount)s END,
    intake_closed_at = CASE
        WHEN closes_when_spent AND (
            NOT (waiting_count = 0 AND reserved + committed + paid + %(amount)s <= "limit")
            OR reserved + committed + paid + %(amount)s = "limit"
        ) THEN %(now)s ELSE intake_closed_at END
WHERE id = %(fund)s AND "limit" IS NOT NULL AND intake_closed_at IS NULL
RETURNING next_sequence - 1, waiting_count = 0
"""
INSERT_REQUEST_SQL = """
INSERT INTO funds_fundrequest
    (fund_id, sequence, subject, amount, state, requested_at, state_changed_at)
VALUES (%(fund)s, %(sequence)s, %(subject)s, %(amount)s, %(state)s, %(now)s, %(now)s)
RETURNING id
"""
INSERT_RESERVE_SQL = """
INSERT INTO funds_ledgerentry
    (fund_id, request_id, kind, reserved_delta, committed_delta, paid_delta, note,
     created_at, created_by_id)
VALUES (%(fund)s, %(request)s, 'reserve', %(amount)s, 0, 0, '', %(now)s, %(by)s)
"""


def _claim_in_three_statements(
    fund_id: int, subject: str, amount: int, by: User | None
) -> FundRequest | None:
    """SQLite's claim; None when the fund cannot take claims (the ORM path says why)."""
    now = timezone.now()  # under the write lock, so receipt times rise with the sequence
    values: dict[str, Any] = {
        "fund": fund_id,
        "amount": amount,
        "subject": subject,
        "now": connection.ops.adapt_datetimefield_value(now),
        "by": by.pk if by is not None else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQLITE_SQL, values)
        row = cursor.fetchone()
        if row is None:
            return None
        sequence, fitted = row
        state = RequestState.RESERVED if fitted else RequestState.WAITING
        cursor.execute(INSERT_REQUEST_SQL, {**values, "sequence": sequence, "state": state.value})
        (request_id,) = cursor.fetchone()
        if fitted:
            cursor.execute(INSERT_RESERVE_SQL, {**values, "request": request_id})
    return FundRequest(
        pk=request_id,
        fund_id=fund_id,
        sequence=sequence,
        subject=subject,
        amount=amount,
        state=state,
        requested_at=now,
        state_changed_at=now,
    )


def commit_request(
    request: FundRequest, *, amount: int | None = None, by: User | None = None, note: str = ""
) -> FundRequest:
    """A decision: the reservation becomes committed, possibly for less (the rest is freed)."""
    return _advance(request, Step.COMMIT, amount=amount, by=by, note=note)


def pay_request(
    request: FundRequest, *, amount: int | None = None, by: User | None = None, note: str = ""
) -> FundRequest:
    """Payment of a committed amount (or less: 額の確定 may lower it; the rest is freed)."""
    return _advance(request, Step.PAY, amount=amount, by=by, note=note)


@dataclass(frozen=True)
class Step:
    """One move of a claim's money along reserved → committed → paid."""

    entry: str
    source: str  # the figure the money leaves: "reserved" or "committed"
    target: str  # the figure it enters
    before: str  # the request state it must be in
    after: str
    freed_note: str

    COMMIT: ClassVar[Step]
    PAY: ClassVar[Step]


Step.COMMIT = Step(
    EntryKind.COMMIT,
    "reserved",
    "committed",
    RequestState.RESERVED,
    RequestState.COMMITTED,
    "確定額との差額",
)
Step.PAY = Step(
    EntryKind.PAY,
    "committed",
    "paid",
    RequestState.COMMITTED,
    RequestState.PAID,
    "支払額との差額",
)


def _advance(
    request: FundRequest, step: Step, *, amount: int | None, by: User | None, note: str
) -> FundRequest:
    with transaction.atomic():
        locked = _locked(request.fund_id)
        current = _reload(request, step.before)
        amount = current.amount if amount is None else amount
        if not 0 < amount <= current.amount:
            raise FundError(
                f"{step.entry} {amount} must be between 1 and the {step.source} {current.amount}"
            )
        now = timezone.now()
        moved = {step.source: -amount, step.target: amount}
        _record(locked, current, step.entry, now, by, note=note, **moved)
        freed = current.amount - amount
        if freed:
            freed_delta = {step.source: -freed}
            _record(
                locked, current, EntryKind.RELEASE, now, by, note=step.freed_note, **freed_delta
            )
        current.amount = amount
        _move(current, step.after, now, extra=["amount"])
        _promote(locked, now, by)
        locked.save(update_fields=[*FIGURES, "waiting_count", "waiting_amount"])
    return current


FIGURES = ("reserved", "committed", "paid")


def release_request(request: FundRequest, *, by: User | None = None, note: str = "") -> FundRequest:
    """Rejected, withdrawn or cancelled: free what the request held and promote the next."""
    with transaction.atomic():
        locked = _locked(request.fund_id)
        current = FundRequest.objects.select_for_update().get(pk=request.pk)
        now = timezone.now()
        if current.state == RequestState.WAITING:
            locked.waiting_count -= 1
            locked.waiting_amount -= current.amount
            _move(current, RequestState.WITHDRAWN, now)
        elif current.state == RequestState.RESERVED:
            _record(
                locked, current, EntryKind.RELEASE, now, by, reserved=-current.amount, note=note
            )
            _move(current, RequestState.RELEASED, now)
        elif current.state == RequestState.COMMITTED:
            _record(
                locked, current, EntryKind.RELEASE, now, by, committed=-current.amount, note=note
            )
            _move(current, RequestState.RELEASED, now)
        else:
            raise FundError(f"a {current.get_state_display()} request cannot be released")
        _promote(locked, now, by)
        locked.save(update_fields=[*FIGURES, "waiting_count", "waiting_amount"])
    return current


def _reload(request: FundRequest, expected: str) -> FundRequest:
    current = FundRequest.objects.select_for_update().get(pk=request.pk)
    if current.state != expected:
        raise FundError(
            f"request #{current.sequence} is {current.get_state_display()}, "
            f"not {RequestState(expected).label}"
        )
    return current


def _move(request: FundRequest, state: str, now: datetime, extra: list[str] | None = None) -> None:
    request.state = state
    request.state_changed_at = now
    request.save(update_fields=["state", "state_changed_at", *(extra or [])])


def _promote(fund: Fund, now: datetime, by: User | None) -> None:
    """Reserve waiting requests in their order for as long as the head of the line fits."""
    if not fund.waiting_count or fund.limit is None:
        return
    promoted: list[FundRequest] = []
    # Streamed: the line may be thousands long and usually only its head moves.
    in_line = FundRequest.objects.filter(fund=fund, state=RequestState.WAITING).order_by("sequence")
    for waiting in in_line.iterator(chunk_size=20):
        if fund.taken + waiting.amount > fund.limit:
            break
        _record(
            fund,
            waiting,
            EntryKind.RESERVE,
            now,
            by,
            reserved=waiting.amount,
            note="待ちから繰上げ",
        )
        fund.waiting_count -= 1
        fund.waiting_amount -= waiting.amount
        waiting.state = RequestState.RESERVED
        waiting.state_changed_at = now
        promoted.append(waiting)
    FundRequest.objects.bulk_update(promoted, ["state", "state_changed_at"])


def _record(
    fund: Fund,
    request: FundRequest,
    kind: str,
    now: datetime,
    by: User | None,
    *,
    reserved: int = 0,
    committed: int = 0,
    paid: int = 0,
    note: str = "",
) -> None:
    LedgerEntry.objects.create(
        fund=fund,
        request=request,
        kind=kind,
        reserved_delta=reserved,
        committed_delta=committed,
        paid_delta=paid,
        note=note,
        created_at=now,
        created_by=by,
    )
    fund.reserved += reserved
    fund.committed += committed
    fund.paid += paid
