from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.lib.dates import TOKYO
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import parse_definition
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company, ImportJob
from dxdesk.testing import make_user

# A contract years away from the other tests' frozen dates: events other test files leave
# behind (transactional tests are not rolled back) never fall into these months.
PROGRAMME = """\
format = 1

[programme]
code = "privacy-test-2031"
title = "中小企業DX支援業務（報告書テスト）"
client = "テスト市"

[dates]
contract_start = 2031-03-16
contract_end = 2032-02-29
final_report_due = 2032-02-26

[tracks.desk]
kind = "desk"
title = "相談窓口"
"""


def tokyo(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=TOKYO)


def record_at(moment: datetime.datetime, *args: Any, **kwargs: Any) -> AuditEvent:
    with time_machine.travel(moment, tick=False):
        return record_event(*args, **kwargs)


@pytest.fixture
def contract(db: None) -> Program:
    return load_program(parse_definition(PROGRAMME, source="privacy-test-2031.toml")).program


@dataclass
class Trail:
    operator: User
    supervisor: User
    client: User
    april: list[AuditEvent]


@pytest.fixture
def trail(contract: Program) -> Trail:
    """April 2031 as the audit trail tells it, with one event either side of the month."""
    operator = make_user(Role.OPERATOR, email="caller@example.jp")
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    client = make_user(Role.CLIENT, email="city@example.jp")
    company = Company(name="株式会社サッポロテック")
    company.save()
    job = ImportJob.objects.create(file_name="list.csv", status="done")
    record_at(tokyo(2031, 3, 31, 23, 59, 59), operator, AuditAction.VIEW, company)
    april = [
        record_at(tokyo(2031, 4, 1, 0, 0, 0), operator, AuditAction.SIGN_IN),
        record_at(tokyo(2031, 4, 1, 9, 0), operator, AuditAction.VIEW, company),
        record_at(tokyo(2031, 4, 2, 10, 0), operator, AuditAction.VIEW, company),
        # 23:30 is outside 7:00–22:00.
        record_at(tokyo(2031, 4, 3, 23, 30), operator, AuditAction.VIEW, company),
        record_at(tokyo(2031, 4, 2, 9, 0), supervisor, AuditAction.SIGN_IN),
        record_at(
            tokyo(2031, 4, 2, 9, 10),
            supervisor,
            AuditAction.EXPORT,
            Company,
            rows=120,
            note="ward=北区",
        ),
        record_at(tokyo(2031, 4, 15, 12, 0), supervisor, AuditAction.DOWNLOAD, job, rows=5),
        record_at(tokyo(2031, 4, 20, 14, 0), supervisor, AuditAction.CHANGE, company, ["phone"]),
        record_at(
            tokyo(2031, 4, 10, 8, 0),
            None,
            AuditAction.SIGN_IN_FAILED,
            note="確認コードの誤り",
            actor=operator,
        ),
        record_at(
            tokyo(2031, 4, 10, 8, 5),
            None,
            AuditAction.SIGN_IN_FAILED,
            note="ロック中",
            actor=operator,
        ),
        record_at(
            tokyo(2031, 4, 11, 3, 0),
            None,
            AuditAction.SIGN_IN_FAILED,
            note="未登録のメールアドレス",
        ),
        # The last second of the month, and outside 7:00–22:00 too.
        record_at(tokyo(2031, 4, 30, 23, 59, 59), client, AuditAction.VIEW, AuditEvent, rows=50),
    ]
    record_at(tokyo(2031, 5, 1, 0, 0, 0), operator, AuditAction.VIEW, company)
    return Trail(operator, supervisor, client, april)


ANSWERS: dict[str, str] = {
    "addressee": "テスト市長",
    "reporter_address": "札幌市中央区北1条西2丁目",
    "reporter_company": "株式会社DX事務局",
    "reporter_representative": "代表取締役 山田 太郎",
    "contract_title": "中小企業DX支援業務（報告書テスト）",
    "contract_period": "令和13年3月16日～令和14年2月29日",
    "staff": "unchanged",
    "areas": "unchanged",
    "security": "changed",
    "security_detail": "ログインに確認コード（二要素認証）を必須とした。",
    "incidents": "unchanged",
    "transport": "unchanged",
    "laws": "unchanged",
    "audits": "unchanged",
    "other": "unchanged",
    "incident_occurred": "none",
    "transport_occurred": "some",
    "transport_details": "説明会の受付名簿（紙）を施錠鞄で会場へ運搬し、当日中に返却した。",
    "other_notes": "特になし",
}
