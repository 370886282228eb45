"""The protocol model: effective settings, the timeline, the frame and the schema."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import findings_of, template_text
from protocol_tools import (
    load_library,
    load_protocol,
    parse_protocol,
    protocol_json_schema,
    reference,
)
from protocol_tools.protocols.model import MAX_STEP_SECONDS

ROOT = Path(__file__).resolve().parents[2]


def demo():
    return parse_protocol(template_text(), "demo-lift.yaml")


def test_defaults_apply_to_treatment_steps_only():
    timeline = demo().timeline()
    prep, jaw = timeline[0], timeline[2]
    assert prep.current_uA is None
    assert prep.frequency_hz is None
    assert jaw.current_uA == 200
    assert jaw.frequency_hz == 0.5
    under_eyes = next(e for e in timeline if e.zone == "under-eyes")
    assert under_eyes.current_uA == 150  # the step's override wins


def test_frequency_falls_back_to_the_typical_value_from_data():
    protocol = parse_protocol(template_text().replace("  frequency_hz: 0.5\n", ""))
    typical = reference().limits["frequency_hz"]["typical"]
    assert {e.frequency_hz for e in protocol.timeline() if e.kind == "treatment"} == {typical}


def test_direction_falls_back_to_the_zone_default():
    entry = next(e for e in demo().timeline() if e.zone == "cheekbones")
    assert entry.direction == reference().zones["cheekbones"].direction


def test_device_and_total_time():
    protocol = demo()
    assert protocol.device_seconds == 600
    assert protocol.total_seconds == 840
    assert protocol.zone_seconds()[("jawline", "left")] == 75


def test_to_frame_has_start_and_end_seconds():
    frame = demo().to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "step"
    assert list(frame.index) == list(range(1, 12))
    assert (frame["end_s"] - frame["start_s"] == frame["seconds"]).all()
    assert frame["start_s"].iloc[0] == 0
    assert (frame["start_s"].iloc[1:].to_numpy() == frame["end_s"].iloc[:-1].to_numpy()).all()
    assert str(frame["seconds"].dtype) == "Int64"  # whole seconds stay whole


def test_timeline_figure_labels_every_bar():
    from protocol_tools import timeline_figure

    protocol = load_library(ROOT / "protocols")["signature-lift-15"]
    figure = timeline_figure(protocol)
    assert len(figure.data) == len(protocol.steps)
    treatment_bars = [bar for bar in figure.data if bar.legendgroup != "Prep and closing"]
    for bar in treatment_bars:
        # colour is never alone: each bar says its zone and side in words
        assert bar.text[0].split()[0] in {z.name.split()[0] for z in reference().zones.values()}
    starts = [bar.base[0] for bar in figure.data]
    assert starts == sorted(starts)


def test_zone_time_figure_splits_sides():
    from protocol_tools import zone_time_figure

    figure = zone_time_figure(demo())
    assert {bar.name for bar in figure.data} == {"client's right", "client's left"}
    right = next(bar for bar in figure.data if bar.name == "client's right")
    assert list(right.y) == [1.25, 1.25, 1.25, 1.25]


HOSTILE_ACTION = "<a href='https://evil.example'>Gel</a> <b style='color:red'>now</b> %{x}"
HOSTILE_NAME = "<i>Lift</i><a href='https://evil.example'>x</a> %{y}"


def hostile_protocol():
    protocol = demo()
    steps = [
        {"kind": "prep", "action": HOSTILE_ACTION, "seconds": 30},
        {"zone": "<b>cheek</b>", "side": "left", "technique": "<i>glide</i>", "seconds": 60},
    ]
    data = protocol.model_dump(mode="json", exclude_none=True)
    data["name"] = HOSTILE_NAME
    data["steps"] = steps + data["steps"]
    return type(protocol).model_validate(data)


def plotly_strings(figure) -> list[str]:
    """Every string plotly renders as markup or as a template, from the figure's JSON."""
    import json

    spec = json.loads(figure.to_json())
    out = [spec["layout"]["title"]["text"]]
    for trace in spec["data"]:
        out += [trace.get("hovertemplate") or "", trace.get("name") or ""]
        out += [str(v) for v in trace.get("text") or []]
        out += [str(v) for v in (trace.get("x") or []) + (trace.get("y") or [])]
        for row in trace.get("customdata") or []:
            out += [str(v) for v in row]
    return out


def test_charts_escape_user_text_and_keep_it_out_of_templates():
    from protocol_tools import timeline_figure, zone_time_figure

    protocol = hostile_protocol()
    for figure in (timeline_figure(protocol), zone_time_figure(protocol)):
        strings = plotly_strings(figure)
        assert not [s for s in strings if "<a" in s or "<b>" in s or "<i>" in s or "<b " in s]
        joined = " ".join(strings)
        assert "&lt;b&gt;cheek&lt;/b&gt;" in joined
    timeline = timeline_figure(protocol)
    assert "&lt;i&gt;Lift&lt;/i&gt;" in timeline.layout.title.text
    prep = timeline.data[0]
    # user text reaches the hover only as data, never as part of the template
    assert "evil" not in prep.hovertemplate
    assert "%{x}" not in prep.hovertemplate
    assert "%{customdata[2]}" in prep.hovertemplate
    assert "&lt;a href='https://evil.example'&gt;Gel&lt;/a&gt;" in prep.customdata[0][2]


def test_schema_lists_zone_and_technique_ids_from_data():
    schema = protocol_json_schema()
    step = schema["$defs"]["Step"]["properties"]
    assert step["zone"]["anyOf"][0]["enum"] == sorted(reference().zones)
    assert step["technique"]["anyOf"][0]["enum"] == sorted(reference().techniques)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"format", "id", "name", "version", "setting", "steps"}


def test_library_protocols_validate_against_the_json_schema():
    import jsonschema

    schema = protocol_json_schema()
    for path in (ROOT / "protocols").glob("*.yaml"):
        from protocol_tools.core.safe_yaml import read_yaml_file

        jsonschema.validate(read_yaml_file(path).data, schema)
        load_protocol(path)


def test_an_endless_step_is_a_located_error_not_an_infinite_timeline():
    text = template_text().replace("seconds: 75", "seconds: 1e308", 1)
    line = text.splitlines().index("    seconds: 1e308") + 1
    (finding,) = findings_of(text)
    assert finding.is_error
    assert (finding.line, finding.column) == (line, 14)
    assert finding.path == ("steps", 2, "seconds")
    assert str(MAX_STEP_SECONDS) in finding.message
    assert finding.message.startswith(f"must be at most {MAX_STEP_SECONDS}")
    hour = template_text().replace("seconds: 75", f"seconds: {MAX_STEP_SECONDS}", 1)
    assert parse_protocol(hour).steps[2].seconds == MAX_STEP_SECONDS  # the bound itself is fine
