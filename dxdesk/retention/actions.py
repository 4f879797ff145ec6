"""`dispose`: erase personal and company data and issue the disposal certificate (R-SEC-6).

The order is what makes the certificate true:

1. Check the input and reserve the certificate's two files (refused if they exist), so a
   disposal never ends without somewhere to write what it did.
2. One database transaction: select what to erase (`selection.py`), count the anonymous
   tallies (`tallies.py`), delete children before parents — each deletion checked to
   have removed exactly the selected rows and nothing by an unplanned cascade — erase
   the audit trail when the disposal is full, write the certificate row with the sorted
   erased-object list and its SHA-256, and record the disposal in the audit trail.
3. Only after that commit, unlink the files. A file that cannot be unlinked is written on
   the certificate, never skipped in silence.
4. Rewrite what held the erased rows so the database files no longer carry them in free
   space (SQLite: VACUUM and a truncating WAL checkpoint; PostgreSQL: VACUUM FULL of the
   tables concerned).
5. Write the list (.txt) and the certificate (.pdf).

Deleting is logical: rows leave the tables and files leave the file system; the bytes
may remain on the medium, in database free space, WAL and backups until overwritten.
The certificate says so and what to do about the medium (see `certificate.py`).
"""

from __future__ import annotations

import datetime
import getpass
import hashlib
import logging
import os
import socket
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.erasure import TrailNotErased, describe_trail, erase_trail
from dxdesk.audit.models import AuditAction
from dxdesk.lib.dates import day_bounds
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company
from dxdesk.retention import tallies
from dxdesk.retention.certificate import write_certificate
from dxdesk.retention.inventory import INVENTORY
from dxdesk.retention.models import DisposalCertificate, DisposalScope, DisposalTally
from dxdesk.retention.selection import CHUNK, FileToErase, Selection, kind_of, select

logger = logging.getLogger(__name__)

# Who may order a disposal: the secretariat's supervisor (on the client's instruction)
# or IT. The command itself runs only on the server.
DISPOSERS = (Role.SUPERVISOR, Role.ADMIN)


class DisposalRefused(Exception):
    """Bad input, or a disposal that cannot be done as asked; nothing was erased."""


class DisposalIncomplete(Exception):
    """The data are erased but the certificate could not be written; issue it again."""


@dataclass
class DisposalResult:
    dry_run: bool
    counts: dict[str, int]
    files: int  # files erased (a dry run: files that would be)
    held_back: dict[str, int] = field(default_factory=dict)
    certificate: DisposalCertificate | None = None
    list_sha256: str = ""
    file_problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def files_left(self) -> list[dict[str, Any]]:
        """The problems that leave a file behind (not those of a file already gone)."""
        return [problem for problem in self.file_problems if problem["remains"]]


def dispose(
    scope: str,
    *,
    programme: str | None = None,
    before: datetime.date | None = None,
    dry_run: bool,
    operator: User,
    certificate: Path | None = None,
    keep_audit_trail: bool = False,
) -> DisposalResult:
    """Erase the scope's personal and company data and issue its certificate.

    `before` limits the disposal to records created before that day (Asia/Tokyo).
    A dry run reads, counts and returns; it writes nothing at all.
    """
    program = _check_scope(scope, programme)
    _check_operator(operator)
    if keep_audit_trail and (scope != DisposalScope.ALL or before is not None):
        raise DisposalRefused(
            "--keep-audit-trail applies to --scope all without --before only: any other "
            "disposal keeps the audit trail anyway"
        )
    since = day_bounds(before)[0] if before is not None else None
    if dry_run:
        if certificate is not None:
            _certificate_paths(certificate)
        selection = select(scope, program=program, before=since, keep_audit_trail=keep_audit_trail)
        return DisposalResult(
            True,
            selection.counts(),
            files=len({item.path for item in selection.all_files if item.in_store}),
            held_back=selection.held_back,
        )
    if connection.in_atomic_block:
        raise DisposalRefused("dispose commits its own transaction: call it outside any")
    pdf_path, list_path = _reserve(certificate)
    try:
        row, files = _erase_rows(scope, program, before, since, operator, keep_audit_trail)
    except BaseException:
        pdf_path.unlink(missing_ok=True)
        list_path.unlink(missing_ok=True)
        raise
    erased, problems = _erase_files(files)
    row.files_erased = erased
    row.file_problems = problems
    row.cleanup += _give_up_free_space(row)
    row.certificate_path = str(pdf_path)
    row.list_path = str(list_path)
    row.finished_at = timezone.now()
    row.save(
        update_fields=[
            "files_erased",
            "file_problems",
            "cleanup",
            "certificate_path",
            "list_path",
            "finished_at",
        ]
    )
    try:
        write_certificate(row, pdf_path, list_path)
    except OSError as error:
        raise DisposalIncomplete(
            f"the data are erased ({row}), but the certificate could not be written "
            f"({error}); issue it again with: dxdesk dispose --reissue {row.pk} "
            "--certificate FILE.pdf"
        ) from error
    return DisposalResult(
        False,
        row.counts,
        files=erased,
        held_back=row.held_back,
        certificate=row,
        list_sha256=row.list_sha256,
        file_problems=problems,
    )


