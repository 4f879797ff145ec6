"""Read-only questions about the registry that other apps ask."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from dxdesk.registry.matching import find_duplicates, records_from_registry, street_key
from dxdesk.registry.models import CandidateState, Company, DuplicateCandidate


@dataclass(frozen=True)
class ProbableDuplicate:
    """Another stored company that 名寄せ says is probably the same as the one asked about."""

    company: Company
    score: float
    reason: str


def probable_duplicates_of(company: Company) -> list[ProbableDuplicate]:
    """The current companies 名寄せ matches with `company`, best first.

    For the review guard: before recommending an application, look for applications and
    past grants of these companies too (R-REG-4: no double application, no double
    payment). Pairs a person decided are "not the same" are left out; companies merged
    into `company` need no looking up, since their rows now belong to it.
    """
    street = street_key(company.address_key)
    neighbours = Q(name_key=company.name_key)
    for key in ("corporate_number", "phone_key", "kana_key"):
        value = getattr(company, key)
        if value:
            neighbours |= Q(**{key: value})
    if company.ward and street[-1:].isdigit():
        # The ward's index narrows the substring search to one ward.
        neighbours |= Q(ward=company.ward, address_key__contains=street)
    rows = Company.objects.filter(Q(pk=company.pk) | (Q(merged_into__isnull=True) & neighbours))
    records = records_from_registry(rows)
    position = records.identifiers.index(str(company.pk))
    found: dict[int, tuple[float, str]] = {}
    for first, second, score, reason in find_duplicates(records):
        if position in (first, second):
            other = int(records.identifiers[second if first == position else first])
            found[other] = (score, reason)
    decided_apart = _not_the_same_as(company.pk, set(found))
    companies = Company.objects.in_bulk(set(found) - decided_apart)
    duplicates = [ProbableDuplicate(companies[pk], *found[pk]) for pk in companies]
    return sorted(duplicates, key=lambda duplicate: (-duplicate.score, duplicate.company.pk))


def _not_the_same_as(company_id: int, others: set[int]) -> set[int]:
    if not others:
        return set()
    pairs = DuplicateCandidate.objects.filter(state=CandidateState.NOT_SAME).filter(
        Q(first_id=company_id, second_id__in=others) | Q(second_id=company_id, first_id__in=others)
    )
    return {
        second if first == company_id else first
        for first, second in pairs.values_list("first_id", "second_id")
    }
