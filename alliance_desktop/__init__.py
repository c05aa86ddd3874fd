"""Alliance Desktop: routine client feedback on the therapeutic alliance.

The package is layered (see DESIGN.md in the project's shared notes):
``core`` <- ``storage`` <- ``services`` <- ``ui`` / ``reports`` <- ``app``.
Import-linter contracts in ``pyproject.toml``/``.importlinter`` keep it that way.
"""

from __future__ import annotations

__version__ = "0.1.0"
