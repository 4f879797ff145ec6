"""Bank accounts for transfers (振込先口座), checked and written as a 全銀 (Zengin) transfer
file takes them: a 4-digit bank code and 3-digit branch code that exist, the account type
as its 全銀 code, a 7-digit account number and the holder's name in half-width katakana.

Each function below checks one part and raises `BankAccountProblem` with a message for
the person who typed it; the message never repeats the account number or any of the
holder's name, since it may be shown on a page where they are masked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import jaconv
from django.utils.translation import gettext as _

# 全銀 預金種目 codes; 9 (その他) is left out: grants are paid into these three only.
ACCOUNT_TYPES: dict[str, str] = {"1": "普通", "2": "当座", "4": "貯蓄"}

# A 全銀 総合振込 data record has 30 characters for the 受取人名 (dakuten count as one).
HOLDER_MAX = 30

# What a 全銀 file accepts in a name: half-width katakana without the small ones,
# dakuten, upper-case letters, digits, space and ( ) - . /
HOLDER_CHARACTERS = re.compile(r"[\uff71-\uff9f A-Z0-9().\-/]*")

# Folded before the check, as banks do when they convert a name for a transfer.
HOLDER_FOLDING = str.maketrans(
    {
        **dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True)),
        # ヰ ヱ ヲ are missing from many banks' character tables.
        **dict(zip("ヰヱヲ", "イエオ", strict=True)),
        **dict.fromkeys("ー‐‑–—―−", "-"),
        "・": ".",
        "\u3000": " ",
    }
)


class BankAccountProblem(ValueError):
    """A part of a bank account is wrong; the message says which and why."""


@dataclass(frozen=True)
class BankAccount:
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str  # a key of ACCOUNT_TYPES
    account_number: str  # 7 digits
    holder: str  # half-width katakana, as a 全銀 file takes it

    # The names are kept as they were when the account was entered, so showing it never
    # loads the bank list (half a second) and a later bank merger does not rewrite it.
    def as_answer(self) -> dict[str, str]:
        return {
            "bank_code": self.bank_code,
            "bank_name": self.bank_name,
            "branch_code": self.branch_code,
            "branch_name": self.branch_name,
            "account_type": self.account_type,
            "account_number": self.account_number,
            "holder": self.holder,
        }

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> BankAccount:
        return cls(**{key: str(answer.get(key, "")) for key in cls.__dataclass_fields__})

    @property
    def account_type_label(self) -> str:
        return ACCOUNT_TYPES.get(self.account_type, self.account_type)

    @property
    def where(self) -> str:
        return f"{self.bank_name}（{self.bank_code}） {self.branch_name}（{self.branch_code}）"

    def text(self) -> str:
        return "\n".join(
            [
                self.where,
                f"{self.account_type_label} {self.account_number}",
                _("口座名義 %(holder)s") % {"holder": self.holder},
            ]
        )

    def masked_text(self) -> str:
        """Bank and branch, the last three digits of the number, no name (口座番号 ****567)."""
        return "\n".join(
            [
                self.where,
                f"{self.account_type_label} {mask_account_number(self.account_number)}",
                _("口座名義 ****（閲覧権限がないため表示しません）"),
            ]
        )


def mask_account_number(number: str) -> str:
    return "****" + number[-3:]


def digits(text: str) -> str:
    """A code or number as typed (full-width, with spaces or hyphens) as plain digits."""
    return re.sub(r"[\s\-ー－]", "", jaconv.z2h(text or "", digit=True))


def bank_name(code: str) -> str:
    """The bank's name for a 4-digit bank code."""
    code = digits(code)
    if not re.fullmatch(r"\d{4}", code):
        raise BankAccountProblem(_("銀行コードは4桁の数字で入力してください。"))
    bank = _banks().get(code)
    if bank is None:
        raise BankAccountProblem(
            _("銀行コード「%(code)s」の金融機関は見つかりません。") % {"code": code}
        )
    return str(bank.name)


def branch_name(bank_code: str, code: str) -> str:
    """The branch's name for a 3-digit branch code of that bank."""
    code = digits(code)
    if not re.fullmatch(r"\d{3}", code):
        raise BankAccountProblem(_("支店コードは3桁の数字で入力してください。"))
    bank = _banks().get(digits(bank_code))
    branch = bank.branches.get(code) if bank is not None else None
    if branch is None:
        raise BankAccountProblem(
            _("支店コード「%(code)s」は%(bank)sの支店にありません。")
            % {"code": code, "bank": getattr(bank, "name", bank_code)}
        )
    return str(branch.name)


def account_number(text: str) -> str:
    """Exactly 7 digits. A shorter number is refused, not padded: a dropped digit padded
    with a zero would send the money to someone else's account."""
    number = digits(text)
    if not number:
        raise BankAccountProblem(_("口座番号を入力してください。"))
    if not re.fullmatch(r"[0-9]+", number):
        raise BankAccountProblem(_("口座番号は数字で入力してください。"))
    if len(number) != 7:
        raise BankAccountProblem(
            _(
                "口座番号は7桁です（入力は%(count)s桁）。"
                "7桁に満たない番号は、先頭に0を付けて7桁で入力してください。"
            )
            % {"count": len(number)}
        )
    return number


def holder_name(text: str) -> str:
    """The holder's name as a 全銀 file takes it: katakana (or hiragana) of either width
    become half-width katakana, small kana large, ー a hyphen, letters upper case."""
    name = unicodedata.normalize("NFKC", text or "")  # half-width kana to full, ＡＢ to AB
    name = jaconv.hira2kata(name).translate(HOLDER_FOLDING).upper()
    name = re.sub(r"\s+", " ", name).strip()
    name = jaconv.z2h(name, kana=True, ascii=True, digit=True)
    if not name:
        raise BankAccountProblem(_("口座名義を入力してください。"))
    if not HOLDER_CHARACTERS.fullmatch(name):
        raise BankAccountProblem(
            _(
                "口座名義は通帳の表記どおりカタカナで入力してください（漢字や、( ) - . / "
                "以外の記号は使えません）。株式会社は「カ)」のように略します。"
            )
        )
    if len(name) > HOLDER_MAX:
        raise BankAccountProblem(
            _(
                "口座名義は振込データに%(max)s文字（濁点・半濁点も1文字）までしか入りません"
                "（入力は%(count)s文字）。株式会社は「カ)」のように略してください。"
            )
            % {"max": HOLDER_MAX, "count": len(name)}
        )
    return name


def _banks() -> dict[str, Any]:
    # Imported on first use: the package reads every bank's and branch's file (8 MB) as
    # it is imported, which no page that only shows an account should pay for.
    from zengin_code import Bank

    return Bank.all  # type: ignore[no-any-return]
