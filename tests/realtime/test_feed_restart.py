"""The change feed survives its database going away (a cluster of the tests' own)."""

import asyncio
import time

import pytest
from sqlmodel import Session

from gudcity.db import make_engine
from gudcity.realtime.feed import postgres_changes
from gudcity.services import outbox
from tests.support.pg_cluster import migrated_cluster

RECONNECT_SECONDS = 5


@pytest.fixture(scope="module")
def cluster():
    with migrated_cluster() as cluster:
        yield cluster


def announce(url: str, topic: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        outbox.publish(session, [topic], "test.changed")
        session.commit()
    engine.dispose()


def test_the_feed_reconnects_after_a_restart_and_refreshes_everyone(cluster):
    async def scenario():
        changes = postgres_changes(cluster.url)
        first = asyncio.ensure_future(anext(changes))
        await asyncio.sleep(0.5)  # LISTEN has been sent
        await asyncio.to_thread(announce, cluster.url, "customer:1")
        assert await asyncio.wait_for(first, 5) == {"customer:1"}

        await asyncio.to_thread(cluster.restart)
        back_at = time.monotonic()
        # Whatever was notified while the connection was down is lost: every tab re-reads.
        assert await asyncio.wait_for(anext(changes), RECONNECT_SECONDS + 5) == {"*"}
        assert time.monotonic() - back_at <= RECONNECT_SECONDS

        following = asyncio.ensure_future(anext(changes))
        await asyncio.sleep(0.2)
        await asyncio.to_thread(announce, cluster.url, "customer:2")
        assert await asyncio.wait_for(following, 5) == {"customer:2"}
        await changes.aclose()

    asyncio.run(scenario())
