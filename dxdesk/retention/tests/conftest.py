"""A secretariat's data across every app, each personal value marked, and a disposal run.

`build_world` makes what a contract year leaves behind, through the apps' own actions: a
call list imported for a call campaign of the Sapporo programme (its file kept in the
store, a rejected row among it), calls logged with what was said, the call results
exported; an applicant who signs up on the portal, invites a colleague, applies to the
demo grant with two attachments and exchanges messages; an application keyed in by staff
for a company that the call campaign also lists (shared by the two programmes); a
名寄せ merge; sign-in records, a session, admin-site log entries, a monthly handling
report, a file abandoned in the store. Every personal value planted carries the world's
`mark` (eight letters that no hash, key or id can contain) or is a number drawn for it,
so a search of the database afterwards cannot mistake anything else for them.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import random
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.erasure import erase_trail
from dxdesk.audit.models import AuditAction
from dxdesk.files.storage import store_upload as store_attachment
from dxdesk.grants import actions as grants
from dxdesk.grants.models import Application, Channel
from dxdesk.grants.tests.conftest import sample_pdf
from dxdesk.lib.dates import TOKYO
from dxdesk.outreach.actions import CallReport, build_campaign_from_list, claim_next_call, log_call
from dxdesk.outreach.exports import write_export
from dxdesk.outreach.models import Campaign, CampaignSource, ExportFormat, ExportJob
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition
from dxdesk.programs.models import Program, Track
from dxdesk.registry.actions import store_upload as store_list
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.importing import read_table
from dxdesk.registry.merging import merge_companies
from dxdesk.registry.models import Company, Contact, DuplicateCandidate, ImportJob
from dxdesk.reporting.models import MonthlyPrivacyReport
from dxdesk.testing import client_for, make_user

PROGRAMMES = Path(settings.BASE_DIR) / "programmes"
DEMO_PROGRAMME = Path(settings.BASE_DIR) / "dxdesk" / "demo" / "programmes" / "demo-dx-grant.toml"

# Mondays inside both programmes' dates, in calling hours; and a day between them.
SPRING = datetime.datetime(2026, 5, 11, 10, 0, tzinfo=TOKYO)
AUTUMN = datetime.datetime(2026, 9, 14, 10, 0, tzinfo=TOKYO)
SUMMER_DAY = "2026-07-01"
LATER = datetime.datetime(2026, 10, 5, 10, 0, tzinfo=TOKYO)

LIST_HEADER = ["法人番号", "商号又は名称", "フリガナ", "所在地", "電話番号", "業種", "従業員数"]
LIST_HEADER += ["代表者", "メールアドレス"]
# Letters no hex digest, storage name, search key or number is made of.
MARK_LETTERS = "ghjkmnpqrstuvwxyz"


@dataclass
class Staff:
    supervisor: User
    admin: User
    operator: User
    desk: User
    client: User
    coach: User


@dataclass
class World:
    """What one `build_world` made: its mark, the numbers drawn, and the rows to check."""

    mark: str
    numbers: list[str] = field(default_factory=list)  # phones and 法人番号, as digits
    spellings: list[str] = field(default_factory=list)  # the same as they were written
    shared: Company | None = None  # listed by the call campaign and applied for by staff
    listed_only: Company | None = None  # only in the call campaign
    applicant_company: Company | None = None  # only in the portal application
    merged: list[Company] = field(default_factory=list)
    campaign: Campaign | None = None
    applications: list[Application] = field(default_factory=list)
    applicant_users: list[User] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # in the store, relative
    abandoned: str = ""  # an upload left in the store's incoming/ folder

    @property
    def needles(self) -> list[str]:
        return [self.mark, *self.numbers]


@pytest.fixture(autouse=True)
def _leave_an_empty_audit_trail(request: pytest.FixtureRequest) -> Iterator[None]:
    """The audit trail's tables are not flushed after a transactional test. These tests'
    disposals leave their own events there (with small ids as object ids), which other
    test files' lookups would then trip over: erase the trail again afterwards."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        with transaction.atomic():
            erase_trail()


@pytest.fixture
def staff(db: None) -> Staff:
    return Staff(
        supervisor=make_user(Role.SUPERVISOR, email="boss@secretariat.example.jp"),
        admin=make_user(Role.ADMIN, email="it@secretariat.example.jp", is_staff=True),
        operator=make_user(Role.OPERATOR, email="caller@secretariat.example.jp"),
        desk=make_user(Role.DESK, email="desk@secretariat.example.jp"),
        client=make_user(Role.CLIENT, email="city@client.example.jp"),
        coach=make_user(Role.COACH, email="coach@secretariat.example.jp"),
    )


