"""名寄せ on the stored registry: propose pairs of companies for people to review.

`matching` decides which records are the same company; this module runs it over stored
companies and keeps its pairs as `DuplicateCandidate` rows for the review pages. A pair
already proposed is not proposed twice, and a pair someone decided is "not the same" (or
merged) is never proposed again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dxdesk.registry.matching import (
    CompanyRecords,
    Match,
    find_duplicates,
    paused_garbage_collection,
    records_from_registry,
)
from dxdesk.registry.models import CandidateState, Company, DuplicateCandidate, ImportJob

# Few enough parameters for one IN (...) on any database.
ID_CHUNK = 2_000


@dataclass
class Proposal:
    compared: int = 0  # companies read and compared
    found: int = 0  # pairs the engine found
    created: int = 0  # pairs proposed for the first time
    still_open: int = 0  # pairs already waiting for review
    decided_before: int = 0  # pairs decided earlier (not the same, merged): left alone
    companies: int = 0  # companies of interest in an open pair


def propose_registry_duplicates() -> tuple[CompanyRecords, list[Match], Proposal]:
    """Compare every current company with every other and keep the pairs to review."""
    with paused_garbage_collection():
        records = records_from_registry(Company.objects.current())
        matches = find_duplicates(records)
    return records, matches, save_candidates(records, matches)


def propose_import_duplicates(since: datetime.datetime) -> Proposal:
    """Pairs between the companies an import created or updated and the registry.

    A small import is compared with the companies sharing a stored key with it (法人番号,
    phone, name or reading), so the cost follows the size of the import, not of the
    registry; a pair found only through the street address (a typo in the name, no phone
    to back it up) then waits for the next `dedupe_companies --registry --save`. An
    import of a quarter of the registry or more meets most of it anyway, and reading the
    whole registry is then cheaper than finding the neighbours: it is compared in full.
    """
    recent = Q(updated_at__gte=since)
    current = Company.objects.current()
    sizes = current.aggregate(total=Count("pk"), recent=Count("pk", filter=recent))
    if not sizes["recent"]:
        return Proposal()
    compared = current
    if sizes["recent"] * 4 < sizes["total"]:
        compared = current.filter(_sharing_a_key(current.filter(recent)))
    with paused_garbage_collection():
        records = records_from_registry(compared, marked=recent)
        matches = find_duplicates(records)
    marked = records.marked
    matches = [match for match in matches if match.first in marked or match.second in marked]
    wanted = {records.identifiers[position] for position in marked}
    return save_candidates(records, matches, companies_of_interest=wanted)


def count_import_duplicates(job: ImportJob) -> int | None:
    """Propose the pairs a web import made; how many of its companies have one (None:
    a dry run wrote nothing to check)."""
    if job.dry_run:
        return None
    return propose_import_duplicates(job.created_at).companies


def _sharing_a_key(companies: QuerySet[Company]) -> Q:
    condition = Q(pk__in=companies.values("pk"))
    for key in ("corporate_number", "phone_key", "name_key", "kana_key"):
        # Subqueries, not lists: an import may hold 50,000 values of each.
        condition |= Q(**{f"{key}__in": companies.exclude(**{key: ""}).values(key)})
    return condition


def save_candidates(
    records: CompanyRecords,
    matches: Iterable[Match],
    *,
    companies_of_interest: set[str] | None = None,
) -> Proposal:
    """Keep each match as a pair to review, unless it is already kept or decided."""
    proposal = Proposal(compared=len(records))
    identifiers = records.identifiers
    found: dict[tuple[int, int], Match] = {}
    for match in matches:
        first, second = int(identifiers[match.first]), int(identifiers[match.second])
        found[(min(first, second), max(first, second))] = match
    proposal.found = len(found)
    existing = _existing_pairs({first for first, _second in found})
    new: list[DuplicateCandidate] = []
    refreshed: list[DuplicateCandidate] = []
    open_companies: set[int] = set()
    for pair, match in found.items():
        candidate = existing.get(pair)
        if candidate is None:
            new.append(
                DuplicateCandidate(
                    first_id=pair[0], second_id=pair[1], score=match.score, reason=match.reason
                )
            )
        elif candidate.state != CandidateState.OPEN:
            proposal.decided_before += 1
            continue
        else:
            proposal.still_open += 1
            if (candidate.score, candidate.reason) != (match.score, match.reason):
                candidate.score, candidate.reason = match.score, match.reason
                refreshed.append(candidate)
        open_companies.update(pair)
    with transaction.atomic():
        DuplicateCandidate.objects.bulk_create(new, batch_size=1_000)
        DuplicateCandidate.objects.bulk_update(refreshed, ["score", "reason"], batch_size=1_000)
    proposal.created = len(new)
    if companies_of_interest is None:
        proposal.companies = len(open_companies)
    else:
        proposal.companies = len({str(pk) for pk in open_companies} & companies_of_interest)
    return proposal


def _existing_pairs(firsts: set[int]) -> dict[tuple[int, int], DuplicateCandidate]:
    ordered = sorted(firsts)
    existing: dict[tuple[int, int], DuplicateCandidate] = {}
    for start in range(0, len(ordered), ID_CHUNK):
        chunk = ordered[start : start + ID_CHUNK]
        for candidate in DuplicateCandidate.objects.filter(first_id__in=chunk).only(
            "id", "first_id", "second_id", "state", "score", "reason"
        ):
            existing[(candidate.first_id, candidate.second_id)] = candidate
    return existing


def import_warning(count: int) -> str:
    """The line an import's result shows about probable duplicates."""
    if not count:
        return _("名寄せ: 取り込んだ企業に重複の可能性はありません")
    return _("名寄せ: 取り込んだ %(count)s 社に重複の可能性があります（確認: %(url)s）") % {
        "count": f"{count:,}",
        "url": reverse("registry:duplicate_list"),
    }


