"""The scanner's live camera (assets/camera.js): the server asks for one frame at a time.

A mixin of ScannerState: Reflex copies its handlers onto the page's state. It
uses the page's decode claim (`_start_decode`, `_end_decode`) and its scan
(`_scan_read`), so a frame is checked and decoded exactly like a photo.
"""

import reflex as rx
from reflex.event import EventSpec

from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import N_
from gudcity.services import camera
from gudcity.state.decode_pool import run_decode

ONE_AT_A_TIME = N_("Still reading the last photo: one at a time, please.")
CAMERA_LOOKING = N_("Point the camera at the customer's QR code.")
CAMERA_STARTING = N_("Starting the camera…")
CAMERA_SWITCHING = N_("Switching camera…")
CAMERA_FAILED = N_("The camera could not start. Upload a photo or type the card number.")
# The reasons assets/camera.js reports when the camera does not start.
CAMERA_ERRORS = {
    "denied": N_(
        "Camera access was denied. Allow the camera for this site in the browser's settings, "
        "or upload a photo or type the card number."
    ),
    "not-found": N_("No camera was found on this device. Upload a photo or type the card number."),
    "busy": N_("The camera is busy in another app. Close that app and try again."),
    "unsupported": N_(
        "This browser cannot use the camera here. Upload a photo or type the card number."
    ),
}


class CameraMixin(rx.State, mixin=True):
    # On while frames are being read; how many cameras the device has.
    camera_on: bool = False
    camera_count: int = 0
    camera_status: str = ""
    camera_error: str = ""

    # The last QR text the camera read and the scan refused: not tried again each frame.
    _refused_read: str = ""

    def _next_frame(self) -> EventSpec:
        """Ask the page for a frame. By the handler's name: in a background event `self`
        is a proxy of the state, not its class."""
        return rx.call_script("gudcityCamera.frame()", callback=self.event_handlers["scan_frame"])

    @rx.event
    def start_camera(self):
        self.camera_error = ""
        self.camera_status = self._tr().gettext(CAMERA_STARTING)
        return rx.call_script("gudcityCamera.start()", callback=self.event_handlers["camera_ready"])

    @rx.event
    def switch_camera(self):
        self.camera_status = self._tr().gettext(CAMERA_SWITCHING)
        return rx.call_script(
            "gudcityCamera.switchCamera()", callback=self.event_handlers["camera_ready"]
        )

    @rx.event
    async def camera_ready(self, result: dict):
        """What assets/camera.js reports after starting the camera: {ok, cameras, error}.

        The camera goes on only for a user who may scan here.
        """
        result = result if isinstance(result, dict) else {}
        if result.get("ok") is not True:
            self._stop_camera_with(self._camera_failure(result.get("error")))
            return None
        try:
            await self._check_may_scan()
        except ServiceError as error:
            self._stop_camera_with(self._say(error))
            return rx.call_script("gudcityCamera.stop()")
        cameras = result.get("cameras")
        self.camera_on = True
        self.camera_count = cameras if isinstance(cameras, int) and cameras > 0 else 1
        self.camera_status = self._tr().gettext(CAMERA_LOOKING)
        self._refused_read = ""
        return self._next_frame()

    @rx.event
    def stop_camera(self):
        self.camera_on = False
        self.camera_status = ""
        return rx.call_script("gudcityCamera.stop()")

    @rx.event(background=True)
    async def scan_frame(self, frame: str):
        """One camera frame: checked like a photo, decoded off the event loop.

        A refused QR (forged, expired...) shows its message once and the camera keeps
        looking; the first scan that goes through stops the camera with a beep.
        """
        async with self:
            if not self.camera_on:
                return
            refusal = await self._start_frame_decode(frame)
        if refusal:
            yield refusal
            return
        try:
            text = await run_decode(camera.read_frame, frame)
        except ServiceError as error:
            async with self:
                self._end_decode()
                self._stop_camera_with(self._say(error))
            yield rx.call_script("gudcityCamera.stop()")
            return
        async with self:
            self._end_decode()
            async for update in self._scan_camera_read(text):
                yield update

    async def _start_frame_decode(self, frame) -> EventSpec | None:
        """Claim the tab's decode for a frame; else the event that answers the refusal."""
        if self._decoding():  # dropped; the camera goes on looking (frames come a gap apart)
            self.camera_status = self._tr().gettext(ONE_AT_A_TIME)
            return self._next_frame()
        try:
            camera.check_frame_size(frame)
        except ServiceError as error:
            refusal = self._say(error)
        else:
            refusal = await self._start_decode()
        if refusal is None:
            return None
        self._stop_camera_with(refusal)
        return rx.call_script("gudcityCamera.stop()")

    def _camera_failure(self, reported: object) -> str:
        """Why the camera did not start, in the tab's language.

        assets/camera.js reports the browser's reason (a DOMException's name, like
        NotAllowedError): known ones have their words here, any other the general one.
        """
        return self._tr().gettext(CAMERA_ERRORS.get(str(reported), CAMERA_FAILED))

    def _stop_camera_with(self, message: str) -> None:
        self.camera_on, self.camera_status, self.camera_error = False, "", message

    async def _scan_camera_read(self, text: str | None):
        """After a frame: the next one, or the scan of the QR it held (under the lock)."""
        self.camera_status = self._tr().gettext(CAMERA_LOOKING)
        if text is None or text == self._refused_read:
            yield self._next_frame()
            return
        async for update in self._scan_read(text):
            yield update
        if self.error:
            self._refused_read = text
            yield self._next_frame()
            return
        self.camera_on, self.camera_status = False, ""
        yield rx.call_script("gudcityCamera.confirm()")
