"""What /business/promotions shows, read in one go and put in the tab's words: the
business's programs with their rewards, its promotions, its promo codes and its
referrals (state/referral_lines.py)."""

import base64
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from gudcity.domain.labels import amount_message
from gudcity.domain.promotions import (
    clock_text,
    field_time,
    is_active,
    local_time,
    offer_message,
    promo_qr_payload,
)
from gudcity.i18n.catalogue import N_, NP_, Message, Translator
from gudcity.i18n.formatting import day, weekday_names
from gudcity.models import LoyaltyProgram, PromoCode, Promotion, Reward, User, utc_now
from gudcity.services import programs, promo_codes, promotions, qr_cards
from gudcity.services.lookups import get_business
from gudcity.services.promotion_bonuses import rule_of
from gudcity.state.business import ProgramChoice
from gudcity.state.referral_lines import ReferralsSection, read_referrals

EVERY_DAY = N_("Every day")
CODE_STATES = {
    "active": N_("Active"),
    "expired": N_("Expired"),
    "used_up": N_("Used up"),
    "withdrawn": N_("Withdrawn"),
}
_USES = NP_("{count} use", "{count} uses")
_USES_OF = NP_("{count} of {limit} used", "{count} of {limit} used")


@dataclass
class DayChoice:
    """A day of the week's checkbox: its field name ("day-0" is Monday) and word."""

    name: str
    label: str
    checked: bool = False


@dataclass
class PromotionLine:
    promotion_id: int
    name: str
    program_id: int
    program_name: str
    # "2x points", "+5 stamps"; "Mon, Tue"; "09:00-11:00"; "From 1 Dec 2026".
    offer: str
    days: str
    hours: str
    dates: str
    once_per_day: bool
    # Running at this moment (the list is read on each load and change).
    running: bool
    # What the edit dialog starts with.
    kind: str = ""
    value: int = 0
    weekdays: list[int] = field(default_factory=list)
    start_time: str = ""
    end_time: str = ""
    starts_on: str = ""
    ends_on: str = ""


@dataclass
class RewardChoice:
    """An entry of the code form's reward chooser: a reward of its program still offered."""

    reward_id: str
    label: str
    program_id: str


@dataclass
class CodeLine:
    code_id: int
    code: str
    program_name: str
    # What it gives: "+25 points", or its reward's name.
    gives: str
    uses: str
    expiry: str
    state: str
    active: bool


@dataclass
class PromotionsPage:
    programs: list[ProgramChoice]
    rewards: list[RewardChoice]
    promotions: list[PromotionLine]
    codes: list[CodeLine]
    referrals: ReferralsSection


def _days(weekdays: frozenset[int], names: list[str], tr: Translator) -> str:
    if len(weekdays) == 7:
        return tr.gettext(EVERY_DAY)
    return ", ".join(names[d] for d in sorted(weekdays))


def _dates(promotion: Promotion, tr: Translator) -> str:
    first = day(promotion.starts_on, tr.language)
    if promotion.ends_on is None:
        return tr.gettext("From {day}", day=first)
    return tr.gettext("{first} to {last}", first=first, last=day(promotion.ends_on, tr.language))


def _promotion_line(
    promotion: Promotion, program: LoyaltyProgram, time_zone: str, tr: Translator
) -> PromotionLine:
    rule = rule_of(promotion)
    return PromotionLine(
        promotion_id=promotion.id,
        name=promotion.name,
        program_id=program.id,
        program_name=program.name,
        offer=tr.message(offer_message(rule.kind, rule.value, program.kind)),
        days=_days(rule.weekdays, weekday_names(tr.language), tr),
        hours=f"{clock_text(rule.start_minute)}\u2013{clock_text(rule.end_minute)}",
        dates=_dates(promotion, tr),
        once_per_day=promotion.once_per_day,
        running=is_active(rule, utc_now(), time_zone),
        kind=rule.kind.value,
        value=rule.value,
        weekdays=sorted(rule.weekdays),
        start_time=field_time(rule.start_minute),
        end_time=field_time(rule.end_minute),
        starts_on=promotion.starts_on.isoformat(),
        ends_on=promotion.ends_on.isoformat() if promotion.ends_on else "",
    )


