"""One rule for what may be used with a client."""

from __future__ import annotations

import pytest

from protocol_tools import ProtocolFileError, load_library
from protocol_tools.protocols.readiness import check_runnable, readiness_problem

LIBRARY = load_library()


@pytest.mark.parametrize("protocol_id", sorted(LIBRARY))
def test_every_library_protocol_may_be_used(protocol_id: str):
    assert readiness_problem(LIBRARY[protocol_id]) is None
    check_runnable(LIBRARY[protocol_id])


def test_a_draft_is_refused_for_the_use_named():
    draft = LIBRARY["express-10"].model_copy(update={"status": "draft"})
    problem = readiness_problem(draft, "printed on a session sheet")
    assert isinstance(problem, ProtocolFileError)
    assert "express-10 is a draft and cannot be printed on a session sheet" in str(problem)
    with pytest.raises(ProtocolFileError, match="cannot be run in a session"):
        check_runnable(draft)


def test_a_protocol_with_errors_is_refused_with_its_findings():
    protocol = LIBRARY["express-10"]
    first = protocol.steps[1].model_copy(update={"current_uA": 5000})
    broken = protocol.model_copy(update={"steps": [protocol.steps[0], first, *protocol.steps[2:]]})
    problem = readiness_problem(broken)
    assert problem is not None
    assert problem.findings
    assert all(finding.is_error for finding in problem.findings)
    assert any("current_uA" in str(finding) for finding in problem.findings)
