"""The validator: each rule fires when it should, with numbers from data/."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from ruamel.yaml import YAML

from helpers import template_text, three_mistakes
from protocol_tools import (
    Protocol,
    ProtocolFileError,
    check_files,
    load_library,
    load_protocol,
    parse_protocol,
    reference,
    validate,
)
from protocol_tools.core.safe_yaml import YamlProblem, read_yaml_text
from protocol_tools.protocols.model import Step
from strategies import documents, protocol_documents

ROOT = Path(__file__).resolve().parents[2]
RULE_CODES_IN_CODE = {
    # every code the loader and validator can emit
    "file-unreadable",
    "yaml-syntax",
    "yaml-unsafe",
    "duplicate-key",
    "wrong-type",
    "missing-field",
    "unknown-field",
    "unknown-choice",
    "not-positive",
    "bad-value",
    "not-microcurrent",
    "above-zone-limit",
    "above-setting-limit",
    "frequency-range",
    "step-shape",
    "hold-too-long",
    "id-mismatch",
    "duplicate-id",
    "no-treatment",
    "clinic-duration",
    "home-duration",
    "target-mismatch",
    "side-imbalance",
    "hold-without-time",
    "missing-core-zone",
}


def base() -> dict[str, Any]:
    return YAML(typ="safe", pure=True).load(template_text())


def write(tmp_path: Path, data: dict[str, Any], name: str | None = None) -> Path:
    path = tmp_path / f"{name or data['id']}.yaml"
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    path.write_text(stream.getvalue())
    return path


def codes_after(tmp_path: Path, edit: Callable[[dict[str, Any]], None], name=None) -> list[str]:
    data = base()
    edit(data)
    protocol = load_protocol(write(tmp_path, data, name))
    return [finding.code for finding in validate(protocol)]


def treatment(data: dict[str, Any], zone: str, side: str | None = None) -> dict[str, Any]:
    return next(
        s for s in data["steps"] if s.get("zone") == zone and (side is None or s["side"] == side)
    )


def test_the_template_is_clean(tmp_path: Path):
    assert codes_after(tmp_path, lambda d: None) == []


def test_every_rule_is_documented_with_a_source():
    rules = reference().rules
    assert set(rules) == RULE_CODES_IN_CODE
    for rule in rules.values():
        assert rule.severity in {"error", "warning"}
        assert rule.explanation
        assert rule.source


def test_the_rule_codes_listed_here_are_the_ones_the_code_uses():
    source = "".join(
        (ROOT / "src" / "protocol_tools" / name).read_text()
        for name in (
            "protocols/checks.py",
            "protocols/field_checks.py",
            "protocols/loading.py",
            "protocols/reading.py",
            "core/safe_yaml.py",
            "core/yaml_events.py",
        )
    )
    for code in RULE_CODES_IN_CODE - {
        "wrong-type",
        "bad-value",
        "missing-field",
        "unknown-field",
        "not-positive",
        "unknown-choice",
    }:
        assert f'"{code}"' in source, code


def test_the_library_is_clean():
    results = check_files([ROOT / "protocols"])
    assert len(results) >= 5
    assert {
        path: [str(f) for f in findings] for path, findings in results.items() if findings
    } == {}


def test_the_library_has_what_the_trainers_asked_for():
    library = load_library(ROOT / "protocols")
    settings_ = {p.setting for p in library.values()}
    minutes = sorted(
        round(p.device_seconds / 60) for p in library.values() if p.setting == "clinic"
    )
    assert settings_ == {"clinic", "home"}
    assert minutes[0] == 10
    assert minutes[-1] == 20
    assert 15 in minutes


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda d: treatment(d, "jawline", "left").update(zone="jaw line"), "unknown-choice"),
        (lambda d: treatment(d, "jawline", "left").update(technique="glyde"), "unknown-choice"),
        (lambda d: treatment(d, "jawline", "left").update(current_uA=1000), "not-microcurrent"),
        (lambda d: treatment(d, "under-eyes", "left").update(current_uA=250), "above-zone-limit"),
        (lambda d: d["defaults"].update(frequency_hz=5000), "frequency-range"),
        (lambda d: treatment(d, "jawline", "left").update(hold_seconds=100), "hold-too-long"),
        (lambda d: d["steps"][0].update(zone="jawline"), "step-shape"),
        (lambda d: d["steps"][0].pop("action"), "missing-field"),
        (lambda d: treatment(d, "jawline", "left").pop("side"), "missing-field"),
        (lambda d: d.update(steps=[s for s in d["steps"] if "zone" not in s]), "no-treatment"),
        (lambda d: d["defaults"].pop("current_uA"), "missing-field"),
    ],
)
def test_error_rules(tmp_path: Path, edit, code):
    codes = codes_after(tmp_path, edit)
    assert code in codes


def test_unknown_zone_suggests_the_nearest(tmp_path: Path):
    data = base()
    treatment(data, "jawline", "left")["zone"] = "jaw line"
    (finding,) = [f for f in validate(load_protocol(write(tmp_path, data))) if f.is_error]
    assert "did you mean 'jawline'?" in finding.message
    assert finding.field.endswith(".zone")
    line = (tmp_path / "demo-lift.yaml").read_text().splitlines()[finding.line - 1]
    assert "jaw line" in line


def test_zone_limit_comes_from_data(tmp_path: Path):
    limit = reference().zones["under-eyes"].max_current_uA
    ok = codes_after(
        tmp_path, lambda d: treatment(d, "under-eyes", "left").update(current_uA=limit)
    )
    over = codes_after(
        tmp_path, lambda d: treatment(d, "under-eyes", "left").update(current_uA=limit + 1)
    )
    assert "above-zone-limit" not in ok
    assert "above-zone-limit" in over


def test_inherited_current_is_checked_per_zone(tmp_path: Path):
    def edit(d):
        d["defaults"]["current_uA"] = 300
        for step in d["steps"]:
            step.pop("current_uA", None)

    data = base()
    edit(data)
    findings = validate(load_protocol(write(tmp_path, data)))
    over = [f for f in findings if f.code == "above-zone-limit"]
    assert over
    assert all("from defaults" in f.message for f in over)
    assert {load_protocol(tmp_path / "demo-lift.yaml").steps[f.path[1]].zone for f in over} == {
        "under-eyes",
        "brows",
    }


def test_home_setting_limit(tmp_path: Path):
    limit = reference().limits["settings"]["home"]["max_current_uA"]

    def edit(d):
        d["setting"] = "home"
        d["defaults"]["current_uA"] = limit + 50

    assert "above-setting-limit" in codes_after(tmp_path, edit)


def test_id_must_match_the_file_name(tmp_path: Path):
    assert "id-mismatch" in codes_after(tmp_path, lambda d: None, name="other-name")


def test_duplicate_ids_in_a_library(tmp_path: Path):
    write(tmp_path, base(), "demo-lift")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", base(), "demo-lift")
    results = check_files([tmp_path])
    codes = [f.code for findings in results.values() for f in findings]
    assert codes.count("duplicate-id") == 1


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda d: [s.update(seconds=30) for s in d["steps"] if "zone" in s], "clinic-duration"),
        (lambda d: [s.update(seconds=200) for s in d["steps"] if "zone" in s], "clinic-duration"),
        (lambda d: d.update(target_minutes=12), "target-mismatch"),
        (lambda d: treatment(d, "cheekbones", "left").update(seconds=60), "side-imbalance"),
        (lambda d: treatment(d, "brows", "left").pop("hold_seconds"), "hold-without-time"),
        (
            lambda d: d.update(steps=[s for s in d["steps"] if s.get("zone") != "brows"]),
            "missing-core-zone",
        ),
    ],
)
def test_warning_rules(tmp_path: Path, edit, code):
    data = base()
    edit(data)
    findings = validate(load_protocol(write(tmp_path, data)))
    matching = [f for f in findings if f.code == code]
    assert matching
    assert all(f.severity == "warning" for f in matching)


def test_target_within_tolerance_is_fine(tmp_path: Path):
    assert "target-mismatch" not in codes_after(tmp_path, lambda d: d.update(target_minutes=10.9))
    assert "target-mismatch" in codes_after(tmp_path, lambda d: d.update(target_minutes=11.2))


def test_targeted_scope_needs_no_core_zones(tmp_path: Path):
    def edit(d):
        d["scope"] = "targeted"
        d["steps"] = [s for s in d["steps"] if s.get("zone") != "brows"]

    assert "missing-core-zone" not in codes_after(tmp_path, edit)


def test_home_routine_beyond_the_home_limit(tmp_path: Path):
    home_max = reference().limits["settings"]["home"]["device_minutes"]["max"]

    def edit(d):
        d["setting"] = "home"
        treatment(d, "jawline", "left")["seconds"] = home_max * 60
        treatment(d, "jawline", "right")["seconds"] = home_max * 60

    assert "home-duration" in codes_after(tmp_path, edit)


def test_every_finding_has_a_place(tmp_path: Path):
    data = base()
    treatment(data, "jawline", "left").update(zone="nose", current_uA=5000)
    data["target_minutes"] = 30
    for finding in validate(load_protocol(write(tmp_path, data))):
        assert finding.file, finding
        assert finding.line, finding
        assert finding.column, finding


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol_documents())
def test_generated_protocols_never_raise_and_only_warn_or_break_limits(document):
    from protocol_tools import parse_protocol

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, stream)
    findings = validate(parse_protocol(stream.getvalue()))
    allowed_errors = {"above-setting-limit", "above-zone-limit"}
    assert {f.code for f in findings if f.is_error} <= allowed_errors


def test_the_same_file_named_twice_is_checked_once(tmp_path: Path):
    path = write(tmp_path, base(), "demo-lift")
    results = check_files([path, tmp_path, str(path)])
    assert list(results) == [str(path)]
    assert results[str(path)] == []


def test_library_membership_never_raises(tmp_path: Path):
    write(tmp_path, base(), "demo-lift")
    library = load_library(tmp_path)
    assert "demo-lift" in library
    assert "no-such-protocol" not in library


# -- a file that does not fit the format still gets every independent error -----------


def test_a_file_that_does_not_fit_the_format_gets_every_independent_error(tmp_path: Path):
    text = three_mistakes()
    path = tmp_path / "demo-lift.yaml"
    path.write_text(text)
    lines = text.splitlines()
    expected = [
        ("not-positive", "steps[2].seconds", "    seconds: -30", "-30"),
        ("unknown-choice", "steps[4].zone", "  - zone: cheek bones", "cheek"),
        ("not-microcurrent", "steps[6].current_uA", "    current_uA: 1500", "1500"),
    ]
    places = [
        (code, field, lines.index(line) + 1, line.index(value) + 1)
        for code, field, line, value in expected
    ]
    (findings,) = check_files([path]).values()
    assert [(f.code, f.field, f.line, f.column) for f in findings] == places
    assert "did you mean 'cheekbones'?" in findings[1].message
    with pytest.raises(ProtocolFileError) as caught:
        load_protocol(path)
    assert caught.value.findings == findings


def some_step(data: dict[str, Any], zone: str) -> dict[str, Any]:
    return treatment(data, zone, "left")


@pytest.mark.parametrize(
    ("edit", "field", "code"),
    [
        (lambda d: some_step(d, "under-eyes").update(current_uA=-5), "current_uA", "not-positive"),
        (lambda d: some_step(d, "under-eyes").update(zone=["jawline"]), "zone", "wrong-type"),
        (lambda d: some_step(d, "under-eyes").update(side="lft"), "side", "unknown-choice"),
        (lambda d: some_step(d, "under-eyes").update(kind="treatmnt"), "kind", "unknown-choice"),
        (lambda d: some_step(d, "under-eyes").update(seconds=0), "seconds", "not-positive"),
        (lambda d: d.update(defaults=250), "defaults", "wrong-type"),
        (lambda d: d.update(setting="spa"), "setting", "unknown-choice"),
    ],
)
def test_a_refused_value_is_reported_once_beside_the_other_errors(
    tmp_path: Path, edit, field, code
):
    data = base()
    edit(data)
    treatment(data, "jawline", "left")["technique"] = "glyde"  # an independent error
    with pytest.raises(ProtocolFileError) as caught:
        load_protocol(write(tmp_path, data))
    findings = caught.value.findings
    assert sorted((f.code, f.field.rsplit(".", 1)[-1]) for f in findings) == sorted(
        [(code, field), ("unknown-choice", "technique")]
    )


def test_a_protocol_wide_mistake_is_checked_beside_the_id(tmp_path: Path):
    data = base()
    data["format"] = 2
    findings = check_files([write(tmp_path, data, "other-name")])[str(tmp_path / "other-name.yaml")]
    assert [f.code for f in findings] == ["unknown-choice", "id-mismatch"]


def _format_errors(text: str) -> list[tuple[Any, ...]] | None:
    """The paths the format check alone refuses (None: not even a set of fields)."""
    try:
        data = read_yaml_text(text).data
    except YamlProblem:
        return None
    if not isinstance(data, dict):
        return None
    try:
        Protocol.model_validate(data)
    except ValidationError as error:
        return [tuple(item["loc"]) for item in error.errors()]
    return []


_ANY_FIELD = sorted({*Protocol.model_fields, *Step.model_fields})


def _inside(path: tuple[Any, ...], refused: list[tuple[Any, ...]]) -> bool:
    """Whether the format check refused the field at ``path``, one around it or inside it."""
    return any(path[: len(r)] == r or r[: len(path)] == path for r in refused)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol_documents(), st.data())
def test_a_damaged_protocol_gets_its_other_errors_and_each_refused_value_once(document, data):
    steps = document["steps"]
    index, marked = next(
        (i, s) for i, s in enumerate(steps) if s.get("kind", "treatment") == "treatment"
    )
    marked["zone"] = "no such zone"  # an error the field checks must still find
    for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="damages")):
        # An earlier damage may have replaced the steps with anything, even None.
        steps_now = document.get("steps")
        holders = [
            document,
            document.get("defaults"),
            *(steps_now if isinstance(steps_now, list) else []),
        ]
        holder = data.draw(st.sampled_from([h for h in holders if isinstance(h, dict)]))
        holder[data.draw(st.sampled_from(_ANY_FIELD), label="field")] = data.draw(documents)
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, stream)
    text = stream.getvalue()
    try:
        parse_protocol(text, "damaged.yaml")
    except ProtocolFileError as error:
        findings = error.findings
    else:
        return
    assert all(f.is_error and f.file == "damaged.yaml" for f in findings)
    refused = _format_errors(text)
    if refused is None:
        return
    for path in refused:
        assert [f.path for f in findings].count(path) == refused.count(path), path
    here = ("steps", index)
    checkable = (
        document.get("steps") is steps
        and marked.get("kind", "treatment") == "treatment"
        and marked.get("zone") == "no such zone"
        and not any(here[: len(r)] == r for r in refused)
        and not _inside((*here, "kind"), refused)
        and not _inside((*here, "zone"), refused)
    )
    if checkable:
        assert ("unknown-choice", (*here, "zone")) in [(f.code, f.path) for f in findings]
