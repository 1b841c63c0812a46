"""Which open tabs show which topics, in this backend worker.

A tab subscribes when its page loads (and again after a reconnect, which reloads
the page's state); the change feed asks which tabs to refresh for a batch of
topics. A tab whose socket is gone is dropped by the feed the next time one of
its topics changes, so a closed tab costs nothing after that.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subscriber:
    """One tab (its Reflex client token) and the state class that shows the topics."""

    client_token: str
    state_cls: Any


class Subscriptions:
    def __init__(self) -> None:
        self._by_topic: dict[str, set[Subscriber]] = defaultdict(set)
        self._by_tab: dict[Subscriber, frozenset[str]] = {}

    def subscribe(self, subscriber: Subscriber, topics: set[str]) -> None:
        """Make `topics` the whole set this tab's page listens to."""
        self.unsubscribe(subscriber)
        self._by_tab[subscriber] = frozenset(topics)
        for topic in topics:
            self._by_topic[topic].add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        for topic in self._by_tab.pop(subscriber, ()):
            listeners = self._by_topic[topic]
            listeners.discard(subscriber)
            if not listeners:
                del self._by_topic[topic]

    def drop_tab(self, client_token: str) -> None:
        for subscriber in [s for s in self._by_tab if s.client_token == client_token]:
            self.unsubscribe(subscriber)

    def views_of(self, client_token: str) -> list[Any]:
        """The state classes of the views one tab listens with."""
        return [s.state_cls for s in self._by_tab if s.client_token == client_token]

    def subscribers(self, topics: set[str]) -> set[Subscriber]:
        """Every tab listening to any of `topics`, each once."""
        found: set[Subscriber] = set()
        for topic in topics:
            found |= self._by_topic.get(topic, set())
        return found

    def all_topics(self) -> set[str]:
        return set(self._by_topic)

    def __len__(self) -> int:
        return len(self._by_tab)


# One registry per backend worker process: the change feed of that worker reads it.
subscriptions = Subscriptions()
