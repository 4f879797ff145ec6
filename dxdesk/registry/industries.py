"""日本標準産業分類 (JSIC, Rev. 13/14): the major divisions and the few finer classes that the
SME rule in `sme_rules.toml` needs.

A code is the division letter followed by the JSIC number: "E" (大分類), "E19" (中分類),
"G391" (小分類), "G3921" (細分類). JSIC has no code for 卸売業 or 小売業 on their own, nor for
不動産業 without 物品賃貸業, but call lists say just that, so three range codes stand for those
groups of middle classes: "I50-55", "I56-61" and "K68-69".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    name_en: str


_TABLE: tuple[tuple[str, str, str], ...] = (
    ("A", "農業，林業", "Agriculture and forestry"),
    ("B", "漁業", "Fisheries"),
    ("C", "鉱業，採石業，砂利採取業", "Mining and quarrying of stone and gravel"),
    ("D", "建設業", "Construction"),
    ("E", "製造業", "Manufacturing"),
    ("E19", "ゴム製品製造業", "Manufacture of rubber products"),
    ("F", "電気・ガス・熱供給・水道業", "Electricity, gas, heat supply and water"),
    ("G", "情報通信業", "Information and communications"),
    ("G37", "通信業", "Communications"),
    ("G38", "放送業", "Broadcasting"),
    ("G39", "情報サービス業", "Information services"),
    ("G391", "ソフトウェア業", "Software"),
    ("G392", "情報処理・提供サービス業", "Information processing and information providing"),
    ("G3921", "情報処理サービス業", "Information processing services"),
    ("G40", "インターネット附随サービス業", "Services incidental to the internet"),
    ("G41", "映像・音声・文字情報制作業", "Video, sound and text information production"),
    ("G411", "映像情報制作・配給業", "Video production and distribution"),
    ("G412", "音声情報制作業", "Sound production"),
    ("G413", "新聞業", "Newspaper publishing"),
    ("G414", "出版業", "Publishing, except newspapers"),
    ("G415", "広告制作業", "Commercial art and advertising production"),
    (
        "G416",
        "映像・音声・文字情報制作に附帯するサービス業",
        "Services incidental to video, sound and text information production",
    ),
    ("H", "運輸業，郵便業", "Transport and postal activities"),
    ("I", "卸売業，小売業", "Wholesale and retail trade"),
    ("I50-55", "卸売業", "Wholesale trade"),
    ("I50", "各種商品卸売業", "Wholesale trade, general merchandise"),
    ("I51", "繊維・衣服等卸売業", "Wholesale trade, textiles and apparel"),
    ("I52", "飲食料品卸売業", "Wholesale trade, food and beverages"),
    (
        "I53",
        "建築材料，鉱物・金属材料等卸売業",
        "Wholesale trade, building materials, minerals and metals",
    ),
    ("I54", "機械器具卸売業", "Wholesale trade, machinery and equipment"),
    ("I55", "その他の卸売業", "Miscellaneous wholesale trade"),
    ("I56-61", "小売業", "Retail trade"),
    ("I56", "各種商品小売業", "Retail trade, general merchandise"),
    ("I57", "織物・衣服・身の回り品小売業", "Retail trade, dry goods, apparel and accessories"),
    ("I58", "飲食料品小売業", "Retail trade, food and beverages"),
    ("I59", "機械器具小売業", "Retail trade, machinery and equipment"),
    ("I60", "その他の小売業", "Miscellaneous retail trade"),
    ("I61", "無店舗小売業", "Nonstore retailers"),
    ("J", "金融業，保険業", "Finance and insurance"),
    ("K", "不動産業，物品賃貸業", "Real estate and goods rental and leasing"),
    ("K68-69", "不動産業", "Real estate"),
    ("K68", "不動産取引業", "Real estate agencies"),
    ("K69", "不動産賃貸業・管理業", "Real estate lessors and managers"),
    ("K693", "駐車場業", "Parking lots"),
    ("K70", "物品賃貸業", "Goods rental and leasing"),
    (
        "L",
        "学術研究，専門・技術サービス業",
        "Scientific research, professional and technical services",
    ),
    ("M", "宿泊業，飲食サービス業", "Accommodations, eating and drinking services"),
    ("M75", "宿泊業", "Accommodations"),
    ("M751", "旅館，ホテル", "Hotels and inns"),
    ("M76", "飲食店", "Eating and drinking places"),
    ("M77", "持ち帰り・配達飲食サービス業", "Food take out and delivery services"),
    (
        "N",
        "生活関連サービス業，娯楽業",
        "Living-related and personal services and amusement services",
    ),
    ("N79", "その他の生活関連サービス業", "Miscellaneous living-related and personal services"),
    ("N791", "旅行業", "Travel agencies"),
    ("O", "教育，学習支援業", "Education, learning support"),
    ("P", "医療，福祉", "Medical, health care and welfare"),
    ("Q", "複合サービス事業", "Compound services"),
    ("R", "サービス業（他に分類されないもの）", "Services, not elsewhere classified"),
    ("S", "公務（他に分類されるものを除く）", "Government, except elsewhere classified"),
    ("T", "分類不能の産業", "Industries unable to classify"),
)

INDUSTRIES: dict[str, Industry] = {
    code: Industry(code, name, name_en) for code, name, name_en in _TABLE
}

# The 20 major divisions (大分類) A–T, code to Japanese name, for select boxes and filters.
INDUSTRY_DIVISIONS: dict[str, str] = {
    code: industry.name for code, industry in INDUSTRIES.items() if len(code) == 1
}

# The middle-class numbers (中分類) that belong to each division, inclusive.
_MIDDLE_CLASS_RANGES: dict[str, tuple[int, int]] = {
    "A": (1, 2),
    "B": (3, 4),
    "C": (5, 5),
    "D": (6, 8),
    "E": (9, 32),
    "F": (33, 36),
    "G": (37, 41),
    "H": (42, 49),
    "I": (50, 61),
    "J": (62, 67),
    "K": (68, 70),
    "L": (71, 74),
    "M": (75, 77),
    "N": (78, 80),
    "O": (81, 82),
    "P": (83, 85),
    "Q": (86, 87),
    "R": (88, 96),
    "S": (97, 98),
    "T": (99, 99),
}

_CODE_PATTERN = re.compile(r"([A-T])?[-\s]?(\d{2,4})?")

# Free-text words from call lists. The longest word found in the text wins, so put a more
# specific phrase in when a short word would pick the wrong class ("電気工事" vs "電気").
_KEYWORDS: dict[str, str] = {
    "農業": "A",
    "林業": "A",
    "農林": "A",
    "漁業": "B",
    "水産養殖": "B",
    "鉱業": "C",
    "採石": "C",
    "砂利": "C",
    "建設": "D",
    "工務店": "D",
    "土木": "D",
    "工事業": "D",
    "電気工事": "D",
    "製造": "E",
    "メーカー": "E",
    "ゴム製品": "E19",
    "電気業": "F",
    "電力": "F",
    "ガス業": "F",
    "電気ガス": "F",
    "熱供給": "F",
    "水道業": "F",
    "情報通信": "G",
    "通信業": "G37",
    "放送": "G38",
    "情報サービス": "G39",
    "ソフトウェア": "G391",
    "ソフトウエア": "G391",
    "ソフト開発": "G391",
    "システム開発": "G391",
    "受託開発": "G391",
    "ホームページ制作": "G391",
    "ウェブ制作": "G391",
    "web制作": "G391",
    "情報処理提供": "G392",
    "情報処理": "G3921",
    "インターネット附随": "G40",
    "インターネット付随": "G40",
    "新聞": "G413",
    "出版": "G414",
    "広告制作": "G415",
    "運輸": "H",
    "運送": "H",
    "物流": "H",
    "倉庫": "H",
    "郵便": "H",
    "卸売小売": "I",
    "卸小売": "I",
    "卸": "I50-55",
    "飲食料品卸": "I52",
    "小売": "I56-61",
    "飲食料品小売": "I58",
    "通信販売": "I61",
    "通販": "I61",
    "無店舗小売": "I61",
    "金融": "J",
    "保険": "J",
    "銀行": "J",
    "証券": "J",
    "不動産": "K68-69",
    "不動産業物品賃貸": "K",
    "不動産取引": "K68",
    "不動産賃貸": "K69",
    "不動産管理": "K69",
    "駐車場": "K693",
    "物品賃貸": "K70",
    "リース": "K70",
    "レンタル": "K70",
    "学術研究": "L",
    "専門技術サービス": "L",
    "専門サービス": "L",
    "技術サービス": "L",
    "税理士": "L",
    "会計事務所": "L",
    "法律事務所": "L",
    "司法書士": "L",
    "行政書士": "L",
    "社会保険労務士": "L",
    "コンサルティング": "L",
    "コンサル": "L",
    "デザイン": "L",
    "設計事務所": "L",
    "宿泊飲食": "M",
    "宿泊": "M75",
    "旅館": "M751",
    "ホテル": "M751",
    "飲食": "M76",
    "レストラン": "M76",
    "居酒屋": "M76",
    "喫茶": "M76",
    "カフェ": "M76",
    "持ち帰り": "M77",
    "配達飲食": "M77",
    "テイクアウト": "M77",
    "生活関連": "N",
    "娯楽": "N",
    "理容": "N",
    "美容": "N",
    "クリーニング": "N",
    "冠婚葬祭": "N",
    "旅行": "N791",
    "教育": "O",
    "学習支援": "O",
    "学習塾": "O",
    "塾": "O",
    "医療": "P",
    "福祉": "P",
    "介護": "P",
    "病院": "P",
    "診療所": "P",
    "クリニック": "P",
    "歯科": "P",
    "保育": "P",
    "複合サービス": "Q",
    "サービス": "R",
    "公務": "S",
    "分類不能": "T",
}


def _fold(text: str) -> str:
    """NFKC, lower-case, and without spaces or punctuation (・，、 and the like)."""
    normalised = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        character
        for character in normalised
        if not unicodedata.category(character).startswith(("Z", "P", "C"))
    )


_NAMES: dict[str, str] = {_fold(industry.name): code for code, industry in INDUSTRIES.items()}
_FOLDED_KEYWORDS: dict[str, str] = {_fold(word): code for word, code in _KEYWORDS.items()}


def normalise_industry_code(text: str) -> str | None:
    """A JSIC code written loosely ("g391", "Ｇ-391", "391") in canonical form, or None."""
    compact = unicodedata.normalize("NFKC", text).strip().upper()
    if compact in INDUSTRIES:
        return compact
    match = _CODE_PATTERN.fullmatch(compact)
    if match is None or not compact:
        return None
    letter, digits = match.group(1), match.group(2)
    if digits is None:
        return letter
    middle = int(digits[:2])
    if letter is None:
        letter = next(
            (
                division
                for division, (first, last) in _MIDDLE_CLASS_RANGES.items()
                if first <= middle <= last
            ),
            None,
        )
        if letter is None:
            return None
    first, last = _MIDDLE_CLASS_RANGES[letter]
    if not first <= middle <= last:
        return None
    return f"{letter}{digits}"


def parse_industry(text: str | None) -> str | None:
    """The JSIC code for an industry as a call list writes it ("小売", "ソフトウェア業", "E")."""
    if text is None or not text.strip():
        return None
    code = normalise_industry_code(text)
    if code is not None:
        return code
    folded = _fold(text)
    for candidate in (folded, folded.removesuffix("業")):
        if candidate in _NAMES:
            return _NAMES[candidate]
        if candidate + "業" in _NAMES:
            return _NAMES[candidate + "業"]
    found = [word for word in _FOLDED_KEYWORDS if word in folded]
    if not found:
        return None
    return _FOLDED_KEYWORDS[max(found, key=len)]


def industry_for(code: str) -> Industry | None:
    """The most specific entry in the table that the code falls under."""
    for length in range(len(code), 0, -1):
        industry = INDUSTRIES.get(code[:length])
        if industry is not None:
            return industry
    return None


def industry_label(code: str | None) -> str:
    """ "G391 ソフトウェア業" for display; a finer code than the table shows its nearest parent."""
    if not code:
        return ""
    industry = industry_for(code)
    if industry is None:
        return code
    if industry.code == code:
        return f"{code} {industry.name}"
    return f"{code}（{industry.code} {industry.name}）"