@dataclass(frozen=True)
class ComparedField:
    label: str
    left: str
    right: str
    differs: bool  # both filled in, and different once spelling is folded away


def side_by_side(left: Company, right: Company) -> list[ComparedField]:
    """The facts of two companies, line by line, for a person to compare."""

    def money(value: int | None) -> str:
        return f"{value:,} 円" if value is not None else ""

    def count(value: int | None) -> str:
        return f"{value:,} 人" if value is not None else ""

    def address(company: Company) -> str:
        postal = f"〒{company.postal_code} " if company.postal_code else ""
        return f"{postal}{company.address}" if company.address else postal.strip()

    lines = [
        (_("商号又は名称"), lambda c: c.name, lambda c: c.name_key),
        (_("フリガナ"), lambda c: c.name_kana, lambda c: c.kana_key if c.name_kana else ""),
        (_("法人番号"), lambda c: c.corporate_number, lambda c: c.corporate_number),
        (_("管理番号"), lambda c: c.ref, lambda c: c.ref),
        (_("所在地"), address, lambda c: c.address_key),
        (_("電話番号"), lambda c: c.phone_display, lambda c: c.phone_key or c.phone),
        (_("代表者"), lambda c: c.representative, lambda c: c.representative.replace(" ", "")),
        (_("メールアドレス"), lambda c: c.email, lambda c: c.email.lower()),
        (
            _("業種"),
            lambda c: " ".join(filter(None, [c.industry_code, c.industry_text])),
            lambda c: c.industry_code or c.industry_text,
        ),
        (_("資本金"), lambda c: money(c.capital_yen), lambda c: c.capital_yen),
        (_("従業員数"), lambda c: count(c.employees), lambda c: c.employees),
        (_("中小企業区分"), lambda c: c.get_size_class_display(), lambda c: c.size_class),
        (
            _("架電禁止"),
            lambda c: _("架電禁止") if c.do_not_call else "",
            lambda c: c.do_not_call or "",
        ),
    ]
    compared = []
    for label, shown, key in lines:
        left_key, right_key = key(left), key(right)
        differs = (
            left_key not in ("", None) and right_key not in ("", None) and left_key != right_key
        )
        compared.append(ComparedField(str(label), shown(left), shown(right), differs))
    return compared
