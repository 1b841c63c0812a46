"""Frames from the scanner's live camera: a data URL in, the QR's text out.

The browser sends each frame as a `data:image/jpeg;base64,...` URL (see
assets/camera.js). Anything else is refused as an unreadable image; the image
itself then goes through `decoding.decode_qr`, with its size and pixel limits.

A frame comes in one websocket message, which engine.io refuses (closing the
socket) past REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE (1,000,000 bytes by default);
`check_frame_size` refuses, by its length alone, one whose image could not be under
the upload limit, before anything else is done with it.
"""

import base64
import binascii
import re

from gudcity.domain.errors import ValidationError
from gudcity.services.decoding import UnreadableImageError, decode_qr
from gudcity.settings import get_settings

_DATA_URL = re.compile(r"data:image/(?:jpeg|png|webp);base64,([A-Za-z0-9+/=]*)")


def max_frame_chars() -> int:
    """The longest data URL whose image can be within the upload limit (base64: 4 per 3)."""
    return len("data:image/jpeg;base64,") + 4 * -(-get_settings().max_upload_bytes // 3)


def check_frame_size(data_url: object) -> None:
    """ValidationError for a frame too long to hold an image within the upload limit."""
    if isinstance(data_url, str) and len(data_url) > max_frame_chars():
        limit = get_settings().max_upload_bytes / (1024 * 1024)
        raise ValidationError(
            "That camera frame is too large: the limit is {limit} MB.", limit=limit
        )


def read_frame(data_url: str) -> str | None:
    """The text of the QR code in a camera frame; None when there is none (or no frame yet).

    Synchronous and CPU-bound, like `decode_qr`: callers run it in a worker thread.
    """
    if not data_url:
        return None
    if not isinstance(data_url, str):
        raise UnreadableImageError()
    found = _DATA_URL.fullmatch(data_url)
    if found is None:
        raise UnreadableImageError()
    try:
        image = base64.b64decode(found.group(1), validate=True)
    except binascii.Error:
        raise UnreadableImageError() from None
    return decode_qr(image)