def _code_state(code: PromoCode) -> str:
    if code.archived_at is not None:
        return "withdrawn"
    if code.expires_at is not None and local_time(code.expires_at, "UTC") <= utc_now():
        return "expired"
    if code.usage_limit is not None and code.uses >= code.usage_limit:
        return "used_up"
    return "active"


def _gives(
    code: PromoCode, program: LoyaltyProgram, rewards: dict[int, Reward], tr: Translator
) -> str:
    if code.reward_id is not None:
        return rewards[code.reward_id].name
    return "+" + tr.message(amount_message(program.kind, code.points))


def _code_line(
    code: PromoCode,
    program: LoyaltyProgram,
    rewards: dict[int, Reward],
    time_zone: str,
    tr: Translator,
) -> CodeLine:
    state = _code_state(code)
    if code.usage_limit is None:
        uses = Message.plural_of(_USES, code.uses)
    else:
        uses = Message.plural_of(_USES_OF, code.uses, limit=code.usage_limit)
    if code.expires_at is None:
        expiry = tr.gettext("No expiry")
    else:
        # The code works through the day before the local midnight it expires at.
        last_day = local_time(code.expires_at, time_zone).date() - timedelta(days=1)
        expiry = tr.gettext("Valid until {day}", day=day(last_day, tr.language))
    return CodeLine(
        code_id=code.id,
        code=code.code,
        program_name=program.name,
        gives=_gives(code, program, rewards, tr),
        uses=tr.message(uses),
        expiry=expiry,
        state=tr.gettext(CODE_STATES[state]),
        active=state == "active",
    )


def day_choices(tr: Translator, checked: frozenset[int] = frozenset()) -> list[DayChoice]:
    return [
        DayChoice(f"day-{number}", name, number in checked)
        for number, name in enumerate(weekday_names(tr.language))
    ]


def read_promotions_page(
    session: Session, user: User, business_id: int, tr: Translator
) -> PromotionsPage:
    listed = programs.list_programs(session, user, business_id)
    by_id = {p.id: p for p in listed}
    ladders = programs.rewards_ladders(session, list(by_id), with_hidden=True)
    # Every reward a listed code may name, withdrawn ones too.
    rewards = {r.id: r for ladder in ladders.values() for r in ladder}
    time_zone = get_business(session, business_id).time_zone
    return PromotionsPage(
        programs=[ProgramChoice(str(p.id), p.name) for p in listed if p.is_active],
        rewards=[
            RewardChoice(str(r.id), r.name, str(p.id))
            for p in listed
            if p.is_active
            for r in ladders[p.id]
            if r.is_active
        ],
        promotions=[
            _promotion_line(p, by_id[p.program_id], time_zone, tr)
            for p in promotions.list_promotions(session, user, business_id)
            if p.program_id in by_id
        ],
        codes=[
            _code_line(c, by_id[c.program_id], rewards, time_zone, tr)
            for c in promo_codes.list_promo_codes(session, user, business_id)
            if c.program_id in by_id
        ],
        referrals=read_referrals(session, user, business_id, tr),
    )


def chosen_program(choices: list[ProgramChoice], chosen: str) -> str:
    """The code form's program: the one chosen while it is listed, else the first."""
    if any(choice.program_id == chosen for choice in choices):
        return chosen
    return choices[0].program_id if choices else ""


def code_qr_src(code: str) -> str:
    """The code's QR (what the scanner reads), as an image the page can show and print."""
    png = qr_cards.qr_png(promo_qr_payload(code), box_size=6)
    return "data:image/png;base64," + base64.b64encode(png).decode()
