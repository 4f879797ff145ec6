"""Writes of the outreach app: campaigns, the operator queue and logging a call.

"Next call" is one short statement (`CLAIM_SQL`): each lane of the queue is one range
scan of the partial index `call_task_queue`, and the row found is leased by the same
statement. On PostgreSQL the lanes take rows `FOR UPDATE SKIP LOCKED`, so claimers
never wait for each other and never take the same row, and the row is re-checked under
its lock; on SQLite the statement holds the database's only write lock. When the
statement finds nothing, or a row it may not lease, the careful path (`_take_from_lane`,
an IMMEDIATE transaction on SQLite) states the same rule row by row and deals with it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxdesk.funds.actions import IntakeClosed, LimitNotSet, request_funds
from dxdesk.lib.background import run_after_commit
from dxdesk.lib.bulk import insert_many
from dxdesk.outreach.models import (
    CallAttempt,
    CallTask,
    Campaign,
    CampaignSource,
    CampaignStatus,
    RouteState,
    TaskState,
)
from dxdesk.outreach.playbook import Playbook, closing_state, playbook_for
from dxdesk.outreach.schedule import TOKYO, Attempt
from dxdesk.programs.models import CountCap, Track
from dxdesk.registry.actions import run_import_job
from dxdesk.registry.importing import CompanyRow, iter_company_rows
from dxdesk.registry.keys import name_key, phone_key
from dxdesk.registry.models import Company, ImportJob

if TYPE_CHECKING:
    from dxdesk.accounts.models import User
    from dxdesk.funds.models import FundRequest
    from dxdesk.programs.rules import CallOutcome
    from dxdesk.registry.importing import Table

LEASE = datetime.timedelta(minutes=15)
TASK_BATCH = 5000


class CallError(Exception):
    """A call that cannot be logged as sent; the message says why."""


class LeaseLost(CallError):
    """The company is no longer held under this token (expired and taken by someone else)."""


LEASE_LOST = _("この企業の担当は外れています（保持時間が切れ、他の方に渡りました）。")


# -- campaigns ---------------------------------------------------------------------------


def create_campaign(
    *,
    track: Track,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    companies: QuerySet[Company],
    by: User | None,
    source_note: str = "",
) -> Campaign:
    """A campaign over a registry selection: one call task per company, in one transaction."""
    with transaction.atomic():
        campaign = Campaign.objects.create(
            program_id=track.program_id,
            track=track,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            source=CampaignSource.REGISTRY,
            source_note=source_note[:300],
            created_by=by,
        )
        rows = companies.order_by("id").values_list("id", "do_not_call").iterator(chunk_size=5000)
        _add_tasks(campaign, rows)
    return campaign


def _add_tasks(campaign: Campaign, rows: Iterable[tuple[int, bool]]) -> None:
    """Insert the tasks (companies on the do-not-call list closed at once) and mark ready."""
    now = timezone.now()
    due = datetime.datetime.combine(campaign.starts_on, datetime.time.min, tzinfo=TOKYO)
    seen: set[int] = set()
    batch: list[CallTask] = []
    for company_id, do_not_call in rows:
        if company_id in seen:
            continue
        seen.add(company_id)
        batch.append(
            CallTask(
                campaign=campaign,
                company_id=company_id,
                state=TaskState.DO_NOT_CALL if do_not_call else TaskState.UNTOUCHED,
                due_at=None if do_not_call else due,
                closed_at=now if do_not_call else None,
            )
        )
        if len(batch) >= TASK_BATCH:
            insert_many(CallTask, batch)
            batch.clear()
    insert_many(CallTask, batch)
    campaign.task_count = len(seen)
    campaign.status = CampaignStatus.READY
    campaign.save(update_fields=["task_count", "status"])


def create_campaign_from_list(
    *,
    track: Track,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    table: Table,
    file_name: str,
    stored_path: str,
    by: User | None,
) -> Campaign:
    """A campaign over an uploaded call list, built in the background (see below)."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            file_name=file_name,
            stored_path=stored_path,
            total_rows=table.total_rows,
            detected_format=table.format,
            started_by=by,
        )
        campaign = Campaign.objects.create(
            program_id=track.program_id,
            track=track,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            source=CampaignSource.LIST,
            source_note=file_name[:300],
            import_job=job,
            created_by=by,
        )
        start_campaign_from_list(campaign, job, table)
    return campaign


def start_campaign_from_list(campaign: Campaign, job: ImportJob, table: Table) -> None:
    """Import an uploaded list into the registry, then make the campaign of its rows.

    Runs in a thread once the campaign row is committed, like the registry's own import.
    """
    run_after_commit(build_campaign_from_list, campaign.pk, job.pk, table)


