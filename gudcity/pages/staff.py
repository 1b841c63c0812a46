"""/business/staff: the owner's staff, what each may do, and who may still log in."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.confirm import confirm_dialog
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, labelled_input, page_frame
from gudcity.i18n.catalogue import N_
from gudcity.state.staff import ADD, EDIT, REMOVE, StaffLine, StaffState
from gudcity.styles import LABEL_STYLE

ROUTE = routes.STAFF
TITLE = N_("Staff · GudCity")

# (form field, label) of each permission an owner grants, in the order shown.
PERMISSIONS = (
    ("can_scan", N_("Scan")),
    ("can_award", N_("Award points")),
    ("can_deduct", N_("Deduct points")),
    ("can_manage_programs", N_("Manage programs")),
    ("can_view_reports", N_("Reports")),
)


def _form_error(key: str) -> rx.Component:
    return rx.cond(
        StaffState.error_at == key,
        rx.callout(StaffState.error, icon="triangle-alert", color_scheme="red", role="alert"),
    )


def _checkboxes(checked: StaffLine | None = None) -> rx.Component:
    """A checkbox per permission, ticked as `checked` has them (the add form: none)."""
    return rx.vstack(
        rx.text(t("Permissions"), as_="div", style=LABEL_STYLE),
        rx.flex(
            *(
                rx.checkbox(
                    t(label),
                    name=field,
                    size="3",
                    default_checked=False if checked is None else getattr(checked, field),
                )
                for field, label in PERMISSIONS
            ),
            direction={"initial": "column", "sm": "row"},
            wrap="wrap",
            spacing="4",
        ),
        spacing="2",
        width="100%",
    )


def _add_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.el.input(
                type="hidden", name="form_version", value=StaffState.form_version.to_string()
            ),
            rx.vstack(
                rx.heading(t("Add a staff member"), size="4", as_="h2"),
                rx.flex(
                    labelled_input("Name", "name", required=True, max_length=120),
                    labelled_input("Email", "email", type="email", required=True),
                    direction={"initial": "column", "sm": "row"},
                    spacing="3",
                    width="100%",
                ),
                labelled_input(
                    "Temporary password",
                    "temporary_password",
                    auto_complete="off",
                    min_length=8,
                    required=True,
                ),
                rx.text(
                    t("They choose their own password the first time they log in."),
                    size="2",
                    color_scheme="gray",
                ),
                _checkboxes(),
                rx.button(
                    t("Add staff member"),
                    type="submit",
                    size="3",
                    loading=StaffState.busy == ADD,
                    disabled=StaffState.saving,
                ),
                _form_error(ADD),
                spacing="4",
                width="100%",
            ),
            key=StaffState.form_version,
            on_submit=StaffState.add_member,
        ),
        width="100%",
    )


def _permission_badges(member: StaffLine) -> rx.Component:
    badges = [
        rx.cond(getattr(member, field), rx.badge(t(label), variant="soft"))
        for field, label in PERMISSIONS
    ]
    none = ~(
        member.can_scan
        | member.can_award
        | member.can_deduct
        | member.can_manage_programs
        | member.can_view_reports
    )
    return rx.flex(
        *badges,
        rx.cond(none, rx.text(t("Sees customers only"), size="2", color_scheme="gray")),
        wrap="wrap",
        spacing="2",
    )


def _member_actions(member: StaffLine) -> rx.Component:
    return rx.hstack(
        rx.button(
            t("Edit permissions"),
            size="2",
            variant="soft",
            disabled=StaffState.saving,
            on_click=StaffState.open_editor(member.user_id),
        ),
        rx.button(
            t("Remove"),
            size="2",
            variant="soft",
            color_scheme="red",
            disabled=StaffState.saving,
            on_click=StaffState.ask_to_remove(member.user_id),
        ),
        spacing="2",
        flex_shrink="0",
    )


def _staff_row(member: StaffLine) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(member.name, weight="bold"),
                    rx.cond(member.is_owner, rx.badge(t("Owner"), color_scheme="green")),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(member.email, size="2", color_scheme="gray", word_break="break-all"),
                rx.cond(
                    member.is_owner,
                    rx.text(t("May do everything"), size="2", color_scheme="gray"),
                    _permission_badges(member),
                ),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(member.is_owner, rx.fragment(), _member_actions(member)),
            direction={"initial": "column", "sm": "row"},
            align={"initial": "start", "sm": "center"},
            spacing="3",
            width="100%",
        ),
        data_testid="staff-row",
        width="100%",
    )


def _load_failed() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(t("Your staff could not be loaded.")),
            rx.button(t("Try again"), size="1", variant="soft", on_click=StaffState.load),
            align="center",
            wrap="wrap",
        ),
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        width="100%",
    )


def _staff_list() -> rx.Component:
    return rx.cond(
        StaffState.load_failed,
        _load_failed(),
        rx.cond(
            StaffState.loading,
            rx.vstack(rx.skeleton(height="88px"), rx.skeleton(height="88px"), width="100%"),
            rx.vstack(
                rx.foreach(StaffState.members, _staff_row),
                rx.cond(
                    StaffState.members.length() < 2,
                    empty_state(
                        "users",
                        N_("No staff yet"),
                        N_("Add the people who work the counter: each gets a login of their own."),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Permissions of {name}", name=StaffState.editing.name)),
            rx.dialog.description(
                t("They see the change at once, without logging in again."),
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    _checkboxes(StaffState.editing),
                    _form_error(EDIT),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(t("Cancel"), variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            t("Save permissions"),
                            type="submit",
                            loading=StaffState.busy == EDIT,
                            disabled=StaffState.saving,
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="4",
                    padding_top="12px",
                ),
                key=StaffState.editing.user_id,
                on_submit=StaffState.save_permissions,
            ),
        ),
        open=StaffState.editing.user_id != 0,
        on_open_change=StaffState.editor_open_changed,
    )


def _removal_dialog() -> rx.Component:
    return confirm_dialog(
        t("Remove {name}?", name=StaffState.removing.name),
        description=(
            t(
                "They are logged out at once and can no longer act for {business}.",
                business=StaffState.business_name,
            ),
        ),
        error=_form_error(REMOVE),
        open=StaffState.removing.user_id != 0,
        on_open_change=StaffState.removal_open_changed,
        on_confirm=StaffState.confirm_removal,
        loading=StaffState.busy == REMOVE,
        disabled=StaffState.saving,
    )


def staff() -> rx.Component:
    return page_frame(
        _add_form(),
        rx.box(_staff_list(), id="staff", width="100%"),
        _edit_dialog(),
        _removal_dialog(),
        business_notifications(StaffState),
        title=N_("Staff"),
    )
