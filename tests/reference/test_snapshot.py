"""The checked reference data kept between runs: read back exactly, never when a file
or the code changed, and a broken file is still reported as before."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from protocol_tools import ReferenceDataError, reference
from protocol_tools.reference import snapshot
from protocol_tools.reference.data import clear_cache, data_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PROTOCOL_TOOLS_CACHE", str(folder))
    clear_cache()
    yield folder
    clear_cache()


def snapshots(folder: Path) -> list[Path]:
    return sorted(folder.glob("reference-*.json"))


def fresh_reference():
    clear_cache()
    return reference()


def test_the_snapshot_reads_back_exactly(cache: Path):
    checked = fresh_reference()
    assert snapshots(cache)
    read_back = fresh_reference()  # from the snapshot this time
    assert read_back == checked
    assert snapshot.same_values(read_back, checked)  # types too: 600.0 stays a float


def test_the_validators_values_are_the_reference_datas_fields(cache: Path):
    checked = fresh_reference()
    clear_cache()
    values = snapshot.checked_values()
    assert values is not checked  # read from the snapshot, as a command reads it
    assert values.limits == checked.limits
    for name in ("zones", "techniques", "rules"):
        records, classes = getattr(values, name), getattr(checked, name)
        assert list(records) == list(classes)
        for key, record in records.items():
            assert vars(record) == dataclasses.asdict(classes[key])


def test_a_second_run_reads_the_snapshot_without_pydantic(cache: Path):
    fresh_reference()
    code = (
        "import sys; from protocol_tools.reference.snapshot import checked_values; "
        "from protocol_tools import reference; "
        "a = len(checked_values().zones); b = len(reference().zones); "
        "print(a, b, 'pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    zones = str(len(reference().zones))
    assert out.stdout.split() == [zones, zones, "False"]


def test_an_edit_of_the_same_size_is_seen(cache: Path, data_copy: Path):
    before = fresh_reference().limits["settings"]["clinic"]["max_current_uA"]
    limits = data_copy / "limits.yaml"
    text = limits.read_text(encoding="utf-8")
    limits.write_text(text.replace(f"max_current_uA: {before}", "max_current_uA: 599", 1))
    clear_cache()  # the same clock tick, maybe: the process's own cache is told
    assert reference().limits["settings"]["clinic"]["max_current_uA"] == 599
    assert snapshot.checked_values().limits["settings"]["clinic"]["max_current_uA"] == 599


def test_a_broken_file_is_reported_though_a_snapshot_exists(cache: Path, data_copy: Path):
    fresh_reference()
    assert snapshots(cache)
    (data_copy / "rules.yaml").write_text("rules:\n  - code: x\n")
    clear_cache()
    with pytest.raises(ReferenceDataError, match=r"rules\.yaml:2:\d+ rules\[0\]\.severity"):
        reference()
    with pytest.raises(ReferenceDataError, match=r"rules\.yaml:2:\d+ rules\[0\]\.severity"):
        snapshot.checked_values()


def test_other_code_means_a_new_check(cache: Path, monkeypatch: pytest.MonkeyPatch):
    key = snapshot.snapshot_key(data_dir())
    code = snapshot._checking_code()
    assert any(path.name == "models.py" for path in code)
    assert any(path.name == "safe_yaml.py" for path in code)
    assert any("pydantic" in path.parts for path in code)
    monkeypatch.setattr(snapshot, "_checking_code", lambda: [*code[1:], code[0]])
    assert snapshot.snapshot_key(data_dir()) != key


@pytest.mark.parametrize("text", ["", "{", '{"key": "other"}', "[1, 2]", '{"key": null}'])
def test_a_damaged_or_foreign_snapshot_is_checked_afresh(cache: Path, text: str):
    checked = fresh_reference()
    [kept] = snapshots(cache)
    kept.write_text(text, encoding="utf-8")
    assert fresh_reference() == checked


def test_no_cache_folder_is_no_snapshot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PROTOCOL_TOOLS_CACHE", str(blocked / "cache"))
    try:
        assert fresh_reference().zones  # no snapshot can be written: the data is still read
        assert snapshot.checked_values().zones
    finally:
        clear_cache()


def test_the_snapshots_used_last_are_kept(cache: Path):
    cache.mkdir(parents=True)
    for index in range(snapshot.MAX_SNAPSHOTS + 3):
        (cache / f"reference-old-{index}.json").write_text("{}")
    fresh_reference()
    assert len(snapshots(cache)) == snapshot.MAX_SNAPSHOTS
    assert any("data" in path.name for path in snapshots(cache))
