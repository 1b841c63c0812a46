"""The feed's Refresher: which tabs re-read after a change, when, and how often."""

import asyncio
import itertools

import pytest

from gudcity.realtime import feed
from gudcity.realtime.subscriptions import Subscriber, Subscriptions
from gudcity.state.dashboard import DashboardState


class CardsPage:
    refresh_settle_seconds = 0.0


class ScannerPage:
    refresh_settle_seconds = 0.2


class RecordingRefresher(feed.Refresher):
    """Records each refresh (tab and loop time) instead of touching a Reflex app."""

    def __init__(self) -> None:
        super().__init__(app=None)
        self.refreshed: list[tuple[Subscriber, float]] = []
        self.topics: list[frozenset[str]] = []

    async def _refresh(self, subscriber: Subscriber, memo: dict, topics: frozenset[str]) -> None:
        self.refreshed.append((subscriber, asyncio.get_running_loop().time()))
        self.topics.append(topics)
        await asyncio.sleep(0.01)  # a read takes a moment


@pytest.fixture
def hub(monkeypatch) -> Subscriptions:
    fresh = Subscriptions()
    monkeypatch.setattr(feed, "subscriptions", fresh)
    return fresh


def run_changes(changes: list[set[str]], gap: float = 0.01) -> RecordingRefresher:
    """Wake a RecordingRefresher with each change in turn, then let every refresh finish."""

    async def scenario() -> RecordingRefresher:
        refresher = RecordingRefresher()
        for topics in changes:
            refresher.wake(topics)
            await asyncio.sleep(gap)
        while refresher.running:
            await asyncio.sleep(0.01)
        return refresher

    return asyncio.run(scenario())


def test_only_the_tabs_subscribed_to_a_changed_topic_refresh(hub):
    alice, bob = Subscriber("tab-1", CardsPage), Subscriber("tab-2", CardsPage)
    hub.subscribe(alice, {"customer:1"})
    hub.subscribe(bob, {"customer:2"})

    refresher = run_changes([{"customer:1"}])

    assert [tab for tab, _ in refresher.refreshed] == [alice]


def test_a_burst_of_changes_to_a_business_page_is_read_once_after_it_settles(hub):
    counter = Subscriber("tab-1", ScannerPage)
    hub.subscribe(counter, {"business:5"})

    refresher = run_changes([{"business:5"}] * 5, gap=0.02)

    assert [tab for tab, _ in refresher.refreshed] == [counter]


def test_a_customer_page_refreshes_before_a_settling_business_page(hub):
    alice, counter = Subscriber("tab-1", CardsPage), Subscriber("tab-2", ScannerPage)
    hub.subscribe(alice, {"customer:1"})
    hub.subscribe(counter, {"business:5"})

    refresher = run_changes([{"customer:1", "business:5"}])

    (first, at_first), (second, at_second) = refresher.refreshed
    assert (first, second) == (alice, counter)
    assert at_second - at_first >= ScannerPage.refresh_settle_seconds * 0.9


def test_a_change_during_a_refresh_is_read_once_more_afterwards(hub):
    alice = Subscriber("tab-1", CardsPage)
    hub.subscribe(alice, {"customer:1"})

    refresher = run_changes([{"customer:1"}, {"customer:1"}, {"customer:1"}], gap=0.001)

    # The first read was under way when the others arrived: they coalesce into one more.
    assert [tab for tab, _ in refresher.refreshed] == [alice, alice]


def test_an_answer_to_a_business_request_is_read_at_once_and_alone(hub):
    """The customer answered the counter: the scanner reads the answer at once, on its
    own (so it can read only that), and the business's change after the settle."""
    counter = Subscriber("tab-1", ScannerPage)
    hub.subscribe(counter, {"business:5", "answer:5"})

    async def scenario() -> tuple[RecordingRefresher, float]:
        refresher = RecordingRefresher()
        started = asyncio.get_running_loop().time()
        refresher.wake({"business:5"})  # the answer's other topic arrives first
        await asyncio.sleep(0.01)
        refresher.wake({"answer:5"})
        while refresher.running:
            await asyncio.sleep(0.005)
        return refresher, started

    refresher, started = asyncio.run(scenario())

    (tab, at_answer), (again, at_rest) = refresher.refreshed
    assert tab == again == counter
    assert refresher.topics == [{"answer:5"}, {"business:5"}]
    assert at_answer - started < ScannerPage.refresh_settle_seconds / 2
    assert at_rest - at_answer >= ScannerPage.refresh_settle_seconds * 0.9
    assert refresher.hurry == {} and refresher.pending == {}


