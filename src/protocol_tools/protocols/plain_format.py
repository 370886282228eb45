"""The protocol format, checked without pydantic for a file that plainly fits it.

The pydantic model in :mod:`.model` is the format's one definition. Importing pydantic
and building the model costs more than a whole ``protocol-tools validate`` of one file
should, so :mod:`.format_table` holds the model's own validation schema, written out
as plain data by :func:`format_table` (``tests/protocols/test_plain_format.py`` fails
the moment the two differ, and says how to write it again). :func:`fitted` reads that
table and answers one question: does this data certainly fit? It then gives the data
exactly as the model would hold it (defaults filled in, whole numbers made floats where
the model keeps floats). Anything it is not sure of gives None, and the caller asks
the model itself, which words every error, so no error message lives here.

    >>> fitted({"format": 1})  # not sure: the model says what is missing
    >>> step = {"zone": "jawline", "side": "left", "technique": "glide", "seconds": 45}
    >>> protocol = {"format": 1, "id": "demo", "name": "Demo", "version": "1.0.0",
    ...             "setting": "clinic", "summary": "A demo.", "steps": [step]}
    >>> fitted(protocol)["steps"][0]["seconds"], fitted(protocol)["defaults"]
    (45.0, {'current_uA': None, 'frequency_hz': None})
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

__all__ = ["fitted", "format_table", "table_text"]

Check = Callable[[Any], Any]

# Whole numbers a float holds exactly, and ints every engine compares alike.
_EXACT_INT = 2**53
# The kinds whose checks take None themselves when the field may be left empty.
_NULL_ITSELF = {"str", "literal", "int", "float"}


class _NotSure(Exception):
    """The data may not fit: the model decides."""


def fitted(data: Any) -> dict[str, Any] | None:
    """``data`` as the model would hold it when it certainly fits the format, else None."""
    try:
        return _root_check()(data)
    except _NotSure:
        return None


@cache
def _root_check() -> Check:
    from .format_table import TABLE

    return _Compiler(TABLE["models"]).model(TABLE["root"])


# -- checking, one kind of schema at a time ------------------------------------------


class _Compiler:
    """Turns the table into one function per schema, each raising _NotSure."""

    def __init__(self, models: Mapping[str, Any]) -> None:
        self.models = models
        self.compiled: dict[str, Check] = {}

    def model(self, name: str) -> Check:
        if name in self.compiled:
            return self.compiled[name]
        rows = self.models[name]
        checks = {field: self.check(schema) for field, schema, _ in rows}
        names = frozenset(checks)
        required = frozenset(field for field, _, default in rows if default is None)
        # Every field in the model's order, holding its default (values only: a value
        # made by a factory is made anew for each protocol, below).
        template = {
            field: default["value"] if default and "value" in default else None
            for field, _, default in rows
        }
        factories = [
            (field, self.factory(default["factory"]))
            for field, _, default in rows
            if default and "factory" in default
        ]

        def check(value: Any) -> dict[str, Any]:
            if value.__class__ is not dict or not names.issuperset(value):
                raise _NotSure  # not a mapping, or a field the model does not know
            if not required.issubset(value):
                raise _NotSure  # a required field is missing
            result = template.copy()
            for field, item in value.items():
                result[field] = checks[field](item)
            for field, make in factories:
                if field not in value:
                    result[field] = make()
            return result

        self.compiled[name] = check
        return check

    def factory(self, name: str) -> Callable[[], Any]:
        if name == "list":
            return list
        model = self.model(name)
        return lambda: model({})  # a model made of its own defaults

    def check(self, schema: Mapping[str, Any]) -> Check:
        if schema["kind"] == "nullable":
            return self.check({**schema["inner"], "nullable": True})
        if schema["kind"] == "model":
            return self.model(schema["name"])
        check = getattr(self, "_" + schema["kind"])(schema)
        if not schema.get("nullable") or schema["kind"] in _NULL_ITSELF:
            return check
        return lambda value: None if value is None else check(value)

    def _list(self, schema: Mapping[str, Any]) -> Check:
        item, low, high = self.check(schema["items"]), *_length(schema)

        def check(value: Any) -> list[Any]:
            if value.__class__ is not list or not low <= len(value) <= high:
                raise _NotSure
            return [item(entry) for entry in value]

        return check

    def _str(self, schema: Mapping[str, Any]) -> Check:
        low, high = _length(schema)
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
        nullable = schema.get("nullable", False)

        def check(value: Any) -> str | None:
            if value.__class__ is str and low <= len(value) <= high:
                if value.isascii():
                    if pattern is None or pattern.fullmatch(value):
                        return value
                # Only ASCII is matched here (both regex engines agree on it), and
                # text the model's engine could not take is its own to word.
                elif pattern is None and _utf8(value):
                    return value
            elif value is None and nullable:
                return None
            raise _NotSure

        return check

    def _int(self, schema: Mapping[str, Any]) -> Check:
        gt, ge, lt, le = _bounds(schema)
        nullable = schema.get("nullable", False)

        def check(value: Any) -> int | None:
            if (
                value.__class__ is int
                and -_EXACT_INT < value < _EXACT_INT
                and value > gt
                and value >= ge
                and value < lt
                and value <= le
            ):
                return value
            if value is None and nullable:
                return None
            raise _NotSure

        return check

    def _float(self, schema: Mapping[str, Any]) -> Check:
        gt, ge, lt, le = _bounds(schema)
        nullable = schema.get("nullable", False)

        def check(value: Any) -> float | None:
            kind = value.__class__
            if kind is int and -_EXACT_INT < value < _EXACT_INT:
                value = float(value)  # the model keeps a whole number as a float
            elif kind is not float or not math.isfinite(value):
                if value is None and nullable:
                    return None
                raise _NotSure
            if value > gt and value >= ge and value < lt and value <= le:
                return value
            raise _NotSure

        return check

    def _bool(self, schema: Mapping[str, Any]) -> Check:
        return _exactly(bool)

    def _date(self, schema: Mapping[str, Any]) -> Check:
        return _exactly(dt.date)

    def _literal(self, schema: Mapping[str, Any]) -> Check:
        # (type, value): true is not 1 here, nor 1.0.
        choices = frozenset((choice.__class__, choice) for choice in schema["expected"])
        kinds = frozenset(kind for kind, _ in choices)
        nullable = schema.get("nullable", False)

        def check(value: Any) -> Any:
            if value.__class__ in kinds and (value.__class__, value) in choices:
                return value
            if value is None and nullable:
                return None
            raise _NotSure

        return check


def _exactly(kind: type) -> Check:
    def check(value: Any) -> Any:
        if value.__class__ is not kind:
            raise _NotSure
        return value

    return check


def _length(schema: Mapping[str, Any]) -> tuple[int, float]:
    return schema.get("min_length", 0), schema.get("max_length", math.inf)


def _bounds(schema: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """gt, ge, lt and le, each unbounded when the schema leaves it out."""
    return (
        schema.get("gt", -math.inf),
        schema.get("ge", -math.inf),
        schema.get("lt", math.inf),
        schema.get("le", math.inf),
    )


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


# -- the table, written from the model ----------------------------------------------

# What each kind of pydantic-core schema may hold for the checks above to mean the
# same; anything else makes format_table() fail, so a new constraint in the model is
# never skipped silently here.
_KNOWN_KEYS = {
    "str": {"min_length", "max_length", "pattern"},
    "int": {"gt", "ge", "lt", "le"},
    "float": {"gt", "ge", "lt", "le"},
    "bool": set(),
    "date": set(),
    "literal": {"expected"},
    "list": {"items_schema", "min_length", "max_length"},
}
_CONFIG = {"strict": True, "extra_fields_behavior": "forbid", "allow_inf_nan": False}


def format_table(model: Any) -> dict[str, Any]:
    """The validation schema of a pydantic ``model`` as plain data (its text:
    :func:`table_text`)."""
    models: dict[str, Any] = {}
    _table_model(model.__pydantic_core_schema__, models)
    return {"root": model.__name__, "models": models}


def _table_model(schema: Mapping[str, Any], models: dict[str, Any]) -> str:
    _expect(schema["type"] == "model" and not schema["custom_init"] and not schema["root_model"])
    config = dict(schema["config"])
    config.pop("title", None)
    _expect(config == _CONFIG, f"a model config this table does not know: {config}")
    fields_schema = schema["schema"]
    _expect(fields_schema["type"] == "model-fields" and not fields_schema["computed_fields"])
    _expect(set(fields_schema) <= {"type", "fields", "model_name", "computed_fields"})
    name = schema["cls"].__name__
    rows = []
    for field, item in fields_schema["fields"].items():
        _expect(set(item) <= {"type", "schema", "metadata"}, f"{name}.{field}: {set(item)}")
        rows.append((field, *_table_field(item["schema"], models)))
    models[name] = rows
    return name


def _table_field(schema: Mapping[str, Any], models: dict[str, Any]) -> tuple[Any, Any]:
    if schema["type"] != "default":
        return _table_schema(schema, models), None
    _expect(
        set(schema)
        <= {"type", "schema", "default", "default_factory", "default_factory_takes_data"}
    )
    inner = _table_schema(schema["schema"], models)
    if "default" in schema:
        return inner, {"value": schema["default"]}
    factory = schema["default_factory"]
    _expect(not schema.get("default_factory_takes_data"))
    if factory is list:
        return inner, {"factory": "list"}
    _expect(inner == {"kind": "model", "name": factory.__name__}, f"default factory {factory}")
    return inner, {"factory": factory.__name__}


def _table_schema(schema: Mapping[str, Any], models: dict[str, Any]) -> dict[str, Any]:
    kind = schema["type"]
    if kind == "nullable":
        _expect(set(schema) == {"type", "schema"})
        return {"kind": "nullable", "inner": _table_schema(schema["schema"], models)}
    if kind == "model":
        return {"kind": "model", "name": _table_model(schema, models)}
    _expect(kind in _KNOWN_KEYS, f"a schema of type {kind!r}")
    rest = {key: value for key, value in schema.items() if key not in {"type", "metadata"}}
    _expect(rest.pop("allow_inf_nan", False) is False and rest.pop("strict", True) is True)
    _expect(set(rest) <= _KNOWN_KEYS[kind], f"{kind} with {set(rest) - _KNOWN_KEYS[kind]}")
    if kind == "list":
        rest["items"] = _table_schema(rest.pop("items_schema"), models)
    if kind == "literal":
        rest["expected"] = list(rest["expected"])
    return {"kind": kind, **rest}


def _expect(condition: bool, what: str = "a schema this table does not know") -> None:
    if not condition:
        raise ValueError(f"the protocol model holds {what}; teach plain_format.py about it")


def table_text(model: Any) -> str:
    """The text of ``format_table.py`` for ``model`` (what the test compares)."""
    import pprint

    table = pprint.pformat(format_table(model), width=96, sort_dicts=False)
    return (
        '"""The protocol model\'s validation schema as plain data. Written by\n'
        "``protocols.plain_format.table_text(Protocol)``; do not edit by hand:\n"
        '``tests/protocols/test_plain_format.py`` fails when the model changes, and says how\n'
        'to write it again."""\n\n'
        "from typing import Any\n\n"
        f"TABLE: dict[str, Any] = {table}\n"
    )
