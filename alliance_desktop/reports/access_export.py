"""Write a data-subject access export (see ``services.access_record``) as one JSON file.

Why validate before writing: the file goes to a client or their representative
and must be complete and well-formed (RELIABILITY.md row 34). The document is
checked against ``resources/schemas/access_export.schema.json`` first; a
document that does not match (a field missing, an unexpected one) is not
written at all, and the error names the place. The schema is published with
the export so a receiving system can check it too.

The file is UTF-8 JSON with keys in a fixed order and non-ASCII text kept as
written (a pseudonym in Arabic stays readable), written atomically.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

from alliance_desktop.reports.atomic_output import atomic_text_files
from alliance_desktop.resources import resource_path

__all__ = ["AccessExportInvalid", "access_schema", "schema_file", "validate_access_document",
           "write_access_export"]


class AccessExportInvalid(ValueError):
    """The document does not match the published schema; nothing was written."""


def schema_file() -> Path:
    return resource_path("schemas", "access_export.schema.json")


@functools.cache
def access_schema() -> dict[str, Any]:
    return json.loads(schema_file().read_text(encoding="utf-8"))


def validate_access_document(document: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(access_schema(), format_checker=jsonschema.FormatChecker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise AccessExportInvalid(f"The access export does not match its schema at {where}: {error.message}")


def write_access_export(document: dict[str, Any], path: Path) -> Path:
    """Validate ``document`` and write it to ``path`` (complete or not at all)."""
    validate_access_document(document)
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    with atomic_text_files([path], newline="\n") as (out,):
        out.write(text)
        out.write("\n")
    return path
