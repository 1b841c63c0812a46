"""Reading a QR code from a photo or a camera frame.

The only module that loads the image decoders (OpenCV, zxing-cpp, pyzbar). The
file size and the image's dimensions (read from its header alone) are checked
before any pixel is decoded.
"""

import io

import cv2
import numpy as np
import zxingcpp
from PIL import Image, UnidentifiedImageError
from pyzbar import pyzbar

from gudcity.domain.errors import ValidationError
from gudcity.settings import get_settings

UPLOAD_FORMATS = ("JPEG", "PNG", "WEBP")
CLAHE_CLIP_LIMIT = 2.0
CLAHE_TILES = (8, 8)
# From about a 1280x720 frame up, a JPEG is first decoded at half scale (the decoder
# skips most of its work) and tried with zxing-cpp: a QR code of ordinary size still
# has 3 or more pixels per module there. Only a miss pays for the full decode.
HALF_SCALE_FROM_PIXELS = 800_000


class UnreadableImageError(ValidationError):
    def __init__(self) -> None:
        super().__init__("That file is not an image we can read (use a JPEG, PNG or WebP photo).")


class ImageTooLargeError(ValidationError):
    """A file or an image too big to decode safely (a decompression bomb, or a mistake)."""


def decode_qr(image: bytes) -> str | None:
    """The text of the QR code in a photo, or None when no QR can be read in it.

    Synchronous and CPU-bound: callers run it in a worker thread. The file size
    and the image's dimensions (read from its header alone) are checked before
    any pixel is decoded.

    The readers go cheapest and surest first, each later one only on a photo that
    the ones before it missed: zxing-cpp (at half scale first for a large JPEG,
    whose decoder then skips most of its work), zxing-cpp again after CLAHE has
    stretched the contrast (dark or washed-out frames), then pyzbar (steeply tilted
    codes). OpenCV's QRCodeDetector reads none of what those miss, so it is not
    tried. bench/decode.py measures each step; the README has the figures.
    """
    settings = get_settings()
    if len(image) > settings.max_upload_bytes:
        limit = settings.max_upload_bytes / (1024 * 1024)
        raise ImageTooLargeError(f"That file is too large: the limit is {limit:g} MB.")
    image_format, pixels = _checked_header(image, settings.max_image_pixels)
    if image_format == "JPEG" and pixels >= HALF_SCALE_FROM_PIXELS:
        text = _read_with_zxing(_decode_pixels(image, cv2.IMREAD_REDUCED_GRAYSCALE_2))
        if text:
            return text
    gray = _decode_pixels(image, cv2.IMREAD_GRAYSCALE)
    return (
        _read_with_zxing(gray) or _read_with_zxing(_boost_contrast(gray)) or _read_with_zbar(gray)
    )


def _checked_header(image: bytes, max_pixels: int) -> tuple[str, int]:
    """(format, pixel count) from the image's header, once they say it is safe to decode."""
    too_large = ImageTooLargeError(
        f"That image is too large: at most {max_pixels / 1e6:g} megapixels, please."
    )
    try:
        with Image.open(io.BytesIO(image), formats=UPLOAD_FORMATS) as header:
            image_format, (width, height) = header.format, header.size
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UnreadableImageError() from None
    if width * height > max_pixels:
        raise too_large
    return image_format, width * height


def _decode_pixels(image: bytes, mode: int) -> np.ndarray:
    gray = cv2.imdecode(np.frombuffer(image, np.uint8), mode)
    if gray is None or gray.size == 0:
        raise UnreadableImageError()
    return gray


def _read_with_zxing(gray: np.ndarray) -> str | None:
    found = zxingcpp.read_barcode(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text if found else None


def _boost_contrast(gray: np.ndarray) -> np.ndarray:
    """CLAHE: each tile's histogram stretched, so a dim or washed-out code gets its contrast."""
    return cv2.createCLAHE(clipLimit=CLAHE_CLIP_LIMIT, tileGridSize=CLAHE_TILES).apply(gray)


def _read_with_zbar(gray: np.ndarray) -> str | None:
    found = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    return found[0].data.decode("utf-8", errors="replace") if found else None
