"""Change an open tab's state from the server, outside any event from its browser."""

from collections.abc import Awaitable, Callable

import reflex as rx
from reflex.event import Event
from reflex.state import StateUpdate

from gudcity.realtime.subscriptions import Subscriber, subscriptions


async def update_tab(
    app: rx.App, subscriber: Subscriber, change: Callable[[rx.State], Awaitable[list | None]]
) -> None:
    """Run `change(state)` under the tab's state lock; Reflex pushes the difference.

    `change` may return follow-up events (toasts, redirects), sent to the tab after.
    A tab whose socket is gone is forgotten instead, so it costs nothing afterwards.
    """
    namespace = app.event_namespace
    if namespace is None or not _connected_here(namespace, subscriber.client_token):
        subscriptions.drop_tab(subscriber.client_token)
        return
    token = rx.BaseStateToken(ident=subscriber.client_token, cls=subscriber.state_cls)
    async with app.modify_state(token) as root:
        follow_up = await change(await root.get_state(subscriber.state_cls))
    if follow_up:
        update = StateUpdate(events=Event.from_event_type(follow_up))
        await namespace.emit_update(update=update, token=subscriber.client_token)


def _connected_here(namespace, client_token: str) -> bool:
    """Whether the tab's socket is on this worker.

    Reflex has no public API for it; its token manager knows. With Redis,
    a tab that reconnected to another worker is that worker's to refresh now (its page
    load subscribed it there), so this one forgets it: each change reaches a tab once.
    """
    manager = namespace._token_manager
    record = manager.token_to_socket.get(client_token)
    if record is None:
        return False
    here = getattr(manager, "instance_id", None)
    return here is None or getattr(record, "instance_id", here) == here
