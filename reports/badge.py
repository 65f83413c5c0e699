"""A shields-style flat SVG badge of a score, e.g. `portcheck | 82`, drawn locally (no network).

The value side is coloured by the score's readiness level (see `presentation.readiness`). Text widths
are estimated from Verdana 11px advance widths, the font shields.io badges use, and pinned with
`textLength`, so the text fits its box even where another font is substituted. Every text is flattened
to one line, stripped of characters XML cannot hold, and escaped; the badge carries a `<title>` and an
`aria-label` for screen readers.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from xml.sax.saxutils import escape, quoteattr

from ..analyzer.model import Report
from .presentation import one_line, readiness

TONE_COLOURS = {"good": "#4c1", "fair": "#a4a61d", "poor": "#fe7d37", "bad": "#e05d44"}
LABEL_COLOUR = "#555"
FONT_SIZE_PX = 11
HEIGHT = 20
PADDING = 6  # on each side of a text
MAX_TEXT = 48  # characters kept of a label or value

# Verdana advance widths in thousandths of an em.
_WIDTHS = {
    **dict(zip("abcdefghijklmnopqrstuvwxyz",
               (601, 623, 521, 623, 596, 352, 623, 633, 274, 344, 592, 274, 973,
                633, 607, 623, 623, 427, 521, 394, 633, 592, 818, 592, 592, 525))),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               (684, 686, 698, 771, 632, 575, 775, 751, 421, 455, 693, 557, 843,
                748, 787, 603, 787, 695, 684, 616, 732, 684, 989, 685, 615, 685))),
    **dict.fromkeys("0123456789", 636),
    " ": 352, ".": 364, ",": 364, ":": 454, ";": 454, "!": 394, "|": 454, "/": 454, "\\": 454,
    "(": 454, ")": 454, "[": 454, "]": 454, "-": 431, "_": 636, "+": 818, "=": 818, "%": 1076,
    "'": 269, '"': 459, "#": 818, "&": 706, "<": 818, ">": 818, "?": 525, "@": 1000, "*": 636,
}
_DEFAULT_WIDTH = 620  # an average Latin letter
_WIDE_WIDTH = 1000  # East Asian wide and full-width characters
# Characters XML 1.0 cannot contain (beyond the controls `one_line` already removes) and lone surrogates.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def badge_text(text: str) -> str:
    """Text as a badge shows it: one line, without characters XML cannot hold, at most MAX_TEXT long."""
    return one_line(_NOT_XML.sub("", text), MAX_TEXT)


def text_width(text: str) -> float:
    """The estimated width in pixels of `text` in Verdana 11px."""
    total = 0
    for char in text:
        if char in _WIDTHS:
            total += _WIDTHS[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += _WIDE_WIDTH
        elif unicodedata.combining(char):
            continue
        else:
            total += _DEFAULT_WIDTH
    return total * FONT_SIZE_PX / 1000


def render_badge(label: str, value: str, colour: str, *, title: str | None = None) -> str:
    """A flat two-part badge: `label` on grey, `value` on `colour` (a CSS colour); `title` for screen
    readers defaults to `label: value`."""
    label, value = badge_text(label), badge_text(value)
    title = badge_text(title) if title is not None else f"{label}: {value}"
    label_text_w, value_text_w = round(text_width(label), 1), round(text_width(value), 1)
    label_w = round(label_text_w + 2 * PADDING)
    value_w = round(value_text_w + 2 * PADDING)
    width = label_w + value_w
    # ids unique to this badge's content, so several badges inlined in one page keep their own shapes
    uid = hashlib.sha256(f"{label}\0{value}\0{colour}".encode()).hexdigest()[:8]
    texts = "".join((
        _text(label, centre=label_w / 2, length=label_text_w),
        _text(value, centre=label_w + value_w / 2, length=value_text_w),
    ))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" role="img" '
        f'aria-label={quoteattr(title)}>'
        f"<title>{escape(title)}</title>"
        f'<linearGradient id="s{uid}" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r{uid}"><rect width="{width}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r{uid})"><rect width="{label_w}" height="{HEIGHT}" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{label_w}" width="{value_w}" height="{HEIGHT}" fill={quoteattr(colour)}/>'
        f'<rect width="{width}" height="{HEIGHT}" fill="url(#s{uid})"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        f'text-rendering="geometricPrecision" font-size="{FONT_SIZE_PX * 10}">{texts}</g>'
        "</svg>\n"
    )


def _text(text: str, *, centre: float, length: float) -> str:
    """A text drawn twice, shadow then face, at ten times the size and scaled down (as shields does)."""
    x, tl, body = round(centre * 10), round(length * 10), escape(text)
    return (f'<text aria-hidden="true" x="{x}" y="150" fill="#010101" fill-opacity=".3" '
            f'transform="scale(.1)" textLength="{tl}">{body}</text>'
            f'<text x="{x}" y="140" transform="scale(.1)" textLength="{tl}">{body}</text>')


def score_badge(score: int, *, label: str = "portcheck") -> str:
    """The badge of a score 0-100, coloured by its readiness level."""
    level = readiness(score)
    return render_badge(label, str(score), TONE_COLOURS[level.tone],
                        title=f"{badge_text(label)}: {score}/100, {level.name}")


def render(report: Report) -> str:
    """The badge of a report's overall score."""
    return score_badge(report.scores.overall)
