"""Helpers the tests share, in one place: test files import from here, never from each other.

Sections: protocols and the designer; session sheets; the client record; work run
in other processes (``multiprocessing`` finds a function by its module's name, and a
child process cannot import a test module); the browser; a PostgreSQL server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg
import pypdf
import pytest
from psycopg import sql
from sqlalchemy import func, select

from conftest import DATA, PROTOCOLS, ROOT, intake_answers
from protocol_tools import (
    Protocol,
    ProtocolDraft,
    ProtocolFileError,
    load_protocol,
    parse_protocol,
)
from protocol_tools.core.atomic import file_lock, write_new_file
from protocol_tools.protocols.folder import SAVE_LOCK_NAME
from protocol_tools.records.schema import Event, Visit
from protocol_tools.records.sessions import VisitRecorder
from protocol_tools.records.store import RecordStore, client_row, now, planned_step
from protocol_tools.screening.engine import screen
from protocol_tools.session.record import SessionRecord, timeline_steps

# -- protocols and the designer --------------------------------------------------

# The day the designer tests save on.
TODAY = dt.date(2026, 11, 23)
TEMPLATE = ROOT / "src" / "protocol_tools" / "protocols" / "templates" / "new_protocol.yaml"


def template_text(protocol_id: str = "demo-lift") -> str:
    """The file ``protocol-tools new`` writes, for ``protocol_id``."""
    return TEMPLATE.read_text().replace("$id", protocol_id).replace("$name", '"Demo lift"')


def findings_of(text: str, name: str = "demo-lift.yaml"):
    """The findings of a protocol text that does not fit the format."""
    with pytest.raises(ProtocolFileError) as caught:
        parse_protocol(text, name)
    return caught.value.findings


def three_mistakes() -> str:
    """The template with three independent errors in three different steps."""
    return (
        template_text()
        .replace("seconds: 75", "seconds: -30", 1)
        .replace("zone: cheekbones", "zone: cheek bones", 1)
        .replace("current_uA: 150", "current_uA: 1500", 1)
    )


def copy_library(folder: Path) -> Path:
    """Copy the protocol library's files into ``folder``, so no test writes into the real one."""
    folder.mkdir(parents=True)
    for path in PROTOCOLS.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def hidden_leftovers(folder: Path) -> list[str]:
    """Hidden files a save left behind, besides the save lock every save keeps."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != SAVE_LOCK_NAME]


def express(library: Path) -> ProtocolDraft:
    """A draft of express-10 from ``library``."""
    return ProtocolDraft.from_library("express-10", library)


def zones_and_sides(draft: ProtocolDraft) -> list[tuple]:
    """(zone, side) of every step of ``draft``."""
    return [(s.get("zone"), s.get("side")) for s in (draft.step(i) for i in range(len(draft)))]


# -- session sheets -------------------------------------------------------------

CLIENTS = DATA / "practice_clients"
SIGNATURE = PROTOCOLS / "signature-lift-15.yaml"
# A value only a file a row names holds: a message must never quote it.
PRIVATE_VALUE = "TOPSECRET-value-8841"
PRIVATE_YAML = f"client: {PRIVATE_VALUE}\napi_key: {PRIVATE_VALUE}\nid: {PRIVATE_VALUE}\n"


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, spaces normalised (ordinary words are never broken)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdftotext(pdf: bytes, *args: str) -> str:
    out = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def write_day(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "day.csv"
    path.write_text("date,time,client,protocol,intake\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def long_protocol(steps: int = 40) -> Protocol:
    zones = ["jawline", "cheekbones", "forehead", "neck"]
    return Protocol.model_validate(
        {
            "format": 1,
            "id": "long-40",
            "name": "Forty Steps",
            "version": "2.3.4",
            "setting": "clinic",
            "summary": "A long protocol to test page breaks.",
            "defaults": {"current_uA": 200},
            "steps": [
                {
                    "zone": zones[i % 4],
                    "side": ("right", "left")[i % 2],
                    "technique": "glide",
                    "passes": 3,
                    "seconds": 30,
                }
                for i in range(steps)
            ],
        }
    )


def express_variant(folder: Path, new_id: str, *, draft: bool = False, current: int = 250) -> Path:
    """A copy of express-10 under another id: a draft, or with another current."""
    text = (PROTOCOLS / "express-10.yaml").read_text("utf-8")
    text = text.replace("\nid: express-10\n", f"\nid: {new_id}\n", 1)
    if draft:
        text = text.replace("\nsetting: clinic\n", "\nsetting: clinic\nstatus: draft\n", 1)
    text = text.replace("current_uA: 250", f"current_uA: {current}", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{new_id}.yaml"
    path.write_text(text, "utf-8")
    return path


def upload(maker, content: bytes) -> None:
    """Put ``content`` in the sheet maker's appointments upload, as the browser would."""
    maker.day_upload.value = (
        {
            "name": "day.csv",
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )


# -- the client record -------------------------------------------------------------

# The synthetic record seed_record writes: the under-eye current turned down 10 µA a
# visit, the left brow skipped (with a note) on the second visit, a practice run at
# a current no client visit has.
SEED_NOTE = "redness on the left brow"
SEED_PRACTICE_UA = 55.0
SEED_UNDER_EYES_COMFORT = ("tingling", "twitching", "comfortable")


def _seed_result(step: dict, visit: int) -> dict:
    """What one step of seeded visit number ``visit`` (0 first) came to."""
    result = {"step": step["step"], "actual_s": step["seconds"], "outcome": "done"}
    if step["kind"] != "treatment":
        return result
    result["actual_s"] = step["seconds"] - 2
    result["comfort"] = "comfortable"
    if step["zone"] == "under-eyes":
        result["current_uA"] = step["current_uA"] - 10 * visit
        result["comfort"] = SEED_UNDER_EYES_COMFORT[visit % len(SEED_UNDER_EYES_COMFORT)]
    if visit == 1 and step["zone"] == "brows" and step["side"] == "left":
        result.update(skipped=True, outcome="skipped", actual_s=None, note=SEED_NOTE)
        del result["comfort"]
    return result


def seed_record(
    store,
    code: str = "C-0042",
    visits: int = 3,
    *,
    practice: bool = True,
    display_name: str | None = None,
    sheets: int = 1,
    last: dt.date = TODAY,
) -> list[int]:
    """Give ``code`` ``visits`` finished sessions of express-10 four weeks apart, the
    last on ``last`` (synthetic: see SEED_*), some events each, a practice run on TODAY
    when ``practice``, and ``sheets`` printed sheets. The client visits' ids, oldest first.
    """
    from protocol_tools.protocols.loading import load_library
    from protocol_tools.session.record import timeline_steps

    protocol = load_library(PROTOCOLS)["express-10"]
    steps = timeline_steps(protocol)
    store.add_client(code, display_name)
    ids = []
    for index in range(visits):
        day = last - dt.timedelta(weeks=4 * (visits - 1 - index))
        outcome = "adjust" if index % 2 else "proceed"
        visit = store.start_visit(
            code,
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            steps=steps,
            day=day,
            screening={"outcome": outcome, "date": day.isoformat(), "client": code},
        )
        for seq, step in enumerate(steps[:4], start=1):
            row = {key: step.get(key) for key in ("step", "kind", "zone", "side")}
            row.update(seq=seq, event="step_started", planned_s=step["seconds"], source="seed")
            store.add_event(visit, row, clock_id="seed")
        store.finish_visit(visit, [_seed_result(step, index) for step in steps])
        ids.append(visit)
    if practice:
        rehearsal = store.start_visit(
            code,
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            steps=steps,
            day=TODAY,
            practice=True,
        )
        store.finish_visit(
            rehearsal,
            [{"step": s["step"], "current_uA": SEED_PRACTICE_UA} for s in steps if s["zone"]],
        )
    for number in range(sheets):
        name = f"{code}_express-10_{TODAY.isoformat()}_09{number:02d}.pdf"
        store.record_sheet(code, name, protocol_id=protocol.id)
    return ids


def plotly_data(output) -> dict:
    """The one plotly figure an ``ipywidgets.Output`` shows, as plotly's JSON."""
    (shown,) = output.outputs
    return shown["data"]["application/vnd.plotly.v1+json"]


SEED_EARLIER = TODAY - dt.timedelta(weeks=6)


def seed_plan_record(store, today: dt.date = TODAY) -> None:
    """C-0042 (seed_record's three visits, the name "Zoë Example") on the maintenance
    plan from its first visit, next due on 21 December; C-0043 with one visit six
    weeks before TODAY and no plan (due by TODAY, overdue after)."""
    from protocol_tools.records.plans import choose_plan

    seed_record(store, "C-0042", visits=3, display_name="Zoë Example")
    seed_record(store, "C-0043", visits=1, practice=False, sheets=0, last=SEED_EARLIER)
    choose_plan(store, "C-0042", "maintenance", today - dt.timedelta(weeks=8))


# -- work run in other processes --------------------------------------------------


def write_many(folder: str, label: str, count: int) -> list[str]:
    """Save ``count`` files all named alike; the names each one got."""
    return [
        write_new_file(folder, "same-second", ".csv", f"{label}-{n}".encode()).name
        for n in range(count)
    ]


def count_under_lock(lock: str, counter: str, rounds: int) -> None:
    """Add one to the number in ``counter``, ``rounds`` times, each under ``lock``."""
    for _ in range(rounds):
        with file_lock(lock):
            # A read-modify-write that loses updates unless the lock excludes the other process.
            value = int(Path(counter).read_text())
            time.sleep(0.001)
            Path(counter).write_text(str(value + 1))


# -- the browser ------------------------------------------------------------------

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Their content is already in the page: no host is asked.
IN_PAGE_SCHEMES = frozenset({"data", "blob", "about"})


def leaving_this_machine(urls: list[str]) -> list[str]:
    """The URLs that name a host other than this machine."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in IN_PAGE_SCHEMES and urlsplit(url).hostname not in LOCAL_HOSTS
    ]


def record_requests(page) -> list[str]:
    """Every URL the page asks for from now on, stopped or not."""
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda socket: urls.append(socket.url))
    return urls


def set_hidden(page, hidden: bool) -> None:
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, "visibilityState",
                {configurable: true, get: () => hidden ? "hidden" : "visible"});
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def wait_until_settled(page) -> None:
    """Until no request has been made for a while and the fonts in use are loaded."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")


