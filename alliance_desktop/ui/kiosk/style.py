"""The kiosk's look: the staff palette from ``ui.theme``, but larger, softer and touch-sized.

Why a separate sheet: the kiosk is read at arm's length by someone who has
just left a therapy session, on a touch screen. Text is large, every target
is at least 56 px high (WCAG 2.5.5 asks for 44), there is one accent colour
for "the next step" and no red except for a message that really needs action.
The idle shade is nearly opaque: whoever walks up to a forgotten
questionnaire must not be able to read its answers through it. The sheet is
set on the kiosk window only, so the staff screens are untouched.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from alliance_desktop.ui import theme
from alliance_desktop.ui.widgets.onscreen_keyboard import KEY_ROLE as KEYBOARD_KEY
from alliance_desktop.ui.widgets.onscreen_keyboard import WIDE_KEY_ROLE as KEYBOARD_WIDE_KEY
from alliance_desktop.ui.widgets.keypad import DISPLAY_ROLE, KEY_ROLE, OK_ROLE
from alliance_desktop.ui.widgets.option_buttons import OPTION_ROLE

BASE_POINT_SIZE = 16

# Object names pages use for their looks.
TITLE = "kioskTitle"
CLINIC = "kioskClinic"
LEAD = "kioskLead"
BODY = "kioskBody"
QUIET = "kioskQuiet"
PROGRESS = "kioskProgress"
PRIMARY = "kioskPrimary"
BIG = "kioskBig"  # the one obvious next step of a page: "Enter your code", "Continue" when idle
SECONDARY = "kioskSecondary"
LANGUAGE = "kioskLanguage"
MESSAGE = "kioskMessage"
PROBLEM = "kioskProblem"
CARD = "kioskCard"
SHADE = "kioskShade"
ANSWER = "kioskAnswer"
COMMENT = "kioskComment"
CHANGE = "kioskChange"
#: Anchor words under a line: a little smaller than body text, still readable at arm's length.
ANCHOR_POINT_SIZE = 14

SHEET = f"""
QWidget#kioskRoot {{ background: {theme.WINDOW}; }}
QLabel {{ color: {theme.INK}; }}
QLabel#{CLINIC} {{ font-size: 30pt; font-weight: 600; color: {theme.ACCENT_DARK}; }}
QLabel#{TITLE} {{ font-size: 24pt; font-weight: 600; }}
QLabel#{LEAD} {{ font-size: 20pt; }}
QLabel#{BODY} {{ font-size: 17pt; }}
QLabel#{QUIET} {{ font-size: 14pt; color: {theme.MUTED}; }}
QLabel#{PROGRESS} {{ font-size: 13pt; color: {theme.MUTED}; }}
QLabel#{ANSWER} {{ font-size: 16pt; color: {theme.ACCENT_DARK}; font-weight: 600; }}
QLabel#{MESSAGE} {{
    font-size: 16pt; color: {theme.ACCENT_DARK}; background: {theme.ACCENT_SOFT};
    border: 1px solid #b9d5e1; border-radius: 10px; padding: 12px 16px;
}}
QLabel#{PROBLEM} {{
    font-size: 16pt; color: {theme.WARN_INK}; background: {theme.WARN_SOFT};
    border: 1px solid {theme.WARN_LINE}; border-radius: 10px; padding: 12px 16px;
}}
QLabel#{DISPLAY_ROLE} {{
    font-size: 28pt; letter-spacing: 4px; background: {theme.SURFACE};
    border: 1px solid {theme.LINE}; border-radius: 10px; padding: 6px 16px;
}}
QFrame#{CARD} {{ background: {theme.SURFACE}; border: 1px solid #dde3e8; border-radius: 16px; }}
QWidget#{SHADE} {{ background: rgba(31, 41, 51, 242); }}
QPushButton {{
    font-size: 17pt; background: {theme.SURFACE}; border: 1px solid {theme.LINE};
    border-radius: 10px; padding: 10px 22px; min-height: 36px;
}}
QPushButton:pressed {{ background: #dfe7ec; }}
QPushButton:focus {{ border: 3px solid {theme.ACCENT}; padding: 8px 20px; }}
QPushButton:disabled {{ color: #9aa5b1; background: #eef0f2; border-color: #d3d9de; }}
QPushButton#{PRIMARY} {{
    background: {theme.ACCENT}; color: white; border: 1px solid {theme.ACCENT_DARK}; font-weight: 600;
    min-height: 44px; min-width: 200px;
}}
QPushButton#{PRIMARY}:pressed {{ background: {theme.ACCENT_DARK}; }}
QPushButton#{PRIMARY}:focus {{ border: 3px solid {theme.INK}; }}
QPushButton#{PRIMARY}:disabled {{ background: #9fbccb; border-color: #9fbccb; color: #f4f6f8; }}
QPushButton#{BIG} {{
    background: {theme.ACCENT}; color: white; border: 1px solid {theme.ACCENT_DARK}; font-weight: 600;
    font-size: 20pt; min-height: 56px; min-width: 320px;
}}
QPushButton#{BIG}:pressed {{ background: {theme.ACCENT_DARK}; }}
QPushButton#{BIG}:focus {{ border: 3px solid {theme.INK}; }}
QPushButton#{SECONDARY} {{ min-height: 44px; min-width: 160px; }}
QPushButton#{LANGUAGE} {{ min-height: 44px; min-width: 150px; }}
QPushButton#{LANGUAGE}:checked, QPushButton#{OPTION_ROLE}:checked {{
    background: {theme.ACCENT_SOFT}; border: 3px solid {theme.ACCENT}; color: {theme.ACCENT_DARK};
    font-weight: 600;
}}
QPushButton#{OPTION_ROLE} {{ text-align: left; padding: 10px 22px; }}
QPushButton#{KEY_ROLE} {{ font-size: 24pt; padding: 2px; min-height: 58px; min-width: 64px; }}
QPushButton#{OK_ROLE} {{
    font-size: 20pt; padding: 2px; min-height: 58px; min-width: 64px; background: {theme.ACCENT}; color: white; border: 1px solid {theme.ACCENT_DARK};
}}
QPushButton#{OK_ROLE}:disabled {{ background: #9fbccb; border-color: #9fbccb; color: #f4f6f8; }}
QPushButton#{KEYBOARD_KEY}, QPushButton#{KEYBOARD_WIDE_KEY} {{
    font-size: 17pt; padding: 2px; border-radius: 8px; min-height: 44px; min-width: 40px;
}}
QPushButton#{KEYBOARD_WIDE_KEY}:checked {{ background: {theme.ACCENT_SOFT}; border: 3px solid {theme.ACCENT}; }}
QPlainTextEdit#{COMMENT} {{
    font-size: 17pt; background: {theme.SURFACE}; border: 1px solid {theme.LINE}; border-radius: 10px; padding: 8px;
}}
QPlainTextEdit#{COMMENT}:focus {{ border: 3px solid {theme.ACCENT}; padding: 6px; }}
QPushButton#{CHANGE} {{ min-height: 44px; min-width: 120px; }}
QScrollArea {{ background: transparent; border: none; }}
QScrollBar:vertical {{ background: #e4e9ed; width: 18px; border-radius: 9px; margin: 0; }}
QScrollBar::handle:vertical {{ background: #9aa5b1; border-radius: 9px; min-height: 64px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""


def apply(root: QWidget) -> None:
    """Give the kiosk window its sheet and a larger base font (children inherit both)."""
    root.setObjectName("kioskRoot")
    font = QFont(root.font())
    font.setPointSizeF(BASE_POINT_SIZE)
    root.setFont(font)
    root.setStyleSheet(SHEET)


def role(widget: QWidget, name: str) -> QWidget:
    widget.setObjectName(name)
    return widget
