from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditEvent
from dxdesk.lib.bulk import insert_rows
from dxdesk.registry.actions import IMPORTED_FIELDS
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.importing import RowProblem
from dxdesk.registry.models import Company, ImportJob
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

VALID_NUMBER = make_corporate_number("430001012345")
OTHER_NUMBER = make_corporate_number("430001054321")
WRONG_NUMBER = ("1" if VALID_NUMBER[0] != "1" else "2") + VALID_NUMBER[1:]

JA_HEADER = [
    "管理番号",
    "法人番号",
    "商号又は名称",
    "フリガナ",
    "所在地",
    "電話番号",
    "業種",
    "資本金",
    "従業員数",
    "代表者",
    "メールアドレス",
]
EN_HEADER = [
    "ref",
    "corporate_number",
    "name",
    "kana",
    "address",
    "phone",
    "industry",
    "capital",
    "employees",
    "representative",
    "email",
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def sample_rows() -> list[list[str]]:
    return [
        [
            "SP001",
            VALID_NUMBER,
            "株式会社サッポロテック",
            "サッポロテック",
            "北海道札幌市中央区北一条西二丁目1番地",
            "011-211-2111",
            "ソフトウェア業",
            "1,000万円",
            "12",
            "札幌 太郎",
            "info@sapporo-tech.example.jp",
        ],
        [
            "SP002",
            OTHER_NUMBER,
            "豊平食品(有)",
            "トヨヒラショクヒン",
            "北海道札幌市豊平区平岸3条5丁目2-3",
            "011-820-1234",
            "製造業",
            "300万円",
            "25",
            "豊平 花子",
            "",
        ],
        [
            "SP003",
            "",
            "藻岩工務店",
            "モイワコウムテン",
            "北海道札幌市南区川沿5条2丁目",
            "090-1234-5678",
            "建設業",
            "",
            "3",
            "藻岩 一郎",
            "",
        ],
    ]


def run_import(path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        call_command("import_companies", str(path), *args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_it_imports_a_utf8_list_with_japanese_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "list.csv", [JA_HEADER, *sample_rows()])
    code, out, _err = run_import(path, capsys=capsys)
    assert code == 0
    assert "新規 3" in out
    company = Company.objects.get(ref="SP001")
    assert company.corporate_number == VALID_NUMBER
    assert company.capital_yen == 10_000_000
    assert company.employees == 12
    assert company.ward == "中央区"
    assert company.phone_key == "0112112111"
    assert company.industry_code.startswith("G")
    sole = Company.objects.get(ref="SP003")
    assert sole.sole_proprietor and sole.corporate_number == ""


def test_it_reads_shift_jis_with_english_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "list.csv", [EN_HEADER, *sample_rows()], encoding="cp932")
    code, out, _err = run_import(path, capsys=capsys)
    assert code == 0, out
    assert "csv-cp932" in out
    assert Company.objects.count() == 3


def test_it_reads_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(JA_HEADER)
    for row in sample_rows():
        sheet.append([int(row[8]) if cell == row[8] else cell for cell in row])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    code, out, _err = run_import(path, capsys=capsys)
    assert code == 0, out
    assert Company.objects.get(ref="SP002").employees == 25


def test_importing_the_same_file_again_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "list.csv", [JA_HEADER, *sample_rows()])
    run_import(path, capsys=capsys)
    before = list(Company.objects.order_by("id").values())
    code, out, _err = run_import(path, capsys=capsys)
    assert code == 0
    assert "新規 0" in out and "変更なし 3" in out
    assert list(Company.objects.order_by("id").values()) == before


def test_it_updates_by_corporate_number_then_by_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(write_csv(tmp_path / "a.csv", [JA_HEADER, *sample_rows()]), capsys=capsys)
    changed = sample_rows()
    changed[0][0] = "NEW-REF"  # same 法人番号, new list reference
    changed[0][8] = "15"
    changed[2][8] = "4"  # no 法人番号: matched on 管理番号
    code, out, _err = run_import(
        write_csv(tmp_path / "b.csv", [JA_HEADER, *changed]), capsys=capsys
    )
    assert code == 0
    assert "新規 0" in out and "更新 2" in out
    assert Company.objects.get(corporate_number=VALID_NUMBER).employees == 15
    assert Company.objects.get(ref="SP003").employees == 4


def test_a_wrong_corporate_number_is_dropped_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sample_rows()
    rows[0][1] = WRONG_NUMBER
    report = tmp_path / "report.csv"
    code, _out, _err = run_import(
        write_csv(tmp_path / "list.csv", [JA_HEADER, *rows]), "--report", str(report), capsys=capsys
    )
    assert code == 0
    company = Company.objects.get(ref="SP001")
    assert company.corporate_number == ""
    lines = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert lines[0] == ["行", "列", "理由", "値", "扱い"]
    assert lines[1][0] == "2" and lines[1][1] == "法人番号"
    assert "チェックデジット" in lines[1][2]
    assert lines[1][4] == "値を除いて取込"


def test_invalid_rows_are_reported_with_row_column_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sample_rows()
    rows.append(["SP004", "", "", "", "札幌市北区", "", "", "", "", "", ""])
    rows.append(["SP005", "", "株式会社カピタル", "", "札幌市北区", "", "", "たくさん", "", "", ""])
    rows.append(
        ["SP006", "", "株式会社メール", "", "札幌市北区", "", "", "", "", "", "not-an-address"]
    )
    rows.append(["SP007", VALID_NUMBER, "株式会社サッポロテック", "", "", "", "", "", "", "", ""])
    report = tmp_path / "report.csv"
    code, out, _err = run_import(
        write_csv(tmp_path / "list.csv", [JA_HEADER, *rows]), "--report", str(report), capsys=capsys
    )
    assert code == 0
    assert "新規 3" in out and "不採用 4" in out
    lines = {(line[0], line[1]): line for line in csv.reader(report.open(encoding="utf-8-sig"))}
    assert "名称が空" in lines[("5", "商号又は名称")][2]
    assert lines[("6", "資本金")][3] == "たくさん"
    assert lines[("7", "メールアドレス")][4] == "不採用"
    assert "2行目" in lines[("8", "法人番号")][2]
    assert not Company.objects.filter(ref__in=["SP004", "SP005", "SP006", "SP007"]).exists()


