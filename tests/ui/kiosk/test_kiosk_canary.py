"""Nothing of one client survives into the next (RELIABILITY rows 25 and 26).

A hundred simulated clients each leave a unique canary in every place a
client's text can go — the therapist name on the confirmation page, a
comment typed on the on-screen keyboard and on a physical keyboard, the
clipboard — and leave in four different ways (sent, walked away, sending
failed then walked away, "not mine"). After each one, every live widget,
item model, undo stack and the clipboard are searched for any earlier canary.
"""

from __future__ import annotations

import gc
import re

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QClipboard, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

from alliance_desktop.ui.kiosk.flow import ClientFlow
from tests.ui.kiosk.conftest import flush_deletes
from tests.ui.kiosk.fakes import questionnaire
from tests.ui.kiosk.kiosk_helpers import answer_questions, tap, type_code, type_on_keyboard

CLIENTS = 100
CANARY = re.compile(r"canary\d{3}", re.IGNORECASE)


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    found: list[str] = []
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
                         Qt.ItemDataRole.AccessibleTextRole):
                value = model.data(index, role)
                if value is not None:
                    found.append(str(value))
            found.extend(model_texts(model, index))
    return found


def residue() -> list[str]:
    """Every canary still held by a widget, a model, an undo stack or the clipboard."""
    texts: list[str] = []
    undo_steps = 0
    for widget in QApplication.allWidgets():
        texts += [widget.windowTitle(), widget.toolTip(), widget.statusTip(), widget.whatsThis(),
                  widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            undo_steps += widget.isUndoAvailable() + widget.isRedoAvailable()
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            texts.append(widget.toPlainText())
            undo_steps += widget.document().availableUndoSteps() + widget.document().availableRedoSteps()
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts += model_texts(widget.model())
        for model in widget.findChildren(QAbstractItemModel):
            texts += model_texts(model)
        for stack in widget.findChildren(QUndoStack):
            undo_steps += stack.count()
    clipboard = QGuiApplication.clipboard()
    texts.append(clipboard.text(QClipboard.Mode.Clipboard))
    if clipboard.supportsSelection():
        texts.append(clipboard.text(QClipboard.Mode.Selection))
    hits = [t for t in texts if t and CANARY.search(t)]
    if undo_steps:
        hits.append(f"{undo_steps} undo/redo steps")
    return hits


def one_client(qtbot, window, service, clock, number: int) -> None:
    code = f"{100000 + number}"
    canary = f"canary{number:03d}"
    service.codes[code] = questionnaire(therapist=f"Dr. {canary.title()} Muster", comment_max_chars=200)
    flow = window.flow
    type_code(qtbot, window, code)
    QGuiApplication.clipboard().setText(f"copied {canary}")  # whatever put it there, it must go
    way = number % 4
    if way == 3:
        tap(qtbot, window.flow.page().no_button)
    else:
        tap(qtbot, window.flow.page().yes_button)
        answer_questions(qtbot, window, line_at=(number % 10) / 10)
        type_on_keyboard(qtbot, window, f"{canary} ")
        field = window.flow.comment_page.field
        field.setFocus()
        qtbot.keyClicks(field, f"typed {canary.upper()}")
        if number < 4:  # the scan is not vacuous: while the client is here, their canaries are found
            assert len(residue()) >= 3
        if way == 0:
            tap(qtbot, window.flow.comment_page.next_button)
            tap(qtbot, window.flow.review.send_button)
        elif way == 1:
            clock.advance(90)
            window.idle.poll()
            window.idle.poll()
        else:
            service.fail_submits = 1
            tap(qtbot, window.flow.comment_page.next_button)
            tap(qtbot, window.flow.review.send_button)
            assert window.flow.review.problem.isVisible()
            clock.advance(90)
            window.idle.poll()
            window.idle.poll()
    qtbot.waitUntil(lambda: window.flow is not flow and window.flow.page_name() == "welcome", timeout=3000)
    flush_deletes()


def test_no_client_text_survives_a_hundred_clients(qtbot, make_kiosk, fake_service, clock):
    window = make_kiosk(fake_service)
    for number in range(CLIENTS):
        one_client(qtbot, window, fake_service, clock, number)
        hits = residue()
        assert hits == [], f"after client {number}: {hits[:5]}"
    assert window.clients == CLIENTS + 1
    assert len(fake_service.submitted) == CLIENTS // 4
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, ClientFlow)]
    assert len(alive) <= 1, "an old client flow is still referenced from Python"


def test_residue_finds_what_it_looks_for(qtbot):
    """The scanner itself: a label, a text field's undo stack and the clipboard are all caught."""
    label = QLabel("Dr. Canary123")
    edit = QPlainTextEdit()
    qtbot.addWidget(label)
    qtbot.addWidget(edit)
    edit.setPlainText("x")
    edit.insertPlainText("y")
    QGuiApplication.clipboard().setText("canary456")
    try:
        hits = residue()
        assert "Dr. Canary123" in hits and "canary456" in hits
        assert any("undo" in h for h in hits)
    finally:
        QGuiApplication.clipboard().clear()
        for widget in (label, edit):
            widget.setParent(None)
            widget.deleteLater()
        flush_deletes()
