"""Plain words in every app: served by Voilà, no page shows a Python name, a rule's
code or an internal outcome id to the people who use it.

Every notebook in notebooks/ (found by glob, so a notebook added later is walked
too) is opened in Debian's chromium from the shared Voilà (conftest's
``voila_tree``). The text a person can see (and the tooltips and accessible names
they can hear) is read once the widgets have rendered, and again after the obvious
first actions of the apps that have them: a screening, a practice answer revealed,
the guided session run to its end, a protocol with mistakes opened where findings
show. A notebook may explain the Python API or the command line in a cell tagged
``for-coders``: JupyterLab shows it, the workbook's Voilà template leaves it out.

What may not be seen is read from the package and its data, never copied here: the
public API's names with an underscore (``protocol_tools.__all__``), the field names
of the protocol format, the intake and the package's tables, every rule code of
``data/rules.yaml``, every screening rule id that is no plain word, the practice
clients' file names, the environment variables of ``core.paths``, and the outcome
ids of ``data/contraindications.yaml`` where they stand as bare words.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

import protocol_tools
from conftest import NOTEBOOKS, PROTOCOLS
from helpers import wait_for_voila_app, wait_until_settled
from protocol_tools import Intake, Protocol, Step, TimelineEntry, load_library, parse_protocol
from protocol_tools.core import paths
from protocol_tools.protocols.model import ChangeNote, Defaults
from protocol_tools.reference.data import reference
from protocol_tools.screening.rules import OUTCOME_IDS, practice_clients, screening_rules
from protocol_tools.session.gate import prep_checklist

pytestmark = pytest.mark.browser

NOTEBOOK_NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))

# -- what a person may not see: read from the package and its data ------------------


def _field_names(*kinds: type) -> set[str]:
    names: set[str] = set()
    for kind in kinds:
        fields = getattr(kind, "model_fields", None)
        names |= set(fields) if fields else {f.name for f in dataclasses.fields(kind)}
    return names


def _words(tokens: set[str]) -> str:
    """One pattern for the tokens, each standing alone (not inside a longer name)."""
    alternatives = "|".join(map(re.escape, sorted(tokens, key=len, reverse=True)))
    return rf"(?<![\w-])(?:{alternatives})(?![\w-])"


@cache
def forbidden() -> dict[str, re.Pattern[str]]:
    """What no app may show, by kind: a pattern each (one source of truth: the package)."""
    library = load_library(PROTOCOLS)
    express = library["express-10"]
    python_names = {name for name in protocol_tools.__all__ if "_" in name.strip("_")}
    python_names.add(protocol_tools.__name__)
    fields = _field_names(Protocol, Step, Defaults, ChangeNote, TimelineEntry, Intake)
    fields |= set(library.table().columns) | set(express.to_frame().columns)
    fields |= set(screening_rules().lists)
    screening_ids = {rule.id for rule in screening_rules().rules}
    screening_ids |= {item for listed in screening_rules().lists.values() for item in listed.ids}
    outcomes = "|".join(OUTCOME_IDS)
    return {
        "a name of the Python API": re.compile(_words(python_names)),
        "a field name as code writes it": re.compile(_words({f for f in fields if "_" in f})),
        "Python code": re.compile(
            r"\bpt\.\w|(?m:^\s*(?:from\s+\S+\s+)?import\s+\w)|\bdef \w+\(|\bsteps\[\d"
        ),
        "a Python value": re.compile(r"\b(?:None|True|False)\b"),
        # Voilà's own words for a cell that failed stand for the traceback it hides.
        "a traceback": re.compile(r"Traceback|\w+Error:|error when executing cell"),
        "a rule code": re.compile(_words(set(reference().rules))),
        # Ids that are plain words ("pacemaker", "braces") may be said as words.
        "a screening rule id": re.compile(_words({i for i in screening_ids if "-" in i})),
        "a practice client's file name": re.compile(_words(set(practice_clients()))),
        "an environment variable": re.compile(
            _words({getattr(paths, name) for name in dir(paths) if name.endswith("_ENV")})
        ),
        "an outcome id": re.compile(
            rf"(?i:outcome:?\s*(?:{outcomes})\b)|\[(?:{outcomes})\]"
            rf"|\b(?:{'|'.join(o.upper() for o in OUTCOME_IDS)})\b"
        ),
    }


# What a person sees or hears: the page's text, the tooltips and accessible names of
# what is shown, and each element that holds text of its own (an outcome id alone in
# a table cell or a badge is as bad as after "Outcome:").
SHOWN_SCRIPT = """() => {
  const shown = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const attributes = [...document.querySelectorAll('[title], [aria-label], [placeholder]')]
    .filter(shown)
    .flatMap(el => ['title', 'aria-label', 'placeholder'].map(name => el.getAttribute(name)))
    .filter(Boolean);
  const own = [...document.querySelectorAll('body *')]
    .filter(el => el.children.length === 0 && shown(el))
    .map(el => el.textContent.trim())
    .filter(Boolean);
  return {text: document.body.innerText, attributes, own};
}"""


def offenders(page) -> list[str]:
    """Every forbidden token the page shows now, with what it stands in."""
    shown = page.evaluate(SHOWN_SCRIPT)
    texts = [shown["text"], *shown["attributes"]]
    found = []
    for kind, pattern in forbidden().items():
        for text in texts:
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 50) : match.end() + 50].replace("\n", " ")
                found.append(f"{kind}: {match.group()!r} in …{around}…")
    found += [
        f"an outcome id: {text!r} standing alone" for text in shown["own"] if text in OUTCOME_IDS
    ]
    return sorted(set(found))


# -- a protocol with mistakes, so that findings show where apps show them -------------

MISTAKES_ID = "plain-words-check"


def protocol_with_mistakes() -> str:
    """express-10 with errors and warnings whose messages quote field names: a target
    that does not match, a hold without its time, a current inherited from the
    defaults above a zone's limit, a current that is no microcurrent, sides apart."""
    text = (PROTOCOLS / "express-10.yaml").read_text("utf-8")
    for old, new in (
        ("id: express-10", f"id: {MISTAKES_ID}"),
        ("name: Express Lift", "name: Plain Words Check"),
        ("target_minutes: 10", "target_minutes: 14"),
        ("    hold_seconds: 2\n", ""),  # the right jawline's
        ("    current_uA: 150\n", ""),  # the right under-eyes inherit 250 µA
        (
            "    seconds: 75\n    hold_seconds: 2\n    cue: Along",
            "    seconds: 60\n    hold_seconds: 2\n    cue: Along",
        ),  # the left cheekbones
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    head, _, tail = text.rpartition("current_uA: 180")  # the left brows
    return f"{head}current_uA: 5000{tail}"


@pytest.fixture(scope="module")
def mistakes(app_library: Path) -> Iterator[Protocol]:
    """The protocol with mistakes in the apps' library for this file's tests."""
    path = app_library / f"{MISTAKES_ID}.yaml"
    path.write_text(protocol_with_mistakes(), "utf-8")
    try:
        yield parse_protocol(path.read_text("utf-8"), path.name)
    finally:
        path.unlink()


def test_the_protocol_with_mistakes_has_the_findings_the_apps_must_word():
    from protocol_tools import validate

    protocol = parse_protocol(protocol_with_mistakes(), f"{MISTAKES_ID}.yaml")
    codes = {finding.code for finding in validate(protocol)}
    assert {
        "target-mismatch",
        "hold-without-time",
        "above-zone-limit",
        "not-microcurrent",
        "side-imbalance",
    } <= codes
    messages = " ".join(finding.message for finding in validate(protocol))
    assert "hold_seconds" in messages
    assert "defaults.current_uA" in messages


# -- each app's first actions -----------------------------------------------------------
# A walk does what a person would do first and yields, in words, each state worth
# reading: the page is read at every yield.

Walk = Callable[..., Iterator[str]]


def _start_page(page, protocol: Protocol) -> Iterator[str]:
    page.get_by_text(f"{MISTAKES_ID}.yaml", exact=False).first.wait_for()
    yield "the library's files checked, one with mistakes"
    page.get_by_label("Protocol", exact=True).select_option(
        label=f"{protocol.name} — {protocol.id}"
    )
    page.locator(".pt-findings").nth(1).wait_for()
    yield "the protocol with mistakes looked at"


def _screening_practice(page, protocol: Protocol) -> Iterator[str]:
    del protocol
    page.get_by_role("button", name="Screen this client").click()
    page.locator(".pt-refused").wait_for()
    yield "an empty intake screened"
    quiz = page.locator(".pt-practice-quiz")
    quiz.get_by_role("combobox", name="Practice client").select_option(
        label="c13 retinoid and filler"
    )
    quiz.get_by_role("button", name="Reveal the answer").click()  # no decision yet
    quiz.get_by_text("Choose your decision first", exact=False).wait_for()
    yield "an answer asked for before a decision"
    quiz.get_by_role("button", name="✔ May be treated").click()
    quiz.get_by_role("button", name="Reveal the answer").click()
    quiz.locator(".pt-result").wait_for()
    yield "a practice answer revealed"


def _guided_session(page, protocol: Protocol) -> Iterator[str]:
    picker = page.get_by_label("Protocol", exact=True)
    minutes = f"{protocol.total_seconds / 60:.0f}"
    picker.select_option(label=f"{protocol.name} — {protocol.id} ({minutes} min)")
    page.get_by_text("This protocol cannot be run:").wait_for()
    yield "a protocol with errors chosen"
    page.get_by_label("Or practise with a synthetic client").select_option(label="c05 pacemaker")
    page.locator(".pt-result-area .pt-outcome").filter(has_text="Do not treat").wait_for()
    yield "a client who may not be treated screened"
    express = load_library(PROTOCOLS)["express-10"]
    picker.select_option(
        label=f"{express.name} — {express.id} ({express.total_seconds / 60:.0f} min)"
    )
    page.get_by_label("Or practise with a synthetic client").select_option(label="c01 all clear")
    page.locator(".pt-result-area .pt-outcome").filter(has_text="May be treated").wait_for()
    page.get_by_label("Speed").select_option(label="Rehearsal: 60× faster")
    for item in prep_checklist():
        page.get_by_label(item["text"]).check()
    page.get_by_text("Ready:").wait_for()
    yield "ready to start"
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("button", name="Skip", exact=True).click()
    yield "running"
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.locator(".pt-summary")).to_contain_text("Planned (s)")
    yield "a rehearsal finished"


