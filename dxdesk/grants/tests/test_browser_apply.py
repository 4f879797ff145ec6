"""An applicant applies in a real browser: form, two uploads, confirmation, receipt, and
the back button after submitting does not make a second application."""

from __future__ import annotations

from pathlib import Path

import pytest

from dxdesk.funds.models import FundRequest
from dxdesk.grants.models import Application, ApplicationState
from dxdesk.grants.tests.conftest import make_applicant, open_grant_track, sample_pdf
from dxdesk.testing import PERSONA_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_applies_and_the_back_button_changes_nothing(
    live_server: object, browser_page: object, tmp_path: Path
) -> None:
    track = open_grant_track()
    user, _applicant = make_applicant("株式会社ブラウザ", 8008)
    quotation = tmp_path / "見積書.pdf"
    quotation.write_bytes(sample_pdf(30_000))
    certificate = tmp_path / "納税証明書.pdf"
    certificate.write_bytes(sample_pdf(10_000))

    page = browser_page
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.get_by_label("メールアドレス").fill(user.email)  # type: ignore[attr-defined]
    page.get_by_label("パスワード").fill(PERSONA_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="ログイン").click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="マイページ: 株式会社ブラウザ").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="申請を始める").click()  # type: ignore[attr-defined]

    page.get_by_label("導入するITツール").fill("クラウド会計")  # type: ignore[attr-defined]
    page.get_by_label("補助対象経費").fill("８０万円")  # type: ignore[attr-defined]
    page.get_by_label("導入の目的と期待する効果").fill("経理を電子化する")  # type: ignore[attr-defined]
    page.get_by_role("button", name="下書き保存").click()  # type: ignore[attr-defined]
    page.get_by_text("下書きを保存しました。").wait_for()  # type: ignore[attr-defined]
    for label, path in (("見積書", quotation), ("市税の滞納がないことの証明書", certificate)):
        page.get_by_label("書類の種類").select_option(label=label)  # type: ignore[attr-defined]
        page.get_by_label("ファイル").set_input_files(str(path))  # type: ignore[attr-defined]
        page.get_by_role("button", name="添付する").click()  # type: ignore[attr-defined]
        page.get_by_text("書類を添付しました。").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="保存して確認へ進む").click()  # type: ignore[attr-defined]
    page.get_by_text("400,000 円").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="この内容で提出する").click()  # type: ignore[attr-defined]
    page.get_by_text("受付番号 1 で受け付けました").wait_for()  # type: ignore[attr-defined]

    page.go_back()  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    page.get_by_role("heading", name=track.title).wait_for()  # type: ignore[attr-defined]
    assert FundRequest.objects.count() == 1
    application = Application.objects.get()
    assert application.state == ApplicationState.RECEIVED and application.requested_yen == 400_000
    assert application.attachments.count() == 2
