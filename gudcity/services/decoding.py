"""Reading a QR code from a photo or a camera frame.

The only module that loads the image decoders (OpenCV, zxing-cpp, pyzbar). The
file size and the image's dimensions (read from its header alone) are checked
before any pixel is decoded.
"""

import functools
import io

import cv2
import numpy as np
import zxingcpp
from PIL import Image, UnidentifiedImageError
from pyzbar import pyzbar

from gudcity.domain.errors import ValidationError
from gudcity.settings import get_settings

UPLOAD_FORMATS = ("JPEG", "PNG", "WEBP")
# The QR codes /cards draws. zxing-cpp's QRCode is a family that also takes Micro QR and
# rMQR symbols: a Micro QR "seen" in a frame's printed text once read as a card.
QR_FORMAT = zxingcpp.BarcodeFormat.QRCodeModel2
CLAHE_CLIP_LIMIT = 2.0
CLAHE_TILES = (8, 8)
# From about a 1280x720 frame up, zxing-cpp first looks at every other pixel of every
# other row (a view: nothing is copied or filtered), where a QR code of ordinary size
# still has 3 or more pixels per module, at that size alone and for dark-on-light codes
# alone: a quarter of the pixels, one pass. The image is decoded once, at full size (a
# JPEG's half-scale decode saves only its last steps, and a miss decoded it again).
HALF_SCALE_FROM_PIXELS = 800_000
# For a frame every reader above missed: heavy blur undone by Wiener
# deconvolution on the frame brought to DEBLUR_SIDE px across (so the blurs tried are in
# the same px whatever the camera's size). A motion blur's line is measured in the
# frame's cepstrum (its log spectrum's own spectrum dips at the line's length and angle)
# and tried at its length, then a little shorter; a defocus (a Gaussian's sigma, in
# working px) at two sizes. Each try has its noise-to-signal ratio: the filter stops
# boosting a frequency the blur weakened to about that ratio, so a lower one sharpens
# more and a higher one keeps a noisy frame's grain down (the shorter line, the likelier
# guess on a noisy frame, gets the higher one). Chosen on bench/decode.py's tuning
# seeds, 1 and 2. Each result is read at twice the size: zxing-cpp reads noisy modules
# of 2-4 px once interpolated.
DEBLUR_SIDE = 640
DEBLUR_TRIES = (
    ("motion", 1.0, 0.002),
    ("defocus", 1.3, 0.005),
    ("defocus", 1.7, 0.005),
    ("motion", 0.85, 0.015),
)
# Then, for a code seen at a steep angle (its modules much thinner one way than the
# other) that zxing-cpp finds but cannot read: the frame squeezed to PERSPECTIVE_SQUEEZE
# of its size along each of a few directions, one of which evens the modules out, and
# last pyzbar.
PERSPECTIVE_SQUEEZE = 0.625
PERSPECTIVE_ANGLES = (0, 90, 45, 135)  # degrees from the x axis
MOTION_MIN_PX, MOTION_MAX_PX = 3, 16  # a motion blur's length looked for, in working px
DEBLUR_MIN_SIDE = 64  # px: a smaller image holds no code a blur could have hidden


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
    the ones before it missed: zxing-cpp (one quick pass at half size first for a
    large image, `_first_look`), zxing-cpp again after CLAHE has stretched the
    contrast (dark or washed-out frames), then zxing-cpp on the frame deconvolved
    (`_read_deblurred`: a strongly defocused or shaken frame). Only a frame in which
    zxing-cpp found a code it could not read goes on (`_read_found_code`: squeezed
    along a few directions for a steep perspective, then pyzbar), so a frame with no
    code skips them. OpenCV's QRCodeDetector reads none of what those miss, so it is
    not tried. bench/decode.py measures each step.
    """
    settings = get_settings()
    if len(image) > settings.max_upload_bytes:
        limit = settings.max_upload_bytes / (1024 * 1024)
        raise ImageTooLargeError("That file is too large: the limit is {limit} MB.", limit=limit)
    _check_header(image, settings.max_image_pixels)
    gray = _decode_pixels(image, cv2.IMREAD_GRAYSCALE)
    return (
        _first_look(gray)
        or _read_with_zxing(gray)
        or _read_with_zxing(_boost_contrast(gray))
        or _read_deblurred(gray)
        or _read_found_code(gray)
    )


def _check_header(image: bytes, max_pixels: int) -> None:
    """Refuses an image whose header says it is not one we read, or too large to decode."""
    too_large = ImageTooLargeError(
        "That image is too large: at most {megapixels} megapixels, please.",
        megapixels=max_pixels / 1e6,
    )
    try:
        with Image.open(io.BytesIO(image), formats=UPLOAD_FORMATS) as header:
            width, height = header.size
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UnreadableImageError() from None
    if width * height > max_pixels:
        raise too_large


def _decode_pixels(image: bytes, mode: int) -> np.ndarray:
    gray = cv2.imdecode(np.frombuffer(image, np.uint8), mode)
    if gray is None or gray.size == 0:
        raise UnreadableImageError()
    return gray


def _first_look(gray: np.ndarray) -> str | None:
    """zxing-cpp's one pass over a large image at half size (HALF_SCALE_FROM_PIXELS)."""
    if gray.size < HALF_SCALE_FROM_PIXELS:
        return None
    return _read_with_zxing(gray[::2, ::2], try_downscale=False, try_invert=False)


