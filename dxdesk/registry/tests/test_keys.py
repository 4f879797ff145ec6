from __future__ import annotations

import random
import re
import unicodedata

import jaconv
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxdesk.registry import keys
from dxdesk.registry.keys import (
    LEGAL_FORM_CHOICES,
    LEGAL_FORM_LABELS,
    LegalForm,
    address_key,
    address_without_building,
    format_phone,
    kana_key,
    kanji_to_number,
    name_key,
    phone_key,
    query_key,
    split_legal_form,
    ward_of,
)

# Text drawn from the characters that company names and addresses are made of, so that
# the properties meet brackets, legal forms, numerals and every kind of width.
name_characters = st.sampled_from(
    list("株式会社有限合同資名一般社団財法人医療組合協企業")
    + list("サッポロテックｻｯﾎﾟﾛﾃｯｸさっぽろカガ゙ﾞー－-‐・ 　()（）㈱㍿㊑")
    + list("ABCabcＡＢ012０１２一二三十百千丁目番地号条線のノ〒ヶケが")
)
names = st.text(name_characters, max_size=24) | st.text(max_size=24)


# --- split_legal_form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bare", "form", "position"),
    [
        ("株式会社サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("サンプル株式会社", "サンプル", LegalForm.KABUSHIKI, "after"),
        ("株式会社　サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("株式会社 サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("(株)サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("（株）サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("サンプル（株）", "サンプル", LegalForm.KABUSHIKI, "after"),
        ("サンプル ( 株 )", "サンプル", LegalForm.KABUSHIKI, "after"),
        ("㈱ サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("サンプル㈱", "サンプル", LegalForm.KABUSHIKI, "after"),
        ("㍿サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("㊑サンプル", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("ｻﾝﾌﾟﾙ(ｶ)", "サンプル", LegalForm.KABUSHIKI, "after"),
        ("ｻﾝﾌﾟﾙ(ｶ", "サンプル", LegalForm.KABUSHIKI, "after"),
        ("ｶ)ｻﾝﾌﾟﾙ", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("(ｶ)ｻﾝﾌﾟﾙ", "サンプル", LegalForm.KABUSHIKI, "before"),
        ("有限会社サンプル", "サンプル", LegalForm.YUGEN, "before"),
        ("サンプル(有)", "サンプル", LegalForm.YUGEN, "after"),
        ("㈲サンプル", "サンプル", LegalForm.YUGEN, "before"),
        ("ｻﾝﾌﾟﾙ(ﾕ", "サンプル", LegalForm.YUGEN, "after"),
        ("合同会社サンプル", "サンプル", LegalForm.GODO, "before"),
        ("サンプル(同)", "サンプル", LegalForm.GODO, "after"),
        ("ﾄﾞ)ｻﾝﾌﾟﾙ", "サンプル", LegalForm.GODO, "before"),
        ("合資会社サンプル", "サンプル", LegalForm.GOSHI, "before"),
        ("(資)サンプル", "サンプル", LegalForm.GOSHI, "before"),
        ("㈾サンプル", "サンプル", LegalForm.GOSHI, "before"),
        ("合名会社サンプル", "サンプル", LegalForm.GOMEI, "before"),
        ("(名)サンプル", "サンプル", LegalForm.GOMEI, "before"),
        ("㈴サンプル", "サンプル", LegalForm.GOMEI, "before"),
        ("一般社団法人サンプル協会", "サンプル協会", LegalForm.IPPAN_SHADAN, "before"),
        ("(一社)サンプル協会", "サンプル協会", LegalForm.IPPAN_SHADAN, "before"),
        ("一般財団法人サンプル財団", "サンプル財団", LegalForm.IPPAN_ZAIDAN, "before"),
        ("(一財)サンプル財団", "サンプル財団", LegalForm.IPPAN_ZAIDAN, "before"),
        ("公益社団法人サンプル協会", "サンプル協会", LegalForm.KOEKI_SHADAN, "before"),
        ("公益財団法人サンプル財団", "サンプル財団", LegalForm.KOEKI_ZAIDAN, "before"),
        ("特定非営利活動法人サンプル", "サンプル", LegalForm.NPO, "before"),
        ("NPO法人サンプル", "サンプル", LegalForm.NPO, "before"),
        ("ＮＰＯ法人 サンプル", "サンプル", LegalForm.NPO, "before"),
        ("npo法人サンプル", "サンプル", LegalForm.NPO, "before"),
        ("社会福祉法人サンプル会", "サンプル会", LegalForm.SHAKAI_FUKUSHI, "before"),
        ("医療法人サンプル会", "サンプル会", LegalForm.IRYO, "before"),
        ("医療法人社団サンプル会", "サンプル会", LegalForm.IRYO, "before"),
        ("医療法人財団 サンプル会", "サンプル会", LegalForm.IRYO, "before"),
        ("サンプル企業組合", "サンプル", LegalForm.KIGYO_KUMIAI, "after"),
        ("サンプル協同組合", "サンプル", LegalForm.KYODO_KUMIAI, "after"),
        ("札幌サンプル事業協同組合", "札幌サンプル", LegalForm.KYODO_KUMIAI, "after"),
        ("学校法人サンプル学園", "サンプル学園", LegalForm.GAKKO, "before"),
        ("宗教法人サンプル寺", "サンプル寺", LegalForm.SHUKYO, "before"),
        ("農事組合法人サンプル", "サンプル", LegalForm.NOJI_KUMIAI, "before"),
    ],
)
def test_it_splits_off_every_spelling_of_a_legal_form(
    name: str, bare: str, form: LegalForm, position: str
) -> None:
    assert split_legal_form(name) == (bare, form, position)


@pytest.mark.parametrize(
    "name", ["サンプル商店", "カフェ・ド・サッポロ", "株式市場研究会", "", "(仮)サンプル"]
)
def test_it_leaves_a_name_without_a_legal_form_alone(name: str) -> None:
    bare, form, position = split_legal_form(name)
    assert (form, position) == (None, "")
    assert bare == name


def test_it_does_not_look_for_a_legal_form_in_the_middle() -> None:
    assert split_legal_form("サンプル株式会社札幌支店")[1] is None


def test_a_bare_legal_form_leaves_an_empty_name() -> None:
    assert split_legal_form("株式会社") == ("", LegalForm.KABUSHIKI, "before")


def test_every_legal_form_has_a_japanese_label_and_a_choice() -> None:
    assert set(LEGAL_FORM_LABELS) == set(LegalForm)
    assert LegalForm.KABUSHIKI.label == "株式会社"
    assert ("kabushiki", "株式会社") in LEGAL_FORM_CHOICES
    assert len(LEGAL_FORM_CHOICES) == len(LegalForm)


# --- name_key and query_key ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "株式会社サッポロ テック",
        "ｻｯﾎﾟﾛﾃｯｸ(株)",
        "(株)さっぽろてっく",
        "㈱サッポロテック",
        "サッポロ・テック株式会社",
        "サッポロテック　（株）",
        "・株式会社サッポロテック",
    ],
)
def test_one_company_written_many_ways_has_one_name_key(name: str) -> None:
    assert name_key(name) == "さっぽろてっく"


def test_a_name_key_keeps_kanji_and_the_long_vowel_mark() -> None:
    assert name_key("株式会社北海道コーヒー") == "北海道こーひー"
    assert name_key("ｺｰﾋｰ") == "こーひー"


def test_a_name_key_folds_latin_letters_and_drops_dots_and_hyphens() -> None:
    assert name_key("ＡＢＣ‐Ｓｙｓｔｅｍｓ株式会社") == "abcsystems"
    assert name_key("A-B・C ｼｽﾃﾑ") == "abcしすてむ"


def test_a_name_key_drops_a_legal_form_written_twice() -> None:
    assert name_key("株式会社サンプル株式会社") == "さんぷる"


@given(names)
def test_a_name_key_is_its_own_key(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


@given(names)
def test_a_name_key_has_no_spaces_or_katakana(name: str) -> None:
    key = name_key(name)
    assert not any(character.isspace() for character in key)
    assert not any("\u30a1" <= character <= "\u30f6" for character in key)


def test_a_query_that_is_only_a_legal_form_is_kept() -> None:
    assert name_key("株式会社") == ""
    assert query_key("株式会社") == "株式会社"
    assert query_key("（株）") == "株"


def test_a_query_is_folded_like_a_name() -> None:
    assert query_key("ｻｯﾎﾟﾛ ﾃｯｸ") == "さっぽろてっく"
    assert query_key("   ") == ""


@given(names)
def test_a_query_key_is_never_empty_for_a_non_blank_query(text: str) -> None:
    if text.strip():
        assert query_key(text)


# --- kana_key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kana",
    [
        "サッポロテック",
        "さっぽろてっく",
        "ｻｯﾎﾟﾛﾃｯｸ",
        "ｻﾂﾎﾟﾛﾃﾂｸ",
        "カブシキガイシャ サッポロテック",
        "カブシキカイシャサッポロテック",
        "サッポロテック カブシキガイシャ",
        "ｶﾌﾞｼｷｶﾞｲｼﾔ ｻﾂﾎﾟﾛﾃﾂｸ",
        "ｶ)ｻﾂﾎﾟﾛﾃﾂｸ",
        "ｻﾂﾎﾟﾛﾃﾂｸ(ｶ",
        "サッポロテック(カ)",
        "(株)サッポロテック",
    ],
)
def test_one_reading_written_many_ways_has_one_kana_key(kana: str) -> None:
    assert kana_key(kana) == "さつぽろてつく"


@pytest.mark.parametrize(
    ("kana", "key"),
    [
        ("ユウゲンガイシャ トヨヒラショクヒン", "とよひらしよくひん"),
        ("ゴウドウガイシャ サンプル", "さんぷる"),
        ("サンプル ゴウシガイシャ", "さんぷる"),
        ("ゴウメイガイシャサンプル", "さんぷる"),
        ("イッパンシャダンホウジン サンプルキョウカイ", "さんぷるきようかい"),
        ("トクテイヒエイリカツドウホウジン サンプル", "さんぷる"),
        ("イリョウホウジンシャダン サンプルカイ", "さんぷるかい"),
        ("サンプルジギョウキョウドウクミアイ", "さんぷる"),
    ],
)
def test_a_kana_key_drops_the_reading_of_the_legal_form(kana: str, key: str) -> None:
    assert kana_key(kana) == key


def test_a_bank_style_hyphen_after_kana_is_a_long_vowel() -> None:
    assert kana_key("ｺ-ﾋ-ｼﾖﾂﾌﾟ") == kana_key("コーヒーショップ") == "こーひーしよつぷ"


def test_a_reading_that_is_only_a_legal_form_is_kept() -> None:
    assert kana_key("カブシキガイシャ") == "かぶしきがいしや"


@given(names)
def test_a_kana_key_is_its_own_key(kana: str) -> None:
    assert kana_key(kana_key(kana)) == kana_key(kana)


# --- phone_key and format_phone -------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "011-211-2111",
        "０１１（２１１）２１１１",
        "011(211)2111",
        "+81 11 211 2111",
        "+81-11-211-2111",
        "81-11-211-2111",
        "0112112111",
        "011 211 2111",
        "TEL 011-211-2111",
        "011-211-2111 内線123",
    ],
)
def test_one_number_written_many_ways_has_one_phone_key(phone: str) -> None:
    assert phone_key(phone) == "0112112111"


@pytest.mark.parametrize(
    ("phone", "key", "shown"),
    [
        ("090-1234-5678", "09012345678", "090-1234-5678"),
        ("0120-123-456", "0120123456", "0120-123-456"),
        ("03-1234-5678", "0312345678", "03-1234-5678"),
        ("011 700 0000", "0117000000", "011-700-0000"),
    ],
)
def test_it_formats_a_key_back_with_hyphens(phone: str, key: str, shown: str) -> None:
    assert phone_key(phone) == key
    assert format_phone(key) == shown


@pytest.mark.parametrize("phone", ["", "   ", None, "1234", "abc", "110", "011-211"])
def test_an_empty_or_invalid_number_has_no_phone_key(phone: str | None) -> None:
    assert phone_key(phone) == ""


def test_a_foreign_number_keeps_its_country_code() -> None:
    assert phone_key("+1 650-253-0000") == "+16502530000"
    assert format_phone("+16502530000") == "+1 650-253-0000"


def test_formatting_an_empty_or_unreadable_key_gives_it_back() -> None:
    assert format_phone("") == ""
    assert format_phone("abc") == "abc"


# --- address_key, address_without_building and ward_of -----------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "札幌市中央区北一条西二丁目1番地",
        "札幌市中央区北1条西2-1",
        "札幌市中央区北１条西２－１",
        "札幌市中央区北1条西2丁目1",
        "札幌市中央区北一条西二丁目一番地",
        "札幌市中央区北1条西2ー1",
        "札幌市中央区北1条西2ｰ1",
        "札幌市中央区北1条西2‐1",
        "札幌市中央区北1条西2−1",
        "札幌市中央区北1条西2–1",
        "札幌市中央区北1条西2—1",
        "札幌市 中央区 北1条 西2丁目 1番",
        "〒060-8611 札幌市中央区北1条西2丁目1番地",
        "060-8611 札幌市中央区北1条西2-1",
    ],
)
def test_one_address_written_many_ways_has_one_address_key(address: str) -> None:
    assert address_key(address) == "札幌市中央区北1条西2-1"


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("東京都千代田区霞が関三丁目1番1号", "東京都千代田区霞ケ関3-1-1"),
        ("東京都千代田区霞ヶ関3-1-1", "東京都千代田区霞ケ関3-1-1"),
        ("北海道札幌市中央区大通西十丁目", "北海道札幌市中央区大通西10"),
        ("札幌市東区北二十三条東十五丁目", "札幌市東区北23条東15"),
        ("旭川市東旭川町東一線", "旭川市東旭川町東1線"),
        ("百五番地の三", "105-3"),
        ("12の3", "12-3"),
        ("1番地ノ2", "1-2"),
        ("宮城県仙台市青葉区一番町四丁目", "宮城県仙台市青葉区一番町4"),
        ("札幌市西区二十四軒1条5丁目", "札幌市西区二十四軒1条5"),
        ("千葉県八千代市", "千葉県八千代市"),
        (
            "東京都千代田区丸の内二丁目7番3号 東京ビル101号室",
            "東京都千代田区丸の内2-7-3東京ビル101号室",
        ),
        ("札幌市中央区南3条西4丁目 サンプルビル5F", "札幌市中央区南3条西4サンプルビル5f"),
    ],
)
def test_it_turns_address_numbers_into_digits_and_hyphens(address: str, key: str) -> None:
    assert address_key(address) == key


