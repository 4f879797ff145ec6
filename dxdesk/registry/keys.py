"""Search keys stored with each company, so that differently typed spellings meet.

Every key is a pure function of its input: the same text always gives the same key, and a
key fed back in gives itself again.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Literal

import jaconv
import phonenumbers


class LegalForm(StrEnum):
    KABUSHIKI = "kabushiki"
    YUGEN = "yugen"
    GODO = "godo"
    GOSHI = "goshi"
    GOMEI = "gomei"
    IPPAN_SHADAN = "ippan_shadan"
    IPPAN_ZAIDAN = "ippan_zaidan"
    KOEKI_SHADAN = "koeki_shadan"
    KOEKI_ZAIDAN = "koeki_zaidan"
    NPO = "npo"
    SHAKAI_FUKUSHI = "shakai_fukushi"
    IRYO = "iryo"
    KIGYO_KUMIAI = "kigyo_kumiai"
    KYODO_KUMIAI = "kyodo_kumiai"
    GAKKO = "gakko"
    SHUKYO = "shukyo"
    NOJI_KUMIAI = "noji_kumiai"

    @property
    def label(self) -> str:
        return LEGAL_FORM_LABELS[self]


LEGAL_FORM_LABELS: dict[LegalForm, str] = {
    LegalForm.KABUSHIKI: "株式会社",
    LegalForm.YUGEN: "有限会社",
    LegalForm.GODO: "合同会社",
    LegalForm.GOSHI: "合資会社",
    LegalForm.GOMEI: "合名会社",
    LegalForm.IPPAN_SHADAN: "一般社団法人",
    LegalForm.IPPAN_ZAIDAN: "一般財団法人",
    LegalForm.KOEKI_SHADAN: "公益社団法人",
    LegalForm.KOEKI_ZAIDAN: "公益財団法人",
    LegalForm.NPO: "特定非営利活動法人",
    LegalForm.SHAKAI_FUKUSHI: "社会福祉法人",
    LegalForm.IRYO: "医療法人",
    LegalForm.KIGYO_KUMIAI: "企業組合",
    LegalForm.KYODO_KUMIAI: "協同組合",
    LegalForm.GAKKO: "学校法人",
    LegalForm.SHUKYO: "宗教法人",
    LegalForm.NOJI_KUMIAI: "農事組合法人",
}

LEGAL_FORM_CHOICES: list[tuple[str, str]] = [
    (form.value, label) for form, label in LEGAL_FORM_LABELS.items()
]

LegalFormPosition = Literal["before", "after", ""]

# Spellings as they look after NFKC, which already turns ㈱ into (株), ㍿ into 株式会社,
# （株） into (株) and half-width ｶ into カ.
_FULL_SPELLINGS: dict[str, LegalForm] = {
    "株式会社": LegalForm.KABUSHIKI,
    "有限会社": LegalForm.YUGEN,
    "合同会社": LegalForm.GODO,
    "合資会社": LegalForm.GOSHI,
    "合名会社": LegalForm.GOMEI,
    "一般社団法人": LegalForm.IPPAN_SHADAN,
    "一般財団法人": LegalForm.IPPAN_ZAIDAN,
    "公益社団法人": LegalForm.KOEKI_SHADAN,
    "公益財団法人": LegalForm.KOEKI_ZAIDAN,
    "特定非営利活動法人": LegalForm.NPO,
    "NPO法人": LegalForm.NPO,
    "社会福祉法人": LegalForm.SHAKAI_FUKUSHI,
    "社会医療法人": LegalForm.IRYO,
    "医療法人社団": LegalForm.IRYO,
    "医療法人財団": LegalForm.IRYO,
    "医療法人": LegalForm.IRYO,
    "企業組合": LegalForm.KIGYO_KUMIAI,
    "事業協同組合": LegalForm.KYODO_KUMIAI,
    "協同組合": LegalForm.KYODO_KUMIAI,
    "学校法人": LegalForm.GAKKO,
    "宗教法人": LegalForm.SHUKYO,
    "農事組合法人": LegalForm.NOJI_KUMIAI,
}

# Abbreviations, recognised only in brackets: (株), and the bank-transfer style カ) / (カ in
# which 全銀 names write the legal form in half-width kana. シヤ and ザイ do not say whether
# the body is 一般 or 公益; they are read as 一般, the far more common one.
_ABBREVIATIONS: dict[str, LegalForm] = {
    "株": LegalForm.KABUSHIKI,
    "有": LegalForm.YUGEN,
    "同": LegalForm.GODO,
    "資": LegalForm.GOSHI,
    "名": LegalForm.GOMEI,
    "一社": LegalForm.IPPAN_SHADAN,
    "一財": LegalForm.IPPAN_ZAIDAN,
    "公社": LegalForm.KOEKI_SHADAN,
    "公財": LegalForm.KOEKI_ZAIDAN,
    "特非": LegalForm.NPO,
    "NPO": LegalForm.NPO,
    "社福": LegalForm.SHAKAI_FUKUSHI,
    "医": LegalForm.IRYO,
    "医社": LegalForm.IRYO,
    "医財": LegalForm.IRYO,
    "企": LegalForm.KIGYO_KUMIAI,
    "協": LegalForm.KYODO_KUMIAI,
    "学": LegalForm.GAKKO,
    "宗": LegalForm.SHUKYO,
    "農": LegalForm.NOJI_KUMIAI,
    "カ": LegalForm.KABUSHIKI,
    "ユ": LegalForm.YUGEN,
    "ド": LegalForm.GODO,
    "シ": LegalForm.GOSHI,
    "メ": LegalForm.GOMEI,
    "シヤ": LegalForm.IPPAN_SHADAN,
    "シャ": LegalForm.IPPAN_SHADAN,
    "ザイ": LegalForm.IPPAN_ZAIDAN,
    "トクヒ": LegalForm.NPO,
    "フク": LegalForm.SHAKAI_FUKUSHI,
    "イ": LegalForm.IRYO,
    "ガク": LegalForm.GAKKO,
    "シユウ": LegalForm.SHUKYO,
    "シュウ": LegalForm.SHUKYO,
    "ノウ": LegalForm.NOJI_KUMIAI,
}

# Circled forms that NFKC turns into a bare kanji, losing the brackets that mark them.
_CIRCLED = str.maketrans({"㊑": "(株)", "㊒": "(有)", "㊔": "(名)", "㊫": "(学)"})


def _alternation(spellings: dict[str, LegalForm]) -> str:
    return "|".join(re.escape(spelling) for spelling in sorted(spellings, key=len, reverse=True))


_FULL = _alternation(_FULL_SPELLINGS)
_ABBREVIATED = _alternation(_ABBREVIATIONS)
_LEADING_FORM = re.compile(
    rf"^(?:\(\s*(?P<bracketed>{_ABBREVIATED})\s*\)|(?P<bank>{_ABBREVIATED})\)|(?P<full>{_FULL}))",
    re.IGNORECASE,
)
_TRAILING_FORM = re.compile(
    rf"(?:\(\s*(?P<bracketed>{_ABBREVIATED})\s*\)|\((?P<bank>{_ABBREVIATED})|(?P<full>{_FULL}))$",
    re.IGNORECASE,
)
_FORM_BY_SPELLING: dict[str, LegalForm] = {
    spelling.casefold(): form for spelling, form in (_FULL_SPELLINGS | _ABBREVIATIONS).items()
}
# Every full spelling holds one of these words and every abbreviation a bracket, so a name
# with neither has no legal form; this cheap test spares most names the two searches above.
FULL_SPELLING_WORDS = ("会社", "法人", "組合")
_MAY_HOLD_FORM = re.compile("[()]|" + "|".join(FULL_SPELLING_WORDS))
_CIRCLED_CHARACTER = re.compile("[" + "".join(map(chr, _CIRCLED)) + "]")


def _normalise(text: str) -> str:
    """NFKC with single spaces and nothing at either end."""
    # str.translate looks every character up in a dict: too slow for text that, nearly
    # always, holds none of the few circled forms.
    if _CIRCLED_CHARACTER.search(text) is not None:
        text = text.translate(_CIRCLED)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _form_of(match: re.Match[str]) -> LegalForm:
    spelling = match.group("bracketed") or match.group("bank") or match.group("full")
    return _FORM_BY_SPELLING[spelling.casefold()]


# One row asks for its name's legal form several times (keys, kana, class).
@functools.lru_cache(maxsize=4096)
def split_legal_form(name: str) -> tuple[str, LegalForm | None, LegalFormPosition]:
    """The name without its legal form, the form, and whether it came before or after.

    The returned name is NFKC-normalised with single spaces. A form in the middle of a name
    ("サンプル株式会社札幌支店") is not recognised.
    """
    text = _normalise(name)
    if _MAY_HOLD_FORM.search(text) is None:
        return text, None, ""
    leading = _LEADING_FORM.match(text)
    if leading is not None:
        return text[leading.end() :].strip(), _form_of(leading), "before"
    trailing = _TRAILING_FORM.search(text)
    if trailing is not None:
        return text[: trailing.start()].strip(), _form_of(trailing), "after"
    return text, None, ""


def _strip_legal_forms(text: str) -> str:
    """Every legal form at either end, for a name that carries one twice."""
    while True:
        bare, form, _ = split_legal_form(text)
        if form is None:
            return text
        text = bare


# Dash-like symbols that are not in a punctuation category and so survive _fold otherwise.
_EXTRA_SEPARATORS = frozenset("−～~")


def _fold(text: str) -> str:
    """NFKC, lower case, katakana as hiragana; no spaces, punctuation or dashes.

    The long vowel mark ー is a letter (Lm) and stays.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return jaconv.kata2hira(folded).translate(_SEPARATOR_REMOVER)


