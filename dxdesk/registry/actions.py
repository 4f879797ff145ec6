"""Writes to the registry that touch many rows: importing a call list."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.lib.background import run_after_commit
from dxdesk.lib.bulk import bulk_writing, fetch_values, insert_rows, values_subquery
from dxdesk.lib.pipeline import garbage_collection_paused, write_behind
from dxdesk.registry.duplicates import count_import_duplicates
from dxdesk.registry.importing import CompanyRow, RowProblem, Table, iter_company_rows
from dxdesk.registry.models import (
    DERIVED_FIELDS,
    Company,
    ImportJob,
    ImportStatus,
    derived_values,
)

if TYPE_CHECKING:
    from dxdesk.accounts.models import User

# Fields an import may set; derived search keys follow from them.
IMPORTED_FIELDS = (
    "ref",
    "corporate_number",
    "name",
    "name_kana",
    "address",
    "postal_code",
    "phone",
    "industry_code",
    "industry_text",
    "capital_yen",
    "employees",
    "representative",
    "email",
    "sole_proprietor",
)

ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportSummary:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({problem.row for problem in self.problems if problem.rejected})

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def import_companies(
    table: Table,
    *,
    dry_run: bool = False,
    job: ImportJob | None = None,
    on_progress: ProgressCallback | None = None,
    by: User | None = None,
    source: str = "",
) -> ImportSummary:
    """Import every valid row of `table`; report each invalid one.

    Rows are written in chunks, each in its own transaction, so a large list never
    holds SQLite's single write lock for long. Re-running the same file changes
    nothing (rows match on 法人番号, else on 管理番号), so an interrupted import is
    finished by running it again. A dry run validates and matches without writing.
    Chunks are written behind the reading (`write_behind`): while one chunk goes into
    the database the next is read and its keys computed.

    A real import is recorded in the audit trail as one change of the registry with
    its counts (`by` and `source` say who and which file; a web import's job says it
    itself), also when it stops half-way.
    """
    summary = ImportSummary(total_rows=table.total_rows)
    finished = False
    try:
        _import_rows(table, summary, dry_run=dry_run, job=job, on_progress=on_progress)
        finished = True
    finally:
        if not dry_run:
            _record_import(
                summary,
                by=by or (job.started_by if job is not None else None),
                source=source or (job.file_name if job is not None else ""),
                finished=finished,
            )
    return summary


def _record_import(summary: ImportSummary, *, by: User | None, source: str, finished: bool) -> None:
    counts = (
        f"新規 {summary.created:,}、更新 {summary.updated:,}、変更なし {summary.unchanged:,}、"
        f"不採用 {summary.rejected:,}"
    )
    record_event(
        by,
        AuditAction.CHANGE,
        Company,
        fields=IMPORTED_FIELDS,
        rows=summary.created + summary.updated,
        note=f"取込 {source}: {counts}" + ("" if finished else "（途中で停止）"),
    )


def _import_rows(
    table: Table,
    summary: ImportSummary,
    *,
    dry_run: bool,
    job: ImportJob | None,
    on_progress: ProgressCallback | None,
) -> None:
    seen_numbers: dict[str, int] = {}
    seen_refs: dict[str, int] = {}
    chunk: list[_PreparedRow] = []
    processed = 0
    chunk_size = settings.IMPORT_CHUNK_ROWS

    def write(batch: _Chunk) -> None:
        if batch.rows:
            _write_chunk(batch.rows, summary, dry_run=dry_run, job=job, processed=batch.processed)
        if on_progress:
            on_progress(batch.processed, summary.total_rows)

    with garbage_collection_paused(), write_behind(write, around=bulk_writing) as submit:
        for parsed in iter_company_rows(table):
            processed += 1
            if isinstance(parsed, list):
                summary.problems.extend(parsed)
                continue
            duplicate = _earlier_row(parsed, seen_numbers, seen_refs)
            if duplicate is not None:
                summary.problems.append(duplicate)
                continue
            summary.problems.extend(parsed.notes)
            chunk.append((parsed, _new_company(parsed)))
            if len(chunk) >= chunk_size:
                submit(_Chunk(chunk, processed))
                chunk = []
        submit(_Chunk(chunk, processed))


# A parsed row with the NEW_COMPANY_FIELDS it would be created with, computed while the
# previous chunk is being written.
_PreparedRow = tuple[CompanyRow, tuple[Any, ...]]


@dataclass
class _Chunk:
    rows: list[_PreparedRow]
    processed: int  # rows of the table read so far, this chunk's included


def _earlier_row(
    row: CompanyRow, seen_numbers: dict[str, int], seen_refs: dict[str, int]
) -> RowProblem | None:
    if row.corporate_number:
        earlier = seen_numbers.setdefault(row.corporate_number, row.row)
        if earlier != row.row:
            return RowProblem(
                row.row,
                "法人番号",
                f"同じ法人番号が{earlier}行目にもあります",
                row.corporate_number,
            )
    if row.ref:
        earlier = seen_refs.setdefault(row.ref, row.row)
        if earlier != row.row:
            return RowProblem(
                row.row, "管理番号", f"同じ管理番号が{earlier}行目にもあります", row.ref
            )
    return None


def _write_chunk(
    rows: list[_PreparedRow],
    summary: ImportSummary,
    *,
    dry_run: bool,
    job: ImportJob | None,
    processed: int,
) -> None:
    with transaction.atomic():
        by_number = _stored("corporate_number", [row.corporate_number for row, _ in rows])
        by_ref = _stored("ref", [row.ref for row, _ in rows])
        to_create: list[tuple[Any, ...]] = []
        changes: dict[int, dict[str, Any]] = {}
        for row, new_values in rows:
            stored = by_number.get(row.corporate_number) if row.corporate_number else None
            if stored is None and row.ref:
                stored = by_ref.get(row.ref)
            if stored is None:
                to_create.append(new_values)
            elif changed := _changes(stored, row):
                changes[stored[0]] = changed
            else:
                summary.unchanged += 1
        summary.created += len(to_create)
        summary.updated += len(changes)
        if dry_run:
            return
        insert_rows(Company, NEW_COMPANY_FIELDS, to_create)
        _update(changes)
        if job is not None:
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=processed,
                created_count=summary.created,
                updated_count=summary.updated,
                unchanged_count=summary.unchanged,
            )


NEW_COMPANY_FIELDS = (*IMPORTED_FIELDS, *DERIVED_FIELDS)
_imported_values = operator.attrgetter(*IMPORTED_FIELDS)


def _new_company(row: CompanyRow) -> tuple[Any, ...]:
    """The NEW_COMPANY_FIELDS of a company created from `row`, as Company.save would set them.

    Building the tuple directly skips Model.__init__ and the per-field value lookups of
    bulk_create, about a fifth of an import's time.
    """
    return _imported_values(row) + derived_values(
        name=row.name,
        name_kana=row.name_kana,
        phone=row.phone,
        address=row.address,
        industry_code=row.industry_code,
        capital_yen=row.capital_yen,
        employees=row.employees,
        sole_proprietor=row.sole_proprietor,
    )


# What an import compares a row with: the primary key, then IMPORTED_FIELDS.
_STORED_COLUMNS = ("pk", *IMPORTED_FIELDS)
_StoredValues = tuple[Any, ...]


def _stored(field_name: str, values: list[str]) -> dict[str, _StoredValues]:
    """The stored companies whose 法人番号 or 管理番号 (field_name) is one of `values`,
    as _STORED_COLUMNS tuples by that value. Tuples, not models: most rows of a list
    that is imported again have not changed, and building a model costs more than the
    comparison."""
    wanted = [value for value in values if value]
    if not wanted:
        return {}
    position = _STORED_COLUMNS.index(field_name)
    # Excluding blanks lets both databases use the partial unique index on the field.
    found = fetch_values(
        Company.objects.filter(**{f"{field_name}__in": values_subquery(wanted)})
        .exclude(**{field_name: ""})
        .order_by()
        .values_list(*_STORED_COLUMNS)
    )
    return {stored[position]: stored for stored in found}


def _changes(stored: _StoredValues, row: CompanyRow) -> dict[str, Any]:
    """The row's values that differ from the stored company's.

    An empty cell never erases what the registry already knows, and a company with a
    法人番号 is a corporation whatever the list says of 個人事業主.
    """
    has_number = bool(row.corporate_number or stored[_NUMBER_POSITION])
    changed = {}
    for position, name in enumerate(IMPORTED_FIELDS, start=1):
        value = getattr(row, name)
        if value in ("", None) or (name == "sole_proprietor" and has_number):
            continue
        if stored[position] != value:
            changed[name] = value
    return changed


_NUMBER_POSITION = _STORED_COLUMNS.index("corporate_number")


def _update(changes: dict[int, dict[str, Any]]) -> None:
    """Apply each company's changes with its derived keys, in a few statements."""
    if not changes:
        return
    companies = Company.objects.in_bulk(list(changes))
    now = timezone.now()
    for pk, changed in changes.items():
        company = companies[pk]
        for name, value in changed.items():
            setattr(company, name, value)
        company.refresh_derived_fields()
        company.updated_at = now
    Company.objects.bulk_update(
        list(companies.values()), [*IMPORTED_FIELDS, *DERIVED], batch_size=500
    )


