"""The threads that decode photos and camera frames, apart from the service calls;
and what they are handed from an upload.

`call_service` runs the services in asyncio's default pool. Decoding an image is
CPU-bound and can take seconds (a huge blank PNG is cheap to send and dear to
decode), so it gets a small pool of its own (`DECODE_THREADS`): however many
decodes are asked for, the database work keeps every thread of the default pool.
Decodes past the pool's size wait, a few per thread; beyond that they are refused
at once, so a burst cannot pile up work the server will take minutes to finish.

This is the state layer's twin of `call_service`: a page's state runs a
blocking service here instead of there.
"""

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import reflex as rx

from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.settings import get_settings

T = TypeVar("T")

THREAD_NAME_PREFIX = "gudcity-decode"
# Decodes that may wait for a thread, per thread, before new ones are refused.
WAITING_PER_THREAD = 4


class DecoderBusyError(ServiceError):
    def __init__(self) -> None:
        super().__init__(N_("The scanner is busy reading other photos. Try again in a moment."))


class DecodePool:
    """A bounded thread pool: `await pool.run(fn, *args)` or DecoderBusyError."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.capacity = threads * (1 + WAITING_PER_THREAD)
        self.pending = 0
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix=THREAD_NAME_PREFIX)

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(*args)` on one of the pool's threads.

        A decode counts as pending until its thread is done with it, even if the
        caller stopped waiting (a closed tab): the thread is busy all the same.
        """
        if self.pending >= self.capacity:
            raise DecoderBusyError()
        loop = asyncio.get_running_loop()
        self.pending += 1
        call = functools.partial(contextvars.copy_context().run, work, *args)
        job = self._executor.submit(call)
        job.add_done_callback(lambda _: loop.call_soon_threadsafe(self._release))
        return await asyncio.wrap_future(job)

    def _release(self) -> None:
        self.pending -= 1


@functools.cache
def decode_pool() -> DecodePool:
    """The process's pool, made on first use (after the server has forked its workers)."""
    return DecodePool(get_settings().decode_threads)


async def run_decode(work: Callable[..., T], *args) -> T:
    """`work(*args)` on a decoding thread."""
    return await decode_pool().run(work, *args)


async def read_first_file(chunks: AsyncIterable[rx.UploadChunk]) -> bytes:
    """The first file of a streamed upload, cut one byte past the upload limit.

    Every chunk is taken (Reflex answers 400 to an upload its handler left unread);
    bytes past the limit are not kept, and `decode_qr` refuses the photo as too large.
    """
    keep = get_settings().max_upload_bytes + 1
    first, parts, size = None, [], 0
    async for chunk in chunks:
        first = chunk.filename if first is None else first
        if chunk.filename == first and size < keep:
            parts.append(chunk.data[: keep - size])
            size += len(parts[-1])
    return b"".join(parts)
