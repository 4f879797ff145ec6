"""Every change to an applicant account or an application: one function each, one
transaction each, with its timeline event, its audit record and its mail after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.files.storage import erase_stored, storing_upload
from dxdesk.funds.actions import FundError, release_request, request_funds
from dxdesk.funds.models import RequestState
from dxdesk.grants import intake
from dxdesk.grants.models import (
    Applicant,
    ApplicantMember,
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationMessage,
    ApplicationState,
    Channel,
    EventKind,
)
from dxdesk.lib.mail import send_notice
from dxdesk.programs.models import Track
from dxdesk.registry.corporate_number import is_valid_corporate_number
from dxdesk.registry.models import Company

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest


class ApplicationRefused(Exception):
    """The change cannot be made; the message says why, for the person who asked."""


class ApplicationChanged(ApplicationRefused):
    """The draft changed after it was confirmed: confirm again."""


class AccountTokens(PasswordResetTokenGenerator):
    """One-time links for verifying an address and accepting an invitation: the hash
    covers `is_active`, so a link stops working once the account is active."""

    key_salt = "dxdesk.grants.AccountTokens"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{user.email}"


account_tokens = AccountTokens()


# -- accounts -----------------------------------------------------------------------------


def sign_up(
    *,
    email: str,
    password: str,
    full_name: str,
    company_name: str,
    corporate_number: str,
    phone: str,
    address: str,
) -> User | None:
    """An inactive applicant account, active once its address is verified.

    Returns None when the address already belongs to an active account: the page says
    the same either way (nobody learns who is registered) and the owner is told by mail.
    An unverified earlier sign-up with the same address is replaced.
    """
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None:
            if existing.is_active or not _is_pending_sign_up(existing):
                transaction.on_commit(lambda: _tell_owner_of_repeat_sign_up(existing))
                return None
            _discard_pending(existing)
        user = User.objects.create_user(email, password, full_name=full_name, is_active=False)
        user.set_roles([Role.APPLICANT])
        applicant = Applicant.objects.create(
            name=company_name,
            corporate_number=corporate_number,
            phone=phone,
            address=address,
        )
        ApplicantMember.objects.create(user=user, applicant=applicant, is_manager=True)
        record_event(user, AuditAction.CREATE, applicant, fields=["name", "corporate_number"])
    return user


def _is_pending_sign_up(user: User) -> bool:
    membership = ApplicantMember.objects.filter(user=user).select_related("applicant").first()
    return (
        membership is not None
        and membership.applicant.company_id is None
        and user.last_login is None
    )


def _discard_pending(user: User) -> None:
    applicant = user.applicant_membership.applicant  # type: ignore[attr-defined]
    user.delete()
    if not applicant.members.exists():
        applicant.delete()


def _tell_owner_of_repeat_sign_up(user: User) -> None:
    send_notice(
        _("【中小企業DX支援ポータル】登録のお申込みについて"),
        _(
            "このメールアドレスで新規登録のお申込みがありましたが、すでに登録済みです。\n"
            "パスワードをお忘れの場合は、ログイン画面の「パスワードを忘れた方」から再設定してください。\n"
            "お心当たりがない場合は、このメールを破棄してください。"
        ),
        [user.email],
    )


def verify_email(user: User) -> Applicant:
    """Activate the account and link its company to the registry (R-APP-1).

    A valid 法人番号 finds the registry's company; otherwise a new one is made. When
    another account already named the same number, this one is flagged to staff —
    and sees nothing of the other's.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        membership = ApplicantMember.objects.select_related("applicant").get(user=user)
        applicant = membership.applicant
        user.is_active = True
        user.save(update_fields=["is_active"])
        if applicant.company_id is None:
            _link_company(applicant)
        record_event(user, AuditAction.CHANGE, user, fields=["is_active"], note="email verified")
    return applicant


def _link_company(applicant: Applicant) -> None:
    number = applicant.corporate_number
    company = None
    if number and is_valid_corporate_number(number):
        company = Company.objects.filter(corporate_number=number).first()
        applicant.duplicate_of = (
            Applicant.objects.filter(corporate_number=number, company__isnull=False)
            .exclude(pk=applicant.pk)
            .order_by("pk")
            .first()
        )
    if company is None:
        company = Company(
            name=applicant.name,
            corporate_number=number if is_valid_corporate_number(number) else "",
            phone=applicant.phone,
            address=applicant.address,
            notes=_("ポータルの申請者登録から作成"),
        )
        company.save()
    applicant.company = company
    applicant.save(update_fields=["company", "duplicate_of"])


