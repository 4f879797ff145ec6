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
import itertools
import math
import random
import unicodedata
from bisect import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from os import PathLike
from statistics import NormalDist
from typing import Generic, TypeVar

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
_Pair = tuple[str, str]  # (as written, katakana reading)
_Item = TypeVar("_Item")

_SOLE_PROPRIETOR_SHARE = 0.18
_NAMESAKE_SHARE = 0.006  # a new company reusing a recent company's name in another ward
_VALID_NUMBER_SHARE = 0.85
_MISTYPED_NUMBER_SHARE = 0.02
# 登記所コード: Sapporo's first; the others only once a million serials have been used.
_REGISTRIES = ("4300", "0100", "0110", "0104")


def _pairs(text: str) -> tuple[_Pair, ...]:
    pairs = []
    for item in text.split():
        written, reading = item.split(":")
        pairs.append((written, reading))
    return tuple(pairs)


def _same(text: str) -> tuple[_Pair, ...]:
    return tuple((word, word) for word in text.split())


def _blocks(table: str) -> list[list[str]]:
    """A data table: blocks separated by blank lines, one stripped line per item."""
    return [
        [line.strip() for line in block.strip().splitlines()]
        for block in table.strip().split("\n\n")
    ]


class _Weighted(Generic[_Item]):
    __slots__ = ("cumulative", "items", "total")

    def __init__(self, weighted: Sequence[tuple[_Item, float]]) -> None:
        self.items = [item for item, _ in weighted]
        self.cumulative = list(itertools.accumulate(weight for _, weight in weighted))
        self.total = self.cumulative[-1]

    def pick(self, fraction: float) -> _Item:
        return self.items[bisect(self.cumulative, fraction * self.total, hi=len(self.items) - 1)]


def _weights(text: str) -> _Weighted[str]:
    return _Weighted([(key, float(weight)) for key, weight in _pairs(text)])


def _seeded(material: int | str) -> random.Random:
    return random.Random(material)  # noqa: S311 - test data, not secrets


def _check_digit(base12: str) -> int:
    """国税庁's check digit: 9 − (Σ Pn·Qn mod 9), Pn counted from the right, Qn = 1, 2, 1, …"""
    # From the left, even indexes are the even positions counted from the right; the byte
    # sums carry 48 for each ASCII digit, 2·6·48 + 6·48 = 864 in all.
    digits = base12.encode("ascii")
    return 9 - (2 * sum(digits[0::2]) + sum(digits[1::2]) - 864) % 9


# ---------------------------------------------------------------------------------------------
# Vocabulary. Every name is a few components with their readings, so フリガナ always matches.

_SURNAMES = _pairs("""
    佐藤:サトウ 高橋:タカハシ 佐々木:ササキ 鈴木:スズキ 伊藤:イトウ 田中:タナカ 渡辺:ワタナベ
    斉藤:サイトウ 工藤:クドウ 吉田:ヨシダ 山田:ヤマダ 小林:コバヤシ 中村:ナカムラ 加藤:カトウ
    山本:ヤマモト 阿部:アベ 木村:キムラ 林:ハヤシ 菅原:スガワラ 村上:ムラカミ 清水:シミズ
    松本:マツモト 山口:ヤマグチ 池田:イケダ 石川:イシカワ 三浦:ミウラ 菊地:キクチ 千葉:チバ
    斎藤:サイトウ 藤田:フジタ 小野:オノ 後藤:ゴトウ 太田:オオタ 近藤:コンドウ 遠藤:エンドウ
    石井:イシイ 長谷川:ハセガワ 森:モリ 坂本:サカモト 岡田:オカダ 藤井:フジイ 酒井:サカイ
    松田:マツダ 西村:ニシムラ 大野:オオノ 上田:ウエダ 成田:ナリタ 今井:イマイ 金子:カネコ
    前田:マエダ 中川:ナカガワ 橋本:ハシモト 武田:タケダ 柴田:シバタ 桜井:サクライ 本間:ホンマ
    須藤:スドウ 北村:キタムラ 高田:タカダ 野口:ノグチ 中島:ナカジマ 丸山:マルヤマ
    山崎:ヤマザキ 大西:オオニシ 小松:コマツ 土田:ツチダ 竹内:タケウチ 安田:ヤスダ 川村:カワムラ
    宮本:ミヤモト 高木:タカギ 小川:オガワ 新井:アライ 野村:ノムラ 荒木:アラキ 堀:ホリ
    若林:ワカバヤシ""")
