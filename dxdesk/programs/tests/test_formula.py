from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxdesk.programs.definition import Placeholder, SubsidyFormula, load_definition
from dxdesk.programs.formula import IncompleteFormula, round_to_unit, subsidy_amount

PROGRAMMES = Path(__file__).resolve().parents[3] / "programmes"


def seed_formula(file_name: str, track: str) -> SubsidyFormula:
    formula = load_definition(PROGRAMMES / file_name).tracks[track].formula
    assert formula is not None
    return formula


PREFECTURE = seed_formula("pref-productivity-2023.toml", "subsidy")  # 002
NARA = seed_formula("nara-diginara-2024.toml", "saas_grant")  # 001
SAPPORO_TOPUP = seed_formula("sapporo-dx-2026.toml", "topup_grant")  # 000
SAPPORO_DX = seed_formula("sapporo-dx-2026.toml", "dx_grant")  # 000

yen = st.integers(min_value=0, max_value=50_000_000)


@st.composite
def formulas(draw: st.DrawFn) -> SubsidyFormula:
    denominator = draw(st.integers(min_value=1, max_value=12))
    rate = Fraction(draw(st.integers(min_value=1, max_value=denominator)), denominator)
    unit = draw(st.sampled_from([1, 10, 100, 1_000, 10_000]))
    ceiling = draw(st.none() | st.integers(min_value=1, max_value=2_000).map(lambda n: n * unit))
    floor_cap = ceiling // unit if ceiling is not None else 2_000
    floor = draw(st.none() | st.integers(min_value=1, max_value=floor_cap).map(lambda n: n * unit))
    return SubsidyFormula(
        base=draw(st.sampled_from(["cost", "cost_minus_other_grant"])),
        other_grant="国の補助金",
        rate=rate,
        ceiling_yen=ceiling,
        floor_yen=floor,
        rounding_unit_yen=unit,
        rounding=draw(st.sampled_from(["down", "up", "half_up"])),
    )


def base_of(formula: SubsidyFormula, cost: int, other: int) -> int:
    return max(cost - other, 0) if formula.base == "cost_minus_other_grant" else cost


def other_for(formula: SubsidyFormula, other: int) -> int:
    return other if formula.base == "cost_minus_other_grant" else 0


# -- properties -------------------------------------------------------------------------


@given(formulas(), yen, yen)
def test_it_never_pays_above_the_ceiling(formula: SubsidyFormula, cost: int, other: int) -> None:
    result = subsidy_amount(
        formula, eligible_cost_yen=cost, other_grant_yen=other_for(formula, other)
    )
    if isinstance(formula.ceiling_yen, int):
        assert result.amount_yen <= formula.ceiling_yen


@given(formulas().filter(lambda formula: formula.rounding == "down"), yen, yen)
def test_rounding_down_never_pays_above_rate_times_base(
    formula: SubsidyFormula, cost: int, other: int
) -> None:
    other = other_for(formula, other)
    result = subsidy_amount(formula, eligible_cost_yen=cost, other_grant_yen=other)
    assert isinstance(formula.rate, Fraction)
    assert result.amount_yen <= formula.rate * base_of(formula, cost, other)


@given(formulas(), yen, yen)
def test_the_amount_is_on_the_rounding_grid(formula: SubsidyFormula, cost: int, other: int) -> None:
    result = subsidy_amount(
        formula, eligible_cost_yen=cost, other_grant_yen=other_for(formula, other)
    )
    assert result.amount_yen % formula.rounding_unit_yen == 0


@given(formulas(), yen, yen)
def test_below_the_ceiling_the_amount_is_within_one_unit_of_the_exact_share(
    formula: SubsidyFormula, cost: int, other: int
) -> None:
    other = other_for(formula, other)
    result = subsidy_amount(formula, eligible_cost_yen=cost, other_grant_yen=other)
    assert isinstance(formula.rate, Fraction)
    exact = formula.rate * base_of(formula, cost, other)
    capped = isinstance(formula.ceiling_yen, int) and exact >= formula.ceiling_yen
    if result.eligible and not capped:
        assert abs(result.amount_yen - exact) < formula.rounding_unit_yen


