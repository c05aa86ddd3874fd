"""Tables on PDF pages: wrapped cells, numeric columns right-aligned, the heading row repeated on every page.

Why by hand and not a QTextDocument table: a QTextDocument lays out one
long page and would have to be sliced; here each row is measured with the
same ``TextBox`` that paints it, a row never splits across pages, and the
heading row comes back at the top of each continued page so a reader of
page 3 still knows which column is which.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from alliance_desktop.core import chart_palette as palette
from alliance_desktop.reports.pdf_document import PdfDocument, TextBox
from alliance_desktop.reports.report_content import TableSpec

PAD_X, PAD_Y = 3.0, 2.5
ZEBRA = "#f4f6f8"
HEAD_FILL = "#e9edf1"


def _row(doc: PdfDocument, cells: tuple[str, ...], widths: list[float], spec: TableSpec, *,
         bold: bool) -> tuple[float, list[TextBox]]:
    qfont = doc.fonts.small_bold if bold else doc.fonts.small
    boxes = []
    for i, (text, w) in enumerate(zip(cells, widths, strict=True)):
        align = Qt.AlignmentFlag.AlignRight if i in spec.numeric and not bold else Qt.AlignmentFlag.AlignLeft
        boxes.append(TextBox(text, qfont, w - 2 * PAD_X, doc.writer, align=align, leading=1.0))
    return max((b.height for b in boxes), default=0.0) + 2 * PAD_Y, boxes


def _painter(widths: list[float], boxes: list[TextBox], fill: str | None, line: bool):  # noqa: ANN202
    def draw(p: QPainter, r: QRectF) -> None:
        if fill:
            p.fillRect(r, QColor(fill))
        x = r.left()
        for w, box in zip(widths, boxes, strict=True):
            box.draw(p, x + PAD_X, r.top() + PAD_Y)
            x += w
        if line:
            p.setPen(QPen(QColor(palette.GRID), 0.6))
            p.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))

    return draw


def table(doc: PdfDocument, spec: TableSpec) -> None:
    """Place ``spec`` at the current position, continuing on further pages as needed."""
    if not spec.rows:
        doc.paragraph(spec.empty_text, doc.fonts.body, colour=palette.MUTED, gap=6)
        return
    unit = doc.width / sum(spec.weights)
    widths = [w * unit for w in spec.weights]
    head_h, head_boxes = _row(doc, spec.headings, widths, spec, bold=True)
    head_draw = _painter(widths, head_boxes, HEAD_FILL, True)
    measured = [_row(doc, row, widths, spec, bold=False) for row in spec.rows]
    # The heading row goes with at least the first few data rows (a lone heading helps nobody).
    if head_h + sum(h for h, _ in measured[:3]) > doc.room():
        doc.new_page(doc.pages[-1].header if doc.pages else "")
    doc.place(head_h, head_draw)
    for index, (height, boxes) in enumerate(measured):
        if height > doc.room():
            doc.new_page(doc.pages[-1].header)
            doc.place(head_h, head_draw)
        doc.place(height, _painter(widths, boxes, ZEBRA if index % 2 else None, True))
    doc.space(8)
