"""Client codes: one check for every caller, and a name is never a code."""

from __future__ import annotations

import pytest

from conftest import intake_answers as answers
from protocol_tools import ExportError, IntakeError, parse_intake, screen
from protocol_tools.core.privacy import check_client_code, shown_value


def problems_of(data) -> dict[str, str]:
    with pytest.raises(IntakeError) as caught:
        parse_intake(data)
    return dict(caught.value.problems)


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


def test_a_message_quotes_no_more_than_the_start_of_a_typed_value():
    assert shown_value("C-0042") == "'C-0042'"
    long_name = "Jane " * 20
    assert len(shown_value(long_name)) == 40
    assert shown_value(long_name).endswith("...")
