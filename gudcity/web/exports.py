"""The downloads: a user's own data as JSON, an owner's customers and ledger as CSV.

Each is a GET the browser makes from a GudCity page, carrying the session cookie
(gudcity/web/credentials.py puts it in the scope): no valid session is a 401, a
user the service refuses is a 403. The CSV files are streamed as they are read
(services/exports.py), in chunks from a worker thread, on one session that closes
when the stream ends or the client goes away. `?since=YYYY-MM-DD&until=YYYY-MM-DD`
narrows a CSV to a period (until is exclusive) of the business's days: from midnight in
its time zone, as the dashboard counts them.
"""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from gudcity import db, routes
from gudcity.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.domain.spreadsheet import csv_chunks
from gudcity.services import exports, my_data, permissions, sessions
from gudcity.services.lookups import get_business
from gudcity.web.credentials import of_request
from gudcity.web.session_endpoints import database_may_be_down

MY_DATA_FILENAME = "gudcity-my-data.json"
REFUSED = (PermissionDeniedError, NotFoundError)


def _download_headers(filename: str) -> dict[str, str]:
    disposition = f'attachment; filename="{filename}"'
    return {"Content-Disposition": disposition, "Cache-Control": "no-store"}


def _refusal(error: Exception) -> Response:
    status = 401 if isinstance(error, AuthenticationError) else 403
    return PlainTextResponse(error.message, status_code=status)


def _day(request: Request, name: str) -> date | None:
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("{name} must be a date like 2026-12-31.", name=name) from None


def _midnight(day: date | None, time_zone: str) -> datetime | None:
    """The moment the business day `day` begins in the business's zone, in UTC."""
    if day is None:
        return None
    return datetime.combine(day, time(), ZoneInfo(time_zone)).astimezone(UTC)


def my_data_download(request: Request) -> Response:
    """The logged-in user's own data, as a JSON file."""
    token = of_request(request.scope).session_token
    with db.session_scope() as session:
        try:
            data = my_data.export_my_data(session, sessions.user_for_token(session, token))
        except (AuthenticationError, *REFUSED) as error:
            return _refusal(error)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body, media_type="application/json", headers=_download_headers(MY_DATA_FILENAME)
    )


def _open_export(request: Request, export: Callable) -> tuple[Session, exports.CsvExport]:
    """A session and the checked export of the user's business; the caller closes it."""
    since, until = _day(request, "since"), _day(request, "until")
    token = of_request(request.scope).session_token
    session = Session(db.get_engine(), expire_on_commit=False)
    try:
        user = sessions.user_for_token(session, token)
        business_id = permissions.seat_of(session, user).business_id
        zone = get_business(session, business_id).time_zone
        since, until = _midnight(since, zone), _midnight(until, zone)
        # In the language of the account (the file is read outside any tab).
        return session, export(session, user, business_id, since, until, user.language)
    except BaseException:
        session.close()
        raise


def _streamed(session: Session, export: exports.CsvExport) -> Iterator[bytes]:
    with session:
        yield from csv_chunks(export.header, export.rows)


def _csv_endpoint(export: Callable) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        try:
            session, found = _open_export(request, export)
        except ValidationError as error:
            return PlainTextResponse(error.message, status_code=400)
        except (AuthenticationError, *REFUSED) as error:
            return _refusal(error)
        return StreamingResponse(
            _streamed(session, found),
            media_type="text/csv; charset=utf-8",
            headers=_download_headers(found.filename),
        )

    return endpoint


def export_endpoints() -> Starlette:
    """The download endpoints as an app for `api_transformer`."""
    return Starlette(
        routes=[
            Route(routes.MY_DATA_DOWNLOAD, database_may_be_down(my_data_download)),
            Route(routes.CUSTOMERS_CSV, database_may_be_down(_csv_endpoint(exports.customers_csv))),
            Route(routes.LEDGER_CSV, database_may_be_down(_csv_endpoint(exports.ledger_csv))),
        ]
    )
