"""Outbound call campaigns (R-OUT, 000 §5(1)): one call task per company, its calls, exports.

A `CallTask` is both the company's place in the operator queue and its lease. While a
task is queued (未架電, 再架電待ち, 折り返し予定) `due_at` says from when it may be called
and `band_mask` in which time-of-day bands (0: any); a closed task has no `due_at`, so
the queue's partial index holds only what may still be called. An operator holds a
task under a lease (holder, token, expiry) written on the row itself; the database
allows one lease per operator and one per company.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.roles import Role

# Who works with campaigns at all: the callers, their supervisors, the client and IT.
OUTREACH_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.CLIENT, Role.ADMIN)
# Who sees every task and every call (the client "at any time", 000 §5(1)イ).
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.CLIENT, Role.ADMIN)


class CampaignSource(models.TextChoices):
    REGISTRY = "registry", _("企業台帳から抽出")
    LIST = "list", _("リストを取込")


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", _("準備中")
    READY = "ready", _("架電可")
    FAILED = "failed", _("作成失敗")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: Any) -> CampaignQuerySet:
        if user.is_authenticated and user.has_role(*OUTREACH_ROLES):
            return self
        return self.none()


class Campaign(models.Model):
    """One call list worked through under one programme's outreach rules."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("事業"), on_delete=models.PROTECT, related_name="+"
    )
    track = models.ForeignKey(
        "programs.Track",
        verbose_name=_("架電トラック"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    title = models.CharField(_("キャンペーン名"), max_length=200)
    starts_on = models.DateField(_("架電開始日"))
    ends_on = models.DateField(_("架電終了予定日"))
    source = models.CharField(_("対象の選び方"), max_length=10, choices=CampaignSource.choices)
    source_note = models.CharField(_("抽出条件・ファイル"), max_length=300, blank=True, default="")
    import_job = models.ForeignKey(
        "registry.ImportJob",
        verbose_name=_("取込"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PREPARING
    )
    task_count = models.PositiveIntegerField(_("対象企業数"), default=0)
    failure = models.TextField(_("失敗の理由"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("架電キャンペーン")
        verbose_name_plural = _("架電キャンペーン")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="campaign_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == CampaignStatus.READY


class TaskState(models.TextChoices):
    UNTOUCHED = "untouched", _("未架電")
    RETRY = "retry", _("再架電待ち")
    CALLBACK = "callback", _("折り返し予定")
    REACHED = "reached", _("接触済み")
    FUZAI = "fuzai", _("不在")
    REFUSED = "refused", _("架電拒否")
    DO_NOT_CALL = "do_not_call", _("架電禁止（対象外）")
    CLOSED = "closed", _("終了（番号無効など）")


QUEUED_STATES = (TaskState.UNTOUCHED, TaskState.RETRY, TaskState.CALLBACK)


class RouteState(models.TextChoices):
    NONE = "", _("—")
    RESERVED = "reserved", _("支援枠に受付")
    WAITING = "waiting", _("支援枠の待ち（上限到達）")
    INTAKE_CLOSED = "intake_closed", _("受付終了のため誘導できず")
    LIMIT_NOT_SET = "limit_not_set", _("支援枠の上限が未設定のため誘導できず")
    REFERRED = "referred", _("他施策へ案内")


class CallTaskQuerySet(models.QuerySet["CallTask"]):
    def visible_to(self, user: Any) -> CallTaskQuerySet:
        """Oversight sees every task; an operator only the one they hold."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OVERSIGHT_ROLES):
            return self
        if user.has_role(Role.OPERATOR):
            return self.filter(holder=user)
        return self.none()


class CallTask(models.Model):
    # Every lease and release rewrites the row in each of its indexes (the lease columns
    # are indexed, so the update is never HOT); indexes another one already covers are
    # left out: (campaign, company) serves the campaign, the lease index the holder.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    company = models.ForeignKey(
        "registry.Company", verbose_name=_("企業"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状態"), max_length=12, choices=TaskState.choices, default=TaskState.UNTOUCHED
    )
    # The queue: from when, and in which bands (a bit per band; 0 = any band).
    due_at = models.DateTimeField(_("架電可能日時"), null=True, blank=True)
    band_mask = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(_("架電回数（不通に数える回）"), default=0)
    calls = models.PositiveSmallIntegerField(_("架電回数"), default=0)
    last_called_at = models.DateTimeField(_("最終架電日時"), null=True, blank=True)
    last_outcome = models.CharField(_("最終結果"), max_length=60, blank=True, default="")
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    route_state = models.CharField(
        _("誘導結果"), max_length=15, choices=RouteState.choices, blank=True, default=""
    )
    fund_request = models.ForeignKey(
        "funds.FundRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The lease: who holds the company now, with the token the call form must return.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    lease_token = models.UUIDField(null=True, blank=True)
    lease_started_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    objects = CallTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("架電対象")
        verbose_name_plural = _("架電対象")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "company"], name="call_task_once_per_list"),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(lease_token__isnull=False),
                name="call_task_one_lease_per_company",
            ),
            models.UniqueConstraint(
                fields=["holder"],
                condition=Q(holder__isnull=False),
                name="call_task_one_lease_per_operator",
            ),
            models.CheckConstraint(
                condition=Q(state__in=QUEUED_STATES, due_at__isnull=False)
                | (~Q(state__in=QUEUED_STATES) & Q(due_at__isnull=True)),
                name="call_task_due_only_while_queued",
            ),
            models.CheckConstraint(
                condition=Q(holder__isnull=True, lease_token__isnull=True)
                | Q(
                    holder__isnull=False,
                    lease_token__isnull=False,
                    lease_expires_at__isnull=False,
                ),
                name="call_task_lease_complete",
            ),
        ]
        indexes = [
            # "Next call" is one range scan of this index per lane (see actions.claim_next_call).
            models.Index(
                fields=["campaign", "state", "band_mask", "due_at", "id"],
                condition=Q(due_at__isnull=False),
                name="call_task_queue",
            ),
            models.Index(fields=["campaign", "state"], name="call_task_campaign_state"),
            models.Index(
                fields=["fund_request"],
                condition=Q(fund_request__isnull=False),
                name="call_task_fund_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.company_id}"

    @property
    def is_queued(self) -> bool:
        return self.state in QUEUED_STATES

    def lease_is_active(self, now: Any) -> bool:
        return self.lease_expires_at is not None and self.lease_expires_at > now

    # Single-row transitions. Each sets its fields and returns their names; the action
    # that calls them saves once with `update_fields` inside its transaction.

    def take_lease(self, holder: Any, token: Any, now: Any, expires_at: Any) -> list[str]:
        self.holder = holder
        self.lease_token = token
        self.lease_started_at = now
        self.lease_expires_at = expires_at
        return ["holder", "lease_token", "lease_started_at", "lease_expires_at"]

    def drop_lease(self) -> list[str]:
        self.holder = None
        self.lease_token = None
        self.lease_started_at = None
        self.lease_expires_at = None
        return ["holder", "lease_token", "lease_started_at", "lease_expires_at"]

    def requeue(self, state: str, *, due_at: Any, band_mask: int = 0) -> list[str]:
        if state not in QUEUED_STATES:
            raise ValueError(f"{state} is not a queued state")
        self.state = state
        self.due_at = due_at
        self.band_mask = band_mask
        return ["state", "due_at", "band_mask"]

    def close(self, state: str, now: Any, *, route_state: str = "") -> list[str]:
        if state in QUEUED_STATES:
            raise ValueError(f"{state} does not close a task")
        self.state = state
        self.due_at = None
        self.band_mask = 0
        self.closed_at = now
        self.route_state = route_state
        return ["state", "due_at", "band_mask", "closed_at", "route_state"]

    def count_call(self, attempt: CallAttempt) -> list[str]:
        self.calls += 1
        self.attempts += 1 if attempt.counted else 0
        self.last_called_at = attempt.called_at
        self.last_outcome = attempt.outcome
        return ["calls", "attempts", "last_called_at", "last_outcome"]


class CallAttemptQuerySet(models.QuerySet["CallAttempt"]):
    def visible_to(self, user: Any) -> CallAttemptQuerySet:
        """The call log: oversight sees all of it, an operator their own calls."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(*OVERSIGHT_ROLES):
            return self
        if user.has_role(Role.OPERATOR):
            return self.filter(caller=user)
        return self.none()


class CallAttempt(models.Model):
    """One call, as logged by the operator (R-OUT-4): the task's timeline."""

    task = models.ForeignKey(CallTask, on_delete=models.PROTECT, related_name="attempts_made")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("オペレーター"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("回"))
    called_at = models.DateTimeField(_("架電日時"))
    band = models.PositiveSmallIntegerField(_("時間帯"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("通話時間（秒）"), default=0)
    person_reached = models.CharField(_("応対者"), max_length=100, blank=True, default="")
    content = models.TextField(_("会話内容"), blank=True, default="")
    needs = models.TextField(_("ニーズ"), blank=True, default="")
    outcome = models.CharField(_("結果"), max_length=60)
    # The title as the programme file had it when the call was made.
    outcome_title = models.CharField(_("結果"), max_length=200)
    counted = models.BooleanField(_("不通として数える"), default=False)
    reached = models.BooleanField(_("接触"), default=False)
    callback_at = models.DateTimeField(_("折り返し予定日時"), null=True, blank=True)
    script = models.CharField(_("トークスクリプト"), max_length=60, blank=True, default="")
    logged_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    objects = CallAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("架電記録")
        verbose_name_plural = _("架電記録")
        ordering = ["task_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="call_attempt_number_unique")
        ]
        indexes = [
            models.Index(fields=["campaign", "called_at"], name="call_attempt_campaign_day"),
            models.Index(fields=["caller", "called_at"], name="call_attempt_caller_day"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.number} {self.outcome_title}"


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV（UTF-8 BOM付き）")
    CSV_CP932 = "csv_cp932", _("CSV（Shift_JIS / cp932）")
    XLSX = "xlsx", _("Excel（.xlsx）")


class ExportStatus(models.TextChoices):
    RUNNING = "running", _("作成中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def visible_to(self, user: Any) -> ExportJobQuerySet:
        if user.is_authenticated and user.has_role(*OVERSIGHT_ROLES):
            return self
        return self.none()


class ExportJob(models.Model):
    """One export of the call results table; also the record that it was exported."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(_("形式"), max_length=10, choices=ExportFormat.choices)
    status = models.CharField(
        _("状態"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.RUNNING
    )
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("処理済み行数"), default=0)
    stored_path = models.CharField(max_length=500, blank=True, default="", editable=False)
    failure = models.TextField(_("失敗の理由"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("架電結果表の出力")
        verbose_name_plural = _("架電結果表の出力")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.format}"

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}

    @property
    def file_name(self) -> str:
        suffix = "xlsx" if self.format == ExportFormat.XLSX else "csv"
        return f"call-results-{self.campaign_id}-{self.pk}.{suffix}"
