"""Who may do what: every service call made on a user's behalf, tried by every kind of actor.

`POLICY` below is the whole rule set at a glance: one row per call, one column per
actor; each cell is OK (the call goes through), DENY (PermissionDeniedError: the
actor is known but may not do this) or HIDE (NotFoundError: the actor may not even
learn that the thing exists). Every refusal is also checked to write nothing: not a
row added, not a value changed. Calls that only read must write nothing even when
allowed.

The actors (column: name), all built fresh for each test:
  anon:   anonymous       None: nobody logged in. The state layer already refuses a
                          missing or dead session (sessions.user_for_token) before any
                          service runs; the services must refuse None as well.
  cust:   customer        the customer the call concerns (their card, request,
                          notification)
  other:  other_customer  another customer, with nothing at this business
  owner:  owner           the owner of the business the call concerns
  rival:  other_owner     the owner of another business
  staff+: staff_with      staff of the business holding the permission the call needs
                          (every permission when no staff permission is the point)
  staff-: staff_without   staff of the business holding every permission but that one
                          (none at all when no staff permission is the point)

The "needs" column: a staff permission; VIEW (any staff member of the business has
it); CUSTOMER (only the customer concerned); OWNER (only the owner); ANYONE (anyone
logged in, each seeing their own).
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

import gudcity.services
from gudcity.domain.analytics import preset_period
from gudcity.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from gudcity.domain.referral_codes import referral_code
from gudcity.domain.tiers import Tier
from gudcity.models import (
    ApprovalRequest,
    Business,
    CustomerNotification,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    Reward,
    User,
)
from gudcity.services import (
    account_deletion,
    accounts,
    activity,
    answers,
    awards,
    birthdays,
    card_history,
    cards,
    counter,
    customer_detail,
    customers,
    dashboard,
    deductions,
    email_change,
    enrollment,
    expiry,
    expiry_rules,
    exports,
    my_data,
    notifications,
    permissions,
    profile,
    program_bonuses,
    programs,
    promo_codes,
    promotions,
    qr_cards,
    redemptions,
    referral_list,
    referrals,
    request_answers,
    scanning,
    staff,
    standing,
    tiers,
)
from gudcity.services.permissions import Permission
from gudcity.services.promotions import PromotionInput
from gudcity.settings import get_settings
from tests.support.make import PASSWORD, Make
from tests.support.snapshots import changes, snapshot

OK = "allowed"
DENY = PermissionDeniedError  # the actor is known but may not do this
HIDE = NotFoundError  # the actor may not even learn that the thing exists

# What a row needs besides a Permission.
CUSTOMER = "the customer it concerns"
OWNER = "the owner only"
ANYONE = "anyone logged in"

ACTORS = (
    "anonymous",
    "customer",
    "other_customer",
    "owner",
    "other_owner",
    "staff_with",
    "staff_without",
)
STAFF_PERMISSIONS = frozenset(p for p in Permission if p != Permission.VIEW_CUSTOMERS)


@dataclass
class World:
    """One business with a customer holding a card, and the outsiders around them."""

    session: Session
    make: Make
    owner: User
    business: Business
    program: LoyaltyProgram  # the customer holds a card here
    other_program: LoyaltyProgram  # of the same business; the customer is not enrolled
    reward: Reward
    customer: User
    card: LoyaltyCard
    other_customer: User
    other_owner: User
    other_business: Business

    def actor(self, name: str, needs: Any) -> User | None:
        if name == "anonymous":
            return None
        if name in ("staff_with", "staff_without"):
            needed = {needs} & STAFF_PERMISSIONS
            granted = needed or STAFF_PERMISSIONS
            if name == "staff_without":
                granted = STAFF_PERMISSIONS - needed if needed else frozenset()
            return self.make.staff(self.owner, self.business, *granted)
        return getattr(self, name)


@pytest.fixture
def world(session, make) -> World:
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    other_program = make.program(owner, business, name="Tea Club")
    reward = programs.add_reward(session, owner, program.id, name="Free coffee", cost=20)
    customer = make.customer("Alice")
    card = make.card(customer, program, balance=100)
    other_owner, other_business = make.business("Rival Roasters")
    return World(
        session=session,
        make=make,
        owner=owner,
        business=business,
        program=program,
        other_program=other_program,
        reward=reward,
        customer=customer,
        card=card,
        other_customer=make.customer("Mallory"),
        other_owner=other_owner,
        other_business=other_business,
    )


# --- the calls ----------------------------------------------------------------------------
#
# Each builds what its call needs (as the owner or the customer, before anything is
# compared) and returns the call itself, to be made by each actor in turn.

Call = Callable[[User | None], Any]


def _deduction_request(w: World) -> ApprovalRequest:
    return deductions.request_deduction(w.session, w.owner, w.card.id, 5, w.make.key())


def _enrollment_request(w: World) -> ApprovalRequest:
    key = w.make.key()
    return enrollment.request_enrollment(w.session, w.owner, w.other_program.id, w.customer.id, key)


def _actionable_notification(w: World) -> CustomerNotification:
    request = _deduction_request(w)
    return w.session.exec(
        select(CustomerNotification).where(CustomerNotification.approval_request_id == request.id)
    ).one()


def _unread_notification(w: World) -> CustomerNotification:
    return notifications.list_customer_notifications(w.session, w.customer)[0]


def _expiring_cards(w: World) -> list:
    """The customer's cards, their program's points expiring (a year after earning)."""
    expiry_rules.set_expiry_rule(w.session, w.owner, w.program.id, "AFTER_EARNED", 365)
    return cards.list_cards(w.session, w.customer)


def _answer_deduction(w: World) -> Call:
    request = _deduction_request(w)
    return lambda actor: deductions.respond_to_deduction(w.session, actor, request.id, True)


def _decline_deduction(w: World) -> Call:
    request = _deduction_request(w)
    return lambda actor: deductions.respond_to_deduction(w.session, actor, request.id, False)


def _answer_enrollment(w: World) -> Call:
    request = _enrollment_request(w)
    return lambda actor: enrollment.respond_to_enrollment(w.session, actor, request.id, True)


def _act_on_notification(w: World) -> Call:
    note = _actionable_notification(w)
    return lambda actor: answers.act_on_notification(w.session, actor, note.id, True)


def _answers_to_counter(w: World) -> Call:
    request = _deduction_request(w)
    return lambda actor: request_answers.answers_to_counter(
        w.session, actor, w.business.id, [request.id]
    )


def _mark_read(w: World) -> Call:
    note = _unread_notification(w)
    return lambda actor: notifications.mark_read(w.session, actor, note.id)


def _scan_token(w: World) -> Call:
    token = qr_cards.issue_token(w.customer)
    return lambda actor: scanning.scan_token(w.session, actor, w.program.id, token, w.make.key())


def _reward_code(w: World) -> PointTransaction:
    """A code the customer redeemed, waiting at the counter."""
    key = w.make.key()
    return redemptions.redeem_reward(w.session, w.customer, w.card.id, w.reward.id, key)


def _code_id(w: World) -> int:
    code = _reward_code(w).redemption_code
    return counter.check_reward_code(w.session, w.owner, w.business.id, code).code_id


def _check_reward_code(w: World) -> Call:
    code = _reward_code(w).redemption_code
    return lambda actor: counter.check_reward_code(w.session, actor, w.business.id, code)


def _deliver_reward_code(w: World) -> Call:
    code_id = _code_id(w)
    return lambda actor: counter.deliver_reward_code(w.session, actor, w.business.id, code_id)


def _cancel_reward_code(w: World) -> Call:
    code_id = _code_id(w)
    return lambda actor: redemptions.cancel_reward_code(w.session, actor, code_id)


def _add_staff(w: World) -> Call:
    def call(actor):
        return accounts.add_staff_member(
            w.session,
            actor,
            w.business.id,
            name="New Hire",
            email="new.hire@example.com",
            password=PASSWORD,
            permissions={Permission.SCAN},
        )

    return call


def _change_staff(w: World) -> Call:
    member = w.make.staff(w.owner, w.business, Permission.SCAN)
    return lambda actor: staff.change_staff_permissions(
        w.session, actor, w.business.id, member.id, {Permission.SCAN, Permission.AWARD}
    )


def _remove_staff(w: World) -> Call:
    member = w.make.staff(w.owner, w.business, Permission.SCAN)
    return lambda actor: staff.remove_staff_member(w.session, actor, w.business.id, member.id)


def _choose_first_password(w: World) -> Call:
    """As the actor would at a first log-in: given a temporary password, each chooses theirs."""

    def call(actor):
        if actor is not None:
            actor.must_change_password = True
            w.session.add(actor)
            w.session.commit()
        return accounts.choose_first_password(w.session, actor, "a password of my own")

    return call


def _promotion(name: str = "Happy hour") -> PromotionInput:
    return PromotionInput(
        name=name, kind="MULTIPLIER", value=200, weekdays=[0, 1, 2], start_time="09:00",
        end_time="11:00",
    )  # fmt: skip


def _update_promotion(w: World) -> Call:
    promotion = promotions.create_promotion(w.session, w.owner, w.program.id, _promotion())
    return lambda actor: promotions.update_promotion(
        w.session, actor, promotion.id, _promotion("Late mornings")
    )


def _end_promotion(w: World) -> Call:
    promotion = promotions.create_promotion(w.session, w.owner, w.program.id, _promotion())
    return lambda actor: promotions.end_promotion(w.session, actor, promotion.id)


def _promo_code(w: World) -> str:
    return promo_codes.create_promo_code(w.session, w.owner, w.program.id, points=5).code


def _withdraw_promo_code(w: World) -> Call:
    code = promo_codes.create_promo_code(w.session, w.owner, w.program.id, points=5)
    return lambda actor: promo_codes.withdraw_promo_code(w.session, actor, code.id)


def _apply_promo_code(w: World) -> Call:
    code = _promo_code(w)
    return lambda actor: promo_codes.apply_promo_code(w.session, actor, code)


def _apply_promo_code_at_counter(w: World) -> Call:
    code = _promo_code(w)
    return lambda actor: promo_codes.apply_promo_code_at_counter(
        w.session, actor, w.business.id, w.customer.id, code
    )


def _set_program_bonuses(w: World) -> Call:
    return lambda actor: program_bonuses.set_program_bonuses(
        w.session,
        actor,
        w.program.id,
        welcome_bonus=10,
        birthday_bonus=20,
        birthday_window_days=3,
        referrer_bonus=30,
        friend_bonus=15,
        referral_limit=5,
    )


def _join_through_referral(w: World) -> Call:
    """Alice's link to Coffee Club: Mallory joins through it, Alice is refused her own."""
    _set_program_bonuses(w)(w.owner)
    code = referral_code(w.card.id, get_settings().secret_key)
    return lambda actor: referrals.join_through_referral(w.session, actor, code)


