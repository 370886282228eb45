"""Typst compilers kept between sheets: the fonts are searched and the template parsed
once, not for every sheet.

    >>> from protocol_tools.sheets.render import TEMPLATES
    >>> with typst_compiler(TEMPLATES / "session_sheet.typ") as compiler:  # doctest: +SKIP
    ...     pdf = compiler.compile(format="pdf", sys_inputs={"data": payload})
    >>> [name for name, _, _ in template_stamp(TEMPLATES / "session_sheet.typ")]
    ['.', 'plan_sheet.typ', 'session_sheet.typ', 'sheet_style.typ']

A new ``typst.compile`` searches the machine's fonts (10–40 ms) and reads and parses
the template again; a kept ``typst.Compiler`` given new ``sys_inputs`` does neither.
Kept compilers are keyed on the template and the font folders, and stamped with what
they were made from: the modification time and size of every file under the
template's folder (the only files a template can import or read) and of every font
folder. A changed template, or a font installed or removed, gives a new compiler on
the next sheet, never a PDF laid out from what was there before. ``data/sheet.yaml``
(paper, fonts to try, clinic) reaches the template in the data, so it needs no stamp.

A compiler lays out one document at a time (typst releases the GIL while it works,
and a second caller on the same compiler would fail), so each caller borrows one for
the length of a compile: the Voilà app's threads and the command line never share
one at the same moment. Another thread asking meanwhile gets a compiler of its own,
made from the same searched fonts in about a millisecond.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["font_stamp", "forget_compilers", "template_stamp", "typst_compiler", "typst_fonts"]

# How many idle compilers of one template are kept: one per thread that may lay out
# sheets at the same time (the app's and a command's); more are made when needed
# and dropped after use.
_KEEP = 4

Stamp = tuple[tuple[str, int, int], ...]

_lock = threading.Lock()
_fonts_lock = threading.Lock()
# (template, font folders) -> (what they were made from, the idle compilers)
_compilers: dict[tuple[Path, tuple[str, ...]], tuple[tuple[Stamp, Stamp], list[Any]]] = {}
# font folders -> (their stamp, the fonts typst found)
_fonts: dict[tuple[str, ...], tuple[Stamp, Any]] = {}


def _system_font_folders() -> list[Path]:
    """Where typst looks for the machine's fonts (fontdb's folders for each system)."""
    home = Path.home()
    if sys.platform == "darwin":
        return [
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts"),
            Path("/Network/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    if sys.platform == "win32":
        return [
            Path("C:/Windows/Fonts"),
            home / "AppData" / "Local" / "Microsoft" / "Windows" / "Fonts",
        ]
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local" / "share" / "fonts",
    ]


def _folder_stamp(folder: Path, *, files: bool) -> Stamp:
    """Each folder under ``folder`` (and, with ``files``, each file) with its
    modification time and size. A font added or removed changes its folder's time."""
    stamp: list[tuple[str, int, int]] = []
    for path, folders, names in os.walk(folder):
        folders.sort()
        here = Path(path)
        entries = [here, *(here / name for name in sorted(names))] if files else [here]
        for entry in entries:
            try:
                status = entry.stat()
            except OSError:  # gone meanwhile: its absence is the stamp
                continue
            stamp.append((str(entry.relative_to(folder)), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def template_stamp(template: str | Path) -> Stamp:
    """Every file a template may import or read (its folder is typst's root)."""
    return _folder_stamp(Path(template).parent, files=True)


def font_stamp(font_paths: Sequence[str] = ()) -> Stamp:
    """The font folders typst searches: the system's and ``font_paths``."""
    stamp: list[tuple[str, int, int]] = []
    for folder in [*_system_font_folders(), *(Path(path) for path in font_paths)]:
        stamp.append((str(folder), 0, 0))
        if folder.is_dir():
            stamp.extend(_folder_stamp(folder, files=False))
        elif folder.is_file():  # a font file given by itself
            status = folder.stat()
            stamp.append((str(folder), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def typst_fonts(font_paths: Sequence[str] = (), stamp: Stamp | None = None) -> Any:
    """The fonts typst finds (the system's, its own and ``font_paths``), searched once
    and again only when a font folder changed (``stamp``: from :func:`font_stamp`)."""
    import typst

    key = tuple(str(path) for path in font_paths)
    stamp = font_stamp(key) if stamp is None else stamp
    with _fonts_lock:  # one search at a time: a second caller waits for the first's
        kept = _fonts.get(key)
        if kept is None or kept[0] != stamp:
            kept = (stamp, typst.Fonts(font_paths=list(key)))
            _fonts[key] = kept
        return kept[1]


@contextmanager
def typst_compiler(template: str | Path, font_paths: Sequence[str] = ()) -> Iterator[Any]:
    """A ``typst.Compiler`` for ``template``, this caller's alone until the block ends;
    one made from the template and fonts as they are now (see the module's note)."""
    import typst

    path = Path(template).resolve()
    folders = tuple(str(folder) for folder in font_paths)
    key = (path, folders)
    fonts_now = font_stamp(folders)
    stamp = (template_stamp(path), fonts_now)
    with _lock:
        kept = _compilers.get(key)
        if kept is None or kept[0] != stamp:
            kept = (stamp, [])  # what was kept was made from other files: dropped
            _compilers[key] = kept
        idle = kept[1]
        compiler = idle.pop() if idle else None
    if compiler is None:
        compiler = typst.Compiler(str(path), font_paths=typst_fonts(folders, fonts_now))
    try:
        yield compiler
    finally:
        with _lock:
            if _compilers.get(key) is kept and len(idle) < _KEEP:
                idle.append(compiler)


def forget_compilers() -> None:
    """Drop every kept compiler and searched fonts (the next sheet searches again)."""
    with _lock, _fonts_lock:
        _compilers.clear()
        _fonts.clear()
