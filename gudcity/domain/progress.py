"""How far a card is from its next reward."""

from collections.abc import Sequence
from dataclasses import dataclass

from gudcity.domain.labels import amount_message
from gudcity.i18n.catalogue import N_, Message
from gudcity.models.enums import ProgramKind


@dataclass(frozen=True)
class RewardStep:
    """A rung of a program's rewards ladder: what it is called and what it costs."""

    name: str
    cost: int


@dataclass(frozen=True)
class Progress:
    """What a card shows under its balance: the next reward and how far along it is."""

    next_reward: Message
    percent: int


_TO_GO = N_("{amount} to {reward}")
_ALL_IN_REACH = N_("Every reward is within reach")
_NO_REWARDS = N_("No rewards yet")


def progress_to_next_reward(
    balance: int, ladder: Sequence[RewardStep], kind: ProgramKind
) -> Progress:
    """The cheapest reward the balance does not cover yet, and the way to it.

    `ladder` is the program's active rewards, cheapest first.
    """
    upcoming = next((step for step in ladder if step.cost > balance), None)
    if upcoming is not None:
        missing = upcoming.cost - balance
        way = Message(_TO_GO, {"amount": amount_message(kind, missing), "reward": upcoming.name})
        return Progress(way, round(100 * balance / upcoming.cost))
    if ladder:
        return Progress(Message(_ALL_IN_REACH), 100)
    return Progress(Message(_NO_REWARDS), 0)


def affordable(balance: int, cost: int) -> bool:
    return cost <= balance
