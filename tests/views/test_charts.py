"""Charts made without plotly's property checks are the charts plotly would make."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given, settings

from conftest import PROTOCOLS
from protocol_tools import load_library
from protocol_tools.designer.widget_face import face_path_figure
from protocol_tools.protocols.model import Protocol
from protocol_tools.views.charts import plain_figure, timeline_figure, zone_time_figure
from strategies import protocol_documents

BUILDERS = (timeline_figure, zone_time_figure, face_path_figure)


def checked(figure: go.Figure) -> dict:
    """The figure made again from its own dicts with every property checked."""
    return json.loads(go.Figure(figure.to_plotly_json()).to_json())


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda builder: builder.__name__)
def test_each_library_protocols_charts_pass_plotlys_checks_unchanged(builder):
    for protocol in load_library(PROTOCOLS).values():
        figure = builder(protocol)
        assert json.loads(figure.to_json()) == checked(figure)
        assert figure.layout.template.layout.plot_bgcolor == "white"  # plotly_white


@settings(max_examples=25, deadline=None)
@given(protocol_documents())
def test_generated_protocols_charts_pass_plotlys_checks_unchanged(document):
    protocol = Protocol.model_validate(document)
    for builder in BUILDERS:
        figure = builder(protocol)
        assert json.loads(figure.to_json()) == checked(figure)


def test_a_property_plotly_does_not_know_is_found_by_the_check():
    figure = plain_figure([{"type": "bar", "x": [1], "colour": "red"}], {})
    with pytest.raises(ValueError, match="colour"):
        checked(figure)


def test_each_figure_has_a_template_of_its_own():
    first, second = (plain_figure([], {}) for _ in range(2))
    first.layout.template.layout.font.size = 30
    assert second.layout.template.layout.font.size != 30
    fresh = pio.templates["plotly_white"].layout.font.size
    assert plain_figure([], {}).layout.template.layout.font.size == fresh
