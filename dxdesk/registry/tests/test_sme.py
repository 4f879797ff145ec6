from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxdesk.registry.industries import INDUSTRIES
from dxdesk.registry.sme import (
    CompanySize,
    classify,
    default_rules,
    format_yen,
    load_rules,
)

OKU = 100_000_000
MAN = 10_000

# 別表1-1 and 1-2, one row per line: a code in the category, its capital limit, its
# employee limit and its small-business employee limit.
ROWS = [
    pytest.param("E09", 3 * OKU, 300, 20, id="manufacturing"),
    pytest.param("D", 3 * OKU, 300, 20, id="construction"),
    pytest.param("H", 3 * OKU, 300, 20, id="transport"),
    pytest.param("I52", 1 * OKU, 100, 5, id="wholesale"),
    pytest.param("L", 5000 * MAN, 100, 5, id="service"),
    pytest.param("I58", 5000 * MAN, 50, 5, id="retail"),
    pytest.param("M76", 5000 * MAN, 50, 5, id="restaurant"),
    pytest.param("E19", 3 * OKU, 900, 20, id="rubber-products"),
    pytest.param("G391", 3 * OKU, 300, 5, id="software"),
    pytest.param("G3921", 3 * OKU, 300, 5, id="information-processing"),
    pytest.param("M751", 5000 * MAN, 200, 5, id="ryokan"),
]


@pytest.mark.parametrize(("code", "capital", "employees", "small"), ROWS)
def test_capital_exactly_at_the_limit_makes_an_sme(
    code: str, capital: int, employees: int, small: int
) -> None:
    assert classify(code, capital, employees + 1).size is CompanySize.SME


@pytest.mark.parametrize(("code", "capital", "employees", "small"), ROWS)
def test_one_yen_over_the_capital_limit_is_not_an_sme(
    code: str, capital: int, employees: int, small: int
) -> None:
    assert classify(code, capital + 1, employees + 1).size is CompanySize.LARGE


@pytest.mark.parametrize(("code", "capital", "employees", "small"), ROWS)
def test_employees_exactly_at_the_limit_make_an_sme(
    code: str, capital: int, employees: int, small: int
) -> None:
    assert classify(code, capital * 10, employees).size is CompanySize.SME


@pytest.mark.parametrize(("code", "capital", "employees", "small"), ROWS)
def test_one_employee_over_the_limit_is_not_an_sme(
    code: str, capital: int, employees: int, small: int
) -> None:
    assert classify(code, capital * 10, employees + 1).size is CompanySize.LARGE


@pytest.mark.parametrize(("code", "capital", "employees", "small"), ROWS)
def test_employees_exactly_at_the_small_limit_make_a_small_business(
    code: str, capital: int, employees: int, small: int
) -> None:
    assert classify(code, capital * 10, small).size is CompanySize.SMALL
    assert classify(code, 1, small).size is CompanySize.SMALL


@pytest.mark.parametrize(("code", "capital", "employees", "small"), ROWS)
def test_one_employee_over_the_small_limit_is_an_sme_but_not_small(
    code: str, capital: int, employees: int, small: int
) -> None:
    assert classify(code, 1, small + 1).size is CompanySize.SME


def test_it_explains_a_restaurant_in_one_paragraph() -> None:
    result = classify("M76", None, 12)
    assert result.reason == (
        "小売業（飲食店を含む）：資本金5,000万円以下または従業員50人以下。"
        "従業員12人のため中小企業者。従業員5人超のため小規模事業者ではありません。"
    )
    assert result.reason_en == (
        "Retail (including restaurants): capital of ¥50,000,000 or less or 50 employees "
        "or fewer. An SME because of its 12 employees. Not a small business: more than "
        "5 employees."
    )
    assert result.category == "retail"


def test_it_names_both_figures_when_both_are_within_the_limits() -> None:
    result = classify("G391", 10_000_000, 3)
    assert result.size is CompanySize.SMALL
    assert "資本金1,000万円、従業員3人のため中小企業者。" in result.reason
    assert "従業員5人以下のため小規模事業者。" in result.reason


def test_it_names_the_figures_that_exceed_for_a_large_company() -> None:
    result = classify("E", 10 * OKU, 1_000)
    assert result.size is CompanySize.LARGE
    assert "資本金10億円" in result.reason
    assert "従業員1,000人" in result.reason


