"""名寄せ decisions: merge two stored companies into one, undo a merge, or say "not the same".

A merge re-points every row of every model that refers to a company — contacts, call
tasks, applications, whatever other apps add later — found through the model metadata, so
that no app has to be named here (the registry may not import them). Nothing is deleted:
the merged company stays, marked `merged_into`, out of every list, so that the merge can be
put back exactly as it was from its `CompanyMerge.record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.registry.models import CandidateState, Company, CompanyMerge, DuplicateCandidate

if TYPE_CHECKING:
    from django.http import HttpRequest

    from dxdesk.accounts.models import User

# The survivor's blank fields are filled from the merged company; what it has is never
# overwritten.
FILLED_FIELDS = (
    "name_kana",
    "postal_code",
    "address",
    "phone",
    "email",
    "representative",
    "industry_code",
    "industry_text",
    "capital_yen",
    "employees",
    "notes",
)
# Unique per company, so moved rather than copied: the merged company gives them up.
TAKEN_FIELDS = ("corporate_number", "ref")
# A refusal of calls recorded on either record holds for the company.
KEPT_IF_EITHER = ("do_not_call",)

# The merge bookkeeping itself points at companies and must stay where it is.
BOOKKEEPING_MODELS = (DuplicateCandidate, CompanyMerge)


class MergeRefused(Exception):
    """A merge or an undo that would break a rule; the message says which, for people."""


@dataclass(frozen=True)
class Relation:
    """A foreign key to Company on some model."""

    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    @property
    def title(self) -> str:
        if self.model is Company:
            return _("統合された企業")
        return str(self.model._meta.verbose_name)

    def rows(self) -> models.QuerySet[Any]:
        return self.model._base_manager.all()

    def rows_of(self, company: Company) -> models.QuerySet[Any]:
        return self.rows().filter(**{self.field.name: company})


def company_relations() -> list[Relation]:
    """Every foreign key to Company outside the merge bookkeeping, in a stable order.

    Hidden relations (related_name="+", as the call tasks have) count too, which
    `Company._meta.related_objects` leaves out; so do the rows of a many-to-many
    relation's own table, which is how such a relation is moved.
    """
    found = []
    for relation in Company._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        model: Any = relation.related_model
        if model not in BOOKKEEPING_MODELS:
            found.append(Relation(model, relation.field))  # type: ignore[union-attr, arg-type]
    return sorted(found, key=lambda relation: relation.key)


def relation_counts(companies: list[Company]) -> list[tuple[str, dict[int, int]]]:
    """For each relation, its title and how many rows each company has: what a merge moves."""
    ids = [company.pk for company in companies]
    counts = []
    for relation in company_relations():
        column = relation.field.name
        per_company = dict(
            relation.rows()
            .filter(**{f"{column}__in": ids})
            .order_by()
            .values_list(column)
            .annotate(count=models.Count("pk"))
            .values_list(column, "count")
        )
        counts.append((relation.title, per_company))
    return counts


# --- merging -------------------------------------------------------------------------------


def merge_companies(
    survivor: Company,
    merged: Company,
    *,
    by: User,
    candidate: DuplicateCandidate | None = None,
    request: HttpRequest | None = None,
) -> CompanyMerge:
    """Merge `merged` into `survivor` in one transaction, and record how to undo it.

    Raises MergeRefused, naming the relation and the row, when moving a row would break a
    unique rule (both companies in one call campaign, both with an application to one
    grant track…): nothing is changed then.
    """
    with transaction.atomic():
        survivor, merged = _lock_pair(survivor.pk, merged.pk)
        _check_mergeable(survivor, merged)
        if candidate is not None:
            candidate = _lock_open_candidate(candidate, {survivor.pk, merged.pk})
        moved = []
        for relation in company_relations():
            ids = sorted(relation.rows_of(merged).values_list("pk", flat=True))
            if not ids:
                continue
            _refuse_unique_clash(relation, ids, survivor)
            _move(relation, ids, survivor)
            moved.append({"relation": relation.key, "label": relation.title, "ids": ids})
        taken = {
            name: getattr(merged, name)
            for name in TAKEN_FIELDS
            if not getattr(survivor, name) and getattr(merged, name)
        }
        filled = {
            name: getattr(merged, name)
            for name in FILLED_FIELDS
            if _is_blank(survivor, name) and not _is_blank(merged, name)
        }
        filled |= {
            name: True
            for name in KEPT_IF_EITHER
            if getattr(merged, name) and not getattr(survivor, name)
        }
        # The merged company gives up its unique values before the survivor takes them.
        for name in taken:
            setattr(merged, name, "")
        merged.merged_into = survivor
        merged.save(update_fields=[*taken, "merged_into"])
        for name, value in (taken | filled).items():
            setattr(survivor, name, value)
        if taken or filled:
            survivor.save(update_fields=[*taken, *filled])
        merge = CompanyMerge.objects.create(
            survivor=survivor,
            merged=merged,
            candidate=candidate,
            record={"relations": moved, "filled": filled, "taken": taken},
            merged_by=by,
            merged_at=timezone.now(),
        )
        if candidate is not None:
            _decide(candidate, CandidateState.MERGED, by)
        summary = _moved_summary(moved)
        record_event(
            request or by,
            AuditAction.CHANGE,
            survivor,
            fields=[*taken, *filled],
            note=f"名寄せ統合 {merge.pk}: 企業 {merged.pk} を企業 {survivor.pk} に統合"
            f"（{summary}）",
        )
        record_event(
            request or by,
            AuditAction.CHANGE,
            merged,
            fields=["merged_into", *taken],
            note=f"名寄せ統合 {merge.pk}: 企業 {survivor.pk} に統合",
        )
    return merge


def _lock_pair(survivor_id: int, merged_id: int) -> tuple[Company, Company]:
    if survivor_id == merged_id:
        raise MergeRefused(_("同じ企業どうしは統合できません。"))
    found = Company.objects.select_for_update().in_bulk([survivor_id, merged_id])
    if len(found) != 2:
        raise MergeRefused(_("企業が見つかりません（削除された可能性があります）。"))
    return found[survivor_id], found[merged_id]


def _check_mergeable(survivor: Company, merged: Company) -> None:
    for company in (survivor, merged):
        if company.merged_into_id is not None:
            raise MergeRefused(
                _("「%(name)s」はすでに別の企業（ID %(other)s）に統合されています。")
                % {"name": company.name, "other": company.merged_into_id}
            )
    if (
        survivor.corporate_number
        and merged.corporate_number
        and survivor.corporate_number != merged.corporate_number
    ):
        raise MergeRefused(
            _("法人番号が異なる（%(first)s と %(second)s）ため、同じ企業として統合できません。")
            % {"first": survivor.corporate_number, "second": merged.corporate_number}
        )


def _lock_open_candidate(candidate: DuplicateCandidate, pair: set[int]) -> DuplicateCandidate:
    locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if {locked.first_id, locked.second_id} != pair:
        raise MergeRefused(_("この名寄せ候補の企業ではありません。"))
    if not locked.is_open:
        raise MergeRefused(
            _("この名寄せ候補はすでに「%(state)s」と判断されています。")
            % {"state": locked.get_state_display()}
        )
    return locked


def _is_blank(company: Company, name: str) -> bool:
    return getattr(company, name) in ("", None)


def _blank_value(name: str) -> Any:
    field = Company._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return False
    return None if field.null else ""


def _unique_sets(relation: Relation) -> list[tuple[list[str], Q | None, str]]:
    """The unique rules of the relation's model that involve the company column."""
    column = relation.field.name
    meta = relation.model._meta
    sets: list[tuple[list[str], Q | None, str]] = []
    if relation.field.unique:
        sets.append(([], None, column))
    for together in meta.unique_together:
        if column in together:
            sets.append(([name for name in together if name != column], None, "unique_together"))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and column in constraint.fields:
            others = [name for name in constraint.fields if name != column]
            sets.append((others, constraint.condition, constraint.name))
    return sets


