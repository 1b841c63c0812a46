"""GudCity as an installable app: its web app manifest and its service worker.

Both are served by the backend, not as files of the build, for their headers: the
manifest with its own content type, the worker uncached (`no-cache`: a new worker
reaches phones at their next visit) and allowed the whole site as its scope. The
worker's code is gudcity/web/static/sw.js; assets/pwa.js registers it from every
page (the head of every page loads it: gudcity/gudcity.py).
"""

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gudcity import routes

MANIFEST_ROUTE = "/manifest.webmanifest"
SERVICE_WORKER_ROUTE = "/sw.js"
REGISTRATION_SCRIPT = "/pwa.js"
APPLE_TOUCH_ICON = "/icons/apple-touch-icon.png"
SERVICE_WORKER = Path(__file__).parent / "static" / "sw.js"
# rxconfig's theme: light, accent teal (Radix teal-9 for the bars, the page's white behind).
THEME_COLOR = "#12a594"
BACKGROUND_COLOR = "#ffffff"
ICON_SIZES = (192, 512)


def web_manifest() -> dict:
    """The manifest: the app opens on the customer's cards, in a window of its own."""
    icons = [
        {
            "src": f"/icons/{name}-{size}.png",
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for name, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in ICON_SIZES
    ]
    return {
        "id": routes.CARDS,
        "name": "GudCity",
        "short_name": "GudCity",
        "description": "Your loyalty cards, their balances and your QR code.",
        "start_url": routes.CARDS,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }


def manifest(_request: Request) -> Response:
    return Response(
        json.dumps(web_manifest()),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


def service_worker(_request: Request) -> Response:
    return Response(
        SERVICE_WORKER.read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


def pwa_endpoints() -> Starlette:
    """The manifest and the worker as an app for `api_transformer`."""
    return Starlette(
        routes=[
            Route(MANIFEST_ROUTE, manifest, methods=["GET"]),
            Route(SERVICE_WORKER_ROUTE, service_worker, methods=["GET"]),
        ]
    )