def test_a_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_import(
        write_csv(tmp_path / "list.csv", [JA_HEADER, *sample_rows()]), "--dry-run", capsys=capsys
    )
    assert code == 0
    assert "確認のみ" in out and "新規 3" in out
    assert Company.objects.count() == 0


def nta_row(
    sequence: int, number: str, name: str, *, close_date: str = "", latest: str = "1"
) -> list[str]:
    row = [""] * 30
    row[0] = str(sequence)
    row[1] = number
    row[2] = "01"
    row[3] = "0"
    row[4] = "2024-01-05"
    row[6] = name
    row[8] = "301"
    row[9] = "北海道"
    row[10] = "札幌市中央区"
    row[11] = "北三条西四丁目1番地1"
    row[15] = "0600003"
    row[18] = close_date
    row[23] = latest
    row[28] = "サッポロショウジ"
    return row


def test_it_detects_the_national_tax_agency_bulk_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        nta_row(1, VALID_NUMBER, "札幌商事株式会社"),
        nta_row(2, OTHER_NUMBER, "閉鎖物産株式会社", close_date="2023-03-31"),
    ]
    code, out, _err = run_import(
        write_csv(tmp_path / "01_hokkaido_all.csv", rows, encoding="utf-8"), capsys=capsys
    )
    assert code == 0, out
    assert "nta-bulk" in out
    company = Company.objects.get()
    assert company.corporate_number == VALID_NUMBER
    assert company.address == "北海道札幌市中央区北三条西四丁目1番地1"
    assert company.postal_code == "060-0003"
    assert company.name_kana == "サッポロショウジ"
    assert "閉鎖" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "ファイルが空です"),
        (b"  \n\n", "ファイルが空です"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "バイナリファイル"),
        (b"\x85\x86\x87,\x88\x89\n", "文字コードを判別できません"),
        ("番号,住所\n1,札幌市\n".encode(), "名称の列が見つかりません"),
        (b"PK\x03\x04not really a zip", "Excel"),
    ],
    ids=["empty", "blank", "binary", "unknown-encoding", "no-name-column", "broken-xlsx"],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run_import(path, capsys=capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "bad.csv" in err
    assert out == ""
    assert Company.objects.count() == 0


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_import(tmp_path / "nowhere.csv", capsys=capsys)
    assert code == 2
    assert "nowhere.csv" in err


def test_an_imported_company_is_stored_as_saving_it_would_store_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_import(write_csv(tmp_path / "list.csv", [JA_HEADER, *sample_rows()]), capsys=capsys)
    compared = [
        field.attname
        for field in Company._meta.concrete_fields
        if field.name not in {"id", "created_at", "updated_at"}
    ]
    for imported in Company.objects.all():
        saved = Company(**{name: getattr(imported, name) for name in IMPORTED_FIELDS})
        saved.refresh_derived_fields()
        for attname in compared:
            assert getattr(imported, attname) == getattr(saved, attname), attname
        assert imported.created_at == imported.updated_at
        assert abs(timezone.now() - imported.created_at) < datetime.timedelta(minutes=1)


def test_a_batch_that_breaks_a_constraint_is_refused_whole() -> None:
    Company.objects.create(ref="SP001", name="既存の会社")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Company, ("ref", "name"), [("SP900", "新しい会社"), ("SP001", "重なる会社")])
    assert list(Company.objects.values_list("ref", flat=True)) == ["SP001"]


@pytest.mark.parametrize(
    ("written", "yen"),
    [
        ("10000000", 10_000_000),
        ("1,000万円", 10_000_000),
        ("１０００万円", 10_000_000),
        ("3億円", 300_000_000),
        ("5千万", 50_000_000),
        ("1億5千万円", 150_000_000),
        ("2.5億", 250_000_000),
        ("300万", 3_000_000),
    ],
)
def test_capital_is_read_as_lists_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, yen: int
) -> None:
    row = sample_rows()[0]
    row[7] = written
    code, _out, _err = run_import(write_csv(tmp_path / "list.csv", [JA_HEADER, row]), capsys=capsys)
    assert code == 0
    assert Company.objects.get().capital_yen == yen


def test_an_import_is_recorded_in_the_audit_trail_with_its_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "list.csv", [JA_HEADER, *sample_rows()])
    run_import(path, "--dry-run", capsys=capsys)
    assert not AuditEvent.objects.exists()
    run_import(path, capsys=capsys)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.rows) == ("change", "registry.company", 3)
    assert "list.csv" in event.note and "新規 3" in event.note
    assert "corporate_number" in event.fields


def test_the_rejected_rows_shown_after_a_web_import_are_an_audited_view() -> None:
    supervisor = make_user(Role.SUPERVISOR)
    job = ImportJob.objects.create(
        file_name="list.csv",
        stored_path="",
        total_rows=2,
        started_by=supervisor,
        rejections=[RowProblem(2, "名称", "名称が空です", "011-211-2111").as_dict()],
    )
    response = client_for(supervisor).get(reverse("registry:import_status", args=[job.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="view")
    assert (event.object_type, event.object_id, event.rows) == (
        "registry.importjob",
        str(job.pk),
        1,
    )
    assert event.user_email == supervisor.email
