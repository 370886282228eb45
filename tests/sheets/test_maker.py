"""The notebook's sheet maker: one client's sheet, a day's, never a traceback."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from conftest import PROTOCOLS
from helpers import (
    CLIENTS,
    PRIVATE_VALUE,
    PRIVATE_YAML,
    pdf_pages,
    upload,
)
from protocol_tools.sheets.data import DRAFT_MARK


def test_sheet_maker_previews_and_saves(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(PROTOCOLS, out_dir=tmp_path)
    maker.protocol.value = "express-10"
    maker.date.value = dt.date(2026, 11, 18)
    maker.intake.value = "c02_sensitive_skin"
    assert maker.date.value == dt.date(2026, 11, 23)  # the intake's day
    maker.date.value = dt.date(2026, 11, 18)
    assert maker.preview() == []
    assert "screen the client again for that day" in maker.status.value
    assert 'role="alert"' in maker.status.value
    assert "<strong>Error:</strong>" in maker.status.value
    maker.date.value = dt.date(2026, 11, 23)
    maker.client_name.value = "<b>Zoë</b>"
    maker.paper.value = "letter"
    assert len(maker.preview()) == 1
    caption, image = maker.pages.children
    assert "page 1 of 1" in caption.value
    assert image.format == "png"
    saved = maker.save()
    assert re.fullmatch(r"C-1002_express-10_2026-11-23_\d{4}\.pdf", saved.name)
    assert saved.parent == tmp_path
    assert "&lt;b&gt;Zoë&lt;/b&gt;" not in maker.status.value  # the name is not echoed
    assert "<b>Zoë</b>" in pdf_pages(saved.read_bytes())[0]
    maker.intake.value = "(the uploaded file)"
    assert maker.preview() == []
    assert "Error" in maker.status.value
    assert "no intake uploaded" in maker.status.value


def test_sheet_maker_makes_a_day(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(PROTOCOLS, out_dir=tmp_path)
    assert maker.day_progress.layout.display == "none"  # no bar before there is work
    seen: list[tuple[int, int]] = []
    maker.day_progress.bar.observe(
        lambda change: seen.append((change["new"], maker.day_progress.bar.max)), names="value"
    )
    result = maker.make_day()
    assert result is not None
    assert len(result.sheets) == 6
    assert not result.problems
    assert "6 sheet(s) written" in maker.day_status.value
    # The bar moved row by row to the end, with its label and the count in words.
    assert seen == [(done, 6) for done in range(1, 7)]
    progress = maker.day_progress
    assert progress.layout.display == "flex"
    assert (progress.bar.value, progress.bar.max) == (6, 6)
    assert progress.bar.description == "Sheets made"
    assert ">6 of 6 rows done<" in progress.words.value
    assert 'role="progressbar"' in progress.words.value
    assert 'aria-label="Sheets made"' in progress.words.value
    assert 'aria-valuenow="6"' in progress.words.value
    maker.day_file.value = str(tmp_path / "missing.csv")
    assert maker.make_day() is None
    assert "cannot read it" in maker.day_status.value
    assert progress.layout.display == "none"  # no bar for a day that never started


def test_the_sheet_maker_saves_outside_the_project(monkeypatch, tmp_path):
    from protocol_tools.reference.data import inside_repository
    from protocol_tools.sheets.maker import SHEETS_ENV, default_sheets_dir, sheet_maker

    monkeypatch.delenv(SHEETS_ENV, raising=False)
    assert default_sheets_dir() == Path.home() / "microcurrent-sheets"
    assert not inside_repository(default_sheets_dir())
    monkeypatch.setenv(SHEETS_ENV, str(tmp_path))
    maker = sheet_maker(PROTOCOLS)
    assert maker.out_dir.value == str(tmp_path)


def test_the_sheet_maker_saves_each_sheet_under_its_own_name(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(PROTOCOLS, out_dir=tmp_path)
    maker.protocol.value = "express-10"
    maker.intake.value = "c02_sensitive_skin"
    first = maker.save()
    first_bytes = first.read_bytes()
    maker.intake.value = "c01_all_clear"
    second = maker.save()
    again = maker.save()  # the same client again: a new file, never the same name
    assert re.fullmatch(r"C-1002_express-10_2026-11-23_\d{4}\.pdf", first.name)
    assert re.fullmatch(r"C-1001_express-10_2026-11-23_\d{4}(-2)?\.pdf", second.name)
    assert len({first, second, again}) == 3
    assert first.read_bytes() == first_bytes  # the first client's sheet is still there
    assert "C-1002" in pdf_pages(first.read_bytes())[0]
    assert "C-1001" in pdf_pages(second.read_bytes())[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (first, second, again)
    )
    assert again.name in maker.status.value


def test_the_sheet_makers_day_tab_keeps_an_earlier_run_and_says_so(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(PROTOCOLS, out_dir=tmp_path)
    first = maker.make_day()
    earlier = {path: path.read_bytes() for path in first.sheets + first.combined}
    second = maker.make_day()
    assert {path: path.read_bytes() for path in earlier} == earlier
    assert len(second.sheets) == 6
    assert all(path.stem.endswith("-2") for path in second.sheets + second.combined)
    assert "7 file(s) of the same names from an earlier run were kept" in maker.day_status.value


def test_the_sheet_maker_refuses_a_draft_in_words_until_draft_is_ticked(
    tmp_path, library_with_drafts
):
    from protocol_tools import sheet_maker

    maker = sheet_maker(library_with_drafts, out_dir=tmp_path / "out")
    labels = [label for label, _ in maker.protocol.options]
    assert "Express Lift — express-draft (draft)" in labels
    for choice in ("express-draft", "too-strong"):
        maker.protocol.value = choice
        maker.client.value = "C-0042"
        assert maker.preview() == []
        assert maker.save() is None
        status = maker.status.value
        assert "cannot be printed on a session sheet" in status
        assert "tick “Print as a draft" in status
        assert status.startswith('<div class="pt-alert pt-alert-error" role="alert"')
        assert "<strong>Error:</strong>" in status
        assert "[error:" not in status  # no rule codes at the front desk
        assert maker.client.value == "C-0042"  # what was typed stays
    assert "5000 µA is not microcurrent" in status
    assert not (tmp_path / "out").exists()
    maker.draft.value = True
    assert len(maker.preview()) == 2
    saved = maker.save()
    assert all(DRAFT_MARK in page for page in pdf_pages(saved.read_bytes()))


@pytest.mark.timeout(120)
def test_an_uploaded_day_may_name_only_files_inside_the_chosen_folders(tmp_path):
    from protocol_tools import sheet_maker

    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(PRIVATE_YAML, "utf-8")
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(PROTOCOLS / "express-10.yaml", library)
    (library / "linked.yaml").symlink_to(secret)
    intakes = tmp_path / "intakes"
    intakes.mkdir()
    shutil.copy(CLIENTS / "c01_all_clear.yaml", intakes)
    (intakes / "linked.yaml").symlink_to(secret)
    rows = [
        f"2026-11-23,09:00,C-0001,{secret},",  # row 2: a full path
        "2026-11-23,09:10,C-0001,../outside/secret.yaml,",  # row 3: out by '..'
        "2026-11-23,09:20,C-0001,linked.yaml,",  # row 4: a link leading out
        f"2026-11-23,09:30,C-0001,express-10,{secret}",  # row 5
        "2026-11-23,09:40,C-0001,express-10,../outside/secret.yaml",  # row 6
        "2026-11-23,09:50,C-0001,express-10,linked.yaml",  # row 7
        "2026-11-23,10:00,C-0001,secret,",  # row 8: an id not in the library
        "2026-11-23,11:00,C-1001,express-10,c01_all_clear.yaml",  # row 9: fine
    ]
    maker = sheet_maker(library, out_dir=tmp_path / "out")
    maker.day_intakes.value = str(intakes)
    upload(maker, ("date,time,client,protocol,intake\n" + "\n".join(rows) + "\n").encode())
    result = maker.make_day()
    assert [p.row for p in result.problems] == [2, 3, 4, 5, 6, 7, 8]
    messages = [str(p) for p in result.problems]
    assert "not a full path" in messages[0]
    assert "'..' may not lead out of the protocol library folder" in messages[1]
    assert "leads out of the protocol library folder" in messages[2]
    assert "not a full path" in messages[3]
    assert "'..' may not lead out of the intake folder" in messages[4]
    assert "leads out of the intake folder" in messages[5]
    assert "no protocol with id 'secret'" in messages[6]
    shown = maker.day_status.value
    for text in [*messages, shown]:
        assert PRIVATE_VALUE not in text
        assert "api_key" not in text
    assert [p.name for p in result.sheets] == ["2026-11-23_1100_C-1001_express-10.pdf"]
    assert "<strong>Done:</strong> 1 sheet(s) written" in shown
    assert "<strong>Error:</strong> row 2: protocol" in shown
    # The day's folder holds the PDFs only: the upload's copy was never put there.
    assert sorted(p.name for p in (tmp_path / "out" / "day").iterdir()) == [
        "2026-11-23_1100_C-1001_express-10.pdf",
        "2026-11-23_all-sheets.pdf",
    ]


def test_the_day_tab_asks_for_a_file_when_the_field_is_empty(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(PROTOCOLS, out_dir=tmp_path)
    maker.day_file.value = "  "
    assert maker.make_day() is None
    status = maker.day_status.value
    assert "no appointments file: type its path, or use “Upload a CSV”" in status
    assert "Is a directory" not in status
    assert not (tmp_path / "day").exists()


def test_an_uploaded_day_with_a_nul_in_a_row_makes_the_other_rows(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(PROTOCOLS, out_dir=tmp_path)
    rows = [
        "2026-11-23,09:00,C-0001,express-10,c01\x00.yaml",
        "2026-11-23,10:00,C-0002,express-10,",
    ]
    upload(maker, ("date,time,client,protocol,intake\n" + "\n".join(rows) + "\n").encode())
    result = maker.make_day()
    assert result is not None
    assert [p.row for p in result.problems] == [2]
    assert "row 2: intake holds a control character" in maker.day_status.value
    assert [p.name for p in result.sheets] == ["2026-11-23_1000_C-0002_express-10.pdf"]


def test_the_makers_findings_count_steps_from_one(tmp_path):
    from protocol_tools import sheet_maker

    library = tmp_path / "library"
    library.mkdir()
    text = (PROTOCOLS / "express-10.yaml").read_text("utf-8")
    text = text.replace("\nid: express-10\n", "\nid: too-strong-step\n", 1)
    # The fifth step in the file (two prep steps, then the third zone).
    (library / "too-strong-step.yaml").write_text(
        text.replace("current_uA: 150", "current_uA: 5000", 1), "utf-8"
    )
    maker = sheet_maker(library, out_dir=tmp_path / "out")
    maker.protocol.value = "too-strong-step"
    maker.client.value = "C-0042"
    assert maker.preview() == []
    status = maker.status.value
    assert "step 5 current µA: 5000 µA is not microcurrent" in status  # no field name as code
    assert "steps[" not in status
    assert "current_uA" not in status
    assert "not-microcurrent" not in status.replace('data-rule="not-microcurrent"', "")


def test_the_makers_intakes_and_their_problems_are_named_in_words(tmp_path):
    from protocol_tools import sheet_maker

    maker = sheet_maker(out_dir=tmp_path)
    shown = dict(maker.intake.options)  # what the list shows -> the practice client's file
    assert shown["c02 sensitive skin"] == "c02_sensitive_skin"
    assert not [label for label in shown if "_" in label]
    answers = (CLIENTS / "c01_all_clear.yaml").read_text("utf-8")
    bad = answers.replace("birth_date: 1988-04-02", "birth_date: last spring").encode()
    maker.intake_upload.value = (
        {
            "name": "answers.yaml",
            "type": "application/yaml",
            "size": len(bad),
            "content": memoryview(bad),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )
    maker.intake.value = "(the uploaded file)"
    maker.client.value = "C-1001"
    assert maker.preview() == []
    status = maker.status.value
    assert "Date of birth:" in status  # the question as the form asks it
    assert "birth_date" not in status
