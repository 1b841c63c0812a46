"""Demo data, told through the same services the app uses.

Alice is enrolled in 3 programs of 2 businesses, has a few notifications and one
enrollment request waiting for her answer. Loaded only into an empty database.
"""

from sqlmodel import Session, select

from gudcity.domain.tiers import Tier
from gudcity.models import ProgramKind, User
from gudcity.models.loyalty import DEFAULT_SCAN_COOLDOWN_SECONDS
from gudcity.services import (
    accounts,
    answers,
    awards,
    counter,
    enrollment,
    lookups,
    notifications,
    permissions,
    program_bonuses,
    programs,
    redemptions,
    scanning,
    tiers,
)

DEMO_PASSWORD = "gudcity-demo"
DEMO_TEMPORARY_PASSWORD = "gudcity-demo-temporary"
CUSTOMER_EMAIL = "alice@demo.gudcity.app"
CAFE_EMAIL = "cafe@demo.gudcity.app"
SALON_EMAIL = "salon@demo.gudcity.app"
STAFF_EMAIL = "barista@demo.gudcity.app"
SECOND_CUSTOMER_EMAIL = "ben@demo.gudcity.app"

DEMO_LOGINS = (
    ("Customer (Alice)", CUSTOMER_EMAIL),
    ("Customer (Ben)", SECOND_CUSTOMER_EMAIL),
    ("Business: Bean There Café", CAFE_EMAIL),
    ("Business: Glow Salon", SALON_EMAIL),
    ("Staff at Bean There Café", STAFF_EMAIL),
)


