"""The shared touch widgets on their own: the 10 cm line, option buttons, keypad, on-screen keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSize, Qt

from alliance_desktop.ui.kiosk.comment import CommentField
from alliance_desktop.ui.widgets.keypad import MASK, Keypad
from alliance_desktop.ui.widgets.onscreen_keyboard import OnScreenKeyboard
from alliance_desktop.ui.widgets.option_buttons import OptionButtons
from alliance_desktop.ui.widgets.rating_line import LINE_Y, RatingLine, mm_at, screen_dpi
from tests.ui.kiosk.conftest import TEST_DPI
from tests.ui.kiosk.kiosk_helpers import tap

TEN_CM_AT_96_DPI = 100 / 25.4 * 96  # 377.952... px


@pytest.fixture
def line(qtbot) -> RatingLine:
    widget = RatingLine(text="How helpful was today's session?", low="Not helpful", high="Very helpful",
                        dpi=TEST_DPI)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def press_at(qtbot, line: RatingLine, x: int) -> None:
    qtbot.mousePress(line, Qt.MouseButton.LeftButton, pos=QPoint(x, int(LINE_Y)))
    qtbot.mouseRelease(line, Qt.MouseButton.LeftButton, pos=QPoint(x, int(LINE_Y)))


def test_the_line_is_ten_centimetres_at_the_given_dpi(line):
    assert line.length_px() == pytest.approx(TEN_CM_AT_96_DPI)
    assert line.width() >= TEN_CM_AT_96_DPI + 2 * line.x0 - 1
    assert line.uses_physical_dpi  # an injected DPI counts as known


# Hand-computed: x0 = 28 px, 3.7795 px per mm at 96 DPI; mm = round((x - 28) / 377.95 * 100).
@pytest.mark.parametrize(("x", "mm"), [
    (28, 0),      # the left end
    (66, 10),     # 38 px -> 10.05 mm
    (217, 50),    # 189 px -> 50.01 mm
    (304, 73),    # 276 px -> 73.03 mm
    (300, 72),    # 272 px -> 71.97 mm
    (406, 100),   # 378 px -> 100.01 mm
    (5, 0),       # left of the line: clamped
    (430, 100),   # right of the line: clamped
])
def test_a_press_at_a_known_x_gives_the_expected_millimetres(qtbot, line, x, mm):
    press_at(qtbot, line, x)
    assert line.value_mm() == mm


def test_no_handle_and_no_value_until_touched_then_drag_moves_it(qtbot, line):
    assert line.value_mm() is None
    assert "Not answered yet" in line.accessibleDescription()
    qtbot.mousePress(line, Qt.MouseButton.LeftButton, pos=QPoint(100, int(LINE_Y)))
    assert line.value_mm() == 19  # 72 px -> 19.05 mm
    qtbot.mouseMove(line, QPoint(250, int(LINE_Y)))
    qtbot.mouseRelease(line, Qt.MouseButton.LeftButton, pos=QPoint(250, int(LINE_Y)))
    assert line.value_mm() == 59  # 222 px -> 58.74 mm
    assert "Marked at 59 of 100" in line.accessibleDescription()


def test_a_tap_on_the_anchor_words_is_not_an_answer(qtbot, line):
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(60, line.height() - 4))
    assert line.value_mm() is None


def test_mm_at_rounds_and_clamps():
    assert mm_at(28 + 377.95 * 0.504, 28, 377.95) == 50
    assert mm_at(28 + 377.95 * 0.515, 28, 377.95) == 52
    assert mm_at(-50, 28, 377.95) == 0
    assert mm_at(10_000, 28, 377.95) == 100


def test_keyboard_moves_by_one_and_ten_millimetres(qtbot, line):
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_Right)
    assert line.value_mm() == 50  # the first key shows the handle in the middle
    qtbot.keyClick(line, Qt.Key.Key_Right)
    assert line.value_mm() == 51
    qtbot.keyClick(line, Qt.Key.Key_Left)
    qtbot.keyClick(line, Qt.Key.Key_Left)
    assert line.value_mm() == 49
    qtbot.keyClick(line, Qt.Key.Key_PageUp)
    assert line.value_mm() == 59
    qtbot.keyClick(line, Qt.Key.Key_PageDown)
    qtbot.keyClick(line, Qt.Key.Key_PageDown)
    assert line.value_mm() == 39
    qtbot.keyClick(line, Qt.Key.Key_End)
    assert line.value_mm() == 100
    qtbot.keyClick(line, Qt.Key.Key_PageUp)
    assert line.value_mm() == 100
    qtbot.keyClick(line, Qt.Key.Key_Home)
    assert line.value_mm() == 0
    qtbot.keyClick(line, Qt.Key.Key_Left)
    assert line.value_mm() == 0


def test_the_line_is_focusable_and_named_for_screen_readers(line):
    assert line.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert line.accessibleName() == "How helpful was today's session?"
    assert "Not helpful" in line.accessibleDescription() and "Very helpful" in line.accessibleDescription()


def test_screen_dpi_falls_back_to_logical_when_physical_is_implausible(monkeypatch):
    class Screen:
        def name(self) -> str:
            return "fake"

        def size(self) -> QSize:
            return QSize(1280, 800)

        def physicalDotsPerInchX(self) -> float:
            return 0.0

        def logicalDotsPerInchX(self) -> float:
            return 120.0

    monkeypatch.setattr("PySide6.QtGui.QGuiApplication.primaryScreen", staticmethod(lambda: Screen()))
    assert screen_dpi(None) == (120.0, False)
    Screen.physicalDotsPerInchX = lambda self: 160.0  # type: ignore[method-assign]
    assert screen_dpi(None) == (160.0, True)


def test_a_line_without_an_injected_dpi_says_which_dpi_it_used(qtbot):
    widget = RatingLine(text="q", low="a", high="b")
    qtbot.addWidget(widget)
    dpi, physical = screen_dpi(None)
    assert widget.uses_physical_dpi is physical
    assert widget.length_px() == pytest.approx(100 / 25.4 * dpi)


@pytest.fixture
def options(qtbot) -> OptionButtons:
    widget = OptionButtons([(0, "Not at all"), (1, "Several days"), (2, "More than half the days"),
                            (3, "Nearly every day")], accessible_name="Feeling tired")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_options_are_large_exclusive_and_named(qtbot, options):
    assert options.value() is None
    assert all(b.minimumHeight() >= 44 for b in options.buttons)
    assert [b.accessibleName() for b in options.buttons][1] == "Several days"
    assert options.accessibleName() == "Feeling tired"
    tap(qtbot, options.buttons[2])
    tap(qtbot, options.buttons[0])
    assert options.value() == 0
    assert [b.isChecked() for b in options.buttons] == [True, False, False, False]
    assert options.checked_label() == "Not at all"
    options.set_value(None)
    assert options.value() is None


def test_arrow_keys_move_and_enter_or_space_choose(qtbot, options):
    options.focus_first()
    first = options.buttons[0]
    assert first.hasFocus()
    qtbot.keyClick(first, Qt.Key.Key_Down)
    qtbot.keyClick(options.buttons[1], Qt.Key.Key_Down)
    assert options.buttons[2].hasFocus()
    assert options.value() is None  # moving is not choosing
    qtbot.keyClick(options.buttons[2], Qt.Key.Key_Return)
    assert options.value() == 2
    qtbot.keyClick(options.buttons[2], Qt.Key.Key_Up)
    qtbot.keyClick(options.buttons[1], Qt.Key.Key_Space)
    assert options.value() == 1
    qtbot.keyClick(options.buttons[1], Qt.Key.Key_Up)
    qtbot.keyClick(options.buttons[0], Qt.Key.Key_Up)  # stays on the first
    assert options.buttons[0].hasFocus()


def test_keypad_takes_taps_and_physical_digits(qtbot):
    pad = Keypad(max_digits=6)
    qtbot.addWidget(pad)
    pad.show()
    assert not pad.ok_button.isEnabled()
    for digit in "12":
        tap(qtbot, pad.digit_buttons[digit])
    pad.setFocus()
    qtbot.keyClicks(pad, "3a4")  # a letter is ignored
    assert pad.digits() == "1234"
    qtbot.keyClick(pad, Qt.Key.Key_Backspace)
    tap(qtbot, pad.delete_button)
    assert pad.digits() == "12"
    qtbot.keyClicks(pad, "345678")
    assert pad.digits() == "123456"  # never more than six
    with qtbot.waitSignal(pad.submitted) as submitted:
        qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert submitted.args == ["123456"]
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in pad.digit_buttons.values())
    assert all(b.minimumHeight() >= 44 and b.minimumWidth() >= 44 for b in pad.digit_buttons.values())


def test_a_masked_keypad_never_shows_the_digits(qtbot):
    pad = Keypad(max_digits=12, min_digits=6, masked=True)
    qtbot.addWidget(pad)
    for digit in "2468":
        pad.press(digit)
    assert "2" not in pad.display.text()
    assert pad.display.text().count(MASK) == 4


def test_onscreen_keyboard_types_capitals_once_and_language_letters(qtbot):
    keyboard = OnScreenKeyboard("de")
    qtbot.addWidget(keyboard)
    keyboard.show()
    typed: list[str] = []
    keyboard.typed.connect(typed.append)
    tap(qtbot, keyboard.shift_key)
    tap(qtbot, keyboard.key_for("ü"))
    tap(qtbot, keyboard.key_for("b"))
    keyboard.set_shift(True)
    tap(qtbot, keyboard.key_for("ß"))
    tap(qtbot, keyboard.space_key)
    assert typed == ["Ü", "b", "ß", " "]
    assert keyboard.key_for("z") is not None and keyboard.key_for("y") is not None  # QWERTZ has both
    assert all(key.focusPolicy() == Qt.FocusPolicy.NoFocus for key in keyboard.findChildren(type(keyboard.shift_key)))
    assert OnScreenKeyboard("fr").key_for("é") is not None
    assert OnScreenKeyboard("it").key_for("ò") is not None


def test_comment_field_has_no_undo_no_paste_no_copy_and_a_limit(qtbot):
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QGuiApplication

    field = CommentField(max_chars=12)
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    QGuiApplication.clipboard().setText("pasted-secret")
    qtbot.keyClicks(field, "hello")
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)
    assert field.toPlainText() == "hello"
    mime = QMimeData()
    mime.setText("dropped")
    assert not field.canInsertFromMimeData(mime)
    field.selectAll()
    assert not field.createMimeDataFromSelection().hasText()
    qtbot.keyClick(field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "pasted-secret"  # nothing of ours went there
    field.clear()
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.toPlainText() == ""
    assert not field.document().isUndoAvailable()
    field.type_text("123456789012345")
    assert field.toPlainText() == "123456789012"
    qtbot.keyClicks(field, "xyz")
    assert len(field.toPlainText()) == 12
    assert field.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
    QGuiApplication.clipboard().clear()


def test_a_full_comment_says_so_instead_of_dropping_what_is_typed(qtbot):
    """RELIABILITY row 18: nothing typed is cut without the client being told."""
    from alliance_desktop.ui.kiosk.comment import CommentPage

    page = CommentPage(20, "en")
    qtbot.addWidget(page)
    page.show()
    page.field.type_text("a" * 17)
    assert not page.limit_note.isVisible()  # plenty of room: no counter to distract
    page.field.type_text("b")
    assert page.limit_note.isVisible() and "18 of 20" in page.limit_note.text()
    page.field.type_text("cdef")  # only two of these fit
    assert page.field.toPlainText() == "a" * 17 + "bcd"
    assert "full" in page.limit_note.text() and "not added" in page.limit_note.text()
    page.field.delete_back()
    assert "19 of 20" in page.limit_note.text()
