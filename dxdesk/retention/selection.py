"""Which rows and files a disposal erases: the rule of each scope, in one place.

`--scope all` erases every record of personal and company data (created before
`--before`, when given), and the files in the store that no row accounts for (with a
date, those last written before it). `--scope programme CODE` erases the programme's applications
(of all its tracks) and call campaigns (created before `--before`, when given), with
everything that hangs from them: attachments and their files, timelines, messages, call
tasks, call attempts, exports and their files, and the call lists imported for those
campaigns when no other campaign uses them.

Around those records, in both scopes:

- an applicant account is erased when it is in the scope (`all`: created before the
  date; `programme`: it made one of the erased applications) and no application that
  stays names it; its users go with it unless they hold a secretariat role;
- a company is erased when it is in the scope (`all`: created before the date;
  `programme`: an erased application, call task or applicant account names it) and
  nothing that stays refers to it — no application, call task or applicant account of
  any programme, nor a row of any other model with a foreign key to it (found through the
  model metadata, so a model added later counts without being named here). Its contacts,
  名寄せ candidates and merge records go with it, and so do the records merged into it;
  a company that stays and was merged into one keeps that one too. A company shared
  with another programme is therefore kept whole, contacts included, and counted as
  held back on the certificate: the other programme's own disposal erases it;
- `all` also erases every account without a secretariat role (joined before the date)
  that belongs to no applicant account that stays.

Rows of accounts, sign-in records and Django's own tables follow the accounts: their
TOTP devices, sessions, django-axes records (by user name) and admin-site log entries
(also those about any erased object). The full disposal (`all` without a date) empties
the session and sign-in tables, erases every admin-site log entry except those about
records it keeps (programme definitions, staff accounts…), and the audit trail with the
monthly handling reports unless the audit trail is to be kept.

Everything is read before anything is deleted; ids are materialised as sorted lists.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import STAFF_ROLES
from dxdesk.audit.models import AuditEvent
from dxdesk.files.models import StoredFile, relative_path_for
from dxdesk.grants.models import (
    Applicant,
    ApplicantMember,
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationMessage,
)
from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, ExportJob
from dxdesk.programs.models import Program
from dxdesk.registry.merging import company_relations
from dxdesk.registry.models import Company, CompanyMerge, Contact, DuplicateCandidate, ImportJob
from dxdesk.reporting.models import MonthlyPrivacyReport
from dxdesk.retention.inventory import INVENTORY
from dxdesk.retention.models import DisposalScope

# The erased-object list's kind for a file in the store that no row accounts for.
ORPHAN_KIND = "file"

# Ids per query: under SQLite's and PostgreSQL's limits on parameters, large enough to be quick.
CHUNK = 900

# Children before parents, so that no PROTECT stands in the way and no row goes by a
# cascade the plan did not list.
DELETION_ORDER: tuple[type[models.Model], ...] = (
    ApplicationMessage,
    ApplicationEvent,
    ApplicationAttachment,
    Application,
    StoredFile,
    ExportJob,
    CallAttempt,
    CallTask,
    Campaign,
    ImportJob,
    ApplicantMember,
    Applicant,
    CompanyMerge,
    DuplicateCandidate,
    Contact,
    Company,
    TOTPDevice,
    LogEntry,
    Session,
    AccessAttemptExpiration,
    AccessAttempt,
    AccessFailureLog,
    AccessLog,
    User,
    MonthlyPrivacyReport,
)


def kind_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


@dataclass(frozen=True)
class FileToErase:
    line: str  # the erased object the file belongs to ("files.storedfile:12")
    path: Path
    in_store: bool


@dataclass
class Selection:
    scope: str
    program: Program | None
    before: datetime.datetime | None
    keep_audit_trail: bool
    rows: dict[type[models.Model], list[Any]] = field(default_factory=dict)
    files: list[FileToErase] = field(default_factory=list)
    audit_events: int = 0  # events the full disposal will erase (0: the trail is kept)
    # Rows in the scope kept because something that stays still refers to them.
    held_back: dict[str, int] = field(default_factory=dict)
    # Files in the store that no row accounts for (`all` only).
    orphans: list[FileToErase] = field(default_factory=list)

    @property
    def is_full(self) -> bool:
        return self.scope == DisposalScope.ALL and self.before is None

    @property
    def erases_audit_trail(self) -> bool:
        return self.is_full and not self.keep_audit_trail

    def ids(self, model: type[models.Model]) -> list[Any]:
        return self.rows.get(model, [])

    @property
    def all_files(self) -> list[FileToErase]:
        return [*self.files, *self.orphans]

    def counts(self) -> dict[str, int]:
        counts = {kind_of(model): len(ids) for model, ids in self.rows.items() if ids}
        if self.audit_events:
            counts[kind_of(AuditEvent)] = self.audit_events
        if self.orphans:
            counts[ORPHAN_KIND] = len(self.orphans)
        return counts

    def lines(self) -> list[str]:
        """The erased-object list, but for the audit events (listed as they are erased)."""
        return [
            *(object_line(model, pk) for model, ids in self.rows.items() for pk in ids),
            *(item.line for item in self.orphans),
        ]


def object_line(model: type[models.Model], pk: Any) -> str:
    # A session key is a credential, even a dead one: the list names it by its hash.
    if model is Session:
        pk = hashlib.sha256(str(pk).encode()).hexdigest()[:32]
    return f"{kind_of(model)}:{pk}"


def select(
    scope: str,
    *,
    program: Program | None,
    before: datetime.datetime | None,
    keep_audit_trail: bool = False,
) -> Selection:
    selection = Selection(scope, program, before, keep_audit_trail)
    applications = _in_scope(Application, Q(track__program=program) if program else None, before)
    campaigns = _in_scope(Campaign, Q(program=program) if program else None, before)
    tasks = CallTask._base_manager.filter(campaign__in=campaigns)
    attachments = ApplicationAttachment._base_manager.filter(application__in=applications)

    applicant_candidates, applicants = _applicants(scope, applications, before)
    applicant_ids = _materialise(applicants)
    user_ids = _users(scope, applicant_ids, before)
    company_candidates, company_ids = _companies(scope, applications, tasks, applicant_ids, before)
    held_back = {
        kind_of(Applicant): len(set(_materialise(applicant_candidates)) - set(applicant_ids)),
        kind_of(Company): len(company_candidates - set(company_ids)),
    }
    selection.held_back = {kind: number for kind, number in held_back.items() if number}
    import_jobs = _import_jobs(scope, campaigns, before)
    stored_files = _stored_files(scope, attachments, before)

    rows = selection.rows
    rows[ApplicationMessage] = _materialise(
        ApplicationMessage._base_manager.filter(application__in=applications)
    )
    rows[ApplicationEvent] = _materialise(
        ApplicationEvent._base_manager.filter(application__in=applications)
    )
    rows[ApplicationAttachment] = _materialise(attachments)
    rows[Application] = _materialise(applications)
    rows[StoredFile] = _materialise(stored_files)
    rows[ExportJob] = _materialise(ExportJob._base_manager.filter(campaign__in=campaigns))
    rows[CallAttempt] = _materialise(
        CallAttempt._base_manager.filter(Q(task__in=tasks) | Q(campaign__in=campaigns))
    )
    rows[CallTask] = _materialise(tasks)
    rows[Campaign] = _materialise(campaigns)
    rows[ImportJob] = _materialise(import_jobs)
    rows[ApplicantMember] = sorted(
        set(_ids_where(ApplicantMember, "applicant_id", applicant_ids))
        | set(_ids_where(ApplicantMember, "user_id", user_ids))
    )
    rows[Applicant] = applicant_ids
    rows[CompanyMerge] = sorted(
        set(_ids_where(CompanyMerge, "survivor_id", company_ids))
        | set(_ids_where(CompanyMerge, "merged_id", company_ids))
    )
    rows[DuplicateCandidate] = sorted(
        set(_ids_where(DuplicateCandidate, "first_id", company_ids))
        | set(_ids_where(DuplicateCandidate, "second_id", company_ids))
    )
    rows[Contact] = sorted(_ids_where(Contact, "company_id", company_ids))
    rows[Company] = company_ids
    rows[TOTPDevice] = sorted(_ids_where(TOTPDevice, "user_id", user_ids))
    rows[User] = user_ids
    _add_sign_in_records(selection, user_ids)
    rows[LogEntry] = _log_entries(selection)
    if selection.erases_audit_trail:
        rows[MonthlyPrivacyReport] = _materialise(MonthlyPrivacyReport.objects.all())
        selection.audit_events = AuditEvent.objects.count()
    selection.rows = {model: rows[model] for model in DELETION_ORDER if model in rows}
    selection.files = _files(selection)
    if scope == DisposalScope.ALL:
        selection.orphans = _orphans(selection)
    return selection


def _in_scope(
    model: type[models.Model], condition: Q | None, before: datetime.datetime | None
) -> QuerySet[Any]:
    rows = model._base_manager.all()
    if condition is not None:
        rows = rows.filter(condition)
    if before is not None:
        rows = rows.filter(created_at__lt=before)
    return rows


def _applicants(
    scope: str, applications: QuerySet[Application], before: datetime.datetime | None
) -> tuple[QuerySet[Applicant], QuerySet[Applicant]]:
    """The applicant accounts in the scope, and those of them to erase."""
    if scope == DisposalScope.ALL:
        candidates = _in_scope(Applicant, None, before)
    else:
        candidates = Applicant._base_manager.filter(
            pk__in=applications.filter(applicant__isnull=False).values("applicant_id")
        )
    named_by_kept = (
        Application._base_manager.exclude(pk__in=applications.values("pk"))
        .filter(applicant__isnull=False)
        .values("applicant_id")
    )
    return candidates, candidates.exclude(pk__in=named_by_kept)


def _users(scope: str, applicant_ids: list[int], before: datetime.datetime | None) -> list[int]:
    """Accounts without a secretariat role: members of erased applicant accounts and,
    for `all`, every such account not belonging to an applicant account that stays."""
    staff = set(
        User._base_manager.filter(
            Q(groups__name__in=STAFF_ROLES) | Q(is_staff=True) | Q(is_superuser=True)
        ).values_list("pk", flat=True)
    )
    users = set(_values_where(ApplicantMember, "user_id", "applicant_id", applicant_ids))
    if scope == DisposalScope.ALL:
        accounts = User._base_manager.all()
        if before is not None:
            accounts = accounts.filter(date_joined__lt=before)
        erased_applicants = set(applicant_ids)
        kept_members = {
            user_id
            for user_id, applicant_id in ApplicantMember._base_manager.values_list(
                "user_id", "applicant_id"
            )
            if applicant_id not in erased_applicants
        }
        users |= set(accounts.values_list("pk", flat=True)) - kept_members
    return sorted(users - staff)


def _companies(
    scope: str,
    applications: QuerySet[Application],
    tasks: QuerySet[CallTask],
    applicant_ids: list[int],
    before: datetime.datetime | None,
) -> tuple[set[int], list[int]]:
    """The companies in the scope, and those of them to erase."""
    if scope == DisposalScope.ALL:
        candidates = set(_in_scope(Company, None, before).values_list("pk", flat=True))
    else:
        candidates = set(applications.values_list("company_id", flat=True))
        candidates |= set(tasks.values_list("company_id", flat=True))
        candidates |= {
            company_id
            for company_id in _values_where(Applicant, "company_id", "pk", applicant_ids)
            if company_id is not None
        }
    erased_rows: dict[type[models.Model], QuerySet[Any] | list[int]] = {
        Application: applications,
        CallTask: tasks,
        Applicant: applicant_ids,
    }
    blocked: set[int] = set()
    for relation in company_relations():
        if relation.model is Company or relation.field.remote_field.on_delete is models.CASCADE:
            continue  # merges are followed below; cascading rows go with their company
        blocked |= _referenced_by_kept(
            relation.model, relation.field, erased_rows.get(relation.model)
        )
    merged_into = dict(
        Company._base_manager.filter(merged_into__isnull=False).values_list("pk", "merged_into_id")
    )
    forced: set[int] = set()
    while True:
        erased = (candidates - blocked) - forced
        # Records merged into an erased company are the same company.
        grown = True
        while grown:
            more = {
                pk
                for pk, target in merged_into.items()
                if target in erased and pk not in erased and pk not in blocked
            }
            erased |= more
            grown = bool(more)
        # A company that stays keeps the one it was merged into (PROTECT).
        kept_targets = {
            target for pk, target in merged_into.items() if pk not in erased and target in erased
        }
        if not kept_targets:
            return candidates, sorted(erased)
        forced |= kept_targets


def _referenced_by_kept(
    model: type[models.Model], field: Any, erased: QuerySet[Any] | list[int] | None
) -> set[int]:
    rows = model._base_manager.filter(**{f"{field.name}__isnull": False})
    if erased is None:
        return set(rows.values_list(field.attname, flat=True).distinct())
    if isinstance(erased, list):
        erased_ids = set(erased)
        return {
            company_id
            for pk, company_id in rows.values_list("pk", field.attname)
            if pk not in erased_ids
        }
    return set(rows.exclude(pk__in=erased.values("pk")).values_list(field.attname, flat=True))


def _import_jobs(
    scope: str, campaigns: QuerySet[Campaign], before: datetime.datetime | None
) -> QuerySet[ImportJob]:
    """Call lists: `all` takes every one (before the date); a programme the lists of its
    campaigns. Either way not one that a campaign which stays was made from."""
    if scope == DisposalScope.ALL:
        jobs = _in_scope(ImportJob, None, before)
    else:
        jobs = ImportJob._base_manager.filter(
            pk__in=campaigns.filter(import_job__isnull=False).values("import_job_id")
        )
    used_by_kept = (
        Campaign._base_manager.exclude(pk__in=campaigns.values("pk"))
        .filter(import_job__isnull=False)
        .values("import_job_id")
    )
    return jobs.exclude(pk__in=used_by_kept)


def _stored_files(
    scope: str, attachments: QuerySet[ApplicationAttachment], before: datetime.datetime | None
) -> QuerySet[StoredFile]:
    of_attachments = StoredFile._base_manager.filter(pk__in=attachments.values("stored_file_id"))
    if scope != DisposalScope.ALL:
        return of_attachments
    kept = ApplicationAttachment._base_manager.exclude(pk__in=attachments.values("pk"))
    # Under `all`, also files no attachment refers to (an upload whose application failed).
    return (
        _in_scope(StoredFile, None, before).exclude(pk__in=kept.values("stored_file_id"))
        | of_attachments
    )


def _add_sign_in_records(selection: Selection, user_ids: list[int]) -> None:
    rows = selection.rows
    if selection.is_full:
        rows[Session] = sorted(Session.objects.values_list("pk", flat=True))
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            rows[model] = _materialise(model._base_manager.all())
    else:
        erased = set(user_ids)
        rows[Session] = sorted(
            session.pk
            for session in Session.objects.iterator(chunk_size=2000)
            if _session_user(session) in erased
        )
        names = {email.lower() for email in _values_where(User, "email", "pk", user_ids)}
        # `all` with a date also takes every sign-in record from before it.
        before = selection.before if selection.scope == DisposalScope.ALL else None
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            rows[model] = sorted(
                pk
                for pk, username, attempted_at in model._base_manager.values_list(
                    "pk", "username", "attempt_time"
                ).iterator(chunk_size=2000)
                if (username or "").lower() in names
                or (before is not None and attempted_at < before)
            )
    rows[AccessAttemptExpiration] = sorted(
        _ids_where(AccessAttemptExpiration, "access_attempt_id", rows[AccessAttempt])
    )


def _session_user(session: Session) -> int | None:
    try:
        value = session.get_decoded().get("_auth_user_id")
    except Exception:  # a session that cannot be decoded belongs to nobody we know
        return None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _log_entries(selection: Selection) -> list[int]:
    """Admin-site log entries of an erased account or about an erased object.

    `all` also takes every entry (made before the date, if given) about a record that no
    longer exists or that it empties, since `object_repr` keeps the record's name (a
    company deleted in the admin site long ago); only entries about what it keeps stay.
    """
    found = set(_ids_where(LogEntry, "user_id", selection.ids(User)))
    if selection.scope == DisposalScope.ALL:
        found |= _log_entries_not_about_kept_records(selection)
    for model, ids in selection.rows.items():
        if model in {LogEntry, Session} or not ids:
            continue
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        texts = [str(pk) for pk in ids]
        for start in range(0, len(texts), CHUNK):
            found |= set(
                LogEntry.objects.filter(
                    content_type=content_type, object_id__in=texts[start : start + CHUNK]
                ).values_list("pk", flat=True)
            )
    return sorted(found)


def _log_entries_not_about_kept_records(selection: Selection) -> set[int]:
    # The models no disposal erases a row of (no personal data), and the staff accounts.
    kept_whole = {
        apps.get_model(label) for label, treatment in INVENTORY.items() if not treatment.erased
    }
    erased_users = set(selection.ids(User))
    kept_users = {str(pk) for pk in User._base_manager.values_list("pk", flat=True)} - {
        str(pk) for pk in erased_users
    }
    kept_models = {
        content_type.pk: content_type.model_class()
        for content_type in ContentType.objects.all()
        if content_type.model_class() in {User, *kept_whole}
    }
    entries = LogEntry.objects.all()
    if selection.before is not None:
        entries = entries.filter(action_time__lt=selection.before)
    found = set()
    for pk, content_type_id, object_id in entries.values_list(
        "pk", "content_type_id", "object_id"
    ).iterator(chunk_size=2000):
        model = kept_models.get(content_type_id)
        if model is None or (model is User and object_id not in kept_users):
            found.add(pk)
    return found


def _files(selection: Selection) -> list[FileToErase]:
    store = Path(settings.FILE_STORE_DIR).resolve()
    files: list[FileToErase] = []
    for pk, storage_name in _values_where(
        StoredFile, ("pk", "storage_name"), "pk", selection.ids(StoredFile)
    ):
        path = store / relative_path_for(storage_name)
        files.append(FileToErase(object_line(StoredFile, pk), path, True))
    for model in (ImportJob, ExportJob):
        for pk, stored_path in _values_where(
            model, ("pk", "stored_path"), "pk", selection.ids(model)
        ):
            if not stored_path:
                continue
            path = Path(stored_path).resolve()
            files.append(FileToErase(object_line(model, pk), path, path.is_relative_to(store)))
    return sorted(files, key=lambda item: item.line)


def _orphans(selection: Selection) -> list[FileToErase]:
    """Files in the store that no row accounts for, kept or erased: an upload abandoned in
    `incoming/`, a file whose row was rolled back. `all` takes them too (with a date,
    those last written before it)."""
    store = Path(settings.FILE_STORE_DIR).resolve()
    if not store.is_dir():
        return []
    known = {item.path for item in selection.files}
    known |= {
        store / relative_path_for(name)
        for name in StoredFile._base_manager.values_list("storage_name", flat=True).iterator()
    }
    for model in (ImportJob, ExportJob):
        known |= {
            Path(stored_path).resolve()
            for stored_path in model._base_manager.exclude(stored_path="").values_list(
                "stored_path", flat=True
            )
        }
    limit = selection.before.timestamp() if selection.before is not None else None
    found = []
    for directory, subdirectories, names in os.walk(store):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory, name)
            if path in known or (limit is not None and path.lstat().st_mtime >= limit):
                continue
            relative = path.relative_to(store).as_posix()
            found.append(FileToErase(f"{ORPHAN_KIND}:{relative}", path, True))
    return found


def _materialise(rows: QuerySet[Any]) -> list[Any]:
    return sorted(set(rows.values_list("pk", flat=True)))


def _ids_where(model: type[models.Model], column: str, values: list[Any]) -> list[Any]:
    return list(_values_where(model, "pk", column, values))


def _values_where(
    model: type[models.Model], wanted: str | tuple[str, ...], column: str, values: list[Any]
) -> Iterable[Any]:
    """`wanted` of the rows whose `column` is one of `values`, a chunk of values at a time."""
    names = (wanted,) if isinstance(wanted, str) else wanted
    for start in range(0, len(values), CHUNK):
        rows = model._base_manager.filter(**{f"{column}__in": values[start : start + CHUNK]})
        yield from rows.values_list(*names, flat=isinstance(wanted, str))