class _SeparatorRemover(dict[int, int | None]):
    """A str.translate table that deletes separators, deciding each character once."""

    def __missing__(self, codepoint: int) -> int | None:
        character = chr(codepoint)
        dropped = character in _EXTRA_SEPARATORS or unicodedata.category(character).startswith(
            ("Z", "P", "C")
        )
        self[codepoint] = None if dropped else codepoint
        return self[codepoint]


_SEPARATOR_REMOVER = _SeparatorRemover()


def _fixed_point(
    key: str, step: Callable[[str], str], settled: Callable[[str], bool] | None = None
) -> str:
    """Apply step until the key stops changing, so that every key maps to itself.

    One pass can leave work for the next: a legal form that surfaces only once punctuation
    is gone ("・株式会社サンプル"), or a postcode written in kanji numerals. `settled` is a
    cheap test that step would give the key back unchanged, sparing that last pass.
    """
    for _ in range(len(key) + 2):
        if settled is not None and settled(key):
            return key
        following = step(key)
        if following == key:
            return key
        key = following
    return key


def _name_step(text: str) -> str:
    return _fold(_strip_legal_forms(text))


# Characters that every part of _name_step leaves as they are: NFKC, case folding and
# kata2hira do not change them and none is a separator (test_keys checks each one).
SETTLED_NAME_CHARACTERS = "0-9a-z\u3005\u3041-\u3096\u30fc\u4e00-\u9fff"
_SETTLED_NAME = re.compile(f"[{SETTLED_NAME_CHARACTERS}]*")


