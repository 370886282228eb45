"""Validation throughput and the command line's cold start.

Prints:
- files per second for ``check_files`` over a generated library of 1,000 protocol
  files (copies of the real library with new ids, a third of them broken in
  different ways, so the error paths are measured too);
- the median wall time of ``protocol-tools validate`` on one file in a fresh
  process (cold start: interpreter, imports, data files), over several runs.

Run: ``.venv/bin/python benchmarks/bench_validate.py`` (or ``make bench``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from protocol_tools import check_files

ROOT = Path(__file__).resolve().parents[1]
FILES = 1_000
COLD_RUNS = 7

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


def throughput() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_library(folder)
        check_files([folder])  # warm the reference data cache, like a long session
        start = time.perf_counter()
        results = check_files([folder])
        elapsed = time.perf_counter() - start
    findings = sum(len(items) for items in results.values())
    print(
        f"validate: {len(results)} files in {elapsed:.2f} s = {len(results) / elapsed:,.0f} "
        f"files/s ({findings} findings)"
    )


def cold_start() -> None:
    target = ROOT / "protocols" / "express-10.yaml"
    command = [sys.executable, "-m", "protocol_tools", "validate", str(target)]
    baseline = [sys.executable, "-c", "pass"]

    def median_of(cmd: list[str]) -> float:
        times = []
        for _ in range(COLD_RUNS):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    total = median_of(command)
    python = median_of(baseline)
    print(
        f"cold start: protocol-tools validate ONE_FILE median {total * 1000:.0f} ms over "
        f"{COLD_RUNS} runs (bare python startup {python * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    throughput()
    cold_start()
