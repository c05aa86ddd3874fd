"""The one place that knows where ``resources/`` lives.

From a source checkout it is the folder beside the package; in a PyInstaller
bundle it is under ``sys._MEIPASS``. Nothing else in the code builds resource
paths by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def instruments_dir() -> Path:
    return resource_path("instruments")
