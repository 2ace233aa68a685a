"""UK bank holidays, from the copy of GOV.UK's list that the govuk-bank-holidays package
ships (never fetched at run time), and the whole local days they take out."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays

from scheduling.intervals import Interval, clip
from scheduling.recurrence import LONDON, local_instant


@functools.cache
def bank_holidays(division: str = "england-and-wales") -> frozenset[date]:
    """Bank holiday dates for one GOV.UK division: "england-and-wales", "scotland" or
    "northern-ireland".

    The bundled list covers the years GOV.UK had published when the package was released
    (in 0.19, 2012 to 2028); later dates are ordinary days until the package is upgraded.
    """
    if division not in BankHolidays.ALL_DIVISIONS:
        raise ValueError(
            f"no bank holidays for {division!r}; use one of {BankHolidays.ALL_DIVISIONS}"
        )
    calendar = BankHolidays(use_cached_holidays=True)
    return frozenset(holiday["date"] for holiday in calendar.get_holidays(division=division))


def holiday_intervals(
    days: Iterable[date], between: Interval, tz: ZoneInfo = LONDON
) -> list[Interval]:
    """Each day as the whole local day, midnight to midnight (23 or 25 hours when the
    clocks change), cut to `between`."""
    first = between.start.astimezone(tz).date()
    last = between.end.astimezone(tz).date()
    whole_days = [
        Interval(
            local_instant(day, time.min, tz), local_instant(day + timedelta(days=1), time.min, tz)
        )
        for day in days
        if first <= day <= last
    ]
    return clip(whole_days, between)
