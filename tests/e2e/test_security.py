"""What the browser gets: no secret in the bundle; hostile names shown as text."""

import gzip
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from gudcity.settings import PROJECT_ROOT, get_settings
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

BUILT_FRONTEND = PROJECT_ROOT / ".web" / "build" / "client"


def built_files() -> dict[str, bytes]:
    """Every file the server hands browsers, as browsers read it (gzip undone)."""
    files = {}
    for path in BUILT_FRONTEND.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            files[str(path)] = gzip.decompress(data) if path.suffix == ".gz" else data
    return files


def test_the_built_frontend_holds_no_secret(app_url, e2e_database_url):
    files = built_files()
    assert any(name.endswith(".js") for name in files), "the production build is missing"
    database = urlsplit(e2e_database_url)
    secrets = {
        "SECRET_KEY": get_settings().secret_key,
        "the database URL": e2e_database_url,
        "the database address": f"{database.hostname}:{database.port}/{database.path[1:]}",
    }
    for name, data in files.items():
        for what, secret in secrets.items():
            assert secret.encode() not in data, f"{what} is in {name}"


HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def test_hostile_and_right_to_left_names_show_as_text(new_page, make):
    owner, business = make.business("مقهى \u202eevil")
    program = make.program(owner, business, name="<b>Bold</b> Club")
    customer = make.customer(HOSTILE)
    make.card(customer, program, balance=3)
    dialogs = []

    shop = log_in(new_page(), owner.email, "/business/scanner")
    shop.goto("/business/customers")
    shop.on("dialog", lambda dialog: dialogs.append(dialog.message))
    expect(shop.locator("[data-testid=customer-row]")).to_contain_text(HOSTILE)
    phone = log_in(new_page(), customer.email, "/cards")
    phone.on("dialog", lambda dialog: dialogs.append(dialog.message))
    card = phone.locator("[data-testid=loyalty-card]")
    expect(card).to_contain_text("<b>Bold</b> Club")
    expect(card).to_contain_text("مقهى \u202eevil")

    assert card.locator("b").count() == 0
    for page in (shop, phone):
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