def test_a_trailing_go_is_dropped() -> None:
    assert address_key("東京都港区芝五丁目7番1号") == "東京都港区芝5-7-1"


def test_the_prefecture_and_the_building_are_kept() -> None:
    key = address_key("北海道札幌市中央区北1条西2丁目1番地1 サンプルビル5F")
    assert key == "北海道札幌市中央区北1条西2-1-1サンプルビル5f"


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("北海道札幌市中央区北1条西2丁目1番地1 サンプルビル5F", "北海道札幌市中央区北1条西2-1-1"),
        ("札幌市中央区南3条西4丁目 サンプルビル5F", "札幌市中央区南3条西4"),
        ("札幌市豊平区月寒東2条18丁目7-1", "札幌市豊平区月寒東2条18-7-1"),
        ("北海道旭川市6条通9丁目46 ビル2F", "北海道旭川市6条通9-46"),
        ("東京都千代田区丸の内二丁目7番3号 東京ビル101号室", "東京都千代田区丸の内2-7-3"),
        ("札幌市中央区", "札幌市中央区"),
    ],
)
def test_the_building_can_be_cut_after_the_street_number(address: str, street: str) -> None:
    assert address_without_building(address_key(address)) == street


@given(names)
def test_an_address_key_is_its_own_key(address: str) -> None:
    assert address_key(address_key(address)) == address_key(address)


