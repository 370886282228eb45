"""Session sheets: read the PDFs back and check what a practitioner relies on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
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
    ReferenceDataError,
    load_library,
    load_protocol,
    make_day_sheets,
    session_sheet,
    sheet_png_pages,
    sheet_to_pdf,
    write_sheet_pdf,
)
from protocol_tools._cli import main
from protocol_tools._data import load_data_file
from protocol_tools._glyphs import Coverage, font_coverage
from protocol_tools._screening import OUTCOMES, practice_clients, screen, screening_questions
from protocol_tools._sheets import clean_text

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

    import protocol_tools._atomic as atomic
    import protocol_tools._sheets as sheets

    def half_written_then_crash(src, dst):
        # the temporary file holds the new bytes, the rename to the final name fails
        assert Path(src).read_bytes().startswith(b"%PDF")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", half_written_then_crash)
    with pytest.raises(ExportError, match="No space left"):
        write_sheet_pdf(target, [sheet])
    assert target.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temporary left over
    monkeypatch.undo()

    def broken_layout(*args, **kwargs):
        raise ExportError("the sheet could not be laid out: boom")

    monkeypatch.setattr(sheets, "render_sheets", broken_layout)
    with pytest.raises(ExportError):
        write_sheet_pdf(target, [sheet])
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
    assert saved == tmp_path / "session-sheet.pdf"
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
    from protocol_tools._data import inside_repository
    from protocol_tools._sheet_widgets import SHEETS_ENV, default_sheets_dir, sheet_maker

    monkeypatch.delenv(SHEETS_ENV, raising=False)
    assert default_sheets_dir() == Path.home() / "microcurrent-sheets"
    assert not inside_repository(default_sheets_dir())
    monkeypatch.setenv(SHEETS_ENV, str(tmp_path))
    maker = sheet_maker(PROTOCOLS)
    assert maker.out_dir.value == str(tmp_path)
