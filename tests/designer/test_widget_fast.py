"""The designer's fast path (issue 14): the page shows the table before any chart, an
edit updates the table at once and the charts after it, from a thread, and the
state it ends in is the full build's (``eager=True``), edit for edit."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path

import ipywidgets as widgets
import pytest

from helpers import copy_library
from protocol_tools import ProtocolDraft
from protocol_tools.designer import widget_charts
from protocol_tools.designer.widget import ProtocolDesigner

# -- the same edits on both designers -----------------------------------------------


def open_express(d: ProtocolDesigner) -> None:
    d.start_from.value = "express-10"
    d.open_button.click()


def longer_jawline(d: ProtocolDesigner) -> None:
    d.rows[2].seconds.value = "120"


def mirror_the_jawline(d: ProtocolDesigner) -> None:
    d.rows[2].buttons["mirror"].click()


def neck_instead_of_cheekbones(d: ProtocolDesigner) -> None:
    d.rows[3].zone.value = "neck"


def both_sides(d: ProtocolDesigner) -> None:
    d.rows[4].side.value = "both"


def a_cue(d: ProtocolDesigner) -> None:
    d.rows[4].cue.value = "Slow, light strokes"


def a_closing_step(d: ProtocolDesigner) -> None:
    d.rows[5].kind.value = "closing"
    d.rows[5].action.value = "Wipe the gel away"


def add_duplicate_move_remove(d: ProtocolDesigner) -> None:
    d.add_button.click()
    d.rows[6].buttons["duplicate"].click()
    d.rows[7].buttons["up"].click()
    d.rows[1].buttons["remove"].click()


def a_word_for_a_number(d: ProtocolDesigner) -> None:
    d.rows[2].seconds.value = "ninety"


def too_much_current(d: ProtocolDesigner) -> None:
    d.rows[2].current.value = "900"


def details(d: ProtocolDesigner) -> None:
    d.name.value = "House lift"
    d.target.value = "12"
    d.default_current.value = "lots"


def a_copy_takes_the_id(d: ProtocolDesigner) -> None:
    # Another file of the folder now holds express-10 too: a duplicate-id error.
    copy = d.library_dir / "copy-of-express.yaml"
    if not copy.exists():
        copy.write_text((d.library_dir / "express-10.yaml").read_text("utf-8"), "utf-8")
    d.rows[3].seconds.value = "80"


def the_copy_is_gone(d: ProtocolDesigner) -> None:
    (d.library_dir / "copy-of-express.yaml").unlink(missing_ok=True)
    d.rows[3].seconds.value = "85"


def a_draft_that_does_not_fit(d: ProtocolDesigner) -> None:
    text = d.draft.to_text().replace("seconds: 85", "seconds: -85", 1)
    d.draft = ProtocolDraft.from_text(text, d.draft.source, origin=d.draft.origin)
    d.refresh()


def fixed_again(d: ProtocolDesigner) -> None:
    d.rows[3].seconds.value = "85"


def save_as_new(d: ProtocolDesigner) -> None:
    d.save_mode.value = "new"
    d.new_id.value = "house-lift"
    d.note.value = "From the express lift"
    d.as_draft.value = True
    d.save()


def after_saving(d: ProtocolDesigner) -> None:
    d.rows[2].seconds.value = "95"


EDITS: list[Callable[[ProtocolDesigner], None]] = [
    open_express,
    longer_jawline,
    mirror_the_jawline,
    neck_instead_of_cheekbones,
    both_sides,
    a_cue,
    a_closing_step,
    add_duplicate_move_remove,
    a_word_for_a_number,
    too_much_current,
    details,
    a_copy_takes_the_id,
    the_copy_is_gone,
    a_draft_that_does_not_fit,
    fixed_again,
    save_as_new,
    after_saving,
]


def row_state(row) -> dict:
    return {
        "fields": {
            name: (
                control.value,
                control.layout.display,
                control.disabled,
                getattr(control, "placeholder", None),
                control.description,
            )
            for name, control in row.fields.items()
        },
        "number": row.number.value,
        "buttons": {name: (b.description, b.disabled) for name, b in row.buttons.items()},
        "findings": row.findings.value,
        "message": row.message.value,
    }


def state(d: ProtocolDesigner) -> str:
    """Everything the designer holds and shows, the charts included (its library folder
    written ``<library>``)."""
    draft = d.draft
    held = {
        "yaml": draft.to_text(),
        "origin": draft.origin,
        "findings": [
            (f.code, f.severity, f.message, f.path, f.file, f.line, f.column)
            for f in draft.findings()
        ],
        "rows": [row_state(row) for row in d.rows_box.children],
        "checks": (d.checks.value, d.protocol_findings.value),
        "details": [c.value for c in d.details.values()] + [d.detail_message.value],
        "save": (d.save_mode.options, d.save_mode.value, d.new_id.layout.display),
        "start": (d.start_from.options, d.start_from.value),
        "charts": [out.outputs for out in (d.timeline_out, d.zone_out, d.face_out)],
        "chart_words": (d.path_words.value, d.charts.message.value),
        "messages": (d.status.value, d.save_message.value),
    }
    return repr(held).replace(str(d.library_dir), "<library>")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "library")


def test_the_fast_path_ends_where_the_full_build_does_edit_for_edit(tmp_path):
    # Each its own copy of the library: both save, and both see their own folder.
    fast = ProtocolDesigner(copy_library(tmp_path / "fast"))
    full = ProtocolDesigner(copy_library(tmp_path / "full"), eager=True)
    assert fast.wait_for_charts()
    assert state(fast) == state(full)
    seen = set()
    for edit in EDITS:
        edit(full)
        edit(fast)
        assert fast.wait_for_charts(timeout=60), edit.__name__
        assert state(fast) == state(full), edit.__name__
        seen |= {
            word for word in ("duplicate-id", "above-", "come back once") if word in state(fast)
        }
    assert seen == {"duplicate-id", "above-", "come back once"}  # the run went through them
    assert (tmp_path / "fast" / "house-lift.yaml").read_text() == (
        tmp_path / "full" / "house-lift.yaml"
    ).read_text().replace(str(tmp_path / "full"), str(tmp_path / "fast"))
    for designer in (fast, full):
        designer.close()


def test_charts_vanish_while_the_draft_does_not_fit_and_come_back(library):
    designer = ProtocolDesigner(library)
    for edit in (open_express, the_copy_is_gone, a_draft_that_does_not_fit):
        edit(designer)
    assert "charts come back once the protocol fits" in designer.charts.message.value
    assert [out.outputs for out in (designer.timeline_out, designer.face_out)] == [(), ()]
    assert not designer.charts_pending
    fixed_again(designer)
    assert designer.wait_for_charts()
    assert designer.charts.message.value == ""
    assert len(designer.face_out.outputs) == 1
    designer.close()


def test_a_duplicate_id_shows_and_goes_with_the_file(library):
    designer = ProtocolDesigner(library)
    open_express(designer)
    a_copy_takes_the_id(designer)
    assert 'data-rule="duplicate-id"' in designer.protocol_findings.value
    the_copy_is_gone(designer)
    assert "duplicate-id" not in designer.protocol_findings.value
    designer.close()


# -- in a kernel: after the first paint, from a thread, through the event loop ------------


@pytest.fixture
def drawing_threads(monkeypatch) -> list[str]:
    """The thread each chart is drawn in (the charts are real)."""
    threads: list[str] = []
    real = widget_charts._figure

    def figure(name, protocol):
        threads.append(threading.current_thread().name)
        return real(name, protocol)

    monkeypatch.setattr(widget_charts, "_figure", figure)
    return threads


def in_a_loop(session: Callable[[], Coroutine]) -> None:
    """Run ``session`` in an event loop, as a kernel runs a notebook's cells and comm
    messages (in a thread of its own: a browser test's Playwright may hold this one's)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(asyncio.wait_for(session(), 120))
        except BaseException as error:  # raised again in the test's thread
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(180)
    assert not thread.is_alive()
    if failed:
        raise failed[0]