_GIVEN_NAMES = _words("""
    一郎 健一 誠 浩 隆 修 大輔 拓也 翔太 和也 直樹 健太 聡 剛 茂 博 勝 進 正人 義明 秀樹 雅之
    智之 裕介 亮 悠斗 陽介 正樹 弘 学 徹 康弘 英樹 達也 哲也 真一 光男 幸雄 信也 恵子 洋子
    幸子 由美 真由美 智子 久美子 明美 直美 裕子 美穂 彩 愛 舞 千尋 美香 麻衣 沙織 陽子 優子
    京子 和子 典子 恵美 香織 由紀 綾 みゆき さやか 陽菜""")
_PLACES = _pairs("""
    札幌:サッポロ 北海:ホッカイ 北海道:ホッカイドウ 豊平:トヨヒラ 藻岩:モイワ 石狩:イシカリ
    大通:オオドオリ すすきの:ススキノ 円山:マルヤマ 琴似:コトニ 手稲:テイネ 月寒:ツキサム
    白石:シロイシ 厚別:アツベツ 真駒内:マコマナイ 定山渓:ジョウザンケイ 羊ヶ丘:ヒツジガオカ
    北斗:ホクト 道央:ドウオウ 大雪:タイセツ 十勝:トカチ 小樽:オタル 新川:シンカワ
    創成:ソウセイ 苗穂:ナエボ 発寒:ハッサム 平岸:ヒラギシ 宮の森:ミヤノモリ 江別:エベツ
    北広島:キタヒロシマ 千歳:チトセ 石山:イシヤマ 澄川:スミカワ 伏見:フシミ 道都:ドウト
    藤野:フジノ 新琴似:シンコトニ 麻生:アサブ 屯田:トンデン 篠路:シノロ 菊水:キクスイ
    北星:ホクセイ 北都:ホクト 道北:ドウホク 北央:ホクオウ 樽川:タルカワ 当別:トウベツ
    恵庭:エニワ""")
_MIDDLES = _pairs("""
    総合:ソウゴウ 中央:チュウオウ 第一:ダイイチ 北日本:キタニホン 共同:キョウドウ
    東洋:トウヨウ 綜合:ソウゴウ""")
# Two-kanji coined names read on'yomi; none of the first readings end in a sound that would
# double the next consonant (北光 is ホッコウ), so the readings simply concatenate.
_KANJI_FIRST = _pairs("""
    大:ダイ 新:シン 明:メイ 三:サン 丸:マル 東:トウ 中:チュウ 正:ショウ 太:タイ 平:ヘイ 信:シン
    高:コウ 永:エイ 旭:アサヒ 富:トミ 泰:タイ 恒:コウ 清:セイ 昌:ショウ 勝:ショウ 盛:セイ
    金:キン 双:ソウ 千:セン 万:マン 五:ゴ 朝:アサ 共:キョウ 協:キョウ 西:セイ 南:ナン 京:キョウ
    上:ジョウ 藤:トウ 松:ショウ 若:ワカ""")
_KANJI_SECOND = _pairs("""
    栄:エイ 和:ワ 成:セイ 光:コウ 進:シン 興:コウ 洋:ヨウ 陽:ヨウ 伸:シン 友:ユウ 誠:セイ
    豊:ホウ 晃:コウ 邦:ホウ 陵:リョウ 峰:ホウ 雄:ユウ 英:エイ 秀:シュウ 幸:コウ 輝:キ 星:セイ
    隆:リュウ 泉:セン 仁:ジン 勇:ユウ 央:オウ 章:ショウ 海:カイ 宝:ホウ 昭:ショウ 鵬:ホウ
    立:リツ 正:セイ 精:セイ 伸光:シンコウ""")
