"""Lessons, walkthrough and quiz: the data is well-formed, agrees with the other data
files, and the widgets work in Python."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from protocol_tools import ReferenceDataError, load_library, load_protocol, reference
from protocol_tools.reference.data import load_data_file
from protocol_tools.screening.engine import screen
from protocol_tools.screening.rules import screening_rules
from protocol_tools.training.content import PLACEHOLDER, load_lessons, load_quiz
from protocol_tools.training.html import lesson_html
from protocol_tools.training.widgets import lesson_book, protocol_walkthrough, quiz


def words(text: str) -> int:
    return len(text.split())


def numbers(text: str) -> list[float]:
    return [float(found) for found in re.findall(r"\d+(?:\.\d+)?", text)]


# -- the lesson file --------------------------------------------------------------


def test_lessons_are_well_formed():
    lessons = load_lessons()
    assert 6 <= len(lessons) <= 10
    for lesson in lessons.values():
        assert 80 <= words(lesson.text) <= 200, (lesson.id, words(lesson.text))
        assert 2 <= len(lesson.key_points) <= 4, lesson.id
        assert len(lesson.source) > 15, lesson.id
        for text in (lesson.title, lesson.text, *lesson.key_points):
            assert not PLACEHOLDER.search(text), f"{lesson.id}: placeholder left unfilled"


def test_lessons_fill_facts_from_the_data_files():
    lessons = load_lessons()
    ceiling = reference().limits["microcurrent"]["max_current_uA"]
    assert f"{ceiling} µA" in lessons["what-is-microcurrent"].text
    weeks = load_data_file("session_care.yaml")["next_visit"]["weeks"]
    assert f"{weeks['min']}–{weeks['max']} weeks" in " ".join(lessons["how-often"].key_points)


def test_lessons_do_not_copy_facts_other_files_hold():
    raw = (DATA / "lessons.yaml").read_text(encoding="utf-8")
    ref = reference()
    care = load_data_file("session_care.yaml")
    held = [t.description for t in ref.techniques.values()]
    held += [z.direction for z in ref.zones.values()]
    held += care["aftercare"]["items"] + [item["text"] for item in care["prep_checklist"]]
    for fact in held:
        assert " ".join(fact.split()) not in " ".join(raw.split()), fact


def all_texts() -> list[str]:
    texts = []
    for lesson in load_lessons().values():
        texts += [lesson.text, *lesson.key_points]
    for question in load_quiz():
        texts += [question.question, *question.choices, question.explanation]
    return texts


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;!?])\s+", " ".join(text.split()))


def test_words_next_to_a_data_value_stay_true_when_the_data_changes(monkeypatch):
    # A value written out beside a placeholder ("1000 µA (1 mA)") or a judgement of
    # it ("the safe end") turns false as soon as a clinic edits the data file.
    import protocol_tools.training.content as lessons_module

    changed = lessons_module.facts()
    changed["limits"] = {
        **changed["limits"],
        "microcurrent": {**changed["limits"]["microcurrent"], "max_current_uA": 1234},
    }
    changed["screening"] = {
        **changed["screening"],
        "recent-retinoid": {**changed["screening"]["recent-retinoid"], "wait_days": 9},
    }
    monkeypatch.setattr(lessons_module, "facts", lambda: changed)
    checked = 0
    for text in all_texts():
        for sentence in sentences(text):
            if "1234 µA" in sentence:
                checked += 1
                assert not re.search(r"\bmA\b|milliampere", sentence), sentence
            if "9 days" in sentence:
                checked += 1
                assert not re.search(r"safe end|longest|shortest", sentence), sentence
    assert checked >= 4


# Statements the domain facts and the founding article do not make; they once stood
# in these files, and a reworded copy of any of them would be unsourced again.
UNSOURCED = [
    "the current does the work",
    "lets the current jump",
    "patchy layer",
    "turn down only if",
    "harmless",
]


@pytest.mark.parametrize("claim", UNSOURCED)
def test_no_unsourced_claim_is_back(claim):
    assert not [text for text in all_texts() if claim in text.lower()]


def test_included_lists_come_from_the_data_files():
    lessons = load_lessons()
    techniques = lesson_html(lessons["techniques"])
    for technique in reference().techniques.values():
        assert technique.name in techniques
        assert " ".join(technique.description.split()) in techniques
    aftercare = lesson_html(lessons["aftercare"])
    for item in load_data_file("session_care.yaml")["aftercare"]["items"]:
        assert html.escape(item) in aftercare
    zones = lesson_html(lessons["zones"])
    assert all(zone.direction in zones for zone in reference().zones.values())


# -- the quiz file ------------------------------------------------------------------


def test_quiz_is_well_formed_and_covers_every_lesson():
    questions = load_quiz()
    assert 15 <= len(questions) <= 25
    assert len({q.id for q in questions}) == len(questions)
    for question in questions:
        assert question.source, question.id
        assert question.explanation, question.id
        assert 2 <= len(question.choices) <= 5
        assert len(set(question.choices)) == len(question.choices), question.id
        assert 0 <= question.answer < len(question.choices)
    topics = {q.topic for q in questions}
    assert set(load_lessons()) | {"screening"} <= topics
    facts = {q.fact.split(".")[0] for q in questions if q.fact}
    assert {"zones", "limits", "screening"} <= facts


def test_a_choice_built_from_data_names_its_fact():
    raw = load_data_file("quiz.yaml")["questions"]
    for entry in raw:
        if PLACEHOLDER.search(entry["choices"][entry["answer"] - 1]):
            assert entry.get("fact"), f"{entry['id']}: answer from data without a fact"


def intake_answering_yes_to(rule_id: str) -> dict:
    """The all-clear practice client with just one rule's answer turned to yes."""
    rules = screening_rules()
    intake = dict(load_data_file("practice_clients/c01_all_clear.yaml"))
    day = intake["date"]
    rule = next(r for r in rules.rules if r.id == rule_id)
    if rule.test == "yes":
        intake[rule.field] = True
    elif rule.test == "includes":
        intake[rule.field] = [rule.item]
    elif rule.test == "within-days":
        intake[rule.field] = day - dt.timedelta(days=1)
    elif rule.test == "under-age":
        intake[rule.field] = day.replace(year=day.year - rules.minimum_age_years + 1)
    return intake


