"""Reflex configuration.

No `db_url`: GudCity manages its own engines in `gudcity/db.py` and migrates with
Alembic through `gudcity.cli setup`. The port and the Redis URL come from the same
settings as the rest of the app (`PORT`, `REDIS_URL`).
"""

import reflex as rx

from gudcity.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="gudcity",
    frontend_port=settings.port,
    backend_port=settings.port,
    redis_url=settings.redis_url,
    cors_allowed_origins=settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="teal", radius="large"),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
