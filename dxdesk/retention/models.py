"""What is left after a disposal (R-SEC-6): its certificate and the anonymous tallies.

A `DisposalCertificate` records one run of `dxdesk dispose`: the scope, when, who, how,
the number of rows and files erased per kind, and the erased-object list itself (only
"kind:id" lines, compressed) with its SHA-256, so that the PDF (消去証明書) can be issued
again and the hash re-checked. `DisposalTally` rows are the figures the client still
needs once the records are gone (applications, yen, calls by outcome, companies by
ward, industry and size class), counted from the records just before they were
erased. Neither holds a name, a number of a company or person, or any free text.
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisposalScope(models.TextChoices):
    ALL = "all", _("すべての個人情報・企業情報")
    PROGRAMME = "programme", _("事業単位")


class DisposalCertificate(models.Model):
    scope = models.CharField(_("消去の範囲"), max_length=10, choices=DisposalScope.choices)
    program_code = models.SlugField(_("事業コード"), max_length=80, blank=True, default="")
    # (code, title, client) of each programme the disposal concerns, as they were then.
    programmes = models.JSONField(_("対象の事業"), default=list, blank=True)
    before = models.DateField(_("この日より前に作成された記録のみ"), null=True, blank=True)
    # The whole store of personal data was emptied: scope "all" without a date.
    is_full = models.BooleanField(_("全件消去"), default=False)
    started_at = models.DateTimeField(_("開始日時"))
    committed_at = models.DateTimeField(_("データベースの消去確定日時"))
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    # A secretariat account (kept by every disposal), copied as it was at the time.
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実施者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator_email = models.CharField(_("実施者のメールアドレス"), max_length=254)
    operator_name = models.CharField(_("実施者の氏名"), max_length=100, blank=True, default="")
    operator_role = models.CharField(_("実施者のロール"), max_length=20, blank=True, default="")
    machine_user = models.CharField(_("サーバー上の実行ユーザー"), max_length=100)
    machine_host = models.CharField(_("サーバー名"), max_length=255)
    database = models.CharField(_("データベース"), max_length=300)
    counts = models.JSONField(_("種類ごとの消去件数"), default=dict)
    erased_total = models.PositiveBigIntegerField(_("消去件数の合計"), default=0)
    list_sha256 = models.CharField(_("消去対象一覧のSHA-256"), max_length=64)
    list_lines = models.PositiveBigIntegerField(_("消去対象一覧の行数"), default=0)
    # The sorted "kind:id" lines, zlib-compressed: kinds and ids only, nothing personal.
    erased_list = models.BinaryField(_("消去対象一覧"))
    files_erased = models.PositiveIntegerField(_("消去したファイル数"), default=0)
    # Files not erased, each {"object": ..., "path": ..., "problem": ..., "remains": bool}:
    # a failure to unlink, a file written outside the file store (an export to a chosen
    # path), or a file already missing (remains false).
    file_problems = models.JSONField(_("消去できなかったファイル"), default=list, blank=True)
    # What became of the audit trail: {"erased": bool, "events": n, "head_hash": ...,
    # "intact": bool, "problem": ..., "first_at": ..., "last_at": ...}.
    audit_trail = models.JSONField(_("監査記録の扱い"), default=dict, blank=True)
    # Rows of each kept kind left after the disposal (staff accounts, ledger, …).
    kept = models.JSONField(_("残したデータの件数"), default=dict, blank=True)
    # Rows in the scope that were not erased because something that stays refers to them
    # (a company another programme still calls or funds), per kind.
    held_back = models.JSONField(_("範囲内で残した記録の件数"), default=dict, blank=True)
    # Database steps after the deletion (secure_delete, FTS optimize, VACUUM …) as text.
    cleanup = models.JSONField(_("消去後のデータベース処理"), default=list, blank=True)
    certificate_path = models.CharField(_("証明書PDF"), max_length=500, blank=True, default="")
    list_path = models.CharField(_("消去対象一覧ファイル"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("消去証明書")
        verbose_name_plural = _("消去証明書")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="all") | ~models.Q(program_code=""),
                name="disposal_programme_scope_names_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"消去証明書 第{self.pk}号"

    @property
    def list_text(self) -> str:
        return zlib.decompress(bytes(self.erased_list)).decode("utf-8")


class Measure(models.TextChoices):
    APPLICATIONS = "applications", _("申請件数")
    APPLICATION_YEN = "application_yen", _("申請額（円）")
    ATTACHMENTS = "attachments", _("添付書類の数")
    APPLICANT_COMPANIES = "applicant_companies", _("申請企業の数")
    CAMPAIGNS = "campaigns", _("架電キャンペーンの数")
    COMPANIES_LISTED = "companies_listed", _("架電対象企業の数")
    CALLS = "calls", _("架電回数")
    CALL_SECONDS = "call_seconds", _("通話時間（秒）")
    CALL_RESULTS = "call_results", _("架電対象の最終結果")
    COMPANIES = "companies", _("企業台帳の企業数")
    CONTACTS = "contacts", _("企業台帳の連絡先数")


class Dimension(models.TextChoices):
    TOTAL = "total", _("合計")
    STATE = "state", _("申請の状態")
    CHANNEL = "channel", _("受付経路")
    MONEY_STATE = "money_state", _("予算の状態")
    DOCUMENT = "document", _("書類")
    OUTCOME = "outcome", _("架電結果")
    TASK_STATE = "task_state", _("架電対象の状態")
    ROUTE_STATE = "route_state", _("誘導結果")
    WARD = "ward", _("区・市町村")
    INDUSTRY = "industry", _("業種（大分類）")
    SIZE_CLASS = "size_class", _("中小企業区分")


class DisposalTally(models.Model):
    """One anonymous figure: a count or a sum over the erased records of one programme.

    `key` is always a word of a fixed vocabulary — a state, an outcome or document code
    of the programme file, a JSIC division letter, a size class, a ward or municipality
    name — or "" for a total. Only one-way tallies are kept (never a cross-table of
    ward × industry × size), so no combination narrows down to one company.
    """

    certificate = models.ForeignKey(
        DisposalCertificate, on_delete=models.CASCADE, related_name="tallies"
    )
    # "" when the figure is not of one programme (the registry as a whole).
    program_code = models.SlugField(_("事業コード"), max_length=80, blank=True, default="")
    track_name = models.SlugField(_("トラック"), max_length=60, blank=True, default="")
    measure = models.CharField(_("項目"), max_length=30, choices=Measure.choices)
    dimension = models.CharField(_("内訳"), max_length=20, choices=Dimension.choices)
    key = models.CharField(_("区分"), max_length=60, blank=True, default="")
    value = models.BigIntegerField(_("値"))

    class Meta:
        verbose_name = _("消去前の集計")
        verbose_name_plural = _("消去前の集計")
        ordering = ["certificate", "program_code", "track_name", "measure", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "program_code", "track_name", "measure", "dimension", "key"],
                name="disposal_tally_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_code}/{self.track_name} {self.measure} {self.key}: {self.value}"
