"""``data/training.yaml``: the shipped file passes with every criterion sourced, and a
file a school edits wrongly is refused naming the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protocol_tools.core.errors import ReferenceDataError
from protocol_tools.reference.data import training_file

EDITS = [
    # (name, old text, new text, the field the message must name, words it must hold)
    ("pass-mark-over-one", "pass_mark: 0.8", "pass_mark: 80", "quiz.pass_mark", "fraction"),
    ("pass-mark-words", "pass_mark: 0.8", "pass_mark: eighty", "quiz.pass_mark", "eighty"),
    ("no-observations", "observed_treatments: 5", "observed_treatments: 0",
     "qualification.observed_treatments", "more than 0"),
    ("criterion-twice", "id: outcome-recorded", "id: history-taken",
     "checklist[5].criteria[1].id", "given twice"),
    ("section-twice", "id: records\n", "id: consultation\n", "checklist[5].id", "given twice"),
    ("criterion-without-source",
     "        source: UK occupational standard SKABS2 (record informed consent).\n", "",
     "checklist[0].criteria[2].source", "missing"),
    ("unknown-field", "  rehearsals: 3\n", "  rehearsals: 3\n  naps: 2\n", "readiness.naps",
     "not a field"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "field", "words"), [edit[1:] for edit in EDITS], ids=[e[0] for e in EDITS]
)
def test_a_bad_training_file_is_named_by_file_line_and_field(
    data_copy: Path, old, new, field, words
):
    path = data_copy / "training.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        training_file()
    message = str(caught.value)
    assert re.search(rf"training\.yaml:\d+:\d+ {re.escape(field)}: ", message), message
    assert words in message


def test_every_criterion_of_the_shipped_checklist_names_its_source():
    training = training_file()
    ids = [item.id for section in training.checklist for item in section.criteria]
    assert len(ids) == len(set(ids)) >= 12
    for section in training.checklist:
        for item in section.criteria:
            assert len(item.source) > 10
            assert len(item.text) > 10
    # The qualification's rule is VTCT's five observed treatments, as the notes say.
    assert training.qualification.observed_treatments == 5
    assert "VTCT" in training.qualification.source
    assert 0 < training.quiz.pass_mark <= 1
    assert training.quiz.pass_mark_source
