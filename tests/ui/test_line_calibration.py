"""Staff correct the kiosk's 10 cm line with a ruler; the kiosk's lines follow on that screen."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from alliance_desktop.ui.line_calibration_dialog import LineCalibrationDialog
from alliance_desktop.ui.widgets.rating_line import RatingLine, screen_dpi
from alliance_desktop.ui.widgets.screen_calibration import CalibrationStore, corrected_dpi


def test_a_line_measured_short_gets_more_dots_per_inch():
    assert corrected_dpi(100.0, 80.0) == pytest.approx(125.0)
    assert corrected_dpi(100.0, 125.0) == pytest.approx(80.0)
    with pytest.raises(ValueError, match="measure again"):
        corrected_dpi(100.0, 5.0)


def test_measuring_in_the_dialog_changes_the_kiosk_lines_on_this_screen(qtbot):
    before, _ = screen_dpi(None)
    dialog = LineCalibrationDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    shown = dialog.ruler.length_px()
    dialog.measured.setValue(80.0)  # the ruler says the "10 cm" line is 8 cm long
    dialog.save_button.click()
    assert dialog.ruler.length_px() == pytest.approx(shown * 100 / 80)
    assert dialog.measured.value() == 100.0  # ready for the check with the ruler
    assert "calibrated with a ruler" in dialog.source.text()

    line = RatingLine(text="Goals", low="not at all", high="completely")  # what a kiosk page builds
    qtbot.addWidget(line)
    assert line.uses_physical_dpi
    assert line.length_px() == pytest.approx(shown * 100 / 80)

    dialog.reset_button.click()  # back to what the screen reports
    assert screen_dpi(None)[0] == pytest.approx(before)
    assert RatingLine(text="Goals", low="a", high="b").length_px() == pytest.approx(shown)


def test_an_impossible_measurement_is_refused_and_nothing_is_stored(qtbot):
    dialog = LineCalibrationDialog()
    qtbot.addWidget(dialog)
    shown = dialog.ruler.length_px()
    dialog.measured.setValue(400.0)  # four times the line: a typo, not a screen
    dialog.save_button.click()
    assert "no screen has" in dialog.problem.text()
    assert dialog.ruler.length_px() == pytest.approx(shown)
    assert CalibrationStore().dpi_for(QGuiApplication.primaryScreen()) is None


def test_a_damaged_settings_value_falls_back_to_the_screen(qtbot, _private_settings_folder):
    from PySide6.QtCore import QSettings

    from alliance_desktop.config import APP_AUTHOR, APP_NAME
    from alliance_desktop.ui.widgets.screen_calibration import screen_key

    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_AUTHOR, APP_NAME)
    settings.setValue(f"line_calibration/{screen_key(QGuiApplication.primaryScreen())}", "ten")
    settings.sync()
    assert CalibrationStore().dpi_for(QGuiApplication.primaryScreen()) is None