def _read_with_zxing(gray: np.ndarray, **options: bool) -> str | None:
    found = zxingcpp.read_barcode(gray, formats=QR_FORMAT, **options)
    return found.text if found else None


def _boost_contrast(gray: np.ndarray) -> np.ndarray:
    """CLAHE: each tile's histogram stretched, so a dim or washed-out code gets its contrast."""
    return cv2.createCLAHE(clipLimit=CLAHE_CLIP_LIMIT, tileGridSize=CLAHE_TILES).apply(gray)


def _read_with_zbar(gray: np.ndarray) -> str | None:
    found = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    return found[0].data.decode("utf-8", errors="replace") if found else None


def _read_deblurred(gray: np.ndarray) -> str | None:
    """zxing-cpp on the frame Wiener-deconvolved with each likely blur, until one reads.

    Each try multiplies the frame's spectrum by 1 / H for a blur's transfer function H,
    damped where H is small (H / (H^2 + its noise-to-signal ratio)), so a wrong guess
    only costs time: zxing-cpp's Reed-Solomon check still refuses a garbled read.
    """
    scale = DEBLUR_SIDE / max(gray.shape)
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    height, width = gray.shape
    if min(height, width) < DEBLUR_MIN_SIDE:
        return None
    pixels = gray[: height - height % 2, : width - width % 2].astype(np.float32)  # even sides
    spectrum = cv2.dft(pixels)  # packed (CCS): the half of a real image's spectrum that counts
    line = None
    for kind, size, noise in DEBLUR_TRIES:
        if kind == "defocus":
            deblur = _defocus_filter(pixels.shape, size, noise)
        else:
            if line is None:
                fy, fx = _frequencies(pixels.shape)
                dx, dy = _motion_blur_line(pixels)
                line = np.float32(np.pi) * (fx * dx + fy * dy)
            deblur = _wiener(_sinc(line * np.float32(size)), noise)
        sharp = cv2.idft(
            cv2.mulSpectrums(spectrum, deblur, 0), flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT
        )
        sharp = np.clip(sharp, 0, 255).astype(np.uint8)
        text = _read_with_zxing(cv2.resize(sharp, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR))
        if text:
            return text
    return None


