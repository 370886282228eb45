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

from ._version import __version__
from .core.errors import (
    AppointmentsError,
    ExportError,
    IntakeError,
    LibraryError,
    ProtocolFileError,
    ProtocolToolsError,
    ReferenceDataError,
    SessionError,
)
from .core.findings import Finding
from .protocols.checks import check_files, validate
from .protocols.loading import (
    Library,
    load_library,
    load_protocol,
    parse_protocol,
    resolve_protocol,
)
from .protocols.model import (
    ChangeNote,
    Defaults,
    Protocol,
    Step,
    TimelineEntry,
    protocol_json_schema,
)
from .reference.data import ReferenceData, Rule, Technique, Zone, data_dir, reference

if TYPE_CHECKING:
    from .designer.draft import (
        ProtocolComparison,
        ProtocolDraft,
        StepChange,
        ZoneTime,
        bump_version,
        compare_protocols,
    )
    from .designer.widget import ProtocolDesigner, face_path_figure, protocol_designer
    from .screening.engine import (
        OUTCOMES,
        Intake,
        ScreeningResult,
        load_intake,
        parse_intake,
        screen,
        screening_questions,
    )
    from .screening.form import IntakeForm, outcome_legend, practice_quiz
    from .session.app import GuidedSession, guided_session
    from .session.timer import SessionTimer
    from .sheets.data import (
        DayResult,
        RowProblem,
        make_day_sheets,
        session_sheet,
        sheet_png_pages,
        sheet_to_pdf,
        write_sheet_pdf,
    )
    from .sheets.maker import sheet_maker
    from .training.lessons import (
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
    from .views.charts import timeline_figure, zone_time_figure
    from .views.facemap import face_map_svg, zone_geometry
    from .views.widgets import protocol_browser, validation_report

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
    "timeline_figure": ".views.charts",
    "zone_time_figure": ".views.charts",
    "face_map_svg": ".views.facemap",
    "zone_geometry": ".views.facemap",
    "protocol_browser": ".views.widgets",
    "validation_report": ".views.widgets",
    "Intake": ".screening.engine",
    "OUTCOMES": ".screening.engine",
    "ScreeningResult": ".screening.engine",
    "load_intake": ".screening.engine",
    "parse_intake": ".screening.engine",
    "screen": ".screening.engine",
    "screening_questions": ".screening.engine",
    "IntakeForm": ".screening.form",
    "outcome_legend": ".screening.form",
    "practice_quiz": ".screening.form",
    "SessionTimer": ".session.timer",
    "GuidedSession": ".session.app",
    "guided_session": ".session.app",
    "DayResult": ".sheets.data",
    "RowProblem": ".sheets.data",
    "make_day_sheets": ".sheets.data",
    "session_sheet": ".sheets.data",
    "sheet_png_pages": ".sheets.data",
    "sheet_to_pdf": ".sheets.data",
    "write_sheet_pdf": ".sheets.data",
    "sheet_maker": ".sheets.maker",
    "ProtocolComparison": ".designer.draft",
    "ProtocolDraft": ".designer.draft",
    "StepChange": ".designer.draft",
    "ZoneTime": ".designer.draft",
    "bump_version": ".designer.draft",
    "compare_protocols": ".designer.draft",
    "ProtocolDesigner": ".designer.widget",
    "face_path_figure": ".designer.widget",
    "protocol_designer": ".designer.widget",
    "Lesson": ".training.lessons",
    "LessonBook": ".training.lessons",
    "ProtocolWalkthrough": ".training.lessons",
    "Quiz": ".training.lessons",
    "QuizQuestion": ".training.lessons",
    "lesson_book": ".training.lessons",
    "load_lessons": ".training.lessons",
    "load_quiz": ".training.lessons",
    "protocol_walkthrough": ".training.lessons",
    "quiz": ".training.lessons",
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
