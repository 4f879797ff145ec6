"""法人番号 (corporate number): 13 digits whose leftmost digit is a check digit.

The check digit is 9 − (Σ Pn·Qn mod 9) over the other twelve digits, where Pn is the nth
digit counted from the right and Qn is 1 for odd n and 2 for even n, as 国税庁 publishes it.
Being a mod-9 check, it cannot notice a 0 written as 9 or a 9 written as 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

CORPORATE_NUMBER_LENGTH = 13
BASE_LENGTH = CORPORATE_NUMBER_LENGTH - 1

# Separators people type into the number: spaces and every dash, including the long vowel
# mark that Japanese IMEs produce for "-".
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]")


class CorporateNumberProblem(Enum):
    WRONG_LENGTH = "wrong_length"
    NOT_DIGITS = "not_digits"
    CHECK_DIGIT = "check_digit"

    @property
    def message(self) -> str:
        """A general Japanese description; `CorporateNumberIssue.message` adds the details."""
        return _GENERAL_MESSAGES[self]


_GENERAL_MESSAGES = {
    CorporateNumberProblem.WRONG_LENGTH: "法人番号は13桁の数字です",
    CorporateNumberProblem.NOT_DIGITS: "法人番号には数字以外の文字を含められません",
    CorporateNumberProblem.CHECK_DIGIT: "法人番号のチェックデジットが一致しません",
}


@dataclass(frozen=True)
class CorporateNumberIssue:
    problem: CorporateNumberProblem
    message: str

    def __str__(self) -> str:
        return self.message


def _is_ascii_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def check_digit(base12: str) -> int:
    """The check digit (1–9) for the twelve digits that follow it."""
    if len(base12) != BASE_LENGTH or not _is_ascii_digits(base12):
        raise ValueError(f"expected {BASE_LENGTH} ASCII digits, got {base12!r}")
    # Counted from the right, odd positions weigh 1 and even positions 2.
    digits = [int(digit) for digit in reversed(base12)]
    total = sum(digits[0::2]) + 2 * sum(digits[1::2])
    return 9 - total % 9


def make_corporate_number(base12: str) -> str:
    """The full 13-digit number for twelve base digits (for fixtures and generators)."""
    return f"{check_digit(base12)}{base12}"


def normalise_corporate_number(value: str) -> str:
    """Full-width digits to ASCII, spaces and hyphens removed; nothing else is changed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))


def corporate_number_problem(value: str) -> CorporateNumberIssue | None:
    """What is wrong with an already normalised number, or None when it is valid."""
    if not _is_ascii_digits(value) and value != "":
        offending = next(character for character in value if not _is_ascii_digits(character))
        return CorporateNumberIssue(
            CorporateNumberProblem.NOT_DIGITS,
            f"法人番号には数字以外の文字を含められません（「{offending}」）",
        )
    if len(value) != CORPORATE_NUMBER_LENGTH:
        return CorporateNumberIssue(
            CorporateNumberProblem.WRONG_LENGTH,
            f"法人番号は13桁の数字です（{len(value)}桁でした）",
        )
    expected = check_digit(value[1:])
    if int(value[0]) != expected:
        return CorporateNumberIssue(
            CorporateNumberProblem.CHECK_DIGIT,
            f"法人番号のチェックデジットが一致しません（先頭は{expected}であるべきです）",
        )
    return None


def is_valid_corporate_number(value: str) -> bool:
    """True for exactly 13 ASCII digits with a matching check digit (normalise first)."""
    return corporate_number_problem(value) is None
