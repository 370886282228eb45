"""The protocol model: one definition gives the Python API and the JSON Schema.

>>> from protocol_tools import load_protocol
>>> protocol = load_protocol("protocols/signature-lift-15.yaml")  # doctest: +SKIP
>>> protocol.device_seconds / 60  # doctest: +SKIP
15.0
>>> protocol.to_frame()[["zone", "side", "start_s", "end_s"]].head(3)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from ..reference.data import reference

if TYPE_CHECKING:
    import pandas as pd

    from ..core.safe_yaml import YamlDocument

__all__ = [
    "ChangeNote",
    "Defaults",
    "Kind",
    "Protocol",
    "Scope",
    "Setting",
    "Side",
    "Step",
    "TimelineEntry",
]

FORMAT_VERSION = 1
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
VERSION_PATTERN = r"^\d+\.\d+\.\d+$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=32)]
SHORT_TEXT_MAX, LONG_TEXT_MAX = 300, 5000
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=SHORT_TEXT_MAX)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=LONG_TEXT_MAX)]
PositiveNumber = Annotated[float, Field(gt=0, allow_inf_nan=False)]
PositiveWhole = Annotated[int, Field(gt=0)]

# A format sanity bound, not a safety fact: no step of a 10–20-minute session lasts
# an hour, so a longer one is a typing mistake (3600 for 360, or 1e308) to report
# where it stands instead of an endless timeline.
MAX_STEP_SECONDS = 3600
# A format sanity bound too: a pass takes a few seconds and a step at most an hour,
# so more passes than that is a slip of the keyboard (or 1e20), not a plan.
MAX_PASSES = 1000

Kind = Literal["prep", "treatment", "closing"]
Side = Literal["left", "right", "both"]
Setting = Literal["clinic", "home"]
Scope = Literal["full-face", "targeted"]


class _Strict(BaseModel):
    # strict: YAML already gives numbers and booleans their types, so "45" for
    # seconds or 1.0 for a version is a mistake to report, not to guess at.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Defaults(_Strict):
    """Settings every treatment step uses unless it overrides them."""

    current_uA: PositiveNumber | None = Field(
        default=None, description="Current in microamperes (µA); microcurrent stays below 1000."
    )
    frequency_hz: PositiveNumber | None = Field(
        default=None, description="Pulse frequency in hertz; 0.5 Hz is typical for lifting."
    )


class Step(_Strict):
    """One step: a prep or closing action, or device work on one zone and side."""

    kind: Kind = Field(default="treatment", description="prep | treatment | closing")
    action: ShortText | None = Field(
        default=None, description="What to do, for prep and closing steps."
    )
    zone: str | None = Field(default=None, description="A zone id from data/zones.yaml.")
    side: Side | None = Field(default=None, description="The client's side: left | right | both.")
    technique: str | None = Field(
        default=None, description="An id from data/techniques.yaml (glide, hold, …)."
    )
    direction: ShortText | None = Field(default=None, description="Where the strokes go.")
    passes: PositiveWhole | None = Field(
        default=None, le=MAX_PASSES, description="How many passes (at most a thousand)."
    )
    seconds: PositiveNumber = Field(
        le=MAX_STEP_SECONDS, description="How long the step lasts, in seconds (at most an hour)."
    )
    hold_seconds: PositiveNumber | None = Field(
        default=None, description="How long each hold lasts (hold and glide-hold)."
    )
    current_uA: PositiveNumber | None = Field(
        default=None, description="Overrides defaults.current_uA for this step."
    )
    frequency_hz: PositiveNumber | None = Field(
        default=None, description="Overrides defaults.frequency_hz for this step."
    )
    rewet_gel: bool = Field(
        default=False, description="Prompt to mist or re-apply gel before this step."
    )
    cue: ShortText | None = Field(default=None, description="A short spoken or shown cue.")


class ChangeNote(_Strict):
    """One entry of a protocol's change history."""

    version: Version
    date: dt.date | None = None
    note: ShortText