def database_is_empty(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is None


def _accept_latest_request(session: Session, customer: User) -> None:
    latest = notifications.list_customer_notifications(session, customer, limit=1)[0]
    answers.act_on_notification(session, customer, latest.id, accept=True)


def load_demo_data(session: Session) -> bool:
    """Fill an empty database; return False (and touch nothing) if it has data."""
    if not database_is_empty(session):
        return False
    alice, ben, cafe_owner, cafe, salon_owner, salon, barista = _people(session)
    coffee, pastry, glow, nails = _programs(session, cafe_owner, cafe, salon_owner, salon)
    _visits(session, alice, ben, cafe_owner, barista, salon_owner, coffee, pastry, glow)
    _start_cooldowns(session, ((cafe_owner, (coffee, pastry)), (salon_owner, (glow, nails))))
    # Waiting for Alice: an invitation to the salon's Nail Bar.
    enrollment.request_enrollment(session, salon_owner, nails.id, alice.id, "demo-nails-invite")
    return True


def _people(session: Session):
    """Two customers, two owners with their businesses, and the café's barista."""
    alice = accounts.register_customer(
        session, name="Alice Rivera", email=CUSTOMER_EMAIL, password=DEMO_PASSWORD
    )
    ben = accounts.register_customer(
        session, name="Ben Okafor", email=SECOND_CUSTOMER_EMAIL, password=DEMO_PASSWORD
    )
    cafe_owner, cafe = accounts.register_business(
        session,
        name="Carla Mendes",
        email=CAFE_EMAIL,
        password=DEMO_PASSWORD,
        business_name="Bean There Café",
    )
    salon_owner, salon = accounts.register_business(
        session,
        name="Sam Lee",
        email=SALON_EMAIL,
        password=DEMO_PASSWORD,
        business_name="Glow Salon",
    )
    barista = accounts.add_staff_member(
        session,
        cafe_owner,
        cafe.id,
        name="Dev Patel",
        email=STAFF_EMAIL,
        password=DEMO_TEMPORARY_PASSWORD,
        permissions={permissions.Permission.SCAN, permissions.Permission.AWARD},
    )
    # As at a first log-in: the barista replaces the owner's temporary password.
    barista = accounts.choose_first_password(session, barista, DEMO_PASSWORD)
    return alice, ben, cafe_owner, cafe, salon_owner, salon, barista


def _programs(session: Session, cafe_owner, cafe, salon_owner, salon):
    """Each business's points and stamps programs, with their rewards ladders."""
    # No cooldown while the demo replays visits of many days at once (_start_cooldowns).
    off = {"scan_cooldown_seconds": 0}
    coffee = programs.create_program(session, cafe_owner, cafe.id, name="Coffee Club", **off)
    pastry = programs.create_program(
        session,
        cafe_owner,
        cafe.id,
        name="Pastry Stamps",
        kind=ProgramKind.STAMPS,
        points_per_scan=1,
        **off,
    )
    glow = programs.create_program(
        session, salon_owner, salon.id, name="Glow Rewards", points_per_scan=25, **off
    )
    nails = programs.create_program(
        session,
        salon_owner,
        salon.id,
        name="Nail Bar",
        kind=ProgramKind.STAMPS,
        points_per_scan=1,
        **off,
    )
    for program, owner, ladder in (
        (coffee, cafe_owner, (("Free espresso", 50), ("Free latte", 100), ("Pastry box", 250))),
        (pastry, cafe_owner, (("Free croissant", 8),)),
        (glow, salon_owner, (("Free blow-dry", 200), ("20% off colour", 400))),
        (nails, salon_owner, (("Free manicure", 6),)),
    ):
        for name, cost in ladder:
            programs.add_reward(session, owner, program.id, name=name, cost=cost)
    _grow(session, cafe_owner, coffee)
    return coffee, pastry, glow, nails


def _grow(session: Session, owner, coffee) -> None:
    """The Coffee Club's growth engine: a welcome, a birthday reward, referrals, tiers."""
    program_bonuses.set_program_bonuses(
        session,
        owner,
        coffee.id,
        welcome_bonus=10,
        birthday_bonus=50,
        birthday_window_days=7,
        referrer_bonus=50,
        friend_bonus=25,
        referral_limit=10,
    )
    tiers.save_tiers(
        session,
        owner,
        coffee.id,
        tiers=[
            Tier("Regular", 0),
            Tier("Gold", 150, 150, ("1.5x points on every visit", "Free refill")),
        ],
        basis="WINDOW",
        window_days=90,
        downgrade="WINDOW",
    )


def _start_cooldowns(session: Session, owned) -> None:
    """From now on, as in any new program: one scan award per visit."""
    for owner, owned_programs in owned:
        for program in owned_programs:
            programs.update_program(
                session, owner, program.id, scan_cooldown_seconds=DEFAULT_SCAN_COOLDOWN_SECONDS
            )


def _visits(session: Session, alice, ben, cafe_owner, barista, salon_owner, coffee, pastry, glow):
    """Alice's first visits (each scan invites her, she accepts, the visit counts), her
    regular ones, a bonus and a redeemed reward; Ben joins on his own."""
    for program, scanner in ((coffee, barista), (pastry, cafe_owner), (glow, salon_owner)):
        scanning.scan_customer(session, scanner, program.id, alice.id, f"demo-first-{program.id}")
        _accept_latest_request(session, alice)
    for visit in range(7):
        scanning.scan_customer(session, barista, coffee.id, alice.id, f"demo-coffee-{visit}")
    for visit in range(5):
        scanning.scan_customer(session, cafe_owner, pastry.id, alice.id, f"demo-pastry-{visit}")
    glow_card = lookups.card_of(session, alice.id, glow.id)
    awards.award_points(session, salon_owner, glow_card.id, 100, "demo-glow-bonus", note="Colour")
    coffee_card = lookups.card_of(session, alice.id, coffee.id)
    redeemed = redemptions.redeem_reward(
        session, alice, coffee_card.id, programs.rewards_ladder(session, coffee.id)[0].id, "demo-r1"
    )
    # Handed over at the counter (a code left waiting would expire and refund).
    shown = counter.check_reward_code(
        session, barista, coffee.business_id, redeemed.redemption_code
    )
    counter.deliver_reward_code(session, barista, coffee.business_id, shown.code_id)
    enrollment.join_program(session, ben, coffee.id)
    scanning.scan_customer(session, barista, coffee.id, ben.id, "demo-ben-1")
