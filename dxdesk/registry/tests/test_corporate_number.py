from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxdesk.registry.corporate_number import (
    CorporateNumberProblem,
    check_digit,
    corporate_number_problem,
    is_valid_corporate_number,
    make_corporate_number,
    normalise_corporate_number,
)

NATIONAL_TAX_AGENCY = "7000012050002"  # 国税庁's own number

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


def test_it_accepts_the_national_tax_agencys_own_number() -> None:
    assert is_valid_corporate_number(NATIONAL_TAX_AGENCY)
    assert check_digit(NATIONAL_TAX_AGENCY[1:]) == 7


def test_it_weights_digits_from_the_right_by_one_and_two() -> None:
    # 010401067252 from the right: odd places 2+2+6+1+4+1 = 16, even places
    # 2·(5+7+0+0+0+0) = 24; 40 mod 9 = 4 and 9 − 4 = 5.
    assert check_digit("010401067252") == 5
    assert is_valid_corporate_number("5010401067252")


def test_it_gives_nine_when_the_weighted_sum_is_a_multiple_of_nine() -> None:
    assert check_digit("000000000000") == 9
    assert check_digit("000000000009") == 9


@given(twelve_digits)
def test_a_check_digit_is_never_zero(base: str) -> None:
    assert 1 <= check_digit(base) <= 9


@given(twelve_digits)
def test_a_made_number_is_always_valid(base: str) -> None:
    number = make_corporate_number(base)
    assert len(number) == 13
    assert number.endswith(base)
    assert is_valid_corporate_number(number)


@given(twelve_digits, st.integers(min_value=0, max_value=12), st.integers(0, 9))
def test_any_single_digit_change_invalidates_except_zero_for_nine(
    base: str, position: int, digit: int
) -> None:
    number = make_corporate_number(base)
    old = number[position]
    changed = number[:position] + str(digit) + number[position + 1 :]
    if changed == number:
        return
    # A mod-9 check sees 0 and 9 as the same digit in the twelve base places.
    blind_spot = position > 0 and {old, str(digit)} == {"0", "9"}
    assert is_valid_corporate_number(changed) is blind_spot


def test_it_cannot_tell_a_zero_from_a_nine() -> None:
    assert is_valid_corporate_number("7900012050002")


def test_it_says_how_many_digits_a_short_number_had() -> None:
    issue = corporate_number_problem("1234567890")
    assert issue is not None
    assert issue.problem is CorporateNumberProblem.WRONG_LENGTH
    assert issue.message == "法人番号は13桁の数字です（10桁でした）"


def test_it_treats_an_empty_value_as_the_wrong_length() -> None:
    issue = corporate_number_problem("")
    assert issue is not None
    assert issue.problem is CorporateNumberProblem.WRONG_LENGTH
    assert "0桁" in issue.message


def test_it_names_the_first_character_that_is_not_a_digit() -> None:
    issue = corporate_number_problem("70000120500O2")
    assert issue is not None
    assert issue.problem is CorporateNumberProblem.NOT_DIGITS
    assert "「O」" in issue.message


def test_it_says_which_check_digit_was_expected() -> None:
    issue = corporate_number_problem("1" + NATIONAL_TAX_AGENCY[1:])
    assert issue is not None
    assert issue.problem is CorporateNumberProblem.CHECK_DIGIT
    assert issue.message == "法人番号のチェックデジットが一致しません（先頭は7であるべきです）"
    assert str(issue) == issue.message


def test_it_returns_no_problem_for_a_valid_number() -> None:
    assert corporate_number_problem(NATIONAL_TAX_AGENCY) is None


def test_every_problem_has_a_general_japanese_message() -> None:
    for problem in CorporateNumberProblem:
        assert problem.message.startswith("法人番号")


def test_it_refuses_full_width_digits_until_they_are_normalised() -> None:
    full_width = "７００００１２０５０００２"
    assert not is_valid_corporate_number(full_width)
    assert normalise_corporate_number(full_width) == NATIONAL_TAX_AGENCY


@pytest.mark.parametrize(
    "typed",
    [
        "7000012050002",
        " 7000012050002 ",
        "7-0000-1205-0002",
        "7000 0120 50002",
        "７０００−０１２０−５０００２",
        "7000ー0120ー50002",
        "7000‐0120–50002",
        "７０００　０１２０　５０００２",
    ],
)
def test_it_normalises_spaces_and_every_kind_of_hyphen(typed: str) -> None:
    assert normalise_corporate_number(typed) == NATIONAL_TAX_AGENCY


def test_normalising_leaves_letters_for_validation_to_report() -> None:
    assert normalise_corporate_number("T7000012050002") == "T7000012050002"


@pytest.mark.parametrize(
    "base", ["", "12345678901", "1234567890123", "12345678901a", "１２３４５６７８９０１２"]
)
def test_check_digit_refuses_anything_but_twelve_ascii_digits(base: str) -> None:
    with pytest.raises(ValueError):
        check_digit(base)
