"""Per-screen correction of the DPI, so a rating line is 10 cm even where the screen misreports its size.

Why it is needed: the 10 cm line is drawn from the physical DPI the platform
reports, which comes from the monitor's EDID. Some screens (and compositors
such as cage's virtual output) report a wrong physical size, which makes the
"10 cm" line visibly longer or shorter. A member of staff measures the line
on that screen with a ruler once; the corrected DPI is kept for that screen.

Where it is kept: in the app's per-user settings file on this computer
(QSettings, INI format), keyed by the screen's name and pixel size, because
the correction belongs to the device, not to the clinic. It is a number of
dots per inch and nothing else: no clinical data goes there.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QScreen

from alliance_desktop.config import APP_AUTHOR, APP_NAME

#: Corrections outside this range are refused: a measurement that far off is a typo.
DPI_RANGE = (40.0, 800.0)
_GROUP = "line_calibration"


def screen_key(screen: QScreen) -> str:
    """A stable name for a screen: its name plus its size in pixels (a new monitor is a new key)."""
    size = screen.size()
    name = "".join(ch if ch.isalnum() else "_" for ch in (screen.name() or "screen"))
    return f"{name}_{size.width()}x{size.height()}"


def corrected_dpi(shown_dpi: float, measured_mm: float, expected_mm: float = 100.0) -> float:
    """The DPI that makes a line drawn at ``shown_dpi`` measure ``expected_mm``.

    A line meant to be 100 mm that measures 80 mm was drawn with too few pixels
    per millimetre: the true DPI is larger by 100 / 80.
    """
    if measured_mm <= 0:
        raise ValueError("The measured length must be more than 0 mm.")
    dpi = shown_dpi * expected_mm / measured_mm
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ValueError(f"A line of {measured_mm:g} mm would mean {dpi:.0f} dots per inch, which no screen has; "
                         "measure again from the left end to the right end of the line.")
    return dpi


class CalibrationStore:
    """Reads and writes the corrected DPI of each screen of this computer."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                               APP_AUTHOR, APP_NAME)

    def dpi_for(self, screen: QScreen) -> float | None:
        value = self._settings.value(f"{_GROUP}/{screen_key(screen)}")
        try:
            dpi = float(value) if value is not None else None
        except (TypeError, ValueError):
            return None  # a hand-edited file with nonsense: fall back to what the screen reports
        if dpi is None or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
            return None
        return dpi

    def save(self, screen: QScreen, dpi: float) -> None:
        if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
            raise ValueError(f"{dpi:.0f} dots per inch is outside {DPI_RANGE[0]:.0f}–{DPI_RANGE[1]:.0f}.")
        self._settings.setValue(f"{_GROUP}/{screen_key(screen)}", round(float(dpi), 3))
        self._settings.sync()

    def clear(self, screen: QScreen) -> None:
        self._settings.remove(f"{_GROUP}/{screen_key(screen)}")
        self._settings.sync()