_KATAKANA_FIRST = _same("""
    ノース ノーザン スノー ホワイト ブルー グリーン サン エコ アーク ネクスト ユニ テクノ
    ネオ フロンティア アクア フォレスト リバー スカイ ポプラ ライラック アカシア エルム
    クリア ミント ルーチェ アルファ オーロラ フロスト ベスト プライム""")
_KATAKANA_SECOND = _same("""
    ライト フィールド ストーン ウェーブ リンク ブリッジ ゲート ライン プラス ワークス
    クラフト ビレッジ ポート ウィング スター ハート フロー ステージ ベース サイド ランド
    パーク ルート ヒル ツリー リーフ ポイント ワン コア ビジョン""")
_HIRAGANA = _pairs("""
    さくら:サクラ すずらん:スズラン ひまわり:ヒマワリ はまなす:ハマナス こぶし:コブシ
    みらい:ミライ あおば:アオバ ひかり:ヒカリ つばさ:ツバサ ゆめ:ユメ わかば:ワカバ
    のぞみ:ノゾミ かえで:カエデ みのり:ミノリ いちい:イチイ やまびこ:ヤマビコ ふたば:フタバ""")
_LATIN = _pairs("""
    ARC:アーク ECO:エコ NEXT:ネクスト LINK:リンク ONE:ワン NORTH:ノース SNOW:スノー
    AQUA:アクア BLUE:ブルー GREEN:グリーン STAR:スター PLUS:プラス CORE:コア FIELD:フィールド
    TRUST:トラスト SMILE:スマイル FUTURE:フューチャー BRIDGE:ブリッジ LUCE:ルーチェ
    MIRAI:ミライ""")

# Each family is the product of its component lists (None: the industry's business words).
# Every company takes the next name of a shuffled enumeration, so names do not repeat until
# a family runs out (see _NameSpace).
_FAMILIES: dict[str, tuple[tuple[_Pair, ...] | None, ...]] = {
    "surname": (_SURNAMES, None),
    "place": (_PLACES, None),
    "place_middle": (_PLACES, _MIDDLES, None),
    "kanji": (_KANJI_FIRST, _KANJI_SECOND, None),
    "kanji_middle": (_KANJI_FIRST, _KANJI_SECOND, _MIDDLES, None),
    "katakana": (_KATAKANA_FIRST, _KATAKANA_SECOND, None),
    "hiragana": (_HIRAGANA, None),
    "latin": (_LATIN, None),
    # Without a business word, shared by every industry.
    "coined": (_KATAKANA_FIRST, _KATAKANA_SECOND),
    "place_coined": (_PLACES, _KATAKANA_SECOND),
}
_WORDLESS_FAMILIES = frozenset({"coined", "place_coined"})
_COMPANY_FAMILIES = _weights("""
    surname:0.14 place:0.16 place_middle:0.04 kanji:0.24 kanji_middle:0.06 katakana:0.12
    hiragana:0.04 latin:0.04 coined:0.12 place_coined:0.04""")
_SOLE_FAMILIES = _weights("""
    surname:0.45 place:0.08 kanji:0.05 katakana:0.08 hiragana:0.2 latin:0.02 coined:0.08
    place_coined:0.04""")


@dataclass(frozen=True, slots=True)
class _Industry:
    label: str
    other_labels: tuple[str, ...]  # how another list may classify the same company
    words: tuple[_Pair, ...]
    size_shift: float  # added to the log of the median headcount