def invite_member(applicant: Applicant, *, email: str, full_name: str, by: User) -> User:
    """A colleague's inactive account; they choose a password from the invitation link."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ApplicationRefused(_("このメールアドレスは招待できません（登録済みです）。"))
        user = User.objects.create_user(email, None, full_name=full_name, is_active=False)
        user.set_roles([Role.APPLICANT])
        ApplicantMember.objects.create(user=user, applicant=applicant)
        record_event(by, AuditAction.CREATE, user, fields=["email", "full_name"])
    return user


def accept_invitation(user: User, password: str) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        record_event(user, AuditAction.CHANGE, user, fields=["password", "is_active"])


# -- applications -------------------------------------------------------------------------


def start_application(
    track: Track,
    *,
    company: Company,
    applicant: Applicant | None,
    by: User,
    channel: str = Channel.PORTAL,
    request: HttpRequest | None = None,
) -> Application:
    status = intake.intake_status(track)
    if not status.is_open:
        raise ApplicationRefused(status.reason)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                track=track, company=company, applicant=applicant, channel=channel, created_by=by
            )
            _event(application, EventKind.STARTED, by, note=Channel(channel).label)
            record_event(request or by, AuditAction.CREATE, application)
    except IntegrityError as error:
        raise ApplicationRefused(
            _(
                "この事業者による「%(track)s」の申請がすでにあります。"
                "お心当たりがない場合は事務局へお問い合わせください。"
            )
            % {"track": track.title}
        ) from error
    return application


def save_draft(
    application: Application,
    answers: dict[str, Any],
    *,
    by: User,
    request: HttpRequest | None = None,
) -> Application:
    with transaction.atomic():
        locked = _locked_draft(application)
        changed = sorted(
            code
            for code in set(locked.answers) | set(answers)
            if locked.answers.get(code) != answers.get(code)
        )
        if changed:
            locked.answers = answers
            locked.version += 1
            locked.save(update_fields=["answers", "version", "updated_at"])
            record_event(request or by, AuditAction.CHANGE, locked, fields=changed)
    return locked


def add_attachment(
    application: Application,
    code: str,
    upload: UploadedFile,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> ApplicationAttachment:
    """Keep the file (checked, synced to disk) first, then record it with its
    attachment in one short transaction; if that fails, the kept file is removed again."""
    if code not in {item.code for item in application.track.definition.attachments}:
        raise ApplicationRefused(_("添付できない書類の種類です。"))
    if not application.is_draft:
        raise ApplicationRefused(_("受付済みの申請には添付を追加できません。"))
    with storing_upload(upload, by=by) as stored, transaction.atomic():
        _raise_draft_version(application)
        stored.save(force_insert=True)
        attachment = ApplicationAttachment.objects.create(
            application=application, code=code, stored_file=stored, uploaded_by=by
        )
        record_event(request or by, AuditAction.CREATE, attachment, note=stored.original_name)
    return attachment


def remove_attachment(
    attachment: ApplicationAttachment, *, by: User, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        locked = _locked_draft(attachment.application)
        stored = attachment.stored_file
        record_event(request or by, AuditAction.DELETE, attachment, note=stored.original_name)
        attachment.delete()
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        transaction.on_commit(lambda: erase_stored(stored))


def submission_problems(application: Application) -> list[str]:
    """What still stops the draft from being submitted, in words for the applicant."""
    problems: list[str] = []
    form = intake.application_form_class(application.track, for_submission=True)(
        data=intake.form_data(application.track, application.answers)
    )
    if not form.is_valid():
        for code, errors in form.errors.items():
            label = form.fields[code].label if code in form.fields else code
            problems += [f"{label}: {error}" for error in errors]
    codes = set(application.attachments.values_list("code", flat=True))
    for item in intake.missing_attachments(application.track, codes):
        problems.append(_("添付書類「%(label)s」がありません。") % {"label": item.label})
    if not problems:
        try:
            intake.requested_amount(application.track, application.answers)
        except intake.AmountError as error:
            problems.append(str(error))
    return problems


def submit_application(
    application: Application, *, version: int, by: User, request: HttpRequest | None = None
) -> Application:
    """Receive the draft: its receipt number and time and its claim on the pool are
    written in one short transaction (R-APP-2, R-APP-3).

    The draft's answers and attachments were checked before (`submission_problems` on
    the confirmed `version`), outside the transaction. Submitting again — a double
    click, a retry, the back button — returns the first receipt and nothing else.
    """
    status = intake.intake_status(application.track)
    amount = _amount_or_refuse(application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        locked.track = application.track  # no query for it while the lock is held
        if locked.state != ApplicationState.DRAFT:
            return locked
        if locked.version != version:
            raise ApplicationChanged(
                _("確認の後で内容が変更されました。もう一度内容を確認してください。")
            )
        if not status.is_open:
            raise ApplicationRefused(status.reason)
        try:
            admission = request_funds(
                status.fund,
                subject=f"application:{locked.pk}",
                amount=amount,
                by=by,  # type: ignore[arg-type]
            )
        except FundError as error:
            raise ApplicationRefused(
                _("受付できませんでした: %(reason)s") % {"reason": error}
            ) from error
        claim = admission.request
        locked.state = ApplicationState.RECEIVED
        locked.requested_yen = amount
        locked.fund_request = claim
        locked.receipt_number = claim.sequence
        locked.received_at = claim.requested_at
        locked.save(
            update_fields=[
                "state",
                "requested_yen",
                "fund_request",
                "receipt_number",
                "received_at",
                "updated_at",
            ]
        )
        note = _("受付番号 %(number)s、申請額 %(amount)s円") % {
            "number": claim.sequence,
            "amount": f"{amount:,}",
        }
        if admission.waiting:
            note += _("（予算上限のため待ち）")
        _event(locked, EventKind.SUBMITTED, by, note=note, at=claim.requested_at)
        record_event(request or by, AuditAction.CHANGE, locked, fields=["state"], note=note)
        transaction.on_commit(lambda: _send_receipt(locked))
    return locked


def _amount_or_refuse(application: Application) -> int:
    try:
        return intake.requested_amount(application.track, application.answers).amount_yen
    except intake.AmountError as error:
        raise ApplicationRefused(str(error)) from error


def withdraw_application(
    application: Application, *, by: User, reason: str = "", request: HttpRequest | None = None
) -> Application:
    """Withdrawn by the applicant (R-REV-6): the money it held goes to the next in line."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state == ApplicationState.WITHDRAWN:
            return locked
        if locked.fund_request_id is not None and locked.money_state in {
            RequestState.RESERVED,
            RequestState.WAITING,
            RequestState.COMMITTED,
        }:
            release_request(locked.fund_request, by=by, note=_("申請の取下げ"))  # type: ignore[arg-type]
        locked.state = ApplicationState.WITHDRAWN
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, EventKind.WITHDRAWN, by, note=reason)
        record_event(request or by, AuditAction.CHANGE, locked, fields=["state"], note=reason)
    return locked


