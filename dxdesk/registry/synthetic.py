"""Synthetic Sapporo call lists (架電リスト) for the demo, tests and benchmarks.

The rows look like the lists the secretariat is handed: Sapporo SMEs in the ten wards, legal
forms spelled every which way, 条丁目 addresses, 011 numbers, mostly small firms. Every row
carries `entity_id`, the company it really describes, so the 名寄せ benchmark can score
itself. Extra rows for a company already on the list are written the ways real lists differ
(legal form moved or abbreviated, width, kana, kanji numerals, phone punctuation, typos), and
a few different companies share a bare name in different wards: the hard negatives.

Pure standard library and deterministic for a seed; nothing here imports Django.
"""

from __future__ import annotations

import csv
import math
import random
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from os import PathLike
from statistics import NormalDist

from dxdesk.registry.synthetic_vocabulary import (
    _CAPITALS,
    _COMPANY_DOMAINS,
    _COMPANY_FAMILIES,
    _COMPANY_INDUSTRIES,
    _FAMILIES,
    _FORMS,
    _FREE_MAIL,
    _GIVEN_NAMES,
    _INDUSTRIES,
    _KATAKANA_FIRST,
    _MAILBOXES,
    _NONPROFIT_DOMAINS,
    _PLACES,
    _SOLE_FAMILIES,
    _SOLE_INDUSTRIES,
    _SURNAMES,
    _WARD_LIST,
    _WARDS,
    _WORDLESS_FAMILIES,
    _Industry,
    _LegalForm,
    _Pair,
    _pairs,
    _Ward,
)

__all__ = [
    "HEADER_EN",
    "HEADER_JA",
    "SyntheticCompany",
    "generate_companies",
    "iter_companies",
    "write_csv",
    "write_truth",
    "write_xlsx",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


HEADER_JA = _words("""
    管理番号 法人番号 商号又は名称 フリガナ 所在地 電話番号 業種 資本金 従業員数 代表者
    メールアドレス""")
HEADER_EN = _words(
    "ref corporate_number name kana address phone industry capital employees representative email"
)


@dataclass(frozen=True, slots=True)
class SyntheticCompany:
    """One row of a call list as written, plus `entity_id`, the company it truly describes."""

    ref: str
    corporate_number: str
    name: str
    kana: str
    address: str
    phone: str
    industry: str
    capital: int | None
    employees: int | None
    representative: str
    email: str
    entity_id: int


# A row before it has its 管理番号: SyntheticCompany's fields after `ref`, in order.
_Fields = tuple[str, str, str, str, str, str, int | None, int | None, str, str, int]
_SOLE_PROPRIETOR_SHARE = 0.18
_NAMESAKE_SHARE = 0.006  # a new company reusing a recent company's name in another ward
_VALID_NUMBER_SHARE = 0.85
_MISTYPED_NUMBER_SHARE = 0.02
# 登記所コード: Sapporo's first; the others only once a million serials have been used.
_REGISTRIES = ("4300", "0100", "0110", "0104")


def _seeded(material: int | str) -> random.Random:
    return random.Random(material)  # noqa: S311 - test data, not secrets


def _check_digit(base12: str) -> int:
    """国税庁's check digit: 9 − (Σ Pn·Qn mod 9), Pn counted from the right, Qn = 1, 2, 1, …"""
    # From the left, even indexes are the even positions counted from the right; the byte
    # sums carry 48 for each ASCII digit, 2·6·48 + 6·48 = 864 in all.
    digits = base12.encode("ascii")
    return 9 - (2 * sum(digits[0::2]) + sum(digits[1::2]) - 864) % 9


# ---------------------------------------------------------------------------------------------
# Character conversions. Everything produced must encode as cp932, so no ゔ, ゕ or 〜.

_TO_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}
_TO_HALFWIDTH = {full: half for half, full in _TO_FULLWIDTH.items()}
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ん") + 1)}
_KATAKANA_TO_HIRAGANA = {katakana: hiragana for hiragana, katakana in _HIRAGANA_TO_KATAKANA.items()}


def _halfwidth_katakana_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF61, 0xFF9E):
        half = chr(code)
        table[ord(unicodedata.normalize("NFKC", half))] = half
        for mark in ("\uff9e", "\uff9f"):
            combined = unicodedata.normalize("NFKC", half + mark)
            if len(combined) == 1:
                table[ord(combined)] = half + mark
    return table