def reissue(number: int, certificate: Path) -> DisposalCertificate:
    """Write a certificate and its list again from the kept row (to new files)."""
    row = DisposalCertificate.objects.select_related("operator").filter(pk=number).first()
    if row is None:
        raise DisposalRefused(f"no disposal certificate number {number}")
    pdf_path, list_path = _reserve(certificate)
    try:
        write_certificate(row, pdf_path, list_path)
    except BaseException:
        pdf_path.unlink(missing_ok=True)
        list_path.unlink(missing_ok=True)
        raise
    return row


# -- checks ------------------------------------------------------------------------------


def _check_scope(scope: str, programme: str | None) -> Program | None:
    if scope not in DisposalScope.values:
        raise DisposalRefused(f"--scope must be 'all' or 'programme', not {scope!r}")
    if scope == DisposalScope.ALL:
        if programme:
            raise DisposalRefused("--scope all takes no programme code")
        return None
    if not programme:
        raise DisposalRefused("--scope programme needs the programme's code")
    program = Program.objects.filter(code=programme).first()
    if program is None:
        known = ", ".join(Program.objects.values_list("code", flat=True)) or "none loaded"
        raise DisposalRefused(f"no programme with the code {programme!r} (known: {known})")
    return program


def _check_operator(operator: User) -> None:
    if not operator.is_active or not operator.has_role(*DISPOSERS):
        raise DisposalRefused(
            f"{operator.email} may not order a disposal: it needs an active account with the "
            "supervisor or admin role"
        )


def _certificate_paths(certificate: Path | None) -> tuple[Path, Path]:
    """The certificate's PDF and list paths, refused unless both can be created."""
    if certificate is None:
        raise DisposalRefused("--certificate FILE.pdf is required (except for a dry run)")
    pdf_path = Path(certificate).expanduser().absolute()
    if pdf_path.suffix.lower() != ".pdf":
        raise DisposalRefused(f"the certificate must be a .pdf file, not {certificate}")
    store = Path(settings.FILE_STORE_DIR).absolute()
    if pdf_path.resolve().is_relative_to(store.resolve()):
        raise DisposalRefused(
            f"the certificate cannot be written inside the file store ({store}): "
            "the disposal empties it"
        )
    if not pdf_path.parent.is_dir():
        raise DisposalRefused(f"the folder {pdf_path.parent} does not exist (--certificate)")
    list_path = pdf_path.with_suffix(".txt")
    for path in (pdf_path, list_path):
        if path.exists() or path.is_symlink():
            raise DisposalRefused(f"{path} already exists: choose another name (--certificate)")
    return pdf_path, list_path


def _reserve(certificate: Path | None) -> tuple[Path, Path]:
    """Create the certificate's PDF and list files empty, refusing to overwrite either."""
    pdf_path, list_path = _certificate_paths(certificate)
    created: list[Path] = []
    try:
        for path in (pdf_path, list_path):
            with path.open("xb"):
                created.append(path)
    except FileExistsError as error:
        for path in created:
            path.unlink(missing_ok=True)
        raise DisposalRefused(
            f"{error.filename} already exists: choose another name (--certificate)"
        ) from error
    except OSError as error:
        for path in created:
            path.unlink(missing_ok=True)
        raise DisposalRefused(f"cannot write {error.filename}: {error.strerror}") from error
    return pdf_path, list_path


# -- the database part -------------------------------------------------------------------


