"""Restricted answers (R-SEC-1, field level): the 振込先口座 is checked as a 全銀 transfer
file needs it, shown in full only to the roles of RESTRICTED_DATA and to the applicant,
masked (口座番号 ****321) to every other staff role, and every full view is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import RESTRICTED_DATA, Role
from dxdesk.audit.models import AuditEvent
from dxdesk.grants.models import STAFF_KEYERS, STAFF_READERS, Applicant, Application, Channel
from dxdesk.grants.tests.conftest import (
    ACCOUNT_NUMBER,
    FILLED,
    HOLDER_AS_STORED,
    TRANSFER_ACCOUNT,
    fill_and_attach,
    open_grant_track,
)
from dxdesk.programs.models import Track
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

STAFF = [role for role in Role.values if role != Role.APPLICANT]
MASKED_NUMBER = "****321"

TAX_FIELD = """
[[tracks.demo_grant.form]]
code = "tax_office"
label = "所轄税務署"
type = "text"
required = false
restricted = "tax"
"""
TAX_OFFICE = "札幌北税務署"


def submitted(client: Client, track: Track, answers: dict[str, str] | None = None) -> Application:
    """An application the applicant filled in with its account and submitted."""
    response = client.post(f"/my/start/{track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    fill_and_attach(client, application_id, answers or {**FILLED, **TRANSFER_ACCOUNT})
    version = Application.objects.get(pk=application_id).version
    response = client.post(f"/my/applications/{application_id}/submit/", {"version": version})
    assert response["Location"] == f"/my/applications/{application_id}/", response["Location"]
    return Application.objects.get(pk=application_id)


def last_view_of(application: Application) -> AuditEvent:
    return AuditEvent.objects.filter(
        action="view", object_type="grants.application", object_id=str(application.pk)
    ).latest("sequence")


def assert_masked(page: str) -> None:
    assert ACCOUNT_NUMBER not in page
    assert HOLDER_AS_STORED not in page and "ｴ-ﾃﾂｸ" not in page
    assert MASKED_NUMBER in page
    assert "みずほ（0001） 東京営業部（001）" in page  # the bank and branch may show


def assert_in_full(page: str) -> None:
    assert ACCOUNT_NUMBER in page
    assert HOLDER_AS_STORED in page
    assert MASKED_NUMBER not in page


# -- checking what is typed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"transfer_account_bank": "9999"}, "銀行コード「9999」の金融機関は見つかりません。"),
        ({"transfer_account_bank": "12"}, "銀行コードは4桁の数字で入力してください。"),
        ({"transfer_account_branch": "999"}, "支店コード「999」はみずほの支店にありません。"),
        ({"transfer_account_number": "65432"}, "口座番号は7桁です（入力は5桁）。"),
        ({"transfer_account_holder": "山田太郎"}, "口座名義は通帳の表記どおりカタカナで"),
        ({"transfer_account_type": "9"}, "預金種目（普通・当座・貯蓄）を選んでください。"),
        ({"transfer_account_holder": ""}, "口座名義を入力してください。"),
    ],
)
def test_it_refuses_a_wrong_account_naming_the_field_and_what_is_wrong(
    grant_track, applicant_a, typed: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = int(client.post(f"/my/start/{grant_track.pk}/")["Location"].split("/")[3])
    response = client.post(
        f"/my/applications/{application_id}/edit/",
        {**FILLED, **TRANSFER_ACCOUNT, **typed, "save": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The message stands under the field's own label, after its error anchor.
    error = page.split('id="id_transfer_account_error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert "補助金の振込先口座" in page.split('id="id_transfer_account_error">', 1)[0][-3000:]
    assert Application.objects.get(pk=application_id).answers == {}


def test_it_stores_the_account_as_a_zengin_transfer_file_takes_it(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = int(client.post(f"/my/start/{grant_track.pk}/")["Location"].split("/")[3])
    typed = {
        "transfer_account_bank": "０００９",
        "transfer_account_branch": " 001 ",
        "transfer_account_type": "2",
        "transfer_account_number": "０１２３４５６",
        "transfer_account_holder": "やまだ　しょうてん（ゆ",
    }
    response = client.post(
        f"/my/applications/{application_id}/edit/", {**FILLED, **typed, "save": ""}
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=application_id).answers["transfer_account"] == {
        "bank_code": "0009",
        "bank_name": "三井住友",
        "branch_code": "001",
        "branch_name": "神保町",
        "account_type": "2",
        "account_number": "0123456",
        "holder": "ﾔﾏﾀﾞ ｼﾖｳﾃﾝ(ﾕ",
    }


def test_a_draft_may_leave_the_account_out_but_not_half_filled(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = int(client.post(f"/my/start/{grant_track.pk}/")["Location"].split("/")[3])
    base = f"/my/applications/{application_id}/edit/"
    assert client.post(base, {**FILLED, "save": ""}).status_code == 302
    assert "transfer_account" not in Application.objects.get(pk=application_id).answers
    response = client.post(base, {**FILLED, "transfer_account_bank": "0001", "save": ""})
    page = response.content.decode()
    assert "支店コードは3桁の数字で入力してください。" in page
    assert "口座番号を入力してください。" in page


# -- who sees what ------------------------------------------------------------------------


def test_each_staff_role_sees_the_account_masked_or_in_full_as_restricted_data_says(
    grant_track, applicant_a
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    application = submitted(client_for(user), grant_track)
    for role in STAFF:
        response = client_for(make_user(role)).get(f"/staff/applications/{application.pk}/")
        page = response.content.decode()
        if role not in STAFF_READERS:
            assert response.status_code == 403, role
            assert ACCOUNT_NUMBER not in page and MASKED_NUMBER not in page, role
        elif role in RESTRICTED_DATA["bank"]:
            assert response.status_code == 200, role
            assert_in_full(page)
        else:
            assert response.status_code == 200, role
            assert_masked(page)
    assert {Role.FINANCE, Role.SUPERVISOR} == RESTRICTED_DATA["bank"]


def test_other_restricted_kinds_are_withheld_outright(applicant_a) -> None:  # type: ignore[no-untyped-def]
    track = open_grant_track(more_form=TAX_FIELD)
    user, _applicant = applicant_a
    application = submitted(
        client_for(user), track, {**FILLED, **TRANSFER_ACCOUNT, "tax_office": TAX_OFFICE}
    )
    for role in STAFF_READERS:
        page = client_for(make_user(role)).get(f"/staff/applications/{application.pk}/")
        answers = page.content.decode().split('<dl class="facts">')[2].split("</dl>")[0]
        if role in RESTRICTED_DATA["tax"]:
            assert TAX_OFFICE in answers, role
        else:
            assert TAX_OFFICE not in answers, role
            assert "<dt>所轄税務署</dt><dd>（閲覧権限がないため表示しません）</dd>" in answers, role


def test_the_applicant_sees_its_own_account_in_full(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application = submitted(client, grant_track)
    assert_in_full(client.get(f"/my/applications/{application.pk}/").content.decode())
    assert last_view_of(application).fields == ["transfer_account"]


def test_a_full_view_is_audited_with_the_fields_it_showed(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    application = submitted(client_for(user), grant_track)
    finance = make_user(Role.FINANCE)
    assert client_for(finance).get(f"/staff/applications/{application.pk}/").status_code == 200
    event = last_view_of(application)
    assert (event.user_id, event.role, event.fields) == (
        finance.pk,
        Role.FINANCE,
        ["transfer_account"],
    )
    # A masked view is audited too, without the field it did not show.
    desk = make_user(Role.DESK)
    assert client_for(desk).get(f"/staff/applications/{application.pk}/").status_code == 200
    event = last_view_of(application)
    assert (event.user_id, event.fields) == (desk.pk, [])


# -- keying in by staff -------------------------------------------------------------------


def keyed_in_draft(applicant: Applicant) -> Application:
    """A phoned-in application the desk keyed in with the company's account."""
    desk = client_for(make_user(Role.DESK))
    track = Track.objects.get(program__code="demo-dx-grant")
    response = desk.post(
        f"/staff/applications/key-in/{applicant.company_id}/",
        {"track": track.pk, "channel": Channel.PHONE},
    )
    application = Application.objects.get()
    assert response["Location"] == f"/staff/applications/{application.pk}/edit/"
    response = desk.post(
        f"/staff/applications/{application.pk}/edit/",
        {**FILLED, **TRANSFER_ACCOUNT, "save": ""},
    )
    assert response.status_code == 302
    return Application.objects.get()


