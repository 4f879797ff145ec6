"""The generated report downloads as PDF and as a workbook, both saying the same thing."""

from __future__ import annotations

import base64
import io
import re
import zlib

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.reporting.tests.conftest import ANSWERS, Trail, tokyo
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

APRIL = "/staff/reports/privacy/2031/4/"
NOW = tokyo(2031, 5, 12, 10, 0)


def pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages, in drawing order, lines run together.

    Every content stream is inflated and each string shown is decoded by the font in use:
    the Japanese CID fonts (encoding UniJIS-UCS2-H) draw UTF-16 code units, reportlab's
    default Helvetica one byte a character.
    """
    wide_fonts = {
        name
        for body in re.findall(rb"\d+ 0 obj(.*?)endobj", data, re.S)
        if b"UniJIS-UCS2-H" in body
        for name in re.findall(rb"/Name /(F\d+)", body)
    }
    pieces = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            stream = zlib.decompress(raw)
        except zlib.error:
            continue
        font = b""
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", stream, re.S):
            if token.group(1):
                font = token.group(1)
                continue
            text = _unescape(token.group(2))
            pieces.append(
                text.decode("utf-16-be") if font in wide_fonts else text.decode("latin-1")
            )
    return "".join(pieces)


def _unescape(literal: bytes) -> bytes:
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def replace(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return escapes.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, literal, flags=re.S)


@pytest.fixture
def generated(trail: Trail) -> None:
    with time_machine.travel(NOW, tick=False):
        browser = client_for(make_user(Role.SUPERVISOR))
        browser.post(APRIL + "answers/", ANSWERS)
        assert browser.post(APRIL + "generate/").status_code == 302


def download(role: str, suffix: str) -> tuple[Client, bytes]:
    with time_machine.travel(NOW, tick=False):
        browser = client_for(make_user(role))
        response = browser.get(APRIL + f"report.{suffix}")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="privacy-report-2031-04.{suffix}"'
    )
    return browser, response.content


def test_the_pdf_is_the_form_of_the_specification_with_the_annex(generated: None) -> None:
    _browser, data = download(Role.CLIENT, "pdf")

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "個人情報取扱状況報告書" in text
    assert "テスト市長 様" in text  # reportlab sets the ideographic space as a space
    assert "令和13年5月12日" in text
    assert "令和13年4月1日～令和13年4月30日" in text
    assert "(3) セキュリティ強化のための管理策" in text
    assert "ログインに確認コード（二要素認証）を必須とした。" in text
    assert "発生なし" in text
    assert "個人情報の取扱実績（監査記録による集計）" in text
    assert "boss@example.jp" in text


def test_the_workbook_has_the_answers_and_the_figures(generated: None) -> None:
    _browser, data = download(Role.SUPERVISOR, "xlsx")

    workbook = load_workbook(io.BytesIO(data))
    form = workbook["報告書"]
    assert form["A1"].value == "個人情報取扱状況報告書"
    answers = {row[0]: row[1:] for row in form.iter_rows(min_row=2, values_only=True)}
    assert answers["宛先"][0] == "テスト市長　様"
    assert answers["対象期間"][0] == "令和13年4月1日～令和13年4月30日"
    assert answers["(1) 従業者の指定、教育及び監督"][0] == "変更なし"
    assert answers["(3) セキュリティ強化のための管理策"][0] == "変更あり"
    assert answers["変更の内容"][1] == "ログインに確認コード（二要素認証）を必須とした。"
    assert answers["(8) その他個人情報取扱安全管理基準適合申出書からの変更"][0] == "なし"
    assert answers["○ (実績ある場合) 概要"][1].startswith("説明会の受付名簿")

    summary = dict(workbook["取扱実績"].iter_rows(min_row=2, values_only=True))
    assert summary["監査記録の件数"] == "12件"
    assert summary["出力・ダウンロード"] == "2件（計 125行）"
    assert summary["うちロック中の試行"] == "1件"
    assert summary["監査記録の改ざん検知（当月分）"].startswith("異常なし")

    people = list(workbook["利用者別"].iter_rows(values_only=True))
    assert people[0][:3] == ("利用者", "ロール", "閲覧")
    assert ("caller@example.jp", "架電オペレーター", 3) in [row[:3] for row in people]


def test_each_download_is_recorded(generated: None) -> None:
    download(Role.CLIENT, "pdf")
    download(Role.ADMIN, "xlsx")

    downloads = AuditEvent.objects.filter(
        action=AuditAction.DOWNLOAD, object_type="reporting.monthlyprivacyreport"
    ).order_by("sequence")
    assert [(event.role, event.note) for event in downloads] == [
        (Role.CLIENT, "pdf"),
        (Role.ADMIN, "xlsx"),
    ]


def test_a_report_not_yet_generated_has_nothing_to_download(trail: Trail) -> None:
    with time_machine.travel(NOW, tick=False):
        browser = client_for(make_user(Role.SUPERVISOR))
        browser.post(APRIL + "answers/", ANSWERS)
        assert browser.get(APRIL + "report.pdf").status_code == 404
        assert browser.get(APRIL + "report.xlsx").status_code == 404