class Protocol(_Strict):
    """A microcurrent-facial protocol, as one YAML file in ``protocols/`` holds it."""

    format: Literal[1] = Field(description="The file format's version; always 1 for now.")
    id: Slug = Field(description="Lower-case slug; equals the file name.")
    name: ShortText
    version: Version = Field(description="major.minor.patch, e.g. 1.0.0")
    setting: Setting
    summary: ShortText
    description: LongText | None = None
    target_minutes: PositiveNumber | None = Field(
        default=None, description="The device time the protocol claims, checked against its steps."
    )
    scope: Scope = Field(
        default="full-face",
        description="full-face protocols must cover the core zones; targeted ones need not.",
    )
    status: Literal["ready", "draft"] = Field(
        default="ready", description="Drafts may hold errors; the guided session refuses them."
    )
    derived_from: (
        Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+@\d+\.\d+\.\d+$")] | None
    ) = Field(default=None, description="id@version of the protocol this one was made from.")
    author: ShortText | None = None
    changes: list[ChangeNote] = Field(default_factory=list)
    defaults: Defaults = Field(default_factory=Defaults)
    steps: Annotated[list[Step], Field(min_length=1, max_length=500)]

    _document: YamlDocument | None = PrivateAttr(default=None)
    _path: str | None = PrivateAttr(default=None)

    # -- where it came from -------------------------------------------------
    @property
    def path(self) -> str | None:
        """The file this protocol was read from, if any."""
        return self._path

    @property
    def source_name(self) -> str | None:
        """What messages call this protocol's source: its file, or the name it was parsed as."""
        return self._path or (self._document.source if self._document else None)

    def locate(self, path: tuple[Hashable, ...]) -> tuple[int | None, int | None]:
        """Line and column of a field in the source file, when known."""
        if self._document is None:
            return None, None
        position = self._document.position(path)
        return position if position else (None, None)

    # -- derived numbers ----------------------------------------------------
    def timeline(self) -> list[TimelineEntry]:
        """Every step with its effective settings and its start and end second."""
        ref = reference()
        fallback_frequency = ref.limits.get("frequency_hz", {}).get("typical")
        entries = []
        clock = 0.0
        for index, step in enumerate(self.steps):
            zone = ref.zones.get(step.zone) if step.zone else None
            treatment = step.kind == "treatment"
            entries.append(
                TimelineEntry(
                    step=index + 1,
                    kind=step.kind,
                    zone=step.zone,
                    zone_name=zone.name if zone else (step.zone or ""),
                    side=step.side,
                    technique=step.technique,
                    direction=step.direction or (zone.direction if zone else None),
                    passes=step.passes,
                    seconds=step.seconds,
                    hold_seconds=step.hold_seconds,
                    current_uA=(step.current_uA or self.defaults.current_uA) if treatment else None,
                    frequency_hz=(
                        step.frequency_hz or self.defaults.frequency_hz or fallback_frequency
                    )
                    if treatment
                    else None,
                    rewet_gel=step.rewet_gel,
                    action=step.action,
                    cue=step.cue,
                    start_s=clock,
                    end_s=clock + step.seconds,
                )
            )
            clock += step.seconds
        return entries

    @property
    def device_seconds(self) -> float:
        """Seconds of device work: the treatment steps only."""
        return sum(step.seconds for step in self.steps if step.kind == "treatment")

    @property
    def total_seconds(self) -> float:
        """Seconds of the whole session, prep and closing included."""
        return sum(step.seconds for step in self.steps)

    def zone_seconds(self) -> dict[tuple[str, str], float]:
        """Device seconds per (zone, side), in the order zones first appear."""
        totals: dict[tuple[str, str], float] = {}
        for step in self.steps:
            if step.kind == "treatment" and step.zone and step.side:
                key = (step.zone, step.side)
                totals[key] = totals.get(key, 0.0) + step.seconds
        return totals

    def to_frame(self) -> pd.DataFrame:
        """The steps as a pandas DataFrame with start and end seconds."""
        import pandas as pd  # only the views pay for pandas, never validation

        frame = pd.DataFrame([asdict(entry) for entry in self.timeline()])
        for column in ("seconds", "start_s", "end_s", "hold_seconds", "current_uA", "passes"):
            values = frame[column].dropna()
            if len(values) and (values == values.round()).all():
                frame[column] = frame[column].astype("Int64")
        return frame.set_index("step")

    def to_yaml_data(self) -> dict[str, Any]:
        """Plain data in the file's field order, without defaults left unset."""
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


@dataclass(frozen=True)
class TimelineEntry:
    """A step placed on the session's clock, with defaults applied."""

    step: int
    kind: str
    zone: str | None
    zone_name: str
    side: str | None
    technique: str | None
    direction: str | None
    passes: int | None
    seconds: float
    hold_seconds: float | None
    current_uA: float | None
    frequency_hz: float | None
    rewet_gel: bool
    action: str | None
    cue: str | None
    start_s: float
    end_s: float


def protocol_json_schema() -> dict[str, Any]:
    """The JSON Schema of a protocol file, with zone and technique ids from data/."""
    ref = reference()
    schema = Protocol.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "protocol.schema.json"
    schema["title"] = "Microcurrent facial protocol"
    step = schema["$defs"]["Step"]["properties"]
    # Editors then offer exactly the ids the validator accepts.
    step["zone"]["anyOf"][0]["enum"] = sorted(ref.zones)
    step["technique"]["anyOf"][0]["enum"] = sorted(ref.techniques)
    return schema
