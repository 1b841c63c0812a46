"""A customer's reward codes as /cards shows them (#reward-codes): the words and the QR."""

import base64
from dataclasses import dataclass
from functools import lru_cache

from gudcity.domain.redemption_codes import reward_qr_payload
from gudcity.i18n.catalogue import Translator
from gudcity.models import RewardCodeStatus
from gudcity.services import qr_cards
from gudcity.services.reward_codes import CodeView
from gudcity.state.timefmt import ago


@dataclass
class RewardCodeItem:
    code_id: int
    code: str
    reward_name: str
    business_name: str
    # Waiting, Delivered, Cancelled or Expired: in English (a msgid, which the badge says
    # in the tab's language and its colour follows).
    state: str
    waiting: bool
    # ISO 8601 in UTC: the page shows it in the browser's own time ("" when not waiting).
    expires_at: str
    # How it ended: "Delivered 5 min ago" ("" while waiting).
    ended: str
    # The code's QR code, a PNG data URL, while it waits ("" after).
    qr_src: str
    # A promo code's reward: it cost no points, so a cancel gives none back.
    gift: bool = False


def iso_utc(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else ""


@lru_cache(maxsize=512)
def reward_qr_src(code: str) -> str:
    """The QR code the counter scans: the same code always draws the same image."""
    png = qr_cards.qr_png(reward_qr_payload(code), box_size=5)
    return "data:image/png;base64," + base64.b64encode(png).decode()


def reward_code_item(view: CodeView, tr: Translator) -> RewardCodeItem:
    waiting = view.status == RewardCodeStatus.WAITING
    ended_at = view.delivered_at or view.closed_at
    return RewardCodeItem(
        code_id=view.code_id,
        code=view.code,
        reward_name=view.reward_name,
        business_name=view.business_name,
        state=view.state,
        waiting=waiting,
        expires_at=iso_utc(view.expires_at) if waiting else "",
        ended=(
            tr.gettext("{state} {when}", state=tr.gettext(view.state), when=ago(tr, ended_at))
            if ended_at is not None
            else ""
        ),
        qr_src=reward_qr_src(view.code) if waiting else "",
        gift=not view.refunds,
    )
