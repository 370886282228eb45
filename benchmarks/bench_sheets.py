"""How long a session sheet takes: building its data, one PDF, and a day of 30.

$ .venv/bin/python benchmarks/bench_sheets.py
"""

from __future__ import annotations

import csv
import statistics
import tempfile
import time
from pathlib import Path

from protocol_tools import load_library, make_day_sheets, session_sheet, sheet_to_pdf
from protocol_tools.screening.engine import screen
from protocol_tools.screening.rules import practice_clients

REPEATS = 10
DAY = 30


def timed(function, repeats: int = REPEATS) -> float:
    """The median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    library = load_library()
    protocol = library["signature-lift-15"]
    intake = practice_clients()["c02_sensitive_skin"]
    result = screen(intake)
    sheet_to_pdf([session_sheet(protocol, screening=result)])  # warm fonts and caches

    data = timed(lambda: session_sheet(protocol, screening=result))
    one = timed(lambda: sheet_to_pdf([session_sheet(protocol, screening=result)]))
    print(f"sheet data (signature-lift-15):        {data * 1000:7.1f} ms")
    print(f"one sheet, data + PDF:                 {one * 1000:7.1f} ms")

    with tempfile.TemporaryDirectory() as folder:
        appointments = Path(folder) / "day.csv"
        ids = sorted(library)
        clients = list(practice_clients().items())
        with appointments.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["date", "time", "client", "protocol", "intake"])
            for index in range(DAY):
                _stem, path = clients[index % len(clients)]
                code = screen(path).client
                writer.writerow(
                    [
                        "2026-11-23",
                        f"{8 + index // 4:02d}:{(index % 4) * 15:02d}",
                        code,
                        ids[index % len(ids)],
                        str(path),
                    ]
                )
        start = time.perf_counter()
        day = make_day_sheets(appointments, Path(folder) / "out")
        elapsed = time.perf_counter() - start
    print(
        f"a day of {DAY} appointments ({len(day.sheets)} PDFs + the combined day): "
        f"{elapsed:6.2f} s ({elapsed / DAY * 1000:.0f} ms per appointment)"
    )
    if day.problems:
        print("rows skipped:", *day.problems, sep="\n  ")


if __name__ == "__main__":
    main()
