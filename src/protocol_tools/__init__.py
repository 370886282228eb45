"""protocol_tools: design, check, run and print microcurrent-facial protocols.

    >>> import protocol_tools as pt
    >>> protocol = pt.load_library()["signature-lift-15"]
    >>> [str(f) for f in pt.validate(protocol)]
    []
    >>> protocol.to_frame().columns[:3].tolist()
    ['kind', 'zone', 'zone_name']

Every public name is listed once, in ``_PUBLIC`` with the module that defines it;
``__all__`` and the imports come from that table. Names are imported on first use,
so ``import protocol_tools`` is quick and the command line's ``validate`` never
loads pandas, plotly or the widgets. The package is arranged by feature
(CONTRIBUTING.md draws the map); only the names below are its public API.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__


class _Package(types.ModuleType):
    """This package's module. The subpackage ``reference`` shares its name with the
    public function ``reference()``, and importing a subpackage sets the package
    attribute of that name to the module: that is refused here, so the name stays the
    function's, found on first use like every public name (``__getattr__`` below;
    ``protocol-tools validate`` never needs reference.data's classes)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "reference" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

# name -> the module that defines it (relative to this package).
_PUBLIC: dict[str, str] = {
    # core.errors
    "AppointmentsError": ".core.errors",
    "ExportError": ".core.errors",
    "IntakeError": ".core.errors",
    "LibraryError": ".core.errors",
    "ProtocolFileError": ".core.errors",
    "ProtocolToolsError": ".core.errors",
    "RecordError": ".core.errors",
    "ReferenceDataError": ".core.errors",
    "SessionError": ".core.errors",
    "UnknownClientError": ".core.errors",
    "UnknownTraineeError": ".core.errors",
    # core.findings
    "Finding": ".core.findings",
    # core.paths
    "data_dir": ".core.paths",
    # designer.compare
    "ProtocolComparison": ".designer.compare",
    "StepChange": ".designer.compare",
    "ZoneTime": ".designer.compare",
    "compare_protocols": ".designer.compare",
    # designer.draft
    "ProtocolDraft": ".designer.draft",
    # designer.store
    "bump_version": ".designer.store",
    # designer.widget
    "ProtocolDesigner": ".designer.widget",
    "protocol_designer": ".designer.widget",
    # designer.widget_face
    "face_path_figure": ".designer.widget_face",
    # protocols.checks
    "check_files": ".protocols.checks",
    "validate": ".protocols.checks",
    # protocols.loading
    "Library": ".protocols.loading",
    "load_library": ".protocols.loading",
    "load_protocol": ".protocols.loading",
    "parse_protocol": ".protocols.loading",
    "resolve_protocol": ".protocols.loading",
    # protocols.model
    "ChangeNote": ".protocols.model",
    "Defaults": ".protocols.model",
    "Protocol": ".protocols.model",
    "Step": ".protocols.model",
    "TimelineEntry": ".protocols.model",
    "protocol_json_schema": ".protocols.model",
    # records.erasure
    "forget_client": ".records.erasure",
    # records.history
    "client_list": ".records.history",
    "client_record": ".records.history",
    "export_record": ".records.history",
    # records.page
    "ClientPage": ".records.page",
    "client_page": ".records.page",
    # records.sessions
    "VisitRecorder": ".records.sessions",
    "import_log": ".records.sessions",
    # records.store
    "RecordStore": ".records.store",
    # reference.data
    "ReferenceData": ".reference.data",
    "Rule": ".reference.data",
    "Technique": ".reference.data",
    "Zone": ".reference.data",
    "reference": ".reference.data",
    # reference.geometry
    "zone_geometry": ".reference.geometry",
    # screening.engine
    "OUTCOMES": ".screening.engine",
    "ScreeningResult": ".screening.engine",
    "screen": ".screening.engine",
    # screening.fields
    "Intake": ".screening.fields",
    # screening.form
    "IntakeForm": ".screening.form",
    # screening.intake
    "load_intake": ".screening.intake",
    "parse_intake": ".screening.intake",
    # screening.practice
    "outcome_legend": ".screening.practice",
    "practice_quiz": ".screening.practice",
    # screening.rules
    "screening_questions": ".screening.rules",
    # series.widgets
    "CostComparison": ".series.widgets",
    "DueBoard": ".series.widgets",
    "cost_comparison": ".series.widgets",
    "due_board": ".series.widgets",
    # session.app
    "GuidedSession": ".session.app",
    "guided_session": ".session.app",
    # session.timer
    "SessionTimer": ".session.timer",
    # sheets.appointments
    "RowProblem": ".sheets.appointments",
    # sheets.data
    "session_sheet": ".sheets.data",
    # sheets.day
    "DayResult": ".sheets.day",
    "make_day_sheets": ".sheets.day",
    # sheets.maker
    "sheet_maker": ".sheets.maker",
    # sheets.render
    "sheet_png_pages": ".sheets.render",
    "sheet_to_pdf": ".sheets.render",
    "write_sheet_pdf": ".sheets.render",
    # records.training
    "class_work": ".records.training",
    "forget_trainee": ".records.training",
    "sign_in": ".records.training",
    "trainee_work": ".records.training",
    # training.assessor
    "AssessorView": ".training.assessor",
    "assessor_view": ".training.assessor",
    # training.checklist
    "observe": ".training.checklist",
    "qualification_progress": ".training.checklist",
    "readiness": ".training.checklist",
    # training.class_files
    "save_class_csv": ".training.class_files",
    # training.class_page
    "ClassDashboard": ".training.class_page",
    "class_dashboard": ".training.class_page",
    # training.content
    "Lesson": ".training.content",
    "QuizQuestion": ".training.content",
    "load_lessons": ".training.content",
    "load_quiz": ".training.content",
    # training.dashboard
    "class_csv": ".training.dashboard",
    "class_rows": ".training.dashboard",
    "class_summary": ".training.dashboard",
    "most_missed": ".training.dashboard",
    # training.quiz_attempt
    "QuizAttempt": ".training.quiz_attempt",
    "quiz_attempt": ".training.quiz_attempt",
    # training.scoring
    "QuizScore": ".training.scoring",
    "draw_attempt": ".training.scoring",
    "score_attempt": ".training.scoring",
    "store_score": ".training.scoring",
    # training.trainee_account
    "TraineeAccount": ".training.trainee_account",
    # training.trainee_sign_in
    "TraineeSignIn": ".training.trainee_sign_in",
    "trainee_sign_in": ".training.trainee_sign_in",
    # training.widgets
    "LessonBook": ".training.widgets",
    "ProtocolWalkthrough": ".training.widgets",
    "Quiz": ".training.widgets",
    "lesson_book": ".training.widgets",
    "protocol_walkthrough": ".training.widgets",
    "quiz": ".training.widgets",
    # views.charts
    "timeline_figure": ".views.charts",
    "zone_time_figure": ".views.charts",
    # views.facemap
    "face_map_svg": ".views.facemap",
    # views.widgets
    "library_table": ".views.widgets",
    "protocol_browser": ".views.widgets",
    "validation_report": ".views.widgets",
}

