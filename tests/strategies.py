"""Hypothesis strategies, all in one place (the attrs way)."""

from __future__ import annotations

import copy as _copy
import datetime as _dt
import io as _io
from dataclasses import fields

from hypothesis import strategies as st

from protocol_tools import reference
from protocol_tools.screening.fields import Intake
from protocol_tools.screening.rules import screening_rules as _screening_rules

# The intake's yes/no and pick-from-a-list questions, read from the Intake format
# itself so tests never keep their own copy of the field names.
YES_NO_FIELDS = tuple(f.name for f in fields(Intake) if f.type == "bool")
LIST_FIELDS = tuple(f.name for f in fields(Intake) if str(f.type).startswith("tuple"))

# -- YAML-ish documents and protocols (foundation) -----------------------------
# Printable text: YAML folds control characters and line separators, by design.
printable = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"),
    max_size=40,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    printable,
)

# Any JSON-like document: what a confused or hostile editor might produce.
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(printable.filter(bool), children, max_size=6),
    ),
    max_leaves=30,
)

slugs = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


@st.composite
def treatment_steps(draw):
    ref = reference()
    zone = draw(st.sampled_from(sorted(ref.zones)))
    technique = draw(st.sampled_from(sorted(ref.techniques)))
    step = {
        "zone": zone,
        "side": draw(st.sampled_from(["left", "right", "both"])),
        "technique": technique,
        "passes": draw(st.integers(min_value=1, max_value=6)),
        "seconds": draw(st.integers(min_value=5, max_value=180)),
    }
    if ref.techniques[technique].uses_hold:
        step["hold_seconds"] = draw(st.integers(min_value=1, max_value=3))
    if draw(st.booleans()):
        step["current_uA"] = draw(st.integers(min_value=10, max_value=150))
    return step


action_steps = st.builds(
    lambda kind, seconds: {"kind": kind, "action": f"{kind} action", "seconds": seconds},
    st.sampled_from(["prep", "closing"]),
    st.integers(min_value=10, max_value=120),
)


@st.composite
def protocol_documents(draw):
    """Well-formed protocol data (it may still draw warnings, never format errors)."""
    steps = draw(st.lists(st.one_of(treatment_steps(), action_steps), min_size=1, max_size=25))
    if not any(step.get("kind", "treatment") == "treatment" for step in steps):
        steps.append(draw(treatment_steps()))
    return {
        "format": 1,
        "id": draw(slugs),
        "name": "Generated protocol",
        "version": "1.0.0",
        "setting": draw(st.sampled_from(["clinic", "home"])),
        "summary": "Made by Hypothesis.",
        "defaults": {"current_uA": 100, "frequency_hz": 0.5},
        "steps": steps,
    }


# -- intakes (issue 3) begin


INTAKE_SESSION = _dt.date(2026, 11, 23)  # the practice clients' day
# Session dates drawn around it, leap days and year ends included, so no rule can
# pass only on the day the examples were written for.
intake_sessions = st.one_of(
    st.just(INTAKE_SESSION),
    st.dates(min_value=_dt.date(2000, 1, 1), max_value=_dt.date(2099, 12, 31)),
    st.sampled_from([_dt.date(2028, 2, 29), _dt.date(2027, 1, 1), _dt.date(2026, 12, 31)]),
)


def _intake_list_ids(name: str) -> list[str]:
    return _screening_rules().lists[name].ids


@st.composite
def intakes(draw):
    """Complete, well-formed intake data (any mix of answers) on a drawn session date."""
    session = draw(intake_sessions)

    def days_before(days: int) -> _dt.date:
        return session - _dt.timedelta(days=days)

    birth = days_before(draw(st.integers(min_value=16 * 365, max_value=90 * 365)))
    age_days = (session - birth).days
    recent = st.one_of(
        st.none(), st.integers(min_value=0, max_value=min(40, age_days)).map(days_before)
    )
    ids = {
        name: draw(st.lists(st.sampled_from(_intake_list_ids(name)), max_size=3, unique=True))
        for name in LIST_FIELDS
    }
    data = {
        "client": draw(st.from_regex(r"[A-Z]{1,3}-[0-9]{1,6}", fullmatch=True)),
        "date": session,
        "birth_date": birth,
        "last_retinoid_use": draw(recent),
        "last_injectable": draw(recent),
        **ids,
    }
    for name in YES_NO_FIELDS:
        data[name] = draw(st.booleans())
    return data


