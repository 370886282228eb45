"""The intake form: widget state and events, in Python."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol_tools import OUTCOMES, IntakeError, IntakeForm, load_intake, screen
from protocol_tools.screening.intake import FIELD_KINDS
from protocol_tools.screening.rules import practice_clients
from strategies import wrong_intake_values

SESSION = dt.date(2026, 11, 23)


def answer_all_no(form: IntakeForm) -> None:
    """Click through the form the way a practitioner would: every answer "No"."""
    form.questions["client"].control.value = "C-0042"
    form.questions["birth_date"].control.value = dt.date(1988, 4, 2)
    for question in form.questions.values():
        control = question.control
        if isinstance(control, widgets.ToggleButtons):
            control.index = 0 if question.name in ("last_retinoid_use", "last_injectable") else 1


@pytest.fixture
def form() -> IntakeForm:
    return IntakeForm(date=SESSION)


def test_every_question_has_a_visible_label_and_starts_unanswered(form):
    toggles = 0
    for question in form.questions.values():
        assert question.control.description.strip(), question.name
        if isinstance(question.control, widgets.ToggleButtons):
            toggles += 1
            assert question.control.value is None, question.name
            assert question.question.strip(), question.name
    assert toggles >= 12
    assert form.result is None
    assert "Not screened yet" in form.output.value


def test_screening_an_empty_form_refuses_and_marks_each_field(form):
    assert form.check() is None
    assert form.result is None
    assert form.intake is None
    missing = {field for field, _ in form.problems}
    assert {
        "client",
        "birth_date",
        "pregnant",
        "implanted_devices",
        "last_retinoid_use",
        "sensitive_skin",
    } <= missing
    assert "jewelry" in missing  # the form asks everything, optional or not
    for name in missing:
        assert "not answered" in form.questions[name].message.value
    assert "✎ Not screened yet" in form.output.value
    assert form.questions["date"].message.value == ""  # the session date was given


def test_all_no_proceeds_and_observers_hear_it(form):
    heard = []
    form.observe(lambda change: heard.append(change.new), names="result")
    answer_all_no(form)
    result = form.check()
    assert result is not None
    assert result.outcome == "proceed"
    assert heard == [result]
    assert form.intake.client == "C-0042"
    assert f"{OUTCOMES['proceed']['icon']} {OUTCOMES['proceed']['title']}" in form.output.value
    assert all(q.message.value == "" for q in form.questions.values())


def test_one_unanswered_safety_question_refuses(form):
    answer_all_no(form)
    form.questions["seizure_disorder"].control.value = None
    assert form.check() is None
    assert [field for field, _ in form.problems] == ["seizure_disorder"]
    assert "epilepsy" in form.output.value


def test_changing_an_answer_clears_the_result(form):
    answer_all_no(form)
    form.check()
    heard = []
    form.observe(lambda change: heard.append(change.new), names="result")
    form.questions["pregnant"].control.value = True
    assert form.result is None
    assert heard == [None]
    assert "Answers changed" in form.output.value
    assert form.check().outcome == "stop"
    assert "✖ Do not treat" in form.output.value


def test_a_list_answered_yes_needs_a_tick(form):
    answer_all_no(form)
    devices = form.questions["implanted_devices"]
    devices.control.value = True
    assert devices.ticks.layout.display == "flex"
    assert form.check() is None
    assert "tick at least one" in devices.message.value
    devices.boxes["pacemaker"].value = True
    result = form.check()
    assert result.outcome == "stop"
    assert result.reasons[0].rule == "pacemaker"


def test_a_date_answer_needs_its_date_and_the_wait_shows(form):
    answer_all_no(form)
    retinoid = form.questions["last_retinoid_use"]
    assert retinoid.when.disabled
    retinoid.control.index = 1
    assert not retinoid.when.disabled
    assert form.check() is None
    assert "give the date" in retinoid.message.value
    retinoid.when.value = dt.date(2026, 11, 20)
    result = form.check()
    assert (result.outcome, result.earliest_date) == ("postpone", dt.date(2026, 11, 27))
    assert "Earliest date:" in form.output.value
    assert "2026-11-27" in form.output.value
    assert "Source:" in form.output.value


def test_wrong_values_show_beside_their_field(form):
    answer_all_no(form)
    form.questions["client"].control.value = "Anna Smith"
    form.questions["last_retinoid_use"].control.index = 1
    form.questions["last_retinoid_use"].when.value = dt.date(2026, 12, 1)
    assert form.check() is None
    assert "never the client&#x27;s name" in form.questions["client"].message.value
    assert "after the session date" in form.questions["last_retinoid_use"].message.value
    assert form.questions["pregnant"].message.value == ""


@pytest.mark.parametrize("stem", sorted(practice_clients()))
def test_filling_the_form_from_a_practice_client_screens_the_same(form, stem):
    path = practice_clients()[stem]
    form.fill(load_intake(path))
    assert form.check().to_dict() == screen(path).to_dict()


def test_clearing_leaves_every_question_unanswered_for_the_next_client(form):
    form.fill(load_intake(practice_clients()["c11_botox_13_days"]))
    form.check()
    assert form.result is not None
    form.clear(date=SESSION + dt.timedelta(days=1))
    for name, question in form.questions.items():
        answered, _value, _problem = question.read()
        assert answered == (name == "date"), name  # "never" is an answer; cleared is none
        assert question.message.value == ""
    assert form.questions["date"].control.value == SESSION + dt.timedelta(days=1)
    assert form.questions["last_injectable"].when.value is None
    assert form.result is None
    assert form.intake is None
    assert "Not screened yet" in form.output.value
    assert form.check() is None  # nothing answered: refused, as on a new form


def test_the_chosen_answer_is_shown_in_words_not_only_by_shade(form):
    pregnant = form.questions["pregnant"]
    assert "Not answered yet" in pregnant.status.value
    pregnant.control.value = False
    assert "Answer: No" in pregnant.status.value
    devices = form.questions["implanted_devices"]
    devices.control.value = True
    assert "Incomplete" in devices.status.value
    devices.boxes["cochlear-implant"].value = True
    assert "Answer: Cochlear implant" in devices.status.value  # its label, not its id
    assert "cochlear-implant" not in devices.status.value


# -- filling the form checks every answer (issue 9) --------------------------------


def answers_shown(form):
    return {name: question.read() for name, question in form.questions.items()}


def test_an_impossible_date_is_refused_naming_the_field(form):
    before = answers_shown(form)
    with pytest.raises(IntakeError, match="date") as caught:
        form.fill({"date": "2026-02-30"})
    assert caught.value.fields == ["date"]
    assert "2026-02-30" in str(caught.value)
    assert answers_shown(form) == before


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"pregnant": "yes"}, ["pregnant"]),
        ({"pregnant": 1}, ["pregnant"]),
        ({"birth_date": 19880402}, ["birth_date"]),
        ({"birth_date": dt.datetime(1988, 4, 2, 9, 30)}, ["birth_date"]),
        ({"last_retinoid_use": "last week"}, ["last_retinoid_use"]),
        ({"implanted_devices": "pacemaker"}, ["implanted_devices"]),
        ({"implanted_devices": ["pacemakr"]}, ["implanted_devices[0]"]),
        ({"client": 42}, ["client"]),
        ({"pregant": True}, ["pregant"]),
        # Every wrong answer is named at once, and the right ones are not set either.
        ({"sensitive_skin": True, "date": "soon", "braces": "no"}, ["date", "braces"]),
    ],
    ids=repr,
)
def test_a_wrong_answer_is_refused_and_nothing_is_filled(form, answers, fields):
    before = answers_shown(form)
    with pytest.raises(IntakeError) as caught:
        form.fill(answers)
    assert caught.value.fields == fields
    assert answers_shown(form) == before


def test_the_form_refuses_answers_that_are_not_a_set_of_fields(form):
    with pytest.raises(IntakeError, match="not a set of answers"):
        form.fill(["C-0042"])


@pytest.mark.parametrize("date", ["2026-02-30", dt.datetime(2026, 11, 23, 9), 20261123], ids=repr)
def test_a_form_for_a_day_that_is_not_a_date_is_refused(date):
    with pytest.raises(IntakeError, match="date"):
        IntakeForm(date=date)


def test_none_leaves_a_list_question_unanswered_never_no(form):
    answer_all_no(form)
    form.fill({"implanted_devices": None})
    assert form.questions["implanted_devices"].read() == (False, None, "")
    assert form.check() is None
    assert [field for field, _ in form.problems] == ["implanted_devices"]


def test_a_half_typed_client_code_is_kept_for_the_screening_to_judge(form):
    form.fill({"client": "C-"})
    assert form.questions["client"].control.value == "C-"


@pytest.fixture(scope="module")
def shared_form() -> IntakeForm:
    """One form for every Hypothesis example: a refused fill changes nothing."""
    return IntakeForm(date=SESSION)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_wrong_value_gives_an_intake_error_naming_its_field(shared_form, data):
    form = shared_form
    name = data.draw(st.sampled_from(sorted(FIELD_KINDS)))
    kind = FIELD_KINDS[name]
    wrong = wrong_intake_values["date" if kind == "date-or-never" else kind]
    if kind == "code":  # half-typed text is allowed; only non-text is wrong
        wrong = wrong.filter(lambda value: not isinstance(value, str))
    value = data.draw(wrong)
    with pytest.raises(IntakeError) as caught:
        form.fill({name: value})
    assert [field.split("[")[0] for field in caught.value.fields] == [name] * len(
        caught.value.fields
    )
