"""The kinds of value data files hold, each refusing a wrong one in plain words.

Numbers are checked by hand rather than by pydantic's coercion: ``"1000"`` in a
limits file is a typing slip a clinic must hear about, not a number to guess at,
and the value keeps the type the file gave it (``400`` stays an ``int``).

    >>> from pydantic import TypeAdapter, ValidationError
    >>> TypeAdapter(PositiveNumber).validate_python(400)
    400
    >>> try:
    ...     TypeAdapter(PositiveNumber).validate_python("six hundred")
    ... except ValidationError as error:
    ...     print(error.errors()[0]["msg"])
    must be a number, not the text 'six hundred'
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, Strict
from pydantic_core import PydanticCustomError

from .problems import shown

__all__ = [
    "DataModel",
    "Flag",
    "OptionalText",
    "Pattern",
    "Point",
    "Polygon",
    "Polyline",
    "PositiveNumber",
    "PositiveWhole",
    "Slug",
    "Text",
    "UnitFraction",
]

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class DataModel(BaseModel):
    """A part of a data file: unknown fields are refused (a typo must not vanish)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number", "must be a number, not {got}", {"got": shown(value)})
    if not math.isfinite(value):
        raise PydanticCustomError("number", "must be a finite number, not {got}", {"got": value})
    return value


def positive_number(value: Any) -> int | float:
    if _number(value) <= 0:
        raise PydanticCustomError("positive", "must be more than 0, not {got}", {"got": value})
    return value


def positive_whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError(
            "whole", "must be a whole number, not {got}", {"got": shown(value)}
        )
    if value <= 0:
        raise PydanticCustomError("positive", "must be more than 0, not {got}", {"got": value})
    return value


def unit_fraction(value: Any) -> int | float:
    if not 0 <= _number(value) <= 1:
        raise PydanticCustomError(
            "fraction", "must be a fraction from 0 to 1 (0.10 is 10 %), not {got}", {"got": value}
        )
    return value


def coordinate(value: Any) -> int | float:
    return _number(value)


def pattern(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise PydanticCustomError(
            "pattern", "must be a pattern (text), not {got}", {"got": shown(value)}
        )
    try:
        re.compile(value)
    except re.error as error:
        raise PydanticCustomError(
            "pattern",
            "is not a valid pattern: {why} at character {at}",
            {"why": error.msg, "at": (error.pos or 0) + 1},
        ) from None
    return value


PositiveNumber = Annotated[int | float, PlainValidator(positive_number)]
PositiveWhole = Annotated[int, PlainValidator(positive_whole)]
UnitFraction = Annotated[int | float, PlainValidator(unit_fraction)]
Pattern = Annotated[str, PlainValidator(pattern)]
Text = Annotated[str, Strict(), Field(min_length=1)]
OptionalText = Annotated[str | None, Strict()]
Slug = Annotated[str, Strict(), Field(pattern=SLUG)]
Flag = Annotated[bool, Strict()]
Point = Annotated[
    list[Annotated[float, PlainValidator(coordinate)]], Field(min_length=2, max_length=2)
]
Polyline = Annotated[list[Point], Field(min_length=2)]
Polygon = Annotated[list[Point], Field(min_length=3)]
