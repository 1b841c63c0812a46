"""The decoding threads: their own pool, bounded, never the default one."""

import asyncio
import threading

import pytest

from gudcity.state.decode_pool import THREAD_NAME_PREFIX, DecodePool, DecoderBusyError

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_work_runs_on_the_pools_threads_not_the_default_ones():
    pool = DecodePool(threads=1)

    name = await pool.run(lambda: threading.current_thread().name)

    assert name.startswith(THREAD_NAME_PREFIX)


async def test_past_its_capacity_the_pool_refuses_at_once_and_takes_work_again_after():
    pool = DecodePool(threads=1)
    go = threading.Event()
    waiting = [asyncio.ensure_future(pool.run(go.wait, 10)) for _ in range(pool.capacity)]
    await asyncio.sleep(0)

    with pytest.raises(DecoderBusyError):
        await pool.run(lambda: "one too many")
    go.set()
    await asyncio.gather(*waiting)
    await asyncio.sleep(0.01)  # the threads' done callbacks run on the loop

    assert pool.pending == 0
    assert await pool.run(lambda: "room again") == "room again"


async def test_a_decode_the_caller_stopped_waiting_for_counts_until_its_thread_is_done():
    pool = DecodePool(threads=1)
    go = threading.Event()
    task = asyncio.ensure_future(pool.run(go.wait, 10))
    await asyncio.sleep(0.01)

    task.cancel()
    await asyncio.sleep(0.01)
    still_counted = pool.pending
    go.set()
    await asyncio.sleep(0.05)

    assert (still_counted, pool.pending) == (1, 0)
