"""The call results table (架電結果表, 000 §5(1)ア, §5(8)): the list with the results added.

One row per company in list order: the list's own columns as the registry holds them,
then the attempts, the final outcome, the person reached, the needs heard and the
routing. Rows are read in chunks by primary key (two queries a chunk), so a 50,000-row
table streams as CSV or is written to .xlsx in the background at an even pace.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from dxdesk.lib.background import run_after_commit
from dxdesk.outreach.models import (
    CallAttempt,
    CallTask,
    Campaign,
    ExportFormat,
    ExportJob,
    ExportStatus,
    RouteState,
    TaskState,
)
from dxdesk.outreach.playbook import Playbook, playbook_for
from dxdesk.outreach.schedule import TOKYO
from dxdesk.registry.importing import CALL_LIST_COLUMNS

CHUNK = 2000

LIST_COLUMNS = CALL_LIST_COLUMNS
RESULT_COLUMNS = (
    "架電状況",
    "架電回数",
    "不通回数",
    "架電履歴",
    "最終架電日時",
    "最終結果",
    "応対者",
    "会話内容",
    "ニーズ",
    "誘導先",
    "誘導結果",
)
HEADER = LIST_COLUMNS + RESULT_COLUMNS
COMPANY_FIELDS = (
    "ref",
    "corporate_number",
    "name",
    "name_kana",
    "address",
    "phone",
    "industry_code",
    "industry_text",
    "capital_yen",
    "employees",
    "representative",
    "email",
)


def _when(moment: Any) -> str:
    return moment.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") if moment else ""


def _destinations(campaign: Campaign, playbook: Playbook) -> dict[str, str]:
    """Outcome code → where it sends the company: a track's or a portal measure's title."""
    tracks = campaign.program.definition.tracks
    found: dict[str, str] = {}
    for code, outcome in playbook.outcomes.items():
        if outcome.route_to and outcome.route_to in tracks:
            found[code] = tracks[outcome.route_to].title
        elif outcome.refer_to and outcome.refer_to in playbook.measures:
            found[code] = playbook.measures[outcome.refer_to].title
    return found


def iter_result_rows(campaign: Campaign) -> Iterator[list[Any]]:
    """The table's rows without the header, in list order."""
    playbook = playbook_for(campaign)
    titles = {code: outcome.title for code, outcome in playbook.outcomes.items()}
    destinations = _destinations(campaign, playbook)
    states = dict(TaskState.choices)
    routes = dict(RouteState.choices)
    last_id = 0
    while True:
        tasks = list(
            CallTask.objects.filter(campaign=campaign, id__gt=last_id)
            .select_related("company")
            .only(
                "id",
                "state",
                "calls",
                "attempts",
                "last_called_at",
                "last_outcome",
                "route_state",
                *(f"company__{name}" for name in COMPANY_FIELDS),
            )
            .order_by("id")[:CHUNK]
        )
        if not tasks:
            return
        last_id = tasks[-1].pk
        history: dict[int, list[dict[str, Any]]] = {}
        for attempt in (
            CallAttempt.objects.filter(task_id__in=[task.pk for task in tasks])
            .order_by("task_id", "number")
            .values("task_id", "called_at", "outcome_title", "person_reached", "content", "needs")
        ):
            history.setdefault(attempt["task_id"], []).append(attempt)
        for task in tasks:
            yield _row(task, history.get(task.pk, []), titles, destinations, states, routes)


