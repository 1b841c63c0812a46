"""The seeded corpus of bench/decode.py: 1280x720 JPEG camera frames of a card's QR.

The QR that /cards draws, on a phone screen held in front of a camera at a shop
counter, under one condition each (CONDITIONS). Deterministic: frame n of condition i
comes from the seed [seed, i, n] alone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import cv2
import numpy as np

from gudcity.models import User
from gudcity.services import qr_cards

FRAME_WIDTH, FRAME_HEIGHT = 1280, 720
FOCAL_PX = 1100  # a phone's main camera, about 60 degrees across
ISSUED_AT = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)

# The phone's screen, in CSS px (a 390 x 844 phone) drawn at 2 device px per CSS px.
DPR = 2
SCREEN_W, SCREEN_H = 390, 844
BEZEL = 14
QR_CSS = 220  # gudcity/components/cards.py: the QR image is 220 x 220 CSS px
QR_LEFT, QR_TOP = (SCREEN_W - QR_CSS) // 2, 150
QR_PX = QR_CSS * DPR
PHONE_W, PHONE_H = (SCREEN_W + 2 * BEZEL) * DPR, (SCREEN_H + 2 * BEZEL) * DPR
QR_CENTRE = ((BEZEL + QR_LEFT) * DPR + QR_PX / 2, (BEZEL + QR_TOP) * DPR + QR_PX / 2)
MODULES = 33 + 2 * 4  # version 4, and the 4-module border on each side


@dataclass(frozen=True)
class Frame:
    condition: str
    jpeg: bytes
    token: str | None  # None: a frame with no QR, read right when nothing is read


def customer_token(rng: np.random.Generator) -> str:
    """A real card token for a made-up customer (public ids are 16 url-safe characters)."""
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    public_id = "".join(rng.choice(alphabet, 16))
    return qr_cards.issue_token(User(public_id=public_id), now=ISSUED_AT)


def phone_screen(token: str, rng: np.random.Generator) -> np.ndarray:
    """/cards on a phone, BGR, bezel included: the QR card, then the start of a card tile."""
    phone = np.full((PHONE_H, PHONE_W, 3), 18, np.uint8)
    screen = np.full((SCREEN_H * DPR, SCREEN_W * DPR, 3), (252, 250, 249), np.uint8)

    def box(x0, y0, x1, y1, color):
        cv2.rectangle(screen, (x0 * DPR, y0 * DPR), (x1 * DPR, y1 * DPR), color, -1)

    box(0, 0, SCREEN_W, 56, (255, 255, 255))  # the top bar, its title and menu
    box(16, 20, 120, 34, (60, 50, 40))
    box(340, 18, 372, 38, (200, 120, 90))
    box(16, 110, SCREEN_W - 16, 600, (232, 230, 228))  # the QR card, border and fill
    box(17, 111, SCREEN_W - 17, 599, (255, 255, 255))
    for top, width in ((400, 150), (430, 280), (448, 200), (480, 80), (500, 170)):
        box(QR_LEFT - 20, top, QR_LEFT - 20 + width, top + 10, (70, 65, 60))
    box(16, 630, SCREEN_W - 16, SCREEN_H, (245, 236, 228))  # the first loyalty card tile
    box(32, 650, 200, 666, (110, 70, 40))

    code = cv2.imdecode(np.frombuffer(qr_cards.qr_png(token), np.uint8), cv2.IMREAD_COLOR)
    code = cv2.resize(code, (QR_PX, QR_PX), interpolation=cv2.INTER_NEAREST)  # "pixelated"
    screen[QR_TOP * DPR : QR_TOP * DPR + QR_PX, QR_LEFT * DPR : QR_LEFT * DPR + QR_PX] = code
    # What the camera sees of the screen: its white is not 255, its black glows a little.
    white, black = rng.uniform(205, 245), rng.uniform(12, 35)
    screen = (black + screen.astype(np.float32) * ((white - black) / 255)).astype(np.uint8)
    phone[BEZEL * DPR : (BEZEL + SCREEN_H) * DPR, BEZEL * DPR : (BEZEL + SCREEN_W) * DPR] = screen
    return phone


def counter_scene(rng: np.random.Generator) -> np.ndarray:
    """A shop counter behind the phone: a lit gradient and a few objects, out of focus."""
    small = (FRAME_WIDTH // 4, FRAME_HEIGHT // 4)
    ys, xs = np.mgrid[0 : small[1], 0 : small[0]].astype(np.float32)
    slope = rng.uniform(-0.25, 0.25, 2)
    scene = rng.uniform(60, 170, 3).astype(np.float32) + (xs * slope[0] + ys * slope[1])[..., None]
    for _ in range(rng.integers(3, 8)):
        x0, y0 = rng.integers(0, small[0]), rng.integers(0, small[1])
        x1, y1 = x0 + rng.integers(10, 100), y0 + rng.integers(10, 75)
        cv2.rectangle(scene, (x0, y0), (x1, y1), rng.uniform(20, 230, 3).tolist(), -1)
    scene = cv2.GaussianBlur(scene, (0, 0), 1)
    scene = cv2.resize(scene, (FRAME_WIDTH, FRAME_HEIGHT), interpolation=cv2.INTER_LINEAR)
    return np.clip(scene, 0, 255)


def held_phone(
    qr_px: float, tilt_deg: float, rng: np.random.Generator, *, focal: float = FOCAL_PX
) -> np.ndarray:
    """The homography from the phone image to the frame: the QR `qr_px` wide, the
    phone upright give or take 40 degrees, tilted `tilt_deg` away from the camera
    about a random axis, and somewhere in the frame with the whole QR inside it.
    A shorter `focal` (in px) is a phone held closer to a wider lens: the near side of
    the code grows and the far side shrinks more for the same tilt.
    """
    corners = np.float32([[0, 0], [PHONE_W, 0], [PHONE_W, PHONE_H], [0, PHONE_H]])
    local = (corners - QR_CENTRE) * (qr_px / QR_PX)
    axis = rng.uniform(0, 2 * np.pi)
    tilt, roll = np.radians(tilt_deg), np.radians(rng.uniform(-40, 40))
    tilt_about_axis = cv2.Rodrigues(np.array([np.cos(axis), np.sin(axis), 0.0]) * tilt)[0]
    roll_in_plane = cv2.Rodrigues(np.array([0.0, 0.0, roll]))[0]
    points = np.c_[local, np.zeros(4)] @ (tilt_about_axis @ roll_in_plane).T
    margin = qr_px * 0.8
    centre = (
        rng.uniform(margin, FRAME_WIDTH - margin),
        rng.uniform(margin, FRAME_HEIGHT - margin),
    )
    depth = focal / (focal + points[:, 2])
    projected = np.float32(points[:, :2] * depth[:, None] + centre)
    return cv2.getPerspectiveTransform(corners, projected)


def photograph(phone: np.ndarray, homography: np.ndarray, rng, *, moire: float = 0.0):
    """The phone in front of a counter, through the lens, before the sensor's effects.

    With `moire` > 0 the camera sees the screen's pixel grid (`pixel_grid`), whose
    pixels beat against its own into the bands of a photographed screen.
    """
    scene = counter_scene(rng)
    scale = np.sqrt(abs(np.linalg.det(homography[:2, :2])))
    phone = cv2.GaussianBlur(phone, (0, 0), max(0.5, 0.45 / scale))  # no aliasing
    size = (FRAME_WIDTH, FRAME_HEIGHT)
    shot = cv2.warpPerspective(phone, homography, size, flags=cv2.INTER_LINEAR)
    shot = shot.astype(np.float32)
    if moire:
        shot *= pixel_grid(homography, moire)
    inside = cv2.warpPerspective(
        np.full(phone.shape[:2], 255, np.uint8), homography, size, flags=cv2.INTER_LINEAR
    )
    alpha = (inside.astype(np.float32) / 255)[..., None]
    return shot * alpha + scene * (1 - alpha)


def pixel_grid(homography: np.ndarray, strength: float) -> np.ndarray:
    """The screen's pixel grid as the camera's pixels see it, each the mean of 2 x 2
    point samples, with a mean of 1 (the camera's exposure makes up for the grid).

    3 physical pixels per CSS px, each a red, a green and a blue stripe and a dark
    gap under them; `strength` is how much darker than lit the unlit parts are.
    """
    lit, dim = 1.0, 1 - strength
    tile = np.full((3, 3, 3), dim, np.float32)  # one physical pixel, in thirds
    for channel, column in ((2, 0), (1, 1), (0, 2)):  # red, green, blue stripes
        tile[:2, column, channel] = lit
    tile[2] *= dim  # the gap under each row of pixels
    to_frame = np.diag([2.0, 2.0, 1.0]) @ homography @ np.diag([DPR / 9, DPR / 9, 1.0])
    size = (2 * FRAME_WIDTH, 2 * FRAME_HEIGHT)
    samples = cv2.warpPerspective(
        tile, to_frame, size, flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_WRAP
    )
    grid = cv2.resize(samples, (FRAME_WIDTH, FRAME_HEIGHT), interpolation=cv2.INTER_AREA)
    return grid / grid.mean()


def sensor(image: np.ndarray, rng, *, noise: float = 2.5, quality: int = 88) -> bytes:
    """Lens softness, sensor noise, then the JPEG the camera hands over."""
    image = cv2.GaussianBlur(image, (0, 0), 0.6)
    grain = np.empty(image.size, np.float32)
    cv2.setRNGSeed(int(rng.integers(2**31)))
    cv2.randn(grain, 0, noise)
    image += grain.reshape(image.shape)
    ok, jpeg = cv2.imencode(
        ".jpg", np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return jpeg.tobytes()


def everyday(rng) -> tuple[float, float]:
    """A customer at the counter: the QR 170-300 px wide, tilted up to 15 degrees."""
    return rng.uniform(170, 300), rng.uniform(0, 15)


def clean_frame(phone, rng):
    return sensor(photograph(phone, held_phone(*everyday(rng), rng), rng), rng)


def tilted_frame(phone, rng):
    """The phone tilted 40-60 degrees away from the camera."""
    homography = held_phone(rng.uniform(200, 320), rng.uniform(40, 60), rng)
    return sensor(photograph(phone, homography, rng), rng)


def motion_blur(image: np.ndarray, length_px: float, rng) -> np.ndarray:
    """The hand moving during the exposure: a line `length_px` long at a random angle."""
    length = max(3, round(length_px))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2] = 1 / length
    turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(0, 180), 1)
    kernel = cv2.warpAffine(kernel, turn, (length, length))
    return cv2.filter2D(image, -1, kernel / kernel.sum())


def blurred_frame(phone, rng):
    """Motion blur 1.2-2 modules long, or out of focus by 0.5-0.85 module."""
    qr_px, tilt_deg = everyday(rng)
    image = photograph(phone, held_phone(qr_px, tilt_deg, rng), rng)
    module = qr_px / MODULES
    if rng.random() < 0.5:  # the hand moves during the exposure
        return sensor(motion_blur(image, rng.uniform(1.2, 2.0) * module, rng), rng)
    radius = max(1, round(rng.uniform(0.5, 0.85) * module))  # out of focus: a disc
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
    kernel = kernel.astype(np.float32)
    return sensor(cv2.filter2D(image, -1, kernel / kernel.sum()), rng)


def defocused_frame(phone, rng):
    """Far out of focus: a Gaussian blur of 0.42-0.6 module (sigma)."""
    qr_px, tilt_deg = everyday(rng)
    image = photograph(phone, held_phone(qr_px, tilt_deg, rng), rng)
    sigma = rng.uniform(0.42, 0.6) * qr_px / MODULES
    return sensor(cv2.GaussianBlur(image, (0, 0), sigma), rng)


def moving_frame(phone, rng):
    """A fast hand: motion blur 1.8-2.5 modules long, at any angle."""
    qr_px, tilt_deg = everyday(rng)
    image = photograph(phone, held_phone(qr_px, tilt_deg, rng), rng)
    return sensor(motion_blur(image, rng.uniform(1.8, 2.5) * qr_px / MODULES, rng), rng)


def blurred_noisy_tilted_frame(phone, rng):
    """Either blur a little milder than above, on a code tilted 20-40 degrees, with
    sensor noise of 8-15 levels."""
    qr_px = rng.uniform(190, 300)
    image = photograph(phone, held_phone(qr_px, rng.uniform(20, 40), rng), rng)
    module = qr_px / MODULES
    if rng.random() < 0.5:
        image = motion_blur(image, rng.uniform(1.7, 2.2) * module, rng)
    else:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.4, 0.52) * module)
    return sensor(image, rng, noise=rng.uniform(8, 15))


def perspective_frame(phone, rng):
    """Held close and turned 55-70 degrees: a strong keystone, the near side of the
    code much larger than the far side."""
    homography = held_phone(rng.uniform(220, 320), rng.uniform(55, 70), rng, focal=550)
    return sensor(photograph(phone, homography, rng), rng)


def no_code_frame(phone, rng):
    """No QR in sight (what the scanner sees between customers): the counter alone,
    or a phone showing a page without the code, either sometimes out of focus."""
    if rng.random() < 0.5:
        image = counter_scene(rng)
    else:
        blank = phone.copy()
        top, left = (BEZEL + QR_TOP) * DPR, (BEZEL + QR_LEFT) * DPR
        blank[top : top + QR_PX, left : left + QR_PX] = blank[top - 4, left - 4]
        image = photograph(blank, held_phone(*everyday(rng), rng), rng)
    if rng.random() < 0.5:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(1, 4))
    return sensor(image, rng)


def glare_frame(phone, rng):
    """A lamp reflected in the screen: a bright blob near the code and a sheen across it."""
    qr_px, tilt_deg = everyday(rng)
    homography = held_phone(qr_px, tilt_deg, rng)
    image = photograph(phone, homography, rng)
    centre = cv2.perspectiveTransform(np.float32([[QR_CENTRE]]), homography)[0, 0]
    centre += rng.uniform(-0.45, 0.45, 2) * qr_px
    ys, xs = np.mgrid[0:FRAME_HEIGHT, 0:FRAME_WIDTH].astype(np.float32)
    sigma = rng.uniform(0.15, 0.3) * qr_px
    blob = np.exp(-((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2) / (2 * sigma**2))
    direction = rng.uniform(0, 2 * np.pi)
    sheen = (xs * np.cos(direction) + ys * np.sin(direction)) / FRAME_WIDTH
    sheen = (sheen - sheen.min()) / np.ptp(sheen)
    light = rng.uniform(120, 220) * blob + rng.uniform(40, 110) * sheen
    return sensor(image + light[..., None], rng)


def dark_frame(phone, rng):
    """Under-exposed: the screen's white 10-37 levels, the sensor's noise on top."""
    image = photograph(phone, held_phone(*everyday(rng), rng), rng)
    return sensor(image * rng.uniform(0.05, 0.15), rng, noise=rng.uniform(2, 4), quality=80)


def noisy_frame(phone, rng):
    """A high ISO: sensor noise of 25-40 levels in each colour."""
    image = photograph(phone, held_phone(*everyday(rng), rng), rng)
    return sensor(image, rng, noise=rng.uniform(25, 40))


def squeezed_frame(phone, rng):
    """A frame squeezed hard for a slow network: JPEG at quality 5-12."""
    image = photograph(phone, held_phone(*everyday(rng), rng), rng)
    return sensor(image, rng, quality=int(rng.integers(5, 13)))


def small_frame(phone, rng):
    """The phone at arm's length: the QR 70-110 px wide, 1.7-2.7 px a module."""
    homography = held_phone(rng.uniform(70, 110), rng.uniform(0, 15), rng)
    return sensor(photograph(phone, homography, rng), rng)


def moire_frame(phone, rng):
    """The screen's pixel grid, its unlit parts 30-60% darker than lit, beating."""
    homography = held_phone(*everyday(rng), rng)
    return sensor(photograph(phone, homography, rng, moire=rng.uniform(0.3, 0.6)), rng)


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator], bytes]] = {
    "clean": clean_frame,
    "tilt": tilted_frame,
    "blur": blurred_frame,
    "glare": glare_frame,
    "low light": dark_frame,
    "noise": noisy_frame,
    "jpeg": squeezed_frame,
    "small": small_frame,
    "moire": moire_frame,
    "defocus": defocused_frame,
    "motion": moving_frame,
    "blur+noise": blurred_noisy_tilted_frame,
    "perspective": perspective_frame,
    "no QR": no_code_frame,
}
EVERYDAY = tuple(CONDITIONS)[:9]  # the corpus before the heavy conditions were added
HEAVY_BLUR = ("defocus", "motion", "blur+noise")
NO_CODE = "no QR"


def corpus(seed: int, per_condition: int, only=None) -> list[Frame]:
    frames = []
    for index, (name, make) in enumerate(CONDITIONS.items()):
        for n in range(per_condition if not only or name in only else 0):
            rng = np.random.default_rng([seed, index, n])
            token = customer_token(rng)
            jpeg = make(phone_screen(token, rng), rng)
            frames.append(Frame(name, jpeg, None if name == NO_CODE else token))
    return frames
