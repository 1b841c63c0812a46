"""Where a business's message names its customer: the span kept, and read back."""

from gudcity.domain.mentions import NAME_SPAN, Mention, name_span, renamed, written_span
from gudcity.models.enums import NotificationType


def test_a_mention_keeps_where_the_name_is():
    mention = Mention("Al Brown delivered Almond Cake to ", "Al", " (code ABC).")
    assert mention.text == "Al Brown delivered Almond Cake to Al (code ABC)."
    start, end = mention.span
    assert mention.text[start:end] == "Al"
    again = renamed(mention.text, (start, end), "Deleted customer")
    assert again.text == "Al Brown delivered Almond Cake to Deleted customer (code ABC)."


def test_a_crafted_or_broken_span_is_none():
    message = "Al joined Almond Club."
    assert name_span({NAME_SPAN: [0, 2]}, message) == (0, 2)
    for span in (None, [0], [0, 2, 3], [2, 1], [-1, 2], [0, 99], [True, 2], ["0", "2"], "0,2"):
        assert name_span({NAME_SPAN: span}, message) is None, span
    assert name_span(None, message) is None


def test_rows_without_a_span_are_read_by_their_template():
    joined = NotificationType.ENROLLMENT_ACCEPTED
    assert written_span(joined, "Al joined Almond Club.", "Al") == (0, 2)
    assert written_span(joined, "Alfred joined Almond Club.", "Al") is None
    assert written_span(joined, "Anything", "") is None
    delivered = NotificationType.REWARD_DELIVERED
    message = "Al Brown delivered Al Pastor to Al (code ABC)."
    start, end = written_span(delivered, message, "Al")
    assert message[:start] == "Al Brown delivered Al Pastor to " and message[end:] == " (code ABC)."
