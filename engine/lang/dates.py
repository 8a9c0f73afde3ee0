"""Calendar helpers. Dates are ISO strings (YYYY-MM-DD), which sort chronologically.

Every result has a four-digit year (0999-01-01, not 999-01-01), so that dates and
instants compare as text for every year from 0001 to 9999. A result outside those
years (or an input Python's calendar cannot hold) is an evaluation error.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from wxcc_policy.errors import EvalError
from wxcc_policy.lang.values import a_type, brief

_UTC = dt.timezone.utc


def _parse(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise EvalError(f"expected a date or timestamp, got {a_type(value)}: {brief(value)}")
    try:
        if len(value) == 10:
            return dt.datetime.fromisoformat(value).replace(tzinfo=_UTC)
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise EvalError(f"{brief(value)} is not a date (YYYY-MM-DD) or timestamp (RFC 3339)") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=_UTC)


def _utc(value: Any) -> dt.datetime:
    stamp = _parse(value)
    try:
        return stamp.astimezone(_UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is in year 0 in UTC
        raise EvalError(f"{brief(value)} is outside the years 0001 to 9999 in UTC") from None


def _iso_date(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def to_date(value: Any) -> str | None:
    """The calendar date, in UTC, of a date or timestamp."""
    if value is None:
        return None
    return _iso_date(_utc(value).date())


def to_instant(value: Any) -> str | None:
    """A sortable UTC instant; a bare date means 00:00:00Z of that day."""
    if value is None:
        return None
    stamp = _utc(value)
    # Not strftime: its %Y drops the leading zeros of years before 1000 on some platforms.
    return f"{_iso_date(stamp.date())}T{stamp.hour:02d}:{stamp.minute:02d}:{stamp.second:02d}.{stamp.microsecond:06d}Z"


def add_days(value: Any, days: Any) -> str | None:
    if value is None or days is None:
        return None
    if not isinstance(days, int) or isinstance(days, bool):
        raise EvalError(f"addDays needs a whole number of days, got {a_type(days)}: {brief(days)}")
    start = _parse(value).date()
    try:
        return _iso_date(start + dt.timedelta(days=days))
    except OverflowError:
        raise EvalError(f"addDays({_iso_date(start)}, {days}) is outside the years 0001 to 9999") from None


def end_of_month(value: Any) -> str | None:
    """Last day of the month of a period (YYYY-MM), date or timestamp."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise EvalError(f"endOfMonth needs a period, date or timestamp, got {a_type(value)}: {brief(value)}")
    text = value + "-01" if len(value) == 7 else value
    day = _parse(text).date()
    return _iso_date(day.replace(day=calendar.monthrange(day.year, day.month)[1]))


def month_of(value: Any) -> str | None:
    return None if value is None else _iso_date(_utc(value).date())[:7]


def days_between(start: Any, end: Any) -> int | None:
    if start is None or end is None:
        return None
    return (_parse(end).date() - _parse(start).date()).days
