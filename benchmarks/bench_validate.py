"""Validation throughput and the command line's cold start, each beside its floor.

Prints, measured side by side in one run (benchmarks/_figures.py's rows):
- the median wall time of ``protocol-tools validate ONE_FILE`` in a fresh process
  beside ``python -c "import yaml"`` (goal: at most twice as long); the two commands
  take turns, so both see the same machine;
- the time to check a library of 1,000 protocol files with ``check_files`` (copies of
  the real library with new ids, a third of them broken in different ways, so the
  error paths are measured too) beside libyaml composing the same 1,000 files with
  marks (read each file, ``CSafeLoader.get_single_node``): seconds per 1,000 files,
  so the ratio reads the same way as above, and files per second (goal: at least
  1,200 files/s, and at or above libyaml's compose);
- this process's memory peak.

Both cold-start commands run with bytecode written (as an installed package has it),
after one run each that writes it and the reference data's snapshot (in a cache folder
of the benchmark's own). ``check_files`` pauses Python's cycle collector while it runs;
libyaml's compose runs as any script runs it.

Run: ``.venv/bin/python benchmarks/bench_validate.py`` (or ``make bench``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from _figures import median_seconds, memory_peak, row
from protocol_tools import check_files

ROOT = Path(__file__).resolve().parents[1]
FILES = 1_000
COLD_RUNS = 21
THROUGHPUT_RUNS = 9

BREAKAGES = [
    lambda text: text.replace("seconds: 45", "seconds: -45", 1),
    lambda text: text.replace("side: left", "side: lft", 1),
    lambda text: text.replace("zone: jawline", "zone: jaw line", 1),
    lambda text: text.replace("  - zone:", "  -\tzone:", 1),
]


def make_library(folder: Path) -> None:
    sources = sorted((ROOT / "protocols").glob("*.yaml"))
    for index in range(FILES):
        source = sources[index % len(sources)]
        new_id = f"{source.stem}-copy-{index}"
        text = source.read_text().replace(f"id: {source.stem}", f"id: {new_id}", 1)
        if index % 3 == 0:
            text = BREAKAGES[(index // 3) % len(BREAKAGES)](text)
        (folder / f"{new_id}.yaml").write_text(text)


def compose_all(files: list[Path]) -> None:
    """The floor: libyaml composes each file into nodes with marks."""
    for path in files:
        loader = yaml.CSafeLoader(path.read_text(encoding="utf-8"))
        try:
            loader.get_single_node()
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()


def throughput() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_library(folder)
        files = sorted(folder.glob("*.yaml"))
        results = check_files([folder])  # warm: reference data, the model for broken files
        compose_all(files)
        ours, floor = [], []
        for _ in range(THROUGHPUT_RUNS):  # in turns, so both see the same machine
            ours.append(median_seconds(lambda: check_files([folder]), 1))
            floor.append(median_seconds(lambda: compose_all(files), 1))
    today, composed = statistics.median(ours), statistics.median(floor)
    findings = sum(len(items) for items in results.values())
    print(
        row(
            f"validate {len(results):,} files (time per 1,000)",
            today * 1000 / len(results),
            composed * 1000 / len(files),
            "≥ 1,200 files/s, ratio ≤ 1",
        )
    )
    print(
        f"{'':<46} {len(results) / today:7,.0f} files/s; libyaml compose "
        f"{len(files) / composed:,.0f} files/s ({findings} findings)"
    )


def cold_start() -> None:
    target = ROOT / "protocols" / "express-10.yaml"
    script = Path(sys.executable).with_name("protocol-tools")
    validate = [str(script)] if script.exists() else [sys.executable, "-m", "protocol_tools"]
    commands = {
        "validate": [*validate, "validate", str(target)],
        "yaml": [sys.executable, "-c", "import yaml"],
    }
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as cache:  # a snapshot no other run can remove
        env["PROTOCOL_TOOLS_CACHE"] = cache
        for run in range(COLD_RUNS + 1):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
                if run:  # the first run writes bytecode and the reference snapshot
                    times[name].append(time.perf_counter() - start)
    today, floor = statistics.median(times["validate"]), statistics.median(times["yaml"])
    print(
        row(
            f"protocol-tools validate ONE_FILE, median of {COLD_RUNS}",
            today,
            floor,
            '≤ 2 × python -c "import yaml"',
        )
    )


if __name__ == "__main__":
    cold_start()
    throughput()
    print(memory_peak())
