"""The Reflex app: pages (and later the change-feed lifespan task). Wiring only.

The theme lives in rxconfig.py (`RadixThemesPlugin(theme=...)`): Reflex 0.10
deprecates `rx.App(theme=...)`.
"""

import reflex as rx

from gudcity.pages import home

app = rx.App()

app.add_page(home.home, route=home.ROUTE, title=home.TITLE)
