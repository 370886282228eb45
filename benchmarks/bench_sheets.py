"""Session sheets: one sheet, a day of 30 and a busy day of 300, each beside its floor.

$ .venv/bin/python benchmarks/bench_sheets.py

Every row prints today's median beside the floor measured in this same run:
- one sheet (data + PDF, as the app and ``protocol-tools sheet`` make it) beside a
  ``typst.Compiler`` made here and kept, laying out the same data again: the least a
  sheet can cost. The way it was before (a new ``typst.compile`` each time, fonts
  searched and the template parsed again) is printed beside the same floor.
- a day (``make_day_sheets``: every row's PDF written, then the day's PDF) beside
  that many times the one-sheet floor, as the issue counts it. Every client's sheet
  differs, and typst lays out changed data from scratch, so the row below it sets
  the day beside laying out that many *different* sheets one after another on one
  kept compiler, with no data, files or joining: the floor the layout itself sets
  (below 1: the day's two layout threads do better than one).
- the day's PDF as it was made before (every sheet laid out a second time in one
  document), for the day of 30.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

import typst

from _figures import median_seconds, memory_peak, row
from protocol_tools import load_library, make_day_sheets, session_sheet, sheet_to_pdf
from protocol_tools.screening.engine import screen
from protocol_tools.screening.rules import practice_clients
from protocol_tools.sheets.render import TEMPLATE, sheet_payload

REPEATS = 20
DAY_REPEATS = 3
DAYS = (30, 300)
GOALS = {30: "≤ 1.5 s", 300: "≤ 10 s"}


def write_appointments(path: Path, count: int) -> None:
    """``count`` appointments on one day: the practice clients (with their intakes)
    and every library protocol in turn, two minutes apart."""
    ids = sorted(load_library())
    clients = list(practice_clients().values())
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["date", "time", "client", "protocol", "intake"])
        for index in range(count):
            intake = clients[index % len(clients)]
            screening = screen(intake)
            minutes = 7 * 60 + 2 * index
            writer.writerow(
                [
                    screening.date.isoformat(),
                    f"{minutes // 60:02d}:{minutes % 60:02d}",
                    screening.client,
                    ids[index % len(ids)],
                    str(intake),
                ]
            )


def one_sheet() -> float:
    """Print one sheet today, the floor beside it and the way before; the floor."""
    protocol = load_library()["signature-lift-15"]
    screening = screen(practice_clients()["c02_sensitive_skin"])
    payload = sheet_payload([session_sheet(protocol, screening=screening)])
    compiler = typst.Compiler(str(TEMPLATE))
    compiler.compile(format="pdf", sys_inputs={"data": payload})
    sheet_to_pdf([session_sheet(protocol, screening=screening)])  # the app's first sheet

    today = median_seconds(
        lambda: sheet_to_pdf([session_sheet(protocol, screening=screening)]), REPEATS
    )
    floor = median_seconds(
        lambda: compiler.compile(format="pdf", sys_inputs={"data": payload}), REPEATS
    )
    before = median_seconds(
        lambda: typst.compile(
            str(TEMPLATE),
            format="pdf",
            sys_inputs={"data": sheet_payload([session_sheet(protocol, screening=screening)])},
        ),
        REPEATS,
    )
    print(row("one session sheet, data + PDF", today, floor, "≤ 25 ms"))
    print(row("  before: a new typst.compile each sheet", before, floor, "—"))
    return floor


def different_sheets(count: int) -> list[str]:
    """The data of ``count`` sheets, as the day's rows give them."""
    library = load_library()
    ids = sorted(library)
    clients = list(practice_clients().values())
    return [
        sheet_payload(
            [
                session_sheet(
                    library[ids[index % len(ids)]],
                    screening=screen(clients[index % len(clients)]),
                )
            ]
        )
        for index in range(count)
    ]


def a_day(folder: Path, count: int, one_floor: float) -> None:
    appointments = folder / f"day-{count}.csv"
    write_appointments(appointments, count)
    runs = iter(range(DAY_REPEATS))
    result = None

    def make() -> None:
        nonlocal result
        result = make_day_sheets(appointments, folder / f"out-{count}-{next(runs, 'x')}")

    today = median_seconds(make, DAY_REPEATS if count <= 30 else 1)
    assert result is not None
    if result.problems or len(result.sheets) != count:
        print("rows skipped:", *result.problems, sep="\n  ")
    print(row(f"a day of {count} (PDFs + the day's PDF)", today, count * one_floor, GOALS[count]))
    payloads = different_sheets(count)
    compiler = typst.Compiler(str(TEMPLATE))
    start = time.perf_counter()
    for payload in payloads:
        compiler.compile(format="pdf", sys_inputs={"data": payload})
    layout = time.perf_counter() - start
    print(row(f"  beside {count} different sheets, one by one", today, layout, "—"))


def the_day_laid_out_again(count: int) -> None:
    """How the day's PDF was made before: every sheet laid out again in one document."""
    library = load_library()
    ids = sorted(library)
    sheets = [
        session_sheet(library[ids[index % len(ids)]], client=f"C-{index:04d}")
        for index in range(count)
    ]
    again = median_seconds(lambda: sheet_to_pdf(sheets), 1)
    print(row(f"  before: the day's PDF of {count}, laid out again", again, None, "—"))


def main() -> None:
    load_library()  # the library and the reference data read once, as in the app
    floor = one_sheet()
    with tempfile.TemporaryDirectory() as tmp:
        for count in DAYS:
            a_day(Path(tmp), count, floor)
            if count <= 30:
                the_day_laid_out_again(count)
    print(memory_peak())


if __name__ == "__main__":
    main()