# label, weight among companies, among sole proprietors, size shift; other labels; words.
_INDUSTRY_TABLE = """
    建設業 0.17 0.2 0.2
    総合工事業 設備工事業
    建設:ケンセツ 工務店:コウムテン 建工:ケンコウ 設備:セツビ 電設:デンセツ 塗装:トソウ
    住建:ジュウケン 土木:ドボク 興業:コウギョウ 組:グミ 電気工事:デンキコウジ

    製造業 0.04 0 0.6
    その他の製造業
    工業:コウギョウ 製作所:セイサクショ 精機:セイキ 技研:ギケン 工機:コウキ 化成:カセイ
    精工:セイコウ 機械:キカイ

    金属製品製造業 0.015 0 0.4
    製造業
    鉄工:テッコウ 鉄工所:テッコウショ 金属:キンゾク 板金:バンキン 製缶:セイカン
    鋼業:コウギョウ

    食料品製造業 0.025 0 0.6
    製造業
    食品:ショクヒン 製菓:セイカ 製麺:セイメン 水産:スイサン 乳業:ニュウギョウ フーズ:フーズ
    醸造:ジョウゾウ

    印刷業 0.012 0 0.3
    製造業 印刷・同関連業
    印刷:インサツ 印刷所:インサツジョ プリント:プリント 美術印刷:ビジュツインサツ
    製版:セイハン

    ゴム製品製造業 0.004 0 0.5
    製造業
    ゴム:ゴム ゴム工業:ゴムコウギョウ 化工:カコウ ラバー:ラバー

    卸売業 0.09 0 0.2
    卸売業，小売業
    商事:ショウジ 商会:ショウカイ 物産:ブッサン 通商:ツウショウ 産業:サンギョウ 興産:コウサン
    トレーディング:トレーディング

    小売業 0.1 0.18 0
    卸売業，小売業
    商店:ショウテン ストア:ストア 薬局:ヤッキョク 書店:ショテン 酒店:サケテン 電器:デンキ
    生花店:セイカテン 家具店:カグテン 時計店:トケイテン

    飲食店 0.06 0.2 0.1
    飲食サービス業 宿泊業，飲食サービス業
    食堂:ショクドウ キッチン:キッチン ダイニング:ダイニング 珈琲店:コーヒーテン 寿司:スシ
    酒場:サカバ 亭:テイ ラーメン:ラーメン

    ソフトウェア業 0.04 0.03 0.4
    情報通信業 情報サービス業
    システムズ:システムズ ソフト:ソフト テック:テック ソリューションズ:ソリューションズ
    ラボ:ラボ デジタル:デジタル テクノロジー:テクノロジー ソフトウェア:ソフトウェア

    情報処理サービス業 0.02 0 0.5
    情報通信業 情報サービス業
    情報サービス:ジョウホウサービス データ:データ ネットワークス:ネットワークス
    情報システム:ジョウホウシステム 電算:デンサン ITサービス:アイティーサービス

    旅館業 0.008 0 0.6
    宿泊業 宿泊業，飲食サービス業
    旅館:リョカン ホテル:ホテル 温泉旅館:オンセンリョカン 観光:カンコウ 荘:ソウ イン:イン

    運輸業 0.045 0.03 0.8
    運輸業，郵便業 道路貨物運送業
    運輸:ウンユ 運送:ウンソウ 物流:ブツリュウ 交通:コウツウ 倉庫:ソウコ ハイヤー:ハイヤー
    ロジスティクス:ロジスティクス 急送:キュウソウ

    不動産業 0.09 0.04 -0.5
    不動産業，物品賃貸業 不動産取引業
    不動産:フドウサン 地所:ジショ エステート:エステート 住宅:ジュウタク 管財:カンザイ
    ハウジング:ハウジング 土地:トチ ホーム:ホーム

    医療・福祉 0.06 0 1.0
    医療，福祉 社会保険・社会福祉・介護事業
    ケア:ケア メディカル:メディカル 介護サービス:カイゴサービス 訪問看護:ホウモンカンゴ
    福祉サービス:フクシサービス クリニック:クリニック ケアセンター:ケアセンター

    サービス業 0.14 0.15 0
    サービス業（他に分類されないもの） その他の事業サービス業
    サービス:サービス 企画:キカク 広告:コウコク デザイン:デザイン 設計:セッケイ
    コンサルティング:コンサルティング ビルサービス:ビルサービス クリーニング:クリーニング
    警備保障:ケイビホショウ

    理容・美容業 0.01 0.1 -0.6
    生活関連サービス業 美容業
    美容室:ビヨウシツ 理容:リヨウ 理容室:リヨウシツ サロン:サロン 美容院:ビヨウイン

    自動車整備業 0.015 0.04 -0.2
    サービス業（他に分類されないもの）
    自動車:ジドウシャ モータース:モータース オート:オート 車輌:シャリョウ
    自動車工業:ジドウシャコウギョウ

    農業 0.008 0.03 0
    農業，林業
    ファーム:ファーム 農園:ノウエン 農産:ノウサン 牧場:ボクジョウ

    その他 0.01 0 0.5
    -
    ホールディングス:ホールディングス 総研:ソウケン グループ:グループ
"""


