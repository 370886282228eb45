"""Client codes: the one check that keeps names out of records, sheets and file names.

A client is known by a short code (``C-0042``), never by name. What a code looks
like is data (``client_code`` in ``data/contraindications.yaml``), so a clinic can
change it; every caller (intake, guided session, timer log, session sheets) asks
:func:`check_client_code`, so one rule decides.

    >>> check_client_code(" C-0042 ")
    'C-0042'
    >>> client_code_rule().max_chars
    20
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..reference.data import contraindications
from .errors import IntakeError, ProtocolToolsError

__all__ = ["ClientCodeRule", "check_client_code", "client_code_rule", "shown_value"]

# The client code's definition (``client_code``) sits beside the screening rules in
# contraindications.yaml: the intake is where a code is first given.
# A wrong "code" is often a whole name: a message quotes only its start.
SHOWN_CHARS = 40


@dataclass(frozen=True)
class ClientCodeRule:
    """What a client code looks like, as ``data/contraindications.yaml`` says."""

    pattern: str
    max_chars: int
    explain: str  # in words, for people: "a short client code … like C-0042"


def shown_value(value: Any) -> str:
    """``value`` as a message quotes it: its repr, cut to 40 characters.

    Typed answers may be names or pasted text; a message echoes no more of them
    than it needs to point at the mistake::

        >>> shown_value("Jane Doe")
        "'Jane Doe'"
        >>> shown_value("x" * 100)
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    """
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def client_code_rule() -> ClientCodeRule:
    """The client-code rule of the current data folder (pattern, length and words
    checked by the reference loader, read again when the file changes)."""
    code = contraindications().client_code
    return ClientCodeRule(code.pattern, code.max_chars, code.explain)


def check_client_code(
    value: object, error: type[ProtocolToolsError] = IntakeError, what: str = "client code"
) -> str:
    """``value`` stripped if it is a client code (``C-0042``); else raise ``error``.

    The intake, the guided session and the session sheets all use this one check,
    so a name typed where a code belongs never reaches a record or a file name::

        >>> check_client_code("Jane Doe")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        protocol_tools.core.errors.IntakeError: client code 'Jane Doe' is not a client code: ...
    """
    rule = client_code_rule()
    code = value.strip() if isinstance(value, str) else value
    if isinstance(code, str) and len(code) <= rule.max_chars and re.fullmatch(rule.pattern, code):
        return code
    too_long = isinstance(code, str) and len(code) > rule.max_chars
    raise error(
        f"{what} {shown_value(code)} is not a client code: "
        + (f"it is longer than {rule.max_chars} characters; " if too_long else "")
        + f"use {rule.explain}"
    )
