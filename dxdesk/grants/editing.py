"""The pages of one application, shared by the applicant (My Page) and by staff who key
in an application received by phone, mail or on paper (R-APP-6).

Each function takes an application the caller has already fetched through its access
rule; `Side` says which set of URLs and which wording to use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dxdesk.accounts.roles import shows_in_full
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.files.responses import file_response
from dxdesk.files.storage import UploadRefused
from dxdesk.funds.models import LedgerEntry
from dxdesk.grants import actions, intake
from dxdesk.grants.forms import AttachmentForm, MessageForm, WithdrawForm
from dxdesk.grants.models import Application


@dataclass(frozen=True)
class Side:
    prefix: str  # URL names: f"grants:{prefix}edit" …
    is_staff: bool

    @property
    def own(self) -> bool:
        """The applicant's side shows only its own applications (`visible_to`)."""
        return not self.is_staff

    def url(self, name: str, application: Application, *args: int) -> str:
        return reverse(f"grants:{self.prefix}{name}", args=[application.pk, *args])


APPLICANT_SIDE = Side("", is_staff=False)
STAFF_SIDE = Side("staff_", is_staff=True)


def _links(application: Application, side: Side) -> dict[str, str]:
    names = ("detail", "edit", "upload", "confirm", "submit", "withdraw", "message")
    return {name: side.url(name, application) for name in names}


def _attachment_rows(application: Application, side: Side, user: object) -> list[dict[str, object]]:
    uploaded = list(application.attachments.select_related("stored_file"))
    rows = []
    for item in application.track.definition.attachments:
        # Staff without the right to open this kind of data see that it was filed, no more.
        masked = not shows_in_full(user, item.restricted, own=side.own)
        files = [
            {
                "attachment": attachment,
                "download": side.url("download", application, attachment.pk),
                "remove": side.url("remove_attachment", application, attachment.pk),
            }
            for attachment in uploaded
            if attachment.code == item.code
        ]
        rows.append({"item": item, "files": files, "masked": masked})
    return rows


