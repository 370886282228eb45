"""Typst layout: pages, paper, long sheets, strings printed literally, files."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from conftest import PROTOCOLS
from helpers import (
    CLIENTS,
    flat,
    long_protocol,
    pdf_pages,
    pdftotext,
)
from protocol_tools import (
    ExportError,
    load_library,
    session_sheet,
    sheet_png_pages,
    sheet_to_pdf,
    write_sheet_pdf,
)
from protocol_tools.screening.engine import screen
from protocol_tools.sheets.data import DRAFT_MARK


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


def test_png_preview_pages_come_from_the_same_template(signature):
    pages = sheet_png_pages([session_sheet(signature, client="C-1")], paper="letter", ppi=30)
    assert len(pages) == 2
    assert all(page.startswith(b"\x89PNG") for page in pages)


def test_a_failed_export_leaves_the_previous_pdf_intact(signature, tmp_path, monkeypatch):
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"%PDF-previous")
    sheet = session_sheet(signature, client="C-1")

    import protocol_tools.core.atomic as atomic
    import protocol_tools.sheets.render as sheets

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