# Values of the wrong type for each kind of intake answer.
_not_bool = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.lists(st.booleans(), max_size=2),
)
wrong_intake_values = {
    "yes-no": _not_bool.filter(lambda v: v is not None),
    "date": st.one_of(
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=False),
        st.text(max_size=12).filter(lambda t: not t[:1].isdigit()),
        st.lists(st.integers(), max_size=2),
    ),
    "list": st.one_of(
        st.integers(),
        st.booleans(),
        st.text(min_size=1, max_size=12),
        st.lists(
            st.one_of(st.integers(), st.text(max_size=5).map(lambda t: t + "?")),
            min_size=1,
            max_size=3,
        ),
    ),
    "code": st.one_of(
        st.integers(),
        st.booleans(),
        st.lists(st.text(), max_size=2),
        st.text(max_size=30).filter(lambda t: not any(c.isdigit() for c in t)),
    ),
}
# -- intakes (issue 3) end
# -- intakes (issue 3) end

# -- designer edits (issue 6) begin
_STEP_KINDS = ["prep", "treatment", "closing"]
_SIDES = ["left", "right", "both"]


@st.composite
def _field_values(draw):
    """A step field and a value the designer accepts for it."""
    ref = reference()
    name = draw(
        st.sampled_from(
            [
                "zone",
                "side",
                "technique",
                "passes",
                "seconds",
                "hold_seconds",
                "current_uA",
                "cue",
                "rewet_gel",
                "kind",
            ]
        )
    )
    values = {
        "zone": st.sampled_from(sorted(ref.zones)),
        "side": st.sampled_from(_SIDES),
        "technique": st.sampled_from(sorted(ref.techniques)),
        "passes": st.integers(min_value=1, max_value=8),
        "seconds": st.one_of(
            st.integers(min_value=1, max_value=600), st.floats(min_value=0.5, max_value=600)
        ),
        "hold_seconds": st.one_of(st.none(), st.floats(min_value=0.5, max_value=5)),
        "current_uA": st.one_of(st.none(), st.integers(min_value=10, max_value=990)),
        "cue": st.one_of(st.none(), st.text(max_size=60)),
        "rewet_gel": st.booleans(),
        "kind": st.sampled_from(_STEP_KINDS),
    }
    return name, draw(values[name])


_positions = st.integers(min_value=0, max_value=10**6)

designer_edit = st.one_of(
    st.tuples(st.just("add"), _positions, st.sampled_from(_STEP_KINDS)),
    st.tuples(st.just("remove"), _positions),
    st.tuples(st.just("duplicate"), _positions),
    st.tuples(st.just("move"), _positions, st.sampled_from([-1, 1])),
    st.tuples(st.just("set"), _positions, _field_values()),
    st.tuples(st.just("mirror"), _positions),
)


def designer_edits(max_size: int = 25):
    """Sequences of designer edits; positions are taken modulo the step count."""
    return st.lists(designer_edit, max_size=max_size)


def apply_edit(draft, edit) -> None:
    """Apply one drawn edit; only the refusals a user can meet are tolerated."""
    from protocol_tools import ProtocolFileError

    action, position, *rest = edit
    index = position % len(draft)
    try:
        if action == "add":
            draft.add_step(position % (len(draft) + 1), kind=rest[0])
        elif action == "remove":
            draft.remove_step(index)
        elif action == "duplicate":
            draft.duplicate_step(index)
        elif action == "move":
            draft.move_step(index, rest[0])
        elif action == "set":
            name, value = rest[0]
            draft.set_field(index, name, value)
        elif action == "mirror":
            draft.mirror_block(index)
    except IndexError:
        assert action == "move"  # moving the first step up or the last one down
    except ProtocolFileError as error:
        codes = {finding.code for finding in error.findings}
        # the last step cannot go; only one-side treatment steps mirror; cue too long
        assert codes <= {"missing-field", "bad-value"}, codes


