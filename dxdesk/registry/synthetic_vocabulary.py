"""The vocabulary and tables behind the synthetic call lists: names with their readings,
industries with their figures, legal forms, Sapporo's wards and their streets.

Data, kept apart from the generator's logic in `synthetic.py`; standard library only.
"""

from __future__ import annotations

import itertools
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_Pair = tuple[str, str]  # (as written, katakana reading)
_Item = TypeVar("_Item")


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
