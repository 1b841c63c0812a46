"""The tables, one module per part of the product; import them from here.

Times are timezone-aware UTC; enums are stored as plain strings.
"""

from gudcity.models.accounts import (
    AccountToken,
    Business,
    LoginFailure,
    LoginTicket,
    StaffPermission,
    User,
    UserSession,
)
from gudcity.models.activity import (
    BusinessNotification,
    CustomerInteraction,
    CustomerNotification,
    QrScanLog,
    StaffAction,
    SyncNotification,
)
from gudcity.models.analytics import (
    NO_STAFF,
    DailyRewards,
    DailyStats,
    DailyVisits,
    EnrollmentChange,
    VisitDay,
)
from gudcity.models.base import (
    as_utc,
    enum_column,
    utc_now,
)
from gudcity.models.enums import (
    BONUS_KINDS,
    ApprovalKind,
    ApprovalStatus,
    EnrollmentStatus,
    ExpiryMode,
    NotificationType,
    ProgramKind,
    PromotionKind,
    ReferralStatus,
    RewardCodeStatus,
    StaffActionKind,
    TierBasis,
    TierDowngrade,
    TokenPurpose,
    TransactionKind,
    UserRole,
)
from gudcity.models.expiry import ExpiryCheck, ExpiryNotice, ExpiryRule
from gudcity.models.loyalty import (
    ApprovalRequest,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    Reward,
    RewardCode,
)
from gudcity.models.mail import OutboxMail
from gudcity.models.promotions import PromoCode, PromoCodeUse, Promotion
from gudcity.models.referrals import Referral
from gudcity.models.tiers import ProgramTier
from gudcity.models.views import (
    customer_business_view,
    customer_loyalty_cards,
    view_metadata,
)
from gudcity.models.visit_history import CustomerVisits, VisitStep

__all__ = [
    "BONUS_KINDS",
    "NO_STAFF",
    "AccountToken",
    "ApprovalKind",
    "ApprovalRequest",
    "ApprovalStatus",
    "Business",
    "BusinessNotification",
    "CustomerInteraction",
    "CustomerNotification",
    "CustomerVisits",
    "DailyRewards",
    "DailyStats",
    "DailyVisits",
    "EnrollmentChange",
    "EnrollmentStatus",
    "ExpiryCheck",
    "ExpiryMode",
    "ExpiryNotice",
    "ExpiryRule",
    "LoginFailure",
    "LoginTicket",
    "LoyaltyCard",
    "LoyaltyProgram",
    "NotificationType",
    "OutboxMail",
    "PointTransaction",
    "ProgramEnrollment",
    "ProgramKind",
    "ProgramTier",
    "PromoCode",
    "PromoCodeUse",
    "Promotion",
    "PromotionKind",
    "QrScanLog",
    "Referral",
    "ReferralStatus",
    "Reward",
    "RewardCode",
    "RewardCodeStatus",
    "StaffAction",
    "StaffActionKind",
    "StaffPermission",
    "SyncNotification",
    "TierBasis",
    "TierDowngrade",
    "TokenPurpose",
    "TransactionKind",
    "User",
    "UserRole",
    "UserSession",
    "VisitDay",
    "VisitStep",
    "as_utc",
    "customer_business_view",
    "customer_loyalty_cards",
    "enum_column",
    "utc_now",
    "view_metadata",
]
