"""Loading protocol files and libraries: every problem is a located finding."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from helpers import findings_of, template_text
from protocol_tools import (
    LibraryError,
    Protocol,
    ProtocolFileError,
    load_library,
    load_protocol,
    parse_protocol,
    resolve_protocol,
)
from protocol_tools.protocols.loading import protocol_files, suggest
from strategies import documents, protocol_documents


def test_the_template_loads(tmp_path: Path):
    path = tmp_path / "demo-lift.yaml"
    path.write_text(template_text())
    protocol = load_protocol(path)
    assert isinstance(protocol, Protocol)
    assert protocol.path == str(path)
    assert protocol.id == "demo-lift"


def test_negative_seconds_is_located_like_the_issue_says():
    text = template_text().replace("seconds: 75", "seconds: -30", 1)
    (finding,) = findings_of(text, "protocols/demo-lift.yaml")
    line = text.splitlines().index("    seconds: -30") + 1
    assert str(finding).startswith(
        f"protocols/demo-lift.yaml:{line}:14 steps[2].seconds: must be more than 0 (got -30)"
    )
    assert finding.code == "not-positive"
    assert finding.is_error


def test_typo_in_a_field_name_suggests_the_right_one():
    text = template_text().replace("passes: 3", "pases: 3", 1)
    (finding,) = findings_of(text)
    assert finding.code == "unknown-field"
    assert "did you mean 'passes'?" in finding.message
    assert finding.field == "steps[2].pases"


def test_wrong_choice_suggests_the_nearest():
    text = template_text().replace("side: left", "side: lft", 1)
    (finding,) = findings_of(text)
    assert finding.code == "unknown-choice"
    assert "did you mean 'left'?" in finding.message


def test_version_written_as_a_number_is_explained():
    text = template_text().replace("version: 0.1.0", "version: 1.0")
    (finding,) = findings_of(text)
    assert finding.code == "wrong-type"
    assert finding.field == "version"
    assert finding.line == 5


def test_text_where_a_number_belongs():
    (finding,) = findings_of(template_text().replace("seconds: 60", 'seconds: "sixty"', 1))
    assert finding.code == "wrong-type"
    assert "a number" in finding.message


def test_missing_required_fields_are_all_listed():
    text = "format: 1\nid: x\nsteps:\n  - zone: jawline\n"
    missing = {f.field for f in findings_of(text) if f.code == "missing-field"}
    assert {"name", "version", "setting", "summary", "steps[0].seconds"} <= missing


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_are_refused(value):
    (finding,) = findings_of(template_text().replace("seconds: 60", f"seconds: {value}", 1))
    assert finding.field == "steps[0].seconds"


def test_booleans_are_not_numbers():
    (finding,) = findings_of(template_text().replace("passes: 3", "passes: true", 1))
    assert finding.code == "wrong-type"


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("- a\n- b\n", "a list"), ("just text", "text")],
)
def test_a_file_that_is_not_a_mapping(text, message):
    (finding,) = findings_of(text)
    assert finding.code == "wrong-type"
    assert message in finding.message


def test_yaml_problems_become_findings():
    (finding,) = findings_of("id: a\n\tname: b\n")
    assert finding.code == "yaml-syntax"
    assert finding.line == 2


def test_unreadable_file_is_a_finding_not_a_traceback(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    with pytest.raises(ProtocolFileError) as caught:
        load_protocol(path)
    assert caught.value.findings[0].code == "file-unreadable"
    assert str(path) in str(caught.value)


def test_suggest():
    zones = ["jawline", "cheekbones", "under-eyes"]
    assert suggest("jaw line", zones) == "jawline"
    assert suggest("Under Eyes", zones) == "under-eyes"
    assert suggest("cheekbone", zones) == "cheekbones"
    assert suggest("elbow", zones) is None
    assert suggest(42, zones) is None


def test_library_keeps_drafts_problems_and_duplicates_apart(tmp_path: Path):
    (tmp_path / "demo-lift.yaml").write_text(template_text())
    (tmp_path / "draft-one.yaml").write_text(
        template_text("draft-one").replace("setting: clinic", "setting: clinic\nstatus: draft")
    )
    (tmp_path / "broken.yaml").write_text("id: [\n")
    (tmp_path / "zz-copy.yaml").write_text(template_text())  # same id as demo-lift
    library = load_library(tmp_path)
    assert list(library) == ["demo-lift"]
    assert list(library.table().index) == ["demo-lift", "draft-one"]
    assert list(library.drafts) == ["draft-one"]
    assert set(library.problems) == {str(tmp_path / "broken.yaml"), str(tmp_path / "zz-copy.yaml")}
    assert library.problems[str(tmp_path / "zz-copy.yaml")][0].code == "duplicate-id"
    table = library.table()
    assert set(table["status"]) == {"ready", "draft"}
    with pytest.raises(LibraryError, match="did you mean 'demo-lift'"):
        library["demo-lft"]


def test_hidden_files_and_folders_are_not_protocols(tmp_path: Path):
    (tmp_path / "demo-lift.yaml").write_text(template_text())
    (tmp_path / ".demo-lift.yaml").write_text(template_text())  # an editor's copy
    (tmp_path / ".protocol-tools.lock").write_text("")  # the designer's save lock
    checkpoints = tmp_path / ".ipynb_checkpoints"  # JupyterLab's copy of an edited file
    checkpoints.mkdir()
    (checkpoints / "demo-lift-checkpoint.yaml").write_text(template_text())
    assert protocol_files([tmp_path]) == [tmp_path / "demo-lift.yaml"]
    library = load_library(tmp_path)
    assert list(library) == ["demo-lift"]
    assert library.problems == {}
    # Named on purpose, a hidden file is still read.
    assert protocol_files([tmp_path / ".demo-lift.yaml"]) == [tmp_path / ".demo-lift.yaml"]


def test_library_folder_must_exist(tmp_path: Path):
    with pytest.raises(LibraryError):
        load_library(tmp_path / "nowhere")


def test_resolve_by_id_or_path(tmp_path: Path):
    path = tmp_path / "demo-lift.yaml"
    path.write_text(template_text())
    assert resolve_protocol("demo-lift", tmp_path).id == "demo-lift"
    assert resolve_protocol(str(path)).id == "demo-lift"
    with pytest.raises(LibraryError, match="did you mean 'demo-lift'"):
        resolve_protocol("demo-lif", tmp_path)


def test_library_env_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "demo-lift.yaml").write_text(template_text())
    monkeypatch.setenv("PROTOCOL_TOOLS_LIBRARY", str(tmp_path))
    assert list(load_library()) == ["demo-lift"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_document_loads_or_gives_findings(document):
    import io

    from ruamel.yaml import YAML

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, stream)
    try:
        parse_protocol(stream.getvalue())
    except ProtocolFileError as error:
        findings = error.findings
    else:
        return
    assert findings
    assert all(f.severity == "error" for f in findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol_documents())
def test_generated_protocols_load_with_a_consistent_timeline(document):
    import io

    from ruamel.yaml import YAML

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, stream)
    protocol = parse_protocol(stream.getvalue())
    timeline = protocol.timeline()
    assert timeline[0].start_s == 0
    for before, after in itertools.pairwise(timeline):
        assert math.isclose(before.end_s, after.start_s)
    assert math.isclose(timeline[-1].end_s, protocol.total_seconds)
    assert protocol.device_seconds == sum(
        s["seconds"] for s in document["steps"] if s.get("kind", "treatment") == "treatment"
    )


# -- the folder walk: one scandir a folder, the same files as pathlib's rglob ----------


def rglob_protocol_files(paths) -> list[Path]:
    """protocol_files as it was, on Path.rglob."""
    found: dict[Path, Path] = {}
    for item in paths:
        path = Path(item)
        if path.is_dir():
            children = sorted(
                child
                for child in path.rglob("*")
                if not any(part.startswith(".") for part in child.relative_to(path).parts)
                and child.suffix in (".yaml", ".yml")
                and child.is_file()
            )
        else:
            children = [path]
        for child in children:
            found.setdefault(child.resolve(), child)
    return list(found.values())


def test_the_folder_walk_finds_what_rglob_found(tmp_path: Path):
    library = tmp_path / "library"
    for name in [
        "b.yaml",
        "a-c.yaml",
        "a/b.yaml",
        "a/deeper/z.yml",
        "A.yaml",
        "notes.txt",
        "x.yaml.bak",
        ".hidden.yaml",
        ".checkpoints/a.yaml",
        "sub/.lock.yaml",
        "ü/ö.yaml",
    ]:
        path = library / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("format: 1\n")
    (library / "folder.yaml").mkdir()
    (library / "link.yaml").symlink_to(library / "b.yaml")
    (library / "broken.yaml").symlink_to(library / "nowhere.yaml")
    (library / "linked-folder").symlink_to(library / "a", target_is_directory=True)
    (library / "loop.yaml").symlink_to(library / "loop.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text("format: 1\n")
    (library / "out.yaml").symlink_to(outside)
    for paths in (
        [library],
        [library / "a", library],
        [library, outside, library / "b.yaml"],
        [tmp_path / "link-to-library"],
    ):
        if paths == [tmp_path / "link-to-library"]:
            paths[0].symlink_to(library, target_is_directory=True)
        assert protocol_files(paths) == rglob_protocol_files(paths)
    # A relative folder gives relative paths, as before.
    assert protocol_files([Path("protocols")]) == rglob_protocol_files([Path("protocols")])