def edited_blank(edits):
    """A blank designer draft with ``edits`` applied, in order."""
    from protocol_tools import ProtocolDraft

    draft = ProtocolDraft.blank()
    for edit in edits:
        apply_edit(draft, edit)
    return draft


# Anything a caller of the Python API might pass, well meant or not.
_any_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_any_index = st.one_of(st.integers(min_value=-2, max_value=14), _any_value)
_step_field_names = st.one_of(
    st.sampled_from(
        [
            *("zone", "side", "technique", "passes", "seconds", "hold_seconds"),
            *("current_uA", "frequency_hz", "cue", "action", "direction", "rewet_gel", "kind"),
        ]
    ),
    _any_value,
)
_protocol_field_names = st.one_of(
    st.sampled_from(
        [
            *("name", "summary", "setting", "scope", "target_minutes", "author"),
            *("description", "defaults.current_uA", "defaults.frequency_hz", "defaults.nope"),
            "id",
        ]
    ),
    _any_value,
)
designer_call = st.one_of(
    st.tuples(st.just("set_field"), st.tuples(_any_index, _step_field_names, _any_value)),
    st.tuples(st.just("set_protocol_field"), st.tuples(_protocol_field_names, _any_value)),
    st.tuples(st.just("move_step"), st.tuples(_any_index, _any_value)),
    st.tuples(st.sampled_from(["add_step"]), st.tuples(_any_index)),
    st.tuples(
        st.sampled_from(["remove_step", "duplicate_step", "mirror_block", "step", "block_of"]),
        st.tuples(_any_index),
    ),
    st.tuples(st.just("get"), st.tuples(_protocol_field_names)),
)


def designer_calls(max_size: int = 20):
    """Sequences of (method name, arguments) for a ProtocolDraft, with any values at all."""
    return st.lists(designer_call, max_size=max_size)


# -- designer edits (issue 6) end

# -- session timer (issue 9) begin
# What a front end might send where the timer expects a number: anything JSON can
# carry, and more (a kernel-side caller can pass ints too large for a float).
browser_numbers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.sampled_from([1e20, -1.0, 2.0**53, 253402300800000.0]),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
)

# Text that a spreadsheet would run as a formula, or that would start a new row:
# formula starts, and line breaks of every kind, before or inside the text.
_FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
_LINE_BREAKS = ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"]
spreadsheet_hostile_text = st.lists(
    st.one_of(
        st.sampled_from(_FORMULA_STARTS + _LINE_BREAKS),
        st.sampled_from(['=cmd|" /C calc"!A0', '=HYPERLINK("http://x")', "@SUM(1+1)", ","]),
        st.text(max_size=6),
    ),
    min_size=1,
    max_size=6,
).map("".join)


@st.composite
def browser_events(draw, events: tuple[str, ...], steps: int):
    """One event message as a front end might send it, with any values in its fields."""
    return {
        "clock_id": draw(st.one_of(st.just("clock-1"), st.text(max_size=70), browser_numbers)),
        "seq": draw(st.one_of(st.integers(min_value=1, max_value=50), browser_numbers)),
        "event": draw(st.one_of(st.sampled_from(events), browser_numbers)),
        "step": draw(st.one_of(st.integers(min_value=0, max_value=steps + 1), browser_numbers)),
        "at_ms": draw(st.one_of(st.floats(min_value=0, max_value=2e12), browser_numbers)),
        "actual_s": draw(st.one_of(st.floats(min_value=0, max_value=600), browser_numbers)),
        "reason": draw(st.one_of(spreadsheet_hostile_text, browser_numbers)),
    }


# -- session timer (issue 9) end

# -- validation speed (issue 14) begin
# The quick YAML reader and the quick format check must say exactly what the bounded
# event builder and the model say, on any text and any data: these draw both.

