"""Options in columns: ``columnCount``, and horizontal choices that wrap at the screen's edge.

Vertical choices (the default) stay one under the other. Horizontal choices stay on one
line while they fit; when they do not, they are laid out in as many equal columns as fit,
row after row, so that none runs off the screen. ``columnCount`` asks for that many
columns, fewer when the screen is too narrow for them.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widget import Widget

BUTTON = 4
"""Cells a radio button or check box adds to its label (the box and a space)."""
GAP = 2
"""Cells between two columns."""


def columns_for(
    labels: list[str], available: int, *, wanted: int | None, horizontal: bool, extra: int = 0
) -> int | None:
    """How many columns *labels* get in *available* cells; ``None``: leave the layout as is
    (vertical, or horizontal on one line that fits)."""
    if not labels or available <= 0:
        return None
    cell = max(cell_len(label) for label in labels) + BUTTON + extra + GAP
    fit = max(1, available // cell)
    if wanted:
        return max(1, min(wanted, fit, len(labels)))
    if not horizontal:
        return None
    one_line = sum(cell_len(label) + BUTTON + extra + GAP for label in labels)
    if one_line <= available:
        return None
    return max(1, min(fit, len(labels)))


def apply_columns(container: Widget, columns: int | None) -> None:
    """Lay *container*'s options out in *columns* (``None``: its stylesheet's layout)."""
    styles = container.styles
    if columns is None:
        if styles.has_rule("grid_size_columns"):
            for rule in ("layout", "grid_size_columns", "grid_columns", "grid_rows", "width"):
                styles.clear_rule(rule)
        return
    if styles.has_rule("grid_size_columns") and styles.grid_size_columns == columns:
        return
    styles.layout = "grid"
    styles.grid_size_columns = columns
    styles.grid_columns = "1fr"
    styles.grid_rows = "auto"
    styles.width = "100%"
