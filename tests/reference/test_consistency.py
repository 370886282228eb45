"""The checks across fields of ``data/plans.yaml``: a plan a clinic edits wrongly (zero
or negative intervals, a count of 10,000, two ways to repeat, a unit that is none, a
plan longer than the file's bound) is refused naming the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protocol_tools.core.errors import ReferenceDataError
from protocol_tools.reference.data import plans_file

# The first phases of the shipped starter-course (plans[0]), as the file spells them.
TWICE = "count: 8\n        times_per_week: 2\n"
WEEKLY = "every: {weeks: 1}\n        late_after_days: 2\n"

EDITS = [
    # (name, old text, new text, the field the message must name, words it must hold)
    ("zero-interval", WEEKLY, WEEKLY.replace("1}", "0}"), "plans[0].phases[1].every.weeks",
     "more than 0"),
    ("negative-days", WEEKLY, WEEKLY.replace("weeks: 1", "days: -3"),
     "plans[0].phases[1].every.days", "more than 0"),
    ("count-ten-thousand", TWICE, TWICE.replace("8", "10000"), "plans[0].phases[0].count",
     "10000 visits is more than the plans' limit of 100"),
    ("count-zero", TWICE, TWICE.replace("8", "0"), "plans[0].phases[0].count", "more than 0"),
    ("every-and-times-a-week", TWICE, TWICE + "        every: {weeks: 1}\n",
     "plans[0].phases[0].times_per_week", "not both"),
    ("neither-way-to-repeat", TWICE, "count: 8\n", "plans[0].phases[0].every", "is missing"),
    ("unknown-unit", WEEKLY, WEEKLY.replace("weeks", "fortnights"),
     "plans[0].phases[1].every.fortnights", "is not a field here"),
    ("two-units", WEEKLY, WEEKLY.replace("weeks: 1", "weeks: 1, days: 2"),
     "plans[0].phases[1].every", "exactly one of days, weeks or months"),
    ("eight-times-a-week", TWICE, TWICE.replace("2", "8"), "plans[0].phases[0].times_per_week",
     "a week has 7 days"),
    ("interval-over-the-bound", WEEKLY, WEEKLY.replace("weeks: 1", "weeks: 60"),
     "plans[0].phases[1].every.weeks", "longer than 366 days"),
    ("late-window-over-the-bound", WEEKLY, WEEKLY.replace("days: 2", "days: 999999999"),
     "plans[0].phases[1].late_after_days", "longer than 366 days"),
    ("late-window-negative", WEEKLY, WEEKLY.replace("days: 2", "days: -1"),
     "plans[0].phases[1].late_after_days", ""),
    ("interval-as-words", WEEKLY, WEEKLY.replace("weeks: 1", "weeks: one"),
     "plans[0].phases[1].every.weeks", "one"),
    ("counts-from-unknown", "        counts_from: last-visit\n",
     "        counts_from: last-appointment\n", "plans[0].phases[2].counts_from",
     "last-appointment"),
    ("plan-longer-than-ten-years", "count: 8\n        every: {weeks: 4}",
     "count: 100\n        every: {weeks: 40}", "plans[0].phases", "limits.max_plan_years"),
    ("kind-unknown", "kind: clinic", "kind: spa", "plans[0].kind", "spa"),
    ("id-twice", "id: weekly-then-monthly", "id: starter-course", "plans[1].id", "given twice"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "field", "words"), [edit[1:] for edit in EDITS], ids=[e[0] for e in EDITS]
)
def test_a_bad_plan_is_named_by_file_line_and_field(data_copy: Path, old, new, field, words):
    path = data_copy / "plans.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        plans_file()
    message = str(caught.value)
    assert re.search(rf"plans\.yaml:\d+:\d+ {re.escape(field)}: ", message), message
    assert words in message


def test_the_shipped_plans_pass_and_stay_within_their_own_bounds():
    plans = plans_file()
    limits = plans.limits
    for plan in plans.plans:
        for phase in plan.phases:
            assert 1 <= phase.count <= limits.max_count
            assert (phase.every is None) != (phase.times_per_week is None)
            assert phase.late_after_days <= limits.max_interval_days
        assert plan.source
