"""A day's PDF joined from its sheets' PDFs, each sheet laid out once.

    >>> from protocol_tools.sheets.joined import join_sheet_pdfs
    >>> day = join_sheet_pdfs([pdf_a, pdf_b], [sheet_a, sheet_b])  # doctest: +SKIP
    >>> SheetPdfJoiner().count
    0

Each sheet already numbers its own pages and repeats its own header, so the joined
pages and their text are those of :func:`~.render.sheet_to_pdf` given every sheet
at once, without laying any sheet out a second time. qpdf (through pikepdf) copies
the pages: a day of 300 joins in about a third of a second, where pypdf took 2.7 s.

What the day's PDF leaves out is the tagged structure that screen readers follow:
each client's own PDF keeps it, and the day's PDF is the one printed for the
stack. Joining the trees (each sheet's Document as a section, its marked-content
keys moved on, its element ids made unique) cost about 12 ms a sheet here, two
and a half seconds on a day of 300, which would put that day past ten seconds.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.errors import ExportError
from .render import sheets_title

__all__ = ["SheetPdfJoiner", "join_sheet_pdfs"]


class SheetPdfJoiner:
    """Sheets' PDFs (one each, made by :func:`~.render.sheet_to_pdf`) joined into one
    as they come, in the order added.

    The document keeps the first sheet's author, language and "show the title"
    setting, and gets the day's title ("Session sheets, N clients, …"); outlines
    and page labels come along with the pages.
    """

    def __init__(self) -> None:
        import pikepdf

        self._pdf = pikepdf.new()
        # qpdf copies a page's streams from its source when the joined PDF is
        # written, so each source stays open until then.
        self._sources: list[Any] = []
        self._sheets: list[Mapping[str, Any]] = []

    @property
    def count(self) -> int:
        """How many sheets were added."""
        return len(self._sheets)

    def add(self, pdf: bytes, sheet: Mapping[str, Any]) -> None:
        """Add the pages of ``pdf``, the PDF of ``sheet``."""
        import pikepdf

        try:
            source = pikepdf.open(io.BytesIO(pdf))
            self._pdf.pages.extend(source.pages)
        except (pikepdf.PdfError, ValueError) as error:
            raise ExportError(f"a sheet could not be added to the day's PDF: {error}") from None
        self._sources.append(source)
        self._sheets.append(sheet)

    def pdf(self) -> bytes:
        """The joined PDF."""
        import pikepdf

        if not self._sheets:
            raise ExportError("no sheet to print")
        target, first = self._pdf, self._sources[0]
        info = _copied(target, first, first.docinfo)
        if "/Producer" in info:
            del info["/Producer"]
        info.Title = pikepdf.String(sheets_title(self._sheets))
        target.docinfo = info
        for key in ("/Lang", "/ViewerPreferences"):
            if key in first.Root:
                target.Root[key] = _copied(target, first, first.Root[key])
        out = io.BytesIO()
        # Object streams: the small objects packed and compressed, as Typst writes them.
        target.save(
            out,
            deterministic_id=True,
            min_version=first.pdf_version,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return out.getvalue()


def _copied(target: Any, source: Any, value: Any) -> Any:
    """``value``, an object of ``source``, copied into ``target`` (with what it refers to)."""
    if not value.is_indirect:  # qpdf copies only objects with a number of their own
        value = source.make_indirect(value)
    return target.copy_foreign(value)


def join_sheet_pdfs(pdfs: Sequence[bytes], sheets: Sequence[Mapping[str, Any]]) -> bytes:
    """The PDFs of ``sheets``, one each, as one PDF (see :class:`SheetPdfJoiner`)."""
    if len(pdfs) != len(sheets):
        raise ValueError("one PDF a sheet")
    joiner = SheetPdfJoiner()
    for pdf, sheet in zip(pdfs, sheets, strict=True):
        joiner.add(pdf, sheet)
    return joiner.pdf()
