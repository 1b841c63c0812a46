"""/manifest.webmanifest and /sw.js: what makes GudCity installable."""

import pytest
from starlette.testclient import TestClient

from gudcity import routes
from gudcity.settings import PROJECT_ROOT
from gudcity.web import pwa


@pytest.fixture
def client():
    return TestClient(pwa.pwa_endpoints(), base_url="http://localhost")


def test_the_manifest_opens_the_cards_standalone_with_icons_that_exist(client):
    response = client.get(pwa.MANIFEST_ROUTE)

    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == routes.CARDS and manifest["display"] == "standalone"
    assert {(icon["purpose"], icon["sizes"]) for icon in manifest["icons"]} == {
        (purpose, f"{size}x{size}") for purpose in ("any", "maskable") for size in (192, 512)
    }
    for icon in manifest["icons"]:
        assert (PROJECT_ROOT / "assets" / icon["src"].lstrip("/")).is_file()
    assert (PROJECT_ROOT / "assets" / pwa.APPLE_TOUCH_ICON.lstrip("/")).is_file()


def test_the_worker_is_javascript_never_cached_with_the_whole_site_as_scope(client):
    response = client.get(pwa.SERVICE_WORKER_ROUTE)

    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    assert 'addEventListener("fetch"' in response.text