def post_message(
    application: Application,
    body: str,
    *,
    by: User,
    from_secretariat: bool,
    request: HttpRequest | None = None,
) -> ApplicationMessage:
    with transaction.atomic():
        message = ApplicationMessage.objects.create(
            application=application,
            body=body,
            from_secretariat=from_secretariat,
            author=by,
            sent_at=timezone.now(),
        )
        _event(application, EventKind.MESSAGE, by, at=message.sent_at)
        record_event(request or by, AuditAction.CREATE, message)
        if from_secretariat:
            transaction.on_commit(lambda: _tell_applicant_of_message(application))
    return message


# -- helpers ------------------------------------------------------------------------------


def _locked_draft(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != ApplicationState.DRAFT:
        raise ApplicationRefused(_("受付済みの申請は変更できません。"))
    return locked


def _raise_draft_version(application: Application) -> None:
    """`_locked_draft` and a new version in one statement, for a change that needs
    nothing else from the locked row: the UPDATE takes the row lock and sees the state
    as it is once it has the lock."""
    raised = Application.objects.filter(pk=application.pk, state=ApplicationState.DRAFT).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not raised:
        raise ApplicationRefused(_("受付済みの申請は変更できません。"))


def _event(
    application: Application, kind: str, by: User | None, *, note: str = "", at: Any = None
) -> None:
    ApplicationEvent.objects.create(
        application=application, kind=kind, by=by, note=note, at=at or timezone.now()
    )


def member_addresses(application: Application) -> list[str]:
    if application.applicant_id is None:
        return []
    return list(
        User.objects.filter(
            applicant_membership__applicant_id=application.applicant_id, is_active=True
        ).values_list("email", flat=True)
    )


def _notify(application: Application, subject: str, body: str) -> None:
    addresses: Iterable[str] = member_addresses(application)
    if addresses:
        send_notice(subject, body, addresses)


def _send_receipt(application: Application) -> None:
    if application.is_waiting:
        money = _(
            "予算の上限に達しているため、待ち（補欠）として受け付けました。"
            "先に受け付けた申請の取下げ等で予算に空きが出た場合、受付順に繰り上がります。"
        )
    else:
        money = _("申請額の予算を確保しました。これから審査を行います。")
    _notify(
        application,
        _("【中小企業DX支援ポータル】申請を受け付けました（受付番号 %(number)s）")
        % {"number": application.receipt_number},
        _(
            "%(track)s\n受付番号: %(number)s\n受付日時: %(at)s\n\n%(money)s\n\n"
            "申請の状況はマイページでご確認いただけます。"
        )
        % {
            "track": application.track.title,
            "number": application.receipt_number,
            "at": timezone.localtime(application.received_at).strftime("%Y-%m-%d %H:%M:%S"),
            "money": money,
        },
    )


def _tell_applicant_of_message(application: Application) -> None:
    _notify(
        application,
        _("【中小企業DX支援ポータル】事務局からのメッセージ"),
        _(
            "「%(track)s」の申請について、事務局からメッセージが届いています。"
            "マイページでご確認ください。"
        )
        % {"track": application.track.title},
    )
