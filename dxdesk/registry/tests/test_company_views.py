from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.roles import Role
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.models import Company
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

NUMBER = make_corporate_number("430001099999")


@pytest.fixture
def companies() -> dict[str, Company]:
    made = {
        "tech": Company(
            name="株式会社サッポロテック",
            name_kana="サッポロテック",
            corporate_number=NUMBER,
            address="北海道札幌市中央区北一条西二丁目1番地 大通ビル3F",
            phone="011-211-2111",
            industry_code="G391",
            capital_yen=10_000_000,
            employees=12,
        ),
        "food": Company(
            name="豊平食品（有）",
            name_kana="トヨヒラショクヒン",
            address="北海道札幌市豊平区平岸3条5丁目2-3",
            phone="011-820-1234",
            industry_code="E",
            capital_yen=3_000_000,
            employees=25,
        ),
        "shop": Company(
            name="藻岩商店",
            name_kana="モイワショウテン",
            sole_proprietor=True,
            address="北海道札幌市南区川沿5条2丁目",
            phone="090-1234-5678",
            industry_code="I58",
            employees=3,
        ),
    }
    for company in made.values():
        company.save()
    return made


def search(query: str, **filters: str) -> list[str]:
    client = client_for(make_user(Role.OPERATOR))
    response = client.get("/staff/companies/", {"q": query, **filters})
    assert response.status_code == 200
    return [company.name for company in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query",
    [
        "サッポロテック",
        "(株)サッポロテック",
        "㈱ｻｯﾎﾟﾛﾃｯｸ",
        "さっぽろてっく",
        "サッポロテック株式会社",
        "サッポロ テック",
    ],
)
def test_it_finds_a_company_by_its_name_written_any_way(
    companies: dict[str, Company], query: str
) -> None:
    assert search(query) == ["株式会社サッポロテック"]


def test_it_finds_by_kana(companies: dict[str, Company]) -> None:
    assert search("とよひら") == ["豊平食品（有）"]


def test_it_finds_by_corporate_number(companies: dict[str, Company]) -> None:
    assert search(NUMBER) == ["株式会社サッポロテック"]


@pytest.mark.parametrize(
    "query", ["011-820-1234", "０１１（８２０）１２３４", "0118201234", "+81 11 820 1234"]
)
def test_it_finds_by_phone_in_any_format(companies: dict[str, Company], query: str) -> None:
    assert search(query) == ["豊平食品（有）"]


def test_it_finds_by_address_written_with_other_numerals(companies: dict[str, Company]) -> None:
    assert search("中央区北1条西2-1") == ["株式会社サッポロテック"]


def test_it_filters_by_ward_industry_and_size(companies: dict[str, Company]) -> None:
    assert search("", ward="南区") == ["藻岩商店"]
    assert search("", industry="E") == ["豊平食品（有）"]
    assert search("", size="small") == ["藻岩商店"]


def test_the_list_page_runs_a_fixed_number_of_queries(companies: dict[str, Company]) -> None:
    client = client_for(make_user(Role.SUPERVISOR))
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/companies/")
    for index in range(30):
        Company(name=f"株式会社テスト{index}", address="札幌市北区").save()
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/companies/")
    assert len(many) == len(few)


def test_the_detail_page_shows_contacts_and_the_sme_reason(companies: dict[str, Company]) -> None:
    company = companies["tech"]
    company.contacts.create(name="札幌 太郎", title="代表取締役", is_representative=True)
    response = client_for(make_user(Role.CLIENT)).get(f"/staff/companies/{company.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "札幌 太郎" in body
    assert company.size_reason and company.size_reason in body


def test_an_applicant_cannot_enter_the_registry(companies: dict[str, Company]) -> None:
    client = client_for(make_user(Role.APPLICANT))
    assert client.get("/staff/companies/").status_code == 403
    assert client.get(f"/staff/companies/{companies['tech'].pk}/").status_code == 403


def test_a_stranger_is_sent_to_sign_in(companies: dict[str, Company]) -> None:
    response = client_for(None).get("/staff/companies/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_staff_form_refuses_a_wrong_corporate_number_and_says_why() -> None:
    wrong = ("1" if NUMBER[0] != "1" else "2") + NUMBER[1:]
    client = client_for(make_user(Role.SUPERVISOR))
    response = client.post(
        "/staff/companies/new/", {"name": "株式会社テスト", "corporate_number": wrong}
    )
    assert response.status_code == 200
    assert "チェックデジット" in response.content.decode()
    assert not Company.objects.exists()


def test_the_staff_form_saves_a_company_with_its_keys() -> None:
    client = client_for(make_user(Role.SUPERVISOR))
    response = client.post(
        "/staff/companies/new/",
        {
            "name": "（株）北海ラボ",
            "corporate_number": NUMBER,
            "address": "札幌市北区北七条西五丁目",
            "phone": "011 700 0000",
        },
    )
    company = Company.objects.get()
    assert response.status_code == 302
    assert company.legal_form == "kabushiki"
    assert company.ward == "北区"
    assert company.phone_key == "0117000000"


def test_an_operator_may_read_but_not_edit(companies: dict[str, Company]) -> None:
    client = client_for(make_user(Role.OPERATOR))
    assert client.get(f"/staff/companies/{companies['tech'].pk}/edit/").status_code == 403
    assert client.post("/staff/companies/new/", {"name": "x"}).status_code == 403


def test_an_unknown_company_is_404_for_staff() -> None:
    assert client_for(make_user(Role.OPERATOR)).get("/staff/companies/999999/").status_code == 404


def test_a_two_character_query_still_finds_substrings(companies: dict[str, Company]) -> None:
    assert "豊平食品（有）" in search("食品")


def test_search_follows_a_renamed_company(companies: dict[str, Company]) -> None:
    company = companies["shop"]
    company.name = "藻岩ベーカリー"
    company.save()
    assert search("ベーカリー") == ["藻岩ベーカリー"]
    assert search("藻岩商店") == []


def test_a_broad_search_says_there_are_more_than_it_counted(
    companies: dict[str, Company], settings: object
) -> None:
    from dxdesk.lib.paging import CappedPaginator

    CappedPaginator.count_cap = 2
    try:
        client = client_for(make_user(Role.OPERATOR))
        body = client.get("/staff/companies/", {"q": "北海道"}).content.decode()
    finally:
        CappedPaginator.count_cap = 1000
    assert "2 件以上" in body