def test_each_refresh_is_told_every_topic_that_changed(hub):
    counter = Subscriber("tab-1", ScannerPage)
    hub.subscribe(counter, {"business:5", "program:7"})

    refresher = run_changes([{"business:5"}, {"program:7"}])

    assert refresher.topics == [{"business:5", "program:7"}]


class SlowRecordingRefresher(RecordingRefresher):
    """Each read takes 50 ms, and its end is recorded too."""

    def __init__(self) -> None:
        super().__init__()
        self.finished: dict[Subscriber, float] = {}

    async def _refresh(self, subscriber: Subscriber, memo: dict, topics: frozenset[str]) -> None:
        self.refreshed.append((subscriber, asyncio.get_running_loop().time()))
        await asyncio.sleep(0.05)
        self.finished[subscriber] = asyncio.get_running_loop().time()


def run_answer_then(customer_topic: str, head_start: float, monkeypatch) -> SlowRecordingRefresher:
    """The counter hears an answer; 5 ms later the answering customer's tab is woken."""
    monkeypatch.setattr(feed, "URGENT_HEAD_START_SECONDS", head_start)

    async def scenario() -> SlowRecordingRefresher:
        refresher = SlowRecordingRefresher()
        refresher.wake({"answer:5"})
        await asyncio.sleep(0.005)
        refresher.wake({customer_topic})
        while refresher.running:
            await asyncio.sleep(0.005)
        return refresher

    return asyncio.run(scenario())


def test_the_answering_customers_page_waits_for_the_counter_to_hear_the_answer(hub, monkeypatch):
    counter, alice = Subscriber("tab-1", ScannerPage), Subscriber("tab-2", CardsPage)
    hub.subscribe(counter, {"answer:5"})
    hub.subscribe(alice, {"customer:1"})

    refresher = run_answer_then("customer:1", head_start=1.0, monkeypatch=monkeypatch)

    (first, _), (second, alice_started) = refresher.refreshed
    assert (first, second) == (counter, alice)
    assert alice_started >= refresher.finished[counter]
    assert refresher.urgent_running == 0


def test_an_ordinary_refresh_waits_no_longer_than_the_head_start(hub, monkeypatch):
    counter, alice = Subscriber("tab-1", ScannerPage), Subscriber("tab-2", CardsPage)
    hub.subscribe(counter, {"answer:5"})
    hub.subscribe(alice, {"customer:1"})

    refresher = run_answer_then("customer:1", head_start=0.01, monkeypatch=monkeypatch)

    [(_, alice_started)] = [r for r in refresher.refreshed if r[0] == alice]
    assert alice_started < refresher.finished[counter]


def test_a_busy_counter_re_reads_an_open_dashboard_about_once_a_second(hub):
    """An award every 50 ms for 2 s: the dashboard reads a few times, not 40."""
    dashboard = Subscriber("tab-1", DashboardState)
    hub.subscribe(dashboard, {"business:5"})
    settle = DashboardState.refresh_settle_seconds

    async def scenario() -> tuple[float, RecordingRefresher]:
        refresher = RecordingRefresher()
        started = asyncio.get_running_loop().time()
        for _ in range(40):
            refresher.wake({"business:5"})
            await asyncio.sleep(0.05)
        while refresher.running:
            await asyncio.sleep(0.01)
        return started, refresher

    started, refresher = asyncio.run(scenario())

    reads = [at for _, at in refresher.refreshed]
    assert 2 <= len(reads) <= 4
    assert settle <= reads[0] - started <= 1.0  # the first award shows within a second
    assert all(later - earlier >= settle for earlier, later in itertools.pairwise(reads))
