"""The screening rules in data: outcomes, sources, the issue's list, practice clients."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

import protocol_tools as pt
from conftest import DATA, SESSION_DAY
from conftest import intake_answers as answers
from protocol_tools import OUTCOMES, screen, screening_questions
from protocol_tools.screening.engine import _TESTS
from protocol_tools.screening.rules import RULE_TESTS, practice_clients, screening_rules

SESSION = SESSION_DAY
STRENGTH = list(OUTCOMES)


def days_before(days: int) -> dt.date:
    return SESSION - dt.timedelta(days=days)


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
    # The reference loader or the screening's own check may catch it first; either
    # way the message names the wrong outcome.
    with pytest.raises(pt.ReferenceDataError, match=r"outcome.*'maybe'|'maybe'.*outcome"):
        screen(answers())


def test_screening_questions_for_the_printed_form():
    questions = screening_questions()
    assert {q["id"] for q in questions} == {rule.id for rule in screening_rules().rules}
    for question in questions:
        assert set(question) == {"id", "question", "outcome"}
        assert question["outcome"] in OUTCOMES


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


def test_the_engine_has_a_test_for_every_rule_test_the_data_may_name():
    assert set(_TESTS) == set(RULE_TESTS)


def test_a_bad_client_code_pattern_is_a_reference_data_error(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    rules_file = folder / "contraindications.yaml"
    text = rules_file.read_text(encoding="utf-8")
    rules_file.write_text(re.sub(r"pattern: .*", 'pattern: "[unclosed"', text, count=1), "utf-8")
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    with pytest.raises(pt.ReferenceDataError, match="client_code") as caught:
        screen(answers())
    assert "pattern" in str(caught.value)
