"""The one reader of ``data/``: each file parsed safely, checked whole, cached.

Every data file with a model (:mod:`.models`) is checked in full the first time
anything reads it, so a clinic's mistake anywhere in it is reported at once, by
file, line and field, before a feature uses a single value. A file is read again
when it changes (the cache key is its folder, name and modification).

    >>> load_data_file("sheet.yaml")["paper"]
    'a4'
    >>> data_model("limits.yaml").microcurrent.max_current_uA
    1000
"""

from __future__ import annotations

import copy
import typing
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.errors import ReferenceDataError
from ..core.paths import data_dir
from ..core.safe_yaml import YamlDocument, YamlProblem, read_yaml_file
from .consistency import CROSS_CHECKS
from .data import file_key
from .models import (
    ContraindicationsFile,
    CostsFile,
    LimitsFile,
    PlansFile,
    RulesFile,
    SessionCareFile,
    SheetFile,
    TechniquesFile,
    TrainingFile,
    ZonesFile,
)
from .problems import describe, problem_error

__all__ = [
    "FILE_MODELS",
    "clear_cache",
    "data_document",
    "data_model",
    "file_key",
    "load_data_file",
]

# Files without a model here (lessons, quiz) belong to training, which checks them.
FILE_MODELS: dict[str, type[BaseModel]] = {
    "zones.yaml": ZonesFile,
    "techniques.yaml": TechniquesFile,
    "rules.yaml": RulesFile,
    "limits.yaml": LimitsFile,
    "session_care.yaml": SessionCareFile,
    "sheet.yaml": SheetFile,
    "contraindications.yaml": ContraindicationsFile,
    "plans.yaml": PlansFile,
    "costs.yaml": CostsFile,
    "training.yaml": TrainingFile,
}


def load_data_file(name: str) -> Any:
    """``data/<name>`` as plain data (a fresh copy), checked in full against its model.

    Raises :class:`ReferenceDataError` naming the file, line and field of the first
    problems found.
    """
    document, _ = _checked(name)
    return copy.deepcopy(document.data)


def data_model(name: str) -> Any:
    """``data/<name>`` as its checked model (e.g. :class:`.models.LimitsFile`)."""
    if name not in FILE_MODELS:
        raise KeyError(f"{name} has no model; read it with load_data_file")
    return _checked(name)[1]


def data_document(name: str) -> YamlDocument:
    """``data/<name>`` as read, with the position of every value (to place a problem)."""
    return _checked(name)[0]


def clear_cache() -> None:
    """Forget every file read (a test that rewrites a file within one clock tick)."""
    _checked_at.cache_clear()


def _checked(name: str) -> tuple[YamlDocument, BaseModel | None]:
    folder = data_dir()
    return _checked_at(folder, name, file_key(folder / name))


@cache
def _checked_at(
    folder: Path, name: str, key: tuple[int, int, int] | None
) -> tuple[YamlDocument, BaseModel | None]:
    del key  # part of the cache key only: an edited file is read again
    path = folder / name
    try:
        document = read_yaml_file(path)
    except YamlProblem as problem:
        where = f":{problem.line}:{problem.column}" if problem.line else ""
        raise ReferenceDataError(f"{path}{where}: {problem.message}") from None
    model_class = FILE_MODELS.get(name)
    if model_class is None:
        return document, None
    try:
        model = model_class.model_validate(document.data)
    except ValidationError as error:
        problems = [
            (tuple(e["loc"]), describe(e, _fields_at(model_class, e["loc"][:-1])))
            for e in error.errors()
        ]
        raise problem_error(document, problems) from None
    problems = CROSS_CHECKS.get(model_class, lambda _: [])(model)
    if problems:
        raise problem_error(document, problems)
    return document, model


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names the model allows at ``loc`` (for did-you-mean hints)."""
    current: Any = model
    for part in loc:
        current = _model_in(current)
        if current is None:
            return []
        if isinstance(part, str) and part in current.model_fields:
            current = current.model_fields[part].annotation
    found = _model_in(current)
    return list(found.model_fields) if found is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``list[X]``, ``dict[str, X]``, ``X | None``…, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
