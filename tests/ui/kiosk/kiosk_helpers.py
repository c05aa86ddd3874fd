"""Driving the kiosk the way a client does: taps on the keypad, the line, the buttons."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton

from alliance_desktop.ui.kiosk.pages_items import ItemPage
from alliance_desktop.ui.kiosk.window import KioskWindow
from alliance_desktop.ui.widgets.rating_line import LINE_Y, RatingLine


def tap(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def double_tap(button: QAbstractButton) -> None:
    """Two taps queued before either is handled, as from a quick finger: press, release, press, release."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(button.rect().center())
    glob = QPointF(button.mapToGlobal(button.rect().center()))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none)) * 2:
        QApplication.postEvent(button, QMouseEvent(kind, centre, glob, left, buttons,
                                                   Qt.KeyboardModifier.NoModifier))
    QApplication.processEvents()


def tap_line(qtbot, line: RatingLine, fraction: float) -> None:
    """Touch the line at ``fraction`` of its length (0 = left end, 1 = right end)."""
    x = round(line.x0 + fraction * line.length_px())
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(x, int(LINE_Y)))


def type_code(qtbot, window: KioskWindow, code: str) -> None:
    """From the welcome page: "Enter your code", then the digits and OK on the on-screen pad."""
    flow = window.flow
    assert flow is not None
    if flow.page_name() == "welcome":
        tap(qtbot, flow.welcome.start_button)
    page = flow.code_page
    assert page is not None and flow.page() is page
    for digit in code:
        tap(qtbot, page.keypad.digit_buttons[digit])
    tap(qtbot, page.keypad.ok_button)


def answer_questions(qtbot, window: KioskWindow, *, line_at: float = 0.7, option_index: int = 1) -> None:
    """Answer every item page in turn and go on, until the next page is not a question."""
    flow = window.flow
    assert flow is not None
    while isinstance(flow.page(), ItemPage):
        page = flow.page()
        assert isinstance(page, ItemPage)
        if page.line is not None:
            tap_line(qtbot, page.line, line_at)
        elif page.options is not None:
            tap(qtbot, page.options.buttons[option_index])
        tap(qtbot, page.next_button)


def type_on_keyboard(qtbot, window: KioskWindow, text: str) -> None:
    """Type lower-case letters, digits and spaces on the comment page's on-screen keyboard."""
    flow = window.flow
    assert flow is not None and flow.comment_page is not None
    keyboard = flow.comment_page.keyboard
    for char in text:
        key = keyboard.key_for(char)
        assert key is not None, char
        tap(qtbot, key)