# Pieces of YAML, significant and hostile: put together at random they make plain
# documents, tagged and aliased ones, duplicate and merge keys, tabs, flow collections,
# several documents, odd scalars and plain syntax errors.
_YAML_PIECES = (
    *("a", "b", "seconds", "zone", "1", "true", "~", "<<", "Zoë 𝄞"),
    *(": ", ":", "- ", "-", "? ", ", ", "[", "]", "{", "}", "\n", "\n  ", "\n    ", "  "),
    *("'q'", '"d\\n"', "|\n  x\n", ">\n  y\n", "# c", "---\n", "...\n", "%YAML 1.2\n"),
    *("&a ", "*a", "!!str ", "!!int ", "! ", "!x ", "!!python/name:os.system "),
    *("45", "-30", "0.5", "1.0.0", "1e3", ".nan", "-.inf", "0x1F", "0o17", "007"),
    *("2026-11-23", "2026-02-30", "2026-11-23T10:00:00Z", "null", "yes", "\t", "x" * 30),
    *("[" * 12, "]" * 12, "{a: " * 12, "- " * 12, "\n" + " " * 12 + "- "),
)
yaml_texts = st.lists(st.sampled_from(_YAML_PIECES), max_size=40).map("".join)

# Values a person or a broken editor might put in any field of a protocol.
_FIELD_VALUES = st.one_of(
    st.sampled_from(
        [None, True, False, 0, 1, -1, 45, 45.0, 0.5, 2**53, 2**60, 1e308, 10**400, "", " "]
    ),
    st.sampled_from(["x" * 301, "1.0.0", "1.0.0\n", "١.٠.٠", "Demo-Lift", "demo-lift", "l"]),
    st.sampled_from(["left", "right", "both", "treatment", "prep", "clinic", "home"]),
    st.sampled_from([[], {}, [1], {"a": 1}, _dt.date(2026, 11, 23), "jawline", "glide"]),
    st.sampled_from([float("inf"), float("nan"), "full-face", "targeted", "draft"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    printable,
).map(_copy.deepcopy)  # a list or dict drawn is the example's own, never shared


@st.composite
def changed_protocol_documents(draw):
    """Protocol data, then a few changes anywhere: a value replaced by anything, a field
    left out or one added, a step dropped or made something else."""
    document = draw(protocol_documents())
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        steps = document.get("steps")
        places = [document]
        if isinstance(document.get("defaults"), dict):
            places.append(document["defaults"])
        if isinstance(steps, list):
            places += [step for step in steps if isinstance(step, dict)]
        place = draw(st.sampled_from(places))
        change = draw(st.sampled_from(["value", "remove", "add", "step"]))
        if change == "value" or not place:
            key = draw(st.one_of(st.sampled_from(sorted(place) or ["id"]), printable))
            place[key] = draw(_FIELD_VALUES)
        elif change == "remove":
            del place[draw(st.sampled_from(sorted(place)))]
        elif change == "add":
            place[draw(printable.filter(bool))] = draw(_FIELD_VALUES)
        elif isinstance(steps, list) and steps:
            steps[draw(st.integers(0, len(steps) - 1))] = draw(_FIELD_VALUES)
    return document


@st.composite
def changed_protocol_texts(draw):
    """A protocol file's text with a few slips of the keyboard: a character dropped,
    added or doubled, a tab, a line repeated or two lines swapped."""
    from ruamel.yaml import YAML

    stream = _io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = draw(st.sampled_from([False, None]))
    writer.dump(draw(protocol_documents()), stream)
    text = stream.getvalue()
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
        change = draw(st.sampled_from(["drop", "insert", "double", "line", "swap"]))
        if change == "drop":
            text = text[:at] + text[at + 1 :]
        elif change == "insert":
            text = text[:at] + draw(st.sampled_from(_YAML_PIECES)) + text[at:]
        elif change == "double":
            text = text[:at] + text[at : at + 1] * 2 + text[at + 1 :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            if change == "line":
                lines.insert(i, lines[j])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


# -- validation speed (issue 14) end
