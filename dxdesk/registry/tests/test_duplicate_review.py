"""The 名寄せ review pages: pairs side by side, merge, "not the same", history and undo."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditEvent
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.models import (
    CandidateState,
    Company,
    CompanyMerge,
    Contact,
    DuplicateCandidate,
)
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

NUMBER = make_corporate_number("430001077777")
OTHER_NUMBER = make_corporate_number("430001088888")


def company(name: str, **fields: object) -> Company:
    made = Company(name=name, **fields)
    made.save()
    return made


@pytest.fixture
def pair() -> tuple[Company, Company]:
    """One company written twice: the first with a 法人番号, the second with more facts."""
    first = company(
        "株式会社サッポロテック",
        corporate_number=NUMBER,
        ref="SP001",
        address="北海道札幌市中央区北1条西2丁目1-1",
        phone="011-211-2111",
        capital_yen=10_000_000,
    )
    second = company(
        "サッポロテック（株）",
        name_kana="サッポロテック",
        ref="B-77",
        address="札幌市中央区北一条西二丁目1番1号 大通ビル3F",
        phone="011(211)2111",
        representative="札幌 太郎",
        employees=12,
        capital_yen=30_000_000,
        do_not_call=True,
    )
    first.contacts.create(name="受付 花子")
    second.contacts.create(name="札幌 太郎", is_representative=True)
    second.contacts.create(name="経理 次郎")
    return first, second


def propose() -> DuplicateCandidate:
    call_command("dedupe_companies", "--registry", "--save", stdout=_Sink(), stderr=_Sink())
    return DuplicateCandidate.objects.get()


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


@pytest.fixture
def supervisor() -> User:
    return make_user(Role.SUPERVISOR)


def test_the_list_shows_the_open_pairs_with_their_reason(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    propose()
    response = client_for(supervisor).get("/staff/companies/duplicates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "株式会社サッポロテック" in page and "サッポロテック（株）" in page
    assert "名称・電話番号・住所が一致" in page
    assert AuditEvent.objects.filter(
        object_type="registry.duplicatecandidate", action="view", rows=1
    ).exists()


def test_the_list_page_runs_a_fixed_number_of_queries(supervisor: User) -> None:
    for number in range(30):
        left = company(f"株式会社テスト{number:02d}", phone=f"011-300-{number:04d}")
        right = company(f"テスト{number:02d}株式会社", phone=f"011-300-{number:04d}")
        DuplicateCandidate.objects.create(
            first=left, second=right, score=0.8, reason="名称・電話番号が一致"
        )
    client = client_for(supervisor)
    client.get("/staff/companies/duplicates/")  # session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/companies/duplicates/")
    DuplicateCandidate.objects.filter(
        pk__in=list(DuplicateCandidate.objects.values_list("pk", flat=True)[:20])
    ).delete()
    with CaptureQueriesContext(connection) as fewer:
        response = client.get("/staff/companies/duplicates/")
    assert len(response.context["page"].object_list) == 10
    assert len(few) == len(fewer)


def test_the_pair_page_shows_both_companies_and_their_differences(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    candidate = propose()
    response = client_for(supervisor).get(f"/staff/companies/duplicates/{candidate.pk}/")
    assert response.status_code == 200
    fields = {field.label: field for field in response.context["fields"]}
    assert not fields["商号又は名称"].differs  # the legal form is folded away
    assert not fields["電話番号"].differs  # so is the punctuation
    assert fields["資本金"].differs
    assert fields["資本金"].left == "10,000,000 円"
    assert not fields["従業員数"].differs  # one side blank is a gap, not a difference
    counts = dict((title, (left, right)) for title, left, right in response.context["counts"])
    assert counts["連絡先"] == (1, 2)
    page = response.content.decode()
    assert "左を残して統合" in page and "別の企業" in page
    event = AuditEvent.objects.get(object_type="registry.duplicatecandidate", action="view")
    assert event.note == f"companies: {pair[0].pk}, {pair[1].pk}"


def test_merging_keeps_the_chosen_company_and_re_points_its_contacts(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    first, second = pair
    moved = sorted(second.contacts.values_list("pk", flat=True))
    candidate = propose()
    response = client_for(supervisor).post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": first.pk}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into == first
    assert sorted(first.contacts.values_list("name", flat=True)) == [
        "受付 花子",
        "札幌 太郎",
        "経理 次郎",
    ]
    # Blanks are filled, what the survivor had is kept, a refusal of calls holds.
    assert first.name_kana == "サッポロテック"
    assert first.representative == "札幌 太郎"
    assert first.employees == 12
    assert first.capital_yen == 10_000_000
    assert first.do_not_call is True
    assert first.ref == "SP001" and second.ref == "B-77"
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.MERGED
    assert candidate.decided_by == supervisor
    merge = CompanyMerge.objects.get()
    assert merge.record["relations"] == [
        {"relation": "registry.contact.company", "label": "連絡先", "ids": moved}
    ]
    events = AuditEvent.objects.filter(object_type="registry.company", action="change")
    assert {event.object_id for event in events} == {str(first.pk), str(second.pk)}
    survivor_event = events.get(object_id=str(first.pk))
    assert set(survivor_event.fields) == {"name_kana", "representative", "employees", "do_not_call"}
    assert f"企業 {second.pk} を企業 {first.pk} に統合" in survivor_event.note


def test_a_merged_company_leaves_the_registry_lists_and_search(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    first, second = pair
    candidate = propose()
    client = client_for(supervisor)
    client.post(f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": first.pk})
    listed = client.get("/staff/companies/", {"q": "サッポロテック"}).context["page"].object_list
    assert [found.pk for found in listed] == [first.pk]
    assert client.get(f"/staff/companies/{second.pk}/").status_code == 404
    assert not client.get("/staff/companies/duplicates/").context["page"].object_list


def test_the_survivor_may_take_the_merged_companys_corporate_number(supervisor: User) -> None:
    plain = company("藻岩商店", address="札幌市南区川沿5条2丁目3-4", phone="011-571-0001")
    numbered = company("藻岩商店", corporate_number=NUMBER, address="札幌市南区川沿5条2丁目3-4")
    candidate = propose()
    client_for(supervisor).post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": plain.pk}
    )
    plain.refresh_from_db()
    numbered.refresh_from_db()
    assert (plain.corporate_number, numbered.corporate_number) == (NUMBER, "")
    assert CompanyMerge.objects.get().record["taken"] == {"corporate_number": NUMBER}


def test_undo_puts_back_exactly_what_the_merge_moved(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    first, second = pair
    before = {
        c.pk: (c.name_kana, c.representative, c.employees, c.do_not_call, c.corporate_number)
        for c in Company.objects.all()
    }
    contacts_before = dict(Contact.objects.values_list("pk", "company_id"))
    candidate = propose()
    client = client_for(supervisor)
    client.post(f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": first.pk})
    later = first.contacts.create(name="統合後 三郎")  # added after the merge: stays put
    merge = CompanyMerge.objects.get()

    response = client.post(f"/staff/companies/duplicates/merges/{merge.pk}/undo/")

    assert response.status_code == 302
    after = {
        c.pk: (c.name_kana, c.representative, c.employees, c.do_not_call, c.corporate_number)
        for c in Company.objects.all()
    }
    assert after == before
    assert Company.objects.get(pk=second.pk).merged_into is None
    contacts_after = dict(Contact.objects.values_list("pk", "company_id"))
    assert contacts_after == {**contacts_before, later.pk: first.pk}
    merge.refresh_from_db()
    assert merge.undone_by == supervisor and merge.undone_at is not None
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.OPEN
    assert AuditEvent.objects.filter(note__contains=f"名寄せ統合 {merge.pk} を取消").count() == 2
    history = client.get("/staff/companies/duplicates/merges/").content.decode()
    assert "取消済み" in history


def test_undo_refuses_when_the_survivor_changed_a_filled_field(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    first, second = pair
    candidate = propose()
    client = client_for(supervisor)
    client.post(f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": first.pk})
    first.refresh_from_db()
    first.employees = 15
    first.save(update_fields=["employees"])
    merge = CompanyMerge.objects.get()

    response = client.post(f"/staff/companies/duplicates/merges/{merge.pk}/undo/", follow=True)

    assert "従業員数が変更されているため、取り消せません" in response.content.decode()
    merge.refresh_from_db()
    assert merge.undone_at is None
    assert Company.objects.get(pk=second.pk).merged_into_id == first.pk


def test_undo_twice_is_refused_clearly(pair: tuple[Company, Company], supervisor: User) -> None:
    candidate = propose()
    client = client_for(supervisor)
    client.post(f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": pair[1].pk})
    merge = CompanyMerge.objects.get()
    client.post(f"/staff/companies/duplicates/merges/{merge.pk}/undo/")
    response = client.post(f"/staff/companies/duplicates/merges/{merge.pk}/undo/", follow=True)
    assert "この統合はすでに取り消されています" in response.content.decode()


def test_not_the_same_is_remembered_and_never_proposed_again(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    candidate = propose()
    response = client_for(supervisor).post(f"/staff/companies/duplicates/{candidate.pk}/not-same/")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.NOT_SAME
    assert candidate.decided_by == supervisor

    again = propose()

    assert again.pk == candidate.pk and again.state == CandidateState.NOT_SAME
    assert DuplicateCandidate.objects.count() == 1
    assert (
        not client_for(supervisor).get("/staff/companies/duplicates/").context["page"].object_list
    )


def test_re_proposing_never_duplicates_an_open_pair(pair: tuple[Company, Company]) -> None:
    first = propose()
    second = propose()
    assert first.pk == second.pk
    assert DuplicateCandidate.objects.count() == 1


def test_a_pair_with_two_different_corporate_numbers_is_never_merged(supervisor: User) -> None:
    left = company("株式会社大通", corporate_number=NUMBER, phone="011-222-3333")
    right = company("株式会社大通", corporate_number=OTHER_NUMBER, phone="011-222-3333")
    candidate = DuplicateCandidate.objects.create(
        first=left, second=right, score=0.8, reason="名称・電話番号が一致"
    )
    response = client_for(supervisor).post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": left.pk}, follow=True
    )
    assert "法人番号が異なる" in response.content.decode()
    assert not CompanyMerge.objects.exists()
    assert Company.objects.get(pk=right.pk).merged_into is None


def test_a_survivor_outside_the_pair_is_refused(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    candidate = propose()
    stranger = company("株式会社ほかの会社")
    response = client_for(supervisor).post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/",
        {"survivor": stranger.pk},
        follow=True,
    )
    assert "二社のどちらかを選んでください" in response.content.decode()
    assert not CompanyMerge.objects.exists()


def test_a_decided_pair_cannot_be_merged_afterwards(
    pair: tuple[Company, Company], supervisor: User
) -> None:
    candidate = propose()
    client = client_for(supervisor)
    client.post(f"/staff/companies/duplicates/{candidate.pk}/not-same/")
    response = client.post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": pair[0].pk}, follow=True
    )
    assert "すでに「別の企業」と判断されています" in response.content.decode()
    assert not CompanyMerge.objects.exists()


def test_changes_are_post_only(pair: tuple[Company, Company], supervisor: User) -> None:
    candidate = propose()
    client = client_for(supervisor)
    assert client.get(f"/staff/companies/duplicates/{candidate.pk}/merge/").status_code == 405
    assert client.get(f"/staff/companies/duplicates/{candidate.pk}/not-same/").status_code == 405
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.OPEN


def test_changes_need_the_csrf_token(pair: tuple[Company, Company], supervisor: User) -> None:
    from django.test import Client

    candidate = propose()
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    response = client.post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": pair[0].pk}
    )
    assert response.status_code == 403
    assert not CompanyMerge.objects.exists()


@pytest.mark.parametrize(
    ("role", "may_read", "may_decide"),
    [
        (Role.OPERATOR, False, False),
        (Role.DESK, False, False),
        (Role.COACH, False, False),
        (Role.REVIEWER, True, False),
        (Role.FINANCE, False, False),
        (Role.SUPERVISOR, True, True),
        (Role.CLIENT, False, False),
        (Role.ADMIN, True, True),
        (Role.APPLICANT, False, False),
    ],
)
def test_who_may_read_and_decide(
    pair: tuple[Company, Company], role: str, may_read: bool, may_decide: bool
) -> None:
    candidate = propose()
    client = client_for(make_user(role))
    read = client.get(f"/staff/companies/duplicates/{candidate.pk}/")
    history = client.get("/staff/companies/duplicates/merges/")
    assert (read.status_code, history.status_code) == ((200, 200) if may_read else (403, 403))
    if may_read:
        # A reader who may not decide sees no buttons.
        assert ("左を残して統合" in read.content.decode()) is may_decide
    decided = client.post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": pair[0].pk}
    )
    assert decided.status_code == (302 if may_decide else 403)
    assert CompanyMerge.objects.exists() is may_decide
    if may_decide:
        undone = client.post(
            f"/staff/companies/duplicates/merges/{CompanyMerge.objects.get().pk}/undo/"
        )
        assert undone.status_code == 302
    else:
        assert (
            client.post(f"/staff/companies/duplicates/{candidate.pk}/not-same/").status_code == 403
        )


def test_a_stranger_is_sent_to_sign_in(pair: tuple[Company, Company]) -> None:
    response = client_for(None).get("/staff/companies/duplicates/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