DERIVED = (*DERIVED_FIELDS, "updated_at")


def start_import_job(job: ImportJob, table: Table) -> None:
    """Run a web upload's import in the background once the job row is committed."""
    run_after_commit(run_import_job, job.pk, table)


def run_import_job(job_id: int, table: Table) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    job.status = ImportStatus.RUNNING
    job.total_rows = table.total_rows
    job.detected_format = table.format
    job.save(update_fields=["status", "total_rows", "detected_format"])
    try:
        summary = import_companies(table, dry_run=job.dry_run, job=job)
        job.duplicate_count = count_import_duplicates(job)
    except Exception as error:
        job.status = ImportStatus.FAILED
        job.failure = f"{type(error).__name__}: {error}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "failure", "finished_at"])
        raise
    finish_import_job(job, summary)
    return job


def finish_import_job(job: ImportJob, summary: ImportSummary) -> None:
    job.status = ImportStatus.DONE
    job.processed_rows = summary.total_rows
    job.created_count = summary.created
    job.updated_count = summary.updated
    job.unchanged_count = summary.unchanged
    job.rejected_count = summary.rejected
    job.rejections = [problem.as_dict() for problem in summary.problems]
    job.finished_at = timezone.now()
    job.save()


def problems_as_csv_rows(problems: Iterable[RowProblem]) -> list[list[str]]:
    header = ["行", "列", "理由", "値", "扱い"]
    body = [
        [
            str(problem.row),
            problem.column,
            problem.reason,
            problem.value,
            "不採用" if problem.rejected else "値を除いて取込",
        ]
        for problem in problems
    ]
    return [header, *body]


def store_upload(name: str, chunks: Iterable[bytes]) -> Path:
    """Keep an uploaded list outside the web root under a random name."""
    import secrets

    folder = Path(settings.FILE_STORE_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(name).suffix.lower()[:10]
    path = folder / f"{secrets.token_hex(16)}{suffix}"
    with path.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return path
