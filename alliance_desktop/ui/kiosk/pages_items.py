"""The clinic's instruction page and one page per questionnaire item.

One item per page: a client on a tablet sees one question, large, with its
answer right under it and nothing to scroll. The instrument's own
instructions (e.g. "Over the last 2 weeks, how often…") stand above every
item of that instrument, because the item text alone is often half a sentence.
The instrument's title, with its "example — not validated" notice where it
has one, is shown on every item page (CLINICAL.md section 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from alliance_desktop.ui.kiosk import style
from alliance_desktop.ui.kiosk.parts import Page, button, label
from alliance_desktop.ui.widgets.option_buttons import OptionButtons
from alliance_desktop.ui.widgets.rating_line import RatingLine

if TYPE_CHECKING:
    from alliance_desktop.core.instrument_model import Instrument, Item


def local(text: Mapping[str, str] | None, language: str) -> str:
    """The text in ``language``, else English, else any: a definition never leaves a blank."""
    if not text:
        return ""
    return text.get(language) or text.get("en") or next(iter(text.values()), "")


class InstructionPage(Page):
    """The clinic's instruction (CLINICAL.md section 1); ``done()`` on Continue."""

    name = "instruction"
    done = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addStretch(1)
        self.body.addWidget(label(self.tr("Before you start"), style.TITLE))
        self.text = label(text, style.LEAD)
        self.body.addWidget(self.text)
        self.body.addStretch(1)
        self.continue_button = button(self.tr("Continue"), style.PRIMARY)
        self.continue_button.clicked.connect(self.done)
        self.footer.addStretch(1)
        self.footer.addWidget(self.continue_button)
        self.finish(stretch_before_footer=False)

    def focus_target(self) -> QWidget | None:
        return self.continue_button


class ItemPage(Page):
    """One item: ``answered()`` on each change, ``forward()`` / ``backward()`` from the footer buttons."""

    name = "question"
    answered = Signal()
    forward = Signal()
    backward = Signal()

    def __init__(self, instrument: Instrument, item: Item, language: str, number: int, total: int,
                 *, dpi: float | None = None, parent: QWidget | None = None) -> None:
        # Here, not at the top: the kiosk imports this module after its welcome paint, and by the
        # time a question page is built the questionnaire (made of these classes) is loaded anyway.
        from alliance_desktop.core.instrument_model import OptionsResponse, VasResponse

        super().__init__(parent)
        self.instrument_id, self.item_id = instrument.id, item.id
        self.name = f"question:{instrument.id}/{item.id}"
        heading = QHBoxLayout()
        heading.setSpacing(24)
        heading.addWidget(label(instrument.title(language), style.PROGRESS), 1)
        self.progress = label(self.tr("Question %1 of %2").replace("%1", str(number)).replace("%2", str(total)),
                              style.PROGRESS, wrap=False)
        heading.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(heading)
        hint = local(instrument.instructions, language)
        if hint:
            self.body.addWidget(label(hint, style.QUIET))
        self.text = label(local(item.text, language), style.LEAD)
        self.body.addWidget(self.text)
        self.body.addSpacing(12)
        self.line: RatingLine | None = None
        self.options: OptionButtons | None = None
        response = item.response
        if isinstance(response, VasResponse):
            self.line = RatingLine(text=self.text.text(), low=local(response.anchors.low, language),
                                   high=local(response.anchors.high, language), dpi=dpi,
                                   min_mm=response.min_mm, max_mm=response.max_mm,
                                   anchor_point_size=style.ANCHOR_POINT_SIZE)
            self.line.valueChanged.connect(self.answered)
            self.body.addSpacing(28)
            self.body.addWidget(self.line, 0, Qt.AlignmentFlag.AlignHCenter)
            self.body.addWidget(label(self.tr("Tap the line where it fits for you. You can move the mark."),
                                      style.QUIET, centre=True))
        elif isinstance(response, OptionsResponse):
            self.options = OptionButtons([(o.value, local(o.label, language)) for o in response.options],
                                         accessible_name=self.text.text())
            self.options.valueChanged.connect(self.answered)
            self.body.addWidget(self.options)
        self.back_button = button(self.tr("Back"))
        self.next_button = button(self.tr("Next"), style.PRIMARY)
        self.back_button.clicked.connect(self.backward)
        self.next_button.clicked.connect(self.forward)
        self.footer.addWidget(self.back_button)
        self.footer.addStretch(1)
        self.footer.addWidget(self.next_button)
        self.finish()

    def value(self) -> int | None:
        if self.line is not None:
            return self.line.value_mm()
        if self.options is not None:
            return self.options.value()
        return None

    def length_px(self) -> float | None:
        return self.line.length_px() if self.line is not None else None

    def returning_to_review(self, returning: bool) -> None:
        """After "Change" on the review page, Next goes straight back there."""
        self.next_button.setText(self.tr("Back to review") if returning else self.tr("Next"))
        self.next_button.setAccessibleName(self.next_button.text())

    def focus_target(self) -> QWidget | None:
        if self.options is not None:
            self.options.focus_first()
            return self.options.focusWidget() or self.options
        return self.line
