"""A clock for tests of things that happen on other days: every `utc_now()` follows it."""

from datetime import datetime, timedelta

import gudcity.models.base


class Clock:
    """Moves what `gudcity.models.base.utc_now` (the one clock of the services, and of
    the tables' defaults) answers; `now()` reads the real time."""

    def __init__(self, monkeypatch) -> None:
        self.offset = timedelta(0)
        clock = self

        class Shifted(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(gudcity.models.base, "datetime", Shifted)

    def now(self) -> datetime:
        return datetime.now(gudcity.models.base.UTC)

    def set(self, moment: datetime) -> None:
        """From now on the services' time runs from `moment` (timezone-aware)."""
        self.offset = moment - self.now()

    def back_to_now(self) -> None:
        self.offset = timedelta(0)
