"""How times read on the pages."""

from datetime import datetime

from gudcity.i18n import formatting
from gudcity.i18n.catalogue import Translator
from gudcity.models import utc_now


def time_ago(moment: datetime, now: datetime | None = None) -> str:
    """`just now`, `5 min ago`, `3 h ago`, `2 d ago`, then the date."""
    seconds = int(((now or utc_now()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86_400:
        return f"{seconds // 3600} h ago"
    if seconds < 7 * 86_400:
        return f"{seconds // 86_400} d ago"
    return moment.strftime("%d %b %Y")


def date_and_time(moment: datetime) -> str:
    """`2 Dec 2026, 14:05 UTC`: when a row of a log happened, to the minute."""
    return f"{moment.day} {moment.strftime('%b %Y, %H:%M')} UTC"


def ago(tr: Translator, moment: datetime, now: datetime | None = None) -> str:
    """`just now`, `5 min ago`, `il y a 3 h`, then the date: in the translator's language."""
    return formatting.time_ago(moment, tr.language, now or utc_now(), tr.gettext("just now"))
