"""Command line: `python -m gudcity.cli setup | migrate | demo | rebuild-analytics`."""

import argparse

from sqlalchemy.engine import make_url

from gudcity.db import ensure_database_exists, get_engine, migrate, session_scope
from gudcity.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo_data
from gudcity.files import keep_files_private
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.settings import get_settings


def _migrate() -> None:
    url = get_settings().database_url
    ensure_database_exists(url)
    migrate(get_engine())
    print(f"Database ready: {make_url(url).render_as_string(hide_password=True)}")


def _demo() -> None:
    with session_scope() as session:
        loaded = load_demo_data(session)
    print("Demo data loaded." if loaded else "Database has data: demo data not loaded.")
    print(f"Demo logins (password: {DEMO_PASSWORD}):")
    for who, email in DEMO_LOGINS:
        print(f"  {who:<28} {email}")


def _rebuild_analytics() -> None:
    with session_scope() as session:
        rebuild_analytics(session)
        session.commit()
    print("Dashboard aggregates rebuilt from the ledger, visits, reward codes and enrollments.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gudcity.cli")
    parser.add_argument(
        "command",
        choices=["setup", "migrate", "demo", "rebuild-analytics"],
        help="setup = migrate, then load demo data into an empty database; "
        "rebuild-analytics = recompute the dashboard's aggregates (after a restore or an import)",
    )
    command = parser.parse_args(argv).command
    keep_files_private(get_settings().database_url)
    if command in ("setup", "migrate"):
        _migrate()
    if command in ("setup", "demo"):
        _demo()
    if command == "rebuild-analytics":
        _rebuild_analytics()


if __name__ == "__main__":
    main()
