"""The day's PDF joined from the sheets' PDFs, read back with pypdf, qpdf and poppler."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pypdf
import pytest

from conftest import PROTOCOLS
from helpers import pdf_pages
from protocol_tools import ExportError, load_library, session_sheet, sheet_to_pdf
from protocol_tools.sheets.data import DRAFT_MARK
from protocol_tools.sheets.joined import SheetPdfJoiner, join_sheet_pdfs


def test_a_days_pdf_of_drafts_says_so_in_its_title():
    sheet = session_sheet(load_library(PROTOCOLS)["express-10"], client="C-1", draft=True)
    pdfs = [sheet_to_pdf([sheet]), sheet_to_pdf([sheet])]
    joined = pypdf.PdfReader(io.BytesIO(join_sheet_pdfs(pdfs, [sheet, sheet])))
    assert (
        joined.metadata.title
        == f"{DRAFT_MARK}: Session sheets, 2 clients, {sheet['header']['date']}"
    )


def test_what_cannot_be_joined_is_an_export_error():
    sheet = session_sheet(load_library(PROTOCOLS)["express-10"], client="C-1")
    with pytest.raises(ExportError, match="day's PDF"):
        join_sheet_pdfs([b"%PDF-not really"], [sheet])
    with pytest.raises(ExportError, match="no sheet"):
        join_sheet_pdfs([], [])
    with pytest.raises(ValueError, match="one PDF a sheet"):
        join_sheet_pdfs([sheet_to_pdf([sheet])], [])
    joiner = SheetPdfJoiner()
    with pytest.raises(ExportError):
        joiner.add(b"", sheet)
    assert joiner.count == 0  # the bad PDF left nothing behind


def test_the_joined_pdf_is_sound_and_holds_every_page_in_order(tmp_path):
    library = load_library(PROTOCOLS)
    # No intake: the second sheet has its questions page, so sheets differ in length.
    sheets = [
        session_sheet(library["express-10"], client="C-1001", clinic="Lumen"),
        session_sheet(library["signature-lift-15"], client="C-1002", clinic="Lumen"),
        session_sheet(library["home-maintenance"], client="C-1003", clinic="Lumen"),
    ]
    pdfs = [sheet_to_pdf([sheet]) for sheet in sheets]
    joiner = SheetPdfJoiner()
    for pdf, sheet in zip(pdfs, sheets, strict=True):
        joiner.add(pdf, sheet)
    assert joiner.count == 3
    joined = joiner.pdf()

    assert pdf_pages(joined) == [page for pdf in pdfs for page in pdf_pages(pdf)]
    with pikepdf.open(io.BytesIO(joined)) as day, pikepdf.open(io.BytesIO(pdfs[0])) as first:
        assert day.check_pdf_syntax() == []  # qpdf's own check of every object
        assert day.pdf_version == first.pdf_version
        assert "/Producer" not in day.docinfo
        assert str(day.docinfo.Author) == "Lumen"
    path = tmp_path / "day.pdf"
    path.write_bytes(joined)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Pages"].strip() == str(sum(len(pdf_pages(pdf)) for pdf in pdfs))
    assert fields["Title"].strip() == f"Session sheets, 3 clients, {sheets[0]['header']['date']}"
    # Each sheet's fonts come along once, packed as Typst packs them: no bigger
    # than the three files side by side.
    assert len(joined) <= sum(len(pdf) for pdf in pdfs)
