"""Grant applications from the portal or keyed in by staff, and the applicant accounts.

An `Applicant` is one company's account on the portal; several users may belong to it
(`ApplicantMember`). An applicant sees only the applications it made; nothing is ever
shared between two applicant accounts, even when they name the same 法人番号 (the
second such account is flagged to staff instead, `duplicate_of`).

An `Application` is a draft until it is submitted; submission gives it its receipt
number and time in the same transaction that claims its amount on the pool's ledger
(see `actions.submit_application`). Whether the money is reserved or waiting is the
ledger's fact (`fund_request.state`), never copied here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.roles import Role
from dxdesk.funds.models import RequestState


class Applicant(models.Model):
    name = models.CharField(_("商号又は名称"), max_length=200)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True, default="")
    # The registry's record of this company, linked when the email address is verified:
    # found by a valid 法人番号, else created.
    company = models.ForeignKey(
        "registry.Company",
        verbose_name=_("企業台帳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applicant_accounts",
    )
    phone = models.CharField(_("電話番号"), max_length=30, blank=True, default="")
    address = models.CharField(_("所在地"), max_length=300, blank=True, default="")
    # Set when another account already named the same 法人番号: staff check it; the two
    # accounts never see each other's applications.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("同じ法人番号の先行アカウント"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_duplicates",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("申請者アカウント")
        verbose_name_plural = _("申請者アカウント")

    def __str__(self) -> str:
        return self.name


class ApplicantMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_membership"
    )
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="members")
    # Managers invite colleagues; everyone may prepare and submit applications.
    is_manager = models.BooleanField(_("管理者"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申請者アカウントの利用者")
        verbose_name_plural = _("申請者アカウントの利用者")

    def __str__(self) -> str:
        return f"{self.applicant}: {self.user}"


def applicant_of(user: Any) -> Applicant | None:
    """The applicant account a signed-in user acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = ApplicantMember.objects.filter(user=user).select_related("applicant").first()
    return membership.applicant if membership else None


# Who sees every application in the staff area (the client reads, the others work them).
STAFF_READERS = (Role.DESK, Role.REVIEWER, Role.FINANCE, Role.SUPERVISOR, Role.CLIENT, Role.ADMIN)
# Who may key in an application received by phone, mail or on paper (R-APP-6).
STAFF_KEYERS = (Role.DESK, Role.SUPERVISOR, Role.ADMIN)


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("下書き")
    RECEIVED = "received", _("受付済み")
    WITHDRAWN = "withdrawn", _("取下げ")


class Channel(models.TextChoices):
    PORTAL = "portal", _("ポータル")
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    MAIL = "mail", _("郵送")
    COUNTER = "counter", _("窓口（紙）")


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: Any) -> ApplicationQuerySet:
        """Staff who work applications see all; an applicant only its own account's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_role(*STAFF_READERS):
            return self.all()
        if user.has_role(Role.APPLICANT):
            return self.filter(applicant__members__user=user)
        return self.none()


class Application(models.Model):
    track = models.ForeignKey(
        "programs.Track", verbose_name=_("補助金"), on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "registry.Company",
        verbose_name=_("申請企業"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # Null for an application keyed in by staff for a company without a portal account.
    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("申請者アカウント"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    state = models.CharField(
        _("状態"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    channel = models.CharField(
        _("受付経路"), max_length=20, choices=Channel.choices, default=Channel.PORTAL
    )
    # The form's answers by field code, as the track's definition names them.
    answers = models.JSONField(_("申請内容"), default=dict, blank=True)
    # Raised by every change of the draft; the confirmation page carries it, so what is
    # submitted is exactly what the applicant confirmed.
    version = models.PositiveIntegerField(default=1)
    requested_yen = models.BigIntegerField(_("申請額（円）"), null=True, blank=True)
    fund_request = models.OneToOneField(
        "funds.FundRequest",
        verbose_name=_("予算の申込"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    receipt_number = models.PositiveBigIntegerField(_("受付番号"), null=True, blank=True)
    received_at = models.DateTimeField(_("受付日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("補助金申請")
        verbose_name_plural = _("補助金申請")
        ordering = ["-created_at"]
        constraints = [
            # One live application per company and track, drafts included: a second
            # account for the same company cannot open another (R-APP-2, issue #5).
            models.UniqueConstraint(
                fields=["company", "track"],
                condition=~Q(state="withdrawn"),
                name="one_application_per_company_and_track",
            ),
            models.CheckConstraint(
                condition=~Q(state="received")
                | Q(receipt_number__isnull=False, received_at__isnull=False),
                name="received_application_has_receipt",
            ),
        ]
        indexes = [models.Index(fields=["track", "receipt_number"], name="application_receipt")]

    def __str__(self) -> str:
        if self.receipt_number:
            return f"{self.track} 受付番号 {self.receipt_number}"
        return f"{self.track}（{self.get_state_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.state == ApplicationState.DRAFT

    @property
    def money_state(self) -> str:
        """'reserved', 'waiting', … from the ledger; '' before submission."""
        return self.fund_request.state if self.fund_request_id else ""  # type: ignore[union-attr]

    @property
    def is_waiting(self) -> bool:
        return self.money_state == RequestState.WAITING

    def waiting_position(self) -> int | None:
        """Place in the pool's waiting line (1 = next to be promoted), or None."""
        if not self.is_waiting:
            return None
        from dxdesk.funds.models import FundRequest

        request = self.fund_request
        assert request is not None
        ahead = FundRequest.objects.filter(
            fund_id=request.fund_id, state=RequestState.WAITING, sequence__lt=request.sequence
        ).count()
        return ahead + 1


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    # The attachment's code in the track's definition ("quotation", …).
    code = models.CharField(_("書類"), max_length=60)
    stored_file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="application_attachment"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("添付書類")
        verbose_name_plural = _("添付書類")
        ordering = ["code", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.code}: {self.stored_file.original_name}"


class EventKind(models.TextChoices):
    STARTED = "started", _("作成")
    SUBMITTED = "submitted", _("受付")
    WITHDRAWN = "withdrawn", _("取下げ")
    MESSAGE = "message", _("メッセージ")


class ApplicationEvent(models.Model):
    """The application's timeline, written by the action in the same transaction."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("種別"), max_length=20, choices=EventKind.choices)
    note = models.TextField(_("内容"), blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("日時"))

    class Meta:
        verbose_name = _("申請の経過")
        verbose_name_plural = _("申請の経過")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ApplicationMessage(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    body = models.TextField(_("本文"), max_length=4000)
    from_secretariat = models.BooleanField(_("事務局から"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("送信日時"))

    class Meta:
        verbose_name = _("申請へのメッセージ")
        verbose_name_plural = _("申請へのメッセージ")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.sent_at:%Y-%m-%d %H:%M}"
