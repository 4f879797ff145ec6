"""The operator queue and logging calls, through the actions (R-OUT-1, -2, -5, -7)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from dxdesk.accounts.roles import Role
from dxdesk.funds.models import FundRequest, RequestState
from dxdesk.outreach.actions import (
    LEASE,
    CallReport,
    LeaseLost,
    claim_next_call,
    log_call,
    release_call,
)
from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, RouteState, TaskState
from dxdesk.outreach.playbook import playbook_for
from dxdesk.outreach.queries import call_screen, caps_reached
from dxdesk.outreach.tests.conftest import add_companies, make_campaign, tokyo
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db

MONDAY_10 = tokyo("2026-04-06T10:00")


def call(
    campaign: Campaign,
    operator: object,
    outcome: str,
    now: datetime.datetime,
    **report: object,
) -> CallTask:
    claim = claim_next_call(campaign, by=operator, now=now)  # type: ignore[arg-type]
    assert claim.task is not None, claim.reason
    log_call(
        claim.task,
        CallReport(outcome=outcome, duration_seconds=60, **report),  # type: ignore[arg-type]
        by=operator,  # type: ignore[arg-type]
        token=str(claim.task.lease_token),
        now=now + datetime.timedelta(minutes=3),
    )
    return CallTask.objects.get(pk=claim.task.pk)


def test_two_operators_never_get_the_same_company(campaign: Campaign) -> None:
    first, second = make_user(Role.OPERATOR), make_user(Role.OPERATOR)
    one = claim_next_call(campaign, by=first, now=MONDAY_10).task
    two = claim_next_call(campaign, by=second, now=MONDAY_10).task
    assert one is not None and two is not None
    assert one.pk != two.pk
    assert [one.pk, two.pk] == list(
        CallTask.objects.filter(campaign=campaign).order_by("id").values_list("pk", flat=True)[:2]
    )


def test_nobody_gets_a_call_outside_calling_hours(campaign: Campaign) -> None:
    operator = make_user(Role.OPERATOR)
    for moment, reason in [
        ("2026-04-04T10:00", "outside_hours"),  # Saturday
        ("2026-04-29T10:00", "outside_hours"),  # 昭和の日
        ("2026-04-06T12:30", "outside_hours"),  # lunch, between bands
        ("2026-04-06T18:00", "outside_hours"),
        ("2026-03-31T10:00", "not_started"),  # before the campaign starts
    ]:
        claim = claim_next_call(campaign, by=operator, now=tokyo(moment))
        assert (claim.task, claim.reason) == (None, reason), moment


def test_an_unanswered_company_is_retried_on_another_day_in_another_band(
    campaign: Campaign,
) -> None:
    operator = make_user(Role.OPERATOR)
    task = call(campaign, operator, "no_answer", MONDAY_10)
    assert task.state == TaskState.RETRY
    assert task.attempts == 1
    assert task.due_at == tokyo("2026-04-07T13:00")
    # Later on Monday the other companies come, never this one again.
    offered = set()
    for _ in range(4):
        claim = claim_next_call(campaign, by=operator, now=tokyo("2026-04-06T16:00"))
        assert claim.task is not None
        offered.add(claim.task.pk)
        release_call(claim.task, by=operator, token=str(claim.task.lease_token))
        CallTask.objects.filter(pk=claim.task.pk).update(state=TaskState.REACHED, due_at=None)
    assert task.pk not in offered
    # Tuesday morning is the band already tried; Tuesday afternoon is its turn.
    assert claim_next_call(campaign, by=operator, now=tokyo("2026-04-07T10:00")).task is None
    claim = claim_next_call(campaign, by=operator, now=tokyo("2026-04-07T13:05"))
    assert claim.task is not None and claim.task.pk == task.pk


def test_three_unanswered_attempts_close_the_company_as_fuzai_for_good(sapporo: Program) -> None:
    add_companies(1)
    campaign = make_campaign(sapporo)
    operator = make_user(Role.OPERATOR)
    task = call(campaign, operator, "no_answer", tokyo("2026-04-06T10:00"))
    task = call(campaign, operator, "busy", tokyo("2026-04-07T13:10"))
    assert task.state == TaskState.RETRY and task.band_mask == 0b100
    # Wednesday is 4/8; Thursday 4/9 afternoon would also do, but not the morning.
    assert claim_next_call(campaign, by=operator, now=tokyo("2026-04-08T10:00")).task is None
    task = call(campaign, operator, "person_absent", tokyo("2026-04-08T15:30"))
    assert task.state == TaskState.FUZAI
    assert task.due_at is None and task.attempts == 3
    attempts = list(CallAttempt.objects.filter(task=task))
    assert len({a.called_at.date() for a in attempts}) == 3
    assert {a.band for a in attempts} == {0, 1, 2}
    for moment in ("2026-04-09T10:00", "2026-04-10T13:30", "2026-04-13T16:00"):
        assert claim_next_call(campaign, by=operator, now=tokyo(moment)).reason == "empty"


def test_a_callback_promised_for_a_time_comes_first_and_uses_no_attempt(
    campaign: Campaign,
) -> None:
    operator = make_user(Role.OPERATOR)
    promised = tokyo("2026-04-07T14:00")
    task = call(
        campaign,
        operator,
        "callback",
        MONDAY_10,
        person_reached="総務 佐藤様",
        callback_at=promised,
    )
    assert (task.state, task.attempts, task.due_at) == (TaskState.CALLBACK, 0, promised)
    # Before the promised time it is not offered; at the time it comes before the rest.
    early = claim_next_call(campaign, by=operator, now=tokyo("2026-04-07T13:30")).task
    assert early is not None and early.pk != task.pk
    on_time = claim_next_call(campaign, by=operator, now=tokyo("2026-04-07T14:01")).task
    assert on_time is not None and on_time.pk == task.pk
    # Nobody answering the promised call does not use up an attempt either.
    log_call(
        on_time,
        CallReport(outcome="no_answer"),
        by=operator,
        token=str(on_time.lease_token),
        now=tokyo("2026-04-07T14:03"),
    )
    task.refresh_from_db()
    assert (task.state, task.attempts) == (TaskState.RETRY, 0)
    assert task.due_at is not None and task.due_at.date() == datetime.date(2026, 4, 8)


def test_an_expired_lease_returns_the_company_and_the_old_token_no_longer_saves(
    campaign: Campaign,
) -> None:
    first, second = make_user(Role.OPERATOR), make_user(Role.OPERATOR)
    held = claim_next_call(campaign, by=first, now=MONDAY_10).task
    assert held is not None
    later = MONDAY_10 + LEASE + datetime.timedelta(seconds=1)
    taken = claim_next_call(campaign, by=second, now=later).task
    assert taken is not None and taken.pk == held.pk
    with pytest.raises(LeaseLost):
        log_call(held, CallReport(outcome="no_answer"), by=first, token=str(held.lease_token))
    assert CallAttempt.objects.count() == 0


def test_a_late_save_is_kept_while_nobody_else_took_the_company(campaign: Campaign) -> None:
    operator = make_user(Role.OPERATOR)
    held = claim_next_call(campaign, by=operator, now=MONDAY_10).task
    assert held is not None
    logged = log_call(
        held,
        CallReport(outcome="no_answer"),
        by=operator,
        token=str(held.lease_token),
        now=MONDAY_10 + datetime.timedelta(minutes=40),
    )
    assert logged.attempt.called_at == MONDAY_10  # the time the company was handed out
    assert logged.attempt.duration_seconds == 40 * 60  # blank: the time the screen was open


def test_asking_for_the_next_call_hands_back_the_one_held(campaign: Campaign) -> None:
    operator = make_user(Role.OPERATOR)
    first = claim_next_call(campaign, by=operator, now=MONDAY_10).task
    second = claim_next_call(campaign, by=operator, now=MONDAY_10).task
    assert first is not None and second is not None and first.pk != second.pk
    assert CallTask.objects.filter(holder=operator).count() == 1
    again = claim_next_call(campaign, by=make_user(Role.OPERATOR), now=MONDAY_10).task
    assert again is not None and again.pk == first.pk


def test_the_database_allows_one_lease_per_company(sapporo: Program) -> None:
    add_companies(1)
    one = make_campaign(sapporo, title="一巡目")
    two = make_campaign(sapporo, title="再掲")
    first, second = make_user(Role.OPERATOR), make_user(Role.OPERATOR)
    assert claim_next_call(one, by=first, now=MONDAY_10).task is not None
    # The same company in another campaign is passed over while it is held.
    assert claim_next_call(two, by=second, now=MONDAY_10).reason == "empty"
    task = CallTask.objects.get(campaign=two)
    task.take_lease(second, __import__("uuid").uuid4(), MONDAY_10, MONDAY_10 + LEASE)
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()


def test_a_company_put_on_the_do_not_call_list_is_never_offered(campaign: Campaign) -> None:
    banned = Company.objects.order_by("id").first()
    assert banned is not None
    Company.objects.filter(pk=banned.pk).update(do_not_call=True)
    operator = make_user(Role.OPERATOR)
    claim = claim_next_call(campaign, by=operator, now=MONDAY_10)
    assert claim.task is not None and claim.task.company_id != banned.pk
    assert CallTask.objects.get(campaign=campaign, company=banned).state == TaskState.DO_NOT_CALL


def test_a_company_on_the_list_when_the_campaign_is_made_is_counted_but_not_called(
    sapporo: Program,
) -> None:
    add_companies(2)
    Company.objects.filter(name__endswith="002").update(do_not_call=True)
    campaign = make_campaign(sapporo)
    states = dict(CallTask.objects.values_list("company__name", "state"))
    assert states == {"株式会社テスト001": "untouched", "株式会社テスト002": "do_not_call"}
    assert campaign.task_count == 2


def test_a_refusal_puts_the_company_on_the_do_not_call_list(campaign: Campaign) -> None:
    task = call(campaign, make_user(Role.OPERATOR), "do_not_call", MONDAY_10)
    assert task.state == TaskState.REFUSED
    assert Company.objects.get(pk=task.company_id).do_not_call


def test_a_wrong_number_closes_the_company_without_a_contact(campaign: Campaign) -> None:
    task = call(campaign, make_user(Role.OPERATOR), "invalid_number", MONDAY_10)
    assert task.state == TaskState.CLOSED
    assert not CallAttempt.objects.get(task=task).reached


def test_this_programme_lands_in_the_phase1_intake_through_the_ledger(
    campaign: Campaign,
) -> None:
    task = call(
        campaign,
        make_user(Role.OPERATOR),
        "this_programme",
        MONDAY_10,
        person_reached="代表 山田様",
        needs="今年度中に勤怠管理のITツールを入れたい",
    )
    assert (task.state, task.route_state) == (TaskState.REACHED, RouteState.RESERVED)
    request = FundRequest.objects.get(subject=f"outreach.calltask:{task.pk}")
    assert request.state == RequestState.RESERVED and task.fund_request_id == request.pk
    phase1 = campaign.program.tracks.get(name="phase1").cap.fund
    phase1.refresh_from_db()
    assert phase1.reserved == 1


def test_when_the_cap_is_full_the_company_waits_and_the_script_switches(
    campaign: Campaign,
) -> None:
    phase1 = campaign.program.tracks.get(name="phase1").cap.fund
    phase1.reserved = phase1.limit  # the 460 places are taken
    phase1.save(update_fields=["reserved"])
    playbook = playbook_for(campaign)
    assert caps_reached(campaign, playbook) == {"phase1"}
    operator = make_user(Role.OPERATOR)
    claim = claim_next_call(campaign, by=operator, now=MONDAY_10)
    assert claim.task is not None
    screen = call_screen(claim.task, playbook)
    assert screen.cap_reached and screen.script is not None
    assert screen.script.code == "cap_reached"
    logged = log_call(
        claim.task,
        CallReport(outcome="this_programme", person_reached="山田様"),
        by=operator,
        token=str(claim.task.lease_token),
        now=MONDAY_10,
    )
    assert logged.task.route_state == RouteState.WAITING
    assert logged.fund_request is not None and logged.fund_request.state == RequestState.WAITING


def test_the_standard_script_is_used_while_there_is_room(campaign: Campaign) -> None:
    operator = make_user(Role.OPERATOR)
    claim = claim_next_call(campaign, by=operator, now=MONDAY_10)
    assert claim.task is not None
    screen = call_screen(claim.task, playbook_for(campaign))
    assert not screen.cap_reached and screen.script is not None
    assert screen.script.code == "standard"
    assert screen.script_missing  # the client has not supplied the text yet


def test_the_foundation_referral_is_recorded(campaign: Campaign) -> None:
    task = call(campaign, make_user(Role.OPERATOR), "foundation", MONDAY_10, person_reached="専務")
    assert (task.state, task.route_state) == (TaskState.REACHED, RouteState.REFERRED)
    assert FundRequest.objects.count() == 0


def _shaped_campaign(program: Program, title: str) -> list[CallTask]:
    """Twelve companies in every lane, some due and some not, at Tuesday 10:00 (band 0)."""
    from dxdesk.outreach.models import CallTask as Task

    first = Company.objects.count() + 1
    for number in range(first, first + 12):
        Company.objects.create(name=f"{title}{number}", phone=f"011-300-{number:04d}")
    campaign = make_campaign(
        program, title=title, companies=Company.objects.filter(name__startswith=title)
    )
    tasks = list(Task.objects.filter(campaign=campaign).order_by("id"))
    monday = tokyo("2026-04-06T09:30")
    shapes = [
        ("untouched", 0, None),
        ("retry", 0b001, tokyo("2026-04-07T09:30")),  # only band 0 is left
        ("retry", 0b011, tokyo("2026-04-07T09:30")),
        ("callback", 0, tokyo("2026-04-07T09:45")),  # promised for before 10:00: due
        ("untouched", 0, None),
        ("retry", 0b110, tokyo("2026-04-07T13:00")),  # not in the morning
        ("retry", 0b001, tokyo("2026-04-07T09:30")),
        ("callback", 0, tokyo("2026-04-07T14:00")),  # not yet
        ("reached", 0, None),
        ("retry", 0b011, monday),  # due since Monday: first among its lane
        ("untouched", 0, None),
        ("retry", 0b001, tokyo("2026-04-08T09:30")),  # tomorrow
    ]
    for task, (state, mask, due) in zip(tasks, shapes, strict=True):
        task.state = state
        task.band_mask = mask
        if state == "reached":
            task.due_at = None
        elif due is not None:
            task.due_at = due
        task.save(update_fields=["state", "band_mask", "due_at"])
    return tasks


def _claim_order(campaign_tasks: list[CallTask]) -> list[int]:
    campaign = campaign_tasks[0].campaign
    positions = {task.pk: index for index, task in enumerate(campaign_tasks)}
    order = []
    while True:
        claim = claim_next_call(
            campaign, by=make_user(Role.OPERATOR), now=tokyo("2026-04-07T10:00")
        )
        if claim.task is None:
            return order
        order.append(positions[claim.task.pk])


EXPECTED_ORDER = [3, 0, 4, 10, 1, 6, 9, 2]  # callback, untouched, band 0 only, then 0 or 1


def test_the_lanes_are_served_in_order(sapporo: Program) -> None:
    assert _claim_order(_shaped_campaign(sapporo, "順序")) == EXPECTED_ORDER


def test_the_careful_path_serves_the_lanes_in_the_same_order(
    sapporo: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dxdesk.outreach import actions

    monkeypatch.setattr(actions, "_claim_by_statement", lambda *args: None)
    assert _claim_order(_shaped_campaign(sapporo, "慎重")) == EXPECTED_ORDER