def _refuse_unique_clash(relation: Relation, ids: list[int], target: Company) -> None:
    """Refuse, naming the row, if moving rows `ids` to `target` breaks a unique rule."""
    column = relation.field.name
    for others, condition, rule in _unique_sets(relation):
        rows = relation.rows() if condition is None else relation.rows().filter(condition)
        twins = rows.filter(**{column: target}, **{name: OuterRef(name) for name in others})
        clash = rows.filter(pk__in=ids).filter(Exists(twins)).first()
        if clash is None:
            continue
        meta = relation.model._meta
        names = {"model": meta.verbose_name, "row": clash, "id": clash.pk, "rule": rule}
        if others:
            names["shared"] = "・".join(_field_label(meta.get_field(name)) for name in others)
            raise MergeRefused(
                _(
                    "%(model)s「%(row)s」（ID %(id)s）を移せません：もう一方の企業にも"
                    "%(shared)sが同じ%(model)sがあります（%(rule)s）。先にどちらかを整理してください。"
                )
                % names
            )
        raise MergeRefused(
            _(
                "%(model)s「%(row)s」（ID %(id)s）を移せません：もう一方の企業にも"
                "%(model)sがあり、一社に一つまでです（%(rule)s）。"
            )
            % names
        )


def _field_label(field: Any) -> str:
    """A field's name for people; a foreign key left unnamed takes its model's name."""
    unnamed = field.verbose_name == field.name.replace("_", " ")
    if field.is_relation and unnamed:
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _move(relation: Relation, ids: list[int], target: Company) -> None:
    try:
        with transaction.atomic():
            relation.rows().filter(pk__in=ids).update(**{relation.field.name: target})
    except IntegrityError as error:
        # A rule the metadata does not show (a trigger, an expression index).
        raise MergeRefused(
            _("%(model)s を移せませんでした（データベースの制約: %(error)s）。")
            % {"model": relation.title, "error": error}
        ) from error


