"""File-name stems that are safe on Windows and POSIX, made from user-visible text.

Why this module exists: exports (PDF, CSV, FHIR) are named after a client's
pseudonym, and a pseudonym is free text typed by staff. Used raw, it could
write outside the chosen folder (``../../etc/passwd``), hit a Windows device
name (``CON``, ``lpt1.txt``) that silently swallows the data, contain a bidi
override (U+202E) that makes ``report‮fdp.exe`` look like ``reportexe.pdf``
in a file manager, or be longer than the 255 bytes most file systems allow.
One pure function here turns any text into a stem that avoids all of that, so
every exporter names files the same way. It is Qt-free and side-effect free,
which keeps it in ``core`` and makes it easy to property-test.

What the result guarantees
--------------------------
* NFC-normalised, so the same pseudonym typed on macOS (NFD) and Windows
  (NFC) yields the same file name.
* No control or format characters (Unicode Cc, Cf, Cs, Zl, Zp) except the
  zero-width (non-)joiner, which emoji sequences and Persian/Indic scripts need;
  no path separators and no ``.``/``..`` path components.
* None of ``< > : " / \\ | ? *``; no leading or trailing dots or spaces.
* Not a Windows reserved device name, with or without an extension.
* At most ``max_length`` UTF-8 bytes (default 120), so stem + a suffix such as
  ``_2024-05-01`` + an extension stays far below 255 bytes.
* Never empty, and idempotent: ``safe_file_stem(safe_file_stem(x)) ==
  safe_file_stem(x)``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["safe_file_stem", "MIN_STEM_BYTES"]

#: Smallest ``max_length`` accepted: room for a reserved-name prefix plus a few characters.
MIN_STEM_BYTES = 16

#: Characters Windows forbids in names (the path separators are handled separately).
_WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
_SEPARATORS = re.compile(r"[/\\]")
#: Format characters kept: zero-width non-joiner and joiner (emoji ZWJ sequences,
#: Persian and Indic spelling). Every other Cf (bidi controls, BOM, soft hyphen ...) goes.
_KEPT_FORMAT = frozenset("\u200c\u200d")
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_REPLACEMENT = "_"

_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "0123456789\u00b9\u00b2\u00b3"}
)


def safe_file_stem(text: str, *, fallback: str = "client", max_length: int = 120) -> str:
    """Return a file-name stem (no extension) for ``text`` that is valid everywhere.

    ``max_length`` is a budget in UTF-8 *bytes*, because file systems limit
    bytes, not characters (an Arabic or emoji pseudonym takes 2-4 bytes per
    character). ``fallback`` is used when nothing usable is left of ``text``
    (it is cleaned the same way; if it is unusable too, ``"client"`` is used).
    """
    if not isinstance(text, str):
        raise TypeError(f"safe_file_stem expects text (str), got {type(text).__name__}")
    if max_length < MIN_STEM_BYTES:
        raise ValueError(f"max_length must be at least {MIN_STEM_BYTES} bytes, got {max_length}")
    stem = _clean(text, max_length)
    if stem:
        return stem
    stem = _clean(fallback, max_length) if isinstance(fallback, str) else ""
    return stem or "client"


def _clean(text: str, max_bytes: int) -> str:
    """The whole pipeline; every step keeps already-clean text unchanged (idempotence)."""
    # Normalised after the invisible characters go: "A", ESC, U+0300 leaves "A" + U+0300 side by side,
    # which NFC composes to "À" (found by hypothesis); before, it stayed decomposed.
    text = unicodedata.normalize("NFC", "".join(_visible(char) for char in text))
    text = _join_path_components(text)
    text = "".join(_REPLACEMENT if char in _WINDOWS_FORBIDDEN else char for char in text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_{2,}", _REPLACEMENT, text)
    text = _trim(_truncate_utf8(_trim(text), max_bytes))
    if _is_device_name(text):
        text = _trim(_REPLACEMENT + _truncate_utf8(text, max_bytes - len(_REPLACEMENT)))
    return text


def _visible(char: str) -> str:
    """Drop invisible control/format characters; turn other whitespace into a space."""
    category = unicodedata.category(char)
    if category in _REMOVED_CATEGORIES and char not in _KEPT_FORMAT:
        # Tabs and newlines are Cc: they separated words, so keep a space in their place.
        return " " if char.isspace() else ""
    return " " if char.isspace() else char


def _join_path_components(text: str) -> str:
    """Split on ``/`` and ``\\``, drop empty, ``.`` and ``..`` parts, join with ``_``.

    ``../../etc/passwd`` becomes ``etc_passwd``: nothing of the path survives
    that could climb out of the export folder.
    """
    parts = [part for part in _SEPARATORS.split(text) if part.strip(" .") != ""]
    return _REPLACEMENT.join(parts)


def _trim(text: str) -> str:
    """Remove what may not start or end a name: dots, spaces, dangling joiners, ``_`` at the end.

    Leading dots would hide the file on POSIX; trailing dots and spaces are
    dropped by Windows (so the written name would differ from the one shown).
    """
    text = text.lstrip(" .\u200c\u200d")
    return text.rstrip(" ._\u200c\u200d")


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut ``text`` at a code-point boundary so that it fits ``max_bytes`` UTF-8 bytes.

    A trailing combining mark cut away from its base would render on its own,
    so combining marks left dangling at the cut are removed as well.
    """
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    cut = encoded[:max_bytes].decode("utf-8", errors="ignore")
    cut = unicodedata.normalize("NFC", cut)
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut


def _is_device_name(text: str) -> bool:
    """True for ``CON``, ``con.txt``, ``Lpt1 .pdf`` ...: Windows opens a device instead of a file."""
    base = text.split(".", 1)[0].rstrip(" ").upper()
    return base in _DEVICE_NAMES
