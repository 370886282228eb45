"""The designer's widgets, driven from Python (no browser): clicks, edits, saves."""

from __future__ import annotations

import pytest

from helpers import copy_library
from protocol_tools import ProtocolDraft, load_protocol, reference, validate
from protocol_tools.designer import widget_charts
from protocol_tools.designer.compare import compare_protocols
from protocol_tools.designer.path import path_stops, path_text
from protocol_tools.designer.widget import ProtocolDesigner, face_path_figure
from protocol_tools.designer.widget_html import comparison_html


@pytest.fixture
def library(tmp_path):
    return copy_library(tmp_path / "library")


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Counts chart redraws (and keeps test output small)."""
    calls: list[str] = []

    def counting(name):
        def figure(protocol):
            calls.append(name)
            return f"<{name} of {protocol.id}>"

        return figure

    for name in ("timeline_figure", "zone_time_figure", "face_path_figure"):
        monkeypatch.setattr(widget_charts, name, counting(name))
    monkeypatch.setattr(
        widget_charts,
        "figure_output",
        lambda figure: {"output_type": "display_data", "data": {"text/plain": figure}},
    )
    return calls


@pytest.fixture
def designer(library, drawn) -> ProtocolDesigner:
    return ProtocolDesigner(library)


def open_express(designer: ProtocolDesigner) -> None:
    designer.start_from.value = "express-10"
    designer.open_button.click()


def test_it_starts_blank_with_the_library_to_choose_from(designer, library):
    values = [value for _, value in designer.start_from.options]
    assert values[0] == "__blank__"
    assert set(values[1:]) == {p.stem for p in library.glob("*.yaml")}
    assert len(designer.rows_box.children) == len(ProtocolDraft.blank())
    assert "Passes every check" in designer.checks.value


def test_controls_have_accessible_names_and_only_valid_choices(designer):
    row = designer.rows[2]
    assert row.zone.description == "Step 3 zone"
    assert [value for _, value in row.zone.options] == list(reference().zones)
    assert [value for _, value in row.technique.options] == list(reference().techniques)
    assert [value for _, value in row.side.options] == ["left", "right", "both"]
    assert [b.description for b in row.buttons.values()] == [
        "Move step 3 up",
        "Move step 3 down",
        "Duplicate step 3",
        "Remove step 3",
        "Mirror step 3 to other side",
    ]
    assert designer.add_button.description == "Add step"


def test_opening_a_library_protocol_shows_its_steps(designer):
    open_express(designer)
    assert designer.draft.origin.label == "express-10@1.0.0"
    assert len(designer.rows_box.children) == 12
    assert designer.rows[2].zone.value == "jawline"
    assert designer.rows[2].seconds.value == "90"
    assert designer.rows[0].action.layout.display is None  # prep: action shown
    assert designer.rows[0].zone.layout.display == "none"  # … and no zone
    assert designer.name.value == "Express Lift"
    assert "new version of express-10" in designer.save_mode.options[-1][0]


def test_buttons_edit_the_draft(designer):
    open_express(designer)
    designer.add_button.click()
    assert len(designer.draft) == 13
    assert len(designer.rows_box.children) == 13
    designer.rows[10].zone.value = "neck"
    assert designer.draft.step(10)["zone"] == "neck"
    designer.rows[10].buttons["duplicate"].click()
    assert designer.draft.step(11)["zone"] == "neck"
    designer.rows[11].buttons["remove"].click()
    assert len(designer.draft) == 13
    designer.rows[10].buttons["up"].click()
    assert designer.draft.step(9)["zone"] == "neck"
    designer.rows[9].buttons["down"].click()
    assert designer.draft.step(10)["zone"] == "neck"
    assert designer.rows[0].buttons["up"].disabled
    assert designer.rows[12].buttons["down"].disabled


def test_mirror_button_copies_the_block_to_the_other_side(designer):
    open_express(designer)
    designer.rows[2].seconds.value = "120"
    assert 'data-rule="side-imbalance"' in designer.rows[2].findings.value
    designer.rows[2].buttons["mirror"].click()
    assert designer.draft.step(6)["seconds"] == 120
    assert "side-imbalance" not in designer.rows[2].findings.value
    assert designer.rows[0].buttons["mirror"].disabled  # a prep step has no side


def test_findings_sit_under_their_step_with_icon_words_and_reason(designer):
    open_express(designer)
    designer.rows[4].current.value = "350"
    shown = designer.rows[4].findings.value
    assert "✖" in shown
    assert "<strong>Error</strong>" in shown
    assert 'data-rule="above-zone-limit"' in shown
    assert reference().rules["above-zone-limit"].explanation[:40] in shown.replace("&#x27;", "'")
    assert designer.rows[3].findings.value == ""
    assert "1 error" in designer.checks.value


def test_a_bad_number_is_refused_with_a_message(designer):
    open_express(designer)
    designer.rows[2].seconds.value = "ninety"
    assert "not a number" in designer.rows[2].message.value
    assert designer.draft.step(2)["seconds"] == 90
    assert designer.rows[2].seconds.value == "90"
    designer.rows[2].seconds.value = ""
    assert "is required" in designer.rows[2].message.value


def test_changing_the_kind_swaps_zone_for_action(designer):
    open_express(designer)
    designer.rows[2].kind.value = "closing"
    assert designer.rows[2].zone.layout.display == "none"
    assert designer.rows[2].action.layout.display is None
    designer.rows[2].action.value = "Wipe away the gel"
    assert designer.draft.step(2)["action"] == "Wipe away the gel"


def test_details_edit_the_protocol(designer):
    designer.name.value = "House lift"
    designer.target.value = "11"
    designer.default_current.value = "lots"
    assert designer.draft.get("name") == "House lift"
    assert designer.draft.get("target_minutes") == 11
    assert designer.draft.get("defaults.current_uA") == 200
    assert "not a number" in designer.detail_message.value


def test_charts_redraw_only_when_what_they_show_changes(designer, drawn):
    assert drawn == []  # nothing is drawn before the page shows the designer
    assert designer.charts_pending
    assert designer.wait_for_charts()
    assert sorted(drawn) == ["face_path_figure", "timeline_figure", "zone_time_figure"]
    assert not designer.charts_pending
    drawn.clear()
    designer.rows[2].cue.value = "Slow glides"
    assert not designer.charts_pending
    designer.wait_for_charts()
    assert drawn == []
    designer.rows[2].seconds.value = "80"  # the path over the face stays as it was
    designer.wait_for_charts()
    assert sorted(drawn) == ["timeline_figure", "zone_time_figure"]
    designer.rows[2].seconds.value = "80"
    designer.wait_for_charts()
    assert len(drawn) == 2
    designer.rows[2].zone.value = "neck"
    designer.wait_for_charts()
    assert sorted(drawn[2:]) == ["face_path_figure", "timeline_figure", "zone_time_figure"]
    assert "<face_path_figure of new-protocol>" in str(designer.face_out.outputs)


def test_save_as_new_protocol(designer, library):
    designer.add_button.click()
    designer.rows[10].zone.value = "neck"
    designer.rows[10].buttons["mirror"].click()
    designer.target.value = "12"
    designer.new_id.value = "neck-lift-12"
    designer.note.value = "Blank plus neck work"
    path = designer.save()
    assert path == library / "neck-lift-12.yaml"
    assert "✔" in designer.save_message.value
    saved = load_protocol(path)
    assert validate(saved) == []
    assert saved.changes[0].note == "Blank plus neck work"
    assert "neck-lift-12" in [value for _, value in designer.start_from.options]
    assert designer.save_mode.value == "version"  # more edits become its next version
    assert designer.new_id.value == ""


def test_save_refuses_errors_unless_draft(designer, library):
    open_express(designer)
    designer.rows[2].current.value = "900"
    designer.save_mode.value = "new"
    designer.new_id.value = "strong-jaw"
    assert designer.save() is None
    assert "Problem" in designer.save_message.value
    assert "save as a draft" in designer.save_message.value
    assert not (library / "strong-jaw.yaml").exists()
    designer.as_draft.value = True
    assert designer.save() == library / "strong-jaw.yaml"
    assert load_protocol(library / "strong-jaw.yaml").status == "draft"


def test_save_a_new_version(designer, library):
    open_express(designer)
    designer.rows[3].seconds.value = "90"
    designer.save_mode.value = "version"
    designer.bump.value = "minor"
    assert designer.save() is None  # the change note is required
    assert "what changed" in designer.save_message.value
    designer.note.value = "More cheekbone time"
    assert designer.save() == library / "express-10.yaml"
    saved = load_protocol(library / "express-10.yaml")
    assert (saved.version, saved.derived_from) == ("1.1.0", "express-10@1.0.0")
    labels = [label for label, _ in designer.compare_a.options]
    assert "express-10@1.0.0 as opened (this session)" in labels
    assert "express-10@1.1.0 saved (this session)" in labels


def test_a_version_someone_else_saved_meanwhile_is_explained_and_the_edits_kept(designer, library):
    open_express(designer)
    designer.rows[3].seconds.value = "90"
    mine = designer.draft.to_text()
    theirs = ProtocolDraft.from_library("express-10", library)  # another tab, same moment
    theirs.set_field(2, "seconds", 120)
    theirs.save_new_version("patch", note="their change")
    saved_before = (library / "express-10.yaml").read_bytes()
    designer.save_mode.value = "version"
    designer.note.value = "More cheekbone time"
    assert designer.save() is None
    message = designer.save_message.value
    assert "someone else saved express-10 version 1.0.1 while you were editing" in message
    assert "Your edits are still here" in message
    for word in ("Traceback", "Error", "SavedMeanwhile", "origin", "None", "self."):
        assert word not in message
    assert (library / "express-10.yaml").read_bytes() == saved_before
    assert designer.draft.to_text() == mine
    assert designer.rows[3].seconds.value == "90"
    assert designer.note.value == "More cheekbone time"
    # Comparing the saved protocol with the edits is one click away.
    assert (designer.compare_a.value, designer.compare_b.value) == ("express-10", "__draft__")
    assert "express-10 1.0.1" in designer.compare_a.label
    designer.compare_button.click()
    assert "seconds: 120 → 90" in designer.compare_out.value  # their jawline, undone by mine
    assert "seconds: 75 → 90" in designer.compare_out.value  # my cheekbone edit
    # The edits can still be kept, as a protocol of their own.
    designer.save_mode.value = "new"
    designer.new_id.value = "my-express"
    assert designer.save() == library / "my-express.yaml"
    assert load_protocol(library / "my-express.yaml").steps[3].seconds == 90


def test_compare_two_versions_side_by_side(designer):
    open_express(designer)
    designer.rows[3].seconds.value = "90"
    designer.compare_a.value = "snapshot:express-10@1.0.0 as opened"
    designer.compare_b.value = "__draft__"
    comparison = designer.compare()
    assert [c.fields for c in comparison.changed] == [("seconds",)]
    shown = designer.compare_out.value
    assert "✎</span> Changed" in shown
    assert "<td>Cheekbones</td><td>right</td>" in shown  # zone names, not ids
    assert "seconds: 75 → 90" in shown
    assert "Device minutes per zone and side" in shown


def test_a_moved_step_is_shown_as_moved(library):
    draft = ProtocolDraft.from_library("express-10", library)
    draft.move_down(3)
    shown = comparison_html(compare_protocols("express-10", draft, library), "A", "B")
    assert "↕</span> Moved" in shown
    assert "0 added, 0 removed, 0 changed, 1 moved" in shown


def test_the_designer_shows_findings_of_the_file_it_would_write(designer, library):
    # A protocol stored under another file name opens by its id; saving it under
    # that name would make `protocol-tools validate` fail, so the designer says so.
    text = (library / "express-10.yaml").read_text(encoding="utf-8")
    (library / "old-name.yaml").write_text(
        text.replace("id: express-10", "id: renamed-10"), encoding="utf-8"
    )
    designer._refresh_library()
    designer.start_from.value = "renamed-10"
    designer.open_button.click()
    assert "Opened renamed-10@1.0.0" in designer.status.value
    # The rule rides along in the markup, never in the words people read.
    assert 'data-rule="id-mismatch"' in designer.protocol_findings.value


def test_numbers_are_shown_the_way_people_type_them(designer):
    open_express(designer)
    designer.draft.set_protocol_field("target_minutes", 12.5)
    designer.refresh()
    assert designer.target.value == "12.5"
    assert designer.default_current.value == "250"


def test_comparison_html_escapes_user_text(library):
    draft = ProtocolDraft.from_library("express-10", library)
    draft.set_field(0, "action", "<img src=x onerror=alert(1)>")
    comparison = compare_protocols("express-10", draft, library)
    shown = comparison_html(comparison, "<b>A</b>", "B")
    assert "<img" not in shown
    assert "<b>A</b>" not in shown
    assert "&lt;img src=x" in shown


def test_the_face_path_follows_the_treatment_order(library):
    draft = ProtocolDraft.from_library("express-10", library)
    draft.set_field(2, "side", "both")
    protocol = draft.protocol()
    stops = path_stops(protocol)
    assert [(n, zone, half) for n, zone, half, _ in stops[:3]] == [
        (3, "jawline", "right"),
        (3, "jawline", "left"),
        (4, "cheekbones", "right"),
    ]
    words = path_text(protocol)
    assert words.startswith("3. Jawline (client's right) → 3. Jawline (client's left)")
    figure = face_path_figure(protocol)
    numbered = figure.data[-1]
    assert list(numbered.text) == [str(n) for n, *_ in stops]
    arrows = [a for a in figure.layout.annotations if a.showarrow]
    assert len(arrows) == len(stops) - 1


def test_a_zone_visited_twice_gets_two_visible_numbers(library):
    draft = ProtocolDraft.from_library("express-10", library)
    draft.duplicate_step(2)
    points = [tuple(point) for *_, point in path_stops(draft.protocol())]
    assert len(points) == len(set(points))
