"""Baseline: a bare PySide6 window shown, painted once, and closed (run in a fresh process)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(800, 600)
    window.show()
    app.processEvents()
    QTimer.singleShot(0, app.quit)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