@pytest.fixture
def programmes(db: None) -> dict[str, Program]:
    found = {}
    for path in (PROGRAMMES / "sapporo-dx-2026.toml", DEMO_PROGRAMME):
        program = load_program(load_definition(path)).program
        found[program.code] = program
    return found


def new_mark(rng: random.Random) -> str:
    return "".join(rng.choice(MARK_LETTERS) for _ in range(8))


def build_world(
    staff: Staff, programmes: dict[str, Program], *, at: datetime.datetime, seed: int
) -> World:
    """Everything a contract year leaves, created at `at` (time stands still meanwhile)."""
    rng = random.Random(seed)
    world = World(mark=new_mark(rng))
    earlier_files = set(files_in_store())
    with time_machine.travel(at, tick=False):
        _registry(world, staff, rng)
        _call_campaign(world, staff, programmes["sapporo-dx-2026"], rng, at)
        _portal_application(world, staff, programmes["demo-dx-grant"], rng)
        _keyed_in_application(world, staff, programmes["demo-dx-grant"])
        _traces(world, staff, at, rng)
    # The files too are as old as the world (time travel leaves the file system alone).
    store = Path(settings.FILE_STORE_DIR)
    for name in set(files_in_store()) - earlier_files:
        os.utime(store / name, (at.timestamp(), at.timestamp()))
        world.files.append(name)
    return world


def _phone(world: World, rng: random.Random, prefix: str) -> str:
    tail = f"{rng.randrange(200, 900)}-{rng.randrange(1000, 10000)}"
    phone = f"{prefix}-{tail}"
    world.numbers.append(re.sub(r"\D", "", phone))
    world.spellings.append(phone)
    return phone


def _corporate_number(world: World, rng: random.Random) -> str:
    number = make_corporate_number("".join(rng.choice(string.digits) for _ in range(12)))
    world.numbers.append(number)
    return number


def _registry(world: World, staff: Staff, rng: random.Random) -> None:
    mark = world.mark
    shared = Company(
        name=f"渦潮精機{mark}株式会社",
        name_kana="ウズシオセイキ",
        corporate_number=_corporate_number(world, rng),
        address=f"北海道札幌市白石区菊水3条4丁目9-18 渦潮ビル{mark}",
        phone=_phone(world, rng, "011"),
        email=f"info@uzushio-{mark}.example.jp",
        representative=f"渦潮 太郎{mark}",
        industry_code="2911",
        employees=40,
        notes=f"社長は{mark}の件で多忙",
    )
    shared.save()
    Contact.objects.create(
        company=shared,
        name=f"潮見 花子{mark}",
        title="総務課長",
        phone=_phone(world, rng, "090"),
        email=f"hanako.{mark}@uzushio.example.jp",
        notes=f"{mark}: 午前中がつながりやすい",
    )
    world.shared = shared
    # Two records of one company, found by 名寄せ and merged.
    first, second = (
        Company(
            name=f"豊平食品{mark}有限会社",
            address=f"北海道札幌市豊平区平岸3条5丁目2-3 {mark}",
            phone=phone,
        )
        for phone in (_phone(world, rng, "011"), "")
    )
    first.save()
    second.save()
    candidate = DuplicateCandidate.objects.create(
        first=first, second=second, score=0.97, reason=f"名称が一致（{mark}）"
    )
    merge_companies(first, second, by=staff.supervisor, candidate=candidate)
    world.merged = [first, second]