@given(formulas(), yen, yen, yen)
def test_it_is_monotone_in_the_cost(
    formula: SubsidyFormula, cost: int, extra: int, other: int
) -> None:
    other = other_for(formula, other)
    lower = subsidy_amount(formula, eligible_cost_yen=cost, other_grant_yen=other)
    higher = subsidy_amount(formula, eligible_cost_yen=cost + extra, other_grant_yen=other)
    assert lower.amount_yen <= higher.amount_yen


@given(formulas().filter(lambda formula: formula.base == "cost_minus_other_grant"), yen, yen, yen)
def test_a_larger_other_grant_never_raises_the_amount(
    formula: SubsidyFormula, cost: int, other: int, extra: int
) -> None:
    smaller = subsidy_amount(formula, eligible_cost_yen=cost, other_grant_yen=other)
    larger = subsidy_amount(formula, eligible_cost_yen=cost, other_grant_yen=other + extra)
    assert larger.amount_yen <= smaller.amount_yen


@given(formulas(), yen, yen)
def test_the_floor_is_a_threshold_not_a_minimum(
    formula: SubsidyFormula, cost: int, other: int
) -> None:
    result = subsidy_amount(
        formula, eligible_cost_yen=cost, other_grant_yen=other_for(formula, other)
    )
    assert result.eligible == (result.amount_yen > 0)
    if result.eligible and isinstance(formula.floor_yen, int):
        assert result.amount_yen >= formula.floor_yen
    if not result.eligible:
        assert result.reason and result.explanation[-1] == result.reason


@given(formulas(), yen, yen, yen)
def test_settlement_never_exceeds_the_decided_amount(
    formula: SubsidyFormula, cost: int, other: int, decided: int
) -> None:
    other = other_for(formula, other)
    result = subsidy_amount(
        formula, eligible_cost_yen=cost, other_grant_yen=other, decided_yen=decided
    )
    assert result.amount_yen <= decided


@given(st.fractions(min_value=0, max_value=10_000_000), st.sampled_from([1, 10, 1_000]))
def test_rounding_modes_bracket_the_exact_amount(amount: Fraction, unit: int) -> None:
    down, up = round_to_unit(amount, unit, "down"), round_to_unit(amount, unit, "up")
    half = round_to_unit(amount, unit, "half_up")
    assert down <= amount <= up
    assert up - down in (0, unit)
    assert down <= half <= up
    assert abs(half - amount) <= Fraction(unit, 2)


