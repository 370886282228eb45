"""Reading an intake: every missing or wrong answer named, with file and line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import protocol_tools as pt
from conftest import intake_answers as answers
from protocol_tools import OUTCOMES, IntakeError, load_intake, parse_intake, screen
from protocol_tools.screening.intake import FIELD_KINDS
from strategies import documents, intakes, wrong_intake_values


def problems_of(data, source="<intake>") -> dict[str, str]:
    with pytest.raises(IntakeError) as caught:
        parse_intake(data, source)
    return dict(caught.value.problems)


def test_an_unanswered_question_refuses_and_lists_every_missing_one():
    data = answers()
    for name in ("pregnant", "implanted_devices", "last_retinoid_use"):
        del data[name]
    data["sensitive_skin"] = None
    with pytest.raises(IntakeError) as caught:
        screen(data)
    error = caught.value
    assert error.fields == ["pregnant", "implanted_devices", "last_retinoid_use", "sensitive_skin"]
    assert "screening refused: 4 questions not answered" in str(error)
    assert all(message.startswith("not answered") for _, message in error.problems)


def test_null_last_use_means_never_but_a_missing_one_is_unanswered():
    assert screen(answers(last_injectable=None)).outcome == "proceed"
    data = answers()
    del data["last_injectable"]
    assert "last_injectable" in problems_of(data)


def test_optional_questions_may_be_left_out_of_a_file():
    data = answers()
    assert "jewelry" not in data
    assert parse_intake(data).jewelry is False


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("implanted_devices", ["pacemakr"], "did you mean 'pacemaker'?"),
        ("conditions", ["heart condition"], "did you mean 'heart-condition'?"),
        ("skin_in_treatment_area", ["coldsore"], "did you mean 'cold-sore'?"),
        ("conditions", ["zzzz"], "known ids: active-cancer, heart-condition"),
    ],
)
def test_unknown_ids_suggest_the_nearest(field, value, expected):
    problems = problems_of(answers(**{field: value}))
    assert expected in problems[f"{field}[0]"]


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"birth_date": dt.date(2027, 1, 1)}, "birth_date", "after the session date"),
        ({"birth_date": dt.date(1888, 1, 1)}, "birth_date", "check the year"),
        (
            {"last_retinoid_use": dt.date(2026, 11, 24)},
            "last_retinoid_use",
            "session date cannot be before the last use",
        ),
        ({"last_injectable": dt.date(2026, 12, 24)}, "last_injectable", "after the session date"),
        (
            {"last_retinoid_use": dt.date(1980, 1, 1)},
            "last_retinoid_use",
            "before the client's birth",
        ),
        ({"pregnant": "yes"}, "pregnant", "must be true or false (got 'yes')"),
        ({"pregnant": 1}, "pregnant", "must be true or false"),
        ({"date": "23/11/2026"}, "date", "must be a date like 2026-11-23"),
        ({"date": "2026-02-30"}, "date", "must be a date"),
        ({"date": dt.datetime(2026, 11, 23, 9, 30)}, "date", "must be a date"),
        ({"conditions": "heart-condition"}, "conditions", "must be a list of ids"),
        ({"client": "Anna Smith"}, "client", "never the client's name"),
        ({"client": "Anna"}, "client", "at least one digit"),
        ({"client": "C-0042-" + "9" * 30}, "client", "short client code"),
        ({"pregant": True}, "pregant", "did you mean 'pregnant'?"),
    ],
)
def test_wrong_values_name_the_field(changes, field, expected):
    problems = problems_of(answers(**changes))
    assert expected in problems[field]


def test_iso_text_dates_are_accepted_for_json_callers():
    intake = parse_intake(answers(date="2026-11-23", last_injectable="2026-11-20"))
    assert intake.last_injectable == dt.date(2026, 11, 20)


@pytest.mark.parametrize("data", [None, [], "pregnant: no", 42])
def test_a_non_mapping_is_refused(data):
    problems = problems_of(data)
    assert "an intake must be a set of fields" in problems["intake"]


def write(tmp_path: Path, text: str, name: str = "intake.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def yaml_of(data: dict) -> str:
    return "".join(
        f"{key}: {json.dumps(value, default=str) if value is not None else 'null'}\n"
        for key, value in data.items()
    )


def test_errors_from_a_file_give_the_line(tmp_path):
    path = write(tmp_path, yaml_of(answers()).replace("pregnant: false", "pregnant: maybe"))
    with pytest.raises(IntakeError) as caught:
        load_intake(path)
    line = yaml_of(answers()).splitlines().index("pregnant: false") + 1
    assert f"{path}:{line}:1 pregnant: must be true or false (got 'maybe')" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!python/object/apply:os.system [ls]\n", "is not allowed here"),
        ("a: &a [*a, *a]\n", "alias"),
        ("pregnant: false\npregnant: true\n", "written twice"),
        ("\tclient: C-1\n", "not valid YAML"),
        ("- one\n- two\n", "not a list"),
        ("", "not empty"),
    ],
)
def test_hostile_or_broken_files_are_clear_errors(tmp_path, text, expected):
    with pytest.raises(IntakeError) as caught:
        load_intake(write(tmp_path, text))
    message = str(caught.value)
    assert expected in message
    assert str(tmp_path) in message


def test_a_missing_file_is_an_intake_error(tmp_path):
    with pytest.raises(IntakeError, match="no such file"):
        load_intake(tmp_path / "nope.yaml")


def test_intake_error_stays_backwards_compatible():
    error = IntakeError("plain message")
    assert str(error) == "plain message"
    assert error.problems == []
    assert isinstance(error, pt.ProtocolToolsError)


@given(intakes(), st.data())
@settings(max_examples=200, deadline=None)
def test_property_a_wrong_typed_field_is_an_intake_error_naming_it(data, draw):
    name = draw.draw(st.sampled_from(sorted(FIELD_KINDS)))
    kind = FIELD_KINDS[name]
    strategy = wrong_intake_values["date" if kind == "date-or-never" else kind]
    data[name] = draw.draw(strategy)
    with pytest.raises(IntakeError) as caught:
        parse_intake(data)
    assert any(field.split("[")[0] == name for field in caught.value.fields)


@given(documents)
@settings(max_examples=200, deadline=None)
def test_property_any_document_is_screened_or_refused_never_a_crash(document):
    problems = None
    try:
        result = screen(document) if not isinstance(document, str) else parse_intake(document)
    except IntakeError as error:
        problems = error.problems
    if problems is None:
        assert result.outcome in OUTCOMES
    else:
        assert problems
