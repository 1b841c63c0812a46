"""Dates, times and numbers as each language writes them (Babel's CLDR data).

Times are stored in UTC; a business's times read in its own zone.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
    get_datetime_format,
    get_day_names,
    get_month_names,
)

from gudcity.i18n.languages import locale_of

WITHIN_A_MINUTE = timedelta(minutes=1)
# Older than this, a time is shown as its date: "3 weeks ago" says less than "12 Nov".
RELATIVE_LIMIT = timedelta(days=7)


def time_ago(moment: datetime, language: str, now: datetime, just_now: str) -> str:
    """`3 min ago`, `il y a 2 heures`, `قبل يومين`, then the date; `just_now` within a minute."""
    elapsed = now - moment
    if elapsed < WITHIN_A_MINUTE:
        return just_now
    if elapsed < RELATIVE_LIMIT:
        return format_timedelta(
            -elapsed, threshold=1, add_direction=True, format="short", locale=locale_of(language)
        )
    return day(moment.date(), language)


def day(value: date, language: str) -> str:
    """`2 Dec 2026`, `2 déc. 2026`."""
    return format_date(value, format="medium", locale=locale_of(language))


def short_day(value: date, language: str) -> str:
    """`Dec 2`, `2 déc.`: a day of a chart's axis, its year said elsewhere."""
    return format_skeleton("MMMd", value, locale=locale_of(language))


def month_names(language: str) -> list[str]:
    """The twelve months, January first, as the language names them standing alone."""
    names = get_month_names("wide", context="stand-alone", locale=locale_of(language))
    return [names[month] for month in range(1, 13)]


def day_range(start: date, end: date, language: str) -> str:
    """`Nov 3 - Dec 2, 2026` (CLDR's interval, with an en dash); one day: `Dec 2, 2026`."""
    if start == end:
        return day(end, language)
    return format_interval(start, end, "yMMMd", locale=locale_of(language))


def date_and_time(moment: datetime, language: str, zone: str = "UTC") -> str:
    """`2 Dec 2026, 14:05`: when a row of a log happened, to the minute, in `zone`."""
    locale, local = locale_of(language), moment.astimezone(ZoneInfo(zone))
    pattern = get_datetime_format("medium", locale=locale).replace("'", "")
    return pattern.replace("{0}", format_time(local, "short", locale=locale)).replace(
        "{1}", format_date(local, "medium", locale=locale)
    )


def weekday_names(language: str) -> list[str]:
    """`Mon` ... `Sun`, `lun.` ... `dim.`: the days of the week, Monday first (CLDR)."""
    names = get_day_names("abbreviated", locale=locale_of(language))
    return [names[day] for day in range(7)]
