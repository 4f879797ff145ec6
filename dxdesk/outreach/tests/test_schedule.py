"""The calling calendar and the retry rules, without a database (R-OUT-1, 000 §5(1)イ)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxdesk.outreach.schedule import TOKYO, Attempt, Calendar, CallSchedule, band_mask, bands_of

BANDS = (
    (datetime.time(9, 30), datetime.time(12, 0)),
    (datetime.time(13, 0), datetime.time(15, 0)),
    (datetime.time(15, 0), datetime.time(17, 30)),
)
SCHEDULE = CallSchedule(attempts=3, bands=BANDS)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TOKYO)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_weekends_are_not_business_days() -> None:
    calendar = Calendar()
    assert calendar.is_business_day(day("2026-04-03"))  # Friday
    assert not calendar.is_business_day(day("2026-04-04"))  # Saturday
    assert not calendar.is_business_day(day("2026-04-05"))  # Sunday


def test_japanese_public_holidays_are_skipped() -> None:
    calendar = Calendar()
    assert not calendar.is_business_day(day("2026-04-29"))  # 昭和の日
    assert not calendar.is_business_day(day("2026-05-06"))  # 振替休日
    assert calendar.next_business_day(day("2026-05-01")) == day("2026-05-07")


def test_the_year_end_closure_runs_from_the_29th_to_the_3rd() -> None:
    calendar = Calendar()
    assert calendar.is_business_day(day("2026-12-28"))
    for closed in ("2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"):
        assert not calendar.is_business_day(day(closed)), closed
    assert calendar.next_business_day(day("2026-12-28")) == day("2027-01-04")


def test_closures_from_the_programme_file_are_skipped() -> None:
    calendar = Calendar(closed_days=frozenset({day("2026-04-07")}))
    assert calendar.next_business_day(day("2026-04-06")) == day("2026-04-08")


def test_a_moment_belongs_to_the_band_it_falls_in() -> None:
    assert SCHEDULE.band_at(at("2026-04-06T09:30")) == 0
    assert SCHEDULE.band_at(at("2026-04-06T11:59")) == 0
    assert SCHEDULE.band_at(at("2026-04-06T12:30")) is None  # lunch
    assert SCHEDULE.band_at(at("2026-04-06T15:00")) == 2
    assert SCHEDULE.band_at(at("2026-04-06T17:30")) is None
    assert SCHEDULE.band_at(at("2026-04-04T10:00")) is None  # Saturday
    assert SCHEDULE.band_at(at("2026-04-29T10:00")) is None  # holiday


def test_a_band_is_read_in_tokyo_time_whatever_the_timezone_given() -> None:
    utc = datetime.datetime(2026, 4, 6, 1, 0, tzinfo=datetime.UTC)  # 10:00 in Tokyo
    assert SCHEDULE.band_at(utc) == 0


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        SCHEDULE.band_at(datetime.datetime(2026, 4, 6, 10, 0))


def test_a_retry_comes_on_the_next_business_day_in_an_untried_band() -> None:
    first = Attempt(at("2026-04-06T10:00"), 0)
    slot = SCHEDULE.next_slot([first], after=first.at)
    assert slot is not None
    assert slot.starts_at == at("2026-04-07T13:00")  # not Monday, not the morning
    assert slot.bands == {1, 2}


def test_a_retry_after_friday_skips_the_weekend() -> None:
    first = Attempt(at("2026-04-03T16:00"), 2)
    slot = SCHEDULE.next_slot([first], after=first.at)
    assert slot is not None and slot.starts_at == at("2026-04-06T09:30")
    assert slot.bands == {0, 1}


def test_a_retry_before_golden_week_waits_for_it_to_end() -> None:
    first = Attempt(at("2026-05-01T10:00"), 0)
    slot = SCHEDULE.next_slot([first], after=first.at)
    assert slot is not None and slot.starts_at.date() == day("2026-05-07")


def test_a_retry_on_the_28th_of_december_waits_for_the_new_year() -> None:
    first = Attempt(at("2026-12-28T10:00"), 0)
    slot = SCHEDULE.next_slot([first], after=first.at)
    assert slot is not None and slot.starts_at == at("2027-01-04T13:00")


def test_the_third_attempt_goes_to_the_band_left() -> None:
    attempts = [Attempt(at("2026-04-06T10:00"), 0), Attempt(at("2026-04-07T16:00"), 2)]
    slot = SCHEDULE.next_slot(attempts, after=attempts[-1].at)
    assert slot is not None
    assert slot.bands == {1}
    assert slot.starts_at == at("2026-04-08T13:00")


def test_after_the_third_counted_attempt_the_company_is_closed_as_fuzai() -> None:
    attempts = [
        Attempt(at("2026-04-06T10:00"), 0),
        Attempt(at("2026-04-07T13:30"), 1),
        Attempt(at("2026-04-08T16:00"), 2),
    ]
    assert SCHEDULE.next_slot(attempts, after=attempts[-1].at) is None


def test_once_every_band_was_tried_any_band_will_do() -> None:
    schedule = CallSchedule(attempts=5, bands=BANDS)
    attempts = [
        Attempt(at("2026-04-06T10:00"), 0),
        Attempt(at("2026-04-07T13:30"), 1),
        Attempt(at("2026-04-08T16:00"), 2),
    ]
    slot = schedule.next_slot(attempts, after=attempts[-1].at)
    assert slot is not None and slot.bands == {0, 1, 2}
    assert slot.starts_at == at("2026-04-09T09:30")


def test_the_same_day_is_allowed_when_the_programme_says_so() -> None:
    schedule = CallSchedule(attempts=3, bands=BANDS, different_day=False)
    first = Attempt(at("2026-04-06T10:00"), 0)
    slot = schedule.next_slot([first], after=first.at)
    assert slot is not None and slot.starts_at == at("2026-04-06T13:00")


def test_retry_lanes_put_the_most_constrained_first() -> None:
    assert SCHEDULE.retry_masks_for(1) == [0b010, 0b011, 0b110, 0b111]
    assert bands_of(band_mask({0, 2})) == {0, 2}


business_moments = st.builds(
    lambda offset, band, minute: (offset, band, minute),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=2),
    st.integers(min_value=0, max_value=119),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(business_moments, min_size=1, max_size=1), st.randoms(use_true_random=False))
def test_three_retries_always_use_three_days_and_three_bands(
    start: list[tuple[int, int, int]], rng: object
) -> None:
    """Whatever the first call, following the slots gives distinct days and bands."""
    offset, band, minute = start[0]
    calendar = SCHEDULE.calendar
    first_day = calendar.next_business_day(day("2026-03-31") + datetime.timedelta(days=offset))
    begin, _end = SCHEDULE.band_window(first_day, band)
    attempts = [Attempt(begin + datetime.timedelta(minutes=minute), band)]
    while True:
        slot = SCHEDULE.next_slot(attempts, after=attempts[-1].at)
        if slot is None:
            break
        chosen = rng.choice(sorted(slot.bands))  # type: ignore[attr-defined]
        window_start, _ = SCHEDULE.band_window(slot.starts_at.date(), chosen)
        moment = max(window_start, slot.starts_at)
        # Calls may also come on a later day than the first one allowed.
        moment += datetime.timedelta(days=rng.choice([0, 0, 1]))  # type: ignore[attr-defined]
        while SCHEDULE.band_at(moment) != chosen:
            moment += datetime.timedelta(days=1)
        attempts.append(Attempt(moment, chosen))
    assert len(attempts) == 3
    assert len({attempt.at.date() for attempt in attempts}) == 3
    assert len({attempt.band for attempt in attempts}) == 3
    assert all(SCHEDULE.calendar.is_business_day(a.at.date()) for a in attempts)
