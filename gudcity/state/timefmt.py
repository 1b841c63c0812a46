"""How times read on the pages."""

from datetime import datetime

from gudcity.i18n import formatting
from gudcity.i18n.catalogue import Translator
from gudcity.models import utc_now


def ago(tr: Translator, moment: datetime, now: datetime | None = None) -> str:
    """`just now`, `5 min ago`, `il y a 3 h`, then the date: in the translator's language."""
    return formatting.time_ago(moment, tr.language, now or utc_now(), tr.gettext("just now"))
