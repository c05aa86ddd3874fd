#!/usr/bin/env python3
"""Refresh the kiosk's translation sources (resources/translations/alliance_<lang>.ts) from the code.

    .venv/bin/python packaging/update_translations.py

Runs ``pyside6-lupdate`` over the client-facing modules: new strings appear
as "unfinished" for the translator, existing translations are kept, strings
that left the code are marked obsolete and kept (see the note on -no-obsolete below). English gets a file with the plural forms
only. The
``.qm`` files are built from these by ``alliance_desktop.ui.i18n.compile_translations``
(tests and the kiosk start do that), so they are never committed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alliance_desktop.ui.i18n import SOURCE_LANGUAGE, TRANSLATED, ts_path  # noqa: E402

SOURCES = [
    *sorted((ROOT / "alliance_desktop" / "ui" / "kiosk").glob("*.py")),
    *(ROOT / "alliance_desktop" / "ui" / "widgets" / f"{name}.py"
      for name in ("rating_line", "option_buttons", "keypad", "onscreen_keyboard")),
]


def main() -> int:
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    # No -no-obsolete: this lupdate does not see QCoreApplication.translate(..., n) plural calls in
    # Python (the exit PIN countdown), and with -no-obsolete it would delete their translations.
    base = [str(tool) if tool.exists() else "pyside6-lupdate",
            *(str(p.relative_to(ROOT)) for p in SOURCES)]
    translated = subprocess.run([*base, "-ts", *(str(ts_path(lang).relative_to(ROOT)) for lang in TRANSLATED)],
                                cwd=ROOT, check=False).returncode
    # English needs only the plural forms ("1 second" / "2 seconds"); everything else is the source text.
    english = subprocess.run([*base, "-pluralonly", "-ts", str(ts_path(SOURCE_LANGUAGE).relative_to(ROOT))],
                             cwd=ROOT, check=False).returncode
    return translated or english


if __name__ == "__main__":
    sys.exit(main())
