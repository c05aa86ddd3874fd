"""The staff-facing look: one calm light palette, readable type, generous controls.

Why one fixed palette instead of the desktop's: clinics run the app on shared,
often badly configured machines (dark themes with unreadable contrast, tiny
default fonts). A fixed Fusion style with an explicit palette looks and reads
the same everywhere, and screenshots in the manual match what staff see.

Widgets opt into the special looks below by object name (``setObjectName``),
so views never carry colours of their own.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QEnterEvent, QFont, QPalette
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QPushButton, QStyleFactory, QWidget

from alliance_desktop.ui.lazy_qt import TEXT_SELECTABLE_BY_MOUSE, Qt, set_enum_property

BASE_POINT_SIZE = 11

INK = "#1f2933"
MUTED = "#52606d"
LINE = "#b8c2cc"
WINDOW = "#f4f6f8"
SURFACE = "#ffffff"
ACCENT = "#2b6a84"
ACCENT_DARK = "#1f5064"
ACCENT_SOFT = "#e3eff4"
DANGER = "#a61b1b"
DANGER_SOFT = "#fdecec"
WARN_SOFT = "#fff4d6"
WARN_LINE = "#e3b341"
WARN_INK = "#5c4300"
OK_SOFT = "#e6f4ea"
OK_INK = "#1e5631"

#: Strength bar colours, index = core.accounts.PasswordAssessment.strength (0..4).
STRENGTH_COLOURS = ("#c0392b", "#d9822b", "#c9a227", "#5b9e4d", "#2e7d32")

# Object names views use; kept here so a typo is an AttributeError, not a silent default look.
HEADING = "heading"
SUBHEADING = "subheading"
HINT = "hint"
ERROR = "errorText"
FIELD_ERROR = "fieldError"
NOTICE = "noticeText"
SUCCESS = "successText"
BANNER = "demoBanner"
RECOVERY_KEY = "recoveryKey"
PRIMARY = "primary"
LINK = "link"
SESSION_HEADER = "sessionHeader"
HEADER_TITLE = "headerTitle"
STRENGTH_BAR = "strengthBar"
PLACEHOLDER = "placeholder"

_QSS = f"""
QWidget {{ color: {INK}; }}
QLabel#{HEADING} {{ font-size: 17pt; font-weight: 600; color: {INK}; }}
QLabel#{SUBHEADING} {{ font-size: 12pt; color: {MUTED}; }}
QLabel#{HINT} {{ color: {MUTED}; }}
QLabel#{FIELD_ERROR} {{ color: {DANGER}; }}
QLabel#{ERROR} {{
    color: {DANGER}; background: {DANGER_SOFT}; border: 1px solid #f1b5b5;
    border-radius: 4px; padding: 8px 10px;
}}
QLabel#{NOTICE} {{
    color: {ACCENT_DARK}; background: {ACCENT_SOFT}; border: 1px solid #b9d5e1;
    border-radius: 4px; padding: 8px 10px;
}}
QLabel#{SUCCESS} {{
    color: {OK_INK}; background: {OK_SOFT}; border: 1px solid #b7dcc2;
    border-radius: 4px; padding: 8px 10px;
}}
QLabel#{BANNER} {{
    color: {WARN_INK}; background: {WARN_SOFT}; border: 1px solid {WARN_LINE};
    border-radius: 4px; padding: 8px 10px;
}}
QLabel#{RECOVERY_KEY} {{
    background: {SURFACE}; border: 2px dashed {LINE}; border-radius: 6px;
    padding: 14px 18px; color: {INK};
}}
QLabel#{PLACEHOLDER} {{
    background: {SURFACE}; border: 1px solid #dde3e8; border-radius: 8px; padding: 28px 32px;
}}
QLineEdit, QPlainTextEdit {{
    background: {SURFACE}; border: 1px solid {LINE}; border-radius: 4px;
    padding: 5px 8px; min-height: 24px; selection-background-color: {ACCENT};
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 2px solid {ACCENT}; padding: 4px 7px; }}
QLineEdit:disabled {{ background: #eceff2; color: #7b8794; }}
QPushButton {{
    background: {SURFACE}; border: 1px solid {LINE}; border-radius: 4px;
    padding: 6px 16px; min-height: 24px; min-width: 72px;
}}
QPushButton:hover {{ background: #eef3f6; }}
QPushButton:pressed {{ background: #dfe7ec; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 5px 15px; }}
QPushButton:disabled {{ color: #9aa5b1; background: #eef0f2; border-color: #d3d9de; }}
QPushButton#{PRIMARY} {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600; }}
QPushButton#{PRIMARY}:hover {{ background: {ACCENT_DARK}; }}
QPushButton#{PRIMARY}:disabled {{ background: #9fbccb; border-color: #9fbccb; color: #f4f6f8; }}
QPushButton#{LINK} {{
    background: transparent; border: none; color: {ACCENT}; text-decoration: underline;
    padding: 2px 0; min-width: 0; min-height: 0;
}}
QPushButton#{LINK}:focus {{ border: none; padding: 2px 0; color: {ACCENT_DARK}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QCheckBox {{ spacing: 10px; }}
QCheckBox::indicator {{ width: 18px; height: 18px; }}
QProgressBar#{STRENGTH_BAR} {{
    background: #e4e8ec; border: none; border-radius: 4px; max-height: 8px; min-height: 8px;
}}
QFrame#{SESSION_HEADER} {{ background: {ACCENT_DARK}; }}
QFrame#{SESSION_HEADER} QLabel {{ color: white; }}
QFrame#{SESSION_HEADER} QLabel#{HEADER_TITLE} {{ font-size: 14pt; font-weight: 600; }}
QToolBar {{ spacing: 6px; padding: 4px 8px; border: none; background: {WINDOW}; }}
QToolBar QToolButton {{ padding: 6px 12px; border-radius: 4px; }}
QToolBar QToolButton:hover {{ background: #e2e8ed; }}
QStatusBar {{ color: {MUTED}; }}
""" + "".join(
    f'QProgressBar#{STRENGTH_BAR}[level="{i}"]::chunk {{ background: {c}; border-radius: 4px; }}\n'
    for i, c in enumerate(STRENGTH_COLOURS)
)


def palette() -> QPalette:
    """A light palette with enough contrast for WCAG AA body text."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: INK,
        QPalette.ColorRole.Base: SURFACE,
        QPalette.ColorRole.AlternateBase: "#f0f3f5",
        QPalette.ColorRole.Text: INK,
        QPalette.ColorRole.Button: "#e9edf0",
        QPalette.ColorRole.ButtonText: INK,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.LinkVisited: ACCENT_DARK,
        QPalette.ColorRole.ToolTipBase: SURFACE,
        QPalette.ColorRole.ToolTipText: INK,
        QPalette.ColorRole.PlaceholderText: "#7b8794",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa5b1"))
    return pal


#: Qt's own command-line option for the style, given to the QApplication we create.
STYLE_ARGUMENTS = ("-style", "Fusion")


def apply_theme(app: QApplication, *, style_chosen: bool = False) -> None:
    """Style, palette, base font and style sheet for the whole application.

    ``style_chosen``: the application was constructed with :data:`STYLE_ARGUMENTS`,
    so Qt built the Fusion style itself. Choosing it from Python instead hands a
    ``QStyle`` object to Python, and PySide then creates the ``QStyle`` type with
    its dozen large enums: about 6 ms of every start, before the first window.
    """
    if not style_chosen:
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
    app.setPalette(palette())
    font = app.font()
    if font.pointSizeF() < BASE_POINT_SIZE:
        font.setPointSizeF(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(_QSS)


def fixed_font(point_size: float) -> QFont:
    """The platform's monospace font: for recovery keys, where 0/O and 1/l must not blur."""
    from PySide6.QtGui import QFontDatabase  # only for the recovery key: not on the start path

    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(point_size)
    return font


def make_selectable(label: QLabel) -> QLabel:
    """Let the mouse select ``label``'s text (a folder path or a message to copy); returns it.

    Through the property, so the login window is built without the ``Qt`` namespace (``ui.lazy_qt``).
    """
    set_enum_property(label, "textInteractionFlags", TEXT_SELECTABLE_BY_MOUSE)
    return label


class LinkButton(QPushButton):
    """A button drawn as a link (the ``LINK`` look) with a pointing hand under the mouse.

    The cursor is set when the mouse first enters, which is the first moment it
    can be seen, so building the button needs nothing from the ``Qt`` namespace
    (``ui.lazy_qt``).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName(LINK)
        self._hand = False

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt's name
        if not self._hand:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self._hand = True
        super().enterEvent(event)


def set_role(widget: QWidget, object_name: str) -> QWidget:
    """Give ``widget`` one of the looks above (returns it, for one-line construction)."""
    widget.setObjectName(object_name)
    return widget


def form_layout() -> QFormLayout:
    """A form with the house spacing.

    Labels stay left-aligned, Fusion's default (the style is always Fusion);
    QFormLayout itself sets each label level with its field's first line.
    """
    form = QFormLayout()
    form.setVerticalSpacing(10)
    form.setHorizontalSpacing(14)
    return form


def grow_to_fit(widget: QWidget) -> None:
    """Let a window grow (never shrink) when wrapped text inside it got taller.

    Qt sizes a top-level window from its layout's minimum size, which ignores
    height-for-width (word-wrapped labels), so a hint that gains a line would
    otherwise be clipped at the bottom.
    """
    window = widget.window()
    layout = window.layout() if window is not None else None
    if window is None or layout is None or not window.isVisible():
        return
    layout.activate()
    needed = layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth() else -1
    needed = max(needed, layout.totalMinimumSize().height())
    if needed > window.height():
        window.resize(window.width(), needed)


def set_level(widget: QWidget, level: int) -> None:
    """Change a ``level`` property the style sheet keys on, and make the style notice."""
    widget.setProperty("level", str(level))
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
