"""How soon the protocol designer app is usable, and how soon it follows an edit.

Side by side in one run, in Debian's chromium driven by Playwright, one Voilà
serving ``notebooks/`` with the workbook template (``--template=workbook``), every
page in a fresh browser context and a fresh kernel:

- page open → the designer's "Add step" button visible and enabled, beside page open
  → the guided session's first usable control ("Find client") in the same run:
  the goal is the guided session's time or less (median of ``PAGE_RUNS`` each, the
  two apps taking turns after one warm-up each);
- page open → a first click on "Add step" answered (the table has a new row), and
  then, scrolled to the charts → the three charts drawn: they come after the table,
  once someone scrolls to them (and the browser loads plotly's script only then);
- one edit followed, kernel side, in a real kernel (``jupyter_client``): the time
  from a row's value change to the table updated, and to the charts updated, for an
  edit of a step's seconds (timeline and minutes per zone change) and of its zone
  (the face map's path changes too), beside the 100 ms goal; the floor is the
  draft's own check (serialise, parse, validate, the folder's other ids);
- memory: this script's peak, and the kernel's after the edits.

Run: ``.venv/bin/python benchmarks/bench_designer.py`` (about two minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _figures import WHAT_WIDTH, memory_peak, row

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, voila_on_folder  # noqa: E402

PAGE_RUNS = 3
EDITS = 12
GOAL_EDIT = "≤ 100 ms"
DESIGNER = "03_protocol_designer.ipynb"
GUIDED = "02_guided_session.ipynb"
TIMEOUT_MS = 180_000

# Run in a kernel of its own: the designer on a copy of the library, then edits,
# each followed to the table (the observer chain returns) and to the charts (the
# designer says none is pending; a designer without that notion draws them at once).
KERNEL_CODE = """
import asyncio, json, resource, statistics, time
import protocol_tools as pt

designer = pt.protocol_designer({library!r})
designer.start_from.value = "express-10"
designer.open_button.click()
if hasattr(designer, "wait_for_charts"):
    designer.wait_for_charts()

async def charts_drawn():
    while getattr(designer, "charts_pending", False):
        await asyncio.sleep(0.001)

times = {{"seconds": ([], []), "zone": ([], [])}}
zones = ["jawline", "neck"]
for index in range({edits}):
    row = designer.rows[2 + index % 8]  # the treatment steps of express-10
    kind = "seconds" if index % 2 == 0 else "zone"
    table, charts = times[kind]
    start = time.perf_counter()
    if kind == "seconds":
        row.seconds.value = str(70 + index)
    else:
        row.zone.value = zones[(index // 2) % 2]
    table.append(time.perf_counter() - start)
    await charts_drawn()
    charts.append(time.perf_counter() - start)
    await asyncio.sleep(0.2)  # a person's pause between edits

checks = []
for _ in range(9):
    start = time.perf_counter()
    designer.draft.check()
    checks.append(time.perf_counter() - start)
print(json.dumps({{
    "seconds": [statistics.median(t) for t in times["seconds"]],
    "zone": [statistics.median(t) for t in times["zone"]],
    "check": statistics.median(checks),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""


def kernel_edits(library: Path) -> dict:
    """The kernel-side edit figures, from a real ipykernel."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
    printed: list[str] = []

    def keep(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            printed.append("\n".join(message["content"]["traceback"]))

    try:
        code = KERNEL_CODE.format(library=str(library), edits=EDITS)
        reply = client.execute_interactive(code, output_hook=keep, timeout=300)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    if reply["content"]["status"] != "ok":
        raise RuntimeError("the kernel's edits failed:\n" + "".join(printed))
    return json.loads("".join(printed).strip().splitlines()[-1])


def open_app(browser, url: str, control: str) -> dict[str, float]:
    """Seconds from page open to ``control`` usable; for the designer, to a first click
    answered and to the charts drawn too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    page = context.new_page()
    times: dict[str, float] = {}
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        button = page.get_by_role("button", name=control, exact=True)
        button.wait_for(state="visible")
        page.wait_for_function("(button) => !button.disabled", arg=button.element_handle())
        times["usable"] = time.perf_counter() - start
        if control == "Add step":
            steps = page.locator(".pt-step-row").count()
            button.click()
            page.get_by_label(f"Step {steps + 1} kind", exact=True).wait_for()
            times["answered"] = time.perf_counter() - start
            scrolled = time.perf_counter()
            heading = page.get_by_role("heading", name="4. Charts")
            heading.evaluate("(heading) => heading.scrollIntoView()")
            page.locator(".js-plotly-plot").nth(2).wait_for()
            times["charts"] = time.perf_counter() - scrolled
    finally:
        context.close()
    return times


def page_figures(library: Path) -> dict[str, list[dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, float]]] = {"designer": [], "guided": []}
    with (
        tempfile.TemporaryDirectory() as home,
        voila_on_folder(Path(home), "--template=workbook") as base,
        sync_playwright() as playwright,
    ):
        apps = {
            "designer": (f"{base}/voila/render/{DESIGNER}", "Add step"),
            "guided": (f"{base}/voila/render/{GUIDED}", "Find client"),
        }
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name in ("designer", "guided"):  # warm-up: caches, compiled files
            open_app(browser, *apps[name])
        for turn in range(PAGE_RUNS):
            order = ("designer", "guided") if turn % 2 == 0 else ("guided", "designer")
            for name in order:
                time.sleep(1.0)
                runs[name].append(open_app(browser, *apps[name]))
        browser.close()
    return runs


def median_of(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        library = folder / "protocols"
        library.mkdir()
        for path in (ROOT / "protocols").glob("*.yaml"):
            shutil.copy(path, library / path.name)
        # The apps and the kernels read this library and keep their records here.
        os.environ["PROTOCOL_TOOLS_LIBRARY"] = str(library)
        os.environ["PROTOCOL_TOOLS_DB"] = str(folder / "records" / "records.db")
        os.environ["PROTOCOL_TOOLS_SESSIONS"] = str(folder / "sessions")
        runs = page_figures(library)
        edits = kernel_edits(library)

    guided = median_of(runs["guided"], "usable")
    print(
        row(
            "designer app: page open → Add step usable",
            median_of(runs["designer"], "usable"),
            guided,
            "≤ the guided session's",
        )
    )
    print(row("  beside it, guided session → Find client", guided, None, "(the floor)"))
    print(
        row(
            "designer app: page open → first Add answered",
            median_of(runs["designer"], "answered"),
            guided,
            "no wait for the charts",
        )
    )
    print(
        row(
            "designer app: scrolled to charts → 3 drawn",
            median_of(runs["designer"], "charts"),
            None,
            "after the table",
        )
    )
    for kind in ("seconds", "zone"):
        table, charts = edits[kind]
        print(row(f"one edit ({kind}): value → table updated", table, edits["check"], GOAL_EDIT))
        print(row(f"one edit ({kind}): value → charts updated", charts, None, GOAL_EDIT))
    for name, runs_of_app in runs.items():
        each = "  ".join(
            " / ".join(f"{seconds:.2f}" for seconds in run.values()) for run in runs_of_app
        )
        keys = " / ".join(runs_of_app[0])
        print(f"{f'  each run, {name} ({keys}, s)':<{WHAT_WIDTH}} {each}")
    print(f"{'memory peak of the kernel after the edits':<{WHAT_WIDTH}} {edits['peak_mb']:7.1f} MB")
    print(memory_peak())


if __name__ == "__main__":
    main()