def _designer(page, protocol: Protocol) -> Iterator[str]:
    page.get_by_label("Start from").select_option(
        label=f"{protocol.name} — {protocol.id} {protocol.version}"
    )
    page.get_by_role("button", name="Open", exact=True).click()
    page.get_by_text("Checks: ", exact=False).first.wait_for()
    page.locator(".pt-findings").first.wait_for()
    yield "a protocol with mistakes opened"


def _session_sheets(page, protocol: Protocol) -> Iterator[str]:
    page.get_by_label("Protocol", exact=True).select_option(
        label=f"{protocol.name} — {protocol.id}"
    )
    page.get_by_label("Intake", exact=True).select_option(label="c05 pacemaker")
    page.get_by_text("Session date set to", exact=False).wait_for()
    yield "a practice intake chosen"
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("cannot be printed on a session sheet", exact=False).wait_for()
    yield "a protocol with errors refused"


def _client_record(page, protocol: Protocol) -> Iterator[str]:
    del protocol
    # The practice client the guided session stored a rehearsal for, when it ran first.
    page.get_by_label("Client code", exact=True).fill("C-1001")
    page.get_by_role("button", name="Open").click()
    opened = page.get_by_role("heading", name="Client C-1001")
    opened.or_(page.get_by_text("Not opened:")).first.wait_for()
    yield "a client opened"