@pytest.mark.parametrize(
    ("code", "category"),
    [
        *[(f"I{number}", "wholesale") for number in range(50, 56)],
        *[(f"I{number}", "retail") for number in range(56, 62)],
        ("I50-55", "wholesale"),
        ("I56-61", "retail"),
        ("M76", "retail"),
        ("M77", "retail"),
        ("M75", None),
        ("M752", "service"),
        ("M751", "ryokan"),
        ("G38", "service"),
        ("G3922", "service"),
        ("G391", "software_and_information_processing"),
        ("G3921", "software_and_information_processing"),
        ("G37", "manufacturing_and_other"),
        ("G40", "manufacturing_and_other"),
        ("G411", "service"),
        ("G413", "manufacturing_and_other"),
        ("G414", "manufacturing_and_other"),
        ("G415", "service"),
        ("K68", "manufacturing_and_other"),
        ("K69", None),
        ("K691", "manufacturing_and_other"),
        ("K68-69", "manufacturing_and_other"),
        ("K693", "service"),
        ("K70", "service"),
        ("L", "service"),
        ("N78", "service"),
        ("N791", "manufacturing_and_other"),
        ("O", "service"),
        ("P", "service"),
        ("Q", "service"),
        ("R", "service"),
        ("A", "manufacturing_and_other"),
        ("B", "manufacturing_and_other"),
        ("C", "manufacturing_and_other"),
        ("D", "manufacturing_and_other"),
        ("E09", "manufacturing_and_other"),
        ("E19", "rubber_products"),
        ("E1911", "rubber_products"),
        ("F", "manufacturing_and_other"),
        ("H", "manufacturing_and_other"),
        ("J", "manufacturing_and_other"),
    ],
)
def test_it_maps_each_jsic_code_to_its_category(code: str, category: str | None) -> None:
    assert classify(code, None, 1_000_000).category == category


def test_every_code_in_the_rules_is_in_the_industry_table() -> None:
    rules = default_rules()
    for code in rules.industry_categories:
        assert code in INDUSTRIES, code


def test_every_division_but_unclassifiable_has_a_category() -> None:
    rules = default_rules()
    for division in "ABCDEFGHIJKLMNOPQRS":
        assert rules.categories_for(division), division
    assert rules.categories_for("T") == []


@pytest.mark.parametrize("code", ["I", "G", "K", "K69", "M", "E", "N", "G39", "G392", "M75", "N79"])
def test_a_coarse_code_can_fall_into_several_categories(code: str) -> None:
    assert len(default_rules().categories_for(code)) > 1


def test_a_coarse_code_is_decided_when_every_category_agrees() -> None:
    result = classify("I", None, 3)
    assert result.size is CompanySize.SMALL
    assert result.category is None
    assert "いずれの基準でも小規模事業者です" in result.reason


def test_a_coarse_code_is_an_sme_when_only_the_small_business_question_differs() -> None:
    result = classify("K", OKU, 10)
    assert result.size is CompanySize.SME
    assert "小規模事業者かどうかは分類によって異なります" in result.reason


def test_a_coarse_code_is_unknown_when_the_categories_disagree() -> None:
    result = classify("E", 5 * OKU, 500)
    assert result.size is CompanySize.UNKNOWN
    assert "ゴム製品製造業（一部を除く）なら中小企業者" in result.reason
    assert "業種をより細かく指定してください" in result.reason
    assert "more specific industry" in result.reason_en


def test_a_generic_information_service_is_large_only_when_it_is_large_as_software_too() -> None:
    assert classify("G39", 2 * OKU, 250).size is CompanySize.UNKNOWN
    assert classify("G39", 10 * OKU, 1_000).size is CompanySize.LARGE


def test_a_sole_proprietor_is_judged_by_employees_alone() -> None:
    assert classify("I58", 10 * OKU, 3, sole_proprietor=True).size is CompanySize.SMALL
    assert classify("I58", None, 50, sole_proprietor=True).size is CompanySize.SME
    assert classify("I58", 1, 51, sole_proprietor=True).size is CompanySize.LARGE
    result = classify("I58", None, 3, sole_proprietor=True)
    assert "個人事業主のため資本金は問いません" in result.reason


def test_a_sole_proprietor_without_an_employee_count_is_unknown() -> None:
    result = classify("I58", 1_000_000, None, sole_proprietor=True)
    assert result.size is CompanySize.UNKNOWN
    assert result.reason == "従業員数が不明のため判定できません。"


