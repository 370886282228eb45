"""The client in the guided-session app: Find client, the last visits, what carries
forward, last visit's intake answers (to be checked again), and the practice banner.

Part of the guided-session app (:mod:`~protocol_tools.session.app`), which wires
these controls to the rest of the page; the record is read by :mod:`.visit`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Container, Mapping

import ipywidgets as widgets
from sqlalchemy.exc import SQLAlchemyError

from ..core.errors import IntakeError, ProtocolToolsError, SessionError
from ..core.privacy import check_client_code
from ..protocols.loading import Library
from ..protocols.model import Protocol
from ..records.store import RecordStore
from ..screening.form import IntakeForm
from ..screening.intake import load_intake
from ..screening.rules import practice_clients
from ..views.html import alert_html
from .gate import practice_intake_on
from .visit import ClientHistory, carried_html, history_html, intake_from_last_visit, load_history

__all__ = ["CHECKED_LABEL", "ClientPanel", "ClientSteps"]

CHECKED_LABEL = "I have checked every answer with the client today"
_LABELS = {"description_width": "initial"}


class ClientPanel:
    """The controls and tables about the client; ``loaded`` is what Find client found
    (None until then, and again once the code changes)."""

    def __init__(self) -> None:
        self.find_button = widgets.Button(
            description="Find client",
            tooltip="Look the client up in the record: the last visits and their settings",
            layout=widgets.Layout(width="10rem"),
        )
        self.find_button.add_class("pt-find-client")
        self.history = widgets.HTML()
        self.history.add_class("pt-client-history")
        self.carried = widgets.HTML()
        self.carried.add_class("pt-carried-forward")
        self.banner = widgets.HTML()
        self.banner.add_class("pt-practice-banner")
        self.same_button = widgets.Button(
            description="Same as last visit",
            tooltip="Fill the form with the answers of the client's last visit, to check "
            "each one with the client",
            disabled=True,
            layout=widgets.Layout(width="14rem"),
        )
        self.filled_note = widgets.HTML()
        self.checked = widgets.Checkbox(
            description=CHECKED_LABEL,
            indent=False,
            layout=widgets.Layout(width="auto", display="none"),
        )
        self.loaded: ClientHistory | None = None
        self.filled_from: str | None = None  # the day whose answers fill the form

    # -- finding the client --------------------------------------------------------------
    def find(self, records: Callable[[], RecordStore], code: str, names: Mapping[str, str]) -> bool:
        """Look ``code`` up in ``records()``; show the last visits (or what went wrong).
        True if the record could be read (the client may still be new)."""
        self.forget()
        try:
            self.loaded = load_history(records(), code)
        except (ProtocolToolsError, SQLAlchemyError) as error:
            self.history.value = alert_html("error", "The record cannot be read:", str(error))
            return False
        loaded = self.loaded
        recovered = ""
        if loaded.recovered:
            recovered = alert_html(
                "note",
                "Closed as interrupted:",
                f"{loaded.recovered} session(s) of this client left open (a closed page or "
                "a restarted kernel); what was logged is kept.",
            )
        heading = f"<h4>Client {html.escape(loaded.code)}</h4>"
        self.history.value = heading + recovered + history_html(loaded.visits, names)
        self.same_button.disabled = loaded.last_intake is None
        return True

    def last_protocol(self) -> str | None:
        """The protocol the last session used (the one carried forward), if any."""
        return (self.loaded.carry.get("protocol") if self.loaded else None) or None

    def show_carried(
        self, protocol: Protocol | None, names: Mapping[str, str], offered: Container[str]
    ) -> None:
        """What the last session changed, against ``protocol``; a last protocol no longer
        ``offered`` (a draft now, or gone) is named."""
        carry = self.loaded.carry if self.loaded else {}
        shown = carried_html(carry, protocol, names)
        last = carry.get("protocol")
        if last and last not in offered:
            shown = (
                alert_html(
                    "note",
                    "The last session's protocol is not in the library now:",
                    f"{last}. Choose a protocol.",
                )
                + shown
            )
        self.carried.value = shown

    def forget(self) -> None:
        """Nothing of a client left: no history, no carried settings, no filled answers."""
        self.loaded = None
        self.history.value = ""
        self.carried.value = ""
        self.same_button.disabled = True
        self.unfill()

    def show_practice(self, why: str) -> None:
        """The banner while this run is practice (``why`` in words; "" for a client visit)."""
        self.banner.value = (
            alert_html("warning", "Practice: not stored as a client visit.", f"This is {why}.")
            if why
            else ""
        )

    # -- last visit's answers ---------------------------------------------------------------
    def filled(self, day: str) -> None:
        """The form was filled from the visit of ``day``: ask for every answer's check."""
        self.filled_from = day
        self.checked.value = False
        self.checked.layout.display = "flex"
        self.filled_note.value = alert_html(
            "warning",
            f"Filled from the visit of {day}:",
            "check every answer with the client, then tick "
            f"“{CHECKED_LABEL}”. Screening waits until you do.",
        )

    def unfill(self) -> None:
        self.filled_from = None
        self.checked.value = False
        self.checked.layout.display = "none"
        self.filled_note.value = ""

    @property
    def unchecked(self) -> bool:
        """Answers filled from last visit that the practitioner has not confirmed yet."""
        return self.filled_from is not None and not self.checked.value


