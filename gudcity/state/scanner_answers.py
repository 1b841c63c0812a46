"""The scanner follows the answers to its requests: invitations and deductions it sent.

A mixin of ScannerState. The tab keeps the ids of the requests it sent for the
customer on screen; each refresh of the page (its business's topic, or the
urgent answer topic) reads where they stand, and the first answer that arrives
replaces the outcome shown in #scan-result, in the same read as the customer's
new standing, so badge, balance and words agree.
"""

import reflex as rx
from sqlmodel import Session

from gudcity.models import User
from gudcity.services import request_answers, standing
from gudcity.services.request_answers import RequestAnswer

GOOD_NEWS, OTHER_NEWS = "green", "amber"


class AnswersMixin(rx.State, mixin=True):
    # The outcome callout's colour: the last action went through, or a request was
    # declined or ran out.
    outcome_tone: str = GOOD_NEWS

    # Requests this tab sent for the customer on screen, not answered yet.
    _asked: list[int] = []

    def _follow(self, request_id: int | None, new_customer: bool) -> None:
        """Remember a request just sent; a new customer on screen forgets the last one's."""
        if new_customer:
            self._asked = []
        if request_id and request_id not in self._asked:
            self._asked = [*self._asked[-(request_answers.MAX_FOLLOWED - 1) :], request_id]

    def _standing_reader(self, after_answer: bool = False):
        """`read(session, user, program_id, customer_id)`: the answers, then the standing.

        Built on the event loop (it takes what the tab follows from the state), run
        in a worker thread: one read, so the badge, the balance and the words agree.
        Read `after_answer` (the urgent answer topic woke the tab), the standing is
        read only when a request followed here was answered, else it is None.
        """
        business_id, asked = self._business_id, list(self._asked)

        def read(session: Session, user: User, program_id: int, customer_id: int):
            answers = (
                request_answers.answers_to_counter(session, user, business_id, asked)
                if asked
                else []
            )
            if after_answer and not any(answer.answered for answer in answers):
                return None, answers
            return standing.standing(session, user, program_id, customer_id), answers

        return read

    def _show_answers(self, answers: list[RequestAnswer]) -> None:
        """The newest answer becomes the outcome; answered requests are no longer followed."""
        answered = [a for a in answers if a.answered]
        if not answered:
            return
        done = {a.request_id for a in answered}
        self._asked = [request_id for request_id in self._asked if request_id not in done]
        newest = answered[-1]
        self._show_outcome(newest.message)
        self.outcome_tone = GOOD_NEWS if newest.good_news else OTHER_NEWS
        self.error = ""
