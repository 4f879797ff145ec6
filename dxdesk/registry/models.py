from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from dxdesk.registry import keys, sme


class SizeClass(models.TextChoices):
    SMALL = "small", _("小規模事業者")
    SME = "sme", _("中小企業者")
    LARGE = "large", _("中小企業者に該当しない")
    UNKNOWN = "unknown", _("判定不能")


SAPPORO_WARDS = [
    "中央区",
    "北区",
    "東区",
    "白石区",
    "厚別区",
    "豊平区",
    "清田区",
    "南区",
    "西区",
    "手稲区",
]


class CompanyQuerySet(models.QuerySet["Company"]):
    def visible_to(self, user: Any) -> CompanyQuerySet:
        """The registry is shared by the whole secretariat and the client; nobody else."""
        if user.is_authenticated and user.is_secretariat:
            return self
        return self.none()

    def search(self, text: str) -> CompanyQuerySet:
        """Companies matching a search box entry written any way a person might.

        A 13-digit entry is a 法人番号 and a full phone number is matched exactly, both
        through their indexes; anything else is a substring of the name (legal form and
        spelling folded away), the kana or the address.
        """
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            return self
        digits = "".join(ch for ch in text if ch.isdigit())
        is_number_like = len(digits) >= 4 and not re.search(r"[^\d\s\-()+.]", text)
        if is_number_like and len(digits) == 13:
            return self.filter(corporate_number=digits)
        if is_number_like:
            phone = keys.phone_key(text)
            if phone:
                return self.filter(phone_key=phone)
            return self.filter(phone_key__contains=digits)
        return self.filter(_substring_condition(text))


def _substring_condition(text: str) -> Q:
    """Companies whose name, kana or address key contains the query's key."""
    patterns = {keys.query_key(text), keys.kana_key(text), keys.address_key(text)} - {""}
    if connection.vendor == "sqlite" and all(_plain_like_pattern(p) for p in patterns):
        # FTS5's trigram index answers these (migration 0003). It uses its index only for
        # a plain LIKE of three or more characters (and finds nothing for shorter ones):
        # one SELECT per pattern, not an OR, and no ESCAPE clause — keys never hold % or
        # _, which _plain_like_pattern makes sure of. The SQL is constant text; the
        # patterns are parameters.
        matches = " UNION ".join(
            ["SELECT rowid FROM registry_company_search WHERE text LIKE %s"] * len(patterns)
        )
        return Q(pk__in=RawSQL(matches, [f"%{p}%" for p in sorted(patterns)]))  # noqa: S611  # nosec B611
    condition = Q()
    for pattern in patterns:
        condition |= (
            Q(name_key__contains=pattern)
            | Q(kana_key__contains=pattern)
            | Q(address_key__contains=pattern)
        )
    return condition


def _plain_like_pattern(pattern: str) -> bool:
    return len(pattern) >= 3 and not any(character in pattern for character in "%_\\")


