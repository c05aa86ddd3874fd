"""The Qt binding must not leak references to None/True/False.

PySide6 6.12.0 on Python 3.11 drops one reference to None on every Qt call
that returns nothing; a chart redraw makes ~2,000 such calls and the process
aborts ("Fatal Python error: none_dealloc"). pyproject.toml excludes that
release on Python < 3.12; this test catches any binding that brings it back.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtWidgets import QWidget


class _Emitter(QObject):
    fired = Signal()


def test_void_qt_calls_keep_references_to_none(qtbot):
    point = QPointF(1.0, 2.0)
    widget = QWidget()
    qtbot.addWidget(widget)
    gc.collect()
    gc.disable()  # freeing earlier garbage mid-loop would lower the count legitimately
    try:
        before = sys.getrefcount(None)
        for _ in range(1000):
            point.setX(3.0)
            widget.hide()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after >= before - 10  # the faulty binding loses 2,000 here


def test_signal_disconnect_keeps_references_to_booleans():
    emitter = _Emitter()

    def slot() -> None:
        pass

    gc.collect()
    gc.disable()
    try:
        before = (sys.getrefcount(True), sys.getrefcount(False))
        for _ in range(500):
            emitter.fired.connect(slot)
            emitter.fired.disconnect(slot)
        after = (sys.getrefcount(True), sys.getrefcount(False))
    finally:
        gc.enable()
    assert after[0] >= before[0] - 10 and after[1] >= before[1] - 10
