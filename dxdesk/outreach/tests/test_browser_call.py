"""An operator logs a call from the keyboard in a real browser and gets the next company."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from dxdesk.accounts.roles import Role
from dxdesk.outreach.models import CallAttempt, CallTask, TaskState
from dxdesk.outreach.tests.conftest import PROGRAMMES, add_companies, make_campaign, tokyo
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition
from dxdesk.testing import PERSONA_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_logs_a_call_from_the_keyboard(
    live_server: object, browser_page: object
) -> None:
    program = load_program(load_definition(PROGRAMMES / "sapporo-dx-2026.toml")).program
    add_companies(3)
    campaign = make_campaign(program)
    operator = make_user(Role.OPERATOR, email="caller@example.jp")
    page = browser_page
    base = live_server.url  # type: ignore[attr-defined]

    with time_machine.travel(tokyo("2026-04-06T10:00"), tick=True):
        page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
        page.get_by_label("メールアドレス").fill(operator.email)  # type: ignore[attr-defined]
        page.get_by_label("パスワード").fill(PERSONA_PASSWORD)  # type: ignore[attr-defined]
        page.get_by_role("button", name="ログイン").click()  # type: ignore[attr-defined]
        page.get_by_role("heading", name="業務メニュー").wait_for()  # type: ignore[attr-defined]

        page.goto(f"{base}/staff/outreach/{campaign.pk}/calls/")  # type: ignore[attr-defined]
        expect(page.locator(":focus")).to_have_count(1)  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]  # "next call" has the focus
        page.get_by_role("heading", name="株式会社テスト001").wait_for()  # type: ignore[attr-defined]
        assert page.get_by_text("本事業の案内").is_visible()  # type: ignore[attr-defined]

        outcome = page.get_by_label("結果")  # type: ignore[attr-defined]
        expect(outcome).to_be_focused()  # autofocus lands after the htmx swap settles
        page.keyboard.press("7")  # type: ignore[attr-defined]  # the outcome list has the focus
        expect(outcome).to_have_value("information_only")
        page.get_by_label("会話内容").fill("補助金の概要を説明。資料送付を希望。")  # type: ignore[attr-defined]
        page.get_by_label("ニーズ").fill("勤怠管理のクラウド化")  # type: ignore[attr-defined]
        person = page.get_by_label("応対者")  # type: ignore[attr-defined]
        person.fill("総務部 田中様")
        person.press("Enter")  # submits: 記録して次へ

        page.get_by_role("heading", name="株式会社テスト002").wait_for()  # type: ignore[attr-defined]
        assert page.get_by_text("記録しました: 株式会社テスト001 — 情報提供のみ").is_visible()  # type: ignore[attr-defined]
        assert "/staff/outreach/calls/" in page.url  # type: ignore[attr-defined]

    attempt = CallAttempt.objects.get()
    assert (attempt.outcome, attempt.person_reached, attempt.needs, attempt.caller_id) == (
        "information_only",
        "総務部 田中様",
        "勤怠管理のクラウド化",
        operator.pk,
    )
    first = CallTask.objects.get(company__name="株式会社テスト001")
    assert first.state == TaskState.REACHED
    assert CallTask.objects.get(holder=operator).company.name == "株式会社テスト002"