FIRST_ACTIONS: dict[str, Walk] = {
    "00_start_here.ipynb": _start_page,
    "01_screening_practice.ipynb": _screening_practice,
    "02_guided_session.ipynb": _guided_session,
    "03_protocol_designer.ipynb": _designer,
    "04_session_sheets.ipynb": _session_sheets,
    "06_client_record.ipynb": _client_record,
}


def _no_first_actions(page, protocol: Protocol) -> Iterator[str]:
    del page, protocol
    yield from ()


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_every_app_speaks_plain_words(name, voila_tree, mistakes, page):
    page.goto(f"{voila_tree}/voila/render/{name}", wait_until="load")
    wait_for_voila_app(page)
    assert "There was an error when executing cell" not in page.inner_text("body")
    found = [f"as opened: {shown}" for shown in offenders(page)]
    walk = FIRST_ACTIONS.get(name, _no_first_actions)(page, mistakes)
    state = "as opened"
    while True:
        try:
            state = next(walk)
        except StopIteration:
            break
        except PlaywrightTimeoutError:  # say where the walk stopped, and what was shown
            shown = " ".join(page.inner_text("body").split())
            pytest.fail(f"{name}: stuck after {state!r}; the page shows …{shown[-1500:]}")
        wait_until_settled(page)
        found += [f"{state}: {shown}" for shown in offenders(page)]
    assert found == [], f"{name} shows code words:\n" + "\n".join(found)
    assert page.errors == []


def test_a_cell_for_coders_is_in_the_notebook_but_not_in_its_app(voila_tree, page):
    # The designer explains its Python API in a cell tagged for-coders.
    name = "03_protocol_designer.ipynb"
    source = (NOTEBOOKS / name).read_text("utf-8")
    assert '"for-coders"' in source
    assert "pt.ProtocolDraft" in source
    page.goto(f"{voila_tree}/voila/render/{name}", wait_until="load")
    wait_for_voila_app(page)
    body = page.inner_text("body")
    assert "Design your own protocol" in body
    assert "ProtocolDraft" not in body
    assert "The same from Python" not in body
