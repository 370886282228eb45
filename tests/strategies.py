"""Hypothesis strategies, all in one place (the attrs way)."""

from __future__ import annotations

from hypothesis import strategies as st

from protocol_tools import reference

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
# -- intakes (issue 3) end
# -- intakes (issue 3) end

# -- designer edits (issue 6) begin
# -- designer edits (issue 6) end
