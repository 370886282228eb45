"""One rule for what may be used with a client: the guided session and the sheets ask here.

A draft, or a protocol that :func:`validate` finds errors in, is not used with a
client. The guided session refuses it outright; a sheet prints one only when the
user asks for a draft on purpose, and then every page says DRAFT. A screening
counts only on the day its intake was answered for.
"""

from __future__ import annotations

import datetime as dt

from ..core.errors import ProtocolFileError
from .checks import validate
from .model import Protocol

__all__ = ["check_runnable", "readiness_problem", "screening_day_problem"]


def readiness_problem(
    protocol: Protocol, use: str = "run in a session"
) -> ProtocolFileError | None:
    """Why ``protocol`` may not be used with a client (``use`` says how), or None.

    >>> from protocol_tools import load_library
    >>> readiness_problem(load_library()["express-10"]) is None
    True
    """
    if protocol.status == "draft":
        return ProtocolFileError(
            f"{protocol.id} is a draft and cannot be {use}; fix it, then set "
            "'status: ready' in its file"
        )
    errors = [finding for finding in validate(protocol) if finding.is_error]
    if errors:
        return ProtocolFileError(
            f"{protocol.id} has {len(errors)} error(s) and cannot be {use}; fix them first",
            errors,
        )
    return None


def check_runnable(protocol: Protocol, use: str = "run in a session") -> None:
    """Raise :class:`ProtocolFileError` unless ``protocol`` may be used with a client.

    Drafts and protocols whose :func:`validate` finds errors are refused::

        >>> from protocol_tools import load_library
        >>> check_runnable(load_library()["express-10"].model_copy(update={"status": "draft"}))
        Traceback (most recent call last):
        ...
        protocol_tools.core.errors.ProtocolFileError: express-10 is a draft and cannot be run ...
    """
    problem = readiness_problem(protocol, use)
    if problem is not None:
        raise problem


def screening_day_problem(screened_for: dt.date, day: dt.date, use: str) -> str | None:
    """Why a screening answered for ``screened_for`` does not hold for ``use`` on ``day``.

    Every wait is counted from the intake's date, so on another day the outcome may
    differ (a retinoid six days ago is a postpone, seven days ago is not)::

        >>> print(screening_day_problem(dt.date(2027, 6, 1), dt.date(2026, 11, 30), "the session"))
        the intake was answered for 2027-06-01 but the session is for 2026-11-30: screen the client again for that day
    """  # noqa: E501 - a doctest's output is one line
    if screened_for == day:
        return None
    return (
        f"the intake was answered for {screened_for.isoformat()} but {use} is for "
        f"{day.isoformat()}: screen the client again for that day"
    )
