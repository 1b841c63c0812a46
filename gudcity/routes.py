"""Every path of the app, named once.

Browser tests outside the project rely on these paths: add new ones, never rename one.
"""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
CARDS = "/cards"
SCANNER = "/business/scanner"
CUSTOMERS = "/business/customers"
# One customer of the business: /business/customers/<id> (Reflex's dynamic segment).
CUSTOMER = "/business/customers/[customer_id]"
ACTIVITY = "/business/activity"
PROGRAMS = "/business/programs"
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
# Every business page lives under this prefix.
BUSINESS_PREFIX = "/business/"


def customer_page(customer_id: int) -> str:
    """The address of one customer's page (CUSTOMER, filled in)."""
    return f"{CUSTOMERS}/{customer_id}"