def _name_settled(key: str) -> bool:
    """True if _name_step(key) == key: nothing to fold and no legal form to take away."""
    return (
        _SETTLED_NAME.fullmatch(key) is not None
        and _MAY_HOLD_FORM.search(key) is None
        # Characters that are each in NFKC form can still compose with one another.
        and unicodedata.is_normalized("NFKC", key)
    )


def name_key(name: str) -> str:
    """The company name folded for matching: no legal form, hiragana, no spaces or dots."""
    return _fixed_point(_name_step(name), _name_step, _name_settled)


def query_key(text: str) -> str:
    """What a search box query becomes: like name_key, but never empty for non-blank input."""
    return name_key(text) or _fold(text) or _normalise(text).casefold()


_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
_KANA = "\u3041-\u309f\u30a0-\u30ff"
# 全銀 kana writes the long vowel mark as a hyphen: ｺ-ﾋ- is コーヒー.
_DASH_AFTER_KANA = re.compile(rf"(?<=[{_KANA}])[-‐‑‒–—―−]")
_READINGS = (
    "かぶしきがいしゃ",
    "かぶしきかいしゃ",
    "ゆうげんがいしゃ",
    "ゆうげんかいしゃ",
    "ごうどうがいしゃ",
    "ごうどうかいしゃ",
    "ごうしがいしゃ",
    "ごうしかいしゃ",
    "ごうめいがいしゃ",
    "ごうめいかいしゃ",
    "いっぱんしゃだんほうじん",
    "いっぱんざいだんほうじん",
    "こうえきしゃだんほうじん",
    "こうえきざいだんほうじん",
    "とくていひえいりかつどうほうじん",
    "えぬぴーおーほうじん",
    "npoほうじん",
    "しゃかいふくしほうじん",
    "しゃかいいりょうほうじん",
    "いりょうほうじんしゃだん",
    "いりょうほうじんざいだん",
    "いりょうほうじん",
    "きぎょうくみあい",
    "じぎょうきょうどうくみあい",
    "きょうどうくみあい",
    "がっこうほうじん",
    "しゅうきょうほうじん",
    "のうじくみあいほうじん",
)
_FOLDED_READINGS = tuple(
    sorted({reading.translate(_SMALL_KANA) for reading in _READINGS}, key=len, reverse=True)
)