@pytest.mark.parametrize(
    ("numeral", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十三", 23),
        ("百", 100),
        ("百五", 105),
        ("百十", 110),
        ("三百二十一", 321),
        ("千二百", 1200),
        ("一〇五", 105),
        ("二三", 23),
    ],
)
def test_it_reads_kanji_numerals(numeral: str, number: int) -> None:
    assert kanji_to_number(numeral) == number


@pytest.mark.parametrize(
    ("address", "ward"),
    [
        ("札幌市中央区北1条西2丁目", "中央区"),
        ("北海道札幌市北区北7条西5丁目", "北区"),
        ("〒060-0001 北海道札幌市中央区北1条西2", "中央区"),
        ("北海道 札幌市 東区", "東区"),
        ("札幌市白石区", "白石区"),
        ("札幌市豊平区", "豊平区"),
        ("札幌市南区", "南区"),
        ("札幌市西区", "西区"),
        ("札幌市厚別区", "厚別区"),
        ("札幌市手稲区前田1条", "手稲区"),
        ("札幌市清田区", "清田区"),
        ("中央区南1条西10丁目", "中央区"),
        ("北海道旭川市6条通9丁目", "旭川市"),
        ("北海道上川郡東神楽町南1条西1丁目", "東神楽町"),
        ("北海道余市郡余市町黒川町", "余市町"),
        ("北海道虻田郡ニセコ町字富士見", "ニセコ町"),
        ("東京都千代田区霞が関", "千代田区"),
        ("神奈川県横浜市中区", "中区"),
        ("愛知県名古屋市中村区", "中村区"),
        ("三重県四日市市諏訪町", "四日市市"),
        ("東京都町田市森野", "町田市"),
        ("千葉県市川市八幡", "市川市"),
        ("東京都東村山市本町", "東村山市"),
        ("奈良県大和郡山市北郡山町", "大和郡山市"),
        ("福島県郡山市朝日", "郡山市"),
        ("長野県大町市", "大町市"),
        ("札幌市", "札幌市"),
        ("北1条西2丁目", ""),
        ("", ""),
    ],
)
def test_it_finds_the_ward_or_municipality(address: str, ward: str) -> None:
    assert ward_of(address) == ward