def build_campaign_from_list(campaign_id: int, job_id: int, table: Table) -> Campaign:
    campaign = Campaign.objects.get(pk=campaign_id)
    try:
        run_import_job(job_id, table)
        rows = [row for row in iter_company_rows(table) if not isinstance(row, list)]
        with transaction.atomic():
            _add_tasks(campaign, _companies_of_rows(rows))
    except Exception as error:
        campaign.status = CampaignStatus.FAILED
        campaign.failure = f"{type(error).__name__}: {error}"
        campaign.save(update_fields=["status", "failure"])
        raise
    return campaign


def _companies_of_rows(rows: list[CompanyRow]) -> list[tuple[int, bool]]:
    """The list's rows as (company id, do-not-call) in list order.

    A row is found by 法人番号, else 管理番号, else name and phone, as the import matched it.
    """
    numbers: dict[str, tuple[int, bool]] = {}
    refs: dict[str, tuple[int, bool]] = {}
    named: dict[tuple[str, str], tuple[int, bool]] = {}
    for start in range(0, len(rows), TASK_BATCH):
        chunk = rows[start : start + TASK_BATCH]
        found = Company.objects.filter(
            Q(corporate_number__in=[r.corporate_number for r in chunk if r.corporate_number])
            | Q(ref__in=[r.ref for r in chunk if r.ref])
            | Q(name_key__in=[name_key(r.name) for r in chunk if not r.corporate_number])
        ).values_list("pk", "do_not_call", "corporate_number", "ref", "name_key", "phone_key")
        for pk, do_not_call, number, ref, key, phone in found:
            if number:
                numbers[number] = (pk, do_not_call)
            if ref:
                refs[ref] = (pk, do_not_call)
            named.setdefault((key, phone), (pk, do_not_call))
    companies: list[tuple[int, bool]] = []
    for row in rows:
        company = (
            numbers.get(row.corporate_number)
            or refs.get(row.ref)
            or named.get((name_key(row.name), phone_key(row.phone)))
        )
        if company is not None:
            companies.append(company)
    return companies


# -- the operator queue ------------------------------------------------------------------


NO_CALL_REASONS = {
    "not_ready": _("このキャンペーンはまだ準備中です。"),
    "not_started": _("架電開始日前です。"),
    "outside_hours": _("架電時間外です（営業日の架電時間帯のみ架電できます）。"),
    "empty": _("いま架電できる企業はありません。"),
}


@dataclass(frozen=True)
class Claim:
    task: CallTask | None
    reason: str = ""

    @property
    def message(self) -> str:
        return str(NO_CALL_REASONS.get(self.reason, ""))


def claim_next_call(campaign: Campaign, *, by: User, now: datetime.datetime | None = None) -> Claim:
    """Give `by` the most urgent company nobody else holds, under a fresh lease.

    Lanes, in order: callbacks due; untouched companies; retries that may be called in
    the current band, the most constrained first. Whatever `by` held before goes back
    to the queue, for someone else: asking for the next call while holding one is how
    an operator passes a company on.
    """
    now = now or timezone.now()
    if not campaign.is_ready:
        return Claim(None, "not_ready")
    playbook = playbook_for(campaign)
    schedule = playbook.schedule
    if schedule.local(now).date() < campaign.starts_on:
        return Claim(None, "not_started")
    band = schedule.band_at(now)
    if band is None:
        return Claim(None, "outside_hours")
    lanes = [(TaskState.CALLBACK, 0), (TaskState.UNTOUCHED, 0)]
    lanes += [(TaskState.RETRY, mask) for mask in schedule.retry_masks_for(band)]
    passed_on = _release_held(by)
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            task = _claim_by_statement(campaign, lanes, by, now, passed_on)
    except IntegrityError:
        task = None  # the company is held in another campaign: the careful path passes it over
    if task is not None:
        return Claim(task)
    # Nothing found, a company that went on the do-not-call list, or a clash: the
    # careful path, row by row, tells which and deals with it.
    with transaction.atomic():
        for state, mask in lanes:
            task = _take_from_lane(campaign, state, mask, by, now, passed_over=passed_on)
            if task is not None:
                return Claim(task)
    return Claim(None, "empty")


RELEASE_SQL = """
UPDATE outreach_calltask
SET holder_id = NULL, lease_token = NULL, lease_started_at = NULL, lease_expires_at = NULL
WHERE holder_id = %s
RETURNING id
"""


def _release_held(by: User) -> list[int]:
    """Hand back what `by` holds; the ids handed back (one at most: one lease each)."""
    if connection.vendor == "sqlite" and not CallTask.objects.filter(holder=by).exists():
        return []  # a read takes no lock; on SQLite every write statement takes the only one
    with connection.cursor() as cursor:
        cursor.execute(RELEASE_SQL, [by.pk])
        return [row[0] for row in cursor.fetchall()]


