"""Reference data: present, sourced, and read from one place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REQUIRED_ZONES
from protocol_tools import ReferenceDataError, reference
from protocol_tools.reference.data import clear_cache, data_dir, load_data_file


def test_zones_have_names_muscles_directions_and_sourced_limits():
    zones = reference().zones
    assert set(zones) >= REQUIRED_ZONES
    microcurrent = reference().limits["microcurrent"]["max_current_uA"]
    for zone in zones.values():
        assert zone.name
        assert zone.muscles
        assert zone.direction
        assert 0 < zone.max_current_uA < microcurrent
        assert len(zone.current_source) > 20


def test_every_limit_names_its_source():
    limits = reference().limits
    for key, entry in limits.items():
        if key != "settings":
            assert entry["source"], key
    for setting, entry in limits["settings"].items():
        assert entry["source"], setting


def test_techniques():
    techniques = reference().techniques
    assert set(techniques) == {"glide", "hold", "glide-hold", "drainage"}
    assert {t.id for t in techniques.values() if t.uses_hold} == {"hold", "glide-hold"}


def test_another_data_folder_can_be_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    text = (copy / "limits.yaml").read_text().replace("max_current_uA: 600", "max_current_uA: 550")
    (copy / "limits.yaml").write_text(text)
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(copy))
    assert reference().limits["settings"]["clinic"]["max_current_uA"] == 550


def test_a_broken_data_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    (copy / "rules.yaml").write_text("rules:\n  - code: x\n")
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(copy))
    clear_cache()
    with pytest.raises(
        ReferenceDataError, match=r"rules\.yaml:2:\d+ rules\[0\]\.severity: is missing"
    ):
        reference()
    (copy / "rules.yaml").write_text("rules: [\n")
    with pytest.raises(ReferenceDataError, match=r"rules\.yaml"):
        load_data_file("rules.yaml")
    clear_cache()
