"""What the scanner is sent: photos streamed as Reflex streams uploads, camera frames,
and the scripts its events ask the browser to run."""

import base64
import io

import reflex as rx
from PIL import Image

from gudcity.services import qr_cards


async def streamed(*files: tuple[str, bytes], chunk_bytes: int = 64 * 1024):
    """What Reflex hands `scan_upload`: the chosen files' chunks, as they stream in."""
    for name, data in files:
        for offset in range(0, max(len(data), 1), chunk_bytes):
            piece = data[offset : offset + chunk_bytes]
            yield rx.UploadChunk(filename=name, offset=offset, content_type="", data=piece)


def photo(data: bytes, name: str = "photo.png"):
    """One chosen file, streamed."""
    return streamed((name, data))


def qr_photo(customer):
    return photo(qr_cards.qr_png(qr_cards.issue_token(customer)))


def scripts(events) -> list[str]:
    """The JavaScript that `rx.call_script` events among `events` run in the browser."""
    found = []
    for event in events:
        args = {name._js_expr: value for name, value in event.args}
        if "javascript_code" in args:
            found.append(str(args["javascript_code"]._var_value))
    return found


def frame_of(png: bytes) -> str:
    """A camera frame as assets/camera.js sends it: a JPEG data URL."""
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("L").save(jpeg, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.getvalue()).decode()
