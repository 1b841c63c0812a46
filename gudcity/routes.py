"""Every path of the app, named once.

Browser tests outside the project rely on these paths: add new ones, never rename one.
"""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
CARDS = "/cards"
# One of the customer's cards, its whole history: /cards/<card id>.
CARD = "/cards/[card_id]"
SCANNER = "/business/scanner"
# The owner's dashboard (and staff given "Reports"): first in their navigation.
DASHBOARD = "/business/dashboard"
CUSTOMERS = "/business/customers"
# One customer of the business: /business/customers/<id> (Reflex's dynamic segment).
CUSTOMER = "/business/customers/[customer_id]"
ACTIVITY = "/business/activity"
PROGRAMS = "/business/programs"
# A business's promotions and promo codes (the owner, staff who may manage programs).
PROMOTIONS = "/business/promotions"
STAFF = "/business/staff"
# Where a user given a temporary password (staff at first log-in) chooses their own.
NEW_PASSWORD = "/new-password"
# Forgotten passwords: ask for a link, then choose a new password through it.
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password"
# A link mailed to a new address confirms the change of a user's email to it.
CONFIRM_EMAIL = "/confirm-email"
# Any logged-in user's own settings: name, password, an owner's business details.
SETTINGS = "/settings"
# Downloads served by HTTP endpoints (gudcity/web/exports.py), not pages.
MY_DATA_DOWNLOAD = "/export/my-data.json"
CUSTOMERS_CSV = "/export/customers.csv"
LEDGER_CSV = "/export/ledger.csv"
# Where a customer's referral link leads a friend: /join/<code> (services/referrals.py).
JOIN = "/join/[code]"
JOIN_PREFIX = "/join/"
# Every business page lives under this prefix.
BUSINESS_PREFIX = "/business/"


def customer_page(customer_id: int) -> str:
    """The address of one customer's page (CUSTOMER, filled in)."""
    return f"{CUSTOMERS}/{customer_id}"


def card_page(card_id: int) -> str:
    """The address of one card's page (CARD, filled in)."""
    return f"{CARDS}/{card_id}"


def join_page(code: str) -> str:
    """The address of a referral link (JOIN, filled in)."""
    return f"{JOIN_PREFIX}{code}"
