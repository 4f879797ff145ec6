"""The words and figures of one generated report, shared by its PDF and its workbook.

The first part follows the 別添 of 000 (個人情報取扱状況報告書) line by line; the annex
(別紙) sets out what the audit trail shows for the month. Always in Japanese: the report
goes to a Japanese client whatever language the person downloading it reads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation

from dxdesk.lib.dates import TOKYO
from dxdesk.reporting.models import (
    PLAIN_CHOICE_MEASURES,
    SAFETY_MEASURES,
    ChangeAnswer,
    MonthlyPrivacyReport,
    OccurrenceAnswer,
)
from dxdesk.reporting.queries import MonthFigures

TITLE = "個人情報取扱状況報告書"
PREAMBLE = (
    "個人情報取扱安全管理基準及び個人情報の取扱いに関する特記事項に基づき実施している"
    "安全管理対策の実施状況について下記のとおり報告いたします。"
)
MEASURES_HEADING = "安全管理対策の実施状況"
MEASURES_INTRO = (
    "1 当該業務において、標記の基準及び特記事項に従い、安全管理対策を適切に実施しています。"
    "また、個人情報取扱安全管理基準適合申出書の提出時点からの変更有無等について、"
    "以下のとおり報告いたします。"
)
INCIDENT_LINE = "○ (発生した場合) 事件・事故の状況"
TRANSPORT_LINE = "○ (実績ある場合) 概要"
OTHER_HEADING = "2 その他特記事項等"
ANNEX_TITLE = "別紙　個人情報の取扱実績（監査記録による集計）"


def wareki(day: datetime.date) -> str:
    """A date as the form writes it: 令和8年5月12日 (令和元年 for 2019)."""
    if day >= datetime.date(2019, 5, 1):
        era, year = "令和", day.year - 2018
    elif day >= datetime.date(1989, 1, 8):
        era, year = "平成", day.year - 1988
    else:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class MeasureLine:
    label: str  # "(1) 従業者の指定、教育及び監督"
    options: tuple[str, str]  # ("変更なし", "変更あり") or ("なし", "あり")
    chosen: int  # index into options
    # Lines under the measure, (label, text): the change, the incident, the carrying.
    notes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative column widths
    footnote: str = ""


@dataclass(frozen=True)
class ReportContent:
    month: datetime.date
    dated: str
    addressee: str
    reporter: tuple[tuple[str, str], ...]
    cover_rows: tuple[tuple[str, str], ...]
    measures: tuple[MeasureLine, ...]
    other_notes: str
    summary: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]


def _count(value: int | None, unit: str = "件") -> str:
    return f"{value or 0:,}{unit}"


def measure_lines(answers: dict[str, str]) -> tuple[MeasureLine, ...]:
    """The eight measures as answered, with the lines the form puts under them."""
    measures = []
    for number, (key, wording) in enumerate(SAFETY_MEASURES, start=1):
        plain = key in PLAIN_CHOICE_MEASURES
        options = ("なし", "あり") if plain else ("変更なし", "変更あり")
        changed = answers.get(key) == ChangeAnswer.CHANGED
        notes = []
        if changed and answers.get(f"{key}_detail"):
            notes.append(("変更の内容", answers[f"{key}_detail"]))
        if key == "incidents":
            occurred = answers.get("incident_occurred") == OccurrenceAnswer.SOME
            notes.append((INCIDENT_LINE, answers["incident_details"] if occurred else "発生なし"))
        if key == "transport":
            carried = answers.get("transport_occurred") == OccurrenceAnswer.SOME
            notes.append((TRANSPORT_LINE, answers["transport_details"] if carried else "実績なし"))
        measures.append(MeasureLine(f"({number}) {wording}", options, int(changed), tuple(notes)))
    return tuple(measures)


def annex(figures: MonthFigures) -> tuple[tuple[tuple[str, str], ...], tuple[Table, ...]]:
    """The annex's summary rows and tables, as the staff page previews them."""
    with translation.override("ja"):
        period = f"{wareki(figures.period_start)}～{wareki(figures.period_end)}"
        return _summary(figures, period), _tables(figures)


def report_content(report: MonthlyPrivacyReport) -> ReportContent:
    with translation.override("ja"):
        return _content(report)


def _content(report: MonthlyPrivacyReport) -> ReportContent:
    answers = report.answers
    figures = MonthFigures.from_json(report.figures)
    generated = report.generated_at or timezone.now()
    period = f"{wareki(figures.period_start)}～{wareki(figures.period_end)}"
    return ReportContent(
        month=report.month,
        dated=wareki(timezone.localtime(generated, TOKYO).date()),
        addressee=answers.get("addressee", ""),
        reporter=(
            ("住　所", answers.get("reporter_address", "")),
            ("会社名", answers.get("reporter_company", "")),
            ("代表者名", answers.get("reporter_representative", "")),
        ),
        cover_rows=(
            ("委託業務名", answers.get("contract_title", "")),
            ("受託期間", answers.get("contract_period", "")),
            ("対象期間", period),
        ),
        measures=measure_lines(answers),
        other_notes=answers.get("other_notes", "") or "特になし",
        summary=_summary(figures, period),
        tables=_tables(figures),
    )