def _moved_summary(moved: list[dict[str, Any]]) -> str:
    if not moved:
        return "付け替えなし"
    return "、".join(f"{entry['label']} {len(entry['ids'])}件" for entry in moved)


def _decide(candidate: DuplicateCandidate, state: CandidateState, by: User | None) -> None:
    candidate.state = state
    candidate.decided_by = by
    candidate.decided_at = timezone.now() if by is not None else None
    candidate.save(update_fields=["state", "decided_by", "decided_at"])


# --- undoing -------------------------------------------------------------------------------


def undo_merge(
    merge: CompanyMerge, *, by: User, request: HttpRequest | None = None
) -> CompanyMerge:
    """Put back exactly the rows and fields the merge moved, in one transaction.

    Refuses (MergeRefused) when that is no longer possible: the survivor's filled fields
    were changed since, a moved row now belongs to a third company, or the survivor was
    itself merged later (undo that first). Rows deleted since are left out and named in
    the audit note.
    """
    with transaction.atomic():
        merge = CompanyMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.is_undone:
            raise MergeRefused(_("この統合はすでに取り消されています。"))
        found = Company.objects.select_for_update().in_bulk([merge.survivor_id, merge.merged_id])
        survivor, merged = found[merge.survivor_id], found[merge.merged_id]
        if survivor.merged_into_id is not None:
            raise MergeRefused(
                _(
                    "統合先の「%(name)s」がその後さらに企業（ID %(other)s）に統合されています。"
                    "先にその統合を取り消してください。"
                )
                % {"name": survivor.name, "other": survivor.merged_into_id}
            )
        filled: dict[str, Any] = merge.record.get("filled", {})
        taken: dict[str, Any] = merge.record.get("taken", {})
        changed = [
            name for name, value in (taken | filled).items() if getattr(survivor, name) != value
        ]
        if changed:
            labels = "、".join(_field_label(Company._meta.get_field(name)) for name in changed)
            raise MergeRefused(
                _("統合後に「%(name)s」の%(fields)sが変更されているため、取り消せません。")
                % {"name": survivor.name, "fields": labels}
            )
        relations = {relation.key: relation for relation in company_relations()}
        missing: list[str] = []
        for entry in merge.record.get("relations", []):
            relation = relations.get(entry["relation"])
            if relation is None:
                raise MergeRefused(
                    _("%(label)s の記録先（%(relation)s）が今はないため、取り消せません。")
                    % {"label": entry["label"], "relation": entry["relation"]}
                )
            missing += _move_back(relation, entry["ids"], survivor, merged)
        # The survivor gives up the unique values before the merged company takes them back.
        for name in taken | filled:
            setattr(survivor, name, _blank_value(name))
        if taken or filled:
            survivor.save(update_fields=[*taken, *filled])
        for name, value in taken.items():
            setattr(merged, name, value)
        merged.merged_into = None
        merged.save(update_fields=[*taken, "merged_into"])
        merge.undone_by = by
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
        if merge.candidate_id is not None:
            candidate = DuplicateCandidate.objects.select_for_update().get(pk=merge.candidate_id)
            if candidate.state == CandidateState.MERGED:
                _decide(candidate, CandidateState.OPEN, None)
        note = f"名寄せ統合 {merge.pk} を取消: 企業 {merged.pk} を企業 {survivor.pk} から分離"
        if missing:
            note += "（削除済みのため戻せなかった行: " + ", ".join(missing) + "）"
        record_event(
            request or by, AuditAction.CHANGE, survivor, fields=[*taken, *filled], note=note
        )
        record_event(
            request or by, AuditAction.CHANGE, merged, fields=["merged_into", *taken], note=note
        )
    return merge