class Company(models.Model):
    """A company or sole proprietor the programme may call, coach or fund (R-REG-1)."""

    ref = models.CharField(_("管理番号"), max_length=40, blank=True, default="")
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True, default="")
    name = models.CharField(_("商号又は名称"), max_length=200)
    name_kana = models.CharField(_("フリガナ"), max_length=200, blank=True, default="")
    legal_form = models.CharField(_("法人格"), max_length=20, blank=True, default="")
    sole_proprietor = models.BooleanField(_("個人事業主"), default=False)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True, default="")
    address = models.CharField(_("所在地"), max_length=300, blank=True, default="")
    ward = models.CharField(_("区・市町村"), max_length=20, blank=True, default="")
    phone = models.CharField(_("電話番号"), max_length=30, blank=True, default="")
    email = models.EmailField(_("メールアドレス"), blank=True, default="")
    representative = models.CharField(_("代表者"), max_length=100, blank=True, default="")
    industry_code = models.CharField(
        _("業種（日本標準産業分類）"), max_length=8, blank=True, default=""
    )
    industry_text = models.CharField(
        _("業種（リスト記載）"), max_length=100, blank=True, default=""
    )
    capital_yen = models.BigIntegerField(_("資本金（円）"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("常時使用する従業員数"), null=True, blank=True)
    do_not_call = models.BooleanField(_("架電禁止"), default=False)
    consents_to_contact = models.BooleanField(_("連絡への同意"), default=False)
    notes = models.TextField(_("備考"), blank=True, default="")

    # Derived on every save (see refresh_derived_fields); never edited by hand.
    name_key = models.CharField(max_length=200, editable=False, default="")
    kana_key = models.CharField(max_length=200, editable=False, default="")
    phone_key = models.CharField(max_length=15, editable=False, default="")
    address_key = models.CharField(max_length=300, editable=False, default="")
    industry_division = models.CharField(max_length=1, editable=False, default="")
    size_class = models.CharField(
        _("中小企業区分"),
        max_length=10,
        choices=SizeClass.choices,
        default=SizeClass.UNKNOWN,
        editable=False,
    )
    size_reason = models.TextField(_("区分の理由"), editable=False, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("企業")
        verbose_name_plural = _("企業")
        ordering = ["name_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~Q(corporate_number=""),
                name="company_corporate_number_unique",
            ),
            models.UniqueConstraint(
                fields=["ref"], condition=~Q(ref=""), name="company_ref_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["name_key"], name="company_name_key"),
            # Plain (not partial) so that SQLite uses it for an equality lookup.
            models.Index(fields=["corporate_number"], name="company_corporate_number"),
            models.Index(fields=["phone_key"], name="company_phone_key"),
            models.Index(fields=["ward", "name_key"], name="company_ward_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def refresh_derived_fields(self) -> None:
        """Search keys, ward and SME class follow from what was entered."""
        bare_name, legal_form, _position = keys.split_legal_form(self.name)
        if legal_form is not None:
            self.legal_form = legal_form.value
        self.name_key = keys.name_key(self.name)
        self.kana_key = (
            keys.kana_key(self.name_kana) if self.name_kana else keys.kana_key(bare_name)
        )
        self.phone_key = keys.phone_key(self.phone)
        self.address_key = keys.address_key(self.address)
        self.ward = keys.ward_of(self.address) or self.ward
        self.industry_division = self.industry_code[:1]
        result = sme.classify(
            self.industry_code or None,
            self.capital_yen,
            self.employees,
            sole_proprietor=self.sole_proprietor,
        )
        self.size_class = result.size.value
        self.size_reason = result.reason

    @property
    def phone_display(self) -> str:
        return keys.format_phone(self.phone_key) if self.phone_key else self.phone


DERIVED_FIELDS = (
    "legal_form",
    "name_key",
    "kana_key",
    "phone_key",
    "address_key",
    "ward",
    "industry_division",
    "size_class",
    "size_reason",
)


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: Any) -> ContactQuerySet:
        return self.filter(company__in=Company.objects.visible_to(user))


class Contact(models.Model):
    """A person at a company the secretariat talks to."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("氏名"), max_length=100)
    title = models.CharField(_("役職・部署"), max_length=100, blank=True, default="")
    phone = models.CharField(_("電話番号"), max_length=30, blank=True, default="")
    email = models.EmailField(_("メールアドレス"), blank=True, default="")
    is_representative = models.BooleanField(_("代表者"), default=False)
    notes = models.TextField(_("備考"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("連絡先")
        verbose_name_plural = _("連絡先")
        ordering = ["-is_representative", "id"]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("取込中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


class ImportJob(models.Model):
    """One call list imported from the web page or the command line."""

    file_name = models.CharField(_("ファイル名"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, default="", editable=False)
    dry_run = models.BooleanField(_("確認のみ（取り込まない）"), default=False)
    status = models.CharField(
        _("状態"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    detected_format = models.CharField(_("形式"), max_length=40, blank=True, default="")
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("処理済み行数"), default=0)
    created_count = models.PositiveIntegerField(_("新規"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("変更なし"), default=0)
    rejected_count = models.PositiveIntegerField(_("不採用"), default=0)
    warnings = models.JSONField(_("注意"), default=list, blank=True)
    rejections = models.JSONField(_("不採用の行"), default=list, blank=True)
    failure = models.TextField(_("失敗の理由"), blank=True, default="")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("取込")
        verbose_name_plural = _("取込")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {ImportStatus.DONE, ImportStatus.FAILED} else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}
