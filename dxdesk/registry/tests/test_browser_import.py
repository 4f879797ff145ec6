"""A supervisor imports a call list through the page and finds a company by another spelling."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dxdesk.accounts.roles import Role
from dxdesk.registry.models import Company
from dxdesk.testing import PERSONA_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_imports_a_list_and_finds_a_company_by_another_spelling(
    live_server: object, browser_page: object, tmp_path: Path
) -> None:
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    call_list = tmp_path / "架電リスト.csv"
    with call_list.open("w", encoding="cp932", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["管理番号", "商号又は名称", "フリガナ", "所在地", "電話番号"])
        writer.writerow(
            [
                "A1",
                "株式会社サッポロテック",
                "サッポロテック",
                "札幌市中央区北1条西2丁目",
                "011-211-2111",
            ]
        )
        writer.writerow(
            [
                "A2",
                "豊平食品有限会社",
                "トヨヒラショクヒン",
                "札幌市豊平区平岸3条5丁目",
                "011-820-1234",
            ]
        )

    page = browser_page
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.get_by_label("メールアドレス").fill(supervisor.email)  # type: ignore[attr-defined]
    page.get_by_label("パスワード").fill(PERSONA_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="ログイン").click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="業務メニュー").wait_for()  # type: ignore[attr-defined]

    page.goto(f"{base}/staff/companies/import/")  # type: ignore[attr-defined]
    page.get_by_label("ファイル").set_input_files(str(call_list))  # type: ignore[attr-defined]
    page.get_by_role("button", name="取り込む").click()  # type: ignore[attr-defined]
    page.get_by_text("完了").wait_for(timeout=15_000)  # type: ignore[attr-defined]
    progress = page.locator("#progress").inner_text()  # type: ignore[attr-defined]
    assert "新規\n2" in progress or "新規 2" in progress, progress
    assert Company.objects.count() == 2

    page.goto(f"{base}/staff/companies/")  # type: ignore[attr-defined]
    page.get_by_role("searchbox").fill("㈱ｻｯﾎﾟﾛﾃｯｸ")  # type: ignore[attr-defined]
    page.get_by_role("button", name="検索").click()  # type: ignore[attr-defined]
    result = page.locator("#results").get_by_role("link", name="株式会社サッポロテック")  # type: ignore[attr-defined]
    result.wait_for()
    # htmx may still be swapping in the results of an earlier keystroke: wait for one row.
    expect(page.locator("#results tbody tr")).to_have_count(1)  # type: ignore[attr-defined]