CALLS: dict[str, Callable[[World], Call]] = {
    # the ledger
    "award_points": lambda w: (
        lambda actor: awards.award_points(w.session, actor, w.card.id, 5, w.make.key())
    ),
    "request_deduction": lambda w: (
        lambda actor: deductions.request_deduction(w.session, actor, w.card.id, 5, w.make.key())
    ),
    "respond_to_deduction(accept)": _answer_deduction,
    "respond_to_deduction(decline)": _decline_deduction,
    "redeem_reward": lambda w: (
        lambda actor: redemptions.redeem_reward(
            w.session, actor, w.card.id, w.reward.id, w.make.key()
        )
    ),
    "cancel_reward_code": _cancel_reward_code,
    "list_reward_codes": lambda w: lambda actor: redemptions.list_reward_codes(w.session, actor),
    # a card's own page (its holder only)
    "card_summary": lambda w: lambda actor: card_history.card_summary(w.session, actor, w.card.id),
    "card_history": lambda w: lambda actor: card_history.card_history(w.session, actor, w.card.id),
    "card_reward_codes": lambda w: (
        lambda actor: card_history.card_reward_codes(w.session, actor, w.card.id)
    ),
    # the counter
    "check_reward_code": _check_reward_code,
    "deliver_reward_code": _deliver_reward_code,
    # the scanner
    "find_customer_by_card_number": lambda w: (
        lambda actor: scanning.find_customer_by_card_number(
            w.session, actor, w.business.id, w.customer.card_number
        )
    ),
    "scan_token": _scan_token,
    "scan_customer": lambda w: (
        lambda actor: scanning.scan_customer(
            w.session, actor, w.program.id, w.customer.id, w.make.key()
        )
    ),
    "standing": lambda w: (
        lambda actor: standing.standing(w.session, actor, w.program.id, w.customer.id)
    ),
    "answers_to_counter": _answers_to_counter,
    # enrollment
    "request_enrollment": lambda w: (
        lambda actor: enrollment.request_enrollment(
            w.session, actor, w.other_program.id, w.customer.id, w.make.key()
        )
    ),
    "respond_to_enrollment": _answer_enrollment,
    "join_program": lambda w: (
        lambda actor: enrollment.join_program(w.session, actor, w.other_program.id)
    ),
    "leave_program": lambda w: (
        lambda actor: enrollment.leave_program(w.session, actor, w.program.id)
    ),
    # programs and rewards
    "create_program": lambda w: (
        lambda actor: programs.create_program(w.session, actor, w.business.id, name="Cake Club")
    ),
    "update_program(rename)": lambda w: (
        lambda actor: programs.update_program(w.session, actor, w.program.id, name="Renamed")
    ),
    "update_program(pause)": lambda w: (
        lambda actor: programs.update_program(w.session, actor, w.program.id, is_active=False)
    ),
    "add_reward": lambda w: (
        lambda actor: programs.add_reward(w.session, actor, w.program.id, name="Muffin", cost=30)
    ),
    "set_reward_active": lambda w: (
        lambda actor: programs.set_reward_active(w.session, actor, w.reward.id, False)
    ),
    "set_reward_active(show)": lambda w: (
        lambda actor: programs.set_reward_active(w.session, actor, w.reward.id, True)
    ),
    "update_reward": lambda w: (
        lambda actor: programs.update_reward(w.session, actor, w.reward.id, name="Tea", cost=25)
    ),
    "archive_program": lambda w: (
        lambda actor: programs.archive_program(w.session, actor, w.program.id)
    ),
    "set_expiry_rule": lambda w: (
        lambda actor: expiry_rules.set_expiry_rule(
            w.session, actor, w.program.id, "AFTER_EARNED", 365
        )
    ),
    "list_programs": lambda w: (
        lambda actor: programs.list_programs(w.session, actor, w.business.id)
    ),
    # tiers
    "read_tier_settings": lambda w: (
        lambda actor: tiers.read_tier_settings(w.session, actor, w.program.id)
    ),
    "save_tiers": lambda w: (
        lambda actor: tiers.save_tiers(
            w.session,
            actor,
            w.program.id,
            tiers=[Tier("Member", 0), Tier("Gold", 100, 150)],
            basis="WINDOW",
            window_days=90,
            downgrade="WINDOW",
        )
    ),
    "tier_standings": lambda w: lambda actor: tiers.tier_standings(w.session, actor, [w.card.id]),
    # promotions and promo codes
    "create_promotion": lambda w: (
        lambda actor: promotions.create_promotion(w.session, actor, w.program.id, _promotion())
    ),
    "update_promotion": _update_promotion,
    "end_promotion": _end_promotion,
    "list_promotions": lambda w: (
        lambda actor: promotions.list_promotions(w.session, actor, w.business.id)
    ),
    "create_promo_code": lambda w: (
        lambda actor: promo_codes.create_promo_code(w.session, actor, w.program.id, points=5)
    ),
    "withdraw_promo_code": _withdraw_promo_code,
    "list_promo_codes": lambda w: (
        lambda actor: promo_codes.list_promo_codes(w.session, actor, w.business.id)
    ),
    "list_referrals": lambda w: (
        lambda actor: referral_list.list_referrals(w.session, actor, w.business.id)
    ),
    "apply_promo_code": _apply_promo_code,
    "apply_promo_code_at_counter": _apply_promo_code_at_counter,
    # customers of a business
    "list_customers": lambda w: (
        lambda actor: customers.list_customers(w.session, actor, w.business.id)
    ),
    "count_customers": lambda w: (
        lambda actor: customers.count_customers(w.session, actor, w.business.id)
    ),
    "customer_detail": lambda w: (
        lambda actor: customer_detail.customer_detail(
            w.session, actor, w.business.id, w.customer.id
        )
    ),
    "customer_history": lambda w: (
        lambda actor: customer_detail.customer_history(
            w.session, actor, w.business.id, w.customer.id
        )
    ),
    "list_activity": lambda w: (
        lambda actor: activity.list_activity(w.session, actor, w.business.id)
    ),
    "staff_members": lambda w: (
        lambda actor: activity.staff_members(w.session, actor, w.business.id)
    ),
    "list_business_notifications": lambda w: (
        lambda actor: notifications.list_business_notifications(w.session, actor, w.business.id)
    ),
    "business_unread_count": lambda w: (
        lambda actor: notifications.business_unread_count(w.session, actor, w.business.id)
    ),
    "mark_business_notifications_read": lambda w: (
        lambda actor: notifications.mark_business_notifications_read(
            w.session, actor, w.business.id
        )
    ),
    # a customer's own things
    "list_cards": lambda w: lambda actor: cards.list_cards(w.session, actor),
    "recent_activity": lambda w: lambda actor: cards.recent_activity(w.session, actor, [w.card.id]),
    "upcoming_for_cards": lambda w: (
        lambda held: lambda actor: expiry.upcoming_for_cards(w.session, actor, held)
    )(_expiring_cards(w)),
    "list_customer_notifications": lambda w: (
        lambda actor: notifications.list_customer_notifications(w.session, actor)
    ),
    "notification_entries": lambda w: (
        lambda actor: notifications.notification_entries(w.session, actor)
    ),
    "unread_count": lambda w: lambda actor: notifications.unread_count(w.session, actor),
    "mark_read": _mark_read,
    "mark_all_read": lambda w: lambda actor: notifications.mark_all_read(w.session, actor),
    "act_on_notification": _act_on_notification,
    # staff and businesses
    "add_staff_member": _add_staff,
    "list_staff": lambda w: lambda actor: staff.list_staff(w.session, actor, w.business.id),
    "change_staff_permissions": _change_staff,
    "remove_staff_member": _remove_staff,
    "choose_first_password": _choose_first_password,
    "businesses_of": lambda w: lambda actor: permissions.businesses_of(w.session, actor),
    "seat_of": lambda w: lambda actor: permissions.seat_of(w.session, actor),
    # one's own settings
    "account_settings": lambda w: lambda actor: profile.account_settings(w.session, actor),
    "change_name": lambda w: lambda actor: profile.change_name(w.session, actor, "New Name"),
    "choose_language": lambda w: lambda actor: profile.choose_language(w.session, actor, "fr"),
    "change_password": lambda w: (
        lambda actor: profile.change_password(
            w.session, actor, PASSWORD, "a password of my own", keep_session=""
        )
    ),
    "update_business_profile": lambda w: (
        lambda actor: profile.update_business_profile(
            w.session,
            actor,
            w.business.id,
            name="Bean Here",
            address="1 High Street",
            phone="+44 20 7946 0958",
            opening_hours="Mon-Fri 8:00-18:00",
            time_zone="Europe/London",
        )
    ),
    "request_email_change": lambda w: (
        lambda actor: email_change.request_email_change(
            w.session, actor, f"moved-{w.make.key()}@example.com", PASSWORD
        )
    ),
    # one's own data, a business's exports
    "export_my_data": lambda w: lambda actor: my_data.export_my_data(w.session, actor),
    "delete_account": lambda w: (
        lambda actor: account_deletion.delete_account(w.session, actor, PASSWORD)
    ),
    "customers_csv": lambda w: (
        lambda actor: list(exports.customers_csv(w.session, actor, w.business.id).rows)
    ),
    "ledger_csv": lambda w: (
        lambda actor: list(exports.ledger_csv(w.session, actor, w.business.id).rows)
    ),
    "read_dashboard": lambda w: (
        lambda actor: dashboard.read_dashboard(
            w.session, actor, w.business.id, preset_period(date.today(), 30)
        )
    ),
    # the growth engine: a program's bonuses, birthdays, referrals
    "program_bonuses": lambda w: (
        lambda actor: program_bonuses.program_bonuses(w.session, actor, w.program.id)
    ),
    "set_program_bonuses": _set_program_bonuses,
    "birthday_of": lambda w: lambda actor: birthdays.birthday_of(w.session, actor),
    "set_birthday": lambda w: lambda actor: birthdays.set_birthday(w.session, actor, 3, 10),
    "remove_birthday": lambda w: lambda actor: birthdays.remove_birthday(w.session, actor),
    "referral_links": lambda w: lambda actor: referrals.referral_links(w.session, actor),
    "join_through_referral": _join_through_referral,
}

