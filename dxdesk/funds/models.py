"""The first-come ledger: money pools and count caps that never over-commit.

A `Fund` is one counter row per pool or cap. Every change of its figures is an
append-only `LedgerEntry` written in the same transaction that updates the counter
row under a row lock, so the counters always equal the sum of the entries (and
`dxdesk check_ledger` proves it). A `FundRequest` is one claim on a fund, made in
strict request order: it is reserved if it fits and nobody waits ahead of it,
otherwise it waits in line.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class FundUnit(models.TextChoices):
    YEN = "yen", _("円")
    COUNT = "count", _("件")


class Fund(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    unit = models.CharField(_("単位"), max_length=10, choices=FundUnit.choices)
    # Null while the programme file still has a placeholder: nothing can be admitted.
    limit = models.BigIntegerField(_("上限"), null=True, blank=True)
    reserved = models.BigIntegerField(_("予約"), default=0)
    committed = models.BigIntegerField(_("確定"), default=0)
    paid = models.BigIntegerField(_("支払済"), default=0)
    waiting_count = models.PositiveIntegerField(_("待ち件数"), default=0)
    waiting_amount = models.BigIntegerField(_("待ちの合計"), default=0)
    next_sequence = models.PositiveBigIntegerField(default=1, editable=False)
    closes_when_spent = models.BooleanField(_("使い切りで受付終了"), default=False)
    intake_closed_at = models.DateTimeField(_("受付終了日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("予算・枠")
        verbose_name_plural = _("予算・枠")
        constraints = [
            # The database itself refuses an over-commitment, whatever the code does.
            models.CheckConstraint(
                condition=Q(limit__isnull=True, reserved=0, committed=0, paid=0)
                | Q(limit__gte=F("reserved") + F("committed") + F("paid")),
                name="fund_never_over_limit",
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0, committed__gte=0, paid__gte=0, waiting_amount__gte=0),
                name="fund_figures_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def taken(self) -> int:
        """Reserved, committed and paid together: what is no longer free."""
        return self.reserved + self.committed + self.paid

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - self.taken

    @property
    def intake_open(self) -> bool:
        return self.intake_closed_at is None

    def fits(self, amount: int) -> bool:
        """Whether a new request of `amount` is admitted now: it fits and nobody waits."""
        return (
            self.limit is not None and self.waiting_count == 0 and self.taken + amount <= self.limit
        )


class RequestState(models.TextChoices):
    WAITING = "waiting", _("待ち")
    RESERVED = "reserved", _("予約")
    COMMITTED = "committed", _("確定")
    PAID = "paid", _("支払済")
    RELEASED = "released", _("解除")
    WITHDRAWN = "withdrawn", _("待ち取下げ")


class FundRequest(models.Model):
    """One claim on a fund by one subject (an application, a support case …)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests")
    sequence = models.PositiveBigIntegerField(_("受付順"))
    # What the claim is for, as "app_label.model:pk"; one claim per subject per fund.
    subject = models.CharField(_("対象"), max_length=100)
    amount = models.BigIntegerField(_("金額・件数"))
    state = models.CharField(_("状態"), max_length=10, choices=RequestState.choices)
    requested_at = models.DateTimeField(_("受付日時"))
    state_changed_at = models.DateTimeField(_("状態の変更日時"))

    class Meta:
        verbose_name = _("枠の申込")
        verbose_name_plural = _("枠の申込")
        ordering = ["fund", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "sequence"], name="fund_request_sequence"),
            models.UniqueConstraint(fields=["fund", "subject"], name="fund_request_subject"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_request_amount_positive"),
        ]
        indexes = [models.Index(fields=["fund", "state", "sequence"], name="fund_request_queue")]

    def __str__(self) -> str:
        return f"{self.fund} #{self.sequence}"


class EntryKind(models.TextChoices):
    RESERVE = "reserve", _("予約")
    COMMIT = "commit", _("確定")
    RELEASE = "release", _("解除")
    PAY = "pay", _("支払")


class LedgerEntry(models.Model):
    """One movement of a fund's figures. Never changed, never deleted."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("種類"), max_length=10, choices=EntryKind.choices)
    reserved_delta = models.BigIntegerField(default=0)
    committed_delta = models.BigIntegerField(default=0)
    paid_delta = models.BigIntegerField(default=0)
    note = models.CharField(_("メモ"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("日時"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("台帳記帳")
        verbose_name_plural = _("台帳記帳")
        ordering = ["fund", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("ledger entries are append-only")

    @property
    def amount(self) -> int:
        return max(abs(self.reserved_delta), abs(self.committed_delta), abs(self.paid_delta))
