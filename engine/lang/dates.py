"""Calendar helpers. Dates are ISO strings (YYYY-MM-DD), which sort chronologically."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from wxcc_policy.lang.values import EvalError


def _parse(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise EvalError(f"expected a date or timestamp, got {value!r}")
    try:
        if len(value) == 10:
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise EvalError(f"{value!r} is not a date (YYYY-MM-DD) or timestamp (RFC 3339)") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def to_date(value: Any) -> str | None:
    """The calendar date, in UTC, of a date or timestamp."""
    if value is None:
        return None
    return _parse(value).astimezone(dt.timezone.utc).date().isoformat()


def to_instant(value: Any) -> str | None:
    """A sortable UTC instant; a bare date means 00:00:00Z of that day."""
    if value is None:
        return None
    return _parse(value).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def add_days(value: Any, days: Any) -> str | None:
    if value is None or days is None:
        return None
    if not isinstance(days, int) or isinstance(days, bool):
        raise EvalError(f"addDays needs a whole number of days, got {days!r}")
    return (_parse(value).date() + dt.timedelta(days=days)).isoformat()


def end_of_month(value: Any) -> str | None:
    """Last day of the month of a period (YYYY-MM), date or timestamp."""
    if value is None:
        return None
    text = str(value)
    if len(text) == 7:
        text += "-01"
    day = _parse(text).date()
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()


def month_of(value: Any) -> str | None:
    return None if value is None else to_date(value)[:7]  # type: ignore[index]


def days_between(start: Any, end: Any) -> int | None:
    if start is None or end is None:
        return None
    return (_parse(end).date() - _parse(start).date()).days
