"""The quick format check reads the model's own table, and never accepts what the
model refuses: data it is sure of is exactly what the model would hold."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from protocol_tools.core.safe_yaml import read_yaml_file
from protocol_tools.protocols.format_table import TABLE
from protocol_tools.protocols.model import Protocol
from protocol_tools.protocols.plain_format import fitted, format_table, table_text
from strategies import changed_protocol_documents, protocol_documents

ROOT = Path(__file__).resolve().parents[2]
TABLE_FILE = ROOT / "src" / "protocol_tools" / "protocols" / "format_table.py"
WRITE_AGAIN = (
    ".venv/bin/python -c 'from protocol_tools.protocols.model import Protocol; "
    "from protocol_tools.protocols.plain_format import table_text; "
    f'open("{TABLE_FILE.relative_to(ROOT)}", "w").write(table_text(Protocol))\''
)


def test_the_table_is_the_models_own():
    assert format_table(Protocol) == TABLE, (
        f"the model changed: write the table again:\n{WRITE_AGAIN}"
    )


def test_the_table_file_is_as_written():
    assert TABLE_FILE.read_text(encoding="utf-8") == table_text(Protocol), WRITE_AGAIN


def same(a, b) -> bool:
    """Equal all the way down, types included (45 is not 45.0), NaN as NaN."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return bool(a == b)


def assert_never_more_sure_than_the_model(data) -> bool:
    """fitted(data) is None, or the model takes data and holds exactly that."""
    quick = fitted(data)
    try:
        held = Protocol.model_validate(data).model_dump()
    except ValidationError:
        assert quick is None, data
        return False
    assert quick is None or same(quick, held), (data, quick, held)
    return quick is not None


@pytest.mark.parametrize("path", sorted((ROOT / "protocols").glob("*.yaml")), ids=str)
def test_the_library_fits_the_quick_way(path: Path):
    assert assert_never_more_sure_than_the_model(read_yaml_file(path).data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(protocol_documents())
def test_well_formed_protocols_fit_the_quick_way(document):
    assert assert_never_more_sure_than_the_model(document)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changed_protocol_documents())
def test_changed_protocols_are_never_taken_when_the_model_refuses_them(document):
    assert_never_more_sure_than_the_model(document)


def base() -> dict:
    return {
        "format": 1,
        "id": "demo-lift",
        "name": "Demo",
        "version": "1.0.0",
        "setting": "clinic",
        "summary": "A demo.",
        "steps": [{"zone": "jawline", "side": "left", "technique": "glide", "seconds": 45}],
    }


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("format",), True),
        (("format",), 1.0),
        (("id",), "Demo"),
        (("id",), "demo-lift\n"),
        (("version",), "1.0.0\n"),
        (("version",), "١.٠.٠"),
        (("name",), ""),
        (("name",), "x" * 301),
        (("name",), "Zoë 𝄞"),
        (("name",), "a\ud800b"),
        (("steps", 0, "seconds"), True),
        (("steps", 0, "seconds"), 0),
        (("steps", 0, "seconds"), 3600),
        (("steps", 0, "seconds"), 3601),
        (("steps", 0, "seconds"), 2**60),
        (("steps", 0, "seconds"), float("inf")),
        (("steps", 0, "seconds"), float("nan")),
        (("steps", 0, "passes"), 1.0),
        (("steps", 0, "passes"), 1000),
        (("steps", 0, "passes"), 1001),
        (("steps", 0, "side"), "Left"),
        (("steps", 0, "side"), None),
        (("steps", 0, "rewet_gel"), 1),
        (("changes",), [{"version": "1.0.1", "note": "n", "date": dt.date(2026, 1, 2)}]),
        (("changes",), [{"version": "1.0.1", "note": "n", "date": dt.datetime(2026, 1, 2)}]),
        (("defaults",), {}),
        (("defaults",), {"current_uA": 100}),
        (("defaults",), None),
        (("extra",), 1),
        ((1,), "a number as a key"),
    ],
)
def test_edge_values_are_judged_as_the_model_judges_them(where, value):
    data = base()
    place = data
    for part in where[:-1]:
        place = place[part]
    place[where[-1]] = value
    assert_never_more_sure_than_the_model(data)


def test_defaults_filled_in_are_fresh_each_time():
    first, second = fitted(base()), fitted(base())
    assert first["changes"] == []
    assert first["changes"] is not second["changes"]
    assert first["defaults"] == {"current_uA": None, "frequency_hz": None}
    assert first["defaults"] is not second["defaults"]
