"""protocol_tools: design, check, run and print microcurrent-facial protocols.

    >>> import protocol_tools as pt
    >>> library = pt.load_library()                      # doctest: +SKIP
    >>> protocol = library["signature-lift-15"]          # doctest: +SKIP
    >>> [str(f) for f in pt.validate(protocol)]          # doctest: +SKIP
    []
    >>> protocol.to_frame()                              # doctest: +SKIP

Views (charts, widgets) import pandas and plotly only when first used, so the
command line's ``validate`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._data import ReferenceData, Rule, Technique, Zone, data_dir, reference
from ._errors import (
    ExportError,
    IntakeError,
    LibraryError,
    ProtocolFileError,
    ProtocolToolsError,
    ReferenceDataError,
)
from ._findings import Finding
from ._loading import Library, load_library, load_protocol, parse_protocol, resolve_protocol
from ._model import ChangeNote, Defaults, Protocol, Step, TimelineEntry, protocol_json_schema
from ._validation import check_files, validate
from ._version import __version__

if TYPE_CHECKING:
    from ._charts import timeline_figure, zone_time_figure
    from ._facemap import face_map_svg, zone_geometry
    from ._widgets import protocol_browser, validation_report

__all__ = [
    "ChangeNote",
    "Defaults",
    "ExportError",
    "Finding",
    "IntakeError",
    "Library",
    "LibraryError",
    "Protocol",
    "ProtocolFileError",
    "ProtocolToolsError",
    "ReferenceData",
    "ReferenceDataError",
    "Rule",
    "Step",
    "Technique",
    "TimelineEntry",
    "Zone",
    "__version__",
    "check_files",
    "data_dir",
    "face_map_svg",
    "load_library",
    "load_protocol",
    "parse_protocol",
    "protocol_browser",
    "protocol_json_schema",
    "reference",
    "resolve_protocol",
    "timeline_figure",
    "validate",
    "validation_report",
    "zone_geometry",
    "zone_time_figure",
]
# Each feature adds its public names here (and to _LAZY above) as it lands.
__all__ += [  # noqa: RUF022 - grouped by feature, each group sorted
    # screening (issue 3) begin
    "OUTCOMES",
    # guided session (issue 4) end
    # session sheets (issue 5) begin
    "AppointmentsError",
    "DayResult",
    # screening (issue 3) end
    # guided session (issue 4) begin
    "GuidedSession",
    "Intake",
    "IntakeForm",
    # session sheets (issue 5) end
    # designer (issue 6) begin
    "ProtocolComparison",
    "ProtocolDesigner",
    "ProtocolDraft",
    "RowProblem",
    "ScreeningResult",
    "SessionError",
    "SessionTimer",
    "StepChange",
    "ZoneTime",
    "bump_version",
    "compare_protocols",
    "face_path_figure",
    "guided_session",
    "load_intake",
    "make_day_sheets",
    "outcome_legend",
    "parse_intake",
    "practice_quiz",
    "protocol_designer",
    "screen",
    "screening_questions",
    "session_sheet",
    "sheet_maker",
    "sheet_png_pages",
    "sheet_to_pdf",
    "write_sheet_pdf",
    # designer (issue 6) end
    # lessons begin
    "Lesson",
    "LessonBook",
    "ProtocolWalkthrough",
    "Quiz",
    "QuizQuestion",
    "lesson_book",
    "load_lessons",
    "load_quiz",
    "protocol_walkthrough",
    "quiz",
    # lessons end
]

# Names whose modules pull in pandas, plotly or ipywidgets: imported on first use.
_LAZY = {
    "timeline_figure": "._charts",
    "zone_time_figure": "._charts",
    "face_map_svg": "._facemap",
    "zone_geometry": "._facemap",
    "protocol_browser": "._widgets",
    "validation_report": "._widgets",
    # screening (issue 3) begin
    "OUTCOMES": "._screening",
    "Intake": "._screening",
    "IntakeForm": "._intake_form",
    "ScreeningResult": "._screening",
    "load_intake": "._screening",
    "outcome_legend": "._intake_form",
    "parse_intake": "._screening",
    "practice_quiz": "._intake_form",
    "screen": "._screening",
    "screening_questions": "._screening",
    # screening (issue 3) end
    # guided session (issue 4) begin
    "SessionTimer": "._timer",
    "GuidedSession": "._session_app",
    "guided_session": "._session_app",
    "SessionError": "._errors",
    # guided session (issue 4) end
    # session sheets (issue 5) begin
    "AppointmentsError": "._errors",
    "DayResult": "._sheets",
    "RowProblem": "._sheets",
    "make_day_sheets": "._sheets",
    "session_sheet": "._sheets",
    "sheet_maker": "._sheet_widgets",
    "sheet_png_pages": "._sheets",
    "sheet_to_pdf": "._sheets",
    "write_sheet_pdf": "._sheets",
    # session sheets (issue 5) end
    # designer (issue 6) begin
    "ProtocolComparison": "._designer",
    "ProtocolDraft": "._designer",
    "StepChange": "._designer",
    "ZoneTime": "._designer",
    "bump_version": "._designer",
    "compare_protocols": "._designer",
    "ProtocolDesigner": "._designer_widget",
    "face_path_figure": "._designer_widget",
    "protocol_designer": "._designer_widget",
    # designer (issue 6) end
    # lessons begin
    "Lesson": "._lessons",
    "LessonBook": "._lessons",
    "ProtocolWalkthrough": "._lessons",
    "Quiz": "._lessons",
    "QuizQuestion": "._lessons",
    "lesson_book": "._lessons",
    "load_lessons": "._lessons",
    "load_quiz": "._lessons",
    "protocol_walkthrough": "._lessons",
    "quiz": "._lessons",
    # lessons end
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'protocol_tools' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
