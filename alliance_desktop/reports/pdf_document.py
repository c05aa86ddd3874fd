"""Pages of a PDF report: paper size, fonts, text that wraps, flowing blocks, header and "Page x of y".

Why a two-step document: the footer says "Page x of y", and y is only known
once everything is laid out. So content is first *placed* (each block
measures itself and is put on the current page or the next one), and only
then painted, page by page, with the total in hand. Painting can stop
between pages (a cancelled caseload report).

Units: the writer runs at 72 dpi, so one painter unit is one typographic
point and a 9 pt font is 9 units high. Text goes through ``QTextLayout``
(not ``drawText`` with flags) because the same layout object both measures
and draws: what was measured is exactly what is painted, and long
unbreakable words (a 300-character pseudonym) wrap anywhere instead of
running off the page. Qt embeds the fonts it uses as subsets and keeps text
as text (selectable, searchable); fontconfig falls back to DejaVu Sans for
scripts the first family lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintDevice,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

from alliance_desktop.core import chart_palette as palette

#: Painter units per inch: 72 makes one unit one point.
RESOLUTION = 72
PAPER = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGIN = 40.0
HEADER_H = 22.0
FOOTER_H = 24.0
FAMILIES = ["DejaVu Sans", "Noto Sans", "Segoe UI", "Arial", "Helvetica"]

Draw = Callable[[QPainter, QRectF], None]


def font(size: float, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FAMILIES)
    f.setPointSizeF(round(size))  # whole points: Qt rounds a font to whole device pixels (= points here)
    f.setBold(bold)
    # Unhinted glyph advances: at 72 dpi hinting would round every advance to a whole point.
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    # No ligatures: "ﬂ" in "flag" would be copied out of the PDF as one odd character.
    f.setFeature(QFont.Tag("liga"), 0)
    f.setFeature(QFont.Tag("clig"), 0)
    return f


@dataclass(frozen=True)
class Fonts:
    body: QFont = field(default_factory=lambda: font(9))
    bold: QFont = field(default_factory=lambda: font(9, bold=True))
    small: QFont = field(default_factory=lambda: font(7))
    small_bold: QFont = field(default_factory=lambda: font(7, bold=True))
    title: QFont = field(default_factory=lambda: font(15, bold=True))
    heading: QFont = field(default_factory=lambda: font(11, bold=True))


class TextBox:
    """Text wrapped to a width: ``height`` to place it, ``draw`` to paint it (the same layout)."""

    def __init__(self, text: str, qfont: QFont, width: float, device: QPaintDevice, *,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, leading: float = 1.5) -> None:
        self.layout = QTextLayout(text, qfont, device)
        option = QTextOption(align)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.layout.setTextOption(option)
        self.layout.beginLayout()
        y = 0.0
        while True:
            line = self.layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(width, 1.0))
            line.setPosition(QPointF(0, y))
            y += line.height() + leading
        self.layout.endLayout()
        self.height = max(y - leading, 0.0)
        self.width = width

    def draw(self, painter: QPainter, x: float, y: float, colour: str = palette.INK) -> None:
        painter.setPen(QColor(colour))
        self.layout.draw(painter, QPointF(x, y))


@dataclass
class Page:
    """What one page shows: its running header text and the blocks placed on it."""

    header: str
    blocks: list[tuple[QRectF, Draw]] = field(default_factory=list)


class PdfDocument:
    """Lays blocks out on pages of the chosen paper size, then writes them with header and footer.

    ``path`` must be a new file the caller owns (the exporters write to a
    temporary name and rename it when the document is complete).
    """

    def __init__(self, path: Path, *, paper: str, title: str, clinic: str) -> None:
        if paper not in PAPER:
            raise ValueError(f"paper size must be one of {', '.join(PAPER)}; got {paper!r}")
        self.path = path
        self.clinic = clinic
        self.fonts = Fonts()
        self.writer = QPdfWriter(str(path))
        self.writer.setResolution(RESOLUTION)
        self.writer.setPageLayout(QPageLayout(QPageSize(PAPER[paper]), QPageLayout.Orientation.Portrait,
                                              QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point))
        # Metadata says no more than the first page does: a generic title, the program's name.
        self.writer.setTitle(title)
        self.writer.setCreator("Alliance Desktop")
        size = QPageSize(PAPER[paper]).size(QPageSize.Unit.Point)
        self.page_width, self.page_height = size.width(), size.height()
        self.content = QRectF(MARGIN, MARGIN + HEADER_H, self.page_width - 2 * MARGIN,
                              self.page_height - 2 * MARGIN - HEADER_H - FOOTER_H)
        self.pages: list[Page] = []
        self.y = self.content.bottom()  # "page full": the first block starts a page

    # -- placing ------------------------------------------------------------------------------------
    @property
    def width(self) -> float:
        return self.content.width()

    def text(self, text: str, qfont: QFont | None = None, width: float | None = None, **kw: object) -> TextBox:
        return TextBox(text, qfont or self.fonts.body, self.width if width is None else width, self.writer,
                       **kw)  # type: ignore[arg-type]

    def new_page(self, header: str) -> None:
        self.pages.append(Page(header))
        self.y = self.content.top()

    def room(self) -> float:
        return self.content.bottom() - self.y

    def place(self, height: float, draw: Draw, *, header: str | None = None, gap: float = 0.0) -> None:
        """Put a block of ``height`` on this page, or on a new one if it does not fit."""
        if not self.pages or height > self.room():
            self.new_page(header if header is not None else (self.pages[-1].header if self.pages else ""))
        rect = QRectF(self.content.left(), self.y, self.width, height)
        self.pages[-1].blocks.append((rect, draw))
        self.y += height + gap

    def space(self, height: float) -> None:
        self.y = min(self.y + height, self.content.bottom())

    def paragraph(self, text: str, qfont: QFont | None = None, *, colour: str = palette.INK, gap: float = 4.0,
                  indent: float = 0.0) -> None:
        box = self.text(text, qfont, self.width - indent)
        self.place(box.height, lambda p, r: box.draw(p, r.left() + indent, r.top(), colour), gap=gap)

    def heading(self, text: str, *, keep: float = 60.0) -> None:
        """A section heading, moved to the next page with its first ``keep`` points of content."""
        box = self.text(text, self.fonts.heading)
        if box.height + keep > self.room():
            self.new_page(self.pages[-1].header if self.pages else "")
        self.space(6)

        def draw(p: QPainter, r: QRectF) -> None:
            box.draw(p, r.left(), r.top())
            p.setPen(QPen(QColor(palette.GRID), 0.8))
            p.drawLine(QPointF(r.left(), r.bottom() + 1.5), QPointF(r.right(), r.bottom() + 1.5))

        self.place(box.height, draw, gap=6)

    def facts(self, pairs: tuple[tuple[str, str], ...], *, label_width: float = 110.0) -> None:
        """Label: value lines (clinic, client, therapist ...)."""
        for label, value in pairs:
            left = self.text(label, self.fonts.small_bold, label_width - 6)
            right = self.text(value, self.fonts.body, self.width - label_width)
            height = max(left.height, right.height)

            def draw(p: QPainter, r: QRectF, left: TextBox = left, right: TextBox = right) -> None:
                left.draw(p, r.left(), r.top() + 1.2, palette.MUTED)
                right.draw(p, r.left() + label_width, r.top())

            self.place(height, draw, gap=2.5)

    # -- writing ------------------------------------------------------------------------------------
    def write(self, cancelled: Callable[[], bool] | None = None) -> bool:
        """Paint every page with its header and footer; False if ``cancelled()`` said stop."""
        total = len(self.pages)
        painter = QPainter()
        if not painter.begin(self.writer):
            raise OSError(f"Cannot write the PDF file {self.path}.")
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            for number, page in enumerate(self.pages, start=1):
                if cancelled is not None and cancelled():
                    return False
                if number > 1:
                    self.writer.newPage()
                for rect, draw in page.blocks:
                    painter.save()
                    draw(painter, rect)
                    painter.restore()
                self._furniture(painter, page, number, total)
        finally:
            painter.end()
        return True

    def _furniture(self, painter: QPainter, page: Page, number: int, total: int) -> None:
        """Running header (clinic · what this page is about) and the confidentiality footer."""
        left, right = MARGIN, self.page_width - MARGIN
        top = MARGIN
        half = self.width / 2 - 6
        # One line each, shortened with "…" when needed: the header band has room for one line only.
        metrics = QFontMetricsF(self.fonts.small, self.writer)
        clinic = metrics.elidedText(self.clinic, Qt.TextElideMode.ElideRight, half - 2)
        self.text(clinic, self.fonts.small, half).draw(painter, left, top, palette.MUTED)
        if page.header:
            label = metrics.elidedText(page.header, Qt.TextElideMode.ElideRight, half - 2)
            self.text(label, self.fonts.small, half, align=Qt.AlignmentFlag.AlignRight).draw(
                painter, left + self.width / 2 + 6, top, palette.MUTED)
        painter.setPen(QPen(QColor(palette.GRID), 0.8))
        painter.drawLine(QPointF(left, top + HEADER_H - 8), QPointF(right, top + HEADER_H - 8))
        base = self.page_height - MARGIN - FOOTER_H + 8
        painter.drawLine(QPointF(left, base), QPointF(right, base))
        from alliance_desktop.reports.report_content import CONFIDENTIAL

        note = self.text(CONFIDENTIAL, self.fonts.small_bold, self.width * 0.7)
        note.draw(painter, left, base + 5, palette.INK)
        pages = self.text(f"Page {number} of {total}", self.fonts.small, self.width * 0.3,
                          align=Qt.AlignmentFlag.AlignRight)
        pages.draw(painter, left + self.width * 0.7, base + 5, palette.MUTED)
