"""A class on JupyterHub, end to end in Debian's chromium: two trainees and a trainer
sign in through the hub's login page (demo sign-in), each gets a workbook server of
their own, a trainee is refused another member's server, each trainee's quiz lands in
the record under their own database role (password logins, row-level security), and
the trainer's page shows the whole class and records an observed treatment.

The hub, its proxy and the record come from ``class_hub`` (tests/hub/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import make_url

from conftest import ALLOWED_PAGE_ERRORS, BROWSER_TIMEOUT_MS
from helpers import leaving_this_machine, server_environment, wait_for_voila_app
from protocol_tools import load_quiz
from protocol_tools.core.paths import DB_ENV
from protocol_tools.records.store import RecordStore
from protocol_tools.records.training import class_work

pytestmark = pytest.mark.browser

TRAINEES = ("trainee-a", "trainee-b")
TRAINER = "trainer-t"
LESSONS = "05_lessons.ipynb"
DASHBOARD = "08_class_dashboard.ipynb"


class Member:
    """One member's browser: their own context (cookies), a page, what it asked for."""

    def __init__(self, browser, name: str) -> None:
        self.name = name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(BROWSER_TIMEOUT_MS)
        self.context.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page: Page = self.context.new_page()
        self.page.on("websocket", lambda socket: self.requests.append(socket.url))
        self.page.on(
            "pageerror",
            lambda error: (
                None
                if any(text in str(error) for text in ALLOWED_PAGE_ERRORS)
                else self.errors.append(str(error))
            ),
        )

    def sign_in(self, hub, password: str | None = None) -> None:
        """Through the hub's login page; the hub then starts their server."""
        page = self.page
        page.goto(f"{hub.url}/hub/login")
        page.get_by_label("Username").fill(self.name)
        page.get_by_label("Password").fill(password or hub.password)
        page.get_by_role("button", name="Sign in").click()

    def open_app(self, hub, notebook: str) -> None:
        """A notebook of their workbook as a Voilà app, in their own server."""
        self.page.goto(f"{hub.url}/user/{self.name}/voila/render/{notebook}")
        wait_for_voila_app(self.page)


@pytest.fixture(scope="module")
def members(class_hub, browser) -> Iterator[dict[str, Member]]:
    """Every member signed in, their server started (the landing page is the Voilà
    list of their workbook's notebooks)."""
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    signed_in = {name: Member(browser, name) for name in (*TRAINEES, TRAINER)}
    try:
        for name, member in signed_in.items():
            member.sign_in(class_hub)
            member.page.wait_for_url(f"**/user/{name}/voila/tree**")
            expect(member.page.get_by_text(LESSONS)).to_be_visible()
        yield signed_in
    finally:
        for member in signed_in.values():
            member.context.close()


def member_url(name: str) -> str:
    """The record URL the hub gave ``name``'s server (its password included)."""
    environment = server_environment(name)
    assert environment is not None, f"no workbook server runs for {name}"
    return environment[DB_ENV]


def connect(url: str, password: str | None = None) -> psycopg.Connection:
    """A psycopg connection as ``url``'s role, over TCP with a password login."""
    parts = make_url(url)
    return psycopg.connect(
        host=parts.host,
        port=parts.port,
        user=parts.username,
        password=parts.password if password is None else password,
        dbname=parts.database,
        connect_timeout=10,
    )


def test_each_member_gets_a_server_that_opens_the_record_as_themselves(class_hub, members):
    admin = make_url(class_hub.admin_url)
    for name in members:
        environment = server_environment(name)
        assert environment is not None
        url = make_url(environment[DB_ENV])
        assert (url.username, url.host, url.port, url.database) == (
            name,
            admin.host,
            admin.port,
            admin.database,
        )
        # The admin's URL and password never reach a member's server.
        assert not any(admin.password in value for value in environment.values())
        assert "PROTOCOL_TOOLS_HUB_DB" not in environment
        assert "PROTOCOL_TOOLS_HUB_DEMO_PASSWORD" not in environment
        # Their own copy of the workbook, where their server runs.
        assert (class_hub.workbook(name) / LESSONS).is_file()
        assert (class_hub.workbook(name) / "protocols" / "express-10.yaml").is_file()


