from gudcity.realtime.subscriptions import Subscriber, Subscriptions


class CardsPage:
    pass


class ScannerPage:
    pass


def test_a_change_wakes_only_the_tabs_subscribed_to_its_topics():
    hub = Subscriptions()
    alice_phone = Subscriber("tab-1", CardsPage)
    alice_laptop = Subscriber("tab-2", CardsPage)
    counter = Subscriber("tab-3", ScannerPage)
    hub.subscribe(alice_phone, {"customer:1", "program:7"})
    hub.subscribe(alice_laptop, {"customer:1"})
    hub.subscribe(counter, {"business:5"})

    assert hub.subscribers({"customer:1"}) == {alice_phone, alice_laptop}
    assert hub.subscribers({"program:7", "business:5"}) == {alice_phone, counter}
    assert hub.subscribers({"customer:2"}) == set()


def test_subscribing_again_replaces_the_tabs_topics():
    hub = Subscriptions()
    tab = Subscriber("tab-1", CardsPage)
    hub.subscribe(tab, {"customer:1", "program:7"})
    hub.subscribe(tab, {"customer:1", "program:8"})

    assert hub.subscribers({"program:7"}) == set()
    assert hub.subscribers({"program:8"}) == {tab}
    assert hub.subscribers({"customer:1"}) == {tab}
    assert len(hub) == 1


def test_a_dropped_tab_costs_nothing_afterwards():
    hub = Subscriptions()
    cards = Subscriber("tab-1", CardsPage)
    scanner = Subscriber("tab-1", ScannerPage)  # the same tab, navigated between pages
    other = Subscriber("tab-2", CardsPage)
    hub.subscribe(cards, {"customer:1"})
    hub.subscribe(scanner, {"business:5"})
    hub.subscribe(other, {"customer:1"})

    hub.drop_tab("tab-1")

    assert hub.subscribers({"customer:1", "business:5"}) == {other}
    assert hub.all_topics() == {"customer:1"}
    assert len(hub) == 1
