from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.roles import Role
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
        """The registry is shared by the whole secretariat and the client; nobody else.

        A company merged into another (名寄せ) is left out of every list, search, page and
        campaign; it is kept only so that the merge can be undone.
        """
        if user.is_authenticated and user.is_secretariat:
            return self.current()
        return self.none()

    def current(self) -> CompanyQuerySet:
        """Companies not merged into another."""
        return self.filter(merged_into__isnull=True)

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
    # Set by merging.merge_companies, cleared by undo_merge. Not indexed: no page looks
    # companies up by it, and every index slows the import of a 50,000-row list.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("統合先"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

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
        derived = derived_values(
            name=self.name,
            name_kana=self.name_kana,
            phone=self.phone,
            address=self.address,
            industry_code=self.industry_code,
            capital_yen=self.capital_yen,
            employees=self.employees,
            sole_proprietor=self.sole_proprietor,
        )
        for field_name, value in zip(DERIVED_FIELDS, derived, strict=True):
            # A name without a legal form, or an address without a ward, keeps what was set.
            if value or field_name not in _KEPT_WHEN_UNDERIVED:
                setattr(self, field_name, value)

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
_KEPT_WHEN_UNDERIVED = frozenset({"legal_form", "ward"})


def derived_values(
    *,
    name: str,
    name_kana: str,
    phone: str,
    address: str,
    industry_code: str,
    capital_yen: int | None,
    employees: int | None,
    sole_proprietor: bool,
) -> tuple[str, ...]:
    """The DERIVED_FIELDS of a company entered with these values, in that order.

    The legal form and the ward are "" when the name has none or the address names none;
    a stored company then keeps what it had. Imports call this directly, without a model.
    """
    bare_name, legal_form, _position = keys.split_legal_form(name)
    result = sme.classify(
        industry_code or None, capital_yen, employees, sole_proprietor=sole_proprietor
    )
    return (
        "" if legal_form is None else legal_form.value,
        keys.name_key(name),
        keys.kana_key(name_kana) if name_kana else keys.kana_key(bare_name),
        keys.phone_key(phone),
        *keys.address_key_and_ward(address),
        industry_code[:1],
        result.size.value,
        result.reason,
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
    # Imported companies with a probable duplicate in the registry (名寄せ); None when not
    # checked (a dry run, or an import that failed).
    duplicate_count = models.PositiveIntegerField(_("重複の可能性"), null=True, blank=True)
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


# Who sees 名寄せ candidates and merges: reviewers look for double applications with them.
REVIEWING_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)


class CandidateState(models.TextChoices):
    OPEN = "open", _("未確認")
    MERGED = "merged", _("統合済み")
    NOT_SAME = "not_same", _("別の企業")


class DuplicateCandidateQuerySet(models.QuerySet["DuplicateCandidate"]):
    def visible_to(self, user: Any) -> DuplicateCandidateQuerySet:
        """Reviewers (double applications), supervisors and admins; nobody else."""
        if user.is_authenticated and user.has_role(*REVIEWING_ROLES):
            return self
        return self.none()

    def to_review(self) -> DuplicateCandidateQuerySet:
        """Open pairs of which neither company has since been merged into a third."""
        return self.filter(
            state=CandidateState.OPEN,
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
        )


class DuplicateCandidate(models.Model):
    """Two stored companies that 名寄せ says may be one, waiting for a person to decide.

    The pair is held once, lower id first. A pair decided "not the same" stays, so that it
    is never proposed again.
    """

    first = models.ForeignKey(
        Company,
        verbose_name=_("企業（左）"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the unique (first, second) index serves it
    )
    second = models.ForeignKey(
        Company, verbose_name=_("企業（右）"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField(_("一致度"))
    reason = models.CharField(_("理由"), max_length=200)
    state = models.CharField(
        _("状態"), max_length=10, choices=CandidateState.choices, default=CandidateState.OPEN
    )
    proposed_at = models.DateTimeField(_("提案日時"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("判断者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("名寄せ候補")
        verbose_name_plural = _("名寄せ候補")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_candidate_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_candidate_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-score", "id"], name="duplicate_candidate_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} / {self.second_id}"

    @property
    def is_open(self) -> bool:
        return self.state == CandidateState.OPEN


class CompanyMergeQuerySet(models.QuerySet["CompanyMerge"]):
    def visible_to(self, user: Any) -> CompanyMergeQuerySet:
        if user.is_authenticated and user.has_role(*REVIEWING_ROLES):
            return self
        return self.none()


class CompanyMerge(models.Model):
    """One merge of a company into another, with what it moved, so that it can be undone.

    `record` holds {"relations": [{"relation": "app.model.field", "label": ..., "ids":
    [...]}], "filled": {field: value}, "taken": {field: value}}: the rows re-pointed from
    the merged company to the survivor, the survivor's blank fields filled from the merged
    company, and the unique fields (法人番号, 管理番号) moved from one to the other.
    """

    survivor = models.ForeignKey(
        Company, verbose_name=_("統合先（残す企業）"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Company, verbose_name=_("統合元（消す企業）"), on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        DuplicateCandidate,
        verbose_name=_("名寄せ候補"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    record = models.JSONField(_("統合の記録"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("統合者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("統合日時"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取消者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    objects = CompanyMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("企業の統合")
        verbose_name_plural = _("企業の統合")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="company_merge_once_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    @property
    def field_labels(self) -> list[str]:
        """The survivor's fields the merge filled or moved, as people call them."""
        names = [*self.record.get("taken", {}), *self.record.get("filled", {})]
        return [str(Company._meta.get_field(name).verbose_name) for name in names]  # type: ignore[union-attr]
