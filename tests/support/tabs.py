"""Test tabs: which socket a state's tab is on (tests/state/conftest.py `sockets`)."""


def socket_of(state) -> str:
    return state.router.session.session_id
