from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from dxdesk.registry import matching
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.importing import read_table
from dxdesk.registry.keys import address_key, phone_key
from dxdesk.registry.matching import phone_digits, read_call_list, street_key
from dxdesk.registry.models import Company
from dxdesk.registry.synthetic import generate_companies, write_csv

VALID_NUMBER = make_corporate_number("430001012345")
OTHER_NUMBER = make_corporate_number("430001054321")
WRONG_NUMBER = ("1" if VALID_NUMBER[0] != "1" else "2") + VALID_NUMBER[1:]
WRONG_OTHER_NUMBER = ("1" if OTHER_NUMBER[0] != "1" else "2") + OTHER_NUMBER[1:]

CHUO = "北海道札幌市中央区北一条西二丁目1番地 サンプルビル5F"
CHUO_AS_DIGITS = "札幌市中央区北1条西2-1"
CHUO_NEXT_DOOR = "北海道札幌市中央区北1条西2丁目5"
KITA = "北海道札幌市北区北七条西五丁目3番地"
PHONE = "011-211-2111"
OTHER_PHONE = "011-716-2111"

HEADER = ["管理番号", "法人番号", "商号又は名称", "フリガナ", "所在地", "電話番号"]


def row(
    name: str,
    *,
    ref: str = "",
    number: str = "",
    kana: str = "",
    address: str = "",
    phone: str = "",
) -> list[str]:
    return [ref, number, name, kana, address, phone]


def write_list(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def clusters_of(tmp_path: Path, *rows: list[str]) -> list[int]:
    _records, clusters = read_call_list(write_list(tmp_path / "list.csv", list(rows)))
    return clusters.cluster_of


def same_company(tmp_path: Path, first: list[str], second: list[str]) -> bool:
    one, other = clusters_of(tmp_path, first, second)
    return one == other


def reason_for(tmp_path: Path, first: list[str], second: list[str]) -> str:
    _records, clusters = read_call_list(write_list(tmp_path / "list.csv", [first, second]))
    return clusters.reasons[1]


# --- 法人番号 --------------------------------------------------------------------------


def test_equal_valid_corporate_numbers_are_one_company_whatever_the_names(tmp_path: Path) -> None:
    first = row("株式会社サッポロテック", number=VALID_NUMBER, address=CHUO, phone=PHONE)
    second = row("北海道システム開発(株)", number=VALID_NUMBER, address=KITA, phone=OTHER_PHONE)
    assert same_company(tmp_path, first, second)
    assert reason_for(tmp_path, first, second) == "法人番号が一致"


def test_different_valid_corporate_numbers_are_two_companies_though_all_else_agrees(
    tmp_path: Path,
) -> None:
    first = row("株式会社サッポロテック", number=VALID_NUMBER, address=CHUO, phone=PHONE)
    second = row("株式会社サッポロテック", number=OTHER_NUMBER, address=CHUO, phone=PHONE)
    assert not same_company(tmp_path, first, second)


def test_a_number_failing_its_check_digit_does_not_make_two_rows_one_company(
    tmp_path: Path,
) -> None:
    first = row("株式会社サッポロテック", number=WRONG_NUMBER, address=CHUO, phone=PHONE)
    second = row("北海道システム開発(株)", number=WRONG_NUMBER, address=KITA, phone=OTHER_PHONE)
    assert not same_company(tmp_path, first, second)


def test_a_number_failing_its_check_digit_does_not_keep_two_rows_apart(tmp_path: Path) -> None:
    first = row("株式会社サッポロテック", number=VALID_NUMBER, address=CHUO, phone=PHONE)
    second = row("株式会社サッポロテック", number=WRONG_OTHER_NUMBER, address=CHUO, phone=PHONE)
    assert same_company(tmp_path, first, second)
    assert reason_for(tmp_path, first, second) == "名称・電話番号・住所が一致"


def test_a_chain_of_matches_never_joins_two_valid_corporate_numbers(tmp_path: Path) -> None:
    # The middle row matches both ends, which are different companies by their numbers.
    one, middle, other = clusters_of(
        tmp_path,
        row("株式会社サッポロテック", number=VALID_NUMBER, address=CHUO, phone=PHONE),
        row("サッポロテック", address=CHUO, phone=PHONE),
        row("サッポロテック株式会社", number=OTHER_NUMBER, address=CHUO, phone=PHONE),
    )
    assert one != other
    assert middle in (one, other)


# --- Names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["㈱サッポロテック", "サッポロテック株式会社", "(株) サッポロテック", "サッポロテック（株）"],
)
def test_the_legal_form_is_left_out_however_and_wherever_it_is_written(
    tmp_path: Path, written: str
) -> None:
    assert same_company(
        tmp_path,
        row("株式会社サッポロテック", phone=PHONE),
        row(written, phone=PHONE),
    )


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("ｻｯﾎﾟﾛﾃｯｸ(株)", "株式会社サッポロテック"),
        ("ＡＢＣ商事", "ABC商事"),
        ("さっぽろ 商店", "サッポロ商店"),
    ],
)
def test_width_script_and_spaces_do_not_matter(tmp_path: Path, written: str, other: str) -> None:
    assert same_company(tmp_path, row(written, address=CHUO), row(other, address=CHUO_AS_DIGITS))


