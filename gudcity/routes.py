"""Every path of the app, named once.

Browser tests outside the project rely on these paths: add new ones, never rename one.
"""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
CARDS = "/cards"
SCANNER = "/business/scanner"
CUSTOMERS = "/business/customers"
PROGRAMS = "/business/programs"
STAFF = "/business/staff"
# Where a user given a temporary password (staff at first log-in) chooses their own.
NEW_PASSWORD = "/new-password"
# Every business page lives under this prefix.
BUSINESS_PREFIX = "/business/"
