"""How often, and how fast, the QR decoders read a customer's card in camera frames.

Builds a seeded corpus of 1280x720 JPEG frames, as a camera delivers them: the QR
that /cards draws (`qr_cards.qr_png(qr_cards.issue_token(customer))`, shown 220 CSS
px wide and pixelated on a phone screen) held in front of a camera, under one
condition each: clean, tilt, blur, glare, low light, noise, JPEG, small and moire; then
the hard ones: heavy defocus, heavy motion blur, either with noise and tilt, a strong
perspective, and frames with no QR at all (between customers: what must stay cheap).
Every column is timed from the same JPEG bytes, as a caller pays it: each decoder alone
(zxing-cpp, the baseline, included) on the grayscale image OpenCV decodes from them,
that decode counted; the chain is the real `scanning.decode_qr`, its header check and
decode counted. Both ask zxing-cpp for QR Code model 2 alone. A read counts only if
the text is the card's token. Each frame's token is different.

    .venv/bin/python -m bench.decode [--seed 5] [--frames-per-condition 50]
        [--repeat 1] [--save-frames DIR] [--before FILE] [--only CONDITION ...]
        [--cpu-time]

`--before FILE` also times the `decode_qr` of another copy of decoding.py (say
`git show main:gudcity/services/decoding.py > /tmp/before.py`) on the same frames,
as a column of its own. The corpus for the figures is seed 5: tune on other seeds.
"""

import argparse
import importlib.util
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from bench.decode_frames import (
    CONDITIONS,
    EVERYDAY,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEAVY_BLUR,
    NO_CODE,
    Frame,
    corpus,
)
from gudcity.services import decoding, scanning

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
BEFORE = "before"


CLOCK = time.perf_counter  # --cpu-time: time.process_time, the CPU this process spent


def from_jpeg(read: Callable[[np.ndarray], str | None]) -> Callable[[bytes], str | None]:
    """`read` on the grayscale pixels of a JPEG: what a caller of that decoder alone pays."""
    return lambda jpeg: read(decoding._decode_pixels(jpeg, cv2.IMREAD_GRAYSCALE))


def timed(read: Callable, data, repeat: int) -> tuple[str | None, float]:
    """What `read(data)` returns, and its fastest time in ms over `repeat` calls."""
    fastest = float("inf")
    for _ in range(repeat):
        started = CLOCK()
        text = read(data)
        fastest = min(fastest, CLOCK() - started)
    return text, fastest * 1000


Row = tuple[str, bool, float, bool]  # condition, read correctly, ms, read something else


def load_before(path: str) -> Callable[[bytes], str | None]:
    """`decode_qr` from another copy of decoding.py, loaded as a module of its own."""
    spec = importlib.util.spec_from_file_location("decoding_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.decode_qr


def run(frames: list[Frame], repeat: int, before=None) -> dict[str, list[Row]]:
    """For each decoder: (condition, read correctly, ms, read a wrong text) per frame."""
    chains = {CHAIN: scanning.decode_qr, **({BEFORE: before} if before else {})}
    results: dict[str, list[Row]] = {name: [] for name in [*DECODERS, *chains]}
    for frame in frames[:5]:  # warm-up: first calls load libraries and allocate
        for chain in chains.values():
            chain(frame.jpeg)
        for read in DECODERS.values():
            from_jpeg(read)(frame.jpeg)
    for frame in frames:
        for name, read in DECODERS.items():
            text, ms = timed(from_jpeg(read), frame.jpeg, repeat)
            results[name].append((frame.condition, text == frame.token, ms, wrong(text, frame)))
        order = list(chains.items())  # each first on every other frame (warm caches)
        for name, chain in order if len(results[CHAIN]) % 2 else order[::-1]:
            text, ms = timed(chain, frame.jpeg, repeat)
            results[name].append((frame.condition, text == frame.token, ms, wrong(text, frame)))
    return results


def wrong(text: str | None, frame: Frame) -> bool:
    return text is not None and text != frame.token


# --- the report ------------------------------------------------------------------------


def cell(rows: list[Row]) -> str:
    if not rows:
        return ""
    reads = sum(row[1] for row in rows)
    ms = np.array([row[2] for row in rows])
    return f"{reads:>3}/{len(rows):<3} {np.median(ms):5.1f} {np.percentile(ms, 95):5.1f}"


def median_ms(rows: list[Row], conditions) -> float:
    return float(np.median([row[2] for row in rows if row[0] in conditions]))


def report(results: dict[str, list[Row]], frames: list[Frame], repeat: int):
    names = list(results)
    groups = {
        **{condition: (condition,) for condition in CONDITIONS},
        "heavy blur": HEAVY_BLUR,
        "all QR": tuple(c for c in CONDITIONS if c != NO_CODE),
    }
    print(f"{'':<11} " + " ".join(f"{name:<19}" for name in names))
    print(f"{'condition':<11} " + " ".join(f"{'reads':<7} {'p50':>5} {'p95':>5}" for _ in names))
    for group, members in groups.items():
        row = [cell([r for r in results[name] if r[0] in members]) for name in names]
        print(f"{group:<11} " + " ".join(f"{c:<19}" for c in row))
    print(f"{'wrong text':<11} " + " ".join(f"{sum(r[3] for r in results[n]):<19}" for n in names))
    fastest = f", the fastest of {repeat} calls" if repeat > 1 else ""
    fastest += ", CPU time" if CLOCK is time.process_time else ""
    print(
        f"(ms per frame{fastest}, each from the JPEG bytes, its decoding included;"
        " a no QR frame counts as read when nothing is)"
    )
    for label, members in (("the first 9 conditions", EVERYDAY), ("every frame", CONDITIONS)):
        zxing = median_ms(results["zxing"], members)
        ratios = [
            f"{name} {median_ms(results[name], members) / zxing:.2f}x"
            for name in (CHAIN, BEFORE)
            if name in results
        ]
        print(f"median time over zxing's, {label}: " + ", ".join(ratios))

    print("\nFrames a step reads that every step before it missed:")
    missed = [frame.token is not None for frame in frames]
    for name in DECODERS:
        gained = [i for i, row in enumerate(results[name]) if row[1] and missed[i]]
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
    parser.add_argument("--before", metavar="FILE", help="a decoding.py to compare with")
    parser.add_argument("--only", nargs="+", choices=CONDITIONS, help="only these conditions")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time the CPU spent rather than the clock (on a machine other jobs load)",
    )
    options = parser.parse_args()
    if options.cpu_time:
        global CLOCK
        CLOCK = time.process_time

    started = time.perf_counter()
    frames = corpus(options.seed, options.frames_per_condition, options.only)
    print(
        f"QR decoding: {len(frames)} camera frames {FRAME_WIDTH}x{FRAME_HEIGHT} "
        f"(seed {options.seed}, made in {time.perf_counter() - started:.0f} s)\n"
    )
    if options.save_frames:
        folder = Path(options.save_frames)
        folder.mkdir(parents=True, exist_ok=True)
        for n, frame in enumerate(frames):
            (folder / f"{frame.condition.replace(' ', '-')}-{n:04}.jpg").write_bytes(frame.jpeg)
    before = load_before(options.before) if options.before else None
    report(run(frames, options.repeat, before), frames, options.repeat)


if __name__ == "__main__":
    main()
