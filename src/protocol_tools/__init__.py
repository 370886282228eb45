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
    AppointmentsError,
    ExportError,
    IntakeError,
    LibraryError,
    ProtocolFileError,
    ProtocolToolsError,
    ReferenceDataError,
    SessionError,
)
from ._findings import Finding
from ._loading import Library, load_library, load_protocol, parse_protocol, resolve_protocol
from ._model import ChangeNote, Defaults, Protocol, Step, TimelineEntry, protocol_json_schema
from ._validation import check_files, validate
from ._version import __version__

if TYPE_CHECKING:
    from ._charts import timeline_figure, zone_time_figure
    from ._designer import (
        ProtocolComparison,
        ProtocolDraft,
        StepChange,
        ZoneTime,
        bump_version,
        compare_protocols,
    )
    from ._designer_widget import ProtocolDesigner, face_path_figure, protocol_designer
    from ._facemap import face_map_svg, zone_geometry
    from ._intake_form import IntakeForm, outcome_legend, practice_quiz
    from ._lessons import (
        Lesson,
        LessonBook,
        ProtocolWalkthrough,
        Quiz,
        QuizQuestion,
        lesson_book,
        load_lessons,
        load_quiz,
        protocol_walkthrough,
        quiz,
    )
    from ._screening import (
        OUTCOMES,
        Intake,
        ScreeningResult,
        load_intake,
        parse_intake,
        screen,
        screening_questions,
    )
    from ._session_app import GuidedSession, guided_session
    from ._sheet_widgets import sheet_maker
    from ._sheets import (
        DayResult,
        RowProblem,
        make_day_sheets,
        session_sheet,
        sheet_png_pages,
        sheet_to_pdf,
        write_sheet_pdf,
    )
    from ._timer import SessionTimer
    from ._widgets import protocol_browser, validation_report

__all__ = [
    "OUTCOMES",
    "AppointmentsError",
    "ChangeNote",
    "DayResult",
    "Defaults",
    "ExportError",
    "Finding",
    "GuidedSession",
    "Intake",
    "IntakeError",
    "IntakeForm",
    "Lesson",
    "LessonBook",
    "Library",
    "LibraryError",
    "Protocol",
    "ProtocolComparison",
    "ProtocolDesigner",
    "ProtocolDraft",
    "ProtocolFileError",
    "ProtocolToolsError",
    "ProtocolWalkthrough",
    "Quiz",
    "QuizQuestion",
    "ReferenceData",
    "ReferenceDataError",
    "RowProblem",
    "Rule",
    "ScreeningResult",
    "SessionError",
    "SessionTimer",
    "Step",
    "StepChange",
    "Technique",
    "TimelineEntry",
    "Zone",
    "ZoneTime",
    "__version__",
    "bump_version",
    "check_files",
    "compare_protocols",
    "data_dir",
    "face_map_svg",
    "face_path_figure",
    "guided_session",
    "lesson_book",
    "load_intake",
    "load_lessons",
    "load_library",
    "load_protocol",
    "load_quiz",
    "make_day_sheets",
    "outcome_legend",
    "parse_intake",
    "parse_protocol",
    "practice_quiz",
    "protocol_browser",
    "protocol_designer",
    "protocol_json_schema",
    "protocol_walkthrough",
    "quiz",
    "reference",
    "resolve_protocol",
    "screen",
    "screening_questions",
    "session_sheet",
    "sheet_maker",
    "sheet_png_pages",
    "sheet_to_pdf",
    "timeline_figure",
    "validate",
    "validation_report",
    "write_sheet_pdf",
    "zone_geometry",
    "zone_time_figure",
]

# Names whose modules pull in pandas, plotly, ipywidgets or typst: imported on first use.
_LAZY = {
    "timeline_figure": "._charts",
    "zone_time_figure": "._charts",
    "face_map_svg": "._facemap",
    "zone_geometry": "._facemap",
    "protocol_browser": "._widgets",
    "validation_report": "._widgets",
    "Intake": "._screening",
    "OUTCOMES": "._screening",
    "ScreeningResult": "._screening",
    "load_intake": "._screening",
    "parse_intake": "._screening",
    "screen": "._screening",
    "screening_questions": "._screening",
    "IntakeForm": "._intake_form",
    "outcome_legend": "._intake_form",
    "practice_quiz": "._intake_form",
    "SessionTimer": "._timer",
    "GuidedSession": "._session_app",
    "guided_session": "._session_app",
    "DayResult": "._sheets",
    "RowProblem": "._sheets",
    "make_day_sheets": "._sheets",
    "session_sheet": "._sheets",
    "sheet_png_pages": "._sheets",
    "sheet_to_pdf": "._sheets",
    "write_sheet_pdf": "._sheets",
    "sheet_maker": "._sheet_widgets",
    "ProtocolComparison": "._designer",
    "ProtocolDraft": "._designer",
    "StepChange": "._designer",
    "ZoneTime": "._designer",
    "bump_version": "._designer",
    "compare_protocols": "._designer",
    "ProtocolDesigner": "._designer_widget",
    "face_path_figure": "._designer_widget",
    "protocol_designer": "._designer_widget",
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