async def drawn(designer: ProtocolDesigner) -> None:
    """Until the kernel's loop has put the latest charts on the page."""
    while designer.charts_pending:
        await asyncio.sleep(0.005)


def page_says(designer: ProtocolDesigner, event: str) -> None:
    """What the page's tiny front-end widget sends: "shown" after the browser's first
    paint, "visible" once the charts' section is on the screen and nobody has typed or
    clicked for a moment."""
    signal = designer.charts.signal
    assert isinstance(signal, widget_charts.ShownSignal)
    assert signal in designer.charts.parts
    signal._handle_custom_msg({"event": event}, [])  # as the comm message delivers it


def test_in_a_kernel_the_table_comes_first_and_the_charts_follow_from_a_thread(
    library, drawing_threads
):
    async def session() -> None:
        designer = ProtocolDesigner(library)
        await asyncio.sleep(0.05)
        assert drawing_threads == []  # no chart before the page shows the designer
        assert designer.charts_pending
        assert designer.charts.message.value  # "The charts follow in a moment."
        page_says(designer, "shown")
        while len(drawing_threads) < 3:
            await asyncio.sleep(0.005)
        assert drawing_threads == ["designer-charts"] * 3
        await asyncio.sleep(0.2)
        # Drawn, yet kept from the page (and its browser from plotly's script) until
        # someone scrolls to the charts.
        assert designer.charts_pending
        assert designer.timeline_out.outputs == ()
        page_says(designer, "visible")
        await drawn(designer)
        assert len(designer.timeline_out.outputs) == 1
        assert designer.charts.message.value == ""
        before = designer.timeline_out.outputs
        designer.rows[2].seconds.value = "80"
        # The table and the checks are up to date when the edit returns …
        assert designer.draft.step(2)["seconds"] == 80
        assert designer.rows[2].findings.value
        assert designer.charts_pending  # … the charts come after
        await drawn(designer)
        assert designer.timeline_out.outputs != before
        assert drawing_threads.count("designer-charts") == 5  # the face map kept its path
        designer.close()

    in_a_loop(session)