__all__ = ["__version__", *sorted(_PUBLIC)]

if TYPE_CHECKING:  # for type checkers and editors; tests/test_init.py keeps it in step
    from .core.errors import (
        AppointmentsError,
        ExportError,
        IntakeError,
        LibraryError,
        ProtocolFileError,
        ProtocolToolsError,
        RecordError,
        ReferenceDataError,
        SessionError,
        UnknownClientError,
        UnknownTraineeError,
    )
    from .core.findings import Finding
    from .core.paths import data_dir
    from .designer.compare import ProtocolComparison, StepChange, ZoneTime, compare_protocols
    from .designer.draft import ProtocolDraft
    from .designer.store import bump_version
    from .designer.widget import ProtocolDesigner, protocol_designer
    from .designer.widget_face import face_path_figure
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
    from .records.erasure import forget_client
    from .records.history import client_list, client_record, export_record
    from .records.page import ClientPage, client_page
    from .records.sessions import VisitRecorder, import_log
    from .records.store import RecordStore
    from .records.training import class_work, forget_trainee, sign_in, trainee_work
    from .reference.data import ReferenceData, Rule, Technique, Zone, reference
    from .reference.geometry import zone_geometry
    from .screening.engine import OUTCOMES, ScreeningResult, screen
    from .screening.fields import Intake
    from .screening.form import IntakeForm
    from .screening.intake import load_intake, parse_intake
    from .screening.practice import outcome_legend, practice_quiz
    from .screening.rules import screening_questions
    from .series.widgets import CostComparison, DueBoard, cost_comparison, due_board
    from .session.app import GuidedSession, guided_session
    from .session.timer import SessionTimer
    from .sheets.appointments import RowProblem
    from .sheets.data import session_sheet
    from .sheets.day import DayResult, make_day_sheets
    from .sheets.maker import sheet_maker
    from .sheets.render import sheet_png_pages, sheet_to_pdf, write_sheet_pdf
    from .training.assessor import AssessorView, assessor_view
    from .training.checklist import observe, qualification_progress, readiness
    from .training.class_files import save_class_csv
    from .training.class_page import ClassDashboard, class_dashboard
    from .training.content import Lesson, QuizQuestion, load_lessons, load_quiz
    from .training.dashboard import class_csv, class_rows, class_summary, most_missed
    from .training.quiz_attempt import QuizAttempt, quiz_attempt
    from .training.scoring import QuizScore, draw_attempt, score_attempt, store_score
    from .training.trainee_account import TraineeAccount
    from .training.trainee_sign_in import TraineeSignIn, trainee_sign_in
    from .training.widgets import (
        LessonBook,
        ProtocolWalkthrough,
        Quiz,
        lesson_book,
        protocol_walkthrough,
        quiz,
    )
    from .views.charts import timeline_figure, zone_time_figure
    from .views.facemap import face_map_svg
    from .views.widgets import library_table, protocol_browser, validation_report


def __getattr__(name: str) -> Any:
    module_name = _PUBLIC.get(name)
    if module_name is None:
        raise AttributeError(f"module 'protocol_tools' has no attribute {name!r}")
    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
