"""What /cards shows, read in one go and put in the tab's words: the cards, their
rewards and recent activity, the notifications and the reward codes."""

import base64
import functools
from dataclasses import dataclass, field

from sqlmodel import Session

from gudcity import routes
from gudcity.domain.card_numbers import format_card_number
from gudcity.domain.expiry_words import expire_on_message
from gudcity.domain.labels import (
    TRANSACTION_LABELS,
    amount_message,
    signed_amount,
    unit_message,
)
from gudcity.domain.progress import RewardStep, affordable, progress_to_next_reward
from gudcity.domain.tiers import tier_title
from gudcity.i18n.catalogue import N_, Translator, translator
from gudcity.models import PointTransaction, Reward, User
from gudcity.services import cards, expiry, notifications, programs, qr_cards, redemptions
from gudcity.state.reward_items import RewardCodeItem, reward_code_item
from gudcity.state.timefmt import ago

RECENT_ENTRIES = 3
# A card lists its next expiries, a line per day: "20 points expire on 12 Jan 2027".
EXPIRY_LINES = 3
# Entries of the notification list per page ("Show older" adds one more).
NOTIFICATIONS_SHOWN = 20
# A toast for a request points at where it is answered: the top of /cards.
ANSWER_AT_THE_TOP = N_("Accept or Decline it at the top of this page.")


@dataclass
class LedgerLine:
    label: str
    amount: str
    when: str


@dataclass
class RewardOption:
    reward_id: int
    name: str
    cost: int
    affordable: bool
    # "20 points", "1 stamp": the cost in the program's words.
    cost_label: str = ""


@dataclass
class CardTile:
    card_id: int
    program_id: int
    program_name: str
    business_name: str
    unit: str
    balance: int
    tier: str
    next_reward: str
    progress: int
    recent: list[LedgerLine] = field(default_factory=list)
    rewards: list[RewardOption] = field(default_factory=list)
    # The business archived the program: the card is kept to be looked at only.
    archived: bool = False
    # The card's own page: its whole history and reward codes.
    href: str = ""
    # How to reach the business, as its owner keeps it in /settings ("" when not given).
    business_address: str = ""
    business_phone: str = ""
    business_hours: str = ""
    # Its coming expiries, the soonest first ([]: none).
    expiries: list[str] = field(default_factory=list)


@dataclass
class NotificationItem:
    notification_id: int
    title: str
    message: str
    when: str
    unread: bool
    needs_answer: bool
    answer: str
    # What the entry shows with it: the scan that earned these points.
    detail: str = ""


@dataclass
class CardsPage:
    customer_id: int
    card_number: str
    cards: list[CardTile]
    notifications: list[NotificationItem]
    unread_count: int
    newest_notification_id: int
    reward_codes: list[RewardCodeItem] = field(default_factory=list)
    has_older_notifications: bool = False


def qr_image_src(user: User) -> str:
    png = qr_cards.qr_png(qr_cards.issue_token(user))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _tile(
    card: cards.CardView,
    ladder: list[Reward],
    recent: list[PointTransaction],
    expiries: list[expiry.DayExpiry],
    tr: Translator,
) -> CardTile:
    progress = progress_to_next_reward(
        card.balance, [RewardStep(r.name, r.cost) for r in ladder], card.program_kind
    )
    return CardTile(
        card_id=card.card_id,
        program_id=card.program_id,
        program_name=card.program_name,
        business_name=card.business_name,
        unit=tr.message(unit_message(card.program_kind, card.balance)),
        balance=card.balance,
        tier=tr.gettext(tier_title(card.tier)),
        next_reward=tr.message(progress.next_reward),
        progress=progress.percent,
        recent=[
            LedgerLine(
                tr.gettext(TRANSACTION_LABELS[t.kind]),
                signed_amount(t.amount),
                ago(tr, t.created_at),
            )
            for t in recent
        ],
        rewards=[
            RewardOption(
                r.id,
                r.name,
                r.cost,
                affordable(card.balance, r.cost),
                tr.message(amount_message(card.program_kind, r.cost)),
            )
            for r in ladder
        ],
        archived=card.program_archived,
        href=routes.card_page(card.card_id),
        business_address=card.business_address,
        business_phone=card.business_phone,
        business_hours=card.business_hours,
        expiries=[
            tr.message(expire_on_message(card.program_kind, e.points, e.day))
            for e in expiries[:EXPIRY_LINES]
        ],
    )


def _notification(entry: notifications.NotificationEntry, tr: Translator) -> NotificationItem:
    note = entry.main
    return NotificationItem(
        notification_id=note.id,
        title=tr.message(entry.title),
        message=tr.message(entry.message),
        when=ago(tr, note.created_at),
        unread=entry.unread,
        needs_answer=note.requires_action and note.action_taken is None,
        answer=(note.action_taken or "").title(),
        detail=" · ".join(tr.message(detail) for detail in entry.details),
    )


def read_cards_page(
    session: Session, user: User, shown: int = NOTIFICATIONS_SHOWN, language: str = "en"
) -> CardsPage:
    """Everything /cards shows but the QR code, read in one go from the services, in the
    words of `language`."""
    tr = translator(language)
    # First: reading the codes expires overdue ones, whose points go back on the cards.
    codes = redemptions.list_reward_codes(session, user)
    feed = notifications.notification_entries(session, user, entries=shown)
    held = cards.list_cards(session, user)
    ladders = programs.rewards_ladders(session, [card.program_id for card in held])
    activity = cards.recent_activity(
        session, user, [card.card_id for card in held], limit=RECENT_ENTRIES
    )
    expiries = expiry.upcoming_for_cards(session, user, held)
    return CardsPage(
        customer_id=user.id,
        card_number=format_card_number(user.card_number),
        cards=[
            _tile(c, ladders[c.program_id], activity[c.card_id], expiries.get(c.card_id, []), tr)
            for c in held
        ],
        notifications=[_notification(entry, tr) for entry in feed.entries],
        unread_count=notifications.unread_count(session, user),
        newest_notification_id=feed.entries[0].main.id if feed.entries else 0,
        reward_codes=[reward_code_item(code, tr) for code in codes],
        has_older_notifications=feed.has_older,
    )


@functools.cache
def page_reader(shown: int, language: str):
    """The page's read for so many entries in a language: one object for each, so tabs
    showing the same share a read."""
    return functools.partial(read_cards_page, shown=shown, language=language)


def toast_text(note: NotificationItem, tr: Translator) -> str:
    """A new notification's toast; a request's says where to answer it."""
    if not note.needs_answer:
        return note.message
    return tr.gettext(
        "{message} {where}", message=note.message, where=tr.gettext(ANSWER_AT_THE_TOP)
    )
