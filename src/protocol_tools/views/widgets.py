"""Small ipywidgets views for the notebooks (they also run as Voilà apps).

>>> from protocol_tools import protocol_browser
>>> protocol_browser()  # doctest: +SKIP
>>> shown = library_table().value
>>> ">Device minutes</th>" in shown, "device_minutes" in shown
(True, False)
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from ..protocols.checks import validate
from ..protocols.loading import Library, load_library
from ..reference.data import reference
from .charts import figure_output, timeline_figure
from .html import alert_html, findings_html
from .palette import BACKDROP, RULE

__all__ = ["ProtocolBrowser", "library_table", "protocol_browser", "validation_report"]

_CELL = f"border-bottom:1px solid {RULE};padding:4px 8px;text-align:left;vertical-align:top"


def library_table(folder: str | Path | None = None) -> widgets.HTML:
    """The library as a table in people's words: one row per protocol (drafts last),
    zones by name. ``Library.table()`` is the same as data, for code."""
    library = load_library(folder)
    zones = reference().zones
    head = ("Protocol", "Id", "Setting", "Version", "Status", "Device minutes", "Steps")
    rows = []
    for status, group in (("Ready", library.protocols), ("Draft", library.drafts)):
        for protocol in group.values():
            worked = dict.fromkeys(step.zone for step in protocol.steps if step.zone)
            named = ", ".join(zones[z].name if z in zones else z for z in worked if z)
            cells = (
                f"<strong>{html.escape(protocol.name)}</strong><br><small>"
                f"{html.escape(protocol.summary)}<br>Zones: {html.escape(named)}</small>",
                html.escape(protocol.id),
                html.escape(protocol.setting.capitalize()),
                html.escape(protocol.version),
                status,
                f"{protocol.device_seconds / 60:.1f}",
                str(len(protocol.steps)),
            )
            rows.append("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
    heading = "".join(
        f"<th scope='col' style=\"{_CELL};background:{BACKDROP}\">{text}</th>" for text in head
    )
    return widgets.HTML(
        "<table class='pt-library' style='border-collapse:collapse;margin:.3rem 0'>"
        f"<caption>The protocol library: {len(rows)} protocols</caption>"
        f"<thead><tr>{heading}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class ProtocolBrowser(widgets.VBox):
    """Pick a protocol from the library; see its summary, findings and timeline."""

    def __init__(self, library: Library) -> None:
        self.library = library
        options = [(f"{p.name} — {p.id}", p.id) for p in library.values()]
        self.picker = widgets.Dropdown(
            options=options,
            description="Protocol",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32rem"),
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        super().__init__([self.picker, self.summary, self.chart])
        self.picker.observe(self._show, names="value")
        if options:
            self._show()

    def _show(self, _change: object = None) -> None:
        protocol = self.library[self.picker.value]
        findings = validate(protocol)
        checks = findings_html(findings) or alert_html("done", "", "Passes every check.")
        self.summary.value = (
            f"<h3>{html.escape(protocol.name)} <small>{html.escape(protocol.version)}</small></h3>"
            f"<p>{html.escape(protocol.summary)}</p>"
            f"<p><strong>Setting:</strong> {html.escape(protocol.setting)} · "
            f"<strong>Device time:</strong> {protocol.device_seconds / 60:.1f} min · "
            f"<strong>Whole session:</strong> {protocol.total_seconds / 60:.1f} min</p>{checks}"
        )
        self.chart.outputs = (figure_output(timeline_figure(protocol)),)


def validation_report(folder: str | Path | None = None) -> widgets.HTML:
    """Every finding for a library folder, in words; or a line saying all is well."""
    from ..protocols.checks import check_files
    from ..protocols.loading import default_library_dir

    folder = Path(folder) if folder is not None else default_library_dir()
    results = check_files([folder])
    findings = [finding for items in results.values() for finding in items]
    checked = f"{len(results)} protocol file{'s' if len(results) != 1 else ''} checked"
    if not findings:
        return widgets.HTML(alert_html("done", "", f"{checked} in {folder}: no problems found."))
    return widgets.HTML(findings_html(findings, heading=f"{checked}:", place="file"))


def protocol_browser(folder: str | Path | None = None) -> ProtocolBrowser:
    """A dropdown of the library's protocols with each one's timeline."""
    return ProtocolBrowser(load_library(folder))