def _erase_rows(
    scope: str,
    program: Program | None,
    before: datetime.date | None,
    since: datetime.datetime | None,
    operator: User,
    keep_audit_trail: bool,
) -> tuple[DisposalCertificate, list[FileToErase]]:
    started_at = timezone.now()
    try:
        with _zeroing_deleted_content() as cleanup, transaction.atomic():
            selection = select(
                scope, program=program, before=since, keep_audit_trail=keep_audit_trail
            )
            row = DisposalCertificate.objects.create(
                scope=scope,
                program_code=program.code if program else "",
                programmes=_programmes(program),
                before=before,
                is_full=selection.is_full,
                started_at=started_at,
                committed_at=started_at,
                operator=operator,
                operator_email=operator.email,
                operator_name=operator.full_name,
                operator_role=operator.primary_role or "",
                machine_user=_machine_user(),
                machine_host=socket.gethostname()[:255],
                database=_database(),
                list_sha256="",
                erased_list=b"",
            )
            rows = tallies.count(selection)
            for tally in rows:
                tally.certificate = row
            DisposalTally.objects.bulk_create(rows)
            temporary_indexes = _index_references(selection)
            for model, ids in selection.rows.items():
                _delete(model, ids)
            _drop_indexes(temporary_indexes)
            lines = selection.lines()
            if selection.erases_audit_trail:
                trail = erase_trail()
                row.audit_trail = trail.as_record()
                lines += [f"audit.auditevent:{pk}" for pk in trail.event_ids]
            else:
                row.audit_trail = describe_trail()
            cleanup += _optimise_search_index(selection)
            files = selection.all_files
            counts = selection.counts()
            text = "".join(f"{line}\n" for line in sorted(lines))
            row.counts = counts
            row.erased_total = sum(counts.values())
            row.list_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
            row.list_lines = len(lines)
            row.erased_list = zlib.compress(text.encode("utf-8"), 9)
            row.kept = _kept()
            row.held_back = selection.held_back
            row.cleanup = cleanup
            row.committed_at = timezone.now()
            row.save()
            record_event(
                operator,
                AuditAction.DELETE,
                row,
                rows=row.erased_total,
                note=(
                    f"dispose scope={scope} programme={row.program_code or '-'} "
                    f"before={before or '-'} sha256={row.list_sha256}"
                ),
            )
    except (ProtectedError, RestrictedError) as error:
        blocking_rows = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        blocking = sorted({kind_of(type(obj)) for obj in blocking_rows})
        raise DisposalRefused(
            f"nothing was erased: rows of {', '.join(blocking)} that stay still refer to "
            "rows to erase"
        ) from error
    except IntegrityError as error:
        raise DisposalRefused(
            f"nothing was erased: a row that stays still refers to a row to erase ({error})"
        ) from error
    except TrailNotErased as error:
        raise DisposalRefused(
            f"nothing was erased: {error}. Run it as the tables' owner, or keep the trail "
            "with --keep-audit-trail (the certificate then says it was kept)"
        ) from error
    return row, files


def _index_references(selection: Selection) -> list[str]:
    """Index, for this transaction only, each foreign key column that points at a table
    rows are deleted from and has no index of its own (such as `Company.merged_into`).

    The database checks every deleted row against each referencing column; without an
    index that is a scan of the whole table per row, hours for a registry of 50,000
    companies. The indexes are dropped before the commit (and by any rollback).
    """
    targets = {model for model, ids in selection.rows.items() if ids}
    created: list[str] = []
    indexed: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            for field in model._meta.concrete_fields:
                relation = field.remote_field
                if relation is None or relation.model not in targets or field.column is None:
                    continue
                table, column = model._meta.db_table, field.column
                if table not in indexed:
                    constraints = connection.introspection.get_constraints(cursor, table)
                    indexed[table] = {
                        constraint["columns"][0]
                        for constraint in constraints.values()
                        if constraint["columns"]
                        and (
                            constraint["index"] or constraint["unique"] or constraint["primary_key"]
                        )
                    }
                if column in indexed[table]:
                    continue
                name = "disposal_" + hashlib.sha256(f"{table}.{column}".encode()).hexdigest()[:20]
                quote = connection.ops.quote_name
                cursor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")
                indexed[table].add(column)
                created.append(name)
    return created