def test_a_typo_in_the_name_is_forgiven_when_phone_and_address_agree(tmp_path: Path) -> None:
    first = row("宮の森鉄工所株式会社", address=CHUO, phone=PHONE)
    second = row("宮ノ森鉄エ所㈱", address=CHUO_AS_DIGITS, phone=PHONE)
    assert same_company(tmp_path, first, second)
    assert reason_for(tmp_path, first, second).startswith("名称が類似（")


def test_a_typo_in_the_name_is_not_forgiven_against_another_phone_number(tmp_path: Path) -> None:
    assert not same_company(
        tmp_path,
        row("太興共同警備保障(株)", address=CHUO, phone=PHONE),
        row("（株）太豊共同警備保障", address=CHUO_AS_DIGITS, phone=OTHER_PHONE),
    )


def test_names_in_other_kanji_meet_through_equal_readings(tmp_path: Path) -> None:
    first = row("富士見工業株式会社", kana="フジミコウギョウ", address=CHUO)
    second = row("冨士美工業(株)", kana="ﾌｼﾞﾐｺｳｷﾞｮｳ", address=CHUO_AS_DIGITS)
    assert same_company(tmp_path, first, second)
    assert reason_for(tmp_path, first, second).startswith("フリガナが一致")


def test_a_name_spelled_in_kana_meets_its_kanji_when_the_reading_confirms_it(
    tmp_path: Path,
) -> None:
    first = row("株式会社白石建設", kana="シロイシケンセツ", address=CHUO, phone=PHONE)
    second = row("(株) しろいし 建設", address=CHUO_AS_DIGITS)
    assert same_company(tmp_path, first, second)
    assert "読みで確認" in reason_for(tmp_path, first, second)


def test_a_reading_that_does_not_fit_the_kana_keeps_names_apart(tmp_path: Path) -> None:
    assert not same_company(
        tmp_path,
        row("株式会社白石建設", kana="ハクセキケンセツ", address=CHUO, phone=PHONE),
        row("(株) しろいし 建設", address=CHUO_AS_DIGITS),
    )


def test_companies_sharing_an_office_and_a_phone_are_not_merged(tmp_path: Path) -> None:
    assert not same_company(
        tmp_path,
        row("太田建設株式会社", address=CHUO, phone=PHONE),
        row("太田不動産株式会社", address=CHUO, phone=PHONE),
    )


# --- Places ----------------------------------------------------------------------------


def test_kanji_numerals_hyphens_and_the_building_do_not_matter_in_the_address(
    tmp_path: Path,
) -> None:
    first = row("株式会社サッポロテック", address=CHUO, phone=PHONE)
    second = row("サッポロテック", address=CHUO_AS_DIGITS)
    assert same_company(tmp_path, first, second)
    assert reason_for(tmp_path, first, second) == "名称・住所が一致"


@pytest.mark.parametrize(
    "written",
    [
        "０１１（２１１）２１１１",
        "+81-11-211-2111",
        "TEL:011.211.2111",
        "011 211 2111",
        "0112112111",
    ],
)
def test_phone_numbers_meet_however_they_are_punctuated(tmp_path: Path, written: str) -> None:
    assert phone_digits(written) == phone_key(written) == "0112112111"
    first = row("株式会社サッポロテック", phone=PHONE)
    second = row("サッポロテック", phone=written)
    assert same_company(tmp_path, first, second)
    assert reason_for(tmp_path, first, second) == "名称・電話番号が一致"