# A text holding none of the readings anywhere has none to strip at either end.
_ANY_READING = re.compile("|".join(_FOLDED_READINGS))


def _strip_readings(text: str) -> str:
    if _ANY_READING.search(text) is None:
        return text
    for reading in _FOLDED_READINGS:
        if text.startswith(reading) and len(text) > len(reading):
            return _strip_readings(text[len(reading) :])
        if text.endswith(reading) and len(text) > len(reading):
            return _strip_readings(text[: -len(reading)])
    return text


def _kana_step(text: str) -> str:
    katakana = jaconv.hira2kata(_DASH_AFTER_KANA.sub("ー", _normalise(text)))
    return _strip_readings(_fold(_strip_legal_forms(katakana)).translate(_SMALL_KANA))


# As for names, less the small kana that _kana_step writes full size; hira2kata and back
# gives each of these itself (test_keys checks each one).
SETTLED_KANA_CHARACTERS = "0-9a-z\u3005\u30fc\u4e00-\u9fff" + "".join(
    character for character in map(chr, range(0x3041, 0x3097)) if ord(character) not in _SMALL_KANA
)
_SETTLED_KANA = re.compile(f"[{SETTLED_KANA_CHARACTERS}]*")


def _kana_settled(key: str) -> bool:
    """True if _kana_step(key) == key: nothing to fold and no legal form or reading to strip."""
    return (
        _SETTLED_KANA.fullmatch(key) is not None
        and _MAY_HOLD_FORM.search(key) is None
        and _ANY_READING.search(key) is None
        and unicodedata.is_normalized("NFKC", key)
    )


def kana_key(kana: str) -> str:
    """The furigana folded for matching, bank-transfer kana included.

    Hiragana without spaces or punctuation and without the legal form (カブシキガイシャ,
    (カ), ユウゲンガイシャ …). Small kana are written full size (ッ → つ) because 全銀 names
    cannot write them, so "サッポロ" and "ｻﾂﾎﾟﾛ" meet.
    """
    return _fixed_point(_kana_step(kana), _kana_step, _kana_settled)


# --- Phone numbers ---------------------------------------------------------------------

_PHONE_PUNCTUATION = re.compile(r"[\s\-‐‑‒–—―−ー().]")
_DOMESTIC_DIGITS = re.compile(r"0[1-9]\d{8,9}")
_EXTENSION = re.compile(r"(内線|\(内\)).*$")


