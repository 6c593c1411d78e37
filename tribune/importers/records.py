"""Model rows as JSON values and back, field by field, for Tribune's own
export: every concrete field except the primary key and the relations the
export names by key instead, so a field added to a model later travels too."""

from __future__ import annotations

import datetime as dt

from django.db import models

from tribune.core.errors import InvalidInput

# ImportedRecord kind of a comment carried from another server's export with
# the Disqus, WordPress or Isso id it was first imported under: "comment:disqus".
ORIGIN = "comment:"


class ImportRefused(InvalidInput):
    """The file cannot be imported; nothing of it was kept."""

    code = "import_refused"


def dump_fields(obj: models.Model, *, skip: set[str]) -> dict:
    values = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name in skip or f.is_relation:
            continue
        value = f.value_from_object(obj)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        values[f.name] = value
    return values


def load_fields(model: type[models.Model], data: dict, *, skip: set[str]) -> dict:
    """Values for ``model(**values)`` from :func:`dump_fields`'s output; fields
    the file does not carry keep their defaults, unknown keys are ignored."""
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in skip or f.name not in data:
            continue
        if f.is_relation:
            continue
        try:
            values[f.attname] = f.to_python(data[f.name])
        except Exception as error:  # ValidationError, TypeError: a corrupt line
            raise ImportRefused(f"{model.__name__}.{f.name}: {error}") from None
    return values
