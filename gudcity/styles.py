"""Styles shared by the pages (the theme itself is in rxconfig.py)."""

# Every form field's <label>.
LABEL_STYLE = {"fontWeight": 500, "fontSize": "14px"}

# A native <select> that looks like the theme's inputs (16 px, so phones do not zoom in).
NATIVE_SELECT_STYLE = {
    "width": "100%",
    "padding": "8px",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "fontSize": "16px",
    "background": "var(--color-surface)",
}

# An icon that points along the line of text (back, previous, next): mirrored right to left.
MIRRORED_IN_RTL = {"[dir=rtl] &": {"transform": "scaleX(-1)"}}

# A row of a list inside a card: stacked on a phone, one line from the small breakpoint.
LIST_ROW = {
    "direction": {"initial": "column", "sm": "row"},
    "spacing": "2",
    "padding_y": "8px",
    "border_top": "1px solid var(--gray-a4)",
    "width": "100%",
}
