"""Colour-blind-safe colours for charts, shared by the on-screen course chart and the PDF report.

Why Okabe–Ito: its eight colours stay distinguishable under the common colour
vision deficiencies (protan, deutan, tritan), and they are the de-facto
standard for scientific figures (Okabe & Ito 2008; Wong 2011, Nature Methods
8, 441). About one man in twelve has a red–green deficiency, so a
therapist must be able to tell "red" from "green" sessions without seeing the
hue: every colour that carries meaning here also has a *shape* and a *word*
(``TrackingStyle``), and the item heat strip is a single-hue ramp whose
lightness alone carries the value.

Plain hex strings, no Qt: the PDF writer and services can use the same
mapping without importing a widget toolkit, and a palette stays a palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance_desktop.core.tracking import Colour

# -- Okabe–Ito --------------------------------------------------------------------------

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

OKABE_ITO = (BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE)

# -- neutrals (not part of Okabe–Ito; greys are safe for every kind of colour vision) ----

INK = "#1f2933"
MUTED = "#52606d"
FAINT = "#8a96a3"
GRID = "#dde3e8"
BACKGROUND = "#ffffff"

# -- roles: what each colour means on the course chart ------------------------------------

ALLIANCE = BLUE
#: running mean ± 1 SD band (the line is ALLIANCE_MEAN, the fill this at low alpha)
ALLIANCE_BAND = SKY_BLUE
ALLIANCE_MEAN = "#3d8fc4"
CUTOFF = INK
EARLY_ALLIANCE = REDDISH_PURPLE
INSTRUCTION = BLUISH_GREEN
RUPTURE = VERMILLION
REPAIRED = BLUISH_GREEN
UNREPAIRED = VERMILLION
PENDING = MUTED
SELF_REPORT = REDDISH_PURPLE
OUTCOME_LINE = MUTED
RELIABLE_BAND = "#9aa5b1"
RISK = VERMILLION
RISK_SOFT = "#fbe3d3"
MISSED = FAINT


@dataclass(frozen=True, slots=True)
class TrackingStyle:
    """How one not-on-track colour is drawn: tone, outline, marker shape and words.

    ``symbol`` is a pyqtgraph symbol name ('o' circle, 's' square, 'd' diamond),
    ``name`` the colour's own name (the one the rules and alerts use) and
    ``meaning`` what it says about the session.
    """

    fill: str
    outline: str
    symbol: str
    name: str
    meaning: str


#: CLINICAL.md section 3's five colours in colour-blind-safe tones. Red and yellow (the
#: two that ask for action) also differ by shape; white is hollow, grey is light and small.
TRACKING: dict[Colour, TrackingStyle] = {
    Colour.RED: TrackingStyle(VERMILLION, "#8f3e00", "s", "red", "risk item or reliable deterioration"),
    Colour.WHITE: TrackingStyle(BACKGROUND, INK, "o", "white", "outside the clinical range"),
    Colour.GREEN: TrackingStyle(BLUISH_GREEN, "#006b4e", "o", "green", "reliable improvement"),
    Colour.YELLOW: TrackingStyle(YELLOW, "#7a6f00", "d", "yellow", "not on track"),
    Colour.GREY: TrackingStyle("#b8c2cc", "#7b8794", "o", "grey", "too early to tell"),
}

# -- item heat strip: one hue, lightness carries the value ---------------------------------

#: Stops of a sequential blue ramp (light = high = good, dark = low), ColorBrewer "Blues"
#: reversed. Monotonic in lightness, so it reads the same in greyscale and for every
#: colour vision deficiency.
ITEM_RAMP: tuple[str, ...] = ("#08306b", "#08519c", "#2171b5", "#4292c6", "#6baed6", "#9ecae1", "#c6dbef", "#eef5fb")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def ramp_colour(fraction: float, ramp: tuple[str, ...] = ITEM_RAMP) -> str:
    """The colour at ``fraction`` (0..1, clamped) along ``ramp``, linearly interpolated."""
    f = 0.0 if fraction != fraction else max(0.0, min(1.0, fraction))  # NaN -> 0
    pos = f * (len(ramp) - 1)
    i = min(int(pos), len(ramp) - 2)
    t = pos - i
    a, b = _rgb(ramp[i]), _rgb(ramp[i + 1])
    return _hex(tuple(a[k] + (b[k] - a[k]) * t for k in range(3)))  # type: ignore[arg-type]


def item_colour(value: float, low: float = 0.0, high: float = 10.0) -> str:
    """Heat-strip colour of an item value on ``low..high`` (dark = low)."""
    span = high - low
    return ramp_colour((value - low) / span if span > 0 else 1.0)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance (0 black .. 1 white)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_on(hex_colour: str) -> str:
    """INK or white, whichever has the higher contrast on ``hex_colour`` (WCAG ratio)."""
    lum = relative_luminance(hex_colour)
    ink = relative_luminance(INK)
    on_white = 1.05 / (lum + 0.05)
    on_ink = (lum + 0.05) / (ink + 0.05)
    return "#ffffff" if on_white >= on_ink else INK