def test_a_building_name_starting_with_a_numeral_keeps_its_kanji() -> None:
    key = address_key("札幌市中央区北3条西4丁目1番地十勝ビル5F")
    assert "十勝ビル" in key
    assert address_key("札幌市中央区北三条西四丁目一番二号 千歳ビル").endswith("千歳ビル")
    assert address_key("札幌市中央区北三条西四丁目一番二") == address_key(
        "札幌市中央区北3条西4丁目1-2"
    )


# --- the shortcuts that spare an import most of the work -----------------------------


def _members(character_class: str) -> list[str]:
    pattern = re.compile(f"[{character_class}]")
    return [chr(point) for point in range(0x10000) if pattern.fullmatch(chr(point))]


def _is_separator(character: str) -> bool:
    return character in "−～~" or unicodedata.category(character).startswith(("Z", "P", "C"))


def test_every_settled_name_character_is_left_as_it_is_by_folding() -> None:
    for character in _members(keys.SETTLED_NAME_CHARACTERS):
        assert unicodedata.normalize("NFKC", character) == character
        assert character.casefold() == character
        assert jaconv.kata2hira(character) == character
        assert not _is_separator(character)
        assert keys._name_step(character) == character


def test_every_settled_kana_character_comes_back_from_katakana_as_it_was() -> None:
    for character in _members(keys.SETTLED_KANA_CHARACTERS):
        katakana = jaconv.hira2kata(character)
        assert unicodedata.normalize("NFKC", katakana) == katakana
        assert katakana.casefold() == katakana
        assert jaconv.kata2hira(katakana) == character
        assert character.translate(keys._SMALL_KANA) == character
        assert not _is_separator(character)
        assert not keys._DASH_AFTER_KANA.search(f"か{character}")
        assert keys._kana_step(character) == character


