from __future__ import annotations

import re

import pytest

from dxdesk.registry.industries import (
    INDUSTRIES,
    INDUSTRY_DIVISIONS,
    industry_for,
    industry_label,
    normalise_industry_code,
    parse_industry,
)


def test_it_lists_the_twenty_major_divisions_a_to_t() -> None:
    assert list(INDUSTRY_DIVISIONS) == list("ABCDEFGHIJKLMNOPQRST")
    assert INDUSTRY_DIVISIONS["D"] == "建設業"
    assert INDUSTRY_DIVISIONS["E"] == "製造業"
    assert INDUSTRY_DIVISIONS["I"] == "卸売業，小売業"
    assert INDUSTRY_DIVISIONS["T"] == "分類不能の産業"


def test_every_entry_has_a_japanese_and_an_english_name() -> None:
    for code, industry in INDUSTRIES.items():
        assert industry.code == code
        assert industry.name and industry.name_en


def test_every_finer_code_sits_under_its_division_and_a_listed_parent() -> None:
    for code in INDUSTRIES:
        if len(code) == 1:
            continue
        assert re.fullmatch(r"[A-T]\d{2,4}(-\d{2})?", code), code
        assert normalise_industry_code(code) == code
        assert code[0] in INDUSTRY_DIVISIONS


def test_it_has_the_classes_the_sme_rule_needs() -> None:
    assert INDUSTRIES["E19"].name == "ゴム製品製造業"
    assert INDUSTRIES["G39"].name == "情報サービス業"
    assert INDUSTRIES["G391"].name == "ソフトウェア業"
    assert INDUSTRIES["G392"].name == "情報処理・提供サービス業"
    assert INDUSTRIES["M75"].name == "宿泊業"
    assert INDUSTRIES["M751"].name == "旅館，ホテル"
    assert INDUSTRIES["M76"].name == "飲食店"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("製造業", "E"),
        ("製造", "E"),
        ("建設", "D"),
        ("建設業", "D"),
        ("電気工事業", "D"),
        ("卸売業", "I50-55"),
        ("卸売", "I50-55"),
        ("飲食料品卸売業", "I52"),
        ("小売", "I56-61"),
        ("小売業", "I56-61"),
        ("卸売・小売業", "I"),
        ("卸売業，小売業", "I"),
        ("飲食店", "M76"),
        ("飲食業", "M76"),
        ("ソフトウェア業", "G391"),
        ("ソフトウエア開発", "G391"),
        ("情報サービス", "G39"),
        ("情報サービス業", "G39"),
        ("情報処理サービス業", "G3921"),
        ("情報処理・提供サービス業", "G392"),
        ("情報通信業", "G"),
        ("旅館", "M751"),
        ("ホテル", "M751"),
        ("旅館，ホテル", "M751"),
        ("宿泊業", "M75"),
        ("サービス業", "R"),
        ("不動産業", "K68-69"),
        ("不動産業，物品賃貸業", "K"),
        ("物品賃貸業", "K70"),
        ("運輸業", "H"),
        ("医療・福祉", "P"),
        ("医療，福祉", "P"),
        ("介護", "P"),
        ("ゴム製品製造業", "E19"),
        ("学習塾", "O"),
        ("旅行業", "N791"),
        ("税理士事務所", "L"),
        ("　製造業　", "E"),
    ],
)
def test_it_reads_the_industry_a_call_list_writes(text: str, code: str) -> None:
    assert parse_industry(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("E", "E"),
        ("e", "E"),
        ("Ｅ", "E"),
        ("G391", "G391"),
        ("g391", "G391"),
        ("Ｇ３９１", "G391"),
        ("G-391", "G391"),
        ("G 391", "G391"),
        ("391", "G391"),
        ("19", "E19"),
        ("E09", "E09"),
        ("I50-55", "I50-55"),
        ("T", "T"),
    ],
)
def test_it_reads_a_jsic_code_written_loosely(text: str, code: str) -> None:
    assert parse_industry(text) == code


@pytest.mark.parametrize("text", ["E50", "G75", "U", "Z1", "00", "E1"])
def test_it_refuses_a_code_whose_number_is_not_in_its_division(text: str) -> None:
    assert normalise_industry_code(text) is None


@pytest.mark.parametrize("text", [None, "", "   ", "謎の事業", "IT", "その他"])
def test_it_returns_none_for_what_it_cannot_read(text: str | None) -> None:
    assert parse_industry(text) is None


def test_every_table_name_reads_back_as_its_own_code() -> None:
    for code, industry in INDUSTRIES.items():
        assert parse_industry(industry.name) == code, industry.name


def test_a_finer_code_than_the_table_falls_under_its_nearest_parent() -> None:
    industry = industry_for("G3911")
    assert industry is not None and industry.code == "G391"
    assert industry_for("Z") is None


def test_it_labels_a_code_for_display() -> None:
    assert industry_label("G391") == "G391 ソフトウェア業"
    assert industry_label("E09") == "E09（E 製造業）"
    assert industry_label("") == ""
    assert industry_label(None) == ""
    assert industry_label("Z9") == "Z9"
