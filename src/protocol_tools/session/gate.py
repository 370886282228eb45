"""May this session start? The checks that keep Start locked, in the practitioner's words.

Start stays locked until a ready protocol (:func:`check_runnable`) and a client code
are chosen, the client is screened for the session day, and every prep item is
ticked. A screening that does not allow treatment keeps it locked unless the
practitioner records an override with its reason, as far as the client record allows
one (:meth:`RecordStore.check_override`, the one rule): "Do not treat" never for a
real client (a synthetic practice client may be overridden, for training), and a
doctor's clearance only with the written clearance on file. Pure: the app asks here,
and so can a script::

    >>> start_blockers(protocol=None, client_code="C-1", result=None, prep_done={})[0]
    'choose a protocol'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from ..core.errors import RecordError, SessionError
from ..core.privacy import check_client_code
from ..protocols.model import Protocol
from ..protocols.readiness import check_runnable, screening_day_problem
from ..records.store import RecordStore
from ..reference.data import session_care
from ..screening.engine import ScreeningResult, outcomes
from ..screening.fields import Intake
from ..screening.rules import screening_rules

__all__ = [
    "DOCTOR_NOTE_LABEL",
    "check_runnable",
    "override_rule",
    "practice_intake_on",
    "prep_checklist",
    "screening_day_blocker",
    "start_blockers",
]


# The box the practitioner ticks to override a "doctor's clearance" outcome.
DOCTOR_NOTE_LABEL = "The doctor's written clearance is on file"


def prep_checklist() -> list[dict[str, str]]:
    """The prep items from ``data/session_care.yaml`` (id, text, source), as checked
    by the reference loader."""
    return [
        {"id": item.id, "text": item.text, "source": item.source}
        for item in session_care().prep_checklist
    ]


def screening_day_blocker(screened_for: dt.date, today: dt.date) -> str | None:
    """Why a screening answered for another day cannot open today's session (None if
    it can): the one rule the sheets follow too."""
    return screening_day_problem(screened_for, today, "the session")


def start_blockers(
    *,
    protocol: Protocol | None,
    client_code: str,
    result: ScreeningResult | None,
    override_reason: str = "",
    prep_done: Mapping[str, bool],
    checklist: Sequence[Mapping[str, str]] | None = None,
    today: dt.date | None = None,
    practice: bool = False,
    doctor_note: bool = False,
) -> list[str]:
    """Everything that still keeps Start locked, in the practitioner's words ([] = ready).

    The screening counts only for the session day (``today``, default: the
    computer's date). ``override_reason`` counts only when the screening outcome
    does not allow treatment; an empty reason is no override. ``practice``: a
    synthetic client or a rehearsal, stored as practice; ``doctor_note``: the
    doctor's written clearance is on file::

        >>> for blocker in start_blockers(protocol=None, client_code="C-1", result=None,
        ...                               prep_done={}):
        ...     print(blocker)
        choose a protocol
        screen the client: answer the intake form and press Screen this client
        tick the prep checklist (... left)
    """
    blockers = []
    if protocol is None:
        blockers.append("choose a protocol")
    try:
        code = check_client_code(client_code, SessionError)
    except SessionError:
        code = None
        blockers.append(f"enter the client code: {screening_rules().client_code_explain}")
    if result is None:
        blockers.append("screen the client: answer the intake form and press Screen this client")
    else:
        override = _Override(override_reason, practice=practice, doctor_note=doctor_note)
        blockers.extend(_screening_blockers(result, code, override, today))
    items = checklist or prep_checklist()
    missing = [item["text"] for item in items if not prep_done.get(item["id"])]
    if missing:
        blockers.append(f"tick the prep checklist ({len(missing)} left)")
    return blockers


@dataclasses.dataclass(frozen=True)
class _Override:
    """What the practitioner recorded to go ahead against the screening."""

    reason: str
    practice: bool
    doctor_note: bool


def _screening_blockers(
    result: ScreeningResult, code: str | None, override: _Override, today: dt.date | None
) -> list[str]:
    blockers = []
    if code and result.client != code:
        blockers.append(
            f"the screening is for client {result.client}, not {code}: screen this client"
        )
    wrong_day = screening_day_blocker(result.date, today or dt.date.today())
    if wrong_day:
        # An override answers today's outcome; another day's outcome has none to answer.
        blockers.append(wrong_day)
    elif not result.allows_treatment:
        blockers.extend(_override_blockers(result.outcome, override))
    return blockers


def override_rule(outcome: str, *, practice: bool) -> str:
    """What overriding a screening ``outcome`` takes, by the client record's rule
    (:meth:`RecordStore.check_override`): ``"never"``, ``"reason and note"`` (the
    doctor's written clearance on file too) or ``"reason"``::

        >>> override_rule("stop", practice=False), override_rule("stop", practice=True)
        ('never', 'reason')
        >>> override_rule("clearance", practice=False)
        'reason and note'
    """
    if not _may_override(outcome, doctor_note=True, practice=practice):
        return "never"
    if not _may_override(outcome, doctor_note=False, practice=practice):
        return "reason and note"
    return "reason"


def _may_override(outcome: str, *, doctor_note: bool, practice: bool) -> bool:
    try:
        RecordStore.check_override(outcome, "a reason", doctor_note, practice=practice)
    except RecordError:
        return False
    return True


def _override_blockers(outcome: str, override: _Override) -> list[str]:
    """What an override of ``outcome`` still lacks."""
    # The outcome as the form shows it (icon and title), never its code.
    shown = outcomes().get(outcome, {})
    title = " ".join(filter(None, (shown.get("icon"), shown.get("title")))) or "not today"
    rule = override_rule(outcome, practice=override.practice)
    if rule == "never":
        return [
            f"the screening says {title}; no override can start a session for a client "
            "(only a synthetic practice client may be overridden, for training)"
        ]
    if not override.reason.strip():
        return [f"the screening says {title}; record an override with its reason to start anyway"]
    if rule == "reason and note" and not override.doctor_note:
        return [
            f"the screening says {title}; tick “{DOCTOR_NOTE_LABEL}” to override "
            "(only once you have seen it)"
        ]
    return []


def practice_intake_on(intake: Intake, day: dt.date) -> Intake:
    """A synthetic practice client's intake answered for ``day``, its lesson kept.

    The practice files are all dated 2026-11-23; a session runs today. Waits count
    days, so every other date of the intake ("last time" answers) moves by as many
    days as the session date. Age counts birthdays, so the birth date keeps the
    client's age and the nearest birthday as many days away as in the file (a client
    who turns 18 on the session day still does, even across a 29 February).
    """
    shift = day - intake.date
    moved = {
        field.name: getattr(intake, field.name) + shift
        for field in dataclasses.fields(intake)
        if field.name not in ("date", "birth_date")
        and isinstance(getattr(intake, field.name), dt.date)
    }
    birth = _moved_birth_date(intake.birth_date, intake.date, day)
    return dataclasses.replace(intake, date=day, birth_date=birth, **moved)


def _moved_birth_date(birth: dt.date, session: dt.date, day: dt.date) -> dt.date:
    """A birth date giving on ``day`` the age ``birth`` gives on ``session``, with the
    nearer of the last and the next birthday as many days away."""
    last_birthday = _in_year(birth, session.year, late=True)
    if last_birthday > session:
        last_birthday = _in_year(birth, session.year - 1, late=True)
    age = last_birthday.year - birth.year
    next_birthday = _in_year(birth, last_birthday.year + 1, late=True)
    since, until = (session - last_birthday).days, (next_birthday - session).days
    if since <= until:
        anchor = day - dt.timedelta(days=since)
        # Born on a 29 February that the new year lacks: the 28th keeps the birthday passed.
        return _in_year(anchor, anchor.year - age, late=False)
    anchor = day + dt.timedelta(days=until)
    # ...and the 1 March keeps it still to come.
    return _in_year(anchor, anchor.year - age - 1, late=True)


def _in_year(day: dt.date, year: int, *, late: bool) -> dt.date:
    """``day``'s month and day in ``year``; a 29 February becomes 1 March when ``late``,
    else 28 February, when ``year`` has none (the way the age rule counts birthdays)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1) if late else dt.date(year, 2, 28)