def _industries() -> tuple[dict[str, _Industry], _Weighted[_Industry], _Weighted[_Industry]]:
    by_label: dict[str, _Industry] = {}
    company_weights: list[tuple[_Industry, float]] = []
    sole_weights: list[tuple[_Industry, float]] = []
    for head, other_labels, *words in _blocks(_INDUSTRY_TABLE):
        label, company_weight, sole_weight, size_shift = head.split()
        others = () if other_labels == "-" else _words(other_labels)
        industry = _Industry(label, others, _pairs(" ".join(words)), float(size_shift))
        by_label[label] = industry
        company_weights.append((industry, float(company_weight)))
        if float(sole_weight):
            sole_weights.append((industry, float(sole_weight)))
    return by_label, _Weighted(company_weights), _Weighted(sole_weights)


_INDUSTRIES, _COMPANY_INDUSTRIES, _SOLE_INDUSTRIES = _industries()


@dataclass(frozen=True, slots=True)
class _LegalForm:
    full: str
    kana: str
    writings: tuple[str, ...]  # the full form first, then abbreviations
    writing_weights: _Weighted[int]
    prefix_share: float  # how often the form comes before the name (前株)
    registry_kind: str  # the 種別 digits of the 会社法人等番号 (approximate)
    industries: tuple[str, ...]  # only non-profits; companies draw from _COMPANY_INDUSTRIES
    words: tuple[_Pair, ...]  # non-profits' own words instead of the industry's

    @property
    def has_capital(self) -> bool:
        # 合名会社 and 合資会社 register no 資本金; non-profits have none.
        return self.full in ("株式会社", "有限会社", "合同会社")


# full form, reading, share of corporations, share written before the name, registry kind;
# spellings with weights; for non-profits, their industries and their own words.
_FORM_TABLE = """
    株式会社 カブシキガイシャ 0.70 0.5 01
    株式会社:80 (株):9 （株）:6 ㈱:5

    有限会社 ユウゲンガイシャ 0.15 0.45 02
    有限会社:80 (有):9 （有）:6 ㈲:5

    合同会社 ゴウドウガイシャ 0.07 0.6 03
    合同会社:90 (同):6 （同）:4

    合資会社 ゴウシガイシャ 0.008 0.5 03
    合資会社:90 (資):6 （資）:4

    合名会社 ゴウメイガイシャ 0.004 0.5 03
    合名会社:90 (名):6 （名）:4

    一般社団法人 イッパンシャダンホウジン 0.02 1 05
    一般社団法人:90 (一社):6 （一社）:4
    サービス業
    協会:キョウカイ 振興会:シンコウカイ 協議会:キョウギカイ 機構:キコウ

    一般財団法人 イッパンザイダンホウジン 0.003 1 05
    一般財団法人:90 (一財):6 （一財）:4
    サービス業
    財団:ザイダン 記念財団:キネンザイダン 協会:キョウカイ 機構:キコウ

    特定非営利活動法人 トクテイヒエイリカツドウホウジン 0.02 1 05
    特定非営利活動法人:45 NPO法人:40 ＮＰＯ法人:5 (特非):5 （特非）:5
    医療・福祉 サービス業
    ネット:ネット ネットワーク:ネットワーク 支援センター:シエンセンター の会:ノカイ
    クラブ:クラブ

    社会福祉法人 シャカイフクシホウジン 0.01 1 05
    社会福祉法人:85 (福):6 （福）:5 社福:4
    医療・福祉
    会:カイ 福祉会:フクシカイ 厚生会:コウセイカイ 愛育会:アイイクカイ

    医療法人社団 イリョウホウジンシャダン 0.008 1 05
    医療法人社団:90 (医):6 （医）:4
    医療・福祉
    会:カイ 医院:イイン 内科クリニック:ナイカクリニック 整形外科:セイケイゲカ

    医療法人 イリョウホウジン 0.004 1 05
    医療法人:90 (医):6 （医）:4
    医療・福祉
    会:カイ 医院:イイン 歯科クリニック:シカクリニック 整形外科:セイケイゲカ
"""


