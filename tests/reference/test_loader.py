"""The one loader of data/: checked models, fresh copies, a cache that sees edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from protocol_tools import ReferenceDataError, reference
from protocol_tools.reference import data
from protocol_tools.reference.loader import FILE_MODELS, data_model, load_data_file


def test_every_data_file_with_a_model_is_valid_as_shipped():
    for name in FILE_MODELS:
        assert data_model(name) is not None, name


def test_plain_data_is_a_fresh_copy_each_time():
    first = load_data_file("session_care.yaml")
    first["aftercare"]["items"].clear()
    assert load_data_file("session_care.yaml")["aftercare"]["items"]


def test_typed_accessors_agree_with_the_plain_data():
    care = load_data_file("session_care.yaml")
    assert [item.id for item in data.session_care().prep_checklist] == [
        item["id"] for item in care["prep_checklist"]
    ]
    assert data.sheet_settings().fonts == load_data_file("sheet.yaml")["fonts"]
    assert {o.id for o in data.contraindications().outcomes} >= {"stop", "proceed"}
    assert [z.id for z in data.zones_file().zones] == list(reference().zones)


def test_values_keep_the_type_the_file_gave():
    assert isinstance(reference().zones["jawline"].max_current_uA, int)
    assert reference().zones["jawline"].notes


def test_an_edit_is_seen_without_restarting(data_copy: Path):
    assert reference().limits["microcurrent"]["max_current_uA"] == 1000
    limits = data_copy / "limits.yaml"
    limits.write_text(limits.read_text().replace("max_current_uA: 1000", "max_current_uA: 999"))
    assert reference().limits["microcurrent"]["max_current_uA"] == 999
    limits.write_text(limits.read_text().replace("max_current_uA: 999", "max_current_uA: x"))
    with pytest.raises(ReferenceDataError, match=r"limits\.yaml:\d+:\d+ microcurrent\."):
        reference()


def test_a_file_without_a_model_is_read_as_plain_data():
    assert load_data_file("quiz.yaml")
    with pytest.raises(KeyError, match="no model"):
        data_model("quiz.yaml")


def test_many_problems_are_listed_a_few_at_a_time(data_copy: Path):
    rules = data_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("severity: error", "severity: fatal"))
    with pytest.raises(ReferenceDataError) as caught:
        load_data_file("rules.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 6
    assert lines[0].endswith(
        "rules[0].severity: must be one of 'error' or 'warning', not the text 'fatal'"
    )
    assert "more in" in lines[-1]