def _take_from_lane(
    campaign: Campaign,
    state: str,
    mask: int,
    by: User,
    now: datetime.datetime,
    *,
    passed_over: list[int],
) -> CallTask | None:
    passed_over = list(passed_over)
    while True:
        lane = (
            campaign.tasks.filter(state=state, band_mask=mask, due_at__lte=now)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .select_related("company")
            .order_by("due_at", "id")
            .select_for_update(skip_locked=True, of=("self",))
        )
        if passed_over:
            lane = lane.exclude(pk__in=passed_over)
        task = lane.first()
        if task is None:
            return None
        if task.state != state or task.lease_is_active(now):
            passed_over.append(task.pk)  # changed under us: someone else has it now
            continue
        if task.company.do_not_call:
            task.save(update_fields=task.close(TaskState.DO_NOT_CALL, now))
            continue
        fields = task.take_lease(by, uuid.uuid4(), now, now + LEASE)
        try:
            with transaction.atomic():
                task.save(update_fields=fields)
        except IntegrityError:
            # The same company is held in another campaign right now.
            passed_over.append(task.pk)
            continue
        return task


# The rule of `_take_from_lane`, for every lane at once, as one statement: COALESCE
# evaluates a lane's sub-select only when the lanes before it found nothing, and the
# row found is leased by the same statement. On PostgreSQL the sub-selects skip rows
# other claimers have locked and re-check the row under its lock; on SQLite the
# statement holds the write lock from start to end. One short statement, rather than
# a transaction of several, is what keeps "next call" quick with thirty claimers on
# two cores: on SQLite the lock is held a fraction of a millisecond instead of several.
LANE_SQL = """(
    SELECT id FROM outreach_calltask
    WHERE campaign_id = %(campaign)s AND state = %(state_{n})s AND band_mask = %(mask_{n})s
      AND due_at <= %(now)s AND (lease_expires_at IS NULL OR lease_expires_at <= %(now)s)
      AND id <> %(passed_on)s
    ORDER BY due_at, id
    LIMIT 1{lock}
)"""

CLAIM_SQL = """
UPDATE outreach_calltask
SET holder_id = %(user)s, lease_token = %(token)s, lease_started_at = %(now)s,
    lease_expires_at = %(expires)s
WHERE id = COALESCE({lanes})
  AND NOT EXISTS (
      SELECT 1 FROM registry_company AS company
      WHERE company.id = outreach_calltask.company_id AND company.do_not_call
  )
RETURNING {columns}
"""


def _claim_by_statement(
    campaign: Campaign,
    lanes: list[tuple[str, int]],
    by: User,
    now: datetime.datetime,
    passed_on: list[int],
) -> CallTask | None:
    fields = CallTask._meta.concrete_fields
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    sql = CLAIM_SQL.format(
        lanes=", ".join(LANE_SQL.format(n=n, lock=lock) for n in range(len(lanes))),
        columns=", ".join(connection.ops.quote_name(field.column) for field in fields),
    )
    adapt = connection.ops.adapt_datetimefield_value
    token = CallTask._meta.get_field("lease_token").get_db_prep_value(uuid.uuid4(), connection)
    params: dict[str, object] = {
        "campaign": campaign.pk,
        "user": by.pk,
        "passed_on": passed_on[0] if passed_on else 0,  # one lease per operator
        "now": adapt(now),
        "token": token,
        "expires": adapt(now + LEASE),
    }
    for number, (state, mask) in enumerate(lanes):
        params[f"state_{number}"] = str(state)
        params[f"mask_{number}"] = mask
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if connection.vendor != "postgresql":
        # SQLite hands back stored text; let the ORM's converters read the row.
        return campaign.tasks.get(pk=row[0])
    task = CallTask.from_db(connection.alias, [field.attname for field in fields], row)
    task.campaign = campaign
    return task


def release_call(task: CallTask, *, by: User, token: str) -> bool:
    """Hand the company back to the queue without a call; False if the lease was gone."""
    released = CallTask.objects.filter(pk=task.pk, holder=by, lease_token=_uuid(token)).update(
        holder=None, lease_token=None, lease_started_at=None, lease_expires_at=None
    )
    return released == 1


@dataclass(frozen=True)
class CallReport:
    """What the operator wrote on the call form."""

    outcome: str
    duration_seconds: int | None = None
    person_reached: str = ""
    content: str = ""
    needs: str = ""
    callback_at: datetime.datetime | None = None
    script: str = ""


@dataclass(frozen=True)
class LoggedCall:
    attempt: CallAttempt
    task: CallTask
    fund_request: FundRequest | None = None