def _forms() -> _Weighted[_LegalForm]:
    weighted = []
    for head, spellings, *rest in _blocks(_FORM_TABLE):
        full, kana, share, prefix_share, registry_kind = head.split()
        writings = _pairs(spellings)
        form = _LegalForm(
            full=full,
            kana=kana,
            writings=tuple(written for written, _ in writings),
            writing_weights=_Weighted([(index, float(w)) for index, (_, w) in enumerate(writings)]),
            prefix_share=float(prefix_share),
            registry_kind=registry_kind,
            industries=_words(rest[0]) if rest else (),
            words=_pairs(" ".join(rest[1:])),
        )
        weighted.append((form, float(share)))
    return _Weighted(weighted)


_FORMS = _forms()


@dataclass(frozen=True, slots=True)
class _Ward:
    name: str
    romaji: str
    districts: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # 町名 template, ranges
    exchanges: tuple[int, ...]  # the three digits after 011 in this ward


# name, romaji, share of companies; exchange codes after 011; 条丁目 districts with ranges.
_WARD_TABLE = """
    中央区 chuo 0.28
    200-299 511-563 611-619
    北{}条西{}丁目 1-5 1-28 | 南{}条西{}丁目 1-22 1-28 | 大通西{}丁目 1-28
    南{}条東{}丁目 1-8 1-4 | 北{}条東{}丁目 1-4 1-8 | 宮の森{}条{}丁目 1-4 1-18
    円山西町{}丁目 1-10 | 旭ケ丘{}丁目 1-6 | 伏見{}丁目 1-5

    北区 kita 0.11
    700-759
    北{}条西{}丁目 6-40 1-12 | 新琴似{}条{}丁目 1-12 1-14 | 屯田{}条{}丁目 1-11 1-12
    篠路{}条{}丁目 1-10 1-10 | 麻生町{}丁目 1-9 | 百合が原{}丁目 1-11
    太平{}条{}丁目 1-12 1-7 | 新川{}条{}丁目 1-8 1-18 | あいの里{}条{}丁目 1-5 1-8

    東区 higashi 0.12
    760-799
    北{}条東{}丁目 6-50 1-20 | 苗穂町{}丁目 1-16 | 伏古{}条{}丁目 1-14 1-6
    東苗穂{}条{}丁目 1-15 1-3 | 本町{}条{}丁目 1-2 1-10 | 東雁来{}条{}丁目 1-14 1-4
    北丘珠{}条{}丁目 1-6 1-4

    白石区 shiroishi 0.11
    811-829 860-879
    本通{}丁目南 1-20 | 本通{}丁目北 1-20 | 南郷通{}丁目南 1-21 | 南郷通{}丁目北 1-21
    菊水{}条{}丁目 1-9 1-5 | 東札幌{}条{}丁目 1-6 1-6 | 北郷{}条{}丁目 1-9 1-14
    川下{}条{}丁目 1-5 1-10 | 栄通{}丁目 1-21 | 流通センター{}丁目 1-7

    豊平区 toyohira 0.09
    830-859
    平岸{}条{}丁目 1-5 1-14 | 月寒東{}条{}丁目 1-20 1-19 | 月寒中央通{}丁目 1-11
    豊平{}条{}丁目 1-12 1-11 | 中の島{}条{}丁目 1-2 1-10 | 美園{}条{}丁目 1-12 1-8
    福住{}条{}丁目 1-3 1-12 | 西岡{}条{}丁目 1-5 1-14 | 水車町{}丁目 1-8

    南区 minami 0.04
    571-599
    真駒内上町{}丁目 1-5 | 真駒内本町{}丁目 1-7 | 真駒内幸町{}丁目 1-3
    澄川{}条{}丁目 1-6 1-14 | 川沿{}条{}丁目 1-18 1-6 | 石山{}条{}丁目 1-4 1-9
    藤野{}条{}丁目 1-6 1-14 | 定山渓温泉東{}丁目 1-4 | 簾舞{}条{}丁目 1-6 1-5

    西区 nishi 0.08
    620-679
    琴似{}条{}丁目 1-4 1-7 | 二十四軒{}条{}丁目 1-4 1-7 | 発寒{}条{}丁目 1-17 1-14
    八軒{}条西{}丁目 1-10 1-5 | 山の手{}条{}丁目 1-7 1-12 | 西町北{}丁目 1-20
    西町南{}丁目 1-20 | 宮の沢{}条{}丁目 1-5 1-5 | 西野{}条{}丁目 1-14 1-10

    厚別区 atsubetsu 0.05
    801-809 890-899
    厚別中央{}条{}丁目 1-5 1-6 | 厚別東{}条{}丁目 1-5 1-8 | 厚別南{}丁目 1-7
    厚別北{}条{}丁目 1-6 1-5 | 厚別西{}条{}丁目 1-5 1-6 | 大谷地東{}丁目 1-7
    もみじ台北{}丁目 1-7 | 青葉町{}丁目 1-16 | 上野幌{}条{}丁目 1-3 1-6

    手稲区 teine 0.05
    681-699
    手稲本町{}条{}丁目 1-6 1-5 | 前田{}条{}丁目 1-15 1-14 | 稲穂{}条{}丁目 1-5 1-8
    富丘{}条{}丁目 1-6 1-6 | 新発寒{}条{}丁目 1-7 1-6 | 曙{}条{}丁目 1-12 1-5
    星置{}条{}丁目 1-3 1-10 | 西宮の沢{}条{}丁目 1-6 1-5 | 明日風{}丁目 1-6

    清田区 kiyota 0.04
    881-889
    清田{}条{}丁目 1-10 1-4 | 北野{}条{}丁目 1-7 1-5 | 平岡{}条{}丁目 1-10 1-6
    里塚{}条{}丁目 1-4 1-8 | 美しが丘{}条{}丁目 1-5 1-10 | 真栄{}条{}丁目 1-5 1-2
    平岡公園東{}丁目 1-11
"""


