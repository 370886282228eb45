"""The trainee signed in here, and keeping their work in the record (issue 13).

One account per kernel, shared by every app on the page (the quiz, screening practice,
the guided session's rehearsals), so a trainee signs in once. On a hub the hub user
name is the trainee code and there is nothing to sign in to; elsewhere the trainee
types a code. No widgets here: :mod:`.trainee_sign_in` draws the sign-in.

    >>> import pathlib, tempfile
    >>> from protocol_tools.records.store import RecordStore
    >>> account = TraineeAccount(RecordStore(pathlib.Path(tempfile.mkdtemp()) / "records.db"))
    >>> account.code is None or account.on_hub
    True
    >>> account.sign_in(" ana.k ")
    'ana.k'
    >>> account.keep(lambda store, code: None).kept
    True
    >>> account.store.close()
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..core.errors import ProtocolToolsError
from ..core.paths import hub_user
from ..records.store import RecordStore
from ..records.training import check_trainee_code, record_rehearsal, sign_in
from ..views.html import alert_html

__all__ = [
    "RECORD_ERRORS",
    "Kept",
    "TraineeAccount",
    "current_account",
    "keep_rehearsal",
    "rehearsal_finished",
    "rehearsal_steps",
]

# What opening or writing the record may raise: its own errors, the database's, the disk's.
RECORD_ERRORS = (ProtocolToolsError, SQLAlchemyError, OSError)
# A step's outcomes that mean the run went past it (session.record's words).
_PASSED = frozenset({"done", "skipped"})


@dataclass(frozen=True)
class Kept:
    """Whether a piece of work went into the record, and why not, in words."""

    kept: bool
    code: str | None = None
    problem: str | None = None


class TraineeAccount:
    """Who is signed in, and the record their work goes to (``store``; by default
    :class:`RecordStore` at its usual place, opened at first use)."""

    def __init__(self, store: RecordStore | None = None) -> None:
        self._store = store
        self._code: str | None = None
        self._listeners: list[weakref.WeakMethod[Callable[[], None]]] = []

    @property
    def on_hub(self) -> bool:
        """Running on a hub: the hub user is the trainee, signed in already."""
        return hub_user() is not None

    @property
    def hub_problem(self) -> str | None:
        """Why the hub user name cannot be a trainee code (None: it can, or no hub)."""
        name = hub_user()
        if name is None:
            return None
        try:
            check_trainee_code(name)
        except ProtocolToolsError as error:
            return str(error)
        return None

    @property
    def code(self) -> str | None:
        """The trainee signed in (the hub user on a hub), or None."""
        name = hub_user()
        if name is not None:
            return None if self.hub_problem else check_trainee_code(name)
        return self._code

    @property
    def store(self) -> RecordStore:
        """The record, opened at first use (a RecordError when it cannot be)."""
        if self._store is None:
            self._store = RecordStore()
        return self._store

    def sign_in(self, code: str) -> str:
        """Sign trainee ``code`` in to the record and to this page; a RecordError says
        what a code looks like, or why the record cannot be opened."""
        checked = check_trainee_code(code)
        sign_in(self.store, checked)
        self._code = checked
        self._changed()
        return checked

    def sign_out(self) -> None:
        """Forget who is signed in here (their work stays in the record)."""
        self._code = None
        self._changed()

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call the bound method ``callback`` on every sign-in and sign-out (held weakly,
        so a view that is gone is forgotten)."""
        self._listeners.append(weakref.WeakMethod(callback))  # type: ignore[arg-type]

    def _changed(self) -> None:
        alive = [ref for ref in self._listeners if ref() is not None]
        self._listeners = alive
        for ref in alive:
            method = ref()
            if method is not None:
                method()

    def keep(
        self,
        write: Callable[[RecordStore, str], Any],
        records: Callable[[], RecordStore] | None = None,
    ) -> Kept:
        """Run ``write(store, code)`` when a trainee is signed in; what came of it.
        ``records()`` gives the store (default: this account's record)."""
        code = self.code
        if code is None:
            return Kept(False)
        try:
            write(records() if records is not None else self.store, code)
        except RECORD_ERRORS as error:
            return Kept(False, code, str(error) or "the record could not be written")
        return Kept(True, code)


_CURRENT: dict[str, TraineeAccount] = {}


def current_account() -> TraineeAccount:
    """The account every app in this kernel shares."""
    return _CURRENT.setdefault("account", TraineeAccount())


# -- the guided session's rehearsals ---------------------------------------------------


def rehearsal_steps(
    steps: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """``{zone, planned_seconds, seconds}`` per step, in the protocol's order: the
    timeline's ``steps`` beside the session's ``results`` (``step_results()``). A step
    with no zone is named by its kind ("prep"); a step not reached took 0 seconds.

    >>> rehearsal_steps([{"step": 1, "kind": "prep", "zone": None, "seconds": 60.0}],
    ...                 [{"step": 1, "actual_s": None, "outcome": "not reached"}])
    [{'zone': 'prep', 'planned_seconds': 60.0, 'seconds': 0.0}]
    """
    actual = {result["step"]: result.get("actual_s") for result in results}
    return [
        {
            "zone": step.get("zone") or step["kind"],
            "planned_seconds": float(step["seconds"]),
            "seconds": float(actual.get(step["step"]) or 0.0),
        }
        for step in steps
    ]


def rehearsal_finished(results: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the run went to its end (its last step done or skipped), not stopped."""
    return bool(results) and results[-1].get("outcome") in _PASSED


def keep_rehearsal(
    records: Callable[[], RecordStore],
    *,
    protocol_id: str,
    speed: float,
    steps: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, Any]],
    account: TraineeAccount | None = None,
) -> str:
    """Store an ended rehearsal in the record ``records()`` (opened only when a
    trainee is signed in) for the trainee signed in (``account``, by default
    :func:`current_account`); the note to show as markup ("" when nobody is)."""
    account = account if account is not None else current_account()
    finished = rehearsal_finished(results)
    kept = account.keep(
        lambda store, code: record_rehearsal(
            store,
            code,
            protocol_id=protocol_id,
            speed=speed,
            steps=rehearsal_steps(steps, results),
            finished=finished,
        ),
        records,
    )
    if kept.code is None:
        return ""
    if not kept.kept:
        return alert_html(
            "error", "This rehearsal is not in your training record:", kept.problem or ""
        )
    how = "run to the end" if finished else "stopped before the end"
    return alert_html(
        "done", "Kept in your training record:", f"this rehearsal ({how}), as {kept.code}."
    )