class ClientSteps:
    """The guided session's client steps (a part of
    :class:`~protocol_tools.session.app.GuidedSession`): the code and Find client, a
    synthetic client for practice, and last visit's answers."""

    # Given by the app.
    client: ClientPanel
    form: IntakeForm
    library: Library
    protocol_picker: widgets.Dropdown
    records: RecordStore
    today: dt.date
    _form_day: dt.date
    _practice_code: str | None

    def _update(self, _change: object = None) -> None:
        raise NotImplementedError

    def _build_client(self) -> list[widgets.Widget]:
        """The client's code with Find client, the synthetic clients, the last visits."""
        self.client_code = widgets.Text(
            description="Client code", placeholder="C-0142", style=_LABELS
        )
        self.client_code.add_class("pt-app-client-code")
        practice = [("— a real client —", "")] + [
            (stem.replace("_", " "), stem) for stem in practice_clients()
        ]
        self.practice_picker = widgets.Dropdown(
            options=practice,
            description="Or practise with a synthetic client",
            style=_LABELS,
            layout=widgets.Layout(width="36rem"),
        )
        return [
            widgets.HBox([self.client_code, self.client.find_button]),
            widgets.HTML(
                "<small>The code from the booking, never the client's name: it is what the "
                "record, the log and the file name carry. <em>Find client</em> shows the last "
                "visits; a new client is added when the visit is stored.</small>"
            ),
            self.practice_picker,
            self.client.history,
        ]

    def _names(self) -> dict[str, str]:
        return {key: p.name for key, p in {**self.library.drafts, **self.library}.items()}

    def _code(self) -> str | None:
        try:
            return check_client_code(self.client_code.value, SessionError)
        except SessionError:
            return None

    def find_client(self) -> bool:
        """Look the client code up in the record: the last visits, what carries forward,
        and, by default, the protocol the last session used."""
        code = self._code()
        if code is None:
            self.client.forget()
            self.client.history.value = alert_html(
                "error", "Enter the client's code first:", "a code like C-0042, never a name."
            )
            self._update()
            return False
        found = self.client.find(lambda: self.records, code, self._names())
        last = self.client.last_protocol()
        if found and last in self.library and last != self.protocol_picker.value:
            self.protocol_picker.value = last  # a new timer; shows what carries forward
        else:
            self._show_carried()
            self._update()
        return found

    def _show_carried(self) -> None:
        protocol = self.library.protocols.get(self.protocol_picker.value or "")
        self.client.show_carried(protocol, self._names(), self.library)

    def same_as_last_visit(self) -> None:
        """Fill the form with the last visit's answers, for today; each to be checked."""
        loaded = self.client.loaded
        if loaded is None or loaded.last_intake is None:
            return
        day, answers = loaded.last_intake
        answers = intake_from_last_visit(
            answers, loaded.code, self.today, list(self.form.questions)
        )
        self._form_day = self.today
        self.form.clear(date=self.today)
        try:
            self.form.fill(answers)
        except IntakeError:
            self.form.clear(date=self.today)
            self.client.filled_note.value = alert_html(
                "error", "Last visit's answers do not fit today's form:", "ask every question."
            )
            return
        self.client.filled(day)
        self._update()

    def _client_changed(self, _change: object = None) -> None:
        code = self.client_code.value.strip()
        loaded = self.client.loaded
        if loaded is not None and loaded.code != code:
            if self.client.filled_from:
                self.form.clear(date=self.today)  # another client's answers
            self.client.forget()
        if self.practice_picker.value and code != self._practice_code:
            self.practice_picker.value = ""  # no longer the synthetic client
        # The form asks for the code too; keep the two the same. A client chosen is
        # screened for the session day, whatever day the form was left on.
        self._form_day = self.today
        self.form.fill({"client": code, "date": self._form_day})
        self._update()

    def _practice(self, _change: object = None) -> None:
        stem = self.practice_picker.value
        if not stem:
            if self._practice_code and self.client_code.value.strip() == self._practice_code:
                self._practice_code = None
                self.client_code.value = ""  # the synthetic answers go with their client
                self.form.clear(date=self.today)
            self._update()
            return
        intake = practice_intake_on(load_intake(practice_clients()[stem]), self.today)
        self._practice_code = intake.client
        self.client.unfill()
        self.client_code.value = intake.client
        self.form.fill(intake)
        self.form.check()
        self.find_client()
