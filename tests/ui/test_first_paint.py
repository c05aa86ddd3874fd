"""Work queued for after a window's first frame runs once, in order, and one failure skips nothing else."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget

from alliance_desktop.ui.first_paint import after_first_paint


def test_callbacks_run_once_in_order_after_the_first_paint_and_survive_a_failure(qtbot, monkeypatch):
    widget = QWidget()
    qtbot.addWidget(widget)
    ran: list[str] = []
    reported: list[type] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: reported.append(kind))

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("one callback fails")

    after_first_paint(widget, lambda: ran.append("lock down"))
    after_first_paint(widget, broken)
    after_first_paint(widget, lambda: ran.append("open the database"))
    assert ran == []  # nothing before the paint
    widget.show()
    qtbot.waitUntil(lambda: len(ran) == 3)
    assert ran == ["lock down", "broken", "open the database"]
    assert reported == [RuntimeError]
    widget.update()
    qtbot.wait(50)
    assert len(ran) == 3  # once, not after every paint
