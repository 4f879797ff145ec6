"""中小企業者 / 小規模事業者 classification by industry, capital and employees.

The limits and the industry mapping live in `sme_rules.toml`; this module only applies them
and explains the result in a sentence that staff can paste into a case note.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from dxdesk.registry.industries import industry_label, normalise_industry_code

RULES_PATH = Path(__file__).with_name("sme_rules.toml")


class CompanySize(StrEnum):
    SMALL = "small"
    SME = "sme"
    LARGE = "large"
    UNKNOWN = "unknown"


_SIZE_JA = {
    CompanySize.SMALL: "小規模事業者",
    CompanySize.SME: "中小企業者",
    CompanySize.LARGE: "中小企業者ではない",
    CompanySize.UNKNOWN: "判定不能",
}
_SIZE_EN = {
    CompanySize.SMALL: "a small business",
    CompanySize.SME: "an SME",
    CompanySize.LARGE: "not an SME",
    CompanySize.UNKNOWN: "undecided",
}


@dataclass(frozen=True)
class SmeCategory:
    key: str
    label: str
    label_en: str
    capital_limit_yen: int
    employee_limit: int
    small_employee_limit: int


@dataclass(frozen=True)
class SmeRules:
    categories: Mapping[str, SmeCategory]
    industry_categories: Mapping[str, str]
    # A cache filled on use; a list has only a few dozen industry codes.
    _categories_by_code: dict[str, list[SmeCategory]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def categories_for(self, industry_code: str) -> list[SmeCategory]:
        """Every category a JSIC code may fall into; more than one when it is too coarse."""
        known = self._categories_by_code.get(industry_code)
        if known is None:
            known = self._categories_by_code[industry_code] = self._find_categories(industry_code)
        return known

    def _find_categories(self, industry_code: str) -> list[SmeCategory]:
        ancestors = [
            prefix for prefix in self.industry_categories if industry_code.startswith(prefix)
        ]
        keys: set[str] = set()
        if ancestors:
            keys.add(self.industry_categories[max(ancestors, key=len)])
        for code, key in self.industry_categories.items():
            is_finer = len(code) > len(industry_code) and code[len(industry_code)].isdigit()
            if is_finer and code.startswith(industry_code):
                keys.add(key)
        return [category for key, category in self.categories.items() if key in keys]


@dataclass(frozen=True)
class SmeClassification:
    size: CompanySize
    reason: str
    reason_en: str
    # The category key when exactly one applied, for display and reports.
    category: str | None = None

    @property
    def is_sme(self) -> bool:
        """Small businesses are SMEs too."""
        return self.size in (CompanySize.SMALL, CompanySize.SME)


def load_rules(path: Path = RULES_PATH) -> SmeRules:
    with path.open("rb") as file:
        data = tomllib.load(file)
    categories: dict[str, SmeCategory] = {}
    for key, values in data["categories"].items():
        category = SmeCategory(
            key=key,
            label=str(values["label"]),
            label_en=str(values["label_en"]),
            capital_limit_yen=int(values["capital_limit_yen"]),
            employee_limit=int(values["employee_limit"]),
            small_employee_limit=int(values["small_employee_limit"]),
        )
        if not 0 < category.small_employee_limit <= category.employee_limit:
            raise ValueError(f"{path}: category {key} has inconsistent employee limits")
        categories[key] = category
    industry_categories = {str(code): str(key) for code, key in data["industry_categories"].items()}
    unknown = set(industry_categories.values()) - set(categories)
    if unknown:
        raise ValueError(f"{path}: industry_categories name undefined categories {unknown}")
    return SmeRules(categories=categories, industry_categories=industry_categories)


@cache
def default_rules() -> SmeRules:
    return load_rules()


def format_yen(amount: int) -> str:
    """3億円, 5,000万円, 1億5,000万円; amounts below 万 precision stay exact (12,345,678円)."""
    hundred_millions, rest = divmod(amount, 100_000_000)
    ten_thousands, ones = divmod(rest, 10_000)
    if ones or amount == 0:
        return f"{amount:,}円"
    parts = []
    if hundred_millions:
        parts.append(f"{hundred_millions:,}億")
    if ten_thousands:
        parts.append(f"{ten_thousands:,}万")
    return "".join(parts) + "円"


def _people_en(count: int) -> str:
    return "1 employee" if count == 1 else f"{count:,} employees"


@dataclass(frozen=True)
class _Judgement:
    size: CompanySize
    limits: str
    limits_en: str
    sentences: list[str]
    sentences_en: list[str]

    def reason(self, category: SmeCategory) -> str:
        return f"{category.label}：{self.limits}。" + "".join(self.sentences)

    def reason_en(self, category: SmeCategory) -> str:
        return " ".join([f"{category.label_en}: {self.limits_en}.", *self.sentences_en])


def _judge(
    category: SmeCategory, capital_yen: int | None, employees: int | None, sole_proprietor: bool
) -> _Judgement:
    capital_limit = category.capital_limit_yen
    employee_limit = category.employee_limit
    small_limit = category.small_employee_limit
    if sole_proprietor:
        capital_yen = None
        limits = f"従業員{employee_limit:,}人以下（個人事業主のため資本金は問いません）"
        limits_en = (
            f"{employee_limit:,} employees or fewer (capital does not apply to a sole proprietor)"
        )
    else:
        limits = f"資本金{format_yen(capital_limit)}以下または従業員{employee_limit:,}人以下"
        limits_en = (
            f"capital of ¥{capital_limit:,} or less or {employee_limit:,} employees or fewer"
        )
    sentences: list[str] = []
    sentences_en: list[str] = []

    def judgement(size: CompanySize) -> _Judgement:
        return _Judgement(size, limits, limits_en, sentences, sentences_en)

    capital_within = capital_yen is not None and capital_yen <= capital_limit
    employees_within = employees is not None and employees <= employee_limit
    if capital_within or employees_within:
        deciding = []
        deciding_en = []
        if capital_yen is not None and capital_within:
            deciding.append(f"資本金{format_yen(capital_yen)}")
            deciding_en.append(f"its capital of ¥{capital_yen:,}")
        if employees is not None and employees_within:
            deciding.append(f"従業員{employees:,}人")
            deciding_en.append(f"its {_people_en(employees)}")
        sentences.append(f"{'、'.join(deciding)}のため中小企業者。")
        sentences_en.append(f"An SME because of {' and '.join(deciding_en)}.")
        if employees is None:
            sentences.append("従業員数が不明のため小規模事業者かどうかは判定できません。")
            sentences_en.append(
                "Whether it is a small business cannot be decided without the number of employees."
            )
            return judgement(CompanySize.SME)
        if employees <= small_limit:
            sentences.append(f"従業員{small_limit}人以下のため小規模事業者。")
            sentences_en.append(f"A small business: {small_limit} employees or fewer.")
            return judgement(CompanySize.SMALL)
        sentences.append(f"従業員{small_limit}人超のため小規模事業者ではありません。")
        sentences_en.append(f"Not a small business: more than {small_limit} employees.")
        return judgement(CompanySize.SME)

    if sole_proprietor:
        if employees is None:
            sentences.append("従業員数が不明のため判定できません。")
            sentences_en.append("Cannot decide without the number of employees.")
            return judgement(CompanySize.UNKNOWN)
        sentences.append(f"従業員{employees:,}人が基準を超えるため中小企業者ではありません。")
        sentences_en.append(f"Not an SME: its {_people_en(employees)} exceed the limit.")
        return judgement(CompanySize.LARGE)
    if capital_yen is not None and employees is not None:
        sentences.append(
            f"資本金{format_yen(capital_yen)}・従業員{employees:,}人がいずれも基準を超えるため"
            "中小企業者ではありません。"
        )
        sentences_en.append(
            f"Not an SME: both its capital of ¥{capital_yen:,} and its {_people_en(employees)} "
            "exceed the limits."
        )
        return judgement(CompanySize.LARGE)
    if employees is not None:
        sentences.append(f"従業員{employees:,}人は基準を超え、資本金が不明のため判定できません。")
        sentences_en.append(
            f"Cannot decide: its {_people_en(employees)} exceed the limit and its capital "
            "is unknown."
        )
    elif capital_yen is not None:
        sentences.append(
            f"資本金{format_yen(capital_yen)}は基準を超え、従業員数が不明のため判定できません。"
        )
        sentences_en.append(
            f"Cannot decide: its capital of ¥{capital_yen:,} exceeds the limit and its number "
            "of employees is unknown."
        )
    return judgement(CompanySize.UNKNOWN)


def _missing(
    industry_code: str | None, capital_yen: int | None, employees: int | None, sole: bool
) -> tuple[list[str], list[str]]:
    missing: list[str] = []
    missing_en: list[str] = []
    if not industry_code:
        missing.append("業種")
        missing_en.append("the industry")
    if employees is None and (sole or capital_yen is None):
        if not sole:
            missing.append("資本金")
            missing_en.append("the capital")
        missing.append("従業員数")
        missing_en.append("the number of employees")
    return missing, missing_en


def _join_english(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _figures(capital_yen: int | None, employees: int | None, sole: bool) -> tuple[str, str]:
    employees_ja = "従業員数不明" if employees is None else f"従業員{employees:,}人"
    employees_en = "unknown employees" if employees is None else _people_en(employees)
    if sole:
        return employees_ja, employees_en
    capital_ja = "資本金不明" if capital_yen is None else f"資本金{format_yen(capital_yen)}"
    capital_en = "unknown capital" if capital_yen is None else f"capital of ¥{capital_yen:,}"
    return f"{capital_ja}・{employees_ja}", f"{capital_en} and {employees_en}"


def _combine(
    code: str,
    categories: list[SmeCategory],
    judgements: list[_Judgement],
    figures: tuple[str, str],
) -> SmeClassification:
    """One answer for a code that may fall into several categories, decided where they agree."""
    label = industry_label(code)
    pairs = list(zip(categories, judgements, strict=True))
    limits = "、".join(f"{category.label}なら{judgement.limits}" for category, judgement in pairs)
    limits_en = "; ".join(
        f"{category.label_en}: {judgement.limits_en}" for category, judgement in pairs
    )
    introduction = f"業種「{label}」は細かな分類によって基準が異なります（{limits}）。"
    introduction_en = f"The industry {label} spans categories with different limits ({limits_en})."
    outcomes = "、".join(
        f"{category.label}なら{_SIZE_JA[judgement.size]}" for category, judgement in pairs
    )
    outcomes_en = "; ".join(
        f"{_SIZE_EN[judgement.size]} as {category.label_en}" for category, judgement in pairs
    )
    figures_ja, figures_en = figures
    sizes = {judgement.size for judgement in judgements}
    if len(sizes) == 1 and CompanySize.UNKNOWN not in sizes:
        (size,) = sizes
        verdict = (
            "中小企業者ではありません" if size == CompanySize.LARGE else f"{_SIZE_JA[size]}です"
        )
        return SmeClassification(
            size,
            f"{introduction}{figures_ja}では、いずれの基準でも{verdict}。",
            f"{introduction_en} With {figures_en} it is {_SIZE_EN[size]} under each of them.",
        )
    if sizes <= {CompanySize.SMALL, CompanySize.SME}:
        return SmeClassification(
            CompanySize.SME,
            f"{introduction}{figures_ja}では、いずれの基準でも中小企業者です。"
            f"小規模事業者かどうかは分類によって異なります（{outcomes}）。",
            f"{introduction_en} With {figures_en} it is an SME under each of them; whether it is "
            f"a small business depends on the category ({outcomes_en}).",
        )
    return SmeClassification(
        CompanySize.UNKNOWN,
        f"{introduction}{figures_ja}では分類によって結果が異なるため判定できません"
        f"（{outcomes}）。業種をより細かく指定してください。",
        f"{introduction_en} With {figures_en} the answer depends on the category "
        f"({outcomes_en}); give a more specific industry.",
    )


def classify(
    industry_code: str | None,
    capital_yen: int | None,
    employees: int | None,
    *,
    sole_proprietor: bool = False,
    rules: SmeRules | None = None,
) -> SmeClassification:
    """Whether a company is a small business, an SME or larger, with the reason in words.

    Either figure within its limit makes an SME (資本金 OR 従業員); a sole proprietor has no
    capital and is judged by employees alone.
    """
    if rules is None:
        return _classify_with_default_rules(industry_code, capital_yen, employees, sole_proprietor)
    return _classify(industry_code, capital_yen, employees, sole_proprietor, rules)


# A call list repeats the same few industries and round figures many times over.
@functools.lru_cache(maxsize=16_384)
def _classify_with_default_rules(
    industry_code: str | None, capital_yen: int | None, employees: int | None, sole_proprietor: bool
) -> SmeClassification:
    return _classify(industry_code, capital_yen, employees, sole_proprietor, default_rules())


def _classify(
    industry_code: str | None,
    capital_yen: int | None,
    employees: int | None,
    sole_proprietor: bool,
    rules: SmeRules,
) -> SmeClassification:
    if capital_yen is not None and capital_yen < 0:
        raise ValueError("capital_yen must not be negative")
    if employees is not None and employees < 0:
        raise ValueError("employees must not be negative")
    rules = rules or default_rules()

    missing, missing_en = _missing(industry_code, capital_yen, employees, sole_proprietor)
    if missing or not industry_code:
        verb = "is" if len(missing_en) == 1 else "are"
        return SmeClassification(
            CompanySize.UNKNOWN,
            f"{'・'.join(missing)}が不明のため判定できません。",
            f"Cannot decide: {_join_english(missing_en)} {verb} unknown.",
        )

    code = normalise_industry_code(industry_code)
    categories = rules.categories_for(code) if code else []
    if code is None or not categories:
        label = industry_label(code) if code else industry_code
        return SmeClassification(
            CompanySize.UNKNOWN,
            f"業種「{label}」は中小企業者の業種区分に当てはまらないため判定できません。",
            f"Cannot decide: the industry {label} matches no SME category.",
        )

    judgements = [
        _judge(category, capital_yen, employees, sole_proprietor) for category in categories
    ]
    if len(categories) == 1:
        (category,), (judgement,) = categories, judgements
        return SmeClassification(
            judgement.size,
            judgement.reason(category),
            judgement.reason_en(category),
            category=category.key,
        )
    return _combine(code, categories, judgements, _figures(capital_yen, employees, sole_proprietor))
