"""The designer's sections 5 (Save) and 6 (Compare), as a part of the designer (a view)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..protocols.model import Protocol
from .compare import ProtocolComparison, compare_protocols
from .draft import ProtocolDraft
from .store import BUMPS, SavedMeanwhileError
from .widget_html import comparison_html, ok_html, problem_html, saved_meanwhile_words

if TYPE_CHECKING:
    from .widget import ProtocolDesigner

__all__ = ["DRAFT_CHOICE", "SaveAndCompare"]

# The compare choice that stands for the draft being edited.
DRAFT_CHOICE = "__draft__"
_LABEL = {"description_width": "initial"}


class SaveAndCompare:
    """Saving the draft and comparing protocols; :class:`ProtocolDesigner` mixes it in."""

    def _build_save(self: ProtocolDesigner) -> list[widgets.Widget]:
        """Section 5: save as a new protocol or a new version."""
        self.save_mode = widgets.RadioButtons(description="Save as", style=_LABEL)
        self.new_id = widgets.Text(
            description="New id",
            placeholder="e.g. my-lift-15",
            style=_LABEL,
            layout=widgets.Layout(width="20rem"),
        )
        self.bump = widgets.RadioButtons(
            options=[(f"{b} (e.g. {_example(b)})", b) for b in BUMPS],
            value="patch",
            description="Version step",
            style=_LABEL,
        )
        self.note = widgets.Textarea(
            description="Change note",
            placeholder="What changed, and why (required for a new version)",
            style=_LABEL,
            layout=widgets.Layout(width="40rem"),
        )
        self.as_draft = widgets.Checkbox(
            description="Save as a draft (allowed with errors)", style=_LABEL, indent=False
        )
        self.save_button = widgets.Button(description="Save", button_style="success")
        self.save_button.on_click(lambda _b: self.save())
        self.save_message = widgets.HTML()
        self.save_mode.observe(lambda _c: self._show_save_fields(), names="value")
        return [
            self.save_mode,
            self.new_id,
            self.bump,
            self.note,
            self.as_draft,
            self.save_button,
            self.save_message,
        ]

    def _build_compare(self: ProtocolDesigner) -> list[widgets.Widget]:
        """Section 6: compare two protocols, or the draft with one."""
        self.compare_a = widgets.Dropdown(
            description="Compare A", style=_LABEL, layout=widgets.Layout(width="30rem")
        )
        self.compare_b = widgets.Dropdown(
            description="with B", style=_LABEL, layout=widgets.Layout(width="30rem")
        )
        self.compare_button = widgets.Button(description="Compare")
        self.compare_button.on_click(lambda _b: self.compare())
        self.compare_out = widgets.HTML()
        return [
            widgets.HBox([self.compare_a, self.compare_b, self.compare_button]),
            self.compare_out,
        ]

    def _show_save_fields(self: ProtocolDesigner) -> None:
        origin = self.draft.origin
        options = [("a new protocol (new id)", "new")]
        if origin is not None:
            options.append((f"a new version of {origin.id} (now {origin.version})", "version"))
        if list(self.save_mode.options) != options:
            previous = self.save_mode.value
            self.save_mode.options = options
            values = [value for _, value in options]
            self.save_mode.value = previous if previous in values else values[-1]
        new = self.save_mode.value == "new"
        self.new_id.layout.display = None if new else "none"
        self.bump.layout.display = "none" if new else None

    # -- saving and comparing -------------------------------------------------------------
    def save(self: ProtocolDesigner) -> Path | None:
        """Save as the form says; returns the file written, or None with a message."""
        note = self.note.value.strip() or None
        try:
            if self.save_mode.value == "new":
                path = self.draft.save_as_new(
                    self.new_id.value.strip(),
                    self.library_dir,
                    note=note,
                    draft=self.as_draft.value,
                )
            else:
                path = self.draft.save_new_version(
                    self.bump.value, note=note or "", draft=self.as_draft.value
                )
        except SavedMeanwhileError as error:
            self._offer_comparison(error.protocol_id)
            self.save_message.value = problem_html(saved_meanwhile_words(error))
            return None
        except ProtocolToolsError as error:
            self.save_message.value = problem_html(error)
            return None
        self._remember(self.draft, "saved")
        status = " as a draft" if self.as_draft.value else ""
        self.save_message.value = ok_html(
            f"Saved {path} ({self.draft.origin.label}){status}. Check it any time with: "
            f"protocol-tools validate {path}"
        )
        # Further edits to what was just saved become its next version.
        self.note.value = ""
        self.new_id.value = ""
        self._refresh_library()
        self.refresh()
        self.save_mode.value = "version"
        return path

    def _offer_comparison(self: ProtocolDesigner, protocol_id: str) -> None:
        """Set up "compare the saved protocol with this draft", one click away."""
        self._refresh_library()
        if protocol_id in {value for _, value in self.compare_a.options}:
            self.compare_a.value = protocol_id
        self.compare_b.value = DRAFT_CHOICE

    def compare(self: ProtocolDesigner) -> ProtocolComparison | None:
        """Compare the protocols picked as A and B; shows and returns the result."""
        try:
            old = self._pick(self.compare_a.value)
            new = self._pick(self.compare_b.value)
            comparison = compare_protocols(old, new, self.library_dir)
        except ProtocolToolsError as error:
            self.compare_out.value = problem_html(error)
            return None
        self.compare_out.value = comparison_html(
            comparison, self.compare_a.label, self.compare_b.label
        )
        return comparison

    def _pick(self: ProtocolDesigner, value: str) -> Protocol | ProtocolDraft | str:
        if value == DRAFT_CHOICE:
            return self.draft
        if value.startswith("snapshot:"):
            return self.snapshots[value.removeprefix("snapshot:")]
        return value


def _example(bump: str) -> str:
    return {"patch": "1.0.0 → 1.0.1", "minor": "1.0.0 → 1.1.0", "major": "1.0.0 → 2.0.0"}[bump]
