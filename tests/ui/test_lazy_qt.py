"""The start path's stand-ins for PySide's ``Qt`` namespace give exactly what the namespace gives."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt as RealQt
from PySide6.QtWidgets import QLabel, QPushButton

from alliance_desktop.ui import lazy_qt
from alliance_desktop.ui.lazy_qt import Qt, set_enum_property, solid_brush


@pytest.mark.parametrize(("value", "enum"), [
    (lazy_qt.ALIGN_H_CENTER, RealQt.AlignmentFlag.AlignHCenter),
    (lazy_qt.ALIGN_TOP, RealQt.AlignmentFlag.AlignTop),
    (lazy_qt.PLAIN_TEXT, RealQt.TextFormat.PlainText),
    (lazy_qt.NO_TEXT_INTERACTION, RealQt.TextInteractionFlag.NoTextInteraction),
    (lazy_qt.TEXT_SELECTABLE_BY_MOUSE, RealQt.TextInteractionFlag.TextSelectableByMouse),
    (lazy_qt.NO_FOCUS, RealQt.FocusPolicy.NoFocus),
    (lazy_qt.STRONG_FOCUS, RealQt.FocusPolicy.StrongFocus),
])
def test_each_plain_value_is_qts_own(value, enum):
    assert value == enum.value


def test_properties_set_with_plain_values_read_back_as_qts_enums(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    set_enum_property(label, "textFormat", lazy_qt.PLAIN_TEXT)
    set_enum_property(label, "alignment", lazy_qt.ALIGN_H_CENTER | lazy_qt.ALIGN_TOP)
    set_enum_property(label, "textInteractionFlags", lazy_qt.TEXT_SELECTABLE_BY_MOUSE)
    assert label.textFormat() == RealQt.TextFormat.PlainText
    assert label.alignment() == RealQt.AlignmentFlag.AlignHCenter | RealQt.AlignmentFlag.AlignTop
    assert label.textInteractionFlags() == RealQt.TextInteractionFlag.TextSelectableByMouse
    button = QPushButton("y")
    qtbot.addWidget(button)
    set_enum_property(button, "focusPolicy", lazy_qt.NO_FOCUS)
    assert button.focusPolicy() == RealQt.FocusPolicy.NoFocus


def test_a_misspelt_property_is_an_error_not_a_silent_dynamic_property(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match="textFromat"):
        set_enum_property(label, "textFromat", lazy_qt.PLAIN_TEXT)
    assert label.dynamicPropertyNames() == []


def test_the_stand_in_namespace_hands_out_pysides_own_values():
    assert Qt.Key.Key_Escape is RealQt.Key.Key_Escape
    assert Qt.CursorShape is RealQt.CursorShape


def test_a_solid_brush_is_solid_and_of_its_colour():
    brush = solid_brush("#e4e9ed")
    assert brush.style() == RealQt.BrushStyle.SolidPattern
    assert brush.color().name() == "#e4e9ed"
