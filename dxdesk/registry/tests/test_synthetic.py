from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxdesk.registry.corporate_number import is_valid_corporate_number
from dxdesk.registry.synthetic import (
    HEADER_EN,
    HEADER_JA,
    SyntheticCompany,
    _check_digit,
    generate_companies,
    iter_companies,
    write_csv,
    write_truth,
    write_xlsx,
)

WARDS = ("中央区", "北区", "東区", "白石区", "豊平区", "南区", "西区", "厚別区", "手稲区", "清田区")
LEGAL_FORM_MARKERS = re.compile(
    r"会社|法人|社団|財団|NPO|ＮＰＯ|[(（](株|有|同|資|名|一社|一財|特非|福|医)[)）]|㈱|㈲|社福"
)
TEXT_FIELDS = ("name", "kana", "address", "phone", "industry", "representative", "email")


@pytest.fixture(scope="module")
def companies() -> list[SyntheticCompany]:
    return generate_companies(20_000, seed=42)


def by_entity(rows: list[SyntheticCompany]) -> dict[int, list[SyntheticCompany]]:
    groups: dict[int, list[SyntheticCompany]] = defaultdict(list)
    for row in rows:
        groups[row.entity_id].append(row)
    return groups


def first_rows(rows: list[SyntheticCompany]) -> list[SyntheticCompany]:
    return [group[0] for group in by_entity(rows).values()]


def ward_of(address: str) -> str | None:
    head = address.split("札幌市", 1)[-1].lstrip(" ")
    return next((ward for ward in WARDS if head.startswith(ward)), None)


def phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    return "0" + digits[2:] if phone.startswith("+81") else digits


def test_it_gives_the_same_rows_for_the_same_seed() -> None:
    assert generate_companies(800, seed=7) == generate_companies(800, seed=7)
    assert generate_companies(800, seed=7) != generate_companies(800, seed=8)


def test_the_iterator_and_the_list_agree() -> None:
    assert list(iter_companies(500, seed=3)) == generate_companies(500, seed=3)


def test_it_streams_without_building_the_list() -> None:
    rows = iter_companies(50_000_000, seed=1)
    assert len(list(itertools.islice(rows, 50))) == 50


@pytest.mark.parametrize("count", [0, 1, 2, 3, 17, 1000])
@pytest.mark.parametrize("duplicate_share", [0.0, 0.08, 0.5])
def test_it_returns_exactly_the_count(count: int, duplicate_share: float) -> None:
    rows = generate_companies(count, seed=5, duplicate_share=duplicate_share)
    assert len(rows) == count
    assert len({row.ref for row in rows}) == count


def test_the_duplicate_share_is_exact(companies: list[SyntheticCompany]) -> None:
    entities = {row.entity_id for row in companies}
    assert len(companies) - len(entities) == round(20_000 * 0.08)


def test_refs_are_numbered_in_list_order(companies: list[SyntheticCompany]) -> None:
    assert [row.ref for row in companies[:3]] == ["SP000001", "SP000002", "SP000003"]
    assert companies[-1].ref == "SP020000"


def test_duplicate_rows_share_the_entity_and_differ_in_text(
    companies: list[SyntheticCompany],
) -> None:
    groups = [group for group in by_entity(companies).values() if len(group) > 1]
    assert len(groups) > 1000
    for original, *duplicates in groups:
        for duplicate in duplicates:
            assert (duplicate.name, duplicate.address, duplicate.phone) != (
                original.name,
                original.address,
                original.phone,
            )
            assert ward_of(duplicate.address) == ward_of(original.address)


def test_some_companies_are_listed_three_times(companies: list[SyntheticCompany]) -> None:
    sizes = Counter(len(group) for group in by_entity(companies).values())
    assert sizes[2] > 1000
    assert sizes[3] > 50


def test_duplicates_are_not_next_to_their_company(companies: list[SyntheticCompany]) -> None:
    adjacent = sum(
        1
        for row, following in itertools.pairwise(companies)
        if row.entity_id == following.entity_id
    )
    assert adjacent == 0


def test_duplicates_come_after_the_first_row_but_not_in_a_block_at_the_end(
    companies: list[SyntheticCompany],
) -> None:
    seen: set[int] = set()
    duplicate_positions = []
    for position, row in enumerate(companies):
        if row.entity_id in seen:
            duplicate_positions.append(position)
        seen.add(row.entity_id)
    last_tenth = sum(1 for position in duplicate_positions if position >= 18_000)
    assert last_tenth < len(duplicate_positions) * 0.2


