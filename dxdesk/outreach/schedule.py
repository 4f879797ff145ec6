"""When a company may be called: business days, time-of-day bands and the retry rules.

Pure and free of Django and the database, so every rule is tested on its own (R-OUT-1,
000 §5(1)イ). A business day is a weekday that is not a Japanese public holiday
(jpholiday), not in the 12/29–1/3 year-end closure and not a closure the programme
file lists. A retry comes on a later business day than the call before it and, while
one is left, in a band no counted attempt has used; after the last counted attempt the
company is closed as 不在 (`next_slot` returns None).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import jpholiday

from dxdesk.lib.dates import TOKYO

Band = tuple[datetime.time, datetime.time]

# Far enough to cross any run of holidays and closures; a calendar closed for longer
# than this is a mistake in the programme file, not a schedule.
_SEARCH_DAYS = 366


def is_year_end_closure(day: datetime.date) -> bool:
    """12/29 to 1/3: the government offices' year-end closure (年末年始)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


@dataclass(frozen=True)
class Calendar:
    closed_days: frozenset[datetime.date] = frozenset()

    def is_business_day(self, day: datetime.date) -> bool:
        return (
            day.weekday() < 5
            and not jpholiday.is_holiday(day)
            and not is_year_end_closure(day)
            and day not in self.closed_days
        )

    def next_business_day(self, day: datetime.date) -> datetime.date:
        """The first business day strictly after `day`."""
        for offset in range(1, _SEARCH_DAYS):
            candidate = day + datetime.timedelta(days=offset)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError(f"no business day within a year after {day}")

    def business_days(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """Business days from `first` to `last`, both included."""
        days = []
        day = first
        while day <= last:
            if self.is_business_day(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days


@dataclass(frozen=True)
class Attempt:
    """An earlier counted attempt: when it was made and in which band (None: outside)."""

    at: datetime.datetime
    band: int | None


@dataclass(frozen=True)
class Slot:
    """The earliest moment a retry may be made and the bands it may be made in."""

    starts_at: datetime.datetime
    bands: frozenset[int]

    @property
    def band_mask(self) -> int:
        return band_mask(self.bands)


def band_mask(bands: Iterable[int]) -> int:
    mask = 0
    for band in bands:
        mask |= 1 << band
    return mask


def bands_of(mask: int) -> frozenset[int]:
    return frozenset(index for index in range(mask.bit_length()) if mask >> index & 1)


@dataclass(frozen=True)
class CallSchedule:
    attempts: int
    bands: tuple[Band, ...]
    calendar: Calendar = field(default_factory=Calendar)
    different_day: bool = True
    different_band: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a campaign needs at least one attempt")
        if not self.bands:
            raise ValueError("a campaign needs at least one time-of-day band")

    @property
    def all_bands(self) -> frozenset[int]:
        return frozenset(range(len(self.bands)))

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        if moment.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; pass an aware datetime")
        return moment.astimezone(TOKYO)

    def band_at(self, moment: datetime.datetime) -> int | None:
        """The band `moment` falls in on a business day; None outside calling hours."""
        local = self.local(moment)
        if not self.calendar.is_business_day(local.date()):
            return None
        clock = local.time()
        for index, (start, end) in enumerate(self.bands):
            if start <= clock < end:
                return index
        return None

    def band_window(
        self, day: datetime.date, band: int
    ) -> tuple[datetime.datetime, datetime.datetime]:
        start, end = self.bands[band]
        return (
            datetime.datetime.combine(day, start, tzinfo=TOKYO),
            datetime.datetime.combine(day, end, tzinfo=TOKYO),
        )

    def allowed_bands(self, attempts: Sequence[Attempt]) -> frozenset[int]:
        """Bands a retry may use: the untried ones while any is left, else all of them."""
        if not self.different_band:
            return self.all_bands
        tried = {attempt.band for attempt in attempts if attempt.band is not None}
        untried = self.all_bands - tried
        return untried or self.all_bands

    def is_exhausted(self, attempts: Sequence[Attempt]) -> bool:
        return len(attempts) >= self.attempts

    def next_slot(self, attempts: Sequence[Attempt], *, after: datetime.datetime) -> Slot | None:
        """Where the next retry may go, given the counted attempts so far; None: 不在.

        `after` is the moment of the latest call (counted or not): a retry never falls on
        its business day when the rules ask for a different day.
        """
        if self.is_exhausted(attempts):
            return None
        allowed = self.allowed_bands(attempts)
        local = self.local(after)
        if self.different_day:
            day = self.calendar.next_business_day(local.date())
        elif self.calendar.is_business_day(local.date()):
            day = local.date()
        else:
            day = self.calendar.next_business_day(local.date())
        for _ in range(_SEARCH_DAYS):
            for band in sorted(allowed, key=lambda index: self.bands[index][0]):
                start, end = self.band_window(day, band)
                if end > local:
                    return Slot(starts_at=max(start, local), bands=allowed)
            day = self.calendar.next_business_day(day)
        raise ValueError(f"no calling slot within a year after {after}")

    def retry_masks_for(self, band: int) -> list[int]:
        """Every band set that admits `band`, the most constrained first.

        The operator queue looks for retries in these sets in this order, so a company
        that can only be called in this band is not pushed aside by one that could also
        be called later in the day.
        """
        masks = [mask for mask in range(1, 1 << len(self.bands)) if mask >> band & 1]
        return sorted(masks, key=lambda mask: (bin(mask).count("1"), mask))
