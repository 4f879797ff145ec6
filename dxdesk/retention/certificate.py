"""The disposal certificate (消去証明書) as PDF, and the erased-object list beside it.

The wording follows what the seeds ask: 001 別紙3 第9 (契約満了時のデータ消去: erase the
personal information completely and submit a 消去証明書) and 000 6(8) (on the client's
order to dispose of data, report the course of the disposal in writing). Always in
Japanese: it goes to a Japanese client. Built with the report's PDF helpers
(`dxdesk.reporting.documents`): reportlab's Japanese CID fonts, no font file shipped.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from pathlib import Path
from typing import Any

from django.apps import apps
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from dxdesk.accounts.roles import Role
from dxdesk.funds.models import RequestState
from dxdesk.grants.models import ApplicationState, Channel
from dxdesk.outreach.models import RouteState, TaskState
from dxdesk.programs.models import Track
from dxdesk.registry.industries import INDUSTRY_DIVISIONS
from dxdesk.registry.models import SizeClass
from dxdesk.reporting.content import Table, wareki
from dxdesk.reporting.documents import (
    TEXT_WIDTH,
    a4_document,
    draw_page_number,
    pdf_grid,
    pdf_styles,
    pdf_text,
)
from dxdesk.retention.inventory import INVENTORY
from dxdesk.retention.models import Dimension, DisposalCertificate, DisposalScope, Measure
from dxdesk.retention.selection import ORPHAN_KIND

logger = logging.getLogger(__name__)

TITLE = "消去証明書"
# The clauses that ask for the disposal and for this written report of it. The return of
# the client's materials (札幌市 別記 第6, 奈良県 別紙1 第9) is a separate duty: section 8.
BASIS = (
    "根拠: 札幌市仕様書 6(8)（データ等の廃棄の指示を受けたときの破棄と処理経過の書面報告）、"
    "奈良県仕様書 9(5)②（契約期間終了時の企業情報の廃棄）・別紙3 第9（契約満了時の"
    "個人情報等の完全な消去と消去証明書の提出）"
)
STAMP = "%Y年%m月%d日 %H時%M分%S秒"
KIND_LABELS = {
    ORPHAN_KIND: "記録のないファイル（ファイル保存領域に残っていたもの）",
}


def write_certificate(row: DisposalCertificate, pdf_path: Path, list_path: Path) -> None:
    """Write the list, check it against the recorded hash, then the PDF."""
    text = row.list_text.encode("utf-8")
    if hashlib.sha256(text).hexdigest() != row.list_sha256:
        raise ValueError(f"{row}: the kept list no longer matches its SHA-256")
    list_path.write_bytes(text)
    pdf_path.write_bytes(certificate_pdf(row, list_path))


def certificate_pdf(row: DisposalCertificate, list_path: Path) -> bytes:
    buffer = io.BytesIO()
    document = a4_document(buffer, f"{TITLE} 第{row.pk}号")
    story = [*_cover(row), *_body(row, list_path), PageBreak(), *_annex(row)]
    document.build(story, onFirstPage=draw_page_number, onLaterPages=draw_page_number)
    return buffer.getvalue()


@functools.cache
def _code_style() -> ParagraphStyle:
    return ParagraphStyle("code", parent=pdf_styles()["small"], fontName="Courier", fontSize=8.5)


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime(STAMP) if moment else "—"


def _cover(row: DisposalCertificate) -> list[Flowable]:
    clients = sorted({client for _code, _title, client in row.programmes if client})
    issued = timezone.localdate(row.finished_at or row.committed_at)
    issuer = PdfTable(
        [
            [pdf_text("受託者"), pdf_text("")],
            [pdf_text("代表者名"), pdf_text("　　　　　　　　　　　　　　　印")],
        ],
        colWidths=[22 * mm, 68 * mm],
        hAlign="RIGHT",
        style=TableStyle([("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black)]),
    )
    subject = "、".join(f"「{title}」" for _code, title, _client in row.programmes) or "本業務"
    return [
        pdf_text(f"第{row.pk}号", "right"),
        pdf_text(wareki(issued), "right"),
        Spacer(1, 4 * mm),
        pdf_text(f"{'・'.join(clients) or '委託者'}　御中"),
        Spacer(1, 4 * mm),
        issuer,
        Spacer(1, 8 * mm),
        pdf_text(TITLE, "title"),
        Spacer(1, 6 * mm),
        pdf_text(
            f"{subject}の業務において取得し、又は作成した個人情報及び企業情報を、"
            "下記のとおり消去したことを証明します。"
        ),
        Spacer(1, 2 * mm),
        pdf_text(BASIS, "small"),
        Spacer(1, 4 * mm),
        pdf_text("記", "center"),
    ]


def _facts(rows: list[tuple[str, Any]]) -> PdfTable:
    cells = [
        [
            pdf_text(label, "small"),
            value if isinstance(value, Flowable) else pdf_text(value, "small"),
        ]
        for label, value in rows
    ]
    table = PdfTable(cells, colWidths=[40 * mm, TEXT_WIDTH - 40 * mm])
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return table


def _heading(text: str) -> list[Flowable]:
    return [Spacer(1, 4 * mm), pdf_text(text, "heading")]


def _body(row: DisposalCertificate, list_path: Path) -> list[Flowable]:
    role = str(Role(row.operator_role).label) if row.operator_role in Role.values else ""
    scope = str(DisposalScope(row.scope).label)
    if row.scope == DisposalScope.PROGRAMME:
        scope += f"（事業コード {row.program_code}）"
    limit = (
        f"{row.before:%Y年%m月%d日}（日本時間）より前に作成された記録"
        if row.before
        else "日付の限定なし"
    )
    flowables: list[Flowable] = [Spacer(1, 2 * mm)]
    flowables += _heading("1 消去の対象と実施")
    flowables.append(
        _facts(
            [
                (
                    "対象の事業",
                    "\n".join(
                        f"{title}（{code}、委託者 {client}）"
                        for code, title, client in row.programmes
                    )
                    or "—",
                ),
                ("消去の範囲", scope + ("（全件消去）" if row.is_full else "")),
                ("記録の作成日", limit),
                ("開始日時", _when(row.started_at)),
                ("データベースの消去確定", _when(row.committed_at)),
                ("完了日時", _when(row.finished_at)),
                ("実施者", _operator(row, role)),
                ("実行環境", f"サーバー {row.machine_host} のユーザー {row.machine_user}"),
                ("データベース", row.database),
            ]
        )
    )
    flowables += _heading("2 消去の方法")
    method = [
        "データベースの該当する行を、1つのトランザクションの中で、子の記録から親の記録の順に"
        "削除した。種類ごとに、削除した件数が選んだ件数と一致し、選んでいない記録が連鎖して"
        "削除されないことを確かめており、一致しない場合は何も削除せずに中止する。",
        "ファイル保存領域のファイル（申請の添付書類、取り込んだ架電リスト、架電結果表）は、"
        "データベースの削除が確定した後に、ファイルシステムから削除（unlink）した。",
        *row.cleanup,
        "以上は、データベース及びファイルシステム上の論理的な削除であり、記憶媒体そのものを"
        "上書きするものではない。削除したデータは、記憶媒体の空き領域、データベースの"
        "WAL・バックアップ・複製に、上書きされるまで残り得る。",
    ]
    flowables += [pdf_text(f"・{line}", "note") for line in method]
    flowables += _heading("3 消去した記録（種類ごとの件数）")
    flowables += _counts(row)
    flowables += _heading("4 消去できなかったファイル")
    flowables += _file_problems(row)
    flowables += _heading("5 監査記録（アクセスログ）")
    flowables.append(pdf_text(_audit_text(row), "note"))
    flowables += _heading("6 消去せずに残したデータ")
    flowables += _held_back(row)
    flowables += _kept(row)
    flowables += _heading("7 消去対象一覧とハッシュ値")
    flowables.append(
        _facts(
            [
                ("SHA-256", Paragraph(row.list_sha256, _code_style())),
                ("一覧の行数", f"{row.list_lines:,} 行"),
                ("一覧のファイル", str(list_path)),
            ]
        )
    )
    flowables.append(
        pdf_text(
            "一覧は、消去した記録を「種類:番号」（例 registry.company:123）で1行ずつ、"
            "バイト順に並べ、各行を改行（LF）で終えた UTF-8 のテキストで、種類と番号のほかは"
            "含まない（セッションは鍵のハッシュ、記録のないファイルは保存領域内の位置）。"
            "sha256sum で求めた値が上の値と一致すれば、一覧はこの証明書の発行時のものと同じである。"
            "同じ一覧はデータベースの消去証明書の記録にも保存しており、証明書を再発行できる。",
            "note",
        )
    )
    flowables += _heading("8 記憶媒体・複製の扱い（本証明書の範囲外）")
    for line in (
        "契約満了時（奈良県 別紙3 第9「完全に消去」）は、本システムのサーバーの記憶媒体"
        "（データベースとファイル保存領域を置いたディスク）、バックアップ及び WAL のアーカイブ、"
        "複製、職員の端末等に保存した出力ファイル、サーバーのログについて、全領域の上書き消去、暗号化消去"
        "（暗号鍵の破棄）又は物理的破壊により消去し、その記録（作業日・方法・媒体の識別番号・"
        "作業者）を本証明書に添付すること。クラウドを利用する場合は、ボリューム・スナップショット・"
        "バックアップを削除し、アカウントの削除を明示すること（同 第11）。",
        "委託者から提供を受けた資料等及び成果物の返還・引渡し（札幌市 別記 第6・仕様書 5(8)、"
        "奈良県 別紙1 個人情報取扱特記事項 第9・仕様書 10）は、本消去の前に済ませること。"
        "本証明書はそれに代わるものではない。",
    ):
        flowables.append(pdf_text(f"・{line}", "note"))
    flowables += [Spacer(1, 6 * mm), pdf_text("以上", "right")]
    return flowables


def _operator(row: DisposalCertificate, role: str) -> str:
    details = "、".join(part for part in (row.operator_email, role) if part)
    return f"{row.operator_name or '—'}（{details}）"


def _counts(row: DisposalCertificate) -> list[Flowable]:
    lines = tuple(
        (kind_label(kind), kind, f"{number:,}") for kind, number in sorted(row.counts.items())
    )
    lines += (
        ("合計", "", f"{row.erased_total:,}"),
        ("消去したファイル", "", f"{row.files_erased:,}"),
    )
    return pdf_grid(Table("", ("種類", "種類の符号", "件数"), lines, (5, 5, 2)), TEXT_WIDTH)[2:]


def _file_problems(row: DisposalCertificate) -> list[Flowable]:
    if not row.file_problems:
        return [pdf_text("なし", "note")]
    lines = tuple((item["object"], item["path"], item["problem"]) for item in row.file_problems)
    flowables = pdf_grid(Table("", ("対象", "ファイル", "理由"), lines, (3, 5, 4)), TEXT_WIDTH)[2:]
    if any(item.get("remains", True) for item in row.file_problems):
        flowables.append(
            pdf_text(
                "消去されずに残っているファイルは、手作業で消去し、その記録を添付すること。",
                "note",
            )
        )
    return flowables


def _held_back(row: DisposalCertificate) -> list[Flowable]:
    """Records of the scope that stay: the certificate must not claim the scope is empty."""
    if not row.held_back:
        return []
    lines = tuple(
        (kind_label(kind), f"{number:,}") for kind, number in sorted(row.held_back.items())
    )
    return [
        pdf_text(
            "消去の範囲に含まれるが、消去しない他の記録（他の事業の申請・架電など）が参照して"
            "いるため残した記録。それらの記録の消去の際に消去する。",
            "note",
        ),
        *pdf_grid(Table("", ("種類", "残した件数"), lines, (8, 4)), TEXT_WIDTH)[2:],
        Spacer(1, 3 * mm),
    ]


def _kept(row: DisposalCertificate) -> list[Flowable]:
    lines = tuple(
        (kind_label(kind), f"{number:,}", INVENTORY[kind].kept)
        for kind, number in sorted(row.kept.items())
        if kind in INVENTORY and number
    )
    return pdf_grid(Table("", ("種類", "残した件数", "理由"), lines, (3, 2, 7)), TEXT_WIDTH)[2:]


def _audit_text(row: DisposalCertificate) -> str:
    trail = row.audit_trail
    span = f"{trail.get('first_at') or '—'} から {trail.get('last_at') or '—'} まで"
    check = (
        "ハッシュ連鎖は検証の結果、改ざん・欠落なし"
        if trail.get("intact")
        else f"ハッシュ連鎖の検証で問題を検出: {trail.get('problem')}"
    )
    if trail.get("erased"):
        return (
            f"全件消去のため、監査記録 {trail.get('events', 0):,} 件（{span}）をハッシュ連鎖ごと"
            f"消去した。消去直前の連鎖の末尾のハッシュ値は {trail.get('head_hash')}、{check}。"
            "月次の個人情報取扱状況報告書に記載した各月末のハッシュ値と照合できる。"
            "この消去の実施は、新しい連鎖の最初の記録として監査記録に記録した。"
        )
    return (
        f"監査記録 {trail.get('events', 0):,} 件（{span}、末尾のハッシュ値 "
        f"{trail.get('head_hash')}、{check}）は消去していない。"
        + (
            "事業単位又は日付を指定した消去では、ハッシュ連鎖の一部だけを消すことができないため"
            "全件を残した。消去した企業・申請者の名称等が監査記録の対象名に残り、全件消去の"
            "ときに消える。"
            if not row.is_full
            else "委託者の指示により残した（--keep-audit-trail）。データベースの管理者が"
            "別途消去し、その記録を添付すること。"
        )
        + "この消去の実施も監査記録に記録した。"
    )


def kind_label(kind: str) -> str:
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    try:
        return str(apps.get_model(kind)._meta.verbose_name)
    except (LookupError, ValueError):
        return kind


# -- the annex: the anonymous tallies ---------------------------------------------------

_CHOICE_LABELS: dict[str, dict[str, str]] = {
    Dimension.STATE: {value: str(label) for value, label in ApplicationState.choices},
    Dimension.CHANNEL: {value: str(label) for value, label in Channel.choices},
    Dimension.MONEY_STATE: {value: str(label) for value, label in RequestState.choices},
    Dimension.TASK_STATE: {value: str(label) for value, label in TaskState.choices},
    Dimension.ROUTE_STATE: {(value or "none"): str(label) for value, label in RouteState.choices},
    Dimension.SIZE_CLASS: {value: str(label) for value, label in SizeClass.choices},
    Dimension.INDUSTRY: {code: f"{code} {name}" for code, name in INDUSTRY_DIVISIONS.items()},
}


def _annex(row: DisposalCertificate) -> list[Flowable]:
    flowables: list[Flowable] = [
        pdf_text("別紙　消去前の匿名の集計（残したデータ）", "heading"),
        pdf_text(
            "消去した記録から、消去の直前に数えた値。企業名・氏名・番号・自由記述は含まず、"
            "区分は状態・結果・書類の符号、業種の大分類、中小企業区分、区・市町村名に限る。"
            "内訳は項目ごとに一つの観点だけで数え、観点を掛け合わせた表は残していない。",
            "small",
        ),
    ]
    tracks = _track_definitions()
    groups: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for tally in row.tallies.all():
        where = (tally.program_code, tally.track_name)
        groups.setdefault(where, []).append(
            (
                str(Measure(tally.measure).label),
                str(Dimension(tally.dimension).label),
                _key_label(tracks.get(where), tally.dimension, tally.key),
                f"{tally.value:,}",
            )
        )
    if not groups:
        flowables.append(pdf_text("該当なし", "note"))
    for (program_code, track_name), lines in sorted(groups.items()):
        title = f"{program_code} / {track_name}" if program_code else "企業台帳（事業によらない）"
        flowables += pdf_grid(
            Table(title, ("項目", "内訳", "区分", "値"), tuple(lines), (4, 3, 5, 2)), TEXT_WIDTH
        )
    return flowables


def _track_definitions() -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for track in Track.objects.select_related("program"):
        try:
            found[(track.program.code, track.name)] = track.definition
        except Exception:  # a definition that no longer parses: codes are shown as they are
            logger.warning("track %s/%s: definition unreadable", track.program.code, track.name)
    return found


def _key_label(definition: Any, dimension: str, key: str) -> str:
    if dimension == Dimension.TOTAL:
        return "—"
    if key == "other":
        return "その他"
    if dimension in _CHOICE_LABELS:
        return _CHOICE_LABELS[dimension].get(key, key)
    if dimension == Dimension.OUTCOME and definition is not None and definition.calls:
        outcome = definition.calls.outcomes.get(key)
        return f"{outcome.title}（{key}）" if outcome else key
    if dimension == Dimension.DOCUMENT and definition is not None:
        labels = {item.code: item.label for item in definition.attachments}
        return f"{labels[key]}（{key}）" if key in labels else key
    return key
