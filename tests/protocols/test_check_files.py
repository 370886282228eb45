"""check_files reads a file that plainly fits the format without the model, and says
exactly what the model's way says: every finding, its file, line, column and words.

``model_check_files`` below is check_files as it was: every file loaded by the model
and validated.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from ruamel.yaml import YAML

from protocol_tools import check_files, load_protocol, validate
from protocol_tools.core.errors import ProtocolFileError
from protocol_tools.protocols.loading import duplicate_id_finding, protocol_files
from strategies import changed_protocol_documents, changed_protocol_texts

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "protocols").glob("*.yaml"))


def model_check_files(paths) -> dict[str, list]:
    results: dict[str, list] = {}
    owners: dict[str, str] = {}
    for path in protocol_files(paths):
        key = str(path)
        try:
            protocol = load_protocol(path)
        except ProtocolFileError as error:
            results[key] = error.findings
            continue
        findings = validate(protocol)
        owner = owners.setdefault(protocol.id, key)
        if owner != key:
            findings.insert(0, duplicate_id_finding(protocol, owner, key))
        results[key] = findings
    return results


def said(results: dict[str, list]) -> dict[str, list]:
    """Everything a finding says, its explanation and source included."""
    return {path: [(f.path, f.to_dict()) for f in findings] for path, findings in results.items()}


def assert_same_findings(*paths) -> None:
    assert said(check_files(paths)) == said(model_check_files(paths))


@pytest.mark.parametrize("path", LIBRARY, ids=lambda path: path.name)
def test_each_library_file(path: Path):
    assert_same_findings(path)


def test_the_library_as_a_folder():
    assert_same_findings(ROOT / "protocols")


# The ways the benchmark breaks files, and more: each alone and all at once.
BREAKAGES = {
    "negative seconds": lambda text: text.replace("seconds: 45", "seconds: -45", 1),
    "unknown side": lambda text: text.replace("side: left", "side: lft", 1),
    "unknown zone": lambda text: text.replace("zone: jawline", "zone: jaw line", 1),
    "a tab": lambda text: text.replace("  - zone:", "  -\tzone:", 1),
    "too much current": lambda text: text.replace("current_uA: 150", "current_uA: 1500", 1),
    "a string for a number": lambda text: text.replace("passes: 3", "passes: '3'", 1),
    "an unknown field": lambda text: text.replace("    passes:", "    pases:", 1),
    "a missing field": lambda text: text.replace("name:", "nme:", 1),
    "a hold longer than its step": lambda text: text.replace(
        "hold_seconds: 2", "hold_seconds: 900", 1
    ),
    "an unknown technique": lambda text: text.replace("technique: glide", "technique: glyde", 1),
    "a version as a number": lambda text: text.replace("version: 1.0.0", "version: 1.0", 1),
    "a duplicate key": lambda text: text.replace("format: 1", "format: 1\nformat: 1", 1),
    "a tag": lambda text: text.replace("format: 1", "format: !!int 1", 1),
    "an anchor and alias": lambda text: text.replace(
        "setting: clinic", "setting: &s clinic\nauthor: *s", 1
    ),
    "a second document": lambda text: text + "---\nformat: 1\n",
    "not a mapping": lambda text: "- " + text.replace("\n", "\n  "),
    "empty": lambda text: "",
    "an exclamation": lambda text: text.replace("cue: ", "cue: Careful! ", 1),
    "a wrong id": lambda text: text.replace("id: ", "id: other-", 1),
    "an unknown id format": lambda text: text.replace("format: 1", "format: true", 1),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_broken_library_files(tmp_path: Path, breakage: str):
    for source in LIBRARY:
        target = tmp_path / source.name
        target.write_text(BREAKAGES[breakage](source.read_text()))
    assert_same_findings(tmp_path)


def test_every_breakage_at_once(tmp_path: Path):
    text = (ROOT / "protocols" / "express-10.yaml").read_text()
    for name in ("negative seconds", "unknown zone", "too much current", "an unknown field"):
        text = BREAKAGES[name](text)
    (tmp_path / "express-10.yaml").write_text(text)
    assert_same_findings(tmp_path)


def test_two_files_with_one_id(tmp_path: Path):
    for name in ("a", "b"):
        shutil.copy(ROOT / "protocols" / "express-10.yaml", tmp_path / f"{name}.yaml")
    broken = (ROOT / "protocols" / "express-10.yaml").read_text().replace("id: ", "id:  ", 1)
    (tmp_path / "c.yaml").write_text(broken.replace("seconds: 90", "seconds: -1", 1))
    results = check_files([tmp_path])
    assert said(results) == said(model_check_files([tmp_path]))
    assert results[str(tmp_path / "b.yaml")][0].code == "duplicate-id"


def test_files_that_cannot_be_read(tmp_path: Path):
    (tmp_path / "binary.yaml").write_bytes(b"format: 1\n\x00\xff")
    (tmp_path / "latin.yaml").write_bytes("name: Zoë\n".encode("latin-1"))
    (tmp_path / "folder.yaml").mkdir()
    assert_same_findings(tmp_path)


def write_yaml(folder: Path, data) -> Path:
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    name = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else "x"
    path = folder / f"{name if name.replace('-', '').isalnum() else 'x'}.yaml"
    path.write_text(stream.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(changed_protocol_documents())
def test_changed_protocols(tmp_path_factory, document):
    folder = tmp_path_factory.mktemp("changed")
    assert_same_findings(write_yaml(folder, document))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(changed_protocol_texts())
def test_protocol_texts_with_slips(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("slips")
    path = folder / "slip.yaml"
    path.write_text(text, encoding="utf-8")
    assert_same_findings(path)
