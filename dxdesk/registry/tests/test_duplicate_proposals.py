"""名寄せ proposals: saved by the command, warned about after an import, asked by the review."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from dxdesk.accounts.roles import Role
from dxdesk.registry.actions import run_import_job
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.duplicates import propose_import_duplicates
from dxdesk.registry.importing import read_table
from dxdesk.registry.merging import mark_not_same, merge_companies
from dxdesk.registry.models import CandidateState, Company, DuplicateCandidate, ImportJob
from dxdesk.registry.queries import probable_duplicates_of
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

NUMBER = make_corporate_number("430001066666")
OTHER_NUMBER = make_corporate_number("430001055555")


def stored(name: str, **fields: object) -> Company:
    company = Company(name=name, **fields)
    company.save()
    return company


@pytest.fixture
def registry() -> dict[str, Company]:
    return {
        "tech": stored(
            "株式会社サッポロテック", address="札幌市中央区北1条西2丁目1-1", phone="011-211-2111"
        ),
        "food": stored(
            "豊平食品有限会社", address="札幌市豊平区平岸3条5丁目2-3", phone="011-820-1234"
        ),
        # The same name in another ward is another company.
        "namesake": stored(
            "豊平食品有限会社", address="札幌市北区北7条西5丁目8", phone="011-700-1111"
        ),
    }


def write_list(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["管理番号", "商号又は名称", "所在地", "電話番号"])
        writer.writerows(rows)
    return path


NEW_LIST = [
    # The registry's サッポロテック again, written another way.
    ["N1", "サッポロテック（株）", "札幌市中央区北一条西二丁目1番1号", "011-211-2111"],
    # 豊平食品 again, with its phone only.
    ["N2", "(有)豊平食品", "", "011-820-1234"],
    ["N3", "株式会社まったく別", "札幌市西区琴似1条1丁目1-1", "011-611-0000"],
]


def run(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_saves_pairs_and_says_so(registry: dict[str, Company]) -> None:
    stored("サッポロテック（株）", address="札幌市中央区北1条西2丁目1-1", phone="011-211-2111")

    out, err = run("dedupe_companies", "--registry", "--save")

    assert out.splitlines()[0] == "company_id,name,other_company_id,other_name,score,reason"
    assert len(out.splitlines()) == 2
    assert "保存: 新規 1 組" in err and "/staff/companies/duplicates/" in err
    candidate = DuplicateCandidate.objects.get()
    assert candidate.first_id == registry["tech"].pk
    assert candidate.reason == "名称・電話番号・住所が一致"


def test_without_save_the_command_writes_nothing(registry: dict[str, Company]) -> None:
    stored("サッポロテック（株）", address="札幌市中央区北1条西2丁目1-1", phone="011-211-2111")
    run("dedupe_companies", "--registry")
    assert not DuplicateCandidate.objects.exists()


def test_save_needs_the_registry() -> None:
    with pytest.raises(CommandError, match="--save"):
        run("dedupe_companies", "--input", "list.csv", "--save")


def test_a_merged_company_is_no_longer_compared(registry: dict[str, Company]) -> None:
    twin = stored(
        "サッポロテック（株）", address="札幌市中央区北1条西2丁目1-1", phone="011-211-2111"
    )
    merge_companies(registry["tech"], twin, by=make_user(Role.SUPERVISOR))
    out, _err = run("dedupe_companies", "--registry")
    assert len(out.splitlines()) == 1  # the header alone


def test_the_import_command_warns_about_probable_duplicates(
    registry: dict[str, Company], tmp_path: Path
) -> None:
    path = write_list(tmp_path / "list.csv", NEW_LIST)

    out, _err = run("import_companies", str(path))

    assert (
        "名寄せ: 取り込んだ 2 社に重複の可能性があります（確認: /staff/companies/duplicates/）"
        in out
    )
    imported = {company.ref: company.pk for company in Company.objects.exclude(ref="")}
    pairs = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    assert pairs == {
        (registry["tech"].pk, imported["N1"]),
        (registry["food"].pk, imported["N2"]),
    }


def test_a_small_import_into_a_large_registry_reads_only_the_neighbours(
    registry: dict[str, Company], tmp_path: Path
) -> None:
    for number in range(20):
        stored(f"株式会社無関係{number:02d}", phone=f"011-900-{number:04d}")
    path = write_list(tmp_path / "list.csv", NEW_LIST)

    out, _err = run("import_companies", str(path))

    assert "取り込んだ 2 社に重複の可能性があります" in out
    assert DuplicateCandidate.objects.count() == 2
    # The two registry companies the list repeats, the namesake sharing a name key, and
    # the three imported: not the twenty unrelated ones.
    since = Company.objects.get(ref="N1").updated_at
    assert propose_import_duplicates(since).compared == 6


def test_re_importing_the_same_list_warns_about_nothing_new(
    registry: dict[str, Company], tmp_path: Path
) -> None:
    path = write_list(tmp_path / "list.csv", NEW_LIST)
    run("import_companies", str(path))
    out, _err = run("import_companies", str(path))
    # Nothing changed, so nothing was checked again; the pairs are still there to review.
    assert "取り込んだ企業に重複の可能性はありません" in out
    assert DuplicateCandidate.objects.count() == 2


def test_a_dry_run_checks_nothing(registry: dict[str, Company], tmp_path: Path) -> None:
    path = write_list(tmp_path / "list.csv", NEW_LIST)
    out, _err = run("import_companies", str(path), "--dry-run")
    assert "名寄せ" not in out
    assert not DuplicateCandidate.objects.exists()


def test_an_import_never_proposes_a_pair_decided_not_the_same(
    registry: dict[str, Company], tmp_path: Path
) -> None:
    run("import_companies", str(write_list(tmp_path / "list.csv", NEW_LIST)))
    supervisor = make_user(Role.SUPERVISOR)
    for candidate in DuplicateCandidate.objects.all():
        mark_not_same(candidate, by=supervisor)
    changed = [[ref, name, address, phone + " "] for ref, name, address, phone in NEW_LIST]
    changed[0][1] = "サッポロテック株式会社"  # the row changes, so the import touches it

    out, _err = run("import_companies", str(write_list(tmp_path / "again.csv", changed)))

    assert "取り込んだ企業に重複の可能性はありません" in out
    assert set(DuplicateCandidate.objects.values_list("state", flat=True)) == {
        CandidateState.NOT_SAME
    }


def test_the_web_import_shows_the_warning_with_a_link(
    registry: dict[str, Company],
    tmp_path: Path,
    django_capture_on_commit_callbacks: object,
) -> None:
    client: Client = client_for(make_user(Role.SUPERVISOR))
    path = write_list(tmp_path / "list.csv", NEW_LIST)
    with path.open("rb") as upload, django_capture_on_commit_callbacks(execute=False):  # type: ignore[operator]
        response = client.post("/staff/companies/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/staff/companies/import/{job.pk}/"
    # What the background thread runs once the upload is committed.
    run_import_job(job.pk, read_table(Path(job.stored_path)))

    page = client.get(f"/staff/companies/import/{job.pk}/").content.decode()

    job.refresh_from_db()
    assert job.duplicate_count == 2
    assert '<a href="/staff/companies/duplicates/">' in page
    assert "名寄せ: 取り込んだ 2 社に重複の可能性があります" in page


def test_the_review_guard_finds_the_other_records_of_a_company(
    registry: dict[str, Company],
) -> None:
    twin = stored(
        "サッポロテック（株）", address="札幌市中央区北一条西二丁目1番1号", phone="011-211-2111"
    )
    respelled = stored("さっぽろテック", address="札幌市中央区北1条西2丁目1-1")
    stranger = stored("株式会社サッポロ電機", phone="011-211-2111")

    found = probable_duplicates_of(registry["tech"])

    assert [duplicate.company for duplicate in found] == [twin, respelled]
    assert found[0].score == 1.0
    assert found[0].reason == "名称・電話番号・住所が一致"
    assert stranger not in [duplicate.company for duplicate in found]


def test_the_review_guard_trusts_different_corporate_numbers_over_the_name() -> None:
    company = stored("株式会社エイチ", corporate_number=NUMBER, phone="011-555-0001")
    stored("株式会社エイチ", corporate_number=OTHER_NUMBER, phone="011-555-0001")
    same_number_unknown = stored("エイチ株式会社", phone="011-555-0001")

    found = probable_duplicates_of(company)

    assert [duplicate.company for duplicate in found] == [same_number_unknown]


def test_the_review_guard_leaves_out_pairs_decided_not_the_same(
    registry: dict[str, Company],
) -> None:
    twin = stored(
        "サッポロテック（株）", address="札幌市中央区北1条西2丁目1-1", phone="011-211-2111"
    )
    run("dedupe_companies", "--registry", "--save")
    mark_not_same(DuplicateCandidate.objects.get(), by=make_user(Role.SUPERVISOR))
    assert probable_duplicates_of(registry["tech"]) == []
    assert probable_duplicates_of(twin) == []


def test_the_review_guard_ignores_merged_companies(registry: dict[str, Company]) -> None:
    twin = stored(
        "サッポロテック（株）", address="札幌市中央区北1条西2丁目1-1", phone="011-211-2111"
    )
    merge_companies(registry["tech"], twin, by=make_user(Role.SUPERVISOR))
    assert probable_duplicates_of(registry["tech"]) == []
