"""A 振込先口座 as a 全銀 transfer file takes it: the holder's name in the characters the
file allows, codes that exist, a number of exactly seven digits."""

from __future__ import annotations

import pytest

from dxdesk.lib.bank_accounts import (
    BankAccount,
    BankAccountProblem,
    account_number,
    bank_name,
    branch_name,
    holder_name,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("カブシキガイシャ　エーテック", "ｶﾌﾞｼｷｶﾞｲｼﾔ ｴ-ﾃﾂｸ"),
        ("ｶ)ｴｰﾃｯｸ", "ｶ)ｴ-ﾃﾂｸ"),
        ("ヴァイオリン・ショップ", "ｳﾞｱｲｵﾘﾝ.ｼﾖﾂﾌﾟ"),
        ("ｙａｍａｄａ（カ", "YAMADA(ｶ"),
        ("  やまだ   たろう ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        ("ヲノ ヶイ", "ｵﾉ ｹｲ"),
    ],
)
def test_it_folds_a_holder_name_into_what_a_zengin_file_takes(typed: str, stored: str) -> None:
    assert holder_name(typed) == stored
    assert holder_name(stored) == stored  # checking it again at submission changes nothing


@pytest.mark.parametrize("typed", ["山田太郎", "ﾔﾏﾀﾞ@ｼｮｳﾃﾝ", "ヤマダ＆サトウ", "株式会社エーテック"])
def test_it_refuses_a_holder_name_with_characters_a_transfer_cannot_carry(typed: str) -> None:
    with pytest.raises(BankAccountProblem, match="カタカナで入力してください"):
        holder_name(typed)


def test_it_refuses_a_holder_name_longer_than_the_file_s_thirty_characters() -> None:
    assert len(holder_name("ア" * 30)) == 30
    with pytest.raises(BankAccountProblem, match="30文字"):
        holder_name("ガ" * 16)  # 16 letters, 32 characters with their dakuten


def test_it_finds_banks_and_branches_by_their_codes() -> None:
    assert (bank_name("０００１"), branch_name("0001", "001")) == ("みずほ", "東京営業部")
    with pytest.raises(BankAccountProblem, match="「0002」の金融機関は見つかりません"):
        bank_name("0002")
    with pytest.raises(BankAccountProblem, match="「998」はみずほの支店にありません"):
        branch_name("0001", "998")


def test_it_wants_seven_digits_and_never_pads_a_short_number() -> None:
    assert account_number("０１２-３４５６") == "0123456"
    with pytest.raises(BankAccountProblem, match="入力は6桁"):
        account_number("123456")
    with pytest.raises(BankAccountProblem, match="数字で入力"):
        account_number("12345a7")


def test_the_masked_text_keeps_bank_branch_and_three_digits_only() -> None:
    account = BankAccount("0001", "みずほ", "001", "東京営業部", "1", "0123456", "ﾔﾏﾀﾞ ﾀﾛｳ")
    masked = account.masked_text()
    assert "****456" in masked and "みずほ（0001） 東京営業部（001）" in masked
    assert "0123456" not in masked and "ﾔﾏﾀﾞ" not in masked
    assert BankAccount.from_answer(account.as_answer()) == account