def test_an_unknown_industry_is_unknown_and_says_so() -> None:
    result = classify(None, 1_000_000, 3)
    assert result.size is CompanySize.UNKNOWN
    assert result.reason == "業種が不明のため判定できません。"
    assert result.reason_en == "Cannot decide: the industry is unknown."


def test_missing_figures_are_unknown_and_listed() -> None:
    result = classify("E", None, None)
    assert result.size is CompanySize.UNKNOWN
    assert result.reason == "資本金・従業員数が不明のため判定できません。"
    everything = classify(None, None, None)
    assert everything.reason == "業種・資本金・従業員数が不明のため判定できません。"
    assert everything.reason_en == (
        "Cannot decide: the industry, the capital and the number of employees are unknown."
    )


@pytest.mark.parametrize("code", ["T", "Z9", "謎"])
def test_an_industry_outside_the_categories_is_unknown(code: str) -> None:
    result = classify(code, 1_000_000, 3)
    assert result.size is CompanySize.UNKNOWN
    assert "当てはまらない" in result.reason


def test_one_figure_within_the_limit_is_enough_when_the_other_is_missing() -> None:
    result = classify("R", 1_000_000, None)
    assert result.size is CompanySize.SME
    assert "従業員数が不明のため小規模事業者かどうかは判定できません" in result.reason


def test_one_figure_over_the_limit_is_not_enough_when_the_other_is_missing() -> None:
    over_on_employees = classify("R", None, 101)
    assert over_on_employees.size is CompanySize.UNKNOWN
    assert "資本金が不明" in over_on_employees.reason
    over_on_capital = classify("R", 5000 * MAN + 1, None)
    assert over_on_capital.size is CompanySize.UNKNOWN
    assert "従業員数が不明" in over_on_capital.reason


def test_it_accepts_a_loosely_written_code() -> None:
    assert classify("g391", None, 250).category == "software_and_information_processing"


def test_it_refuses_negative_figures() -> None:
    with pytest.raises(ValueError):
        classify("E", -1, 3)
    with pytest.raises(ValueError):
        classify("E", 1, -3)


def test_small_businesses_count_as_smes() -> None:
    assert classify("E", None, 3).is_sme
    assert classify("E", None, 30).is_sme
    assert not classify("E", 10 * OKU, 301).is_sme
    assert not classify(None, None, None).is_sme


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (3 * OKU, "3億円"),
        (OKU, "1億円"),
        (5000 * MAN, "5,000万円"),
        (OKU + 5000 * MAN, "1億5,000万円"),
        (12 * OKU, "12億円"),
        (12_345_678, "12,345,678円"),
        (0, "0円"),
    ],
)
def test_it_writes_yen_the_way_the_table_does(amount: int, text: str) -> None:
    assert format_yen(amount) == text


def test_the_rules_file_is_checked_when_loaded(tmp_path: Path) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text(
        '[categories.retail]\nlabel = "小売業"\nlabel_en = "Retail"\n'
        "capital_limit_yen = 50_000_000\nemployee_limit = 50\nsmall_employee_limit = 5\n"
        '[industry_categories]\nI56 = "retial"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="undefined categories"):
        load_rules(broken)


codes = st.sampled_from(sorted(INDUSTRIES))
amounts = st.none() | st.integers(min_value=0, max_value=100 * OKU)
counts = st.none() | st.integers(min_value=0, max_value=5_000)
SIZE_ORDER = [CompanySize.SMALL, CompanySize.SME, CompanySize.LARGE]


@given(codes, amounts, counts, st.booleans())
def test_it_always_gives_a_size_and_reasons_in_both_languages(
    code: str, capital: int | None, employees: int | None, sole: bool
) -> None:
    result = classify(code, capital, employees, sole_proprietor=sole)
    assert result.size in CompanySize
    assert result.reason.endswith("。")
    assert result.reason_en.endswith(".")


@given(
    codes,
    st.integers(min_value=0, max_value=100 * OKU),
    st.integers(min_value=0, max_value=5_000),
    st.integers(min_value=0, max_value=10 * OKU),
    st.integers(min_value=0, max_value=1_000),
)
def test_a_smaller_company_is_never_classed_as_larger(
    code: str, capital: int, employees: int, less_capital: int, fewer_employees: int
) -> None:
    bigger = classify(code, capital, employees)
    smaller = classify(code, max(capital - less_capital, 0), max(employees - fewer_employees, 0))
    if CompanySize.UNKNOWN in (bigger.size, smaller.size):
        return
    assert SIZE_ORDER.index(smaller.size) <= SIZE_ORDER.index(bigger.size)
