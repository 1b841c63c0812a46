"""What the counter reads when a customer answers one of its requests."""

from dataclasses import dataclass

from gudcity.domain.labels import amount_message
from gudcity.i18n.catalogue import N_, Message
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


_EXPIRED_DEDUCTION = N_("{name} did not answer in time: the request to deduct {amount} expired.")
_EXPIRED_INVITATION = N_("{name} did not answer in time: the request to join {program} expired.")
_WAITING = N_("Waiting for {name} to answer.")
_APPROVED = N_("{name} approved: {amount} taken off their card.")
_ACCEPTED = N_("{name} accepted the invitation: enrolled in {program}.")
_ACCEPTED_WITH_BONUS = N_(
    "{name} accepted the invitation: enrolled in {program}, with +{amount} for this visit."
)
_DECLINED_DEDUCTION = N_("{name} declined the deduction of {amount}: the balance is unchanged.")
_DECLINED_INVITATION = N_("{name} declined the invitation to {program}.")


def answer_message(facts: AnswerFacts) -> Message:
    """`Alice approved: 10 points taken off their card.`, `Alice declined the invitation ...`."""
    args = {
        "name": facts.customer_name,
        "program": facts.program_name,
        "amount": amount_message(facts.program_kind, facts.points),
    }
    deduction = facts.kind == ApprovalKind.POINTS_DEDUCTION
    if facts.expired or facts.status == ApprovalStatus.EXPIRED:
        return Message(_EXPIRED_DEDUCTION if deduction else _EXPIRED_INVITATION, args)
    if facts.status == ApprovalStatus.PENDING:
        return Message(_WAITING, args)
    if facts.status == ApprovalStatus.APPROVED:
        if deduction:
            return Message(_APPROVED, args)
        return Message(_ACCEPTED_WITH_BONUS if facts.points > 0 else _ACCEPTED, args)
    return Message(_DECLINED_DEDUCTION if deduction else _DECLINED_INVITATION, args)