def wait_for_voila_app(page) -> None:
    """Until every cell has run and the widgets stop appearing."""
    page.locator(".jupyter-widgets").first.wait_for()
    page.wait_for_function(
        """() => new Promise(resolve => {
            const count = () => document.querySelectorAll('.jupyter-widgets').length;
            const before = count();
            setTimeout(() => resolve(count() === before && before > 0), 2000);
        })"""
    )
    wait_until_settled(page)


# -- a PostgreSQL server -----------------------------------------------------------

POSTGRES_INSTALLS = Path("/usr/lib/postgresql")
POSTGRES_USER = "postgres"
# Test databases never outlive the run, so durability buys nothing and costs time.
POSTGRES_SPEED = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]


def postgres_bin_dir(installs: Path = POSTGRES_INSTALLS) -> Path | None:
    """The bin/ of the newest PostgreSQL Debian installed (``15``, ``17``…), or None."""
    found = [initdb.parent for initdb in installs.glob("*/bin/initdb")]
    return max(found, key=postgres_version, default=None)


def postgres_version(bin_dir: Path) -> list[int]:
    """The version a Debian bin/ belongs to, from its folder's name: [15], [9, 6]."""
    return [int(n) for n in bin_dir.parent.name.split(".") if n.isdigit()]


@dataclass(frozen=True)
class PostgresServer:
    """A running server reached only through its unix socket; ``postgres`` is trusted."""

    socket_dir: Path
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy's URL for ``database`` on this server, through psycopg 3."""
        return (
            f"postgresql+psycopg://{POSTGRES_USER}@/{database}?host={quote(str(self.socket_dir))}"
        )

    def admin(self) -> psycopg.Connection:
        """A connection to ``postgres`` in autocommit: CREATE and DROP DATABASE refuse
        to run inside a transaction."""
        return psycopg.connect(
            host=str(self.socket_dir), user=POSTGRES_USER, dbname="postgres", autocommit=True
        )


