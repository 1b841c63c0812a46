"""Frames from the scanner's live camera: a data URL in, the QR's text out.

The browser sends each frame as a `data:image/jpeg;base64,...` URL (see
assets/camera.js). Anything else is refused as an unreadable image; the image
itself then goes through `decoding.decode_qr`, with its size and pixel limits.
"""

import base64
import binascii
import re

from gudcity.services.decoding import UnreadableImageError, decode_qr

_DATA_URL = re.compile(r"data:image/(?:jpeg|png|webp);base64,([A-Za-z0-9+/=]*)")


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