def test_a_trainee_is_refused_every_other_members_server(class_hub, members):
    page = members["trainee-a"].page
    for other in ("trainee-b", TRAINER):
        answer = page.goto(f"{class_hub.url}/user/{other}/")
        assert answer is not None
        assert answer.status == 403
        refusal = f"You do not have permission to access Server at /user/{other}/"
        expect(page.get_by_text(refusal, exact=True)).to_be_visible()
        assert "voila" not in page.url
        api = page.goto(f"{class_hub.url}/user/{other}/api/contents")
        assert api is not None
        assert api.status == 403
    # The hub's API shows a trainee nothing of another member.
    api = page.goto(f"{class_hub.url}/hub/api/users/trainee-b")
    assert api is not None
    assert api.status == 404

    # Nobody gets in without the password, nor under a name not in the class.
    stranger = members["trainee-b"].context.browser.new_context()
    try:
        stranger.set_default_timeout(BROWSER_TIMEOUT_MS)
        visitor = stranger.new_page()
        answer = visitor.goto(f"{class_hub.url}/user/trainee-a/voila/render/{LESSONS}")
        assert "/hub/login" in visitor.url
        for name, password in (("trainee-a", "not-the-password"), ("mallory", None)):
            visitor.get_by_label("Username").fill(name)
            visitor.get_by_label("Password").fill(password or class_hub.password)
            visitor.get_by_role("button", name="Sign in").click()
            expect(visitor.get_by_text("Invalid username or password")).to_be_visible()
    finally:
        stranger.close()


def hand_in_a_quiz(member: Member, hub) -> None:
    """In the lessons app: start an attempt over every topic, answer the first
    question right, hand in; the page says the score was kept for this member."""
    member.open_app(hub, LESSONS)
    quiz = member.page.locator(".pt-quiz-attempt")
    # On a hub the hub user is the trainee: no code to type.
    expect(quiz.get_by_label("Trainee code")).to_be_hidden()
    quiz.get_by_role("button", name="Start attempt").click()
    first = quiz.locator(".pt-quiz-question").first
    first.wait_for()
    (name,) = [
        css.removeprefix("pt-question-")
        for css in (first.get_attribute("class") or "").split()
        if css.startswith("pt-question-")
    ]
    question = next(q for q in load_quiz() if q.id == name)
    first.get_by_role("radio", name=question.right_choice, exact=True).check()
    quiz.get_by_role("button", name="Hand in").click()
    expect(quiz.get_by_text("Kept in your record")).to_be_visible()
    expect(quiz.locator(".pt-quiz-result")).to_contain_text(f"as {member.name}")


def observe_on_the_dashboard(member: Member, hub, trainee: str) -> list[str]:
    """In the trainer's app (notebook 08): the trainees of the class table, then an
    observed treatment of ``trainee`` with every criterion ticked, recorded."""
    member.open_app(hub, DASHBOARD)
    page = member.page
    expect(page.locator("table.pt-class tbody tr").first).to_be_visible()
    shown = [
        row.locator("th, td").first.inner_text().strip()
        for row in page.locator("table.pt-class tbody tr").all()
    ]
    view = page.locator(".pt-assessor")
    view.get_by_label("Trainee", exact=True).select_option(trainee)
    for box in view.locator("input[type=checkbox]").all():
        box.check()
    view.get_by_role("button", name="Record observed treatment").click()
    expect(view.get_by_text("Recorded:")).to_be_visible()
    return shown


def test_trainees_hand_in_quizzes_and_the_trainer_sees_the_class(class_hub, members):
    for name in TRAINEES:
        hand_in_a_quiz(members[name], class_hub)
    shown = observe_on_the_dashboard(members[TRAINER], class_hub, "trainee-a")
    assert shown == list(TRAINEES)

    # The record, read as each member's own role with the password the hub gave.
    for name in TRAINEES:
        with RecordStore(member_url(name)) as store:
            work = class_work(store)
        assert [w.code for w in work] == [name]
        assert len(work[0].quiz) == 1
        assert len(work[0].observations) == (1 if name == "trainee-a" else 0)
        with connect(member_url(name)) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute('UPDATE quiz_attempts SET "right" = asked')
    with RecordStore(member_url(TRAINER)) as store:
        work = {w.code: w for w in class_work(store)}
    assert sorted(work) == list(TRAINEES)
    assert [o.assessor for o in work["trainee-a"].observations] == [TRAINER]
    # A password login for real: the role's name alone gets nobody in.
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(member_url("trainee-a"), password="not-the-password")  # noqa: S106

    # A trainee's own copy of the trainer's page shows them alone.
    trainee = members["trainee-a"]
    trainee.open_app(class_hub, DASHBOARD)
    rows = trainee.page.locator("table.pt-class tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("trainee-a")


def test_no_page_of_the_class_asks_the_internet_or_breaks(members):
    for member in members.values():
        assert leaving_this_machine(member.requests) == [], (member.name, member.requests)
        assert member.errors == [], member.name
