"""/business/scanner: scan a customer's QR (photo) or type their card number, then act."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.counter import reward_counter
from gudcity.components.counter_actions import counter_buttons, program_chooser
from gudcity.components.first_run import first_run_guide
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, labelled_input, page_frame
from gudcity.i18n.catalogue import N_
from gudcity.settings import get_settings
from gudcity.state.scanner import ScannerState
from gudcity.state.scanner_answers import GOOD_NEWS

ROUTE = routes.SCANNER
TITLE = N_("Scanner · GudCity")
# CSS values (not words): the video is laid out only while the camera runs.
SHOWN, HIDDEN = "block", "none"
NO_SCAN_ACCESS = N_("Your account may not scan here: the owner can give you the Scan permission.")


def _photo_scan() -> rx.Component:
    limit = get_settings().max_upload_bytes
    megabytes = f"{limit / (1024 * 1024):g}"
    return rx.upload(
        rx.vstack(
            rx.icon(tag="camera", size=28),
            rx.text(t("Take or choose a photo of the customer's QR code"), weight="medium"),
            rx.text(
                t("JPEG, PNG or WebP, up to {size} MB", size=megabytes),
                size="1",
                color_scheme="gray",
            ),
            align="center",
            spacing="1",
        ),
        id="scan-upload",
        accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
        max_files=1,
        max_size=limit,
        multiple=False,
        on_drop=ScannerState.scan_upload(rx.upload_files_chunk(upload_id="scan-upload")),
        border="2px dashed var(--accent-7)",
        border_radius="var(--radius-4)",
        padding="24px",
        width="100%",
        cursor="pointer",
    )


def _camera_scan() -> rx.Component:
    """Live camera: the video, its status, and start / switch / stop."""
    return rx.vstack(
        rx.el.video(
            id="scan-camera",
            muted=True,
            auto_play=True,
            plays_inline=True,
            aria_label=t("Camera preview"),
            style={
                "display": rx.cond(ScannerState.camera_on, SHOWN, HIDDEN),
                "width": "100%",
                "maxHeight": "360px",
                "objectFit": "cover",
                "borderRadius": "var(--radius-4)",
                "background": "black",
            },
        ),
        rx.cond(
            ScannerState.camera_status != "",
            rx.text(ScannerState.camera_status, id="camera-status", size="2", aria_live="polite"),
        ),
        rx.cond(
            ScannerState.camera_error != "",
            rx.callout(
                ScannerState.camera_error,
                id="camera-error",
                icon="video-off",
                color_scheme="red",
                role="alert",
                width="100%",
            ),
        ),
        _camera_buttons(),
        spacing="2",
        width="100%",
    )


def _camera_buttons() -> rx.Component:
    """Start the camera; once it runs, switch it (with more than one) or stop it."""
    return rx.cond(
        ScannerState.camera_on,
        rx.hstack(
            rx.cond(
                ScannerState.camera_count > 1,
                rx.button(
                    rx.icon(tag="switch-camera"),
                    t("Switch camera"),
                    variant="soft",
                    on_click=ScannerState.switch_camera,
                ),
            ),
            rx.button(
                t("Stop camera"),
                variant="outline",
                color_scheme="gray",
                on_click=ScannerState.stop_camera,
            ),
            spacing="3",
        ),
        rx.button(
            rx.icon(tag="scan-qr-code"),
            t("Scan with camera"),
            size="3",
            width="100%",
            on_click=ScannerState.start_camera,
            disabled=ScannerState.busy,
        ),
    )


def _typed_entry() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(
                labelled_input(
                    "Card number", "card_number", placeholder="1234 5678 9012", input_mode="numeric"
                ),
                flex="1",
            ),
            rx.el.input(type="hidden", name="action_key", value=ScannerState.action_key),
            rx.button(t("Look up"), type="submit", size="3", loading=ScannerState.busy),
            align="end",
            width="100%",
        ),
        on_submit=ScannerState.look_up,
        reset_on_submit=True,
        width="100%",
    )


def _outcome() -> rx.Component:
    """What the last action came to, or the customer's answer to it (amber: not as asked)."""
    return rx.cond(
        ScannerState.outcome != "",
        rx.cond(
            ScannerState.outcome_tone == GOOD_NEWS,
            rx.callout(
                ScannerState.outcome, icon="circle-check", color_scheme="green", width="100%"
            ),
            rx.callout(ScannerState.outcome, icon="info", color_scheme="amber", width="100%"),
        ),
    )


def _customer_shown() -> rx.Component:
    """The customer on screen: name, status in the chosen program, balance."""
    return rx.vstack(
        rx.hstack(
            rx.icon(tag="user-round", size=20),
            rx.text(ScannerState.customer_name, weight="bold", size="5"),
            rx.badge(ScannerState.customer_status, size="2"),
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            ScannerState.customer_balance != "",
            rx.text(
                t("Balance:"),
                " ",
                rx.text.strong(ScannerState.customer_balance),
                size="3",
            ),
        ),
        spacing="2",
    )


def _scan_result() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(
                ScannerState.has_customer,
                _customer_shown(),
                empty_state(
                    "scan-line", N_("No customer yet"), N_("Scan a QR code or type a card number.")
                ),
            ),
            _outcome(),
            rx.cond(
                ScannerState.error != "",
                rx.callout(
                    ScannerState.error,
                    icon="triangle-alert",
                    color_scheme="red",
                    width="100%",
                    role="alert",
                ),
            ),
            counter_buttons(
                ScannerState,
                enrolled=ScannerState.customer_enrolled,
                ready=ScannerState.has_customer,
            ),
            spacing="4",
            width="100%",
        ),
        id="scan-result",
        aria_live="polite",
        width="100%",
    )


def _counter() -> rx.Component:
    return rx.vstack(
        program_chooser(ScannerState),
        rx.grid(
            rx.vstack(
                _camera_scan(),
                _photo_scan(),
                _typed_entry(),
                spacing="4",
                width="100%",
            ),
            _scan_result(),
            columns={"initial": "1", "md": "2"},
            spacing="5",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def scanner() -> rx.Component:
    return page_frame(
        rx.script(src="/camera.js"),
        rx.cond(
            ScannerState.loading,
            rx.skeleton(height="300px", width="100%"),
            rx.cond(
                ~ScannerState.can_scan,
                empty_state(
                    "lock",
                    N_("No access to the scanner"),
                    NO_SCAN_ACCESS,
                ),
                rx.cond(
                    ScannerState.programs.length() > 0,
                    _counter(),
                    rx.cond(
                        ScannerState.has_programs,
                        empty_state(
                            "list-plus",
                            N_("No active program"),
                            N_("Resume a paused program or create one: scans award its points."),
                        ),
                        first_run_guide(ScannerState.can_manage_programs),
                    ),
                ),
            ),
        ),
        reward_counter(),
        business_notifications(ScannerState),
        title=N_("Scanner"),
    )