def _wards() -> _Weighted[_Ward]:
    weighted = []
    for head, exchanges, *district_lines in _blocks(_WARD_TABLE):
        name, romaji, share = head.split()
        districts = []
        for district in " | ".join(district_lines).split(" | "):
            template, *ranges = district.split()
            bounds = tuple((int(low), int(high)) for low, high in (r.split("-") for r in ranges))
            assert template.count("{}") == len(bounds), district
            districts.append((template, bounds))
        codes: list[int] = []
        for span in exchanges.split():
            low, high = span.split("-")
            codes.extend(range(int(low), int(high) + 1))
        weighted.append((_Ward(name, romaji, tuple(districts), tuple(codes)), float(share)))
    return _Weighted(weighted)


_WARDS = _wards()
_WARD_LIST: tuple[_Ward, ...] = tuple(_WARDS.items)

_CAPITALS = {  # in millions of yen, by form and headcount
    table: _Weighted(
        [
            (round(float(millions) * 1_000_000), float(weight))
            for millions, weight in _pairs(choices)
        ]
    )
    for table, choices in (
        ("yugen", "3:0.6 5:0.15 10:0.17 20:0.05 30:0.03"),
        ("godo", "0.1:0.1 0.5:0.1 1:0.35 3:0.2 5:0.1 10:0.15"),
        ("small", "1:0.1 2:0.04 3:0.12 5:0.14 10:0.38 20:0.1 30:0.06 50:0.06"),
        ("medium", "10:0.3 20:0.15 30:0.15 50:0.2 80:0.05 100:0.15"),
        ("large", "50:0.2 100:0.3 300:0.2 490:0.1 1000:0.15 3000:0.05"),
    )
}
_COMPANY_DOMAINS = _weights("co.jp:0.55 jp:0.2 com:0.15 net:0.05")
_NONPROFIT_DOMAINS = _weights("or.jp:0.6 jp:0.25 org:0.15")
_FREE_MAIL = _words("gmail.com yahoo.co.jp icloud.com outlook.jp docomo.ne.jp")
# "-" stands for the representative's surname.
_MAILBOXES = _weights("info:50 office:12 contact:8 mail:6 sales:5 soumu:4 jimu:3 -:12")

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
