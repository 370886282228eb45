"""Screening: every rule, the boundaries, the strongest outcome, and every bad input."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import protocol_tools as pt
from conftest import DATA, SESSION_DAY, intake_answers
from protocol_tools import (
    OUTCOMES,
    ExportError,
    Intake,
    IntakeError,
    ScreeningResult,
    load_intake,
    parse_intake,
    screen,
    screening_questions,
)
from protocol_tools.cli import main
from protocol_tools.screening.engine import (
    _FIELD_KINDS,
    check_client_code,
    practice_clients,
    screening_rules,
)
from strategies import documents, intakes, wrong_intake_values

SESSION = SESSION_DAY
STRENGTH = list(OUTCOMES)


def days_before(days: int) -> dt.date:
    return SESSION - dt.timedelta(days=days)


def answers(**changes) -> dict:
    """A complete intake with every answer "no", changed as asked."""
    return intake_answers(**changes)


def problems_of(data, source="<intake>") -> dict[str, str]:
    with pytest.raises(IntakeError) as caught:
        parse_intake(data, source)
    return dict(caught.value.problems)


# -- the data -----------------------------------------------------------------------


def test_outcomes_are_strongest_first_with_icon_and_words():
    assert STRENGTH == ["stop", "clearance", "postpone", "adjust", "proceed"]
    for shown in OUTCOMES.values():
        assert shown["icon"].strip()
        assert shown["title"].strip()
        assert shown["explain"].strip()
    assert len({shown["icon"] for shown in OUTCOMES.values()}) == 5


def test_every_rule_names_its_source_and_a_known_outcome():
    rules = screening_rules().rules
    assert len(rules) >= 25
    for rule in rules:
        assert rule.source.strip(), rule.id
        assert rule.question.strip().endswith("?"), rule.id
        assert rule.outcome in OUTCOMES, rule.id
    assert len({rule.id for rule in rules}) == len(rules)


def test_the_issue_contraindications_are_all_in_the_data():
    by_id = {rule.id: rule.outcome for rule in screening_rules().rules}
    expected = {
        "pregnancy": "stop",
        "pacemaker": "stop",
        "defibrillator": "stop",
        "neurostimulator": "stop",
        "cochlear-implant": "stop",
        "seizure-disorder": "stop",
        "active-cancer": "stop",
        "under-age": "stop",
        "heart-condition": "clearance",
        "neurological-condition": "clearance",
        "insulin-pump": "clearance",
        "thrombosis": "clearance",
        "breastfeeding": "clearance",
        "recent-surgery": "clearance",
        "recent-retinoid": "postpone",
        "recent-injectable": "postpone",
        "open-sore": "postpone",
        "cold-sore": "postpone",
        "bruising": "postpone",
        "sensitive-skin": "adjust",
        "metal-in-face": "adjust",
        "jewelry": "adjust",
    }
    assert {key: by_id.get(key) for key in expected} == expected


def test_the_retinoid_wait_takes_the_safe_end_of_the_article_and_says_so():
    text = (DATA / "contraindications.yaml").read_text(encoding="utf-8")
    (retinoid,) = [r for r in screening_rules().rules if r.id == "recent-retinoid"]
    assert retinoid.wait_days == 7
    assert "safe end" in text
    assert "5 to 7 days" in text
    assert "Founding article" in retinoid.source


def test_a_clinic_can_change_a_rule_in_data_without_touching_code(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    rules_file = folder / "contraindications.yaml"
    text = rules_file.read_text(encoding="utf-8").replace("wait_days: 7", "wait_days: 5")
    rules_file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    assert screen(answers(last_retinoid_use=days_before(5))).outcome == "proceed"
    waited = screen(answers(last_retinoid_use=days_before(4)))
    assert waited.earliest_date == SESSION + dt.timedelta(days=1)


def test_a_broken_rules_file_is_a_reference_data_error(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    rules_file = folder / "contraindications.yaml"
    rules_file.write_text(
        rules_file.read_text(encoding="utf-8").replace("outcome: stop", "outcome: maybe", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    with pytest.raises(pt.ReferenceDataError, match="unknown outcome 'maybe'"):
        screen(answers())


# -- every rule on its own ---------------------------------------------------------


def triggering(rule) -> dict:
    """An intake where ``rule`` and nothing else matches."""
    if rule.test == "includes":
        return answers(**{rule.field: [rule.item]})
    if rule.test == "yes":
        return answers(**{rule.field: True})
    if rule.test == "under-age":
        return answers(birth_date=dt.date(2010, 1, 1))
    if rule.test == "within-days":
        return answers(**{rule.field: days_before(1)})
    raise AssertionError(rule.test)


@pytest.mark.parametrize("rule", screening_rules().rules, ids=lambda rule: rule.id)
def test_each_rule_alone_gives_its_outcome_with_its_reason_and_source(rule):
    result = screen(triggering(rule))
    assert result.outcome == rule.outcome
    (reason,) = result.reasons
    assert (reason.rule, reason.outcome, reason.source, reason.question) == (
        rule.id,
        rule.outcome,
        rule.source,
        rule.question,
    )
    assert reason.reason.startswith(rule.reason)
    assert result.adjustments == ([rule.adjustment] if rule.outcome == "adjust" else [])
    assert result.allows_treatment is (rule.outcome == "adjust")


def test_all_no_proceeds():
    result = screen(answers())
    assert (result.outcome, result.reasons, result.adjustments, result.earliest_date) == (
        "proceed",
        [],
        [],
        None,
    )
    assert result.allows_treatment
    assert (result.client, result.date) == ("C-0042", SESSION)


# -- boundaries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "outcome", "earliest"),
    [(0, "postpone", 7), (6, "postpone", 1), (7, "proceed", None), (8, "proceed", None)],
)
def test_retinoid_boundaries(days, outcome, earliest):
    result = screen(answers(last_retinoid_use=days_before(days)))
    assert result.outcome == outcome
    expected = SESSION + dt.timedelta(days=earliest) if earliest is not None else None
    assert result.earliest_date == expected


@pytest.mark.parametrize(
    ("days", "outcome", "earliest"),
    [(13, "postpone", 1), (14, "proceed", None), (15, "proceed", None)],
)
def test_injectable_boundaries(days, outcome, earliest):
    result = screen(answers(last_injectable=days_before(days)))
    assert result.outcome == outcome
    expected = SESSION + dt.timedelta(days=earliest) if earliest is not None else None
    assert result.earliest_date == expected


def test_turning_18_on_the_session_date_may_be_treated():
    assert screen(answers(birth_date=dt.date(2008, 11, 23))).outcome == "proceed"


def test_the_day_before_the_18th_birthday_is_stop():
    result = screen(answers(birth_date=dt.date(2008, 11, 24)))
    assert result.outcome == "stop"
    assert "17" in result.reasons[0].reason


def test_a_leap_day_birthday_turns_18_on_the_first_of_march():
    born = dt.date(2008, 2, 29)
    assert screen(answers(date=dt.date(2026, 2, 28), birth_date=born)).outcome == "stop"
    assert screen(answers(date=dt.date(2026, 3, 1), birth_date=born)).outcome == "proceed"


# -- several rules at once -------------------------------------------------------------


def test_the_strongest_outcome_wins_and_every_rule_is_listed():
    result = screen(
        answers(
            pregnant=True,
            conditions=["heart-condition"],
            last_retinoid_use=days_before(2),
            sensitive_skin=True,
        )
    )
    assert result.outcome == "stop"
    assert [r.rule for r in result.reasons] == [
        "pregnancy",
        "heart-condition",
        "recent-retinoid",
        "sensitive-skin",
    ]
    assert [r.outcome for r in result.reasons] == ["stop", "clearance", "postpone", "adjust"]
    assert result.earliest_date is None  # never treated: no date to offer
    assert result.adjustments == []


def test_clearance_beats_postpone_and_gives_no_date():
    result = screen(answers(implanted_devices=["insulin-pump"], last_injectable=days_before(3)))
    assert result.outcome == "clearance"
    assert result.earliest_date is None
    assert not result.allows_treatment


def test_the_earliest_date_is_the_latest_of_the_waits():
    result = screen(answers(last_retinoid_use=days_before(1), last_injectable=days_before(10)))
    assert result.outcome == "postpone"
    assert result.earliest_date == dt.date(2026, 11, 29)  # retinoid +7 beats injectable +14
    result = screen(answers(last_retinoid_use=days_before(2), last_injectable=days_before(6)))
    assert result.earliest_date == dt.date(2026, 12, 1)


def test_skin_problems_postpone_until_healed_with_no_fixed_date():
    result = screen(answers(skin_in_treatment_area=["cold-sore", "bruising"]))
    assert (result.outcome, result.earliest_date, result.until_healed) == ("postpone", None, True)
    assert result.wait_text == "when the skin in the treatment area has healed"
    both = screen(answers(skin_in_treatment_area=["open-sore"], last_retinoid_use=days_before(3)))
    assert both.earliest_date == dt.date(2026, 11, 27)
    assert "healed" in both.wait_text
    assert "2026-11-27" in both.wait_text


def test_postpone_keeps_the_adjustments_for_the_next_visit():
    result = screen(answers(last_retinoid_use=days_before(3), metal_in_face=True, jewelry=True))
    assert result.outcome == "postpone"
    assert len(result.adjustments) == 2


def test_to_dict_is_the_contract_and_json_able():
    result = screen(answers(last_retinoid_use=days_before(3), sensitive_skin=True))
    payload = json.loads(json.dumps(result.to_dict()))
    assert set(payload) == {"outcome", "reasons", "adjustments", "earliest_date", "client", "date"}
    assert payload["earliest_date"] == "2026-11-27"
    assert payload["date"] == "2026-11-23"
    assert set(payload["reasons"][0]) == {"rule", "outcome", "question", "reason", "source"}


def test_screen_takes_an_intake_a_mapping_or_a_path(tmp_path):
    data = answers(conditions=["hemophilia"])
    intake = parse_intake(data)
    assert isinstance(intake, Intake)
    path = tmp_path / "intake.yaml"
    path.write_text(
        "\n".join(f"{k}: {json.dumps(v, default=str)}" for k, v in data.items()), encoding="utf-8"
    )
    outcomes = {
        screen(intake).outcome,
        screen(data).outcome,
        screen(path).outcome,
        screen(str(path)).outcome,
    }
    assert outcomes == {"clearance"}
    assert isinstance(screen(path), ScreeningResult)


def test_screening_questions_for_the_printed_form():
    questions = screening_questions()
    assert {q["id"] for q in questions} == {rule.id for rule in screening_rules().rules}
    for question in questions:
        assert set(question) == {"id", "question", "outcome"}
        assert question["outcome"] in OUTCOMES


def test_the_text_report_shows_icon_words_reasons_and_sources():
    text = screen(answers(pregnant=True)).to_text()
    assert "✖ STOP: Do not treat" in text
    assert "source: Founding article" in text


# -- practice clients ------------------------------------------------------------------


def readme_table() -> dict[str, str]:
    text = (DATA / "practice_clients" / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `(\w+)\.yaml` \| (\w+) \|", text, flags=re.MULTILINE))


def test_practice_clients_cover_every_outcome_and_say_they_are_fictional():
    clients = practice_clients()
    assert len(clients) >= 12
    assert readme_table().keys() == clients.keys()
    assert set(readme_table().values()) == set(OUTCOMES)
    for path in clients.values():
        assert path.read_text(encoding="utf-8").startswith("# FICTIONAL PRACTICE CLIENT")


@pytest.mark.parametrize(("stem", "outcome"), sorted(readme_table().items()))
def test_each_practice_client_screens_as_its_readme_says(stem, outcome):
    assert screen(practice_clients()[stem]).outcome == outcome


# -- bad input ---------------------------------------------------------------------------


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


# -- command line ------------------------------------------------------------------------


def test_cli_json(capsys):
    path = practice_clients()["c13_retinoid_and_filler"]
    assert main(["screen", str(path), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["outcome"] == "postpone"
    assert payload["earliest_date"] == "2026-12-01"
    assert [r["rule"] for r in payload["reasons"]] == ["recent-retinoid", "recent-injectable"]
    assert all(r["source"] for r in payload["reasons"])


def test_cli_text_exits_0_even_for_stop(capsys):
    assert main(["screen", str(practice_clients()["c05_pacemaker"])]) == 0
    assert "✖ STOP: Do not treat" in capsys.readouterr().out


def test_cli_bad_intake_exits_1_naming_file_line_and_field(tmp_path, capsys):
    path = write(tmp_path, yaml_of(answers(client="Anna Smith")))
    assert main(["screen", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1:1 client: must be a short client code" in err
    assert "Traceback" not in err


def test_cli_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["screen"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["screen", "x.yaml", "--format", "xml"])
    assert caught.value.code == 2


def test_a_wait_past_the_last_calendar_day_is_an_intake_error(tmp_path, capsys):
    data = answers(
        date=dt.date(9999, 12, 31),
        birth_date=dt.date(9970, 1, 1),
        last_retinoid_use=dt.date(9999, 12, 30),
    )
    with pytest.raises(IntakeError, match="last_retinoid_use") as caught:
        screen(data)
    assert "9999-12-31" in str(caught.value)
    path = tmp_path / "late.yaml"
    path.write_text(
        "\n".join(
            f"{key}: {json.dumps(value.isoformat() if isinstance(value, dt.date) else value)}"
            for key, value in data.items()
        ),
        "utf-8",
    )
    assert main(["screen", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("code", ["C-0042", " C-0042 ", "7", "abc-1-2"])
def test_one_client_code_check_for_every_caller(code):
    assert check_client_code(code) == code.strip()
    assert screen(answers(client=code)).client == code.strip()


@pytest.mark.parametrize(
    "code", ["Jane Doe", "JaneDoe", "C_0142", "C-" + "1" * 19, "-42", None, 42]
)
def test_a_name_or_junk_is_never_a_client_code(code):
    with pytest.raises(IntakeError, match="like C-0042"):
        check_client_code(code)
    with pytest.raises(ExportError, match="never the client's name"):
        check_client_code(code, ExportError)
    assert "client" in problems_of(answers(client=code))


# -- properties --------------------------------------------------------------------------


@given(intakes())
@settings(max_examples=150, deadline=None)
def test_property_the_strongest_matched_outcome_always_wins(data):
    result = screen(data)
    matched = [reason.outcome for reason in result.reasons]
    expected = min(matched, key=STRENGTH.index) if matched else "proceed"
    assert result.outcome == expected
    assert [STRENGTH.index(o) for o in matched] == sorted(STRENGTH.index(o) for o in matched)
    assert result.allows_treatment is (result.outcome in ("adjust", "proceed"))
    if result.earliest_date is not None:
        assert result.outcome == "postpone"
        assert result.earliest_date > data["date"]
    # Saying yes to pregnancy can only make it stop.
    assert screen({**data, "pregnant": True}).outcome == "stop"


REQUIRED = [name for name in _FIELD_KINDS if name not in ("jewelry", "braces")]


@given(intakes(), st.sets(st.sampled_from(REQUIRED), min_size=1), st.booleans())
@settings(max_examples=150, deadline=None)
def test_property_never_proceed_with_a_missing_answer(data, missing, as_null):
    for name in missing:
        if as_null and _FIELD_KINDS[name] != "date-or-never":
            data[name] = None
        else:
            data.pop(name)
    with pytest.raises(IntakeError) as caught:
        screen(data)
    assert set(caught.value.fields) >= {
        name for name in missing if not (as_null and _FIELD_KINDS[name] == "date-or-never")
    }


@given(intakes(), st.data())
@settings(max_examples=200, deadline=None)
def test_property_a_wrong_typed_field_is_an_intake_error_naming_it(data, draw):
    name = draw.draw(st.sampled_from(sorted(_FIELD_KINDS)))
    kind = _FIELD_KINDS[name]
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
