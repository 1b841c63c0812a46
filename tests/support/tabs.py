"""Test tabs: which socket a state's tab is on, and calling its background events."""


def socket_of(state) -> str:
    return state.router.session.session_id


def background(state, handler: str, *args):
    """Call the background event `handler` of `state` (Reflex refuses a direct call).

    Its `async with self:` blocks then lock nothing: the test's state is its own.
    """
    return getattr(type(state), handler).fn(state, *args)
