"""Forgetting the card kept for offline use (assets/pwa.js), as the user changes.

Run in the page before a log-in or log-out leaves it: the next account on the phone
starts with no card saved. The log-out's response clears the site's storage too
(gudcity/web/session_endpoints.py); this covers browsers that ignore that header.
"""

import reflex as rx


def forget_offline_card() -> rx.event.EventSpec:
    return rx.call_script("window.GudCityOffline && window.GudCityOffline.forget()")