def check_fact(question) -> None:
    """The right choice agrees with the data file the fact lives in; no wrong one does."""
    kind, _, path = question.fact.partition(".")
    right, wrong = (
        question.right_choice,
        [c for i, c in enumerate(question.choices) if i != question.answer],
    )
    if kind == "screening" and path.endswith(".wait_days"):
        rule_id = path.removesuffix(".wait_days")
        (days,) = numbers(right)
        intake = intake_answering_yes_to(rule_id)
        field = next(r.field for r in screening_rules().rules if r.id == rule_id)
        intake[field] = intake["date"] - dt.timedelta(days=days - 1)
        assert screen(intake).outcome == "postpone"
        intake[field] = intake["date"] - dt.timedelta(days=days)
        assert screen(intake).outcome == "proceed"
    elif kind == "screening":
        result = screen(intake_answering_yes_to(path))
        assert result.title in right
        assert not any(result.title in choice for choice in wrong)
    elif kind == "techniques" and path == "uses_hold":
        by_name = {t.name: t for t in reference().techniques.values()}
        assert by_name[right].uses_hold
        assert not any(by_name[choice].uses_hold for choice in wrong if choice in by_name)
    else:
        value = {
            "limits": reference().limits,
            "care": load_data_file("session_care.yaml"),
            "zones": {key: vars(zone) for key, zone in reference().zones.items()},
        }[kind]
        for part in path.split("."):
            value = value[part]
        if isinstance(value, dict):
            assert numbers(right) == [float(v) for v in value.values()]
        elif isinstance(value, (int, float)):
            assert float(value) in numbers(right)
            assert not any(float(value) in numbers(choice) for choice in wrong)
        else:
            assert right == value
            assert value not in wrong


@pytest.mark.parametrize("question", [q for q in load_quiz() if q.fact], ids=lambda q: q.id)
def test_quiz_answers_agree_with_the_data(question):
    check_fact(question)


def test_a_changed_data_file_changes_the_quiz_answer(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    zones = folder / "zones.yaml"
    zones.write_text(
        zones.read_text(encoding="utf-8").replace(
            "Along the jaw from the chin outward and up to the earlobe", "Chin to ear, slowly"
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    question = next(q for q in load_quiz() if q.id == "jawline-direction")
    assert question.right_choice == "Chin to ear, slowly"
    check_fact(question)


# -- bad and hostile data files -------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    return folder


LESSON = """
lessons:
  - id: evil
    title: "<script>alert('title')</script>"
    text: "<img src=x onerror=alert(1)> {zones.jawline.name} & more"
    key_points: ["<b>bold</b>", "two"]
    source: "<i>source</i>"
"""


def test_hostile_strings_in_a_lesson_file_are_escaped(data_copy):
    (data_copy / "lessons.yaml").write_text(LESSON, encoding="utf-8")
    page = lesson_book().page.value
    assert "<script>" not in page
    assert "<img" not in page
    assert "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; Jawline &amp; more" in page
    assert "&lt;i&gt;source&lt;/i&gt;" in page


def test_hostile_strings_in_a_quiz_file_are_escaped(data_copy):
    (data_copy / "quiz.yaml").write_text(
        "questions:\n  - {id: q, topic: gel, question: '<script>x</script>',"
        " choices: ['<b>a</b>', b], answer: 1, explanation: '<i>e</i>', source: '<u>s</u>'}\n",
        encoding="utf-8",
    )
    view = quiz()
    view.choose("q", 0)
    view.check()
    shown = view.items.children[0].children[0].value + view.feedback["q"].value
    assert "<script>" not in shown
    assert "<b>" not in shown
    assert "<i>" not in shown
    assert "&lt;script&gt;x&lt;/script&gt;" in shown
    assert "&lt;u&gt;s&lt;/u&gt;" in shown


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "lessons.yaml",
            "{limits.microcurrent.max_current_uA} µA. Most",
            "{limits.nope} µA",
            "{limits.nope}",
        ),
        ("lessons.yaml", "    includes: [techniques]", "    includes: [gossip]", "'gossip'"),
        ("quiz.yaml", "    answer: 3\n", "    answer: 9\n", "'answer'"),
        ("quiz.yaml", "    source: Founding article.\n", "    source: ''\n", "'source'"),
        ("quiz.yaml", "    topic: gel\n", "    topic: astrology\n", "'astrology'"),
    ],
)
def test_a_broken_file_names_the_entry_and_field(data_copy, file, old, new, message):
    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as error:
        load_quiz()
    assert message in str(error.value)
    assert file in str(error.value)


