"""The enumerations the tables store (as strings: a new value needs no type migration)."""

from enum import StrEnum


class UserRole(StrEnum):
    CUSTOMER = "CUSTOMER"
    BUSINESS_OWNER = "BUSINESS_OWNER"
    STAFF = "STAFF"
    ADMIN = "ADMIN"


class ProgramKind(StrEnum):
    POINTS = "POINTS"
    STAMPS = "STAMPS"


class TierBasis(StrEnum):
    """What a program's tiers count: base points earned ever, or in the last N days."""

    LIFETIME = "LIFETIME"
    WINDOW = "WINDOW"


class TierDowngrade(StrEnum):
    """How a tier is lost: one step down at the end of a window the card did not
    re-qualify in, or at once when the balance falls below it."""

    WINDOW = "WINDOW"
    BALANCE = "BALANCE"


class EnrollmentStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    DECLINED = "DECLINED"
    LEFT = "LEFT"


class TransactionKind(StrEnum):
    EARN = "EARN"
    DEDUCT = "DEDUCT"
    REDEEM = "REDEEM"
    ADJUST = "ADJUST"
    # A reward code cancelled or expired gives its points back.
    REFUND = "REFUND"
    # Granted by a program's rule, not typed by staff: each its own row beside what caused it.
    TIER_BONUS = "TIER_BONUS"
    PROMOTION_BONUS = "PROMOTION_BONUS"
    WELCOME_BONUS = "WELCOME_BONUS"
    BIRTHDAY_BONUS = "BIRTHDAY_BONUS"
    REFERRAL_BONUS = "REFERRAL_BONUS"
    CODE_BONUS = "CODE_BONUS"
    # Points whose time ran out (a negative amount).
    EXPIRE = "EXPIRE"


# The kinds a program's rules grant: points issued, like an award, but by no one at the counter.
BONUS_KINDS = frozenset(
    {
        TransactionKind.TIER_BONUS,
        TransactionKind.PROMOTION_BONUS,
        TransactionKind.WELCOME_BONUS,
        TransactionKind.BIRTHDAY_BONUS,
        TransactionKind.REFERRAL_BONUS,
        TransactionKind.CODE_BONUS,
    }
)


class ExpiryMode(StrEnum):
    """When a program's points expire (its `expiry_rules` rows keep each version)."""

    NONE = "NONE"
    # N days after each point was earned.
    AFTER_EARNED = "AFTER_EARNED"
    # N days after the customer's last visit to the business.
    AFTER_INACTIVITY = "AFTER_INACTIVITY"


class ApprovalKind(StrEnum):
    ENROLLMENT = "ENROLLMENT"
    POINTS_DEDUCTION = "POINTS_DEDUCTION"


class ApprovalStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class NotificationType(StrEnum):
    QR_SCANNED = "QR_SCANNED"
    ENROLLMENT_REQUEST = "ENROLLMENT_REQUEST"
    ENROLLMENT_ACCEPTED = "ENROLLMENT_ACCEPTED"
    ENROLLMENT_DECLINED = "ENROLLMENT_DECLINED"
    CARD_CREATED = "CARD_CREATED"
    POINTS_ADDED = "POINTS_ADDED"
    POINTS_DEDUCTION_REQUEST = "POINTS_DEDUCTION_REQUEST"
    POINTS_DEDUCTED = "POINTS_DEDUCTED"
    POINTS_DEDUCTION_DECLINED = "POINTS_DEDUCTION_DECLINED"
    REWARD_REDEEMED = "REWARD_REDEEMED"
    REWARD_DELIVERED = "REWARD_DELIVERED"
    REWARD_CANCELLED = "REWARD_CANCELLED"
    REWARD_EXPIRED = "REWARD_EXPIRED"
    # The growth engine: a bonus a program's rule granted, a tier reached or lost, expiries.
    BONUS_GRANTED = "BONUS_GRANTED"
    TIER_CHANGED = "TIER_CHANGED"
    POINTS_EXPIRING = "POINTS_EXPIRING"
    POINTS_EXPIRED = "POINTS_EXPIRED"


class ReferralStatus(StrEnum):
    """A friend joined through a referral link: PENDING until their first visit pays it,
    or REFUSED (the reason is kept beside it)."""

    PENDING = "PENDING"
    PAID = "PAID"
    REFUSED = "REFUSED"


class RewardCodeStatus(StrEnum):
    WAITING = "WAITING"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class StaffActionKind(StrEnum):
    """What a staff member (or the owner) did at the counter: the activity log's rows."""

    SCAN = "SCAN"
    AWARD = "AWARD"
    DEDUCTION_REQUEST = "DEDUCTION_REQUEST"
    ENROLLMENT_REQUEST = "ENROLLMENT_REQUEST"
    DELIVERY = "DELIVERY"


class TokenPurpose(StrEnum):
    """What a link mailed to a user does (services/account_tokens.py)."""

    PASSWORD_RESET = "PASSWORD_RESET"
    EMAIL_CHANGE = "EMAIL_CHANGE"


class PromotionKind(StrEnum):
    """What a promotion adds to an award: a multiplier of its points, or a fixed bonus."""

    MULTIPLIER = "MULTIPLIER"
    BONUS = "BONUS"