_TO_HALFWIDTH_KATAKANA = _halfwidth_katakana_table()
_KANJI_DIGITS = "〇一二三四五六七八九"
# Headcounts are log-normal; a quantile table is several times faster than lognormvariate.
_NORMAL_QUANTILES = tuple(NormalDist().inv_cdf((index + 0.5) / 4096) for index in range(4096))
# Look-alikes and IME slips seen in typed lists.
_CONFUSABLES = dict(
    _pairs("""
    建:健 設:説 工:エ 力:カ 口:ロ 二:ニ 八:ハ ー:一 ッ:ツ ャ:ヤ ュ:ユ ョ:ヨ ィ:イ ェ:エ ヶ:ケ
    斉:斎 斎:齋 辺:邊 栄:榮 英:栄 総:綜 札:礼 シ:ツ ツ:シ ソ:ン ン:ソ 島:嶋 崎:﨑 高:髙 精:清
    運:連 輸:諭 店:点""")
)
_ROMAJI = dict(
    _pairs("""
    ア:a イ:i ウ:u エ:e オ:o カ:ka キ:ki ク:ku ケ:ke コ:ko サ:sa シ:shi ス:su セ:se ソ:so
    タ:ta チ:chi ツ:tsu テ:te ト:to ナ:na ニ:ni ヌ:nu ネ:ne ノ:no ハ:ha ヒ:hi フ:fu ヘ:he
    ホ:ho マ:ma ミ:mi ム:mu メ:me モ:mo ヤ:ya ユ:yu ヨ:yo ラ:ra リ:ri ル:ru レ:re ロ:ro
    ワ:wa ヲ:o ン:n ガ:ga ギ:gi グ:gu ゲ:ge ゴ:go ザ:za ジ:ji ズ:zu ゼ:ze ゾ:zo ダ:da ヂ:ji
    ヅ:zu デ:de ド:do バ:ba ビ:bi ブ:bu ベ:be ボ:bo パ:pa ピ:pi プ:pu ペ:pe ポ:po ヴ:vu
    ァ:a ィ:i ゥ:u ェ:e ォ:o ャ:ya ュ:yu ョ:yo ヶ:ke""")
)
_SMALL_KANA = frozenset("ァィゥェォャュョ")


def _has_katakana(text: str) -> bool:
    return any("\u30a1" <= character <= "\u30f6" for character in text)


def _has_hiragana(text: str) -> bool:
    return any("\u3041" <= character <= "\u3093" for character in text)


def _kanji_numeral(number: int) -> str:
    if number < 10:
        return _KANJI_DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return (
            ("" if tens == 1 else _KANJI_DIGITS[tens])
            + "十"
            + ("" if ones == 0 else _KANJI_DIGITS[ones])
        )
    return "".join(_KANJI_DIGITS[int(digit)] for digit in str(number))


def _romanize(katakana: str) -> str:
    """Hepburn-ish romaji for mail addresses; long vowels are dropped as domains drop them."""
    syllables: list[str] = []
    for character in katakana:
        if character in _SMALL_KANA and syllables:
            previous = syllables.pop()
            small = _ROMAJI[character]
            if previous in ("shi", "chi", "ji"):
                syllables.append(previous[:-1] + small[-1])
            elif previous == "u":
                syllables.append("w" + small[-1])
            else:
                syllables.append(previous[:-1] + small)
        elif character in _ROMAJI:
            syllables.append(_ROMAJI[character])
        elif character == "ッ":
            syllables.append("")
    text = ""
    for index, syllable in enumerate(syllables):
        if syllable == "" and index + 1 < len(syllables):
            following = syllables[index + 1]
            text += "t" if following.startswith("ch") else following[:1]
        else:
            text += syllable
    return text


# ---------------------------------------------------------------------------------------------
# Generation.


