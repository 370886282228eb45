"""The trainee's sign-in, one view shared by the quiz, screening practice and the
guided session's rehearsals (all of them read :func:`.trainee_account.current_account`).

Off a hub: a *Trainee code* box and a *Sign in* button. On a hub the hub user is the
trainee: the view only says so. Whatever goes wrong is said in words.

    >>> view = trainee_sign_in()
    >>> view.on_hub or view.code_box.description == "Trainee code"
    True
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..views.html import alert_html
from .trainee_account import RECORD_ERRORS, TraineeAccount, current_account

__all__ = ["TraineeSignIn", "trainee_sign_in"]

_LABELS = {"description_width": "initial"}
WHAT_IS_KEPT = "Your quiz scores, screening practice and rehearsals are kept in your record."


class TraineeSignIn(widgets.VBox):
    """Sign in as a trainee (``account``: by default the one this page shares)."""

    def __init__(self, account: TraineeAccount | None = None) -> None:
        self.account = account if account is not None else current_account()
        self.code_box = widgets.Text(
            description="Trainee code",
            placeholder="e.g. ana.k",
            style=_LABELS,
            layout=widgets.Layout(width="22rem"),
        )
        self.sign_in_button = widgets.Button(description="Sign in", button_style="primary")
        self.sign_out_button = widgets.Button(
            description="Sign out", tooltip="Stop keeping work on this page as this trainee"
        )
        self.status = widgets.HTML()
        self.status.add_class("pt-sign-in-status")
        self.form = widgets.HBox([self.code_box, self.sign_in_button])
        super().__init__(
            [widgets.HTML("<h4>Trainee sign-in</h4>"), self.form, self.status, self.sign_out_button]
        )
        self.add_class("pt-trainee-sign-in")
        self.sign_in_button.on_click(lambda _button: self.sign_in())
        self.sign_out_button.on_click(lambda _button: self.account.sign_out())
        self.account.on_change(self.refresh)
        self.refresh()

    @property
    def on_hub(self) -> bool:
        return self.account.on_hub

    def sign_in(self, code: str | None = None) -> str | None:
        """Sign in with ``code`` (default: what the box holds); the code, or None with
        the reason shown."""
        typed = self.code_box.value if code is None else code
        if not typed.strip():
            self.status.value = alert_html("error", "Type your trainee code first.")
            return None
        try:
            signed = self.account.sign_in(typed)
        except RECORD_ERRORS as error:
            self.status.value = alert_html("error", "Not signed in:", str(error))
            return None
        self.code_box.value = ""
        return signed

    def refresh(self) -> None:
        """Show who is signed in, or the box to sign in with."""
        account = self.account
        signed_in = account.code
        self.form.layout.display = "none" if account.on_hub or signed_in else "flex"
        self.sign_out_button.layout.display = (
            "none" if account.on_hub or not signed_in else "inline-flex"
        )
        if account.hub_problem:
            self.status.value = alert_html(
                "error",
                "Your work is not kept: your hub user name cannot be a trainee code:",
                account.hub_problem,
            )
        elif signed_in:
            self.status.value = (
                '<p class="pt-signed-in" role="status" style="font-size:1.1em">'
                f"<strong>Signed in as {html.escape(signed_in)}.</strong> {WHAT_IS_KEPT}</p>"
            )
        else:
            self.status.value = (
                "<p role='status'>Not signed in: what you do here is not kept. Type the "
                "code your trainer gave you and press <em>Sign in</em> to keep it.</p>"
            )


def trainee_sign_in(account: TraineeAccount | None = None) -> TraineeSignIn:
    """The sign-in for the trainee's work on this page."""
    return TraineeSignIn(account)