def test_the_same_name_in_another_ward_is_another_company(tmp_path: Path) -> None:
    assert not same_company(
        tmp_path,
        row("株式会社サッポロテック", address=CHUO, phone=PHONE),
        row("株式会社サッポロテック", address=KITA, phone=OTHER_PHONE),
    )


def test_the_same_name_in_another_ward_is_another_company_even_sharing_a_phone(
    tmp_path: Path,
) -> None:
    assert not same_company(
        tmp_path,
        row("株式会社サッポロテック", address=CHUO, phone=PHONE),
        row("株式会社サッポロテック", address=KITA, phone=PHONE),
    )


def test_the_same_name_with_another_address_and_another_phone_is_another_company(
    tmp_path: Path,
) -> None:
    assert not same_company(
        tmp_path,
        row("株式会社サッポロテック", address=CHUO, phone=PHONE),
        row("株式会社サッポロテック", address=CHUO_NEXT_DOOR, phone=OTHER_PHONE),
    )


def test_the_same_name_with_nothing_to_place_it_is_not_enough(tmp_path: Path) -> None:
    assert not same_company(
        tmp_path, row("株式会社サッポロテック", phone=PHONE), row("株式会社サッポロテック")
    )


def test_a_switchboard_number_shared_by_many_rows_is_no_evidence(tmp_path: Path) -> None:
    alike = [row("札幌精機", phone=PHONE), row("札幌精器", phone=PHONE)]
    assert same_company(tmp_path, *alike)
    others = [row(f"テナント{number}号商事", phone=PHONE) for number in range(8)]
    first, second, *_ = clusters_of(tmp_path, *alike, *others)
    assert first != second


def test_the_street_key_drops_prefecture_and_building_but_keeps_the_block() -> None:
    assert street_key(address_key(CHUO)) == CHUO_AS_DIGITS
    sapporo_block = "北海道札幌市白石区本通3丁目南5-2 ライラックビル2F"
    assert street_key(address_key(sapporo_block)) == "札幌市白石区本通3南5-2"


def test_worker_processes_read_a_list_exactly_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "list.csv"
    write_csv(generate_companies(300, seed=3), path)
    table = read_table(path)
    alone = matching.records_from_table(table)
    monkeypatch.setattr(matching, "_PARALLEL_FROM", 0)
    monkeypatch.setattr(matching, "_worker_count", lambda: 2)
    assert matching.records_from_table(table) == alone


# --- Accuracy --------------------------------------------------------------------------