def test_edits_that_come_while_a_chart_is_drawn_are_drawn_once_after_it(library, monkeypatch):
    drawn_for: list[float] = []
    gate = threading.Event()

    def figure(name, protocol):
        gate.wait(30)  # the thread is busy until the edits are all in
        if name == "timeline":
            drawn_for.append(protocol.steps[2].seconds)
        return {"data": [], "layout": {"title": {"text": f"{name} {protocol.steps[2].seconds}"}}}

    monkeypatch.setattr(widget_charts, "_figure", figure)
    monkeypatch.setattr(widget_charts, "figure_output", lambda figure: figure)

    async def session() -> None:
        designer = ProtocolDesigner(library)
        page_says(designer, "shown")
        page_says(designer, "visible")
        await asyncio.sleep(0.05)  # the thread now draws the blank protocol
        for seconds in range(61, 70):
            designer.rows[2].seconds.value = str(seconds)
        gate.set()
        await drawn(designer)
        assert drawn_for == [75, 69]  # the blank protocol, then the last edit only
        assert designer.timeline_out.outputs[0]["layout"]["title"]["text"] == "timeline 69.0"
        designer.close()

    in_a_loop(session)


def test_without_word_from_a_page_the_charts_come_after_a_while(
    library, drawing_threads, monkeypatch
):
    monkeypatch.setattr(widget_charts, "FALLBACK_S", 0.05)

    async def session() -> None:
        designer = ProtocolDesigner(library)
        await asyncio.sleep(0.01)
        await drawn(designer)
        assert len(drawing_threads) == 3
        designer.close()

    in_a_loop(session)


def test_a_chart_that_fails_says_so_and_the_table_carries_on(library, monkeypatch):
    def broken(name, protocol):
        raise ValueError("no such trace")

    monkeypatch.setattr(widget_charts, "_figure", broken)
    designer = ProtocolDesigner(library)
    with pytest.raises(ValueError, match="no such trace"):
        designer.wait_for_charts()
    assert "The charts could not be drawn: no such trace" in designer.charts.message.value
    designer.rows[2].seconds.value = "80"
    assert designer.draft.step(2)["seconds"] == 80
    designer.close()


def test_the_designer_opens_without_plotly_and_draws_with_it(library):
    code = (
        "import sys\n"
        "from protocol_tools import protocol_designer\n"
        f"designer = protocol_designer({str(library)!r})\n"
        "print('plotly' in sys.modules, designer.charts_pending)\n"
        "designer.wait_for_charts()\n"
        "print('plotly' in sys.modules, designer.charts_pending)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "True", "True", "False"]


# -- the rows share their looks ------------------------------------------------------------


def looks_of(widget: widgets.Widget) -> list[widgets.Widget]:
    """The layouts and styles of ``widget`` and everything inside it."""
    found = [widget.layout]
    if hasattr(widget, "style"):
        found.append(widget.style)
    for child in getattr(widget, "children", ()):
        found += looks_of(child)
    return found


def test_a_new_row_brings_no_layout_or_style_of_its_own(library):
    designer = ProtocolDesigner(library)
    shared = {id(model) for model in looks_of(designer.rows[0])}
    designer.add_button.click()
    designer.rows[0].kind.value = "treatment"  # a prep row's hidden cells show now
    newest = designer.rows[len(designer.draft) - 1]
    assert {id(model) for model in looks_of(newest)} <= shared
    assert designer.rows[0].zone.layout is designer.rows[5].zone.layout
    assert designer.rows[1].zone.layout.display == "none"  # still a prep step
    designer.close()


def test_the_face_map_made_at_once_is_the_one_made_trace_by_trace(library):
    import plotly.graph_objects as go

    from protocol_tools.designer.widget_face import face_path_figure

    draft = ProtocolDraft.from_library("express-10", library)
    draft.set_field(2, "side", "both")
    draft.duplicate_step(3)
    at_once = face_path_figure(draft.protocol())
    layout = at_once.layout.to_plotly_json()
    by_one = go.Figure()
    for trace in at_once.data:
        by_one.add_trace(trace)
    for note in layout.pop("annotations"):
        by_one.add_annotation(**note)
    by_one.update_layout(**layout)
    assert by_one.to_plotly_json() == at_once.to_plotly_json()
    used = {trace.line.color for trace in at_once.data if trace.line.dash == "solid"}
    assert len(used) == 4  # jawline, cheekbones, under-eyes and brows in their colours