def phone_key(phone: str | None) -> str:
    """Japanese numbers as national digits ("0112112111"); others as E.164; "" if invalid."""
    if not phone or not phone.strip():
        return ""
    return _phone_key(phone)


# An import asks for each row's key twice (when checking the row, then when storing it).
@functools.lru_cache(maxsize=65_536)
def _phone_key(phone: str) -> str:
    text = _EXTENSION.sub("", unicodedata.normalize("NFKC", phone))
    compact = _PHONE_PUNCTUATION.sub("", text)
    if _DOMESTIC_DIGITS.fullmatch(compact):
        # Most list entries are domestic numbers: skip parsing, keep the validity check.
        return compact if is_valid_japanese_number(str(int(compact[1:]))) else ""
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    if number.country_code == 81:
        # Japan's trunk prefix is 0: the national digits are 0 + the significant number.
        return "0" + phonenumbers.national_significant_number(number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NumberPattern = tuple[frozenset[int], re.Pattern[str]]


@functools.cache
def _japanese_number_patterns() -> tuple[_NumberPattern | None, tuple[_NumberPattern, ...]]:
    """Japan's general number pattern and the pattern of each kind of number."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("JP")
    if metadata is None:
        raise LookupError("phonenumbers has no metadata for Japan")

    def pattern(description: phonenumbers.PhoneNumberDesc | None) -> _NumberPattern | None:
        if description is None or not description.national_number_pattern:
            return None
        lengths = frozenset(description.possible_length or ())
        return lengths, re.compile(description.national_number_pattern)

    # Fixed lines first: most of a call list.
    kinds = (
        metadata.fixed_line,
        metadata.mobile,
        metadata.toll_free,
        metadata.premium_rate,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    return pattern(metadata.general_desc), tuple(
        found for found in map(pattern, kinds) if found is not None
    )


def _fits(national: str, pattern: _NumberPattern) -> bool:
    lengths, expression = pattern
    return (not lengths or len(national) in lengths) and expression.fullmatch(national) is not None


def is_valid_japanese_number(national: str) -> bool:
    """phonenumbers.is_valid_number for +81 and these national digits, several times faster.

    phonenumbers tries each kind of number in turn (premium rate, toll free, … fixed line)
    to name the kind; validity asks only that the number fits the general pattern and
    one kind. test_keys compares the two over many numbers.
    """
    general, kinds = _japanese_number_patterns()
    if general is None or not _fits(national, general):
        return False
    return any(_fits(national, kind) for kind in kinds)


def format_phone(key: str) -> str:
    """A phone key for display: "011-211-2111"; a foreign one in international format."""
    if not key:
        return ""
    try:
        number = phonenumbers.parse(key, "JP")
    except phonenumbers.NumberParseException:
        return key
    if number.country_code == 81:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- Addresses -------------------------------------------------------------------------

_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "〇一二三四五六七八九十百千"
_DIGIT_LIKE = f"0-9{_NUMERAL}"
# Words that end an address number: 丁目, 番地, 番, 号, 条, 線 and dashes; 番町 (一番町),
# 番館, 号室 and 号館 are names, not numbers.
_NUMBER_MARKER = (
    rf"(?:丁目|番地|番(?![町丁館街])|号(?![室館棟])|条|線|-|ー|[のノ](?=[{_DIGIT_LIKE}]))"
)
_NUMERAL_RUN = re.compile(rf"[{_NUMERAL}]+")
_FOLLOWED_BY_MARKER = re.compile(_NUMBER_MARKER)
_PRECEDED_BY_NUMBER = re.compile(rf"[{_DIGIT_LIKE}](?:(?:丁目|番地|番|号)[のノ]?|[-ーのノ])$")
_DASHES = re.compile(r"[‐‑‒–—―−﹣－-]")
_KANJI_OR_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# A postcode before the address: 〒0608611, 〒060-8611, or 060-8611 followed by a space
# (without 〒 or the space it could be a block number).
_POSTCODE = re.compile(r"^\s*(?:〒\s*\d{3}-?\d{4}|\d{3}-\d{4}(?=\s))")
_SEPARATOR_AFTER_NUMBER = re.compile(r"(?<=\d)(?:丁目|番地|番(?![町丁館街])|号(?![室館棟])|ー)")
_NO_BETWEEN_NUMBERS = re.compile(r"(?<=[\d-])[のノ](?=\d)")
_GA_BETWEEN_KANJI = re.compile(r"(?<=[\u4e00-\u9fff])[がケヶヵ](?=[\u4e00-\u9fff])")


def kanji_to_number(numeral: str) -> int:
    """二十三 → 23, 十 → 10, 百五 → 105, 一〇五 → 105 (digit by digit without units)."""
    if not any(character in _KANJI_UNITS for character in numeral):
        return int("".join(str(_KANJI_DIGITS[character]) for character in numeral))
    total = 0
    pending: int | None = None
    for character in numeral:
        if character in _KANJI_UNITS:
            total += (1 if pending is None else pending) * _KANJI_UNITS[character]
            pending = None
        else:
            pending = (pending or 0) * 10 + _KANJI_DIGITS[character]
    return total + (pending or 0)


def _convert_numerals(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        followed = _FOLLOWED_BY_MARKER.match(text, match.end()) is not None
        # After a street number only a numeral that ends the address or a word counts:
        # "1番地十勝ビル" names a building, "一番二" is a number.
        ends = match.end() == len(text) or not _KANJI_OR_KANA.match(text, match.end())
        preceded = ends and _PRECEDED_BY_NUMBER.search(text[: match.start()]) is not None
        if not (followed or preceded):
            return match.group()
        if any(character in _KANJI_UNITS for character in match.group()):
            return str(kanji_to_number(match.group()))
        # Digit by digit (〇六〇): keep leading zeros, as in a postcode.
        return "".join(str(_KANJI_DIGITS[character]) for character in match.group())

    return _NUMERAL_RUN.sub(replace, text)


def address_key(address: str) -> str:
    """The address folded for matching: "北一条西二丁目1番地" and "北1条西2-1" meet.

    Kanji numbers in address position become digits, 丁目/番地/番/号 and every dash become
    "-", a trailing "号" or dash goes, 条 and 線 stay. A leading postcode is dropped; the
    prefecture and any building name are kept.
    """
    return _fixed_point(_address_step(address), _address_step, _address_settled)


# What _address_step would still change: whitespace, 〒, a dash other than "-", a kanji
# numeral, が/ヶ/ヵ between kanji, a word after a number that becomes "-", の between
# numbers, or a "-" not followed by a digit (which a doubled dash also has).
_ADDRESS_UNSETTLED = re.compile(
    rf"[\s〒‐‑‒–—―−﹣－{_NUMERAL}]"
    r"|(?<=[\u4e00-\u9fff])[がヶヵ](?=[\u4e00-\u9fff])"
    rf"|{_SEPARATOR_AFTER_NUMBER.pattern}|{_NO_BETWEEN_NUMBERS.pattern}"
    r"|-(?!\d)"
)


def _address_settled(key: str) -> bool:
    """True if _address_step(key) == key."""
    return (
        _ADDRESS_UNSETTLED.search(key) is None
        and key.casefold() == key
        and unicodedata.is_normalized("NFKC", key)
    )


def address_key_and_ward(address: str) -> tuple[str, str]:
    """address_key(address) and ward_of(address), normalising the address once."""
    compact = _compact_address(address)
    key = _fixed_point(_address_step_on_compact(compact), _address_step, _address_settled)
    return key, _ward_of_compact(compact)


def _compact_address(address: str) -> str:
    """NFKC, one kind of dash, no leading postcode and no whitespace."""
    text = _POSTCODE.sub("", _DASHES.sub("-", unicodedata.normalize("NFKC", address)))
    return "".join(text.split())


def _address_step(address: str) -> str:
    return _address_step_on_compact(_compact_address(address))


def _address_step_on_compact(text: str) -> str:
    text = _GA_BETWEEN_KANJI.sub("ケ", text)
    text = _convert_numerals(text)
    text = _SEPARATOR_AFTER_NUMBER.sub("-", text)
    text = _NO_BETWEEN_NUMBERS.sub("-", text)
    text = _DASH_RUN.sub("-", text)
    text = _DASH_NOT_BEFORE_DIGIT.sub("", text)
    return text.casefold()


_DASH_RUN = re.compile(r"-{2,}")
_DASH_NOT_BEFORE_DIGIT = re.compile(r"-(?!\d)")


_STREET_NUMBER = re.compile(r"\d+(?:-\d+)*(?![\d条線])")


def address_without_building(address_key: str) -> str:
    """The key cut after its street number (the first number group not followed by 条/線)."""
    match = _STREET_NUMBER.search(address_key)
    if match is None:
        return address_key
    return address_key[: match.end()]


PREFECTURES: tuple[str, ...] = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)

_PREFECTURE = re.compile("|".join(PREFECTURES))

SAPPORO_WARDS: tuple[str, ...] = (
    "中央区",
    "北区",
    "東区",
    "白石区",
    "豊平区",
    "南区",
    "西区",
    "厚別区",
    "手稲区",
    "清田区",
)

# 政令指定都市: the cities whose addresses continue with a ward.
DESIGNATED_CITIES: frozenset[str] = frozenset(
    {
        "札幌市",
        "仙台市",
        "さいたま市",
        "千葉市",
        "横浜市",
        "川崎市",
        "相模原市",
        "新潟市",
        "静岡市",
        "浜松市",
        "名古屋市",
        "京都市",
        "大阪市",
        "堺市",
        "神戸市",
        "岡山市",
        "広島市",
        "北九州市",
        "福岡市",
        "熊本市",
    }
)

# Municipalities whose names hold 村, 郡 or similar before their real ending, which the
# general rule below would cut short (東村山市 would become 東村).
_IRREGULAR_MUNICIPALITIES = ("東村山市", "武蔵村山市", "大和郡山市")
_MUNICIPALITY_ENDINGS = "市町村区"
_COUNTY = re.compile(r"^[^\d]{1,5}?郡")


def _municipality_prefix(text: str) -> str:
    """The shortest start of text that names a 市, 町, 村 or 区 (四日市市 and 余市町 whole)."""
    for name in _IRREGULAR_MUNICIPALITIES:
        if text.startswith(name):
            return name
    if not text or text[0].isdecimal():
        return ""  # no municipality's name begins with a digit
    for end in range(1, min(len(text), 10)):
        if text[end].isdecimal():  # what _DIGIT finds
            return ""
        at_end = end + 1 == len(text)
        if text[end] in _MUNICIPALITY_ENDINGS and (
            at_end or text[end + 1] not in _MUNICIPALITY_ENDINGS
        ):
            return text[: end + 1]
    return ""


def ward_of(address: str) -> str:
    """The ward of a designated city (札幌市中央区 → 中央区), else the 市/区/町/村; "" if none."""
    return _ward_of_compact(_compact_address(address))


def _ward_of_compact(text: str) -> str:
    # Nothing from the first digit on changes the answer: no prefecture, county or
    # municipality name holds a digit, and _municipality_prefix gives up at one. A list
    # repeats a few hundred such beginnings ("北海道札幌市中央区北") over thousands of rows.
    digit = _DIGIT.search(text)
    return _ward_of_beginning(text if digit is None else text[: digit.start()])


_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=8192)
def _ward_of_beginning(text: str) -> str:
    prefecture = _PREFECTURE.match(text)
    if prefecture is not None:
        text = text[prefecture.end() :]
    if not any(text.startswith(name) for name in _IRREGULAR_MUNICIPALITIES):
        county = _COUNTY.match(text)
        if county is not None:
            text = text[county.end() :]
    municipality = _municipality_prefix(text)
    if municipality in DESIGNATED_CITIES:
        ward = _municipality_prefix(text[len(municipality) :])
        if ward.endswith("区"):
            return ward
    return municipality
