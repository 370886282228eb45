"""Laying out sheets with Typst: the one template gives the PDF and the preview pages.

    >>> from protocol_tools import session_sheet, sheet_png_pages, write_sheet_pdf
    >>> write_sheet_pdf("C-0042.pdf", [sheet], paper="letter")  # never replaces  # doctest: +SKIP
    >>> pages = sheet_png_pages([sheet], ppi=60)    # the notebook's preview  # doctest: +SKIP
    >>> sorted(PAPERS)
    ['a4', 'letter']

Why Typst rather than WeasyPrint: the ``typst`` wheel from PyPI is self-contained
(no Pango, Cairo or GTK runtime to install, so it works the same on Linux, macOS
and Windows), lays out a page in about 20 ms, bundles fonts, and reads the sheet's
data as JSON. Every client and protocol string reaches the template as a JSON
value and is only ever placed as text, so nothing a user types (``<script>``,
``#set page(...)``, ``$``, ``\\``) can be read as markup; an HTML pipeline would
depend on escaping every string correctly. One template
(``templates/session_sheet.typ``) gives the PDF and the PNG pages the notebook
shows, so the preview is the printout. WeasyPrint would have shared HTML/CSS with
the notebook, but needs system libraries and is several times slower per page.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.atomic import atomic_write_bytes, create_new_bytes
from ..core.errors import ExportError
from .compilers import typst_compiler
from .data import DRAFT_MARK, PAPERS, sheet_defaults
from .text import safe_name

__all__ = [
    "TEMPLATES",
    "compile_template",
    "render_sheets",
    "save_pdf",
    "sheet_file_stem",
    "sheet_payload",
    "sheet_png_pages",
    "sheet_to_pdf",
    "sheets_title",
    "write_sheet_pdf",
]

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = TEMPLATES / "session_sheet.typ"


def sheets_title(sheets: Sequence[Mapping[str, Any]]) -> str:
    """The document's title: one client's sheet, or a day's ("N clients")."""
    first = sheets[0]["header"]
    title = "Session sheet " + first["client"] + " " + first["date"]
    if len(sheets) > 1:
        title = f"Session sheets, {len(sheets)} clients, {first['date']}"
    if any(sheet.get("draft") for sheet in sheets):
        title = f"{DRAFT_MARK}: {title}"
    return title


def sheet_payload(sheets: Sequence[Mapping[str, Any]], paper: str | None = None) -> str:
    """The JSON the session-sheet template reads (``sys.inputs.data``): the sheets,
    the paper and fonts (``data/sheet.yaml`` unless ``paper`` is given) and the title."""
    defaults = sheet_defaults()
    paper = (paper or defaults["paper"]).lower()
    if paper not in PAPERS:
        raise ExportError(f"paper: {paper!r} is not one of {', '.join(PAPERS)}")
    if not sheets:
        raise ExportError("no sheet to print")
    return json.dumps(
        {
            "paper": PAPERS[paper],
            "fonts": defaults["fonts"],
            "title": sheets_title(sheets),
            "author": sheets[0]["header"]["clinic"] or "protocol-tools",
            "sheets": list(sheets),
        },
        ensure_ascii=False,
    )


def render_sheets(
    sheets: Sequence[Mapping[str, Any]],
    *,
    paper: str | None = None,
    format: str = "pdf",
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Lay out sheets with the one template: PDF bytes, or a list of PNG/SVG pages."""
    return compile_template(TEMPLATE, sheet_payload(sheets, paper), format=format, ppi=ppi)


def compile_template(
    template: Path, payload: str, *, format: str = "pdf", ppi: float | None = None
) -> bytes | list[bytes]:
    """Lay out one of the family's templates (``TEMPLATES``) with ``payload``, the
    document's data as JSON: PDF bytes, or a list of PNG/SVG pages.

    The compiler is a kept one (:mod:`.compilers`): the fonts are not searched
    again and a changed template or font folder still takes effect."""
    import typst

    try:
        with typst_compiler(template) as compiler:
            output = compiler.compile(format=format, ppi=ppi, sys_inputs={"data": payload})
    except (typst.TypstError, RuntimeError) as error:
        raise ExportError(f"the sheet could not be laid out: {error}") from None
    if format == "pdf":
        return output
    return output if isinstance(output, list) else [output]


def sheet_to_pdf(sheets: Sequence[Mapping[str, Any]], *, paper: str | None = None) -> bytes:
    """The sheets as one PDF (each sheet starts on a new page)."""
    pdf = render_sheets(sheets, paper=paper, format="pdf")
    assert isinstance(pdf, bytes)
    return pdf


def sheet_png_pages(
    sheets: Sequence[Mapping[str, Any]], *, paper: str | None = None, ppi: float = 80
) -> list[bytes]:
    """The sheets as PNG pages: the preview is the printout, from the same template."""
    pages = render_sheets(sheets, paper=paper, format="png", ppi=ppi)
    assert isinstance(pages, list)
    return pages


def write_sheet_pdf(
    path: str | Path,
    sheets: Sequence[Mapping[str, Any]],
    *,
    paper: str | None = None,
    replace: bool = False,
) -> Path:
    """Render and write atomically: a failure never leaves half a PDF at ``path``.

    An existing file at ``path`` is an :class:`ExportError` (it may be another
    client's sheet) unless ``replace=True``.
    """
    pdf = sheet_to_pdf(sheets, paper=paper)
    return save_pdf(Path(path), pdf, replace=replace)


def save_pdf(path: Path, pdf: bytes, *, replace: bool) -> Path:
    """Write ``pdf`` at ``path``; a file already there is an ExportError unless ``replace``."""
    if replace:
        atomic_write_bytes(path, pdf)
        return path
    try:
        create_new_bytes(path, pdf)
    except FileExistsError:
        raise ExportError(f"{path} already exists; it was left as it is") from None
    return path


def sheet_file_stem(sheet: Mapping[str, Any], made: dt.datetime) -> str:
    """CLIENT_PROTOCOL_DATE_HHMM: the client code (never a name) and when it was made."""
    header = sheet["header"]
    client = safe_name(header["client"]) if header["client"] else "no-client-code"
    return f"{client}_{safe_name(header['protocol']['id'])}_{header['date']}_{made:%H%M}"
