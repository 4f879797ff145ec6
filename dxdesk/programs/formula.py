"""The subsidy amount of one application, computed from a programme's formula.

Exact arithmetic throughout: yen are integers, the rate is a Fraction, and rounding
happens once, to the formula's unit, before the ceiling and floor are applied. The
explanation lines are what a reviewer or an applicant is shown next to the amount.

Order of steps (the order 002 §4(2) reads in: 2分の1以内, 1,000円未満切り捨て, 上限, 下限):
1. base: the eligible cost, or the cost minus another grant (000's top-up pays half of
   the company's own share after the national IT subsidy, 000 §5(1)ウ), never below 0;
2. base × rate, rounded to the unit (down by default: 切り捨て);
3. the ceiling (上限額) caps the amount;
4. the floor (下限額) is a threshold, not a minimum payment: an application whose amount
   is below it is not eligible and gets nothing (002 §4(2) 補助上限額 500万円（下限額 100万円）);
5. at settlement (額の確定), the amount never exceeds what was decided (交付決定額).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from dxdesk.programs.reader import Placeholder
from dxdesk.programs.rules import SubsidyFormula


class IncompleteFormula(ValueError):
    """The formula still has a placeholder where no amount can be computed without it."""


@dataclass(frozen=True)
class SubsidyResult:
    amount_yen: int
    eligible: bool
    # True while the ceiling or floor is still a placeholder the client has to fill.
    provisional: bool
    explanation: tuple[str, ...]
    reason: str = ""


def subsidy_amount(
    formula: SubsidyFormula,
    *,
    eligible_cost_yen: int,
    other_grant_yen: int = 0,
    decided_yen: int | None = None,
) -> SubsidyResult:
    _check_yen("eligible_cost_yen", eligible_cost_yen)
    _check_yen("other_grant_yen", other_grant_yen)
    if decided_yen is not None:
        _check_yen("decided_yen", decided_yen)
    rate = formula.rate
    if not isinstance(rate, Fraction):
        note = rate.note if isinstance(rate, Placeholder) else "missing"
        raise IncompleteFormula(f"the subsidy rate is not set yet: {note}")

    lines: list[str] = []
    provisional = False
    if formula.base == "cost_minus_other_grant":
        base = max(eligible_cost_yen - other_grant_yen, 0)
        lines.append(f"補助対象経費 {_yen(eligible_cost_yen)}")
        lines.append(f"− {formula.other_grant} {_yen(other_grant_yen)} = 基準額 {_yen(base)}")
    else:
        if other_grant_yen:
            raise ValueError("this formula does not deduct another grant")
        base = eligible_cost_yen
        lines.append(f"補助対象経費 {_yen(base)}")

    exact = base * rate
    unit = formula.rounding_unit_yen
    amount = round_to_unit(exact, unit, formula.rounding)
    lines.append(
        f"× 補助率 {rate.numerator}/{rate.denominator} = {_exact_yen(exact)}"
        f" → {_rounding_label(unit, formula.rounding)} {_yen(amount)}"
    )

    ceiling = formula.ceiling_yen
    if isinstance(ceiling, Placeholder):
        provisional = True
        lines.append(f"上限額 未定（{ceiling.note}）: 金額は暫定")
    elif ceiling is not None and amount > ceiling:
        amount = ceiling
        lines.append(f"上限額 {_yen(ceiling)} を適用 → {_yen(amount)}")

    if decided_yen is not None and amount > decided_yen:
        amount = decided_yen
        lines.append(f"交付決定額 {_yen(decided_yen)} を超えない → {_yen(amount)}")

    floor = formula.floor_yen
    if isinstance(floor, Placeholder):
        provisional = True
        lines.append(f"下限額 未定（{floor.note}）: 金額は暫定")
    elif floor is not None and amount < floor:
        reason = f"補助金額 {_yen(amount)} が下限額 {_yen(floor)} に満たないため対象外"
        lines.append(reason)
        return SubsidyResult(0, False, provisional, tuple(lines), reason)

    if amount == 0:
        reason = "補助金額が 0 円のため対象外"
        lines.append(reason)
        return SubsidyResult(0, False, provisional, tuple(lines), reason)
    lines.append(f"補助金額 {_yen(amount)}")
    return SubsidyResult(amount, True, provisional, tuple(lines))


def round_to_unit(amount: Fraction | int, unit: int, mode: str) -> int:
    """Round a non-negative amount to a multiple of `unit` yen."""
    steps = Fraction(amount) / unit
    if mode == "down":
        whole = steps.numerator // steps.denominator
    elif mode == "up":
        whole = -(-steps.numerator // steps.denominator)
    elif mode == "half_up":
        whole = int(steps + Fraction(1, 2))
    else:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return whole * unit


def _check_yen(name: str, value: int) -> None:
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a whole number of yen, 0 or more; got {value!r}")


def _yen(amount: int) -> str:
    return f"¥{amount:,}"


def _exact_yen(amount: Fraction) -> str:
    if amount.denominator == 1:
        return _yen(amount.numerator)
    return f"¥{float(amount):,.2f}"


def _rounding_label(unit: int, mode: str) -> str:
    verb = {"down": "切り捨て", "up": "切り上げ", "half_up": "四捨五入"}[mode]
    return f"{unit:,}円未満{verb}"
