"""What /cards shows, read in one go and put in the tab's words: the cards, their
rewards and recent activity, the notifications and the reward codes."""

import base64
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

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
from gudcity.domain.promotions import offer_message, until_message
from gudcity.domain.tiers import keep_tier_message, next_tier_message, window_message
from gudcity.i18n import formatting
from gudcity.i18n.catalogue import N_, Translator, translator
from gudcity.models import PointTransaction, ProgramKind, Reward, User
from gudcity.services import (
    cards,
    expiry,
    notifications,
    programs,
    qr_cards,
    redemptions,
    referrals,
    tiers,
)
from gudcity.services.promotion_bonuses import RunningPromotion, running_promotions
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
class CardPromotion:
    """A promotion running now in the card's program: "2x points until 11:00"."""

    name: str
    text: str
    once_per_day: bool = False


@dataclass
class CardTile:
    card_id: int
    program_id: int
    program_name: str
    business_name: str
    unit: str
    balance: int
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
    # The card's tier ("" where the program has none), its benefits, the way to the next.
    tier: str = ""
    tier_benefits: list[str] = field(default_factory=list)
    next_tier: str = ""
    # What the tier counts ("Counted over the last 90 days"; "" for lifetime points).
    tier_window: str = ""
    # What keeps it at the window's end ("80 more points by 1 Apr 2026 to keep Gold").
    keep_tier: str = ""
    # The program's promotions running as the page was read.
    promotions: list[CardPromotion] = field(default_factory=list)
    # The card's referral link while its program offers referrals ("" otherwise), and
    # what sharing it brings.
    referral_link: str = ""
    referral_offer: str = ""
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


def _with_tier(tile: CardTile, kind: str, standing: tiers.TierStanding | None, tr) -> CardTile:
    """The tile with its tier, where the program has tiers."""
    if standing is not None:
        window = window_message(standing.window_days)
        tile.tier = standing.tier.name
        tile.tier_benefits = list(standing.tier.benefits)
        tile.next_tier = tr.message(next_tier_message(ProgramKind(kind), standing.next))
        tile.tier_window = tr.message(window) if window else ""
        tile.keep_tier = _keep_words(ProgramKind(kind), standing, tr)
    return tile


def _keep_words(kind: ProgramKind, standing: tiers.TierStanding, tr: Translator) -> str:
    keep = standing.keep
    if keep is None:
        return ""
    last_day = keep.until.astimezone(ZoneInfo(keep.time_zone)).date()
    day = formatting.day(last_day, tr.language)
    return tr.message(keep_tier_message(kind, standing.tier.name, keep.missing, day))


def _card_promotion(running: RunningPromotion, program_kind, tr: Translator) -> CardPromotion:
    offer = offer_message(running.kind, running.value, program_kind)
    return CardPromotion(
        running.name, tr.message(until_message(offer, running.end_minute)), running.once_per_day
    )


def _ledger_line(row: PointTransaction, tr: Translator) -> LedgerLine:
    label = tr.gettext(TRANSACTION_LABELS[row.kind])
    return LedgerLine(label, signed_amount(row.amount), ago(tr, row.created_at))


def _reward_option(card: cards.CardView, reward: Reward, tr: Translator) -> RewardOption:
    price = tr.message(amount_message(card.program_kind, reward.cost))
    return RewardOption(
        reward.id, reward.name, reward.cost, affordable(card.balance, reward.cost), price
    )


def _tile(
    card: cards.CardView,
    ladder: list[Reward],
    recent: list[PointTransaction],
    running: list[RunningPromotion],
    link: referrals.ReferralLink | None,
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
        next_reward=tr.message(progress.next_reward),
        progress=progress.percent,
        recent=[_ledger_line(row, tr) for row in recent],
        rewards=[_reward_option(card, reward, tr) for reward in ladder],
        archived=card.program_archived,
        href=routes.card_page(card.card_id),
        business_address=card.business_address,
        business_phone=card.business_phone,
        business_hours=card.business_hours,
        promotions=[_card_promotion(p, card.program_kind, tr) for p in running],
        referral_link=link.url if link else "",
        referral_offer=tr.message(link.offer) if link else "",
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
    card_ids = [card.card_id for card in held]
    activity = cards.recent_activity(session, user, card_ids, limit=RECENT_ENTRIES)
    standings = tiers.tier_standings(session, user, card_ids)
    running = running_promotions(
        session, [card.program_id for card in held if not card.program_archived]
    )
    links = referrals.referral_links(session, user)
    expiries = expiry.upcoming_for_cards(session, user, held)
    return CardsPage(
        customer_id=user.id,
        card_number=format_card_number(user.card_number),
        cards=[
            _with_tier(
                _tile(
                    c,
                    ladders[c.program_id],
                    activity[c.card_id],
                    running.get(c.program_id, []),
                    links.get(c.card_id),
                    expiries.get(c.card_id, []),
                    tr,
                ),
                c.program_kind,
                standings.get(c.card_id),
                tr,
            )
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
