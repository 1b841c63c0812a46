"""The timers registry: each tab's next call, the earliest first."""

import asyncio
import time

import pytest

from gudcity.realtime.subscriptions import Subscriber
from gudcity.realtime.timers import Timers


class CardsPage:
    pass


PHONE = Subscriber("tab-1", CardsPage)
LAPTOP = Subscriber("tab-2", CardsPage)


def test_only_due_timers_are_taken_and_each_once():
    timers = Timers()
    now = time.monotonic()
    timers.schedule(PHONE, 10)
    timers.schedule(LAPTOP, 60)

    assert timers.take_due(now + 5) == []
    assert timers.take_due(now + 11) == [PHONE]
    assert timers.take_due(now + 11) == []
    assert len(timers) == 1
    assert timers.seconds_to_next(now) == pytest.approx(60, abs=1)


def test_scheduling_again_replaces_the_tabs_timer():
    timers = Timers()
    now = time.monotonic()
    timers.schedule(PHONE, 10)
    timers.schedule(PHONE, 100)

    assert timers.take_due(now + 50) == []
    assert len(timers) == 1


def test_nothing_scheduled_means_no_deadline():
    assert Timers().seconds_to_next(time.monotonic()) is None


def test_a_new_timer_wakes_the_waiting_loop():
    async def scenario():
        timers = Timers()
        timers.schedule(PHONE, 3600)
        waiting = asyncio.create_task(timers.wait_for_next())
        await asyncio.sleep(0.01)
        assert not waiting.done()
        timers.schedule(LAPTOP, 0)
        await asyncio.wait_for(waiting, timeout=1)

    asyncio.run(scenario())
