"""The optional comment: a text field that forgets, and the on-screen keyboard.

Why the field is locked down: on a shared tablet the next client must find
nothing of the previous one. A stock QPlainTextEdit keeps an undo stack
(Ctrl+Z would bring back a deleted comment), offers Copy and Paste in a
context menu, and on X11 puts any mouse selection on the selection
clipboard. ``CommentField`` has no undo, no context menu, no drag and drop,
and never hands its text to the clipboard; the window also clears the
clipboard and discards the whole page after each client.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.kiosk.parts import Page, button, label
from alliance_desktop.ui.widgets.onscreen_keyboard import OnScreenKeyboard

_BLOCKED = (
    QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.SelectAll,
)


class CommentField(QPlainTextEdit):
    """Plain text up to ``max_chars`` characters; nothing in, out or back again but typing.

    ``refused()`` whenever typed text did not fit: the page says so on screen,
    so nothing a client types is dropped without them being told.
    """

    refused = Signal()

    def __init__(self, max_chars: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_chars = max_chars
        self.setObjectName(style.COMMENT)
        self.setUndoRedoEnabled(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAcceptDrops(False)
        self.setTabChangesFocus(True)
        self.textChanged.connect(self._enforce_limit)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if any(event.matches(key) for key in _BLOCKED):
            event.accept()
            return
        super().keyPressEvent(event)

    def createMimeDataFromSelection(self) -> QMimeData:
        return QMimeData()  # copy, cut, drag and the X11 selection all get nothing

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return False

    def insertFromMimeData(self, source: QMimeData) -> None:
        return

    def type_text(self, text: str) -> None:
        """Insert at the cursor, as the on-screen keyboard does (up to the limit)."""
        room = self.max_chars - len(self.toPlainText())
        if room > 0:
            self.insertPlainText(text[:room])
        if len(text) > max(room, 0):
            self.refused.emit()
        self.ensureCursorVisible()

    def delete_back(self) -> None:
        cursor = self.textCursor()
        cursor.deletePreviousChar()
        self.setTextCursor(cursor)

    def wipe(self) -> None:
        """Empty the field and its document (no undo history exists to keep anything)."""
        self.document().clear()
        self.document().clearUndoRedoStacks()

    def _enforce_limit(self) -> None:
        text = self.toPlainText()
        if len(text) > self.max_chars:  # a physical keyboard typed past the limit
            self.blockSignals(True)
            self.setPlainText(text[: self.max_chars])
            self.moveCursor(QTextCursor.MoveOperation.End)
            self.blockSignals(False)
            self.document().clearUndoRedoStacks()
            self.refused.emit()


class CommentPage(Page):
    """``forward()`` / ``backward()``; ``comment()`` is None when nothing was written."""

    name = "comment"
    forward = Signal()
    backward = Signal()

    def __init__(self, max_chars: int, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.setSpacing(12)
        self.body.addWidget(label(self.tr("Is there anything else you would like to tell your therapist?"),
                                  style.TITLE))
        self.body.addWidget(label(self.tr("This is optional. You can also leave it empty."), style.QUIET))
        self.field = CommentField(max_chars)
        self.field.setAccessibleName(self.tr("Your comment (optional)"))
        self.field.setFixedHeight(104)
        self.body.addWidget(self.field)
        # How much room is left, once it runs short; and a plain word when typing no longer fits.
        self.limit_note = label("", style.QUIET)
        self.limit_note.hide()
        self.body.addWidget(self.limit_note)
        self.field.textChanged.connect(self._count)
        self.field.refused.connect(self._full)
        self.keyboard = OnScreenKeyboard(language)
        self.keyboard.typed.connect(self.field.type_text)
        self.keyboard.backspace.connect(self.field.delete_back)
        self.body.addWidget(self.keyboard)
        self.back_button = button(self.tr("Back"))
        self.next_button = button(self.tr("Next"), style.PRIMARY)
        self.back_button.clicked.connect(self.backward)
        self.next_button.clicked.connect(self.forward)
        self.footer.addWidget(self.back_button)
        self.footer.addStretch(1)
        self.footer.addWidget(self.next_button)
        self.finish()

    def _count(self) -> None:
        used, limit = len(self.field.toPlainText()), self.field.max_chars
        if used < limit * 0.9:
            self.limit_note.hide()
            return
        self.limit_note.setText(self.tr("%1 of %2 characters used.").replace("%1", f"{used:,}")
                                .replace("%2", f"{limit:,}"))
        self.limit_note.show()

    def _full(self) -> None:
        self.limit_note.setText(self.tr("Your comment is full (%1 characters). What you type now is not added.")
                                .replace("%1", f"{self.field.max_chars:,}"))
        self.limit_note.show()

    def comment(self) -> str | None:
        text = self.field.toPlainText()
        return text if text.strip() else None

    def returning_to_review(self, returning: bool) -> None:
        self.next_button.setText(self.tr("Back to review") if returning else self.tr("Next"))
        self.next_button.setAccessibleName(self.next_button.text())

    def focus_target(self) -> QWidget | None:
        return self.field