# Calls that only read: even when allowed they must write nothing.
READS = {
    "read_tier_settings",
    "tier_standings",
    "list_reward_codes",
    "check_reward_code",
    "find_customer_by_card_number",
    "standing",
    "answers_to_counter",
    "list_programs",
    "list_promotions",
    "list_promo_codes",
    "list_referrals",
    "list_customers",
    "count_customers",
    "customer_detail",
    "customer_history",
    "list_activity",
    "staff_members",
    "list_business_notifications",
    "business_unread_count",
    "list_cards",
    "recent_activity",
    "upcoming_for_cards",
    "card_summary",
    "card_history",
    "card_reward_codes",
    "list_customer_notifications",
    "notification_entries",
    "unread_count",
    "businesses_of",
    "seat_of",
    "list_staff",
    "account_settings",
    "export_my_data",
    "customers_csv",
    "ledger_csv",
    "read_dashboard",
    "program_bonuses",
    "birthday_of",
    "referral_links",
}

AWARD, DEDUCT, SCAN = Permission.AWARD, Permission.DEDUCT, Permission.SCAN
MANAGE, VIEW = Permission.MANAGE_PROGRAMS, Permission.VIEW_CUSTOMERS
REPORTS = Permission.REPORTS

# fmt: off
POLICY = [
    # call                            needs      anon  cust  other owner rival staff+ staff-
    ("award_points",                  AWARD,     DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("request_deduction",             DEDUCT,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("respond_to_deduction(accept)",  CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("respond_to_deduction(decline)", CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("redeem_reward",                 CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("cancel_reward_code",            CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("list_reward_codes",             CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("card_summary",                  CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("card_history",                  CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("card_reward_codes",             CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("check_reward_code",             SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("deliver_reward_code",           SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("find_customer_by_card_number",  SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("scan_token",                    SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("scan_customer",                 SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("standing",                      SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("answers_to_counter",            SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("request_enrollment",            SCAN,      DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("respond_to_enrollment",         CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("join_program",                  CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("leave_program",                 CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("create_program",                MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("update_program(rename)",        MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("update_program(pause)",         MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("add_reward",                    MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("set_reward_active",             MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("set_reward_active(show)",       MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("update_reward",                 MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("archive_program",               MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("set_expiry_rule",               MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("list_programs",                 VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("read_tier_settings",            MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("save_tiers",                    MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("tier_standings",                CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("create_promotion",              MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("update_promotion",              MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("end_promotion",                 MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("list_promotions",               MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("create_promo_code",             MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("withdraw_promo_code",           MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("list_promo_codes",              MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("list_referrals",                MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("apply_promo_code",              CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("apply_promo_code_at_counter",   AWARD,     DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("list_customers",                VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("count_customers",               VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("customer_detail",               VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("customer_history",              VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("list_activity",                 OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("staff_members",                 OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("list_business_notifications",   VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("business_unread_count",         VIEW,      DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("mark_business_notifications_read", VIEW,   DENY, DENY, DENY, OK,   DENY, OK,   OK),
    ("list_cards",                    CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("recent_activity",               CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("upcoming_for_cards",            CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("list_customer_notifications",   CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("notification_entries",          CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("unread_count",                  CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("mark_read",                     CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("mark_all_read",                 CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("act_on_notification",           CUSTOMER,  DENY, OK,   HIDE, DENY, DENY, DENY, DENY),
    ("add_staff_member",              OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("list_staff",                    OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("change_staff_permissions",      OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("remove_staff_member",           OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("choose_first_password",         ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("businesses_of",                 ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("seat_of",                       ANYONE,    DENY, DENY, DENY, OK,   OK,   OK,   OK),
    ("account_settings",              ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("change_name",                   ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("choose_language",               ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("change_password",               ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("update_business_profile",       OWNER,     DENY, DENY, DENY, OK,   DENY, DENY, DENY),
    ("request_email_change",          ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    ("export_my_data",                ANYONE,    DENY, OK,   OK,   OK,   OK,   OK,   OK),
    # An owner's account carries their business: they export or transfer it first.
    ("delete_account",                ANYONE,    DENY, OK,   OK,   DENY, DENY, OK,   OK),
    ("customers_csv",                 REPORTS,   DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("ledger_csv",                    REPORTS,   DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("read_dashboard",                REPORTS,   DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("program_bonuses",               MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("set_program_bonuses",           MANAGE,    DENY, DENY, DENY, OK,   DENY, OK,   DENY),
    ("birthday_of",                   CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("set_birthday",                  CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("remove_birthday",               CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    ("referral_links",                CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
    # Alice is refused her own link (recorded), Mallory joins through it.
    ("join_through_referral",         CUSTOMER,  DENY, OK,   OK,   DENY, DENY, DENY, DENY),
]
# fmt: on
# (Allowed listings show each actor only their own things: see the tests further down.)


def _cases():
    for call, needs, *expectations in POLICY:
        for actor, expected in zip(ACTORS, expectations, strict=True):
            yield pytest.param(call, needs, actor, expected, id=f"{call}-{actor}")


def test_the_policy_covers_every_call_and_every_actor():
    assert [row[0] for row in POLICY] == list(CALLS)
    assert all(len(row) == 2 + len(ACTORS) for row in POLICY)
    assert set(CALLS) >= READS


# Take an actor but are not calls of their own: the checks every call above runs
# through, the ledger's read of a card for its checks, and the step a scan and
# request_enrollment share (after their checks).
NOT_CALLS = {
    "changeable_program",
    "require_customer",
    "require_business_owner",
    "require_business_permission",
    "check_business_permission",
    "card_access",
    "open_enrollment_request",
    "check_deletable",
    "managed_program",
}


def test_every_service_function_taking_an_actor_has_a_row():
    """A new service call made on a user's behalf must join the policy."""
    modules = [
        importlib.import_module(f"gudcity.services.{info.name}")
        for info in pkgutil.iter_modules(gudcity.services.__path__)
    ]
    acting = {
        name
        for module in modules
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    }
    in_policy = {call.split("(")[0] for call in CALLS}
    assert acting - NOT_CALLS == in_policy


@pytest.mark.parametrize(("call", "needs", "actor_name", "expected"), list(_cases()))
def test_policy(session, world, call, needs, actor_name, expected):
    actor = world.actor(actor_name, needs)
    make_call = CALLS[call](world)
    before = snapshot(session)

    if expected is OK:
        make_call(actor)
        if call in READS:
            assert changes(before, snapshot(session)) == {}, f"{call} only reads, but it wrote"
    else:
        with pytest.raises(expected):
            make_call(actor)
        assert changes(before, snapshot(session)) == {}, f"a refused {call} wrote something"


# --- allowed, but each actor sees only their own ------------------------------------------


def test_another_customers_listings_hold_nothing_of_the_customer(session, world):
    mallory = world.other_customer
    assert cards.list_cards(session, mallory) == []
    assert cards.recent_activity(session, mallory, [world.card.id]) == {world.card.id: []}
    assert notifications.list_customer_notifications(session, mallory) == []
    assert notifications.unread_count(session, mallory) == 0
    _reward_code(world)
    assert redemptions.list_reward_codes(session, mallory) == []
    mine = my_data.export_my_data(session, mallory)
    assert mine["cards"] == mine["ledger"] == mine["reward_codes"] == mine["notifications"] == []


def test_another_customer_marking_all_read_leaves_the_customers_unread(session, world):
    unread = notifications.unread_count(session, world.customer)
    assert unread > 0
    assert notifications.mark_all_read(session, world.other_customer) == 0
    assert notifications.unread_count(session, world.customer) == unread


def test_another_business_sees_none_of_the_business_in_its_own_listings(session, world):
    rival, rivals = world.other_owner, world.other_business.id
    assert customers.list_customers(session, rival, rivals).rows == []
    assert customers.list_customers(session, rival, rivals, program_id=world.program.id).rows == []
    assert customers.count_customers(session, rival, rivals) == 0
    assert programs.list_programs(session, rival, rivals) == []
    assert notifications.list_business_notifications(session, rival, rivals) == []
    assert list(exports.customers_csv(session, rival, rivals).rows) == []
    assert list(exports.ledger_csv(session, rival, rivals).rows) == []
    assert [b.id for b in permissions.businesses_of(session, rival)] == [rivals]


def test_staff_see_only_the_businesses_they_work_for(session, world):
    staff = world.make.staff(world.owner, world.business)
    assert [b.id for b in permissions.businesses_of(session, staff)] == [world.business.id]
    assert permissions.businesses_of(session, world.customer) == []


# --- request keys are no way into someone else's request --------------------------------


def test_an_enrollment_key_reused_by_another_business_is_a_conflict_not_their_request(
    session, world
):
    """Fixed: enrollment.open_enrollment_request returned whatever request held the key,
    so a reused key handed another business's request (its customer, program and
    business) to the caller, who also believed an invitation had gone out."""
    key = world.make.key()
    enrollment.request_enrollment(
        session, world.owner, world.other_program.id, world.customer.id, key
    )
    rival_program = world.make.program(world.other_owner, world.other_business)
    before = snapshot(session)

    with pytest.raises(ConflictError, match="already used"):
        enrollment.request_enrollment(
            session, world.other_owner, rival_program.id, world.other_customer.id, key
        )
    assert changes(before, snapshot(session)) == {}


def test_an_enrollment_key_reused_for_another_customer_is_a_conflict(session, world):
    key = world.make.key()
    enrollment.request_enrollment(
        session, world.owner, world.other_program.id, world.customer.id, key
    )
    with pytest.raises(ConflictError, match="already used"):
        enrollment.request_enrollment(
            session, world.owner, world.other_program.id, world.other_customer.id, key
        )


def test_the_same_enrollment_request_sent_twice_is_still_one_request(session, world):
    key = world.make.key()
    first = _enrollment_request_with(world, key)
    before = snapshot(session)
    assert _enrollment_request_with(world, key).id == first.id
    assert changes(before, snapshot(session)) == {}


def _enrollment_request_with(world: World, key: str) -> ApprovalRequest:
    return enrollment.request_enrollment(
        world.session, world.owner, world.other_program.id, world.customer.id, key
    )


def test_a_deduction_key_reused_on_another_customers_card_is_a_conflict(session, world):
    """Fixed: deductions.request_deduction compared only the program of the request a
    reused key named, so it returned the request made on another customer's card."""
    bob = world.make.customer("Bob")
    bobs_card = world.make.card(bob, world.program, balance=50)
    key = world.make.key()
    deductions.request_deduction(session, world.owner, world.card.id, 5, key)

    with pytest.raises(ConflictError, match="already used"):
        deductions.request_deduction(session, world.owner, bobs_card.id, 5, key)


def test_a_scan_key_used_at_another_business_reveals_nothing_of_that_scan(session, world):
    key = world.make.key()
    scanning.scan_token(session, world.owner, world.program.id, _token(world.customer), key)
    rival_program = world.make.program(world.other_owner, world.other_business)
    before = snapshot(session)

    with pytest.raises(ConflictError, match="already used for another scan"):
        scanning.scan_token(
            session, world.other_owner, rival_program.id, _token(world.other_customer), key
        )
    assert changes(before, snapshot(session)) == {}


def test_a_scan_key_used_at_another_business_does_not_stand_for_this_scan(session, world):
    key = world.make.key()
    scanning.scan_customer(session, world.owner, world.program.id, world.customer.id, key)
    rival_program = world.make.program(world.other_owner, world.other_business)
    before = snapshot(session)

    with pytest.raises(ConflictError, match="already used for another scan"):
        scanning.scan_customer(session, world.other_owner, rival_program.id, world.customer.id, key)
    assert changes(before, snapshot(session)) == {}


def test_a_scan_key_used_for_one_customer_does_not_stand_for_another(session, world):
    key = world.make.key()
    scanning.scan_customer(session, world.owner, world.program.id, world.customer.id, key)
    before = snapshot(session)

    with pytest.raises(ConflictError, match="already used for another scan"):
        scanning.scan_customer(session, world.owner, world.program.id, world.other_customer.id, key)
    assert changes(before, snapshot(session)) == {}


def _token(customer: User) -> str:
    return qr_cards.issue_token(customer)


def _business_of(session: Session, transaction: PointTransaction) -> int:
    card = session.get(LoyaltyCard, transaction.card_id)
    return session.get(LoyaltyProgram, card.program_id).business_id