def detail_page(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    # A draft's page links to its form instead of showing the answers.
    answers = None
    if not application.is_draft:
        answers = intake.displayed_answers(
            application.track, application.answers, viewer=request.user, own=side.own
        )
    record_event(request, AuditAction.VIEW, application, fields=answers.in_full if answers else ())
    timeline = list(application.events.select_related("by"))
    promotions = []
    if application.fund_request_id:
        # Promotion from the waiting list is the ledger's event, shown in the timeline.
        promotions = list(
            LedgerEntry.objects.filter(
                request_id=application.fund_request_id, kind__in=["reserve", "release"]
            ).order_by("created_at")
        )
    context = {
        "application": application,
        "side": side,
        "links": _links(application, side),
        "answers": answers.rows if answers else [],
        "attachments": _attachment_rows(application, side, request.user),
        "timeline": timeline,
        "ledger_entries": promotions,
        "messages_list": list(application.messages.select_related("author")),
        "message_form": MessageForm(),
        "withdraw_form": WithdrawForm(),
        "waiting_position": application.waiting_position(),
        "intake": intake.intake_status(application.track),
        "deadline": intake.deadline_note(application.track),
    }
    return render(request, "grants/application_detail.html", context)


def edit_page(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    if not application.is_draft:
        return redirect(side.url("detail", application))
    form = _draft_form(request, application, side, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.save_draft(
            application,
            form.answers(),
            by=request.user,
            request=request,  # type: ignore[arg-type]
        )
        if "confirm" in request.POST:
            return redirect(side.url("confirm", application))
        messages.success(request, _("下書きを保存しました。"))
        return redirect(side.url("edit", application))
    return render(
        request, "grants/application_edit.html", _edit_context(request, application, side, form)
    )


def _draft_form(
    request: HttpRequest, application: Application, side: Side, data: object = None
) -> intake.ApplicationForm:
    return intake.draft_form(
        application.track,
        application.answers,
        viewer=request.user,
        own=side.own,
        data=data,  # type: ignore[arg-type]
    )


def _edit_context(
    request: HttpRequest,
    application: Application,
    side: Side,
    form: intake.ApplicationForm,
    upload_form: object = None,
) -> dict[str, object]:
    if not form.is_bound and form.in_full:
        # The inputs hold restricted answers as stored: record who saw which.
        record_event(request, AuditAction.VIEW, application, fields=form.in_full)
    choices = [(item.code, item.label) for item in application.track.definition.attachments]
    return {
        "application": application,
        "side": side,
        "links": _links(application, side),
        "form": form,
        "upload_form": upload_form or AttachmentForm(choices=choices),
        "attachments": _attachment_rows(application, side, request.user),
        "intake": intake.intake_status(application.track),
        "deadline": intake.deadline_note(application.track),
    }


def upload(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    choices = [(item.code, item.label) for item in application.track.definition.attachments]
    upload_form = AttachmentForm(request.POST, request.FILES, choices=choices)
    if upload_form.is_valid():
        try:
            actions.add_attachment(
                application,
                upload_form.cleaned_data["code"],
                upload_form.cleaned_data["upload"],
                by=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except (UploadRefused, actions.ApplicationRefused) as refusal:
            upload_form.add_error("upload", str(refusal))
        else:
            messages.success(request, _("書類を添付しました。"))
            return redirect(side.url("edit", application))
    context = _edit_context(
        request, application, side, _draft_form(request, application, side), upload_form
    )
    return render(request, "grants/application_edit.html", context, status=400)


def download(
    request: HttpRequest, application: Application, attachment_id: int, side: Side
) -> HttpResponse:
    attachment = get_object_or_404(
        application.attachments.select_related("stored_file"), pk=attachment_id
    )
    kinds = {item.code: item.restricted for item in application.track.definition.attachments}
    if not shows_in_full(request.user, kinds.get(attachment.code, ""), own=side.own):
        raise PermissionDenied
    record_event(
        request, AuditAction.DOWNLOAD, attachment, note=attachment.stored_file.original_name
    )
    return file_response(attachment.stored_file)


def remove_attachment(
    request: HttpRequest, application: Application, attachment_id: int, side: Side
) -> HttpResponse:
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    try:
        actions.remove_attachment(attachment, by=request.user, request=request)  # type: ignore[arg-type]
    except actions.ApplicationRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(side.url("edit", application))


def confirm_page(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    if not application.is_draft:
        return redirect(side.url("detail", application))
    problems = actions.submission_problems(application)
    amount = None if problems else intake.requested_amount(application.track, application.answers)
    answers = intake.displayed_answers(
        application.track, application.answers, viewer=request.user, own=side.own
    )
    record_event(request, AuditAction.VIEW, application, fields=answers.in_full)
    context = {
        "application": application,
        "side": side,
        "links": _links(application, side),
        "answers": answers.rows,
        "attachments": _attachment_rows(application, side, request.user),
        "problems": problems,
        "amount": amount,
        "intake": intake.intake_status(application.track),
    }
    return render(request, "grants/application_confirm.html", context)


def submit(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    if not application.is_draft:
        # A double click, a retry or the back button: the first receipt stands.
        return redirect(side.url("detail", application))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    problems = actions.submission_problems(application)
    if problems:
        messages.error(request, _("まだ提出できません。確認画面の不足項目をご確認ください。"))
        return redirect(side.url("confirm", application))
    try:
        received = actions.submit_application(
            application,
            version=version,
            by=request.user,
            request=request,  # type: ignore[arg-type]
        )
    except actions.ApplicationChanged as changed:
        messages.warning(request, str(changed))
        return redirect(side.url("confirm", application))
    except actions.ApplicationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(side.url("confirm", application))
    messages.success(request, receipt_message(received))
    return redirect(side.url("detail", received))


def receipt_message(application: Application) -> str:
    if application.is_waiting:
        return _(
            "受付番号 %(number)s で受け付けました。予算の上限に達しているため、"
            "待ち（補欠）の %(position)s 番目です。予算に空きが出た場合、受付順に繰り上がります。"
        ) % {"number": application.receipt_number, "position": application.waiting_position()}
    return _("受付番号 %(number)s で受け付けました。申請額の予算を確保しました。") % {
        "number": application.receipt_number
    }


def withdraw(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("取り下げるには確認欄にチェックを入れてください。"))
        return redirect(side.url("detail", application))
    actions.withdraw_application(
        application,
        by=request.user,
        reason=form.cleaned_data["reason"],
        request=request,  # type: ignore[arg-type]
    )
    messages.success(request, _("申請を取り下げました。"))
    return redirect(side.url("detail", application))


def message(request: HttpRequest, application: Application, side: Side) -> HttpResponse:
    form = MessageForm(request.POST)
    if form.is_valid():
        actions.post_message(
            application,
            form.cleaned_data["body"],
            by=request.user,  # type: ignore[arg-type]
            from_secretariat=side.is_staff,
            request=request,
        )
        messages.success(request, _("メッセージを送信しました。"))
    else:
        messages.error(request, _("メッセージを入力してください（4,000字以内）。"))
    return redirect(side.url("detail", application))
