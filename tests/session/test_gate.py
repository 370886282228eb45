"""The gate without widgets: what may start, in words with no codes."""

from __future__ import annotations

import datetime as dt

from conftest import PROTOCOLS, SESSION_DAY, intake_answers
from protocol_tools import load_library
from protocol_tools.core.errors import RecordError
from protocol_tools.records.store import RecordStore
from protocol_tools.screening.engine import outcomes, screen
from protocol_tools.session import app as session_app
from protocol_tools.session import gate


def gate_for(result, **override):
    return gate.start_blockers(
        protocol=load_library(PROTOCOLS)["express-10"],
        client_code=result.client,
        result=result,
        prep_done={item["id"]: True for item in gate.prep_checklist()},
        today=SESSION_DAY,
        **override,
    )


def said(result) -> str:
    shown = outcomes()[result.outcome]
    return f"the screening says {shown['icon']} {shown['title']};"


def test_a_refused_screening_is_named_by_its_title_never_its_code():
    result = screen(intake_answers(client="C-1", breastfeeding=True, date=SESSION_DAY))
    assert result.outcome == "clearance"
    blockers = gate_for(result)
    assert blockers == [f"{said(result)} record an override with its reason to start anyway"]
    assert f"({result.outcome})" not in blockers[0]


def test_do_not_treat_is_never_overridden_for_a_client_but_may_be_in_practice():
    result = screen(intake_answers(client="C-1", pregnant=True, date=SESSION_DAY))
    assert result.outcome == "stop"
    for reason in ("", "the client insists"):
        blockers = gate_for(result, override_reason=reason, doctor_note=True)
        assert blockers == [
            f"{said(result)} no override can start a session for a client (only a synthetic "
            "practice client may be overridden, for training)"
        ]
    # A synthetic client or a rehearsal: for training, with a reason.
    assert gate_for(result, practice=True) == [
        f"{said(result)} record an override with its reason to start anyway"
    ]
    assert gate_for(result, practice=True, override_reason="training: what a stop looks like") == []


def test_a_clearance_override_needs_the_reason_and_the_doctors_note():
    result = screen(intake_answers(client="C-1", breastfeeding=True, date=SESSION_DAY))
    reason = "letter from her doctor, dated 2026-11-20"
    assert gate_for(result, override_reason=reason) == [
        f"{said(result)} tick “{gate.DOCTOR_NOTE_LABEL}” to override (only once you have seen it)"
    ]
    assert gate_for(result, doctor_note=True) == [
        f"{said(result)} record an override with its reason to start anyway"
    ]
    assert gate_for(result, override_reason=reason, doctor_note=True) == []
    assert gate_for(result, override_reason=reason, practice=True) == []


def test_a_postponement_is_overridden_with_a_reason_alone():
    day = SESSION_DAY - dt.timedelta(days=2)
    result = screen(intake_answers(client="C-1", last_retinoid_use=day, date=SESSION_DAY))
    assert result.outcome == "postpone"
    assert gate_for(result, override_reason="the client stopped the retinoid on the face") == []


def test_the_override_rule_is_the_records():
    # The gate asks the record's rule, so the app never starts what the record refuses.
    for outcome in ("stop", "clearance", "postpone"):
        for practice in (False, True):
            rule = gate.override_rule(outcome, practice=practice)
            for reason, note in (("a reason", False), ("a reason", True)):
                refused = False
                try:
                    RecordStore.check_override(outcome, reason, note, practice=practice)
                except RecordError:
                    refused = True
                allowed = rule == "reason" or (rule == "reason and note" and note)
                assert refused is not allowed, (outcome, practice, note)


def test_the_app_keeps_the_gates_names_where_they_were():
    for name in ("start_blockers", "prep_checklist", "screening_day_blocker", "practice_intake_on"):
        assert getattr(session_app, name) is getattr(gate, name)
    assert gate.check_runnable.__module__ == "protocol_tools.protocols.readiness"