# -- the widgets ------------------------------------------------------------------------


def test_picking_a_lesson_shows_it():
    book = lesson_book()
    for lesson in load_lessons().values():
        book.show(lesson.id)
        assert f"<h3>{html.escape(lesson.title)}</h3>" in book.page.value
        assert "Key points" in book.page.value
        assert "Source:" in book.page.value


def highlighted(svg: str) -> set[tuple[str, str]]:
    group = re.search(r'<g class="highlight".*?</g>', svg, re.S)
    found = (
        re.findall(r"data-zone=\"([^\"]+)\" data-side=\"(\w+)\"", group.group(0)) if group else []
    )
    return set(found)


def test_the_walkthrough_steps_and_clamps(root):
    protocol = load_protocol(root / "protocols" / "signature-lift-15.yaml")
    walk = protocol_walkthrough(protocol)
    timeline = protocol.timeline()
    assert walk.index == 0
    assert walk.previous.disabled
    assert not walk.next.disabled
    walk.previous.click()
    assert walk.index == 0
    for expected in timeline[1:]:
        walk.next.click()
        assert walk.entry == expected
        assert f"Step {expected.step} of {len(timeline)}" in walk.position.value
        if expected.kind == "treatment":
            halves = {"right", "left"} if expected.side == "both" else {expected.side}
            assert highlighted(walk.face.value) == {(expected.zone, h) for h in halves}
            zone = reference().zones[expected.zone]
            technique = reference().techniques[expected.technique]
            assert expected.zone_name in walk.details.value
            assert zone.muscles[0] in walk.details.value
            assert technique.name in walk.details.value
        else:
            assert highlighted(walk.face.value) == set()
    assert walk.next.disabled
    walk.next.click()
    assert walk.index == len(timeline) - 1
    walk.previous.click()
    assert walk.entry == timeline[-2]


def test_the_walkthrough_picks_from_the_library():
    walk = protocol_walkthrough()
    library = load_library()
    assert set(walk.picker.options) >= {(f"{p.name} — {p.id}", p.id) for p in library.values()}
    walk.next_step()
    other = next(key for key in library if key != walk.picker.value)
    walk.picker.value = other
    assert walk.index == 0
    assert walk.entry == library[other].timeline()[0]


def test_quiz_scoring_counts_right_answers():
    view = quiz()
    questions = list(view.questions.values())
    for question in questions:
        view.choose(question.id, question.answer)
    assert view.check() == len(questions)
    assert f"Score: {len(questions)} of {len(questions)} right" in view.score.value
    wrong = questions[0]
    view.choose(wrong.id, (wrong.answer + 1) % len(wrong.choices))
    view.radios[questions[1].id].value = None
    assert view.check() == len(questions) - 2
    assert "✖ Not quite." in view.feedback[wrong.id].value
    unanswered = view.feedback[questions[1].id].value
    assert "Not answered yet." in unanswered
    assert html.escape(questions[1].right_choice) not in unanswered  # not given away
    assert "✔ Right." in view.feedback[questions[2].id].value
    assert html.escape(wrong.source) in view.feedback[wrong.id].value
    view.again_button.click()
    assert all(radio.value is None for radio in view.radios.values())
    assert view.score.value == ""


def test_the_quiz_keeps_file_order_unless_seeded():
    questions = load_quiz()
    plain = quiz()
    assert [r.options for r in plain.radios.values()] == [
        tuple((text, i) for i, text in enumerate(q.choices)) for q in questions
    ]
    first, again = quiz(seed=7), quiz(seed=7)
    labels = lambda view: [box._dom_classes[0] for box in view.items.children]  # noqa: E731
    assert labels(first) == labels(again) != labels(plain)
    assert sorted(labels(first)) == sorted(labels(plain))
    question = questions[0]
    first.choose(question.id, question.right_choice)
    assert first.check() == 1


def test_quiz_by_topic():
    view = quiz(topic="screening")
    assert view.questions
    assert all(q.topic == "screening" for q in view.questions.values())
    with pytest.raises(ReferenceDataError, match="astrology"):
        quiz(topic="astrology")


def test_checking_with_nothing_answered_reveals_no_answer():
    view = quiz(seed=1)
    assert view.check() == 0
    assert "Answer at least one question first." in view.score.value
    shown = " ".join(box.value for box in view.feedback.values())
    for question in view.questions.values():
        assert html.escape(question.explanation) not in shown
