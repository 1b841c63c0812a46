"""How often, and how fast, the QR decoders read a customer's card in camera frames.

Builds a seeded corpus of 1280x720 JPEG frames, as a camera delivers them: the QR
that /cards draws (`qr_cards.qr_png(qr_cards.issue_token(customer))`, shown 220 CSS
px wide and pixelated on a phone screen) held in front of a camera, under one
condition each: clean, tilt, blur, glare, low light, noise, JPEG, small and moire.
Each decoder alone is timed on the grayscale pixels; the chain is the real
`scanning.decode_qr` on the JPEG bytes, so its time includes decoding the image. A
read counts only if the text is the card's token. Each frame's token is different.

    .venv/bin/python -m bench.decode [--seed 5] [--frames-per-condition 50]
        [--repeat 1] [--save-frames DIR]
"""

import argparse
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from gudcity.models import User
from gudcity.services import decoding, qr_cards, scanning

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


# --- the corpus ------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    condition: str
    jpeg: bytes
    token: str


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


def held_phone(qr_px: float, tilt_deg: float, rng: np.random.Generator) -> np.ndarray:
    """The homography from the phone image to the frame: the QR `qr_px` wide, the
    phone upright give or take 40 degrees, tilted `tilt_deg` away from the camera
    about a random axis, and somewhere in the frame with the whole QR inside it.
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
    depth = FOCAL_PX / (FOCAL_PX + points[:, 2])
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


def blurred_frame(phone, rng):
    """Motion blur 1.2-2 modules long, or out of focus by 0.5-0.85 module."""
    qr_px, tilt_deg = everyday(rng)
    image = photograph(phone, held_phone(qr_px, tilt_deg, rng), rng)
    module = qr_px / MODULES
    if rng.random() < 0.5:  # the hand moves during the exposure
        length = max(3, round(rng.uniform(1.2, 2.0) * module))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2] = 1 / length
        turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
    else:  # out of focus: a disc
        radius = max(1, round(rng.uniform(0.5, 0.85) * module))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
        kernel = kernel.astype(np.float32)
    return sensor(cv2.filter2D(image, -1, kernel / kernel.sum()), rng)


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
}


def corpus(seed: int, per_condition: int) -> list[Frame]:
    frames = []
    for index, (name, make) in enumerate(CONDITIONS.items()):
        for n in range(per_condition):
            rng = np.random.default_rng([seed, index, n])
            token = customer_token(rng)
            frames.append(Frame(name, make(phone_screen(token, rng), rng), token))
    return frames


# --- the decoders ----------------------------------------------------------------------


def read_with_opencv(gray: np.ndarray) -> str | None:
    """OpenCV's QRCodeDetector (once decode_qr's last step; kept here to compare)."""
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(gray)
    return text or None


DECODERS: dict[str, Callable[[np.ndarray], str | None]] = {
    "zxing": decoding._read_with_zxing,
    "zxing+CLAHE": lambda gray: decoding._read_with_zxing(decoding._boost_contrast(gray)),
    "pyzbar": decoding._read_with_zbar,
    "opencv": read_with_opencv,
}
CHAIN = "decode_qr"


def timed(read: Callable, data, repeat: int) -> tuple[str | None, float]:
    """What `read(data)` returns, and its fastest time in ms over `repeat` calls."""
    fastest = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        text = read(data)
        fastest = min(fastest, time.perf_counter() - started)
    return text, fastest * 1000


def run(frames: list[Frame], repeat: int) -> dict[str, list[tuple[str, bool, float]]]:
    """For each decoder: (condition, read correctly, ms) per frame."""
    results: dict[str, list[tuple[str, bool, float]]] = {name: [] for name in [*DECODERS, CHAIN]}
    for frame in frames[:5]:  # warm-up: first calls load libraries and allocate
        scanning.decode_qr(frame.jpeg)
        for read in DECODERS.values():
            read(decoding._decode_pixels(frame.jpeg, cv2.IMREAD_GRAYSCALE))
    for frame in frames:
        gray = decoding._decode_pixels(frame.jpeg, cv2.IMREAD_GRAYSCALE)
        for name, read in DECODERS.items():
            text, ms = timed(read, gray, repeat)
            results[name].append((frame.condition, text == frame.token, ms))
        text, ms = timed(scanning.decode_qr, frame.jpeg, repeat)
        results[CHAIN].append((frame.condition, text == frame.token, ms))
    return results


# --- the report ------------------------------------------------------------------------


def cell(rows: list[tuple[str, bool, float]]) -> str:
    reads = sum(ok for _, ok, _ in rows)
    ms = np.array([ms for _, _, ms in rows])
    return f"{reads:>3}/{len(rows):<3} {np.median(ms):5.1f} {np.percentile(ms, 95):5.1f}"


def report(results: dict[str, list[tuple[str, bool, float]]], frames: list[Frame], repeat: int):
    names = list(results)
    print(f"{'':<10} " + " ".join(f"{name:<19}" for name in names))
    print(f"{'condition':<10} " + " ".join(f"{'reads':<7} {'p50':>5} {'p95':>5}" for _ in names))
    for condition in [*CONDITIONS, "all"]:
        row = [cell([r for r in results[name] if condition in ("all", r[0])]) for name in names]
        print(f"{condition:<10} " + " ".join(f"{c:<19}" for c in row))
    fastest = f", the fastest of {repeat} calls" if repeat > 1 else ""
    print(
        f"(ms per frame{fastest}; the decoders alone on the grayscale pixels,"
        " decode_qr on the JPEG bytes)"
    )

    print("\nFrames a step reads that every step before it missed:")
    missed = [True] * len(frames)
    for name in DECODERS:
        gained = [i for i, (_, ok, _) in enumerate(results[name]) if ok and missed[i]]
        by_condition = Counter(frames[i].condition for i in gained)
        detail = ", ".join(f"{condition} {n}" for condition, n in by_condition.items())
        print(f"  {name:<12} {len(gained):>4}  {detail}")
        for i in gained:
            missed[i] = False
    print(f"  {'none':<12} {sum(missed):>4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--frames-per-condition", type=int, default=50)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each call this many times and keep the fastest (on a busy machine)",
    )
    parser.add_argument("--save-frames", metavar="DIR", help="also write the frames there")
    options = parser.parse_args()

    started = time.perf_counter()
    frames = corpus(options.seed, options.frames_per_condition)
    print(
        f"QR decoding: {len(frames)} camera frames {FRAME_WIDTH}x{FRAME_HEIGHT} "
        f"(seed {options.seed}, made in {time.perf_counter() - started:.0f} s)\n"
    )
    if options.save_frames:
        folder = Path(options.save_frames)
        folder.mkdir(parents=True, exist_ok=True)
        for n, frame in enumerate(frames):
            (folder / f"{frame.condition.replace(' ', '-')}-{n:04}.jpg").write_bytes(frame.jpeg)
    report(run(frames, options.repeat), frames, options.repeat)


if __name__ == "__main__":
    main()