def _server_owner() -> dict:
    """Popen's arguments that run initdb and postgres as a user they accept: both refuse
    root, so root hands them to Debian's ``postgres`` system user."""
    if os.geteuid() != 0:
        return {}
    try:
        owner = pwd.getpwnam(POSTGRES_USER)
    except KeyError:
        pytest.fail(
            f"running as root and there is no {POSTGRES_USER!r} user to run PostgreSQL as: "
            "install Debian's postgresql package (.ci/run does); database tests never skip"
        )
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def _wait_for_postgres(
    server: PostgresServer, process: subprocess.Popen, log: Path, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"postgres exited early:\n{log.read_text()[-3000:]}")
        try:
            with server.admin():
                return
        except psycopg.OperationalError:
            # Refused until the socket exists, then "starting up" until recovery ends.
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"postgres not ready after {seconds} s:\n{log.read_text()[-3000:]}"
                ) from None
        time.sleep(0.05)


@contextlib.contextmanager
def running_postgres(bin_dir: Path, log: Path, seconds: float) -> Iterator[PostgresServer]:
    """A new cluster (initdb) served on a unix socket only until the block ends; its
    output goes to ``log``."""
    owner = _server_owner()
    # Not under pytest's temporary folder: that one is root's alone (0700), and the
    # postgres user must reach its data and socket. A short path also keeps the
    # socket's name under the kernel's 107-byte limit.
    with tempfile.TemporaryDirectory(prefix="protocol-tools-postgres-") as name:
        home = Path(name)
        data, socket_dir = home / "data", home / "socket"
        socket_dir.mkdir()
        if owner:
            for folder in (home, socket_dir):
                os.chown(folder, owner["user"], owner["group"])
        with log.open("w") as stream:
            initdb = [bin_dir / "initdb", "-D", data, "--auth=trust", f"-U{POSTGRES_USER}"]
            # C.UTF-8 rather than C, so upper() and lower() know letters beyond ASCII.
            initdb += ["--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]
            done = subprocess.run(initdb, stdout=stream, stderr=stream, cwd=home, **owner)
            if done.returncode != 0:
                raise RuntimeError(f"initdb failed:\n{log.read_text()[-3000:]}")
            settings = ["listen_addresses=", f"unix_socket_directories={socket_dir}"]
            options = [arg for s in settings + POSTGRES_SPEED for arg in ("-c", s)]
            process = subprocess.Popen(
                [bin_dir / "postgres", "-D", data, *options],
                stdout=stream,
                stderr=stream,
                cwd=home,
                **owner,
            )
        try:
            server = PostgresServer(socket_dir, bin_dir)
            _wait_for_postgres(server, process, log, seconds)
            yield server
        finally:
            # Fast: a test that left a connection open must not hold up the end of the run.
            stop = [bin_dir / "pg_ctl", "stop", "-D", data, "-m", "fast", "--silent"]
            if subprocess.run(stop, cwd=home, check=False, **owner).returncode != 0:
                process.kill()
            process.wait()


@contextlib.contextmanager
def fresh_database(server: PostgresServer) -> Iterator[str]:
    """A new, empty database on ``server`` until the block ends; its SQLAlchemy URL."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with server.admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.url(name)
    finally:
        # FORCE ends the connections a test's engine still pools, instead of failing.
        with server.admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


# -- the client record ---------------------------------------------------------------

# What a test's visits run: a short, ready protocol of the library.
EXPRESS = PROTOCOLS / "express-10.yaml"
# How long a test waits for a worker process (spawned, so it imports everything anew).
WORKER_SECONDS = 120


def express_protocol() -> Protocol:
    return load_protocol(EXPRESS)


def screening_of(code: str, day: dt.date = TODAY, **answers) -> dict:
    """The real screening of a synthetic intake (every answer "no" unless changed), as
    ``ScreeningResult.to_dict()`` gives it to the record."""
    intake = intake_answers(client=code, date=day, **answers)
    return screen(intake).to_dict()


def first_treatment(steps: list[dict]) -> dict:
    return next(step for step in steps if step["kind"] == "treatment")


def run_session(
    store, code: str, day: dt.date = TODAY, *, turned_down: float | None = None, **visit
) -> int:
    """A whole session through the recorder: the first treatment step run to its end
    (turned down to ``turned_down`` µA if given, with a reason), then finished; its id."""
    protocol = express_protocol()
    recorder = VisitRecorder(store, code, protocol, day=day, **visit)
    record = SessionRecord(recorder.steps)
    recorder.attach(record)
    step = first_treatment(recorder.steps)["step"]
    clock = uuid.uuid4().hex[:16]
    record.receive({"event": "started", "seq": 1, "clock_id": clock, "at_ms": 1.79e12})
    record.receive({"event": "step_started", "seq": 2, "clock_id": clock, "step": step})
    if turned_down is not None:
        record.adjust(step, current_uA=turned_down, reason="client felt a zap")
    ended = {"event": "step_ended", "seq": 3, "clock_id": clock, "step": step, "actual_s": 61.5}
    record.receive(ended)
    record.receive({"event": "finished", "seq": 4, "clock_id": clock})
    recorder.finish(record)
    assert recorder.problems == []
    return recorder.visit_id


def count_rows(store, model, **where) -> int:
    """How many rows of ``model`` (a table of records.schema) match ``where``."""
    query = select(func.count()).select_from(model).filter_by(**where)
    with store.reading() as session:
        return session.scalar(query)


def record_visits(location: str, code: str, visits: int, events: int, start) -> None:
    """In another process: wait for the others at ``start``, then run ``visits`` visits
    of ``code``, each storing ``events`` events one transaction at a time."""
    store = RecordStore(location)
    try:
        steps = timeline_steps(express_protocol())
        start.wait(WORKER_SECONDS)
        for _ in range(visits):
            visit = store.start_visit(
                code, protocol_id="express-10", protocol_version="1.0.0", steps=steps, day=TODAY
            )
            clock = uuid.uuid4().hex[:16]
            for seq in range(1, events + 1):
                row = {"seq": seq, "event": "step_started", "step": 1}
                assert store.add_event(visit, row, clock_id=clock)
            store.finish_visit(visit, [{"step": 1, "actual_s": 1.0, "outcome": "done"}])
    finally:
        store.close()


def add_clients(location: str, codes: list[str], start) -> None:
    """In another process: wait for the others at ``start``, then add every client of
    ``codes`` (the others add the same ones at the same moment)."""
    store = RecordStore(location)
    try:
        start.wait(WORKER_SECONDS)
        for code in codes:
            assert store.add_client(code).code == code
    finally:
        store.close()


def open_new_record(location: str, code: str, start) -> None:
    """In another process: wait for the others at ``start``, then open the record
    (one that does not exist yet) and add client ``code``."""
    start.wait(WORKER_SECONDS)
    store = RecordStore(location)
    try:
        store.add_client(code)
    finally:
        store.close()


def die_mid_visit(location: str, code: str, events: int, ready) -> None:
    """In another process: commit a finished visit with ``events`` events, then write a
    second visit with its steps and events in one transaction, tell the test it is
    written but not committed (``ready``) and wait there to be killed."""
    store = RecordStore(location)
    steps = timeline_steps(express_protocol())
    visit = store.start_visit(
        code, protocol_id="express-10", protocol_version="1.0.0", steps=steps, day=TODAY
    )
    for seq in range(1, events + 1):
        store.add_event(visit, {"seq": seq, "event": "step_started", "step": 1})
    store.finish_visit(visit, [])
    with store.transaction() as session:
        half = Visit(client_id=client_row(session, code).id, day=TODAY, status="open")
        half.created_at = now()
        session.add(half)
        session.flush()
        session.add_all(planned_step(half.id, step) for step in steps)
        session.add_all(Event(visit_id=half.id, seq=n, event="step_started") for n in range(50))
        session.flush()
        ready.set()
        time.sleep(WORKER_SECONDS)  # killed long before this ends


# -- plans and the front desk (issue 12) -----------------------------------------------


def bulk_clients(store, clients: dict) -> None:
    """Write every client of ``clients`` in one transaction of bulk inserts (synthetic:
    a visit is a finished express-10 session without steps). ``clients`` maps a code to
    ``{"visits": [days], "practice": [days], "plans": [(plan id, kind, start, ended_on)],
    "home": [days]}`` (every key optional)."""
    from sqlalchemy import insert

    from protocol_tools.records.schema import Client, ClientPlan, HomeSession

    moment = now()
    with store.transaction() as session:
        added = session.execute(
            insert(Client).returning(Client.code, Client.id),
            [{"code": code, "created_at": moment} for code in clients],
        )
        ids = dict(added.all())
        visits, plans, home = [], [], []
        for code, given in clients.items():
            for day, practice in [(d, False) for d in given.get("visits", ())] + [
                (d, True) for d in given.get("practice", ())
            ]:
                visits.append(
                    {
                        "client_id": ids[code],
                        "day": day,
                        "status": "finished",
                        "practice": practice,
                        "protocol_id": "express-10",
                        "protocol_version": "1.0.0",
                        "created_at": moment,
                    }
                )
            for plan_id, kind, start, ended_on in given.get("plans", ()):
                plans.append(
                    {
                        "client_id": ids[code],
                        "plan_id": plan_id,
                        "kind": kind,
                        "start": start,
                        "ended_on": ended_on,
                        "created_at": moment,
                    }
                )
            home += [
                {"client_id": ids[code], "day": day, "created_at": moment}
                for day in given.get("home", ())
            ]
        for model, rows in ((Visit, visits), (ClientPlan, plans), (HomeSession, home)):
            if rows:
                session.execute(insert(model), rows)


# -- a class on JupyterHub (issue 13) ------------------------------------------------

HUB_DIR = ROOT / "hub"


def hub_module(name: str):
    """The script ``hub/<name>.py`` as a module (hub/ is scripts, not a package)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(f"hub_{name}", HUB_DIR / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def stop_processes_under(folder: Path, seconds: float = 15) -> list[int]:
    """Stop every process working in ``folder`` or naming it on its command line (a
    hub's proxy, the servers it spawned and their kernels, which run in sessions of
    their own); their ids. This process is never one of them."""
    import psutil

    found = []
    for process in psutil.process_iter(["pid", "cwd", "cmdline"]):
        if process.pid == os.getpid():
            continue
        cwd, command = process.info["cwd"], " ".join(process.info["cmdline"] or ())
        if (cwd and Path(cwd).is_relative_to(folder)) or str(folder) in command:
            found.append(process)
    for process in found:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
    _gone, alive = psutil.wait_procs(found, timeout=seconds)
    for process in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(alive, timeout=seconds)
    return [process.pid for process in found]


def server_environment(user: str):
    """The environment of the workbook server JupyterHub runs for hub user ``user``
    (None when no such server runs)."""
    import psutil

    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or ())
        if "jupyterhub-singleuser" not in command:
            continue
        with contextlib.suppress(psutil.Error):
            environment = process.environ()
            if environment.get("JUPYTERHUB_USER") == user:
                return environment
    return None


def server_memory(user: str) -> int:
    """Bytes resident of hub user ``user``'s workbook server with its kernels."""
    import psutil

    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or ())
        with contextlib.suppress(psutil.Error):
            if (
                "jupyterhub-singleuser" in command
                and process.environ().get("JUPYTERHUB_USER") == user
            ):
                tree = [process, *process.children(recursive=True)]
                return sum(p.memory_info().rss for p in tree)
    raise LookupError(f"no workbook server runs for {user}")