class _Shuffle:
    """Visits range(size) in a scrambled order: distinct picks without a seen-set."""

    __slots__ = ("counter", "multiplier", "offset", "size")

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size = size
        multiplier = 1
        if size > 2:
            multiplier = rng.randrange(size // 3, size)
            while math.gcd(multiplier, size) != 1:
                multiplier += 1
        self.multiplier = multiplier
        self.offset = rng.randrange(size)
        self.counter = 0

    def next(self) -> int:
        """The next pick; after `size` picks the order starts again."""
        index = self.counter
        self.counter = index + 1
        return (index * self.multiplier + self.offset) % self.size


class _NameSpace:
    __slots__ = ("components", "family", "shuffle")

    def __init__(
        self, family: str, components: tuple[tuple[_Pair, ...], ...], rng: random.Random
    ) -> None:
        self.family = family
        self.components = components
        self.shuffle = _Shuffle(math.prod(len(component) for component in components), rng)

    @property
    def remaining(self) -> int:
        return max(0, self.shuffle.size - self.shuffle.counter)

    def take(self) -> tuple[_Pair, ...]:
        index = self.shuffle.next()
        parts: list[_Pair] = []
        for component in reversed(self.components):
            index, position = divmod(index, len(component))
            parts.append(component[position])
        parts.reverse()
        return tuple(parts)


@dataclass(slots=True)
class _Entity:
    entity_id: int
    form: _LegalForm | None
    form_first: bool
    writing: int
    parts: tuple[_Pair, ...]
    family: str
    industry: _Industry
    ward: _Ward
    district: str
    district_numbers: tuple[int, ...]
    lot: tuple[int, ...]
    building: str
    unit: tuple[str, str]  # ("5F", "5階") or ("201号室", "201号")
    phone: tuple[str, str, str]
    corporate_base: str
    capital: int | None
    employees: int | None
    surname: _Pair
    given_name: str
    email: str


_STANDARD, _BANGO, _BANCHI, _KANJI, _HYPHEN, _FULLWIDTH = range(6)
_ADDRESS_HEADS = ("北海道札幌市{}", "札幌市{}", "北海道 札幌市 {} ", "札幌市 {} ")


def _address(entity: _Entity, head: int, style: int, building: int) -> str:
    lot = entity.lot
    if style == _KANJI:
        district = entity.district.format(*map(_kanji_numeral, entity.district_numbers))
        numerals = [_kanji_numeral(number) for number in lot]
        lot_text = f"{numerals[0]}番{numerals[1]}号" if len(lot) == 2 else f"{numerals[0]}番地"
    else:
        district = entity.district.format(*entity.district_numbers)
        if style == _BANGO and len(lot) == 2:
            lot_text = f"{lot[0]}番{lot[1]}号"
        elif style == _BANCHI:
            lot_text = f"{lot[0]}番地" + (f"{lot[1]}" if len(lot) == 2 else "")
        else:
            lot_text = "-".join(str(number) for number in lot)
        if style == _HYPHEN and district.endswith("丁目"):
            district = district[:-2] + "-"
    text = _ADDRESS_HEADS[head].format(entity.ward.name) + district + lot_text
    if building and entity.building:
        separator = "　" if building == 2 else " "
        text += separator + entity.building + entity.unit[building == 3]
    if style == _FULLWIDTH:
        text = text.translate(_TO_FULLWIDTH)
    return text


def _phone(parts: tuple[str, str, str], style: int) -> str:
    area, exchange, line = parts
    if style == 1:
        return area + exchange + line
    if style == 2:
        return f"{area}({exchange}){line}"
    if style == 3:
        return f"{area}({exchange}){line}".translate(_TO_FULLWIDTH)
    if style == 4:
        return f"{area}.{exchange}.{line}"
    if style == 5:
        return f"+81-{area[1:]}-{exchange}-{line}"
    if style == 6:
        return f"{area} {exchange} {line}"
    if style == 7:
        return f"{area}-{exchange}-{line}".translate(_TO_FULLWIDTH)
    if style == 8:
        return f"TEL:{area}-{exchange}-{line}"
    return f"{area}-{exchange}-{line}"


def _name(entity: _Entity, bare: str, writing: int, form_first: bool, separator: str) -> str:
    if entity.form is None:
        return bare
    written = entity.form.writings[writing]
    return written + separator + bare if form_first else bare + separator + written


def _typo(texts: list[str], rng: random.Random) -> list[str]:
    candidates = [
        (part, position)
        for part, text in enumerate(texts)
        for position, character in enumerate(text)
        if character in _CONFUSABLES
    ]
    texts = list(texts)
    if candidates:
        part, position = candidates[int(rng.random() * len(candidates))]
        text = texts[part]
        texts[part] = text[:position] + _CONFUSABLES[text[position]] + text[position + 1 :]
        return texts
    part = max(range(len(texts)), key=lambda index: len(texts[index]))
    text = texts[part]
    if len(text) >= 2:
        position = 1 + int(rng.random() * (len(text) - 1))
        texts[part] = text[:position] + text[position + 1 :]
    else:
        texts[part] = text + text
    return texts


def _swap_script(texts: list[str], entity: _Entity) -> list[str]:
    joined = "".join(texts)
    if _has_hiragana(joined):
        return [text.translate(_HIRAGANA_TO_KATAKANA) for text in texts]
    if _has_katakana(joined):
        return [text.translate(_KATAKANA_TO_HIRAGANA) for text in texts]
    if entity.family.startswith("place"):
        return [entity.parts[0][1].translate(_KATAKANA_TO_HIRAGANA), *texts[1:]]
    return texts


def _change_width(text: str, rng: random.Random) -> str:
    if _has_katakana(text) and rng.random() < 0.6:
        return text.translate(_TO_HALFWIDTH_KATAKANA)
    if any("!" <= character <= "~" for character in text):
        return text.translate(_TO_FULLWIDTH)
    if any("\uff01" <= character <= "\uff5e" for character in text):
        return text.translate(_TO_HALFWIDTH)
    return text.translate(_TO_HALFWIDTH_KATAKANA)


class _Factory:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = _seeded(seed)
        self.next_entity_id = 1
        self.name_spaces: dict[tuple[str, str], _NameSpace] = {}
        # Where names for a (word key, family) come from once that family has run out.
        self.name_in_use: dict[tuple[str, str], _NameSpace] = {}
        self.phone_numbers = {
            ward.name: _Shuffle(len(ward.exchanges) * 10_000, self._structure(ward.name))
            for ward in _WARD_LIST
        }
        self.serial_numbers: dict[str, _Shuffle] = {}
        self.recent: list[_Entity] = []
        self.romaji: dict[str, str] = {}

    def _structure(self, key: str) -> random.Random:
        # Each shuffle gets its own stream, so creating them lazily keeps results stable.
        return _seeded(f"dxdesk.synthetic/{self.seed}/{key}")

    def _name_space(self, word_key: str, family: str, words: tuple[_Pair, ...]) -> _NameSpace:
        key = ("*" if family in _WORDLESS_FAMILIES else word_key, family)
        space = self.name_spaces.get(key)
        if space is None:
            components = tuple(words if part is None else part for part in _FAMILIES[family])
            space = _NameSpace(family, components, self._structure("/".join(key)))
            self.name_spaces[key] = space
        return space

    def _take_name(
        self, word_key: str, family: str, words: tuple[_Pair, ...]
    ) -> tuple[tuple[_Pair, ...], str]:
        space = self.name_in_use.get((word_key, family))
        if space is None or not space.remaining:
            space = self._name_space(word_key, family, words)
            if not space.remaining:
                space = max(
                    (
                        self._name_space(word_key, name, words)
                        for name in _FAMILIES
                        if name not in _WORDLESS_FAMILIES
                    ),
                    key=attrgetter("remaining"),
                )
            self.name_in_use[word_key, family] = space
        return space.take(), space.family

    def _corporate_base(self, form: _LegalForm) -> str:
        kind = form.registry_kind
        serials = self.serial_numbers.get(kind)
        if serials is None:
            serials = _Shuffle(1_000_000, self._structure("number/" + kind))
            self.serial_numbers[kind] = serials
        block = serials.counter // 1_000_000
        registry = _REGISTRIES[block % len(_REGISTRIES)]
        return f"{registry}{kind}{serials.next():06d}"

    def _phone_parts(self, ward: _Ward, sole: bool) -> tuple[str, str, str]:
        rand = self.rng.random
        if sole and rand() < 0.35:
            mobile = ("090", "080", "070")[int(rand() * 3)]
            return mobile, f"{1000 + int(rand() * 9000)}", f"{int(rand() * 10000):04d}"
        exchange, line = divmod(self.phone_numbers[ward.name].next(), 10_000)
        return "011", str(ward.exchanges[exchange]), f"{line:04d}"

    def _romaji(self, pair: _Pair) -> str:
        written, reading = pair
        cached = self.romaji.get(written)
        if cached is None:
            cached = written.lower() if written.isascii() else _romanize(reading)
            self.romaji[written] = cached
        return cached

    def _email(self, entity: _Entity, namesake: bool) -> str:
        rand = self.rng.random
        sole = entity.form is None
        if rand() >= (0.3 if sole else 0.55):
            return ""
        romajis = [self._romaji(pair) for pair in entity.parts]
        joined = "".join(romajis)
        if sole:
            local = joined + ("" if rand() < 0.5 else str(int(rand() * 900) + 10))
            return f"{local}@{_FREE_MAIL[int(rand() * len(_FREE_MAIL))]}"
        shape = rand()
        if shape < 0.45 or len(romajis) == 1:
            domain = joined
        elif shape < 0.8:
            domain = "-".join(romajis)
        elif shape < 0.9:
            domain = romajis[0] + "-" + "".join(romaji[:1] for romaji in romajis[1:])
        else:
            domain = joined + "-sapporo"
        if namesake:
            domain += "-" + entity.ward.romaji
        tlds = _NONPROFIT_DOMAINS if entity.form and entity.form.industries else _COMPANY_DOMAINS
        mailbox = _MAILBOXES.pick(rand())
        if mailbox == "-":
            mailbox = self._romaji(entity.surname)
        return f"{mailbox}@{domain}.{tlds.pick(rand())}"

    def entity(self) -> _Entity:
        rand = self.rng.random
        entity_id = self.next_entity_id
        self.next_entity_id += 1
        if self.recent and rand() < _NAMESAKE_SHARE:
            # Each name is shared by two companies at most, so never twice in one ward.
            index = int(rand() * len(self.recent))
            self.recent[index], self.recent[-1] = self.recent[-1], self.recent[index]
            source = self.recent.pop()
            ward = source.ward
            while ward is source.ward:
                ward = _WARDS.pick(rand())
            form_first, writing = source.form_first, source.writing
            if rand() < 0.3 and source.form:
                form_first = rand() < source.form.prefix_share
                writing = source.form.writing_weights.pick(rand())
            return self._build(
                entity_id,
                source.form,
                source.industry,
                source.parts,
                source.family,
                ward,
                form_first,
                writing,
                namesake=True,
            )
        form: _LegalForm | None = None
        if rand() < _SOLE_PROPRIETOR_SHARE:
            industry = _SOLE_INDUSTRIES.pick(rand())
            families = _SOLE_FAMILIES
            word_key, words = industry.label, industry.words
        else:
            form = _FORMS.pick(rand())
            families = _COMPANY_FAMILIES
            if form.industries:
                label = form.industries[int(rand() * len(form.industries))]
                industry = _INDUSTRIES[label]
                word_key, words = form.full, form.words
            else:
                industry = _COMPANY_INDUSTRIES.pick(rand())
                word_key, words = industry.label, industry.words
        parts, family = self._take_name(word_key, families.pick(rand()), words)
        form_first = form is not None and rand() < form.prefix_share
        writing = form.writing_weights.pick(rand()) if form else 0
        entity = self._build(
            entity_id,
            form,
            industry,
            parts,
            family,
            _WARDS.pick(rand()),
            form_first,
            writing,
            namesake=False,
        )
        if len(self.recent) < 256:
            self.recent.append(entity)
        else:
            self.recent[entity_id % 256] = entity
        return entity

    def _build(
        self,
        entity_id: int,
        form: _LegalForm | None,
        industry: _Industry,
        parts: tuple[_Pair, ...],
        family: str,
        ward: _Ward,
        form_first: bool,
        writing: int,
        *,
        namesake: bool,
    ) -> _Entity:
        rng = self.rng
        rand = rng.random
        sole = form is None
        district, bounds = ward.districts[int(rand() * len(ward.districts))]
        numbers = tuple([low + int(rand() * (high - low + 1)) for low, high in bounds])
        lot = (
            (1 + int(rand() * 30),)
            if rand() < 0.15
            else (1 + int(rand() * 25), 1 + int(rand() * 30))
        )
        building, unit = self._building(ward, sole)
        employees = self._employees(form, industry)
        surname = _SURNAMES[int(rand() * len(_SURNAMES))]
        if family == "surname" and (sole or rand() < 0.6):
            surname = parts[0]
        entity = _Entity(
            entity_id=entity_id,
            form=form,
            form_first=form_first,
            writing=writing,
            parts=parts,
            family=family,
            industry=industry,
            ward=ward,
            district=district,
            district_numbers=numbers,
            lot=lot,
            building=building,
            unit=unit,
            phone=self._phone_parts(ward, sole),
            corporate_base=self._corporate_base(form) if form else "",
            capital=self._capital(form, employees),
            employees=employees,
            surname=surname,
            given_name=_GIVEN_NAMES[int(rand() * len(_GIVEN_NAMES))],
            email="",
        )
        entity.email = self._email(entity, namesake)
        return entity

    def _building(self, ward: _Ward, sole: bool) -> tuple[str, tuple[str, str]]:
        rand = self.rng.random
        if rand() >= (0.6 if ward.name == "中央区" else 0.3):
            return "", ("", "")
        if sole and rand() < 0.5:
            stem = _KATAKANA_FIRST[int(rand() * len(_KATAKANA_FIRST))][0]
            room = f"{1 + int(rand() * 5)}0{1 + int(rand() * 8)}"
            return stem + ("ハイツ", "マンション", "コーポ")[int(rand() * 3)], (f"{room}号室", room)
        place = _PLACES[int(rand() * len(_PLACES))][0]
        shape = rand()
        if shape < 0.5:
            name = place + "ビル"
        elif shape < 0.7:
            name = f"第{2 + int(rand() * 4)}{place}ビル"
        elif shape < 0.85:
            name = place + "センタービル"
        else:
            name = _KATAKANA_FIRST[int(rand() * len(_KATAKANA_FIRST))][0] + "タワー"
        floor = 1 + int(rand() * 12)
        return name, (f"{floor}F", f"{floor}階")

    def _employees(self, form: _LegalForm | None, industry: _Industry) -> int | None:
        rand = self.rng.random
        if rand() < (0.25 if form is None else 0.1):
            return None
        normal = _NORMAL_QUANTILES[int(rand() * len(_NORMAL_QUANTILES))]
        if form is None:
            return min(9, max(1, round(math.exp(0.2 + 0.6 * normal))))
        if rand() < 0.005:
            return int(300 * math.exp(rand() * 2.3))
        return min(2000, max(1, round(math.exp(1.6 + industry.size_shift + normal))))

    def _capital(self, form: _LegalForm | None, employees: int | None) -> int | None:
        rand = self.rng.random
        if form is None or not form.has_capital or rand() < 0.08:
            return None
        if rand() < 0.05:
            return (1 + int(rand() * 49)) * 1_000_000
        headcount = employees or 0
        if form.full == "有限会社":
            table = "yugen"
        elif form.full == "合同会社" and headcount <= 20:
            table = "godo"
        else:
            table = "small" if headcount <= 20 else "medium" if headcount <= 100 else "large"
        return _CAPITALS[table].pick(rand())

    def first_row(self, entity: _Entity) -> _Fields:
        rand = self.rng.random
        form = entity.form
        bare = "".join(text for text, _ in entity.parts)
        bare_kana = "".join(reading for _, reading in entity.parts)
        kana_roll = rand()
        if kana_roll < 0.1:
            kana = ""
        elif kana_roll < 0.2 and form:
            kana = form.kana + bare_kana if entity.form_first else bare_kana + form.kana
        else:
            kana = bare_kana
        number_roll = rand()
        number = ""
        if form and number_roll < _VALID_NUMBER_SHARE + _MISTYPED_NUMBER_SHARE:
            check = _check_digit(entity.corporate_base)
            if number_roll >= _VALID_NUMBER_SHARE:
                check = (check + 1 + int(rand() * 9)) % 10
            number = f"{check}{entity.corporate_base}"
        address_roll = rand()
        style = _STANDARD if address_roll < 0.85 else _BANGO if address_roll < 0.95 else _BANCHI
        phone_roll = rand()
        phone = "" if phone_roll < 0.03 else _phone(entity.phone, 1 if phone_roll < 0.08 else 0)
        representative = (
            ""
            if rand() < 0.05
            else entity.surname[0] + (" ", "　", "")[int(rand() * 3)] + entity.given_name
        )
        return (
            number,
            _name(entity, bare, entity.writing, entity.form_first, ""),
            kana,
            _address(entity, 0 if rand() < 0.8 else 1, style, 1),
            phone,
            entity.industry.label,
            entity.capital,
            entity.employees,
            representative,
            entity.email,
            entity.entity_id,
        )

    def duplicate(self, entity: _Entity, original: _Fields) -> _Fields:
        rng = self.rng
        rand = rng.random
        form = entity.form
        texts = [text for text, _ in entity.parts]
        if rand() < 0.07:
            texts = _typo(texts, rng)
        if rand() < 0.12:
            texts = _swap_script(texts, entity)
        bare = "".join(texts)
        if len(texts) > 1 and rand() < 0.12:
            # A space before the business word (or between the halves of a coined name).
            bare = "".join(texts[:-1]) + (" ", "　")[int(rand() * 2)] + texts[-1]
        writing, form_first, separator = entity.writing, entity.form_first, ""
        if form:
            if rand() < 0.45:
                writing = (writing + 1 + int(rand() * (len(form.writings) - 1))) % len(
                    form.writings
                )
            if rand() < 0.15:
                form_first = not form_first
            if rand() < 0.15:
                separator = (" ", "　")[int(rand() * 2)]
        name = bare if rand() < 0.06 else _name(entity, bare, writing, form_first, separator)
        if rand() < 0.2:
            name = _change_width(name, rng)

        roll = rand()
        head = 1 if rand() < 0.2 else 0
        building = 1
        if roll < 0.25:
            style, building = _KANJI, 0 if rand() < 0.5 else 1
        elif roll < 0.45:
            style = _HYPHEN
        elif roll < 0.6:
            style = _FULLWIDTH
        elif roll < 0.72:
            style, building = _STANDARD, 0
        elif roll < 0.82:
            style, head = _STANDARD, 2 + int(rand() * 2)
        elif roll < 0.9:
            style, building = _BANGO, 2 + int(rand() * 2)
        else:
            style = _STANDARD
        address = _address(entity, head, style, building)
        phone = "" if rand() < 0.15 else _phone(entity.phone, int(rand() * 9))

        if (name, address, phone) == original[1:2] + original[3:5]:
            if form:
                writing = (writing + 1) % len(form.writings)
                name = _name(entity, bare, writing, form_first, separator)
            else:
                name = "".join(_typo(texts, rng))

        bare_kana = "".join(reading for _, reading in entity.parts)
        kana_roll = rand()
        if kana_roll < 0.3:
            kana = ""
        elif kana_roll < 0.45:
            kana = bare_kana.translate(_TO_HALFWIDTH_KATAKANA)
        elif kana_roll < 0.55:
            kana = bare_kana.translate(_KATAKANA_TO_HIRAGANA)
        elif kana_roll < 0.65 and form:
            kana = form.kana + bare_kana if form_first else bare_kana + form.kana
        elif kana_roll < 0.7 and len(entity.parts) > 1:
            kana = bare_kana[: -len(entity.parts[-1][1])] + " " + entity.parts[-1][1]
        else:
            kana = bare_kana

        number = ""
        number_roll = rand()
        if form and number_roll >= 0.45:
            check = _check_digit(entity.corporate_base)
            if number_roll < 0.45 + _MISTYPED_NUMBER_SHARE:
                check = (check + 1 + int(rand() * 9)) % 10
            number = f"{check}{entity.corporate_base}"

        industry = entity.industry.label
        industry_roll = rand()
        if industry_roll < 0.05:
            industry = ""
        elif industry_roll < 0.2 and entity.industry.other_labels:
            others = entity.industry.other_labels
            industry = others[int(rand() * len(others))]

        employees = entity.employees
        employees_roll = rand()
        if employees_roll < 0.2:
            employees = None
        elif employees_roll < 0.35 and employees:
            employees = max(1, employees + (1, -1, 2, -2)[int(rand() * 4)])

        representative = entity.surname[0] + (" ", "　", "")[int(rand() * 3)] + entity.given_name
        representative_roll = rand()
        if representative_roll < 0.15:
            representative = ""
        elif representative_roll < 0.25 and form and form.has_capital:
            representative = "代表取締役 " + representative

        email = entity.email
        email_roll = rand()
        if email_roll < 0.3:
            email = ""
        elif email_roll < 0.35:
            email = email.upper()
        elif email_roll < 0.4:
            email = email.translate(_TO_FULLWIDTH)

        return (
            number,
            name,
            kana,
            address,
            phone,
            industry,
            None if rand() < 0.25 else entity.capital,
            employees,
            representative,
            email,
            entity.entity_id,
        )


def iter_companies(
    count: int, *, seed: int = 1, duplicate_share: float = 0.08
) -> Iterator[SyntheticCompany]:
    """`count` rows, `duplicate_share` of them extra rows for a company already listed.

    Streams: memory holds the duplicates still waiting for their turn (a few thousand at
    most) and a handful of counters, never the whole list.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if not 0 <= duplicate_share < 1:
        raise ValueError(f"duplicate_share must be in [0, 1), got {duplicate_share}")
    return _rows(count, seed, duplicate_share)


def generate_companies(
    count: int, *, seed: int = 1, duplicate_share: float = 0.08
) -> list[SyntheticCompany]:
    return list(iter_companies(count, seed=seed, duplicate_share=duplicate_share))


def _rows(count: int, seed: int, duplicate_share: float) -> Iterator[SyntheticCompany]:
    unassigned = round(count * duplicate_share)  # duplicates no company has been given yet
    entities_left = count - unassigned
    if count and not entities_left:
        entities_left, unassigned = 1, count - 1
    factory = _Factory(seed)
    rand = factory.rng.random
    waiting: list[_Fields] = []  # duplicates of companies already written, in no order
    last_entity_id = 0
    for position in range(count):
        fields: _Fields | None = None
        # Each row is a duplicate with the chance that spreads the rest evenly to the end.
        if waiting and (
            not entities_left or rand() * (count - position) < unassigned + len(waiting)
        ):
            fields = _take_waiting(waiting, last_entity_id, rand(), force=not entities_left)
        if fields is None:
            entity = factory.entity()
            fields = factory.first_row(entity)
            extra, remainder = divmod(unassigned, entities_left)
            copies = extra + (rand() * entities_left < remainder)
            if copies and unassigned > copies and rand() < 0.2:
                copies += 1  # the same company on three lists
            entities_left -= 1
            unassigned -= copies
            waiting.extend(factory.duplicate(entity, fields) for _ in range(copies))
        last_entity_id = fields[-1]
        yield SyntheticCompany(f"SP{position + 1:06d}", *fields)


def _take_waiting(
    waiting: list[_Fields], last_entity_id: int, fraction: float, *, force: bool
) -> _Fields | None:
    """A random waiting duplicate, not of the company just written unless `force`."""
    index = int(fraction * len(waiting))
    if waiting[index][-1] == last_entity_id:
        others = [other for other, row in enumerate(waiting) if row[-1] != last_entity_id]
        if others:
            index = others[int(fraction * len(others))]
        elif not force:
            return None
    waiting[index], waiting[-1] = waiting[-1], waiting[index]
    return waiting.pop()


# ---------------------------------------------------------------------------------------------
# Writers.

_ROW = attrgetter(*HEADER_EN)


def write_csv(
    companies: Iterable[SyntheticCompany],
    path: str | PathLike[str],
    *,
    encoding: str = "utf-8-sig",
    header: str = "ja",
) -> int:
    """Write a call list; `encoding="cp932"` gives what Excel on Japanese Windows saves."""
    if header not in ("ja", "en"):
        raise ValueError(f"header must be 'ja' or 'en', got {header!r}")
    written = 0
    with open(path, "w", encoding=encoding, newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER_JA if header == "ja" else HEADER_EN)
        for company in companies:
            writer.writerow(_ROW(company))
            written += 1
    return written


def write_xlsx(companies: Iterable[SyntheticCompany], path: str | PathLike[str]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("架電リスト")
    sheet.append(HEADER_JA)
    written = 0
    for company in companies:
        sheet.append(_ROW(company))
        written += 1
    workbook.save(path)
    return written


def write_truth(companies: Iterable[SyntheticCompany], path: str | PathLike[str]) -> int:
    """The benchmark's answer key: which true company each 管理番号 describes."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("ref", "entity_id"))
        for company in companies:
            writer.writerow((company.ref, company.entity_id))
            written += 1
    return written