def test_every_full_legal_form_holds_a_word_that_the_quick_test_looks_for() -> None:
    for spelling in keys._FULL_SPELLINGS:
        assert any(word in spelling for word in keys.FULL_SPELLING_WORDS), spelling


# Text made of settled characters (readings and legal forms among them), and the same
# with now and then something that a pass would still change.
settled_pieces = [
    *"さつぽろきようあーびる々札幌一二三十abc019ゔ",
    "かぶしきがいしや",
    "きようどうくみあい",
    "ゆうげんかいしや",
    "株式会社",
    "法人",
]
unsettled_pieces = [
    "\u3099",
    "ｶ",
    "Ａ",
    "・",
    "(",
    "-",
    "ｶ)",
    "(株",
    " ",
    "ﾞ",
    "㈱",
    "ヶ",
    "ぁ",
    "テ",
]
settled_text = st.lists(st.sampled_from(settled_pieces), max_size=10).map("".join) | st.lists(
    st.sampled_from(settled_pieces + unsettled_pieces), max_size=10
).map("".join)
address_text = st.lists(
    st.sampled_from(
        list("北海道札幌市中央区南西東条丁目番地号線館室町のノ〒ヶケがビル0123456789")
        + list("一二三十百千〇-‐－− 　\u3000fF")
        + ["1-2", "3条", "5-", "--", "二十四軒", "百合ケ原", "1番町", "2号室"]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=500)
@given(settled_text)
def test_a_name_key_found_settled_is_left_unchanged_by_another_pass(text: str) -> None:
    if keys._name_settled(text):
        assert keys._name_step(text) == text


@settings(max_examples=500)
@given(settled_text)
def test_a_kana_key_found_settled_is_left_unchanged_by_another_pass(text: str) -> None:
    if keys._kana_settled(text):
        assert keys._kana_step(text) == text


@settings(max_examples=500)
@given(address_text | names)
def test_an_address_key_found_settled_is_left_unchanged_by_another_pass(text: str) -> None:
    if keys._address_settled(text):
        assert keys._address_step(text) == text


@settings(max_examples=500)
@given(names | settled_text)
def test_a_name_without_the_words_or_brackets_of_a_legal_form_has_none(name: str) -> None:
    text = keys._normalise(name)
    if keys._MAY_HOLD_FORM.search(text) is None:
        assert keys._LEADING_FORM.match(text) is None
        assert keys._TRAILING_FORM.search(text) is None


@given(names | st.text(st.sampled_from(" \t\n\u3000\u00a0\u2028\x1c\x85㊑㊒㊔㊫ab"), max_size=12))
def test_normalising_leaves_nfkc_with_single_spaces(text: str) -> None:
    expected = unicodedata.normalize("NFKC", text.translate(keys._CIRCLED))
    assert keys._normalise(text) == re.sub(r"\s+", " ", expected).strip()


def test_the_quick_japanese_validity_check_agrees_with_phonenumbers() -> None:
    numbers = [f"{prefix}{'0' * 9}"[:10] for prefix in range(1, 1000)]
    rng = random.Random(7)
    for _ in range(20_000):
        numbers.append(str(rng.randrange(10**8, 10**10)))
    for prefix in ("11", "3", "6", "90", "80", "70", "50", "120", "570", "800", "20", "60"):
        for _ in range(500):
            digits = rng.choice((9, 10))
            numbers.append((prefix + str(rng.randrange(10**digits)).zfill(digits))[:digits])
    valid = 0
    for national in numbers:
        expected = phonenumbers.is_valid_number(
            phonenumbers.PhoneNumber(country_code=81, national_number=int(national))
        )
        assert keys.is_valid_japanese_number(national) == expected, national
        valid += expected
    assert 1_000 < valid < len(numbers) - 1_000


address_characters = st.sampled_from(
    list("北海道札幌市中央区東西南北条丁目番地号郡町村余四日東村山神楽〒 　-－‐ー")
    + list("0123456789０１２①一二三十ABCビル")
)
addresses = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["", "北海道", "〒060-0001 北海道", "北海道上川郡", "三重県"]),
    st.text(address_characters, max_size=24),
)


@given(addresses)
def test_the_ward_read_from_the_address_before_its_first_digit_is_the_whole_addresss(
    address: str,
) -> None:
    whole = keys._ward_of_beginning.__wrapped__(keys._compact_address(address))
    assert ward_of(address) == whole
    assert keys.address_key_and_ward(address) == (address_key(address), whole)
