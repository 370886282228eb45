"""Screening: every rule alone, the boundaries, and the strongest outcome winning."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SESSION_DAY
from conftest import intake_answers as answers
from protocol_tools import OUTCOMES, Intake, IntakeError, ScreeningResult, parse_intake, screen
from protocol_tools.screening.intake import FIELD_KINDS
from protocol_tools.screening.rules import screening_rules
from strategies import intakes

SESSION = SESSION_DAY
STRENGTH = list(OUTCOMES)


def days_before(days: int) -> dt.date:
    return SESSION - dt.timedelta(days=days)


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


def test_the_text_report_shows_icon_words_reasons_and_sources():
    text = screen(answers(pregnant=True)).to_text()
    assert "✖ STOP: Do not treat" in text
    assert "source: Founding article" in text


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


REQUIRED = [name for name in FIELD_KINDS if name not in ("jewelry", "braces")]


@given(intakes(), st.sets(st.sampled_from(REQUIRED), min_size=1), st.booleans())
@settings(max_examples=150, deadline=None)
def test_property_never_proceed_with_a_missing_answer(data, missing, as_null):
    for name in missing:
        if as_null and FIELD_KINDS[name] != "date-or-never":
            data[name] = None
        else:
            data.pop(name)
    with pytest.raises(IntakeError) as caught:
        screen(data)
    assert set(caught.value.fields) >= {
        name for name in missing if not (as_null and FIELD_KINDS[name] == "date-or-never")
    }
