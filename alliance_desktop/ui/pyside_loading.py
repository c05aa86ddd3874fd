"""Loading PySide6 without the source scan it adds to every later import.

When PySide6 loads it replaces ``builtins.__import__`` to support its optional
``from __feature__ import snake_case, true_property`` switches. From then on,
every module imported for the first time has its whole source file read
(``inspect.getsource``) to see whether it mentions PySide6, and every import
statement runs a Python function first. Measured on a 2-core VM: 64 modules
and 7.7 ms before the login window is painted, 127 modules and 12 ms before
the kiosk's welcome page (about 0.1 ms per module), and pyqtgraph's
150-odd modules pay it again when the therapist view opens.

The app never uses ``__feature__`` (``tests/ui/test_pyside_loading.py`` checks
that no module does), so the entry point puts the original import function
back right after PySide6 has loaded. PySide6 keeps it in
``builtins.__orig_import__`` for exactly that purpose, and its PyPy builds
never install the hook at all, so PySide6 itself does not depend on it.
"""

from __future__ import annotations

import builtins

__all__ = ["load_pyside", "scans_imports"]


def scans_imports() -> bool:
    """Whether PySide6's ``__feature__`` import hook is in place (after PySide6 has loaded)."""
    hook = getattr(builtins, "__feature_import__", None)
    return hook is not None and builtins.__import__ is hook


def load_pyside() -> None:
    """Load PySide6's core module and restore Python's own ``__import__`` (idempotent)."""
    import PySide6.QtCore  # noqa: F401 - loading it installs the hook

    original = getattr(builtins, "__orig_import__", None)
    if original is not None and scans_imports():
        builtins.__import__ = original
