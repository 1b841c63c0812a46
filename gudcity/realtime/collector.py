"""Keep the garbage collector's pauses short: each one stalls every tab of a worker.

After start-up a backend worker holds hundreds of thousands of long-lived objects
(Reflex, SQLAlchemy, pydantic, the compiled pages), and each connected session adds
its state. CPython's full (generation 2) collection walks every tracked object,
long enough to show in live updates. Two changes, made once per worker at start-up:

- `gc.freeze()` moves what exists once the app has started out of the collector's
  sight, so later collections walk only what the sessions created;
- a young generation of 10,000 objects instead of 700 lets the short-lived objects
  of each event and refresh die before they are promoted, so older generations fill,
  and get walked, far less often.

`bench/live_latency.py` measures the pauses; the README's Measured section has the figures.
"""

import gc

YOUNG_GENERATION_OBJECTS = 10_000


def tune_garbage_collector() -> int:
    """Collect once, freeze what survives, enlarge the young generation; objects frozen."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_OBJECTS, middle, old)
    return gc.get_freeze_count()