def _call_campaign(
    world: World, staff: Staff, program: Program, rng: random.Random, at: datetime.datetime
) -> None:
    """A campaign made from an uploaded call list (as the campaign page does it)."""
    mark = world.mark
    assert world.shared is not None
    listed = [
        world.shared.corporate_number,
        world.shared.name,
        "ウズシオセイキ",
        world.shared.address,
        world.shared.phone,
        "製造業",
        "40",
        world.shared.representative,
        world.shared.email,
    ]
    new = [
        _corporate_number(world, rng),
        f"藻岩工務店{mark}",
        "モイワコウムテン",
        f"北海道札幌市南区川沿5条2丁目 {mark}",
        _phone(world, rng, "011"),
        "建設業",
        "3",
        f"藻岩 一郎{mark}",
        f"moiwa.{mark}@example.jp",
    ]
    # Rejected for its address, which the job's report keeps as written.
    rejected = ["", f"宛先不明の会社{mark}", "", "", "", "", "", "", f"not-an-address-{mark}"]
    buffer = io.StringIO()
    for row in (LIST_HEADER, listed, new, rejected):
        buffer.write(",".join(row) + "\r\n")
    path = store_list(f"架電リスト_{mark}.csv", [buffer.getvalue().encode("utf-8-sig")])
    table = read_table(path)
    track = Track.objects.get(program=program, name="outreach")
    job = ImportJob.objects.create(
        file_name=f"架電リスト_{mark}.csv",
        stored_path=str(path),
        total_rows=table.total_rows,
        detected_format=table.format,
        started_by=staff.supervisor,
    )
    campaign = Campaign.objects.create(
        program=program,
        track=track,
        title=f"{at:%Y年%m月} 架電",
        starts_on=at.date() - datetime.timedelta(days=7),
        ends_on=at.date() + datetime.timedelta(days=60),
        source=CampaignSource.LIST,
        source_note=job.file_name,
        import_job=job,
        created_by=staff.supervisor,
    )
    campaign = build_campaign_from_list(campaign.pk, job.pk, table)
    world.listed_only = Company.objects.get(corporate_number=new[0])
    for outcome, minutes in (("this_programme", 5), ("not_interested", 2)):
        claim = claim_next_call(campaign, by=staff.operator, now=at)
        assert claim.task is not None, claim.reason
        log_call(
            claim.task,
            CallReport(
                outcome=outcome,
                duration_seconds=minutes * 60,
                person_reached=f"潮見{mark}",
                content=f"{mark}様 DXに関心あり、来週資料送付",
                needs=f"{mark}の在庫管理",
            ),
            by=staff.operator,
            token=str(claim.task.lease_token),
            now=at + datetime.timedelta(minutes=minutes),
        )
    export = ExportJob.objects.create(
        campaign=campaign, format=ExportFormat.XLSX, created_by=staff.supervisor
    )
    write_export(export.pk)
    world.campaign = campaign


def _portal_application(world: World, staff: Staff, program: Program, rng: random.Random) -> None:
    mark = world.mark
    owner_email = f"owner.{mark}@kitanoya.example.jp"
    user = grants.sign_up(
        email=owner_email,
        password="correct-horse-battery-staple-9",
        full_name=f"北野 一郎{mark}",
        company_name=f"北野屋{mark}株式会社",
        corporate_number=_corporate_number(world, rng),
        phone=_phone(world, rng, "011"),
        address=f"北海道札幌市北区北7条西5丁目 北野ビル{mark}",
    )
    assert user is not None
    applicant = grants.verify_email(user)
    colleague = grants.invite_member(
        applicant,
        email=f"colleague.{mark}@kitanoya.example.jp",
        full_name=f"北野 二郎{mark}",
        by=user,
    )
    track = Track.objects.get(program=program, name="demo_grant")
    assert applicant.company is not None
    application = grants.start_application(
        track, company=applicant.company, applicant=applicant, by=user
    )
    application = grants.save_draft(
        application,
        {
            "tool_name": f"クラウド会計{mark}",
            "eligible_cost": 1_200_000,
            "purpose": f"{mark}の経理",
        },
        by=user,
    )
    for code in ("quotation", "city_tax_certificate"):
        upload = SimpleUploadedFile(
            f"{code}_{mark}.pdf", sample_pdf(3_000), content_type="application/pdf"
        )
        grants.add_attachment(application, code, upload, by=user)
    application.refresh_from_db()
    application = grants.submit_application(application, version=application.version, by=user)
    grants.post_message(
        application, f"{mark}様 書類を確認しました", by=staff.desk, from_secretariat=True
    )
    grants.post_message(
        application, f"よろしくお願いします {mark}", by=user, from_secretariat=False
    )
    # A signed-in browser leaves a session row; a failed sign-in leaves axes records.
    client_for(user).get("/my/")
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        values: dict[str, Any] = {
            "username": owner_email,
            "ip_address": "203.0.113.7",
            "user_agent": f"Mozilla/5.0 {mark}",
            "http_accept": "text/html",
            "path_info": "/accounts/sign-in/",
        }
        if model is AccessAttempt:
            values.update(get_data="", post_data=f"username={owner_email}", failures_since_start=1)
        model.objects.create(**values)
    world.applicant_company = applicant.company
    world.applications.append(application)
    world.applicant_users += [user, colleague]


