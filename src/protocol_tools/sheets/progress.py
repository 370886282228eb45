"""A progress bar for the sheet maker's slow work (a day of appointments): the bar,
its visible label, and the count in words beside it.

    >>> bar = ProgressInWords("Sheets made", "row")
    >>> bar.update(12, 30)
    >>> bar.bar.value, bar.bar.max, "12 of 30 rows done" in bar.words.value
    (12, 30, True)

The bar alone tells nothing but its length, and a screen reader finds no name on
it (ipywidgets draws it as plain boxes), so the words carry the count and the
accessible name: a ``progressbar`` role with the label, the values and the words.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

__all__ = ["ProgressInWords"]


class ProgressInWords(widgets.HBox):
    """A labelled ``IntProgress`` and "N of M …s done" in words; hidden until used."""

    def __init__(self, label: str, unit: str, width: str = "30rem") -> None:
        self.label, self.unit = label, unit
        self.bar = widgets.IntProgress(
            value=0,
            min=0,
            max=1,
            description=label,
            tooltip=label,
            style={"description_width": "10rem"},
            layout=widgets.Layout(width=width),
        )
        self.words = widgets.HTML()
        super().__init__([self.bar, self.words], layout=widgets.Layout(display="none"))

    def hide(self) -> None:
        """Hide the bar (before new work, or when the work never started)."""
        self.layout.display = "none"

    def update(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (the bar appears on the first update)."""
        self.layout.display = "flex"
        self.bar.max = max(total, 1)
        self.bar.value = min(done, self.bar.max)
        words = f"{done} of {total} {self.unit}{'s' if total != 1 else ''} done"
        label = html.escape(self.label, quote=True)
        self.words.value = (
            f'<span role="progressbar" aria-label="{label}" aria-valuemin="0" '
            f'aria-valuemax="{total}" aria-valuenow="{done}" aria-valuetext="{words}" '
            f'style="margin-left:0.6rem">{html.escape(words)}</span>'
        )
