"""The shape of each reference data file, one pydantic model per file.

A model says what a clinic may write; :mod:`.loader` checks every file against
its model before any feature reads it, so a mistake is named by file, line and
field instead of surfacing later as a traceback in the feature that used it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .fields import (
    DataModel,
    Flag,
    OptionalText,
    Pattern,
    Polygon,
    Polyline,
    PositiveNumber,
    PositiveWhole,
    Slug,
    Text,
    UnitFraction,
)

__all__ = [
    "ContraindicationsFile",
    "CostsFile",
    "LimitsFile",
    "PlanEntry",
    "PlanPhase",
    "PlansFile",
    "RulesFile",
    "SessionCareFile",
    "SheetFile",
    "TechniquesFile",
    "TrainingFile",
    "ZonesFile",
]


class Range(DataModel):
    min: PositiveNumber
    max: PositiveNumber


class WholeRange(DataModel):
    """Hours or weeks people read on a sheet: whole numbers (``24–48 hours``)."""

    min: PositiveWhole
    max: PositiveWhole


# -- zones.yaml ---------------------------------------------------------------------


class Canvas(DataModel):
    width: PositiveNumber
    height: PositiveNumber


class Face(DataModel):
    outline: Polygon
    features: dict[str, Polyline] = Field(default_factory=dict)
    midline_features: dict[str, Polyline] = Field(default_factory=dict)


class ZoneEntry(DataModel):
    id: Slug
    name: Text
    muscles: list[Text] | None = None
    direction: Text
    max_current_uA: PositiveNumber
    current_source: Text
    outline: Polygon
    strokes: list[Polyline] = Field(min_length=1)
    notes: OptionalText = None


class ZonesFile(DataModel):
    canvas: Canvas
    face: Face
    zones: list[ZoneEntry] = Field(min_length=1)


# -- techniques.yaml ----------------------------------------------------------------


class TechniqueEntry(DataModel):
    id: Slug
    name: Text
    description: Text
    uses_hold: Flag = False
    source: OptionalText = None


class TechniquesFile(DataModel):
    techniques: list[TechniqueEntry] = Field(min_length=1)


# -- rules.yaml ---------------------------------------------------------------------


class RuleEntry(DataModel):
    code: Slug
    severity: Literal["error", "warning"]
    explanation: Text
    source: Text


class RulesFile(DataModel):
    rules: list[RuleEntry] = Field(min_length=1)


# -- limits.yaml --------------------------------------------------------------------


class MicrocurrentLimit(DataModel):
    max_current_uA: PositiveNumber
    source: Text


class FrequencyLimits(DataModel):
    min: PositiveNumber
    max: PositiveNumber
    typical: PositiveNumber
    source: Text


class SettingLimits(DataModel):
    max_current_uA: PositiveNumber
    device_minutes: Range
    source: Text


class Settings(DataModel):
    clinic: SettingLimits
    home: SettingLimits


class Tolerance(DataModel):
    fraction: UnitFraction
    source: Text


class CoreZones(DataModel):
    zones: list[Slug]
    source: Text


class StepDefaults(DataModel):
    passes: PositiveWhole
    hold_seconds: PositiveNumber
    source: Text


class LimitsFile(DataModel):
    microcurrent: MicrocurrentLimit
    frequency_hz: FrequencyLimits
    settings: Settings
    target_tolerance: Tolerance
    core_zones: CoreZones
    step_defaults: StepDefaults


# -- session_care.yaml --------------------------------------------------------------


class PrepItem(DataModel):
    id: Slug
    text: Text
    source: Text


class CareNote(DataModel):
    text: Text
    source: Text


class Aftercare(DataModel):
    window_hours: WholeRange
    source: Text
    items: list[Text]
    home_device_items: list[Text] = Field(default_factory=list)


class NextVisit(DataModel):
    weeks: WholeRange
    source: Text
    # What a client can expect, in plain words (the take-home plan sheet prints it).
    expect: OptionalText = None


class ComfortLevel(DataModel):
    id: Slug
    text: Text
    source: Text


class SessionCareFile(DataModel):
    prep_checklist: list[PrepItem] = Field(min_length=1)
    during_session: list[CareNote]
    aftercare: Aftercare
    next_visit: NextVisit
    comfort: list[ComfortLevel] = Field(min_length=1)


# -- sheet.yaml ---------------------------------------------------------------------


class SheetFile(DataModel):
    paper: OptionalText = None
    clinic: OptionalText = None
    practitioner: OptionalText = None
    fonts: list[Text] | None = None

    @field_validator("paper")
    @classmethod
    def _known_paper(cls, value: str | None) -> str | None:
        # The sheets read it lower-cased; a blank one means the default (a4).
        if value and value.strip().lower() not in ("a4", "letter"):
            raise ValueError(f"must be a4 or letter, not {value!r}")
        return value


# -- contraindications.yaml -----------------------------------------------------------


class Outcome(DataModel):
    id: Slug
    icon: Text
    title: Text
    explain: Text


class MinimumAge(DataModel):
    years: PositiveWhole
    source: Text


class ClientCode(DataModel):
    pattern: Pattern
    max_chars: PositiveWhole
    example: Text
    explain: Text


class ListItem(DataModel):
    id: Slug
    label: Text
    question: Text
    outcome: Slug
    reason: Text
    source: Text
    adjustment: OptionalText = None
    heal_first: Flag = False
    required: Flag = True


class ScreeningRuleEntry(ListItem):
    field: Text
    test: Literal["yes", "under-age", "within-days"]
    wait_days: PositiveWhole | None = None
    wait_note: OptionalText = None
    ask_date: OptionalText = None


class ListQuestion(DataModel):
    label: Text
    question: Text
    items: list[ListItem] = Field(min_length=1)


class ContraindicationsFile(DataModel):
    outcomes: list[Outcome] = Field(min_length=1)
    minimum_age: MinimumAge
    oldest_plausible_age_years: PositiveWhole
    client_code: ClientCode
    rules: list[ScreeningRuleEntry]
    lists: dict[str, ListQuestion]
    heal_first_note: Text


# -- plans.yaml ---------------------------------------------------------------------


class Interval(DataModel):
    """One of days, weeks or months (the consistency check insists on exactly one)."""

    days: PositiveWhole | None = None
    weeks: PositiveWhole | None = None
    months: PositiveWhole | None = None


class PlanPhase(DataModel):
    name: Text
    count: PositiveWhole
    every: Interval | None = None
    times_per_week: PositiveWhole | None = None
    late_after_days: int = Field(ge=0, strict=True)
    counts_from: Literal["plan", "last-visit"] = "plan"


class PlanEntry(DataModel):
    id: Slug
    name: Text
    kind: Literal["clinic", "home"]
    source: Text
    phases: list[PlanPhase] = Field(min_length=1)


class PlanLimits(DataModel):
    max_count: PositiveWhole
    max_interval_days: PositiveWhole
    max_plan_years: PositiveWhole


class PlansFile(DataModel):
    limits: PlanLimits
    plans: list[PlanEntry] = Field(min_length=1)


# -- costs.yaml ---------------------------------------------------------------------


class ClinicCost(DataModel):
    price: WholeRange
    source: Text
    gives: Text
    gives_source: Text
    minutes: WholeRange
    minutes_source: Text


class HomeCost(DataModel):
    price: PositiveNumber
    source: Text
    gives: Text
    gives_source: Text
    minutes: WholeRange
    minutes_source: Text


class PlanPair(DataModel):
    clinic_plan: Slug
    home_plan: Slug


class CostComparison(DataModel):
    clinic_plan: Slug
    home_plan: Slug
    both: PlanPair


class CostsFile(DataModel):
    currency: Text
    clinic_session: ClinicCost
    home_device: HomeCost
    compare: CostComparison


# -- training.yaml ------------------------------------------------------------------


class QuizAssessment(DataModel):
    pass_mark: UnitFraction
    pass_mark_source: Text


class Readiness(DataModel):
    quiz_passed: Flag
    screening_cases: PositiveWhole
    screening_accuracy: UnitFraction
    rehearsals: PositiveWhole
    source: Text


class Qualification(DataModel):
    name: Text
    observed_treatments: PositiveWhole
    every_criterion_met: Flag
    source: Text


class Criterion(DataModel):
    id: Slug
    text: Text
    source: Text


class ChecklistSection(DataModel):
    id: Slug
    title: Text
    criteria: list[Criterion] = Field(min_length=1)


class TrainingFile(DataModel):
    quiz: QuizAssessment
    readiness: Readiness
    qualification: Qualification
    checklist: list[ChecklistSection] = Field(min_length=1)
