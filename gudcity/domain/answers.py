"""What the counter reads when a customer answers one of its requests."""

from dataclasses import dataclass

from gudcity.domain.labels import amount_label
from gudcity.models.enums import ApprovalKind, ApprovalStatus, ProgramKind


@dataclass(frozen=True)
class AnswerFacts:
    """A request the counter sent, as far as its answer goes."""

    kind: ApprovalKind
    status: ApprovalStatus
    customer_name: str
    program_name: str
    program_kind: ProgramKind
    points: int
    expired: bool = False


def is_answered(facts: AnswerFacts) -> bool:
    """Whether the request is settled: answered, or expired unanswered."""
    return facts.expired or facts.status != ApprovalStatus.PENDING


def is_good_news(facts: AnswerFacts) -> bool:
    return facts.status == ApprovalStatus.APPROVED and not facts.expired


def answer_message(facts: AnswerFacts) -> str:
    """`Alice approved: 10 points taken off their card.`, `Alice declined the invitation ...`."""
    who, program = facts.customer_name, facts.program_name
    amount = amount_label(facts.program_kind, facts.points)
    deduction = facts.kind == ApprovalKind.POINTS_DEDUCTION
    if facts.expired or facts.status == ApprovalStatus.EXPIRED:
        asked = f"deduct {amount}" if deduction else f"join {program}"
        return f"{who} did not answer in time: the request to {asked} expired."
    if facts.status == ApprovalStatus.PENDING:
        return f"Waiting for {who} to answer."
    if facts.status == ApprovalStatus.APPROVED:
        if deduction:
            return f"{who} approved: {amount} taken off their card."
        bonus = f", with +{amount} for this visit" if facts.points > 0 else ""
        return f"{who} accepted the invitation: enrolled in {program}{bonus}."
    if deduction:
        return f"{who} declined the deduction of {amount}: the balance is unchanged."
    return f"{who} declined the invitation to {program}."