def _move_back(relation: Relation, ids: list[int], survivor: Company, merged: Company) -> list[str]:
    """Move the recorded rows back to the merged company; the ids of rows deleted since."""
    rows = relation.rows().filter(pk__in=ids)
    elsewhere = rows.exclude(**{relation.field.name: survivor}).first()
    if elsewhere is not None:
        other = getattr(elsewhere, relation.field.attname)
        raise MergeRefused(
            _(
                "%(model)s「%(row)s」（ID %(id)s）は今は別の企業（ID %(other)s）に付いているため、"
                "取り消せません。"
            )
            % {"model": relation.title, "row": elsewhere, "id": elsewhere.pk, "other": other}
        )
    present = sorted(rows.values_list("pk", flat=True))
    _refuse_unique_clash(relation, present, merged)
    _move(relation, present, merged)
    return [f"{relation.key} {pk}" for pk in sorted(set(ids) - set(present))]


# --- not the same --------------------------------------------------------------------------


def mark_not_same(
    candidate: DuplicateCandidate, *, by: User, request: HttpRequest | None = None
) -> DuplicateCandidate:
    """Remember that the pair are two companies, so that 名寄せ never proposes it again."""
    with transaction.atomic():
        locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if not locked.is_open:
            raise MergeRefused(
                _("この名寄せ候補はすでに「%(state)s」と判断されています。")
                % {"state": locked.get_state_display()}
            )
        _decide(locked, CandidateState.NOT_SAME, by)
        record_event(
            request or by,
            AuditAction.CHANGE,
            locked,
            fields=["state"],
            note=f"名寄せ: 企業 {locked.first_id} と企業 {locked.second_id} は別の企業",
        )
    return locked


def merge_for(candidate: DuplicateCandidate, survivor_id: int) -> tuple[Company, Company]:
    """The (survivor, merged) pair of a candidate, keeping the company `survivor_id`."""
    if survivor_id == candidate.first_id:
        return candidate.first, candidate.second
    if survivor_id == candidate.second_id:
        return candidate.second, candidate.first
    raise MergeRefused(_("残す企業はこの名寄せ候補の二社のどちらかを選んでください。"))
