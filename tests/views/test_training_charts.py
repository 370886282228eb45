"""The class's charts (views.training_charts): numbers printed in every cell and on
every bar, topics by title, codes escaped, and an empty class drawn without a crash."""

from __future__ import annotations

import datetime as dt

from protocol_tools.records.training import (
    ObservationRow,
    QuizRow,
    RehearsalRow,
    ScreeningRow,
    TraineeWork,
)
from protocol_tools.training.checklist import criteria
from protocol_tools.training.dashboard import class_summary
from protocol_tools.training.scoring import quiz_topics
from protocol_tools.views import palette
from protocol_tools.views.training_charts import (
    NOT_ASKED,
    practice_figure,
    screening_figure,
    topic_scores_figure,
)

MOMENT = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def class_of_two():
    quiz = QuizRow(MOMENT, None, 8, 6, 0.8, False, {"zones": (2, 3), "screening": (4, 5)}, ())
    cases = tuple(ScreeningRow(MOMENT, f"c{n}", "proceed", "proceed", n < 3) for n in range(4))
    runs = tuple(RehearsalRow(MOMENT, "express-10", 10.0, True, ()) for _ in range(2))
    ticks = dict.fromkeys(criteria(), True)
    seen = (
        ObservationRow(1, dt.date(2026, 11, 2), "trainer-1", ticks, None),
        ObservationRow(2, dt.date(2026, 11, 9), "trainer-1", {**ticks, "gel-applied": False}, None),
    )
    ana = TraineeWork("ana.k", quiz=(quiz,), screening=cases, rehearsals=runs, observations=seen)
    other = QuizRow(MOMENT, "zones", 3, 3, 0.8, True, {"zones": (3, 3)}, ())
    return class_summary([ana, TraineeWork("<b>ben</b>", quiz=(other,))])


def test_quiz_by_topic_prints_every_number_with_topics_by_title():
    figure = topic_scores_figure(class_of_two())
    (grid,) = figure.data
    titles = quiz_topics()
    assert list(grid.x) == [titles["zones"], titles["screening"]]  # lessons' order
    assert "zones" not in grid.x
    assert list(grid.y) == ["ana.k", "&lt;b&gt;ben&lt;/b&gt;"]
    assert [list(row) for row in grid.z] == [[67, 80], [100, None]]
    assert [list(row) for row in grid.text] == [["67%", "80%"], ["100%", NOT_ASKED]]
    assert grid.texttemplate == "%{text}"
    assert (grid.zmin, grid.zmax) == (0, 100)
    assert {colour for _, colour in grid.colorscale} <= {
        palette.PAPER.lower(),
        palette.WARNING_FILL.lower(),
        palette.DONE_FILL.lower(),
    }
    assert (
        grid.customdata[1][0][0] == "&lt;b&gt;ben&lt;/b&gt;, The zones and their directions: 100%"
    )


def test_screening_practice_labels_each_bar_with_the_share_and_count():
    (bars,) = screening_figure(class_of_two()).data
    assert list(bars.x) == [75, 0]
    assert list(bars.text) == ["75% (3 of 4)", "no cases yet"]


def test_rehearsals_and_observed_treatments_bars_carry_their_counts():
    figure = practice_figure(class_of_two())
    names = [trace.name for trace in figure.data]
    assert names == [
        "Rehearsals finished",
        "Observed, every criterion met",
        "Observed, a criterion not met",
    ]
    assert [list(trace.text) for trace in figure.data] == [["2", "0"], ["1", "0"], ["1", "0"]]
    shapes = [trace.marker.pattern.shape for trace in figure.data]
    assert shapes[1] != shapes[2]  # told apart without colour


def test_an_empty_class_still_draws():
    for make in (topic_scores_figure, screening_figure, practice_figure):
        figure = make([])
        assert figure.to_json()