def test_duplicates_are_written_the_ways_real_lists_differ(
    companies: list[SyntheticCompany],
) -> None:
    groups = [group for group in by_entity(companies).values() if len(group) > 1]
    pairs = [(group[0], duplicate) for group in groups for duplicate in group[1:]]

    def share(condition: Callable[[SyntheticCompany, SyntheticCompany], object]) -> float:
        return sum(1 for original, duplicate in pairs if condition(original, duplicate)) / len(
            pairs
        )

    assert share(lambda original, duplicate: duplicate.name != original.name) > 0.4
    assert share(lambda _, duplicate: re.search(r"[ｦ-ﾟ]", duplicate.name)) > 0.01
    assert (
        share(lambda _, duplicate: re.search(r"[一二三四五六七八九十]条", duplicate.address)) > 0.1
    )
    assert share(lambda _, duplicate: "番" in duplicate.address and "号" in duplicate.address) > 0.1
    assert share(lambda _, duplicate: re.search(r"[０-９]", duplicate.address)) > 0.05
    assert share(lambda _, duplicate: duplicate.phone == "") > 0.1
    assert share(lambda _, duplicate: duplicate.phone.startswith("+81-")) > 0.02
    assert share(lambda _, duplicate: "（" in duplicate.phone) > 0.02
    assert share(lambda _, duplicate: duplicate.kana == "") > 0.2
    assert share(lambda o, d: o.corporate_number and not d.corporate_number) > 0.2
    assert share(lambda o, d: o.name.replace("株式会社", "㈱") == d.name) > 0.01
    assert share(lambda o, d: d.phone and phone_digits(d.phone) == phone_digits(o.phone)) > 0.5


def test_every_row_has_a_name_and_a_sapporo_ward(companies: list[SyntheticCompany]) -> None:
    for row in companies:
        assert row.name.strip()
        assert ward_of(row.address), row.address
    assert {ward_of(row.address) for row in companies} == set(WARDS)


def test_central_ward_is_the_busiest(companies: list[SyntheticCompany]) -> None:
    wards = Counter(ward_of(row.address) for row in first_rows(companies))
    assert wards.most_common(1)[0][0] == "中央区"


def test_phone_numbers_are_sapporo_or_mobile_numbers(companies: list[SyntheticCompany]) -> None:
    digits = [phone_digits(row.phone) for row in companies if row.phone]
    assert len(digits) > 0.85 * len(companies)
    for number in digits:
        assert re.fullmatch(r"011[2-9]\d{6}|0[789]0[1-9]\d{7}", number), number
    assert sum(1 for number in digits if number.startswith("0")) == len(digits)
    assert 0.02 < sum(1 for number in digits if not number.startswith("011")) / len(digits) < 0.2


def test_different_companies_do_not_share_a_phone_number(
    companies: list[SyntheticCompany],
) -> None:
    owners: dict[str, set[int]] = defaultdict(set)
    for row in companies:
        if row.phone:
            owners[phone_digits(row.phone)].add(row.entity_id)
    assert all(len(entities) == 1 for entities in owners.values())


def test_the_check_digit_is_the_national_tax_agency_formula() -> None:
    # 国税庁's own number.
    assert _check_digit("000012050002") == 7
    for base in ("430001000001", "123456789012", "999999999999", "000000000000"):
        assert is_valid_corporate_number(f"{_check_digit(base)}{base}")


def test_most_corporations_carry_a_valid_corporate_number(
    companies: list[SyntheticCompany],
) -> None:
    originals = first_rows(companies)
    corporations = [row for row in originals if LEGAL_FORM_MARKERS.search(row.name)]
    numbers = [row.corporate_number for row in corporations if row.corporate_number]
    valid = [number for number in numbers if is_valid_corporate_number(number)]
    assert all(re.fullmatch(r"\d{13}", number) for number in numbers)
    assert 0.8 < len(valid) / len(corporations) < 0.9
    assert 0.01 < (len(numbers) - len(valid)) / len(corporations) < 0.035


def test_sole_proprietors_have_no_legal_form_and_no_corporate_number(
    companies: list[SyntheticCompany],
) -> None:
    originals = first_rows(companies)
    sole_proprietors = [row for row in originals if not LEGAL_FORM_MARKERS.search(row.name)]
    assert 0.12 < len(sole_proprietors) / len(originals) < 0.25
    assert all(row.corporate_number == "" and row.capital is None for row in sole_proprietors)
    mobiles = [row for row in sole_proprietors if re.match(r"0[789]0-", row.phone)]
    assert len(mobiles) > 0.2 * len(sole_proprietors)


def test_corporate_numbers_belong_to_one_company_each(companies: list[SyntheticCompany]) -> None:
    owners: dict[str, set[int]] = defaultdict(set)
    for row in companies:
        if row.corporate_number:
            owners[row.corporate_number[1:]].add(row.entity_id)
    assert all(len(entities) == 1 for entities in owners.values())


def test_hard_negatives_share_a_name_in_another_ward(companies: list[SyntheticCompany]) -> None:
    by_name: dict[str, dict[int, str | None]] = defaultdict(dict)
    for row in first_rows(companies):
        by_name[row.name][row.entity_id] = ward_of(row.address)
    namesakes = [wards for wards in by_name.values() if len(wards) > 1]
    assert len(namesakes) >= 20
    for wards in namesakes:
        assert len(set(wards.values())) == len(wards)


