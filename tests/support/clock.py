"""A clock for tests of things that happen on other days: every `utc_now()` follows it."""

from datetime import datetime, timedelta

import gudcity.models.base


class Clock:
    """Moves what `gudcity.models.base.utc_now` (the one clock of the services, and of
    the tables' defaults) answers; `now()` reads the real time."""

    def __init__(self, monkeypatch) -> None:
        self.offset = timedelta(0)
        self.frozen: datetime | None = None
        clock = self

        class Shifted(datetime):
            @classmethod
            def now(cls, tz=None):
                if clock.frozen is not None:
                    return clock.frozen.astimezone(tz) if tz else clock.frozen
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(gudcity.models.base, "datetime", Shifted)

    def now(self) -> datetime:
        return datetime.now(gudcity.models.base.UTC)

    def set(self, moment: datetime) -> None:
        """From now on the services' time runs from `moment` (timezone-aware)."""
        self.frozen = None
        self.offset = moment - self.now()

    def freeze(self, moment: datetime) -> None:
        """From now on the services' time stands still at `moment` (timezone-aware), until
        `advance`, `set` or `back_to_now`: for boundaries to the microsecond."""
        self.frozen = moment

    def advance(self, **delta: float) -> None:
        """Move a frozen clock on by `timedelta(**delta)`, or a running one's offset."""
        if self.frozen is not None:
            self.frozen += timedelta(**delta)
        else:
            self.offset += timedelta(**delta)

    def back_to_now(self) -> None:
        self.frozen = None
        self.offset = timedelta(0)