def log_call(
    task: CallTask,
    report: CallReport,
    *,
    by: User,
    token: str,
    now: datetime.datetime | None = None,
) -> LoggedCall:
    """Record a call, move the company on (retry, callback, 不在 or closed), route it.

    The lease token proves the caller still holds the company; a lease that ran out is
    still good while nobody else has taken the company.
    """
    now = now or timezone.now()
    playbook = playbook_for(task.campaign)
    outcome = playbook.outcomes.get(report.outcome)
    if outcome is None:
        raise CallError(f"unknown outcome {report.outcome!r}")
    if outcome.callback and report.callback_at is None:
        raise CallError("a callback needs the promised time")
    with transaction.atomic():
        locked = CallTask.objects.select_for_update().get(pk=task.pk)
        locked.campaign = task.campaign
        if locked.holder_id != by.pk or locked.lease_token != _uuid(token) or not locked.is_queued:
            raise LeaseLost(str(LEASE_LOST))
        attempt = _record_attempt(locked, report, outcome, playbook, by=by, now=now)
        fields = locked.count_call(attempt)
        fund_request = None
        if outcome.final:
            route_state, fund_request = _route(locked, outcome, by)
            state = closing_state(outcome, person_reached=report.person_reached)
            fields += locked.close(state, now, route_state=route_state)
            if fund_request is not None:
                locked.fund_request = fund_request
                fields.append("fund_request")
            if outcome.do_not_call:
                Company.objects.filter(pk=locked.company_id).update(do_not_call=True)
        elif outcome.callback:
            fields += locked.requeue(TaskState.CALLBACK, due_at=report.callback_at)
        else:
            fields += _schedule_retry(locked, playbook, attempt, now)
        fields += locked.drop_lease()
        locked.save(update_fields=sorted(set(fields)))
    return LoggedCall(attempt=attempt, task=locked, fund_request=fund_request)


def _record_attempt(
    task: CallTask,
    report: CallReport,
    outcome: CallOutcome,
    playbook: Playbook,
    *,
    by: User,
    now: datetime.datetime,
) -> CallAttempt:
    called_at = task.lease_started_at or now
    keeps_promise = task.state == TaskState.CALLBACK
    # A callback promised for a time never uses up an attempt, and neither does the
    # call that keeps the promise.
    counted = outcome.counts_as_attempt and not (outcome.final or outcome.callback or keeps_promise)
    duration = report.duration_seconds
    if duration is None:
        duration = max(0, int((now - called_at).total_seconds()))
    return CallAttempt.objects.create(
        task=task,
        campaign_id=task.campaign_id,
        caller=by,
        number=task.calls + 1,
        called_at=called_at,
        band=playbook.schedule.band_at(called_at),
        duration_seconds=duration,
        person_reached=report.person_reached.strip(),
        content=report.content.strip(),
        needs=report.needs.strip(),
        outcome=outcome.code,
        outcome_title=outcome.title,
        counted=counted,
        reached=bool(report.person_reached.strip()) or bool(outcome.route_to or outcome.refer_to),
        callback_at=report.callback_at,
        script=report.script,
    )


def _schedule_retry(
    task: CallTask, playbook: Playbook, attempt: CallAttempt, now: datetime.datetime
) -> list[str]:
    counted = [
        Attempt(at, band)
        for at, band in CallAttempt.objects.filter(task=task, counted=True)
        .order_by("number")
        .values_list("called_at", "band")
    ]
    slot = playbook.schedule.next_slot(counted, after=attempt.called_at)
    if slot is None:
        return task.close(TaskState.FUZAI, now)
    return task.requeue(TaskState.RETRY, due_at=slot.starts_at, band_mask=slot.band_mask)


def _route(task: CallTask, outcome: CallOutcome, by: User) -> tuple[str, FundRequest | None]:
    """Route a screened company (R-OUT-5): a claim on the support track's cap, in order."""
    if outcome.refer_to:
        return RouteState.REFERRED, None
    if not outcome.route_to:
        return RouteState.NONE, None
    cap = (
        CountCap.objects.select_related("fund")
        .filter(track__program_id=task.campaign.program_id, track__name=outcome.route_to)
        .first()
    )
    if cap is None or cap.fund is None:
        return RouteState.RESERVED, None  # a track without a cap admits everyone
    try:
        admission = request_funds(cap.fund, subject=f"outreach.calltask:{task.pk}", amount=1, by=by)
    except IntakeClosed:
        return RouteState.INTAKE_CLOSED, None
    except LimitNotSet:
        return RouteState.LIMIT_NOT_SET, None
    state = RouteState.RESERVED if admission.reserved else RouteState.WAITING
    return state, admission.request


def _uuid(token: str | uuid.UUID | None) -> uuid.UUID | None:
    if isinstance(token, uuid.UUID):
        return token
    try:
        return uuid.UUID(str(token))
    except ValueError:
        return None