def _summary(figures: MonthFigures, period: str) -> tuple[tuple[str, str], ...]:
    chain = figures.chain
    if chain is None:
        chain_text = "未確認"
    elif chain.intact:
        chain_text = f"異常なし（{chain.checked:,}件の記録のハッシュと連なりを確認）"
    else:
        chain_text = f"異常あり: {chain.problem}"
    rows = [
        ("対象期間", period),
        ("集計の時点", figures.counted_until),
        ("監査記録の件数", _count(figures.events)),
        ("個人情報を取り扱った利用者", _count(figures.people, "人")),
        ("閲覧", _count(figures.views)),
        (
            "出力・ダウンロード",
            f"{_count(figures.outputs)}（計 {_count(figures.output_rows, '行')}）",
        ),
        ("登録・変更・削除", _count(figures.changes)),
        ("ログイン", f"{_count(figures.sign_ins)}（{_count(figures.signed_in_people, '人')}）"),
        ("ログイン失敗", _count(figures.failed_sign_ins)),
        ("　うちロック中の試行", _count(figures.lockouts)),
        ("　うち未登録のメールアドレス", _count(figures.unknown_account_failures)),
        ("時間外（22時～翌7時）の取扱い", _count(figures.quiet_hours)),
        (
            "監査記録の通番",
            f"#{figures.first_sequence}～#{figures.last_sequence}"
            if figures.first_sequence
            else "記録なし",
        ),
        ("監査記録の改ざん検知（当月分）", chain_text),
    ]
    if chain is not None and chain.last_hash:
        rows.append(("当月最後の記録のハッシュ（SHA-256）", chain.last_hash))
    if chain is not None and chain.anchor_sequence:
        rows.append(("前月報告の最後の記録", f"#{chain.anchor_sequence} {chain.anchor_hash}"))
    return tuple(rows)


def _tables(figures: MonthFigures) -> tuple[Table, ...]:
    output = "出力・DL（件／行）"
    roles = Table(
        "ロール別",
        ("ロール", "人数", "閲覧", output, "登録・変更・削除"),
        tuple(
            (
                r.role_label,
                str(r.people),
                f"{r.views:,}",
                f"{r.outputs:,}／{r.output_rows:,}",
                f"{r.changes:,}",
            )
            for r in figures.roles
        ),
        (3, 1, 1, 2, 2),
    )
    persons = Table(
        "利用者別",
        ("利用者", "ロール", "閲覧", output, "変更等", "時間外", "ログイン", "失敗"),
        tuple(
            (
                p.email or "（未登録のアカウント）",
                p.role_label,
                f"{p.views:,}",
                f"{p.outputs:,}／{p.output_rows:,}",
                f"{p.changes:,}",
                f"{p.quiet_hours:,}",
                f"{p.sign_ins:,}",
                f"{p.failed_sign_ins:,}",
            )
            for p in figures.persons
        ),
        (5, 3, 1, 2, 1, 1, 1, 1),
    )
    objects = Table(
        "記録の種類別",
        ("記録の種類", "利用者数", "閲覧", output, "登録・変更・削除"),
        tuple(
            (
                o.label,
                str(o.people),
                f"{o.views:,}",
                f"{o.outputs:,}／{o.output_rows:,}",
                f"{o.changes:,}",
            )
            for o in figures.objects
        ),
        (3, 1, 1, 2, 2),
    )
    outputs = Table(
        "出力・ダウンロードの一覧",
        ("日時", "利用者", "操作", "対象", "行数", "条件・備考"),
        tuple(
            (
                e.occurred_at,
                e.email,
                e.action_label,
                e.object_label,
                "" if e.rows is None else f"{e.rows:,}",
                e.note[:120],
            )
            for e in figures.output_events
        ),
        (3, 4, 2, 3, 1, 4),
        f"ほか {figures.unlisted_outputs:,}件（監査ログで確認できます）"
        if figures.unlisted_outputs
        else "",
    )
    lockouts = Table(
        "ロック中のログイン試行",
        ("日時", "アカウント", "接続元", "備考"),
        tuple(
            (e.occurred_at, e.email or "（未登録のアカウント）", e.ip_address, e.note)
            for e in figures.lockout_events
        ),
        (3, 5, 3, 4),
        f"ほか {figures.unlisted_lockouts:,}件" if figures.unlisted_lockouts else "",
    )
    return (roles, persons, objects, outputs, lockouts)
