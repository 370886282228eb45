"""The gate without widgets: what may start, in words with no codes."""

from __future__ import annotations

from conftest import PROTOCOLS, SESSION_DAY, intake_answers
from protocol_tools import load_library
from protocol_tools.screening.engine import outcomes, screen
from protocol_tools.session import app as session_app
from protocol_tools.session import gate


def test_a_refused_screening_is_named_by_its_title_never_its_code():
    result = screen(intake_answers(client="C-1", pregnant=True, date=SESSION_DAY))
    assert not result.allows_treatment
    blockers = gate.start_blockers(
        protocol=load_library(PROTOCOLS)["express-10"],
        client_code="C-1",
        result=result,
        prep_done={item["id"]: True for item in gate.prep_checklist()},
        today=SESSION_DAY,
    )
    shown = outcomes()[result.outcome]
    assert blockers == [
        f"the screening says {shown['icon']} {shown['title']}; "
        "record an override with its reason to start anyway"
    ]
    assert f"({result.outcome})" not in blockers[0]


def test_the_app_keeps_the_gates_names_where_they_were():
    for name in ("start_blockers", "prep_checklist", "screening_day_blocker", "practice_intake_on"):
        assert getattr(session_app, name) is getattr(gate, name)
    assert gate.check_runnable.__module__ == "protocol_tools.protocols.readiness"
