from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.grants.models import Applicant, ApplicantMember
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import parse_definition
from dxdesk.programs.models import Track
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.models import Company
from dxdesk.testing import client_for, make_user

DEMO_PROGRAMME = Path(__file__).resolve().parents[2] / "demo" / "programmes" / "demo-dx-grant.toml"


def open_grant_track(
    *, limit_yen: int | None = 3_000_000, opens_in_days: int = -1, more_form: str = ""
) -> Track:
    """The demo programme's grant track with intake open around today (its dates moved,
    as the client would set them) and a pool of `limit_yen`; `more_form` is TOML
    appended to the file (more `[[tracks.demo_grant.form]]` fields)."""
    today = timezone.localdate()
    text = DEMO_PROGRAMME.read_text(encoding="utf-8") + more_form
    text = text.replace(
        "intake_opens = 2026-04-01",
        f"intake_opens = {today + datetime.timedelta(days=opens_in_days)}",
    )
    text = text.replace(
        "intake_closes = 2027-03-31", f"intake_closes = {today + datetime.timedelta(days=60)}"
    )
    limit = '{ placeholder = "client to fill" }' if limit_yen is None else str(limit_yen)
    text = text.replace("limit_yen = 3_000_000", f"limit_yen = {limit}")
    load_program(parse_definition(text, source="demo-dx-grant.toml"))
    return Track.objects.select_related("pool__fund").get(
        program__code="demo-dx-grant", name="demo_grant"
    )


@pytest.fixture
def grant_track(db: None) -> Track:
    return open_grant_track()


def make_applicant(name: str, serial: int) -> tuple[User, Applicant]:
    """An applicant user acting for a registry company with a valid 法人番号."""
    number = make_corporate_number(f"{serial:012d}")
    company = Company(name=name, corporate_number=number, address="札幌市中央区北1条西2丁目")
    company.save()
    user = make_user(Role.APPLICANT)
    applicant = Applicant.objects.create(name=name, corporate_number=number, company=company)
    ApplicantMember.objects.create(user=user, applicant=applicant, is_manager=True)
    return user, applicant


@pytest.fixture
def applicant_a(db: None) -> tuple[User, Applicant]:
    return make_applicant("株式会社エーテック", 1001)


@pytest.fixture
def applicant_b(db: None) -> tuple[User, Applicant]:
    return make_applicant("ビー商事株式会社", 2002)


def sample_pdf(size: int = 2_000) -> bytes:
    body = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    padding = b"% " + b"x" * max(0, size - len(body) - 40) + b"\n"
    return body + padding + b"trailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"


def pdf_upload(name: str = "見積書.pdf", size: int = 2_000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf(size), content_type="application/pdf")


FILLED = {"tool_name": "クラウド会計", "eligible_cost": "1,200,000", "purpose": "経理の電子化"}

# The demo track's 振込先口座 as an applicant types it: みずほ 東京営業部, 普通, full-width
# katakana with a small ッ and a long vowel that the 全銀 file cannot take as they are.
ACCOUNT_NUMBER = "7654321"
TRANSFER_ACCOUNT = {
    "transfer_account_bank": "0001",
    "transfer_account_branch": "001",
    "transfer_account_type": "1",
    "transfer_account_number": ACCOUNT_NUMBER,
    "transfer_account_holder": "カ）エーテック",
}
HOLDER_AS_STORED = "ｶ)ｴ-ﾃﾂｸ"


def fill_and_attach(
    client: Client, application_id: int, answers: dict[str, str] | None = None
) -> None:
    """Fill the demo track's form and attach both required documents, as a person would."""
    base = f"/my/applications/{application_id}/"
    response = client.post(base + "edit/", {**(answers or FILLED), "save": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    for code in ("quotation", "city_tax_certificate"):
        response = client.post(
            base + "attachments/", {"code": code, "upload": pdf_upload(f"{code}.pdf")}
        )
        assert response.status_code == 302, response.content.decode()[:3000]


ClientFactory = Callable[[User], Client]


@pytest.fixture
def signed_in() -> ClientFactory:
    return client_for
