"""Calendar days as the secretariat counts them: in Asia/Tokyo."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of `day` and of the next one, in Tokyo: filter with >= start and < end."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=TOKYO)
    return start, start + datetime.timedelta(days=1)
