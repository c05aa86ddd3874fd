"""What staff see while the first login after an update converts the clinic database.

On a large clinic the conversion takes minutes (``services.schema_update``);
without this window the login would look frozen for all of that, and a
frozen window invites a forced quit. It says why it is there, which step is
running and how long it has taken, and cannot be closed or cancelled: the
conversion is one transaction that finishes or leaves the old database, and
stopping it halfway would only mean starting again at the next login.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from alliance_desktop.services.schema_update import UpdateStep
from alliance_desktop.ui import theme

__all__ = ["SchemaUpdateDialog", "StepRelay", "elapsed_text"]


class StepRelay(QObject):
    """Carries steps from the worker thread to the dialog (a queued signal: it lives on the UI thread).

    Made without a parent and kept by the running job, so the worker never emits into a freed object.
    """

    step = Signal(object)


def elapsed_text(seconds: int) -> str:
    minutes, rest = divmod(max(0, seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


class SchemaUpdateDialog(QDialog):
    """Modal over the login window until ``finish()``; Esc and the close button do nothing meanwhile."""

    def __init__(self, from_version: int, to_version: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Updating the clinic database")
        self.setModal(True)
        self.setMinimumWidth(520)
        self._finished = False
        heading = theme.set_role(QLabel("Alliance Desktop was updated"), theme.HEADING)
        if from_version < to_version:
            text = (f"The clinic's database is being converted for this version (format {from_version} to "
                    f"{to_version}). This happens once. On a large clinic it can take a few minutes: please "
                    "do not switch the computer off. A copy of the clinic as it was is kept in its backups folder.")
        else:  # the same schema in an older page layout (storage/cipher_layout.py): rewritten, nothing converted
            text = ("The clinic's database file is being rewritten in a faster format, which makes backups "
                    "quicker. This happens once and takes up to a minute on a large clinic. The database "
                    "stays as it was until the new file has been checked, so switching off loses nothing.")
        about = QLabel(text)
        about.setWordWrap(True)
        self.step_label = QLabel("Starting…")
        self.step_label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # how long a step takes is not known: a moving bar says it is working
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Database update in progress")
        self.elapsed_label = theme.set_role(QLabel(elapsed_text(0)), theme.HINT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        for widget in (heading, about, self.step_label, self.bar, self.elapsed_label):
            layout.addWidget(widget)
        self._clock = QElapsedTimer()
        self._clock.start()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    def show_step(self, step: UpdateStep) -> None:
        self.step_label.setText(str(step))

    def elapsed_seconds(self) -> int:
        return int(self._clock.elapsed() // 1000)

    def _tick(self) -> None:
        self.elapsed_label.setText(elapsed_text(self.elapsed_seconds()))

    def finish(self) -> None:
        """The update ended (either way): the dialog may close now, and does."""
        self._finished = True
        self._ticker.stop()
        self.done(QDialog.DialogCode.Accepted.value)

    def reject(self) -> None:  # Esc
        if self._finished:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._finished:
            super().closeEvent(event)
        else:
            event.ignore()
