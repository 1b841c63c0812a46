"""Races on PostgreSQL: actions started together, each in its own thread and session."""

import threading

from sqlmodel import Session

from gudcity.domain.errors import ServiceError


def race(engine, actions) -> list:
    """Run each action(session) in its own thread and session, released together.

    Returns each action's result, or the ServiceError it was refused with.
    """
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                outcomes[index] = action(own)
            except ServiceError as error:
                outcomes[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
