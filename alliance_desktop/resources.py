"""The one place that knows where ``resources/`` lives.

From a source checkout it is the folder beside the package. In a PyInstaller
bundle (``packaging/alliance-desktop.spec``) it is ``resources/`` inside the
bundle's contents folder, which the bootloader announces as ``sys._MEIPASS``
(``dist/AllianceDesktop/_internal``). A frozen build by another tool sets
``sys.frozen`` without ``_MEIPASS``; then resources/ is looked for beside the
executable. Nothing else in the code builds resource paths by hand, so the
app behaves the same from the source tree and from the bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent


def is_frozen() -> bool:
    """True when running from a bundle (PyInstaller, or another freezer that sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False)) or bool(getattr(sys, "_MEIPASS", None))


def resources_root() -> Path:
    """The folder holding instruments/, translations/, icons/ ... for this way of running."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / "resources"
    return SOURCE_ROOT / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def instruments_dir() -> Path:
    return resource_path("instruments")


def app_icon_path() -> Path:
    """The application icon's SVG source (Qt renders it sharp at every size)."""
    return resource_path("icons", "alliance-desktop.svg")
