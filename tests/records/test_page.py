"""The client page driven in the kernel: open, read, chart, export, erase."""

from __future__ import annotations

import json

import pytest

from helpers import SEED_NOTE, SEED_PRACTICE_UA, plotly_data, seed_record
from protocol_tools import ClientPage, RecordStore, client_list, client_page, client_record
from protocol_tools.core.errors import UnknownClientError


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.db") as opened:
        yield opened


@pytest.fixture
def page(store):
    seed_record(store, "C-0042", visits=3, display_name="Zoë Example")
    seed_record(store, "C-0043", visits=1, practice=False, sheets=0)
    return ClientPage(store)


def test_an_empty_record_says_so(store):
    page = ClientPage(store)
    assert page.clients.options == (("Choose a client…", ""),)
    assert "No clients in the record yet" in page.list_note.value
    assert page.body.layout.display == "none"


def test_the_default_record_is_the_one_the_environment_names(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(tmp_path / "elsewhere.db"))
    page = client_page()
    try:
        assert page.store.file == tmp_path / "elsewhere.db"
    finally:
        page.close()


def test_a_record_that_cannot_be_opened_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", "nosuchdriver://somewhere/records")
    page = client_page()
    assert "The record cannot be opened" in page.status.value
    assert page.open_button.disabled
    assert page.open_client("C-0042") is False


def test_known_clients_are_listed_with_their_visits(page):
    labels = [label for label, _ in page.clients.options]
    assert labels == [
        "Choose a client…",
        "C-0042 — 3 visits, last 2026-11-23",
        "C-0043 — 1 visit, last 2026-11-23",
    ]
    page.clients.value = "C-0043"
    assert page.code.value == "C-0043"
    assert page.record is not None
    assert page.record["client"] == "C-0043"


def test_opening_a_client_shows_the_visits_charts_adjustments_and_sheets(page):
    page.code.value = " C-0042 "
    page.open_button.click()
    assert page.body.layout.display == "flex"
    assert page.visits.value.count("<tr>") == 1 + 4  # headings, 3 visits, 1 practice run
    assert "Practice" in page.visits.value
    assert "✔ May be treated" in page.visits.value
    assert SEED_NOTE in page.adjustments.value
    assert "150 → 130 µA" in page.adjustments.value
    assert "C-0042_express-10_2026-11-23_0900.pdf" in page.sheets.value
    current = plotly_data(page.current_chart)
    names = [trace["name"] for trace in current["data"]]
    assert names == ["Brows", "Under-eyes", "Cheekbones", "Jawline"]
    assert all(len(trace["x"]) == 3 for trace in current["data"])  # practice left out
    assert all(SEED_PRACTICE_UA not in trace["y"] for trace in current["data"])
    # Lines differ by marker and dash, not colour alone.
    assert len({trace["marker"]["symbol"] for trace in current["data"]}) == 4
    assert len({trace["line"]["dash"] for trace in current["data"]}) == 4
    comfort = plotly_data(page.comfort_chart)
    assert len(comfort["data"]) == 4
    assert comfort["layout"]["yaxis"]["ticktext"][0] == "Comfortable"
    assert "every visit of C-0042 will be erased" in page.confirm.description


def test_the_name_shows_only_when_asked(page):
    page.open_client("C-0042")
    assert "Zoë" not in page.summary.value
    page.show_name.value = True
    assert "Zoë Example" in page.summary.value
    page.open_client("C-0043")
    assert page.show_name.value is False  # asked again for each client
    page.show_name.value = True
    assert "No name is kept" in page.summary.value


def test_an_unknown_or_missing_code_is_a_message_not_a_traceback(page):
    assert page.open_client("C-9999") is False
    assert "No client with the code C-9999 is in the record" in page.status.value
    assert 'role="alert"' in page.status.value
    assert page.body.layout.display == "none"
    assert page.open_client("Jane Doe") is False
    assert "is not a client code" in page.status.value
    page.code.value = ""
    page.open_button.click()
    assert "No client code" in page.status.value


def test_export_writes_a_json_file_holding_every_visit(page, store):
    page.open_client("C-0042")
    page.export_button.click()
    (saved,) = (store.file.parent / "exports").glob("C-0042_record_*.json")
    assert str(saved) in page.export_status.value
    assert saved.stat().st_mode & 0o777 == 0o600
    data = json.loads(saved.read_text("utf-8"))
    assert len(data["visits"]) == len(client_record(store, "C-0042")["visits"]) == 4
    assert data["display_name"] == "Zoë Example"


def test_erasing_needs_the_box_ticked_then_clears_the_page(page, store):
    page.open_client("C-0042")
    assert page.erase_button.disabled
    assert page.erase() is None
    assert "Not erased" in page.status.value
    assert client_record(store, "C-0042")["client"] == "C-0042"
    page.confirm.value = True
    assert not page.erase_button.disabled
    page.erase_button.click()
    assert "C-0042 and 4 visits are gone" in page.status.value
    with pytest.raises(UnknownClientError):
        client_record(store, "C-0042")
    assert [row["client"] for row in client_list(store)] == ["C-0043"]
    assert page.record is None
    assert page.code.value == ""
    assert page.body.layout.display == "none"
    assert page.visits.value == page.summary.value == ""
    assert page.current_chart.outputs == ()
    assert [value for _, value in page.clients.options] == ["", "C-0043"]
    assert page.confirm.value is False
    assert page.erase_button.disabled


def test_a_client_with_no_sessions_has_no_charts(store):
    store.add_client("C-0007")
    page = ClientPage(store)
    page.open_client("C-0007")
    assert "nothing to chart" in page.chart_note.value
    assert page.current_chart.outputs == page.comfort_chart.outputs == ()
    assert "No visits recorded" in page.visits.value


def test_the_charts_escape_names_and_keep_them_out_of_the_hover_template():
    from protocol_tools.records.page_data import ZoneSeries
    from protocol_tools.views.charts import comfort_figure, current_figure

    hostile = ZoneSeries("<b>x</b>", "<b>%{y}</b>", ["2026-11-23"], [100.0], ["<i>left</i>"])
    for figure in (current_figure([hostile]), comfort_figure([hostile], ["<b>ok</b>"])):
        (trace,) = figure.data
        assert trace.name == "&lt;b&gt;%{y}&lt;/b&gt;"
        assert "%{y}" not in trace.hovertemplate
        assert list(trace.customdata[0]) == ["&lt;b&gt;%{y}&lt;/b&gt;", "&lt;i&gt;left&lt;/i&gt;"]
    ticks = comfort_figure([hostile], ["<b>ok</b>"]).layout.yaxis.ticktext
    assert ticks == ("&lt;b&gt;ok&lt;/b&gt;",)