def _drop_indexes(names: list[str]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL checks deferred foreign keys at COMMIT, once per deleted row: run
            # those checks now, while the indexes are still there.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name in names:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


class UnplannedDeletion(DisposalRefused):
    pass


def _delete(model: type[models.Model], ids: list[Any]) -> None:
    """Delete exactly these rows; refuse (and so roll back) if anything else would go."""
    if not ids:
        return
    if model is Company:
        # The merged records go too; their link to the survivor would PROTECT it.
        for start in range(0, len(ids), CHUNK):
            Company._base_manager.filter(
                pk__in=ids[start : start + CHUNK], merged_into__isnull=False
            ).update(merged_into=None)
    label = model._meta.label
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        _total, per_model = model._base_manager.filter(pk__in=ids[start : start + CHUNK]).delete()
        for other, number in per_model.items():
            if other == label:
                deleted += number
            elif number and not apps.get_model(other)._meta.auto_created:
                raise UnplannedDeletion(
                    f"nothing was erased: deleting {kind_of(model)} would also delete {number} "
                    f"rows of {other} that the disposal did not select; add them to "
                    "dxdesk/retention/selection.py and inventory.py"
                )
    if deleted != len(ids):
        raise DisposalRefused(
            f"nothing was erased: {len(ids)} rows of {kind_of(model)} were selected but "
            f"{deleted} deleted — the data changed meanwhile; stop the service and run it again"
        )


def _programmes(program: Program | None) -> list[list[str]]:
    programs = [program] if program else list(Program.objects.order_by("code"))
    return [[p.code, p.title, p.client] for p in programs]


def _kept() -> dict[str, int]:
    """Rows left of every kind the inventory keeps some of."""
    kept: dict[str, int] = {}
    for label, treatment in INVENTORY.items():
        if treatment.kept:
            kept[label] = apps.get_model(label)._base_manager.count()
    return kept


def _machine_user() -> str:
    try:
        return getpass.getuser()[:100]
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _database() -> str:
    details = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {details['NAME']}"
    host = details.get("HOST") or "local socket"
    port = f":{details['PORT']}" if details.get("PORT") else ""
    return f"PostgreSQL {details['NAME']} ({host}{port})"


# -- the database's free space -----------------------------------------------------------


@contextmanager
def _zeroing_deleted_content() -> Iterator[list[str]]:
    """SQLite: overwrite deleted content with zeros as it is freed (secure_delete), for
    the disposal's transaction only; the notes it yields go on the certificate."""
    if connection.vendor != "sqlite":
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA secure_delete = ON")
    try:
        yield ["SQLite: secure_delete を有効にして削除（削除した行の領域をゼロで上書き）"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA secure_delete = {before}")


def _optimise_search_index(selection: Selection) -> list[str]:
    """SQLite's FTS5 keeps deleted search keys in its segments until they are merged."""
    if connection.vendor != "sqlite" or not selection.ids(Company):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_company_search(registry_company_search) VALUES('optimize')"
        )
    return ["SQLite: 企業検索の索引（FTS5）を再構成（optimize）し、削除した企業の索引語を除去"]


def _give_up_free_space(row: DisposalCertificate) -> list[str]:
    """After the commit, rewrite what held the erased rows so the database files no longer
    carry them in free space: SQLite rebuilds the file (VACUUM) and empties its WAL;
    PostgreSQL rewrites each table concerned into new files (VACUUM FULL).

    Both need the service stopped (they wait for, or are refused by, other connections);
    a failure is written on the certificate, never fatal: the rows are already erased.
    """
    notes: list[str] = []
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("VACUUM")
                notes.append("SQLite: データベースファイルを再構成（VACUUM）し、空き領域を除去")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _log, _done = cursor.fetchone()
                if busy:
                    notes.append(
                        "SQLite: WAL のチェックポイントは他の接続があり完了せず（再実行が必要）"
                    )
                else:
                    notes.append(
                        "SQLite: WAL をデータベースに書き戻して切り詰め（wal_checkpoint TRUNCATE）"
                    )
                return notes
            tables = _tables_of(row.counts)
            if not tables:
                return notes
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"VACUUM (FULL, ANALYZE) {quoted}")
            notes.append(
                f"PostgreSQL: 削除した行を含む {len(tables)} 表を新しいファイルに書き直し"
                "（VACUUM FULL）"
            )
    except Exception as error:
        logger.exception("freeing space after the disposal failed")
        notes.append(f"消去後の領域の回収に失敗（{type(error).__name__}: {error}）")
    return notes


def _tables_of(counts: dict[str, int]) -> list[str]:
    """The tables of the erased kinds, with the many-to-many tables that went with them."""
    tables: set[str] = set()
    for label in counts:
        if "." not in label:
            continue
        model = apps.get_model(label)
        tables.add(model._meta.db_table)
        for relation in model._meta.many_to_many:
            through = relation.remote_field.through  # type: ignore[union-attr]
            if through._meta.auto_created:
                tables.add(through._meta.db_table)
    return sorted(tables)


# -- files -------------------------------------------------------------------------------


def _erase_files(files: list[FileToErase]) -> tuple[int, list[dict[str, Any]]]:
    """Unlink each file once (two rows may name one file); report every one left."""
    erased = 0
    problems: list[dict[str, Any]] = []
    directories: set[Path] = set()
    done: set[Path] = set()
    for item in files:
        if item.path in done:
            continue
        done.add(item.path)
        if not item.in_store:
            problems.append(
                _problem(
                    item,
                    "ファイル保存領域の外に書き出されたため消去していません（手作業で消去すること）",
                    remains=item.path.exists(),
                )
            )
            continue
        try:
            item.path.unlink()
        except FileNotFoundError:
            problems.append(
                _problem(item, "消去の時点でファイルが存在しませんでした", remains=False)
            )
        except OSError as error:
            problems.append(
                _problem(item, f"消去できませんでした（{error.strerror}）", remains=True)
            )
        else:
            erased += 1
            directories.add(item.path.parent)
    for directory in sorted(directories):
        try:
            descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError:
            logger.exception("could not sync %s after erasing files", directory)
    return erased, problems


def _problem(item: FileToErase, problem: str, *, remains: bool) -> dict[str, Any]:
    logger.error("disposal: %s %s: %s", item.line, item.path, problem)
    return {"object": item.line, "path": str(item.path), "problem": problem, "remains": remains}