def test_names_rarely_repeat_across_companies(companies: list[SyntheticCompany]) -> None:
    originals = first_rows(companies)
    names = Counter(row.name for row in originals)
    repeated = sum(count for count in names.values() if count > 1)
    assert repeated / len(originals) < 0.03


def test_kana_is_katakana_when_present(companies: list[SyntheticCompany]) -> None:
    for row in first_rows(companies):
        assert re.fullmatch(r"[ァ-ヶー]*", row.kana), row.kana


def test_kana_matches_the_name_without_its_legal_form() -> None:
    rows = first_rows(generate_companies(2000, seed=9))
    katakana_names = [
        row
        for row in rows
        if row.kana and re.fullmatch(r"[ァ-ヶー]+", LEGAL_FORM_MARKERS.sub("", row.name))
    ]
    assert katakana_names
    for row in katakana_names:
        assert LEGAL_FORM_MARKERS.sub("", row.name) in row.kana


def test_sizes_are_mostly_small_with_a_few_large(companies: list[SyntheticCompany]) -> None:
    originals = first_rows(companies)
    employees = [row.employees for row in originals if row.employees is not None]
    capitals = [row.capital for row in originals if row.capital is not None]
    assert sum(1 for count in employees if count <= 20) / len(employees) > 0.8
    assert 0 < sum(1 for count in employees if count >= 300) / len(employees) < 0.02
    assert sum(1 for yen in capitals if 1_000_000 <= yen <= 50_000_000) / len(capitals) > 0.85
    assert any(yen >= 100_000_000 for yen in capitals)


def test_industries_read_like_a_call_list(companies: list[SyntheticCompany]) -> None:
    industries = Counter(row.industry for row in first_rows(companies))
    for label in ("建設業", "製造業", "小売業", "飲食店", "ソフトウェア業", "医療・福祉"):
        assert industries[label] > 0
    assert industries.most_common(1)[0][0] in ("建設業", "サービス業")


def test_every_character_is_encodable_in_cp932(companies: list[SyntheticCompany]) -> None:
    for row in companies:
        for field in TEXT_FIELDS:
            getattr(row, field).encode("cp932")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_the_csv_reads_back_with_the_csv_module(
    tmp_path: Path, companies: list[SyntheticCompany], encoding: str
) -> None:
    path = tmp_path / "call-list.csv"
    assert write_csv(companies, path, encoding=encoding) == len(companies)
    with path.open(encoding=encoding, newline="") as file:
        header, *rows = list(csv.reader(file))
    assert tuple(header) == HEADER_JA
    assert len(rows) == len(companies)
    for written, company in zip(rows, companies, strict=True):
        expected = [getattr(company, field) for field in HEADER_EN]
        assert written == ["" if value is None else str(value) for value in expected]


def test_the_csv_can_have_an_english_header(tmp_path: Path) -> None:
    path = tmp_path / "call-list.csv"
    write_csv(generate_companies(3), path, header="en")
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(HEADER_EN)


def test_the_xlsx_holds_the_same_rows(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = generate_companies(50, seed=4)
    path = tmp_path / "call-list.xlsx"
    assert write_xlsx(rows, path) == 50
    sheet = load_workbook(path, read_only=True).active
    assert sheet is not None
    header, *values = list(sheet.iter_rows(values_only=True))
    assert header == HEADER_JA
    assert [value[0] for value in values] == [row.ref for row in rows]
    assert values[0][7] == rows[0].capital


def test_the_truth_file_maps_each_ref_to_its_entity(tmp_path: Path) -> None:
    rows = generate_companies(300, seed=6)
    path = tmp_path / "truth.csv"
    assert write_truth(rows, path) == 300
    with path.open(encoding="utf-8", newline="") as file:
        truth = list(csv.DictReader(file))
    assert [(line["ref"], int(line["entity_id"])) for line in truth] == [
        (row.ref, row.entity_id) for row in rows
    ]


def test_it_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="count"):
        iter_companies(-1)
    with pytest.raises(ValueError, match="duplicate_share"):
        iter_companies(10, duplicate_share=1.0)
    with pytest.raises(ValueError, match="header"):
        write_csv([], tmp_path / "x.csv", header="fr")


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=400),
    duplicate_share=st.floats(min_value=0, max_value=0.9),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_any_count_and_share_give_exact_unique_rows(
    count: int, duplicate_share: float, seed: int
) -> None:
    rows = generate_companies(count, seed=seed, duplicate_share=duplicate_share)
    assert len(rows) == count
    assert len({row.ref for row in rows}) == count
    expected_duplicates = min(round(count * duplicate_share), max(count - 1, 0))
    assert count - len({row.entity_id for row in rows}) == expected_duplicates
