from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxdesk.funds.models import Fund
from dxdesk.programs import rules
from dxdesk.programs.definition import parse_definition


class TrackKind(models.TextChoices):
    OUTREACH = "outreach", _("架電")
    SUPPORT = "support", _("支援")
    GRANT = "grant", _("補助金")
    EVENT = "event", _("イベント")
    DESK = "desk", _("窓口")


class PoolKind(models.TextChoices):
    SUBSIDY = "subsidy", _("補助金")
    COMMISSION = "commission", _("委託料")
    BUDGET = "budget", _("予算")


def definition_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=32)
def _parsed(text_hash: str, text: str, code: str) -> rules.ProgramDefinition:
    """Parsed once per process and version: every intake page reads its track's rules."""
    return parse_definition(text, source=f"{code}.toml")


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, user: Any) -> ProgramQuerySet:
        """Programme rules and figures are open to the secretariat and the client."""
        if user.is_authenticated and user.is_secretariat:
            return self
        return self.none()


@dataclass(frozen=True)
class FundFigures:
    """One pool or cap of a programme with its ledger counter row."""

    kind: str  # "pool" or "cap"
    title: str
    track_names: tuple[str, ...]
    fund: Fund

    @property
    def unit_is_yen(self) -> bool:
        return self.kind == "pool"


class Program(models.Model):
    """One programme (事業) of the contract, as loaded from its definition file.

    The file's text is the truth; the rows of Track, CountCap and MoneyPool mirror the
    parts other tables point at or lock. Change them only through `load_program`.
    """

    code = models.SlugField(_("事業コード"), max_length=80, unique=True)
    title = models.CharField(_("事業名"), max_length=200)
    client = models.CharField(_("委託者"), max_length=200)
    fiscal_year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    definition_text = models.TextField(_("定義ファイル"))
    definition_hash = models.CharField(_("定義ファイルのSHA-256"), max_length=64)
    revision = models.PositiveIntegerField(_("版"), default=1)
    loaded_at = models.DateTimeField(_("読込日時"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("読込者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("事業")
        verbose_name_plural = _("事業")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def funds_with_figures(self) -> list[FundFigures]:
        """Every pool and cap with its current figures, pools first (two queries)."""
        figures = [
            FundFigures("pool", pool.title, tuple(t.name for t in pool.tracks.all()), pool.fund)
            for pool in self.pools.select_related("fund").prefetch_related("tracks")
            if pool.fund is not None
        ]
        figures += [
            FundFigures("cap", cap.track.title, (cap.track.name,), cap.fund)
            for cap in CountCap.objects.filter(track__program=self)
            .select_related("fund", "track")
            .order_by("track__position")
            if cap.fund is not None
        ]
        return figures

    @property
    def definition(self) -> rules.ProgramDefinition:
        return _parsed(self.definition_hash, self.definition_text, self.code)


class ProgramRevision(models.Model):
    """Every version of a definition ever loaded, so a decision can show its rules."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版"))
    definition_text = models.TextField(_("定義ファイル"))
    definition_hash = models.CharField(_("定義ファイルのSHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("読込日時"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("読込者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事業定義の版")
        verbose_name_plural = _("事業定義の版")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program.code} r{self.number}"


class MoneyPool(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="pools")
    name = models.SlugField(_("名前"), max_length=60)
    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種別"), max_length=20, choices=PoolKind.choices)
    # Null while the definition still has a placeholder for it.
    limit_yen = models.BigIntegerField(_("上限額（円）"), null=True, blank=True)
    # The ledger's counter row for this pool (limit and closing rule copied on load).
    fund = models.OneToOneField(
        "funds.Fund", on_delete=models.PROTECT, related_name="money_pool", null=True, blank=True
    )

    class Meta:
        verbose_name = _("予算枠")
        verbose_name_plural = _("予算枠")
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="money_pool_unique_name"),
            models.CheckConstraint(
                condition=Q(limit_yen__isnull=True) | Q(limit_yen__gte=0),
                name="money_pool_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def committed_yen(self) -> int:
        """Yen reserved, committed or paid from this pool: what a new limit must cover."""
        return self.fund.taken if self.fund else 0


class Track(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="tracks")
    name = models.SlugField(_("名前"), max_length=60)
    kind = models.CharField(_("種別"), max_length=20, choices=TrackKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    pool = models.ForeignKey(
        MoneyPool,
        verbose_name=_("予算枠"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tracks",
    )
    position = models.PositiveIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("トラック")
        verbose_name_plural = _("トラック")
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="track_unique_name"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def definition(self) -> rules.TrackDefinition:
        return self.program.definition.tracks[self.name]


class CountCap(models.Model):
    """How many cases a track may take (000: 460 companies in phase 1)."""

    track = models.OneToOneField(Track, on_delete=models.CASCADE, related_name="cap")
    counts = models.CharField(_("数える単位"), max_length=20)
    # Null while the definition still has a placeholder for it.
    limit = models.PositiveIntegerField(_("上限"), null=True, blank=True)
    fund = models.OneToOneField(
        "funds.Fund", on_delete=models.PROTECT, related_name="count_cap", null=True, blank=True
    )

    class Meta:
        verbose_name = _("件数上限")
        verbose_name_plural = _("件数上限")

    def __str__(self) -> str:
        return f"{self.track}: {self.limit}"

    def committed(self) -> int:
        """Places reserved, committed or used: what a new limit must cover."""
        return self.fund.taken if self.fund else 0
