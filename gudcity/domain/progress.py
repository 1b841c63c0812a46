"""How far a card is from its next reward."""

from collections.abc import Sequence
from dataclasses import dataclass

from gudcity.domain.labels import amount_label
from gudcity.models.enums import ProgramKind


@dataclass(frozen=True)
class RewardStep:
    """A rung of a program's rewards ladder: what it is called and what it costs."""

    name: str
    cost: int


@dataclass(frozen=True)
class Progress:
    """What a card shows under its balance: the next reward and how far along it is."""

    next_reward: str
    percent: int


def progress_to_next_reward(
    balance: int, ladder: Sequence[RewardStep], kind: ProgramKind
) -> Progress:
    """The cheapest reward the balance does not cover yet, and the way to it.

    `ladder` is the program's active rewards, cheapest first.
    """
    upcoming = next((step for step in ladder if step.cost > balance), None)
    if upcoming is not None:
        missing = upcoming.cost - balance
        return Progress(
            f"{amount_label(kind, missing)} to {upcoming.name}",
            round(100 * balance / upcoming.cost),
        )
    if ladder:
        return Progress("Every reward is within reach", 100)
    return Progress("No rewards yet", 0)


def affordable(balance: int, cost: int) -> bool:
    return cost <= balance