@functools.cache
def _frequencies(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The spatial frequencies (cycles per px) of a real DFT of that shape (the columns'
    half that counts, as in numpy's rfft2): rows, columns."""
    fy = np.fft.fftfreq(shape[0]).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(shape[1]).astype(np.float32)[None, :]
    return fy, fx


@functools.cache
def _defocus_filter(shape: tuple[int, int], sigma: float, noise: float) -> np.ndarray:
    fy, fx = _frequencies(shape)
    return _wiener(np.exp(np.float32(-2 * np.pi**2 * sigma**2) * (fx * fx + fy * fy)), noise)


def _wiener(blur: np.ndarray, noise: float) -> np.ndarray:
    """The Wiener filter undoing a blur given as its transfer function (real and even, on
    the grid of `_frequencies`) in a frame with that noise-to-signal ratio, packed as
    cv2.dft packs the spectrum of an image with even sides (CCS), for cv2.mulSpectrums."""
    wiener = blur / (blur * blur + np.float32(noise))
    rows, half = wiener.shape
    columns = 2 * (half - 1)
    packed = np.zeros((rows, columns), np.float32)  # the imaginary parts stay 0
    packed[:, 1 : columns - 1 : 2] = wiener[:, 1 : columns // 2]
    for column, source in ((0, 0), (columns - 1, columns // 2)):  # real columns, packed
        packed[0, column] = wiener[0, source]
        packed[1 : rows - 1 : 2, column] = wiener[1 : rows // 2, source]
        packed[rows - 1, column] = wiener[rows // 2, source]
    return packed


def _sinc(x: np.ndarray) -> np.ndarray:
    return np.divide(np.sin(x), x, out=np.ones_like(x), where=x != 0)


def _motion_blur_line(pixels: np.ndarray) -> tuple[float, float]:
    """The (dx, dy) in px of the line a motion blur smeared the frame along, a guess.

    A blur along a line of length L multiplies the spectrum by a sinc, whose zeros
    every 1/L make the log spectrum's own transform (the cepstrum) dip at (dx, dy): the
    deepest point of the ring MOTION_MIN_PX..MOTION_MAX_PX around 0, refined to a
    fraction of a pixel by a parabola through its neighbours. (The log spectrum is real
    and even, so its forward transform is its inverse one, up to scale.)
    """
    window = cv2.createHanningWindow(pixels.shape[::-1], cv2.CV_32F)
    spectrum = cv2.dft(pixels * window, flags=cv2.DFT_COMPLEX_OUTPUT)
    log_spectrum = np.log(cv2.magnitude(spectrum[..., 0], spectrum[..., 1]) + 1e-3)
    cepstrum = cv2.dft(log_spectrum, flags=cv2.DFT_COMPLEX_OUTPUT)[..., 0]
    reach = MOTION_MAX_PX + 1
    near = np.roll(cepstrum, (reach, reach), axis=(0, 1))[: 2 * reach + 1, : 2 * reach + 1]
    ys, xs = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    radius = np.hypot(xs, ys)
    ring = np.where((radius >= MOTION_MIN_PX) & (radius <= MOTION_MAX_PX), near, np.inf)
    row, col = np.unravel_index(np.argmin(ring), ring.shape)
    return (
        xs[row, col] + _parabola_vertex(*near[row, col - 1 : col + 2]),
        ys[row, col] + _parabola_vertex(*near[row - 1 : row + 2, col]),
    )


def _read_found_code(gray: np.ndarray) -> str | None:
    """Only once zxing-cpp has found a QR code in the frame that it could not read (so a
    frame with no code pays for that one look alone): zxing-cpp on the frame squeezed
    along each of PERSPECTIVE_ANGLES, until one reads, then pyzbar."""
    if not zxingcpp.read_barcodes(gray, formats=QR_FORMAT, return_errors=True):
        return None
    for degrees in PERSPECTIVE_ANGLES:
        text = _read_with_zxing(_stretched(gray, degrees, PERSPECTIVE_SQUEEZE))
        if text:
            return text
    return _read_with_zbar(gray)


def _stretched(gray: np.ndarray, degrees: float, factor: float) -> np.ndarray:
    """The image scaled `factor` times along the direction `degrees` from its x axis."""
    height, width = gray.shape
    turn = np.vstack([cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0), [0, 0, 1]])
    warp = (np.linalg.inv(turn) @ np.diag([factor, 1.0, 1.0]) @ turn)[:2]
    corners = np.float32([[[0, 0], [width, 0], [width, height], [0, height]]])
    corners = cv2.transform(corners, warp)[0]
    low, high = corners.min(axis=0), corners.max(axis=0)
    warp[:, 2] -= low
    size = (int(np.ceil(high[0] - low[0])), int(np.ceil(high[1] - low[1])))
    return cv2.warpAffine(gray, warp, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _parabola_vertex(before: float, at: float, after: float) -> float:
    """Where between -0.5 and 0.5 the parabola through 3 samples bottoms out (0 if flat)."""
    curve = before - 2 * at + after
    return float(np.clip(0.5 * (before - after) / curve, -0.5, 0.5)) if curve > 0 else 0.0
