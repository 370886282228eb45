"""Kept Typst compilers: the same sheet as a fresh compile, never a stale one, safe in threads."""

from __future__ import annotations

import io
import shutil
import threading

import pypdf
import pytest
import typst

from helpers import pdf_pages, pdftotext
from protocol_tools import ExportError, load_library, session_sheet, sheet_png_pages, sheet_to_pdf
from protocol_tools.sheets.compilers import font_stamp, typst_compiler, typst_fonts
from protocol_tools.sheets.render import (
    TEMPLATE,
    TEMPLATES,
    compile_template,
    sheet_payload,
)


def fresh(payload: str, **options) -> bytes | list[bytes]:
    """The sheet from a new ``typst.compile`` (fonts searched, template parsed again)."""
    return typst.compile(str(TEMPLATE), sys_inputs={"data": payload}, **options)


def font_names(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_a_kept_compiler_gives_the_text_and_pages_of_a_fresh_compile(signature, sensitive):
    sheets = [
        session_sheet(signature, screening=sensitive),
        session_sheet(signature, client="C-0042", client_name="Zoë Ünal"),  # + questions page
    ]
    for paper in ("a4", "letter"):
        for group in ([sheets[0]], [sheets[1]], sheets):
            kept = sheet_to_pdf(group, paper=paper)  # the compiler is kept after the first
            old = fresh(sheet_payload(group, paper))
            assert pdf_pages(kept) == pdf_pages(old)
            assert pdftotext(kept, "-layout") == pdftotext(old, "-layout")  # places too
    # The preview: the same pixels (a fresh compile of one page gives bytes, not a list).
    assert sheet_png_pages([sheets[0]], ppi=40) == [
        fresh(sheet_payload([sheets[0]]), format="png", ppi=40)
    ]


def copied_templates(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    return folder


def test_a_changed_template_or_a_file_it_imports_takes_effect(tmp_path, signature):
    folder = copied_templates(tmp_path)
    template = folder / "session_sheet.typ"
    payload = sheet_payload([session_sheet(signature, client="C-0042")])
    first = pdf_pages(compile_template(template, payload))[0]
    assert "Before you start" in first
    text = template.read_text("utf-8")
    template.write_text(text.replace("[Before you start]", "[Before the first step]"), "utf-8")
    second = pdf_pages(compile_template(template, payload))[0]
    assert "Before the first step" in second
    assert "Before you start" not in second
    # The same length, written within the same clock tick: still the new text.
    template.write_text(text.replace("[Before you start]", "[Before you begin]"), "utf-8")
    assert "Before you begin" in pdf_pages(compile_template(template, payload))[0]
    template.write_text(text.replace("[Before you start]", "[Before you BEGIN]"), "utf-8")
    assert "Before you BEGIN" in pdf_pages(compile_template(template, payload))[0]
    # A file the template imports (the family's pieces).
    style = folder / "sheet_style.typ"
    style.write_text(
        style.read_text("utf-8").replace("size: 10pt, title)", 'size: 10pt, "§ " + title)'),
        "utf-8",
    )
    assert "§ Steps" in pdf_pages(compile_template(template, payload))[0]
    # A template that no longer lays out says so, never hands back the last PDF.
    template.write_text(text + '\n#panic("broken on purpose")\n', "utf-8")
    with pytest.raises(ExportError, match="broken on purpose"):
        compile_template(template, payload)
    template.write_text(text, "utf-8")
    assert "Before you start" in pdf_pages(compile_template(template, payload))[0]


def test_changed_data_and_sheet_settings_take_effect(data_copy, signature):
    one = pdf_pages(sheet_to_pdf([session_sheet(signature, client="C-0001")]))[0]
    two = pdf_pages(sheet_to_pdf([session_sheet(signature, client="C-0002")]))[0]
    assert "C-0001" in one
    assert "C-0002" in two
    assert "C-0001" not in two
    settings = data_copy / "sheet.yaml"
    text = settings.read_text("utf-8")
    sheet = session_sheet(signature, client="C-0003")
    assert "LiberationSans" not in font_names(sheet_to_pdf([sheet]))
    box = pypdf.PdfReader(io.BytesIO(sheet_to_pdf([sheet]))).pages[0].mediabox
    assert round(float(box.height)) == 842  # A4
    settings.write_text(
        text.replace("paper: a4 ", "paper: letter ").replace(
            "fonts: [DejaVu Sans, ", "fonts: [Liberation Sans, DejaVu Sans, "
        ),
        "utf-8",
    )
    pdf = sheet_to_pdf([sheet])
    assert round(float(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height)) == 792
    assert "LiberationSans" in font_names(pdf)
    assert pdf_pages(pdf) == pdf_pages(fresh(sheet_payload([sheet])))


def test_a_font_added_to_a_font_folder_is_found(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    before = typst_fonts([str(folder)])
    assert typst_fonts([str(folder)]) is before  # searched once
    stamp = font_stamp([str(folder)])
    (installed,) = [f.path for f in before.fonts() if f.path and "DejaVuSans.ttf" in f.path]
    (folder / "extra").mkdir()
    shutil.copy(installed, folder / "extra" / "Copied.ttf")
    assert font_stamp([str(folder)]) != stamp
    after = typst_fonts([str(folder)])
    assert after is not before
    assert any("Copied.ttf" in (f.path or "") for f in after.fonts())
    with typst_compiler(TEMPLATE, [str(folder)]) as compiler:
        assert isinstance(compiler, typst.Compiler)


def test_sheets_laid_out_in_threads_at_once_are_each_their_own():
    library = load_library()
    jobs = [
        (protocol, f"C-{index:04d}")
        for index, protocol in enumerate([*library.values(), *library.values()][:8])
    ]
    expected = {
        client: pdf_pages(fresh(sheet_payload([session_sheet(protocol, client=client)])))
        for protocol, client in jobs
    }
    got: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def lay_out(share: list) -> None:
        start.wait()
        for protocol, client in share:
            try:
                pages = pdf_pages(sheet_to_pdf([session_sheet(protocol, client=client)]))
                preview = sheet_png_pages([session_sheet(protocol, client=client)], ppi=20)
            except BaseException as error:  # reported below
                errors.append(error)
            else:
                assert preview
                got[client] = pages

    threads = [threading.Thread(target=lay_out, args=(jobs[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert got == expected