def _row(
    task: CallTask,
    calls: list[dict[str, Any]],
    titles: dict[str, str],
    destinations: dict[str, str],
    states: dict[str, str],
    routes: dict[str, str],
) -> list[Any]:
    company = task.company

    def latest(key: str) -> str:
        return next((call[key] for call in reversed(calls) if call[key]), "")

    closed = not task.is_queued
    return [
        company.ref,
        company.corporate_number,
        company.name,
        company.name_kana,
        company.address,
        company.phone,
        company.industry_text or company.industry_code,
        company.capital_yen,
        company.employees,
        company.representative,
        company.email,
        str(states.get(task.state, task.state)),
        task.calls,
        task.attempts,
        " / ".join(f"{_when(call['called_at'])} {call['outcome_title']}" for call in calls),
        _when(task.last_called_at),
        titles.get(task.last_outcome, task.last_outcome) if closed else "",
        latest("person_reached"),
        latest("content"),
        latest("needs"),
        destinations.get(task.last_outcome, "") if closed else "",
        str(routes.get(task.route_state, "")) if task.route_state else "",
    ]


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def stream_csv(campaign: Campaign, *, encoding: str = "utf-8") -> Iterator[bytes]:
    """CSV for Excel: UTF-8 with a BOM, or cp932 (characters it lacks become "?")."""
    if encoding == "utf-8":
        yield "\ufeff".encode()
    yield _csv_line(list(HEADER)).encode(encoding, errors="replace")
    lines: list[str] = []
    for row in iter_result_rows(campaign):
        lines.append(_csv_line(row))
        if len(lines) >= 500:
            yield "".join(lines).encode(encoding, errors="replace")
            lines.clear()
    if lines:
        yield "".join(lines).encode(encoding, errors="replace")


def log_streamed_export(campaign: Campaign, export_format: str, by: Any) -> ExportJob:
    """A streamed CSV leaves the same record as a background export (R-SEC-7)."""
    now = timezone.now()
    return ExportJob.objects.create(
        campaign=campaign,
        format=export_format,
        status=ExportStatus.DONE,
        total_rows=campaign.task_count,
        processed_rows=campaign.task_count,
        created_by=by,
        finished_at=now,
    )


def start_xlsx_export(campaign: Campaign, by: Any) -> ExportJob:
    """Create the job row and write the workbook in a thread once the row is committed."""
    job = ExportJob.objects.create(
        campaign=campaign,
        format=ExportFormat.XLSX,
        total_rows=campaign.task_count,
        created_by=by,
    )
    run_after_commit(write_xlsx_export, job.pk)
    return job


def start_path_export(campaign: Campaign, export_format: str, path: Path) -> ExportJob:
    """Write the table to `path` now (the command line's export), recorded like the others."""
    job = ExportJob.objects.create(
        campaign=campaign, format=export_format, total_rows=campaign.task_count
    )
    return write_export(job.pk, path)


def write_xlsx_export(job_id: int) -> ExportJob:
    return write_export(job_id)


def write_export(job_id: int, path: Path | None = None) -> ExportJob:
    """Write the job's table to a file, counting rows as it goes (the progress bar)."""
    job = ExportJob.objects.select_related("campaign__program", "campaign__track").get(pk=job_id)
    folder = Path(settings.FILE_STORE_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    target = path or folder / job.file_name
    try:
        if job.format == ExportFormat.XLSX:
            done = _write_xlsx(job, target)
        else:
            encoding = "cp932" if job.format == ExportFormat.CSV_CP932 else "utf-8"
            with target.open("wb") as handle:
                for chunk in stream_csv(job.campaign, encoding=encoding):
                    handle.write(chunk)
            done = job.campaign.task_count
    except Exception as error:
        job.status = ExportStatus.FAILED
        job.failure = f"{type(error).__name__}: {error}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "failure", "finished_at"])
        raise
    job.status = ExportStatus.DONE
    job.processed_rows = done
    job.total_rows = done
    job.stored_path = str(target)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "processed_rows", "total_rows", "stored_path", "finished_at"])
    return job


def _write_xlsx(job: ExportJob, target: Path) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("架電結果表")
    sheet.append(list(HEADER))
    done = 0
    for row in iter_result_rows(job.campaign):
        sheet.append(row)
        done += 1
        if done % CHUNK == 0:
            ExportJob.objects.filter(pk=job.pk).update(processed_rows=done)
    workbook.save(target)
    return done
