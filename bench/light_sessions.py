"""Customer sessions without a browser, for bench/live_latency.py: one websocket each.

A real /cards tab's first Socket.IO frame (its CONNECT packet, which carries the
page's hydrate event) is recorded, then replayed by each light session with a
client token of its own and its own customer's session cookie (in the handshake's
Cookie header, as a browser sends its HttpOnly cookie). The backend loads
/cards for it and subscribes it to that customer's changes exactly as for a tab,
and pushes it every change: the server's cost per connected session is real, the
browser's is not paid.
"""

import asyncio
import threading
import uuid

import websockets

from gudcity.web.credentials import SESSION_COOKIE

# Installed before the app loads: keeps the socket's address and the frames the page
# sends on it (the CONNECT first).
RECORD_SOCKET = """(() => {
    window.__sent = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        window.__socket_url = this.url;
        window.__sent.push(String(data));
        return send.call(this, data);
    };
})()"""


# In the push that ends /cards' on_load: the page has read its cards and subscribed.
# (The first push comes earlier, from the hydrate event, while on_load still runs.)
LOADED = '"loading_rx_state_":false'


class LightSessions:
    """Light sessions on a background thread's event loop; `close()` ends them."""

    def __init__(self, socket_url: str, connect_frame: str, client_token: str):
        self.socket_url = socket_url
        self.connect_frame = connect_frame
        self.template_token = client_token
        self.hydrated = 0
        self.pushes = 0
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def open(self, cookies: list[str], timeout: float = 120) -> None:
        """One session per customer session cookie; returns once each has loaded its page."""
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(cookies),))
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"only {self.hydrated} of {len(cookies)} sessions loaded /cards")

    def close(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread:
            self._thread.join(timeout=30)

    async def _run(self, cookies: list[str]) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        target = len(cookies)
        sessions = [asyncio.create_task(self._session(cookie, target)) for cookie in cookies]
        await self._stop.wait()
        for session in sessions:
            session.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)

    async def _session(self, cookie: str, target: int) -> None:
        token = str(uuid.uuid4())
        url = self.socket_url.replace(self.template_token, token)
        frame = self.connect_frame.replace(self.template_token, token)
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
        async with websockets.connect(url, max_size=None, additional_headers=headers) as socket:
            await socket.recv()  # Engine.IO's open packet
            await socket.send(frame)
            hydrated = False
            async for message in socket:
                if message == "2":  # Engine.IO ping
                    await socket.send("3")
                elif message.startswith("42/_event"):
                    self.pushes += 1
                    if not hydrated and LOADED in message:
                        hydrated = True
                        self.hydrated += 1
                        if self.hydrated == target:
                            self._ready.set()