def test_keying_staff_see_the_account_masked_or_in_full_on_the_form_and_confirmation(
    grant_track, applicant_a
) -> None:  # type: ignore[no-untyped-def]
    _user, applicant = applicant_a
    application = keyed_in_draft(applicant)
    base = f"/staff/applications/{application.pk}/"
    for role in STAFF_KEYERS:
        staff: User = make_user(role)
        client = client_for(staff)
        for page_name in ("edit/", "confirm/"):
            response = client.get(base + page_name)
            assert response.status_code == 200, (role, page_name)
            page = response.content.decode()
            if role in RESTRICTED_DATA["bank"]:
                assert_in_full(page)
                event = last_view_of(application)
                assert (event.user_id, event.fields) == (staff.pk, ["transfer_account"])
            else:
                assert_masked(page)
                seen = AuditEvent.objects.filter(user_id=staff.pk).values_list("fields", flat=True)
                assert all(fields == [] for fields in seen), role


def test_a_masked_account_left_empty_on_the_form_is_kept(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    _user, applicant = applicant_a
    application = keyed_in_draft(applicant)
    stored = application.answers["transfer_account"]
    desk = client_for(make_user(Role.DESK))
    form = desk.get(f"/staff/applications/{application.pk}/edit/").content.decode()
    assert f"登録済み: みずほ（0001） 東京営業部（001） 普通 {MASKED_NUMBER}" in form
    response = desk.post(
        f"/staff/applications/{application.pk}/edit/",
        {**FILLED, "purpose": "経理と請求の電子化", "save": ""},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["purpose"] == "経理と請求の電子化"
    assert application.answers["transfer_account"] == stored
    # A new account typed in replaces it.
    response = desk.post(
        f"/staff/applications/{application.pk}/edit/",
        {**FILLED, **TRANSFER_ACCOUNT, "transfer_account_number": "1111111", "save": ""},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["transfer_account"]["account_number"] == "1111111"