def pairs(counts: Counter[object]) -> int:
    return sum(count * (count - 1) // 2 for count in counts.values())


def test_it_finds_the_generated_duplicates_with_pairwise_f1_above_0_98(tmp_path: Path) -> None:
    # Measured at 1.0 for seeds 1 to 10; the floor leaves room for a harder generator.
    companies = generate_companies(2_000, seed=11)
    write_csv(companies, tmp_path / "list.csv")
    records, clusters = read_call_list(tmp_path / "list.csv")
    entity_of = {company.ref: company.entity_id for company in companies}
    entities = [entity_of[ref] for ref in records.identifiers]
    correct = pairs(Counter(zip(clusters.cluster_of, entities, strict=True)))
    precision = correct / pairs(Counter(clusters.cluster_of))
    recall = correct / pairs(Counter(entities))
    assert precision >= 0.99
    assert recall >= 0.97
    assert 2 * precision * recall / (precision + recall) >= 0.98


# --- The command -----------------------------------------------------------------------


def run_dedupe(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        call_command("dedupe_companies", *args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_command_writes_one_line_per_row_with_its_cluster_score_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_list(
        tmp_path / "list.csv",
        [
            row("株式会社サッポロテック", ref="A1", number=VALID_NUMBER, phone=PHONE),
            row("北海道システム開発(株)", ref="A2", address=KITA),
            row("サッポロテック㈱", ref="A3", number=VALID_NUMBER, address=CHUO),
        ],
    )
    out = tmp_path / "clusters.csv"
    code, _out, err = run_dedupe("--input", str(path), "--out", str(out), capsys=capsys)
    assert code == 0
    assert "3 行 → 2 社" in err
    lines = read_output(out)
    assert list(lines[0]) == ["ref", "cluster", "score", "reason"]
    assert [line["ref"] for line in lines] == ["A1", "A2", "A3"]
    assert lines[0]["cluster"] == lines[2]["cluster"] != lines[1]["cluster"]
    assert lines[0]["score"] == "1.00"
    assert lines[0]["reason"] == "法人番号が一致（A3）"
    assert lines[1]["score"] == lines[1]["reason"] == ""


def test_rows_without_a_reference_are_named_by_their_row_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_list(
        tmp_path / "list.csv",
        [["株式会社サッポロテック", PHONE], ["", PHONE], ["サッポロテック", PHONE]],
        header=["会社名", "電話"],
    )
    code, out, _err = run_dedupe("--input", str(path), capsys=capsys)
    assert code == 0
    lines = list(csv.DictReader(out.splitlines()))
    assert [line["ref"] for line in lines] == ["2", "3", "4"]
    assert lines[0]["cluster"] == lines[2]["cluster"] != lines[1]["cluster"]
    assert "名称が空" in lines[1]["reason"]


def test_the_command_reads_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(row("株式会社サッポロテック", ref="X1", phone=PHONE))
    sheet.append(row("ｻｯﾎﾟﾛﾃｯｸ(ｶ)", ref="X2", phone="011(211)2111"))
    workbook.save(tmp_path / "list.xlsx")
    code, out, _err = run_dedupe("--input", str(tmp_path / "list.xlsx"), capsys=capsys)
    assert code == 0
    first, second = csv.DictReader(out.splitlines())
    assert first["cluster"] == second["cluster"]


def test_the_command_reads_the_national_tax_agency_bulk_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def nta_row(sequence: int, number: str, name: str, close_date: str = "") -> list[str]:
        cells = [""] * 30
        cells[:2] = [str(sequence), number]
        cells[6], cells[9], cells[10], cells[11] = name, "北海道", "札幌市中央区", "北一条西二丁目1"
        cells[18], cells[23] = close_date, "1"
        return cells

    path = tmp_path / "01_hokkaido_all.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                nta_row(1, VALID_NUMBER, "株式会社サッポロテック"),
                nta_row(2, OTHER_NUMBER, "株式会社サッポロテック"),
                nta_row(3, WRONG_NUMBER, "閉鎖物産株式会社", close_date="2023-03-31"),
            ]
        )
    code, out, _err = run_dedupe("--input", str(path), capsys=capsys)
    assert code == 0
    first, second, closed = csv.DictReader(out.splitlines())
    assert first["cluster"] != second["cluster"]
    assert "閉鎖" in closed["reason"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "ファイルが空です"), ("番号,住所\n1,札幌市\n".encode(), "名称の列が見つかりません")],
    ids=["empty", "no-name-column"],
)
def test_unreadable_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run_dedupe("--input", str(path), capsys=capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_a_missing_input_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_dedupe("--input", str(tmp_path / "nowhere.csv"), capsys=capsys)
    assert code == 2
    assert "nowhere.csv" in err


@pytest.mark.django_db
def test_registry_mode_proposes_pairs_of_stored_companies_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = Company.objects.create(name="株式会社サッポロテック", address=CHUO, phone=PHONE)
    second = Company.objects.create(name="ｻｯﾎﾟﾛﾃｯｸ(株)", address=CHUO_AS_DIGITS, phone="")
    Company.objects.create(name="株式会社サッポロテック", address=KITA, phone=OTHER_PHONE)
    Company.objects.create(name="北海道システム開発(株)", address=CHUO, phone=OTHER_PHONE)
    before = list(Company.objects.order_by("id").values_list("id", "updated_at"))
    out = tmp_path / "pairs.csv"
    code, _out, err = run_dedupe("--registry", "--out", str(out), capsys=capsys)
    assert code == 0
    assert "確認候補 1 組" in err
    (pair,) = read_output(out)
    assert (pair["company_id"], pair["other_company_id"]) == (str(first.pk), str(second.pk))
    assert pair["name"] == "株式会社サッポロテック"
    assert pair["reason"] == "名称・住所が一致"
    assert list(Company.objects.order_by("id").values_list("id", "updated_at")) == before