@given(st.integers(min_value=2_000_000, max_value=100_000_000))
def test_002_pays_half_rounded_down_to_1000_yen_and_at_most_5_million(cost: int) -> None:
    result = subsidy_amount(PREFECTURE, eligible_cost_yen=cost)
    assert result.eligible
    assert result.amount_yen == min(cost // 2 // 1_000 * 1_000, 5_000_000)


@given(st.integers(min_value=0, max_value=1_999_999))
def test_002_refuses_everything_below_the_1_million_floor(cost: int) -> None:
    result = subsidy_amount(PREFECTURE, eligible_cost_yen=cost)
    assert (result.eligible, result.amount_yen) == (False, 0)


@given(yen)
def test_001_pays_half_up_to_200_thousand(cost: int) -> None:
    result = subsidy_amount(NARA, eligible_cost_yen=cost)
    assert result.amount_yen == min(cost // 2, 200_000)


# -- worked examples from the seeds -----------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "amount"),
    [
        (3_000_000, 1_500_000),
        (2_345_678, 1_172_000),  # 1,172,839 → 1,000円未満切り捨て
        (2_000_000, 1_000_000),  # exactly the floor: eligible
        (10_000_000, 5_000_000),  # exactly the ceiling
        (10_001_999, 5_000_000),
        (12_000_000, 5_000_000),
    ],
)
def test_002_worked_examples(cost: int, amount: int) -> None:
    result = subsidy_amount(PREFECTURE, eligible_cost_yen=cost)
    assert (result.eligible, result.amount_yen, result.provisional) == (True, amount, False)


def test_002_explains_why_an_application_below_the_floor_gets_nothing() -> None:
    result = subsidy_amount(PREFECTURE, eligible_cost_yen=1_999_999)
    assert (result.eligible, result.amount_yen) == (False, 0)
    assert result.explanation == (
        "補助対象経費 ¥1,999,999",
        "× 補助率 1/2 = ¥999,999.50 → 1,000円未満切り捨て ¥999,000",
        "補助金額 ¥999,000 が下限額 ¥1,000,000 に満たないため対象外",
    )


def test_002_explains_the_ceiling() -> None:
    result = subsidy_amount(PREFECTURE, eligible_cost_yen=12_000_000)
    assert result.explanation == (
        "補助対象経費 ¥12,000,000",
        "× 補助率 1/2 = ¥6,000,000 → 1,000円未満切り捨て ¥6,000,000",
        "上限額 ¥5,000,000 を適用 → ¥5,000,000",
        "補助金額 ¥5,000,000",
    )


@pytest.mark.parametrize(
    ("cost", "amount"),
    [
        (300_000, 150_000),
        (333_333, 166_666),
        (400_000, 200_000),
        (400_001, 200_000),
        (1_000_000, 200_000),
    ],
)
def test_001_worked_examples(cost: int, amount: int) -> None:
    assert subsidy_amount(NARA, eligible_cost_yen=cost).amount_yen == amount


def test_000_top_up_pays_half_of_the_share_left_after_the_national_subsidy() -> None:
    # A ¥1,000,000 tool with a ¥500,000 national IT subsidy leaves ¥500,000 to the company.
    result = subsidy_amount(SAPPORO_TOPUP, eligible_cost_yen=1_000_000, other_grant_yen=500_000)
    assert result.amount_yen == 250_000
    assert result.explanation[:2] == (
        "補助対象経費 ¥1,000,000",
        "− 国のIT導入補助金 交付決定額 ¥500,000 = 基準額 ¥500,000",
    )


def test_000_top_up_is_provisional_while_the_ceiling_is_a_placeholder() -> None:
    result = subsidy_amount(SAPPORO_TOPUP, eligible_cost_yen=9_000_000, other_grant_yen=1_500_000)
    assert (result.amount_yen, result.provisional) == (3_750_000, True)
    assert any("上限額 未定" in line for line in result.explanation)
    settled = dataclasses.replace(SAPPORO_TOPUP, ceiling_yen=1_000_000)
    result = subsidy_amount(settled, eligible_cost_yen=9_000_000, other_grant_yen=1_500_000)
    assert (result.amount_yen, result.provisional) == (1_000_000, False)


def test_000_top_up_pays_nothing_when_the_national_subsidy_covers_everything() -> None:
    result = subsidy_amount(SAPPORO_TOPUP, eligible_cost_yen=400_000, other_grant_yen=450_000)
    assert (result.eligible, result.amount_yen) == (False, 0)


def test_000_dx_subsidy_cannot_be_computed_before_the_client_sets_its_rate() -> None:
    assert isinstance(SAPPORO_DX.rate, Placeholder)
    with pytest.raises(IncompleteFormula, match="rate"):
        subsidy_amount(SAPPORO_DX, eligible_cost_yen=1_000_000)


def test_it_caps_a_settlement_at_the_decided_amount() -> None:
    result = subsidy_amount(PREFECTURE, eligible_cost_yen=3_500_000, decided_yen=1_500_000)
    assert result.amount_yen == 1_500_000
    assert "交付決定額 ¥1,500,000 を超えない → ¥1,500,000" in result.explanation


@pytest.mark.parametrize(
    "arguments",
    [
        {"eligible_cost_yen": -1},
        {"eligible_cost_yen": True},
        {"eligible_cost_yen": 1_000.0},
        {"eligible_cost_yen": 1_000, "decided_yen": -5},
    ],
)
def test_it_refuses_amounts_that_are_not_whole_yen(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="whole number of yen"):
        subsidy_amount(PREFECTURE, **arguments)  # type: ignore[arg-type]


def test_it_refuses_another_grant_for_a_formula_that_does_not_deduct_one() -> None:
    with pytest.raises(ValueError, match="does not deduct"):
        subsidy_amount(PREFECTURE, eligible_cost_yen=3_000_000, other_grant_yen=1)