def _keyed_in_application(world: World, staff: Staff, program: Program) -> None:
    """A telephone application for the company the call campaign also lists."""
    assert world.shared is not None
    track = Track.objects.get(program=program, name="demo_grant")
    application = grants.start_application(
        track, company=world.shared, applicant=None, by=staff.desk, channel=Channel.PHONE
    )
    grants.save_draft(
        application,
        {
            "tool_name": "在庫管理SaaS",
            "eligible_cost": 800_000,
            "purpose": f"電話受付 {world.mark}",
        },
        by=staff.desk,
    )
    world.applications.append(application)


def _traces(world: World, staff: Staff, at: datetime.datetime, rng: random.Random) -> None:
    mark = world.mark
    assert world.shared is not None
    record_event(staff.coach, AuditAction.VIEW, world.shared, note=f"検索: {mark}")
    content_type = ContentType.objects.get_for_model(Company)
    LogEntry.objects.create(
        user=staff.admin,
        content_type=content_type,
        object_id=str(world.shared.pk),
        object_repr=world.shared.name,
        action_flag=CHANGE,
        change_message="[]",
    )
    # About a company the admin site deleted long ago: the entry alone keeps its name.
    LogEntry.objects.create(
        user=staff.admin,
        content_type=content_type,
        object_id="987654",
        object_repr=f"旧商号{mark}",
        action_flag=CHANGE,
        change_message="[]",
    )
    last_month = at.date().replace(day=1) - datetime.timedelta(days=1)
    MonthlyPrivacyReport.objects.create(
        month=last_month.replace(day=1),
        answers={"transport_details": f"{mark}様の申請書を運搬"},
        answered_by=staff.supervisor,
    )
    # An upload abandoned in the store, and a stored file no application came to use.
    incoming = Path(settings.FILE_STORE_DIR) / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    world.abandoned = f"incoming/{rng.getrandbits(64):016x}"
    (incoming.parent / world.abandoned).write_bytes(f"{mark} 途中のアップロード".encode())
    store_attachment(
        SimpleUploadedFile(f"決算書_{mark}.pdf", sample_pdf(), content_type="application/pdf"),
        by=staff.desk,
    )


# -- looking afterwards ----------------------------------------------------------------


def database_findings(needles: list[str]) -> list[str]:
    """Every table's every row, read raw, searched for each needle: "table.column: needle".

    All tables the database has, not only the models': the audit trail's, many-to-many
    tables, SQLite's full-text index and its shadow tables, Django's own.
    """
    wanted = [needle.lower() for needle in needles]
    findings = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor, include_views=False)):
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            # The name comes from the database's own catalogue, and is quoted.
            query = f"SELECT * FROM {connection.ops.quote_name(table)}"  # noqa: S608  # nosec B608
            cursor.execute(query)
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _as_text(value)
                    findings += [
                        f"{table}.{column}: {needle}" for needle in wanted if needle in text
                    ]
    return findings


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace").lower()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).lower()
    return str(value).lower()


def files_in_store() -> list[str]:
    store = Path(settings.FILE_STORE_DIR)
    return sorted(
        str(Path(directory, name).relative_to(store))
        for directory, _subdirectories, names in os.walk(store)
        for name in names
    )


# -- running the command -----------------------------------------------------------------


@dataclass
class Run:
    status: int
    out: str
    err: str  # the error's message when refused

    def counts(self) -> dict[str, int]:
        """The kinds and numbers the command printed."""
        found = {}
        for line in self.out.splitlines():
            match = re.match(r"^  (\S+)\s+([\d,]+)(?:\s|$)", line)
            if match:
                found[match.group(1)] = int(match.group(2).replace(",", ""))
        return found


def run_dispose(*args: str | Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("dispose", *[str(arg) for arg in args], stdout=out, stderr=err)
    except CommandError as error:
        return Run(error.returncode, out.getvalue(), str(error) + err.getvalue())
    return Run(0, out.getvalue(), err.getvalue())


@pytest.fixture
def frozen_later() -> Iterator[None]:
    with time_machine.travel(LATER, tick=True):
        yield


def applications_of(program: Program) -> list[Application]:
    return list(Application.objects.filter(track__program=program).order_by("pk"))
