"""Session sheets: read the PDFs back and check what a practitioner relies on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest

from conftest import DATA, PROTOCOLS
from protocol_tools import (
    AppointmentsError,
    ExportError,
    Protocol,
    ProtocolFileError,
    ReferenceDataError,
    load_library,
    load_protocol,
    make_day_sheets,
    session_sheet,
    sheet_png_pages,
    sheet_to_pdf,
    write_sheet_pdf,
)
from protocol_tools.cli import main
from protocol_tools.reference.data import load_data_file
from protocol_tools.screening.engine import OUTCOMES, practice_clients, screen, screening_questions
from protocol_tools.sheets.data import DRAFT_MARK, clean_text
from protocol_tools.sheets.glyphs import Coverage, font_coverage

CLIENTS = DATA / "practice_clients"
SIGNATURE = PROTOCOLS / "signature-lift-15.yaml"


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, spaces normalised (ordinary words are never broken)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdftotext(pdf: bytes, *args: str) -> str:
    out = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def signature() -> Protocol:
    return load_protocol(SIGNATURE)


@pytest.fixture(scope="module")
def sensitive():
    return screen(CLIENTS / "c16_heart_and_sensitive.yaml")


# -- what the sheet holds ------------------------------------------------------------


def test_sheet_with_intake_holds_header_screening_steps_and_dates(signature, sensitive):
    sheet = session_sheet(
        signature, screening=sensitive, clinic="Lumen Skin Studio", practitioner="Ana P."
    )
    pdf = sheet_to_pdf([sheet])
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text = pages[0]
    for expected in (
        "Lumen Skin Studio",
        "Ana P.",
        "C-1016",
        "Signature Lift",
        "signature-lift-15",
        "1.0.0",
        "Mon 23 Nov 2026",
        "2026-11-23",
    ):
        assert expected in text
    assert "Client name" not in text  # never printed unless given
    # outcome in words plus a visible icon (the emoji or its look-alike)
    outcome = OUTCOMES[sensitive.outcome]
    assert outcome["title"] in text
    icon = font_coverage().printable(outcome["icon"])
    assert icon
    assert icon in text
    for reason in sensitive.reasons:
        assert flat(reason.source)[:60] in text
        assert flat(reason.reason)[:50] in text
    for adjustment in sensitive.adjustments:
        assert flat(adjustment)[:50] in text
    care = load_data_file("session_care.yaml")
    for item in care["prep_checklist"]:
        assert flat(item["text"]) in text
    for item in care["aftercare"]["items"]:
        assert flat(item) in text
    # every treatment step in order, with its zone, current and passes
    steps = [e for e in signature.timeline() if e.kind == "treatment"]
    positions = [text.index(f"{n} {e.zone_name} {e.side}") for n, e in enumerate(steps, 1)]
    assert positions == sorted(positions)
    assert "160" in text
    assert "180" in text
    assert "Glide and hold, 2 s" in text
    assert "Mist the gel first" in text
    for label in ("Done", "µA used", "Comfort", "Practitioner's signature", "Client's signature"):
        assert label in text
    assert "Zones in order" in text


def test_aftercare_and_next_visit_dates_follow_the_session_date(signature):
    sheet = session_sheet(signature, client="C-0042", date="2026-12-30")
    text = pdf_pages(sheet_to_pdf([sheet]))[0]
    # 24-48 hours after 30 Dec crosses the year; 4-6 weeks lands in February
    assert "Until Fri 1 Jan 2027 (at least until Thu 31 Dec 2026)" in text
    assert "Next visit: Between Wed 27 Jan 2027 and Wed 10 Feb 2027" in text
    four_weeks = dt.date(2026, 12, 30) + dt.timedelta(weeks=4)
    assert sheet["next_visit"]["first"] == four_weeks.isoformat()
    assert sheet["next_visit"]["last"] == "2027-02-10"


def test_without_intake_the_questions_print_as_tick_boxes_overleaf(signature):
    pdf = sheet_to_pdf([session_sheet(signature, client="C-0042", date="2026-03-02")])
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert "ask the screening questions overleaf" in pages[0]
    for title in (o["title"] for o in OUTCOMES.values()):
        assert title in pages[0]  # the outcome to tick by hand
    assert "Screening questions for today" in pages[1]
    for question in screening_questions():
        assert flat(question["question"]) in pages[1]
    assert "page 1 of 2" in pages[0]
    assert "page 2 of 2" in pages[1]


def test_the_client_name_only_when_given(signature):
    sheet = session_sheet(signature, client="C-0042", client_name="Zoë Example")
    assert "Zoë Example" in pdf_pages(sheet_to_pdf([sheet]))[0]
    assert session_sheet(signature, client="C-0042")["header"]["client_name"] is None


def test_date_and_client_default_to_the_intake(signature):
    result = screen(CLIENTS / "c01_all_clear.yaml")
    sheet = session_sheet(signature, screening=result)
    assert sheet["header"]["client"] == result.client
    assert sheet["header"]["date"] == result.date.isoformat()
    # the contract's plain dict works as well as the result object
    assert (
        session_sheet(signature, screening=result.to_dict())["screening"]["title"]
        == (OUTCOMES[result.outcome]["title"])
    )


def test_face_map_numbers_zones_in_treatment_order(signature):
    sheet = session_sheet(signature, client="C-1")
    svg = sheet["face_map"]
    assert '<g data-zone="jawline" data-side="right">' in svg
    alt = sheet["face_map_alt"]
    assert alt.index("1: Jawline (client's right)") < alt.index("2: Jawline (client's left)")
    assert "9: Forehead (client's right)" in alt
    assert "9: Forehead (client's left)" in alt


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_library_protocol_fits_one_page(paper):
    result = screen(CLIENTS / "c01_all_clear.yaml")
    for protocol in load_library(PROTOCOLS).values():
        pdf = sheet_to_pdf([session_sheet(protocol, screening=result)], paper=paper)
        assert len(pdf_pages(pdf)) == 1, protocol.id


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_size(signature, paper, size):
    pdf = sheet_to_pdf([session_sheet(signature, client="C-1")], paper=paper)
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def long_protocol(steps: int = 40) -> Protocol:
    zones = ["jawline", "cheekbones", "forehead", "neck"]
    return Protocol.model_validate(
        {
            "format": 1,
            "id": "long-40",
            "name": "Forty Steps",
            "version": "2.3.4",
            "setting": "clinic",
            "summary": "A long protocol to test page breaks.",
            "defaults": {"current_uA": 200},
            "steps": [
                {
                    "zone": zones[i % 4],
                    "side": ("right", "left")[i % 2],
                    "technique": "glide",
                    "passes": 3,
                    "seconds": 30,
                }
                for i in range(steps)
            ],
        }
    )


def test_forty_steps_break_cleanly_and_repeat_the_table_header():
    pdf = sheet_to_pdf(
        [
            session_sheet(
                long_protocol(), client="C-1001", screening=screen(CLIENTS / "c01_all_clear.yaml")
            )
        ]
    )
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert "Technique Direction Passes Time" in page  # the repeated header row
        assert f"page {number} of {len(pages)}" in page
    assert "Session sheet (continued) · C-1001 · Forty Steps 2.3.4" in pages[1]
    treated = re.findall(
        r"\b(\d+) (?:Jawline|Cheekbones|Forehead|Neck) (?:right|left)\b", " ".join(pages)
    )
    assert [int(n) for n in treated] == list(range(1, 41))  # every step once, in order


# -- bad input prints literally -------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "#set page(width: 1cm)",
    '$x^2$ and \\ and ] and " and [x] and *bold* and _u_ and @ref and // note',
    "Zoë Nguyễn",
    "العربية",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_print_literally(signature, value):
    sheet = session_sheet(
        signature, client="C-1", client_name=value, clinic=value, practitioner=value
    )
    pdf = sheet_to_pdf([sheet])
    text = flat(pdftotext(pdf))
    wanted = unicodedata.normalize("NFC", value)
    if value == "العربية":
        assert "العربية" in text.replace("\u202b", "").replace("\u202c", "")
    else:
        assert text.count(wanted) >= 3  # clinic, practitioner and name
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width)) == 595  # "#set page(width: 1cm)" changed nothing


def test_emoji_print_or_degrade_visibly(signature):
    coverage = font_coverage()
    name = "Ana 😀 🙂 ✅ 👍🏽 中"
    sheet = session_sheet(signature, client="C-1", client_name=name)
    printed = sheet["header"]["client_name"]
    assert coverage.covers(printed)  # nothing left that would print as an empty box
    text = flat(pdftotext(sheet_to_pdf([sheet])))
    assert printed in text
    # no font here has it: named, never tofu
    assert "[cjk unified ideograph-4e2d]" in printed


def test_glyph_fallbacks():
    coverage = Coverage.of_codepoints({ord(c) for c in "✔☺"})
    assert coverage.printable("ok ✅") == "ok ✔"
    assert coverage.printable("hi 🙂👍🏽") == "hi ☺[thumbs up sign]"
    assert coverage.printable("a\tb\nc") == "a b c"
    assert Coverage.of_codepoints(set()).printable("é") == "é"  # embedded fonts cover Latin


def test_a_500_character_name_is_cut_and_stays_on_the_page(signature):
    name = "A" * 250 + " " + "Ẅ" * 249
    sheet = session_sheet(
        signature,
        client="C-1001",
        client_name=name,
        clinic="B" * 500,
        screening=screen(CLIENTS / "c01_all_clear.yaml"),
    )
    assert len(sheet["header"]["client_name"].replace("\u200b", "")) <= 120
    pdf = sheet_to_pdf([sheet])
    assert len(pdf_pages(pdf)) == 1
    bbox = pdftotext(pdf, "-bbox")
    width = float(re.search(r'<page width="([\d.]+)"', bbox)[1])
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)
    assert words
    assert all(float(x0) >= 0 and float(x1) <= width - 20 for x0, x1 in words)
    assert "AAAAAAAAAAAA" in bbox  # wrapped, not dropped


# -- rendering and files -----------------------------------------------------------------


def test_png_preview_pages_come_from_the_same_template(signature):
    pages = sheet_png_pages([session_sheet(signature, client="C-1")], paper="letter", ppi=30)
    assert len(pages) == 2
    assert all(page.startswith(b"\x89PNG") for page in pages)


def test_a_failed_export_leaves_the_previous_pdf_intact(signature, tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"%PDF-previous")
    sheet = session_sheet(signature, client="C-1")

    import protocol_tools.core.atomic as atomic
    import protocol_tools.sheets.data as sheets

    def half_written_then_crash(src, dst):
        # the temporary file holds the new bytes, the rename to the final name fails
        assert Path(src).read_bytes().startswith(b"%PDF")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", half_written_then_crash)
    with pytest.raises(ExportError, match="No space left"):
        write_sheet_pdf(target, [sheet], replace=True)
    assert target.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temporary left over
    monkeypatch.undo()

    def broken_layout(*args, **kwargs):
        raise ExportError("the sheet could not be laid out: boom")

    monkeypatch.setattr(sheets, "render_sheets", broken_layout)
    with pytest.raises(ExportError):
        write_sheet_pdf(target, [sheet], replace=True)
    assert target.read_bytes() == b"%PDF-previous"


def test_bad_paper_is_refused(signature):
    with pytest.raises(ExportError, match="paper"):
        sheet_to_pdf([session_sheet(signature, client="C-1")], paper="a3")


# -- a day's appointments -----------------------------------------------------------------


def write_day(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "day.csv"
    path.write_text("date,time,client,protocol,intake\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_a_day_with_bad_rows(tmp_path):
    clients = practice_clients()
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,14:30,C-1016,signature-lift-15,{clients['c16_heart_and_sensitive']}",
            f"2026-11-23,09:00,C-1001,express-10,{clients['c01_all_clear']}",
            "2026-11-23,10:00,C-0005,no-such-protocol,",  # row 4
            "2026-11-23,11:00,C-0006,express-10,missing/intake.yaml",  # row 5
            "2026-11-31,12:00,C-0007,express-10,",  # row 6
            "2026-11-23,08:15,C-0008,home-maintenance,",
        ],
    )
    out = tmp_path / "out"
    result = make_day_sheets(day, out, library=PROTOCOLS)
    assert [p.row for p in result.problems] == [4, 5, 6]
    assert "no-such-protocol" in str(result.problems[0])
    assert "intake" in str(result.problems[1])
    assert "not found" in str(result.problems[1])
    assert "2026-11-31" in str(result.problems[2])
    assert [p.name for p in result.sheets] == [
        "2026-11-23_0815_C-0008_home-maintenance.pdf",
        "2026-11-23_0900_C-1001_express-10.pdf",
        "2026-11-23_1430_C-1016_signature-lift-15.pdf",
    ]
    (combined,) = result.combined
    pages = pdf_pages(combined.read_bytes())
    firsts = [re.search(r"Client code (C-\d+)", page)[1] for page in pages if "Client code" in page]
    assert firsts == ["C-0008", "C-1001", "C-1016"]  # time order, not file order
    # each sheet restarts its page numbers inside the day's PDF
    assert sum("page 1 of" in page for page in pages) == 3


def test_a_name_in_the_client_column_is_a_bad_row_and_never_a_file_name(tmp_path):
    day = write_day(
        tmp_path,
        [
            "2026-11-23,09:00,Anna Smith,express-10,",  # row 2: a name
            "2026-11-23,09:30,AnnaSmith,express-10,",  # row 3: a name without a space
            "2026-11-23,10:00,C_0142,express-10,",  # row 4: '_' is not in a code
            "2026-11-23,10:30,C-0042,express-10,",
        ],
    )
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2, 3, 4]
    assert all("like C-0042" in str(p) for p in result.problems)
    assert [p.name for p in result.sheets] == ["2026-11-23_1030_C-0042_express-10.pdf"]
    assert not any("Anna" in p.name for p in (tmp_path / "out").iterdir())


def test_one_unreadable_row_does_not_hide_the_rows_after_it(tmp_path):
    good = [f"2026-11-23,1{n}:00,C-000{n},express-10," for n in range(5)]
    path = tmp_path / "day.csv"
    path.write_text(
        "date,time,client,protocol,intake\n"
        + good[0]
        + "\n"
        + "2026-11-23,09:00,C-0001,"
        + "x" * 140_000
        + ",\n"  # row 3: a 140 kB cell
        + "\n".join(good[1:])
        + "\n",
        "utf-8",
    )
    result = make_day_sheets(path, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [3]
    assert "cannot be read as CSV" in str(result.problems[0])
    assert len(result.sheets) == 5
    assert csv.field_size_limit() == 131_072  # the process-wide limit is put back


def test_a_date_past_the_calendar_is_a_bad_row_not_a_crash(tmp_path, capsys):
    day = write_day(
        tmp_path,
        ["9999-12-30,09:00,C-0001,express-10,", "2026-11-23,10:00,C-0002,express-10,"],
    )
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2]
    assert "next visit" in str(result.problems[0])
    assert "9999-12-31" in str(result.problems[0])
    assert len(result.sheets) == 1
    target = tmp_path / "late.pdf"
    assert main(["sheet", str(SIGNATURE), "--date", "9999-12-31", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "next visit" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_a_sheet_dated_off_the_intakes_day_is_refused(tmp_path, capsys, signature):
    intake = CLIENTS / "c10_retinoid_7_days.yaml"
    message = (
        "the intake was answered for 2026-11-23 but the sheet is for 2026-11-18: "
        "screen the client again for that day"
    )
    with pytest.raises(ExportError, match=message):
        session_sheet(signature, screening=screen(intake), date="2026-11-18")
    status = main(
        [
            "sheet",
            str(SIGNATURE),
            "--intake",
            str(intake),
            "--date",
            "2026-11-18",
            "-o",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert status == 1
    assert message in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "x.pdf").exists()
    day = write_day(tmp_path, [f"2026-11-18,09:00,C-1010,express-10,{intake}"])
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2]
    assert message in str(result.problems[0])
    # the intake's own day is fine
    assert session_sheet(signature, screening=screen(intake), date="2026-11-23")


@pytest.mark.parametrize(
    ("client", "message"), [("Jane Doe", "like C-0042"), ("C-0042", "is for client C-1004")]
)
def test_the_sheet_command_refuses_a_name_or_another_clients_code(
    tmp_path, capsys, client, message
):
    target = tmp_path / "x.pdf"
    status = main(
        [
            "sheet",
            "express-10",
            "--library",
            str(PROTOCOLS),
            "--client",
            client,
            "--intake",
            str(CLIENTS / "c04_pregnant.yaml"),
            "-o",
            str(target),
        ]
    )
    assert status == 1
    assert message in capsys.readouterr().err
    assert not target.exists()
    with pytest.raises(ExportError, match="like C-0042"):
        session_sheet(load_protocol(SIGNATURE), client="Jane Doe")


def test_ordinary_words_are_never_split(signature, sensitive):
    assert clean_text("uncomfortable") == "uncomfortable"
    assert clean_text("contraindications hyaluronic") == "contraindications hyaluronic"
    sheet = session_sheet(signature, screening=sensitive)
    assert "\u200b" not in json.dumps(sheet, ensure_ascii=False)
    assert "\u200b" in clean_text("C" * 31)  # a pasted run still wraps


@pytest.mark.parametrize(
    ("section", "key"), [("aftercare", "window_hours"), ("next_visit", "weeks")]
)
def test_missing_aftercare_or_visit_data_is_an_error_not_a_guess(
    tmp_path, monkeypatch, signature, section, key
):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    care = (folder / "session_care.yaml").read_text("utf-8")
    line = {
        "window_hours": "  window_hours: {min: 24, max: 48}\n",
        "weeks": "  weeks: {min: 4, max: 6}\n",
    }[key]
    assert line in care
    (folder / "session_care.yaml").write_text(care.replace(line, ""), "utf-8")
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    with pytest.raises(ReferenceDataError, match=f"session_care.yaml {section}.{key}"):
        session_sheet(signature, client="C-1")


def test_the_sample_day_runs_from_the_command_line(tmp_path, capsys):
    status = main(["sheets", str(DATA / "sample_appointments.csv"), "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert "6 sheets written, 0 rows skipped" in out
    assert len(list(tmp_path.glob("*.pdf"))) == 7


def test_an_intake_for_another_client_is_a_bad_row(tmp_path):
    intake = practice_clients()["c01_all_clear"]
    day = write_day(tmp_path, [f"2026-11-23,09:00,C-9999,express-10,{intake}"])
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2]
    assert "C-1001" in str(result.problems[0])
    assert result.sheets == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("when,who\n2026-01-01,C-1\n", "missing columns date, time, client, protocol"),
        ("", "empty"),
        (b"date,time\n\xff\xfe bad", "UTF-8"),
    ],
)
def test_an_unusable_appointments_file(tmp_path, content, message):
    path = tmp_path / "day.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(AppointmentsError, match=message):
        make_day_sheets(path, tmp_path / "out")


def test_a_huge_appointments_file_is_refused(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text("date,time,client,protocol\n" + "2026-01-01,09:00,C-1,x\n" * 600, "utf-8")
    with pytest.raises(AppointmentsError, match="more than 500"):
        make_day_sheets(path, tmp_path / "out")


# -- command line -----------------------------------------------------------------------


def test_sheet_command(tmp_path, capsys):
    target = tmp_path / "C-1002.pdf"
    status = main(
        [
            "sheet",
            str(SIGNATURE),
            "--intake",
            str(CLIENTS / "c02_sensitive_skin.yaml"),
            "--paper",
            "letter",
            "--client-name",
            "#set page(width: 1cm)",
            "--clinic",
            "Lumen",
            "-o",
            str(target),
        ]
    )
    assert status == 0
    assert f"wrote {target}" in capsys.readouterr().out
    text = pdf_pages(target.read_bytes())[0]
    assert "C-1002" in text
    assert "#set page(width: 1cm)" in text
    assert "Lumen" in text


def test_sheet_command_errors(tmp_path, capsys):
    assert (
        main(
            [
                "sheet",
                "no-such-protocol",
                "--library",
                str(PROTOCOLS),
                "-o",
                str(tmp_path / "x.pdf"),
            ]
        )
        == 1
    )
    assert "no-such-protocol" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["sheet", str(SIGNATURE), "--date", "31/12/2026", "-o", str(tmp_path / "x.pdf")])
    assert usage.value.code == 2
    assert "--date" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


# -- the notebook's maker -----------------------------------------------------------------


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
    assert "Traceback" not in maker.status.value
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
    result = maker.make_day()
    assert result is not None
    assert len(result.sheets) == 6
    assert not result.problems
    assert "6 sheet(s) written" in maker.day_status.value
    maker.day_file.value = str(tmp_path / "missing.csv")
    assert maker.make_day() is None
    assert "cannot read it" in maker.day_status.value


def test_the_sheet_maker_saves_outside_the_project(monkeypatch, tmp_path):
    from protocol_tools.reference.data import inside_repository
    from protocol_tools.sheets.maker import SHEETS_ENV, default_sheets_dir, sheet_maker

    monkeypatch.delenv(SHEETS_ENV, raising=False)
    assert default_sheets_dir() == Path.home() / "microcurrent-sheets"
    assert not inside_repository(default_sheets_dir())
    monkeypatch.setenv(SHEETS_ENV, str(tmp_path))
    maker = sheet_maker(PROTOCOLS)
    assert maker.out_dir.value == str(tmp_path)


# -- never replacing a file (issue 9) -------------------------------------------------------


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


def test_a_day_made_again_keeps_the_first_runs_pdfs(tmp_path):
    day = write_day(
        tmp_path,
        ["2026-11-23,09:00,C-0001,express-10,", "2026-11-23,10:00,C-0002,signature-lift-15,"],
    )
    out = tmp_path / "out"
    first = make_day_sheets(day, out, library=PROTOCOLS)
    before = {path: path.read_bytes() for path in first.sheets + first.combined}
    assert first.kept == []
    second = make_day_sheets(day, out, library=PROTOCOLS)
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(second.kept) == sorted(before)
    assert [p.name for p in second.sheets] == [
        "2026-11-23_0900_C-0001_express-10-2.pdf",
        "2026-11-23_1000_C-0002_signature-lift-15-2.pdf",
    ]
    assert [p.name for p in second.combined] == ["2026-11-23_all-sheets-2.pdf"]
    assert len(list(out.iterdir())) == 6


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


def test_write_sheet_pdf_never_replaces_a_file_unless_asked(tmp_path, signature):
    target = tmp_path / "C-0042.pdf"
    target.write_bytes(b"%PDF-another-clients-sheet")
    sheet = session_sheet(signature, client="C-0042")
    with pytest.raises(ExportError, match="already exists"):
        write_sheet_pdf(target, [sheet])
    assert target.read_bytes() == b"%PDF-another-clients-sheet"
    assert [p.name for p in tmp_path.iterdir()] == ["C-0042.pdf"]  # nothing left over
    write_sheet_pdf(target, [sheet], replace=True)
    assert "C-0042" in pdf_pages(target.read_bytes())[0]


def test_the_sheet_command_refuses_an_existing_file_unless_forced(tmp_path, capsys):
    target = tmp_path / "C-0042.pdf"
    target.write_bytes(b"%PDF-previous")
    command = ["sheet", "express-10", "--library", str(PROTOCOLS), "--client", "C-0042"]
    assert main([*command, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{target} already exists" in err
    assert "--force" in err
    assert "Traceback" not in err
    assert target.read_bytes() == b"%PDF-previous"
    assert main([*command, "-o", str(target), "--force"]) == 0
    assert "C-0042" in pdf_pages(target.read_bytes())[0]


def test_the_sheets_command_refuses_an_earlier_run_unless_forced(tmp_path, capsys):
    out = tmp_path / "out"
    sample = str(DATA / "sample_appointments.csv")
    assert main(["sheets", sample, "-o", str(out)]) == 0
    before = {path: path.read_bytes() for path in out.iterdir()}
    capsys.readouterr()
    assert main(["sheets", sample, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "already holds 7 of the files this day would write" in err
    assert "--force" in err
    assert {path: path.read_bytes() for path in out.iterdir()} == before  # nothing written
    assert main(["sheets", sample, "-o", str(out), "--force"]) == 0
    assert sorted(out.iterdir()) == sorted(before)  # replaced, no -2 files


# -- drafts and protocols with errors ---------------------------------------------------------


def express_variant(folder: Path, new_id: str, *, draft: bool = False, current: int = 250) -> Path:
    """A copy of express-10 under another id: a draft, or with another current."""
    text = (PROTOCOLS / "express-10.yaml").read_text("utf-8")
    text = text.replace("\nid: express-10\n", f"\nid: {new_id}\n", 1)
    if draft:
        text = text.replace("\nsetting: clinic\n", "\nsetting: clinic\nstatus: draft\n", 1)
    text = text.replace("current_uA: 250", f"current_uA: {current}", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{new_id}.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def library_with_drafts(tmp_path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    for path in PROTOCOLS.glob("*.yaml"):
        shutil.copy(path, folder)
    express_variant(folder, "express-draft", draft=True)
    express_variant(folder, "too-strong", current=5000)
    return folder


def test_a_draft_or_a_protocol_with_errors_is_refused_unless_a_draft_is_asked_for(
    library_with_drafts,
):
    for name in ("express-draft", "too-strong"):
        protocol = load_protocol(library_with_drafts / f"{name}.yaml")
        with pytest.raises(ProtocolFileError, match="cannot be printed on a session sheet"):
            session_sheet(protocol, client="C-0042")
        pages = pdf_pages(sheet_to_pdf([session_sheet(protocol, client="C-0042", draft=True)]))
        assert len(pages) == 2
        assert all(DRAFT_MARK in page for page in pages)
    ready = session_sheet(load_protocol(SIGNATURE), client="C-0042")
    assert not any("DRAFT" in page for page in pdf_pages(sheet_to_pdf([ready])))


def test_every_page_of_a_long_draft_sheet_says_draft():
    protocol = long_protocol().model_copy(update={"status": "draft"})
    sheet = session_sheet(
        protocol, client="C-1001", screening=screen(CLIENTS / "c01_all_clear.yaml"), draft=True
    )
    pages = pdf_pages(sheet_to_pdf([sheet]))
    assert len(pages) >= 2
    assert all(DRAFT_MARK in page for page in pages)
    title = pypdf.PdfReader(io.BytesIO(sheet_to_pdf([sheet]))).metadata.title
    assert title.startswith(DRAFT_MARK)


def test_the_sheet_command_refuses_a_protocol_with_errors_unless_draft(
    tmp_path, capsys, library_with_drafts
):
    target = tmp_path / "x.pdf"
    command = ["sheet", str(library_with_drafts / "too-strong.yaml"), "--client", "C-0042"]
    assert main([*command, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "cannot be printed on a session sheet" in err
    assert "defaults.current_uA: 5000 µA is not microcurrent" in err  # the findings listed
    assert "--draft" in err
    assert not target.exists()
    assert main([*command, "--draft", "-o", str(target)]) == 0
    assert DRAFT_MARK in capsys.readouterr().out
    pages = pdf_pages(target.read_bytes())
    assert all(DRAFT_MARK in page for page in pages)


def test_day_rows_naming_a_draft_or_a_protocol_with_errors_are_row_problems(
    tmp_path, library_with_drafts
):
    day = write_day(
        tmp_path,
        [
            "2026-11-23,09:00,C-0001,express-draft,",  # row 2
            "2026-11-23,10:00,C-0002,too-strong,",  # row 3
            f"2026-11-23,11:00,C-0003,{library_with_drafts / 'too-strong.yaml'},",  # row 4
            "2026-11-23,12:00,C-0004,express-10,",
        ],
    )
    result = make_day_sheets(day, tmp_path / "out", library=library_with_drafts)
    assert [p.row for p in result.problems] == [2, 3, 4]
    draft, strong, by_path = (str(p) for p in result.problems)
    assert "'express-draft' is a draft and cannot be printed on a session sheet" in draft
    assert "'too-strong' has 5 error(s) and cannot be printed on a session sheet" in strong
    assert "error(s) and cannot be printed" in by_path
    assert all("5000" not in str(p) for p in result.problems)  # the file is not quoted
    assert [p.name for p in result.sheets] == ["2026-11-23_1200_C-0004_express-10.pdf"]


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
        assert "Traceback" not in status
        assert "[error:" not in status  # no rule codes at the front desk
        assert maker.client.value == "C-0042"  # what was typed stays
    assert "5000 µA is not microcurrent" in status
    assert not (tmp_path / "out").exists()
    maker.draft.value = True
    assert len(maker.preview()) == 2
    saved = maker.save()
    assert all(DRAFT_MARK in page for page in pdf_pages(saved.read_bytes()))


# -- pipes and devices --------------------------------------------------------------------


@pytest.mark.timeout(20)
def test_a_pipe_as_the_appointments_file_is_refused_at_once(tmp_path, capsys):
    pipe = tmp_path / "day.csv"
    os.mkfifo(pipe)
    with pytest.raises(AppointmentsError, match="not a file saved on disk"):
        make_day_sheets(pipe, tmp_path / "out")
    assert main(["sheets", str(pipe), "-o", str(tmp_path / "out")]) == 1
    assert "not a file saved on disk" in capsys.readouterr().err
    with pytest.raises(AppointmentsError, match="not a file saved on disk"):
        make_day_sheets("/dev/null", tmp_path / "out")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("confined", [False, True])
def test_a_row_naming_a_pipe_is_that_rows_problem(tmp_path, confined):
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(PROTOCOLS / "express-10.yaml", library)
    os.mkfifo(library / "piped.yaml")
    os.mkfifo(tmp_path / "intake.yaml")
    shutil.copy(CLIENTS / "c01_all_clear.yaml", tmp_path)
    protocol_pipe = "piped.yaml" if confined else str(library / "piped.yaml")
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,09:00,C-0001,{protocol_pipe},",  # row 2
            "2026-11-23,10:00,C-0002,express-10,intake.yaml",  # row 3
            "2026-11-23,11:00,C-1001,express-10,c01_all_clear.yaml",
        ],
    )
    confine = {"confine_paths": True} if confined else {}  # the command line's default
    result = make_day_sheets(day, tmp_path / "out", library=library, **confine)
    assert [p.row for p in result.problems] == [2, 3]
    assert all("not a file saved on disk" in str(p) for p in result.problems)
    assert [p.name for p in result.sheets] == ["2026-11-23_1100_C-1001_express-10.pdf"]


@pytest.mark.timeout(20)
def test_the_sheet_command_refuses_a_pipe_at_once(tmp_path, capsys):
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    target = str(tmp_path / "x.pdf")
    assert main(["sheet", str(pipe), "--client", "C-0042", "-o", target]) == 1
    assert "not a file saved on disk" in capsys.readouterr().err
    assert main(["sheet", str(SIGNATURE), "--intake", str(pipe), "-o", target]) == 1
    assert "not a file saved on disk" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


# -- what a row may name, and what a message may quote --------------------------------------

PRIVATE_VALUE = "TOPSECRET-value-8841"
PRIVATE_YAML = f"client: {PRIVATE_VALUE}\napi_key: {PRIVATE_VALUE}\nid: {PRIVATE_VALUE}\n"


def upload(maker, content: bytes) -> None:
    maker.day_upload.value = (
        {
            "name": "day.csv",
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )


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
    assert "Traceback" not in shown
    assert "day.csv" not in [p.name for p in (tmp_path / "out" / "day").iterdir()]


def test_the_day_command_never_quotes_a_file_a_row_names(tmp_path, capsys):
    secret = tmp_path / "secret.yaml"
    secret.write_text(PRIVATE_YAML, "utf-8")
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,09:00,C-0001,{secret},",  # row 2: as a protocol
            "2026-11-23,10:00,C-0001,express-10,secret.yaml",  # row 3: as an intake
        ],
    )
    assert main(["sheets", str(day), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "row 2: protocol" in err
    assert "cannot be used: does not fit the protocol format" in err
    assert "row 3: intake file 'secret.yaml' cannot be used" in err
    assert "screen it on its own to see what is wrong" in err
    assert PRIVATE_VALUE not in err
    assert "api_key" not in err


# -- bidirectional controls --------------------------------------------------------------


def test_bidi_controls_never_reverse_what_a_sheet_prints():
    assert clean_text("chin to ear\u202eupward") == "chin to earupward"
    assert clean_text("a \u2067b\u2069 c\u200f") == "a b c"
    protocol = Protocol.model_validate(
        {
            "format": 1,
            "id": "bidi",
            "name": "Bidi \u202eLift",
            "version": "1.0.0",
            "setting": "clinic",
            "summary": "Directions with an override pasted in.",
            "defaults": {"current_uA": 200},
            "steps": [
                {
                    "zone": "jawline",
                    "side": "both",
                    "technique": "glide",
                    "passes": 3,
                    "seconds": 30,
                    "direction": "chin to ear\u202eupward",
                }
            ],
        }
    )
    sheet = session_sheet(
        protocol, client="C-0042", client_name="Ana \u202eSmith", date="2026-11-23"
    )
    text = " ".join(pdf_pages(sheet_to_pdf([sheet])))
    assert "chin to earupward" in text
    assert "drawpu" not in text
    assert "Ana Smith" in text
    assert "Bidi Lift" in text
    assert "\u202e" not in text
    assert "\u202e" not in json.dumps(sheet, ensure_ascii=False)
