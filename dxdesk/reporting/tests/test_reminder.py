"""Supervisors are reminded once a day, by mail (Bcc) and on the staff home page, from a
few days before the 20th until the month's report is generated."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.programs.models import Program
from dxdesk.reporting.tests.conftest import ANSWERS, tokyo
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

# The March 2031 report is due on Sunday 20 April; five days before is the 15th.
BEFORE_WINDOW = tokyo(2031, 4, 14, 8, 15)
FIRST_DAY = tokyo(2031, 4, 15, 8, 15)
SENDER = "dxdesk@dxdesk.example.jp"


@pytest.fixture
def staff(contract: Program, settings: object) -> dict[str, User]:
    settings.DEFAULT_FROM_EMAIL = SENDER  # type: ignore[attr-defined]
    settings.PRIVACY_REPORT_REMINDER_DAYS = 5  # type: ignore[attr-defined]
    return {
        "boss": make_user(Role.SUPERVISOR, email="boss@example.jp"),
        "deputy": make_user(Role.SUPERVISOR, email="deputy@example.jp"),
        "gone": make_user(Role.SUPERVISOR, email="gone@example.jp", is_active=False),
        "operator": make_user(Role.OPERATOR, email="caller@example.jp"),
        "client": make_user(Role.CLIENT, email="city@example.jp"),
    }


def remind(moment: datetime.datetime, *args: str) -> str:
    out = StringIO()
    with time_machine.travel(moment, tick=False):
        call_command("privacy_report_reminder", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_nothing_is_sent_before_the_window(staff: dict[str, User], mailoutbox: list) -> None:
    assert "no handling report due" in remind(BEFORE_WINDOW)
    assert mailoutbox == []


def test_the_supervisors_get_one_mail_in_bcc(staff: dict[str, User], mailoutbox: list) -> None:
    output = remind(FIRST_DAY)

    assert "reminded 2 supervisors about 2031-03 (due 2031-04-20)" in output
    (message,) = mailoutbox
    assert message.to == [SENDER]
    assert sorted(message.bcc) == ["boss@example.jp", "deputy@example.jp"]
    assert "2031年3月分" in message.subject
    assert "提出期限は4月20日" in message.subject
    # The 20th is a Sunday: the mail says by when to hand it in on a working day.
    assert "2031-04-18までの提出をお勧めします" in message.body
    assert "boss@example.jp" not in message.message().as_string()


def test_it_sends_at_most_one_mail_a_day(staff: dict[str, User], mailoutbox: list) -> None:
    remind(FIRST_DAY)
    again = remind(FIRST_DAY + datetime.timedelta(hours=9))

    assert "already reminded today" in again
    assert len(mailoutbox) == 1

    remind(FIRST_DAY + datetime.timedelta(days=1))
    assert len(mailoutbox) == 2


def test_it_keeps_reminding_after_the_due_date(staff: dict[str, User], mailoutbox: list) -> None:
    remind(tokyo(2031, 4, 22, 8, 15))

    (message,) = mailoutbox
    assert "・2031年3月分　提出期限 2031-04-20（期限を過ぎています）" in message.body


def test_it_stops_once_the_report_is_generated(staff: dict[str, User], mailoutbox: list) -> None:
    remind(FIRST_DAY)
    with time_machine.travel(FIRST_DAY, tick=False):
        supervisor = client_for(staff["boss"])
        supervisor.post("/staff/reports/privacy/2031/3/answers/", ANSWERS)
        assert supervisor.post("/staff/reports/privacy/2031/3/generate/").status_code == 302

    assert "no handling report due" in remind(FIRST_DAY + datetime.timedelta(days=1))
    assert len(mailoutbox) == 1


def test_the_window_can_start_earlier(staff: dict[str, User], mailoutbox: list) -> None:
    assert "no handling report due" in remind(tokyo(2031, 4, 9, 8, 0), "--days-before", "10")
    assert "reminded 2" in remind(tokyo(2031, 4, 10, 8, 0), "--days-before", "10")
    assert len(mailoutbox) == 1


def test_a_negative_window_is_refused(staff: dict[str, User]) -> None:
    with pytest.raises(CommandError, match="--days-before must be 0 or more, not -1"):
        remind(FIRST_DAY, "--days-before", "-1")


def test_no_supervisor_means_no_mail(contract: Program, mailoutbox: list) -> None:
    make_user(Role.OPERATOR)
    assert "there is no active supervisor to mail" in remind(FIRST_DAY)
    assert mailoutbox == []


def staff_home(user: User, moment: datetime.datetime) -> str:
    with time_machine.travel(moment, tick=False):
        response = client_for(user).get("/staff/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_staff_home_page_warns_supervisors_in_the_window(staff: dict[str, User]) -> None:
    page = staff_home(staff["boss"], FIRST_DAY)
    assert "個人情報取扱状況報告書の作成が済んでいない月があります。" in page
    assert 'href="/staff/reports/privacy/2031/3/"' in page

    assert "作成が済んでいない月があります" not in staff_home(staff["boss"], BEFORE_WINDOW)
    assert "作成が済んでいない月があります" not in staff_home(staff["operator"], FIRST_DAY)
    assert "作成が済んでいない月があります" not in staff_home(staff["client"], FIRST_DAY)
