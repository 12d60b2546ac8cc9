"""Shared ReportLab pieces of the documents: embedded fonts, styles, colours, small helpers.

Imported only by the renderers (never by ``app.documents``), so ReportLab is loaded only when a
PDF is made. Fonts are the Bitstream Vera TrueType files shipped inside the ReportLab package,
embedded (subset) in every PDF so accents print everywhere (ó, ñ, ¡, ¿).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle

from app.billing import format_money

FONT = "AUVera"
FONT_BOLD = "AUVera-Bold"
FONT_ITALIC = "AUVera-Italic"
FONT_BOLD_ITALIC = "AUVera-BoldItalic"

INK = colors.HexColor("#1d1d1f")
MUTED = colors.HexColor("#6e6e73")
ACCENT = colors.HexColor("#0b5cad")
RULE = colors.HexColor("#d2d2d7")
FILL = colors.HexColor("#f2f4f7")
FILL_ACCENT = colors.HexColor("#e8f0fa")
DANGER = colors.HexColor("#c62828")
DANGER_FILL = colors.HexColor("#fdecea")

_registered = False


def register_fonts() -> None:
    """Register the Vera TrueType family from the installed ReportLab package (once)."""
    global _registered
    if _registered:
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (FONT_ITALIC, "VeraIt.ttf"),
        (FONT_BOLD_ITALIC, "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    _registered = True


def style(
    name: str,
    size: float = 8.5,
    *,
    bold: bool = False,
    color: colors.Color = INK,
    align: int = TA_LEFT,
    leading: float | None = None,
    space_after: float = 0,
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=leading if leading is not None else size * 1.25,
        textColor=color,
        alignment=align,
        spaceAfter=space_after,
    )


class Styles:
    """The paragraph styles every document uses."""

    def __init__(self) -> None:
        register_fonts()
        self.body = style("body")
        self.bold = style("bold", bold=True)
        self.small = style("small", 7.5, color=MUTED)
        self.label = style("label", 7.5, color=MUTED)
        self.title = style("title", 17, bold=True, leading=20)
        self.doc_title = style("doc_title", 13, bold=True, color=ACCENT, align=TA_RIGHT)
        self.folio = style("folio", 15, bold=True, align=TA_RIGHT, leading=19)
        self.right_small = style("right_small", 8, color=MUTED, align=TA_RIGHT)
        self.section = style("section", 9.5, bold=True, color=ACCENT, leading=12)
        self.cell = style("cell", 8)
        self.cell_bold = style("cell_bold", 8, bold=True)
        self.cell_right = style("cell_right", 8, align=TA_RIGHT)
        self.head = style("head", 7.5, bold=True, color=MUTED)
        self.head_right = style("head_right", 7.5, bold=True, color=MUTED, align=TA_RIGHT)
        self.words = style("words", 8.5, color=INK)
        self.danger = style("danger", 11, bold=True, color=DANGER, leading=14)
        self.danger_body = style("danger_body", 8.5, color=DANGER)


# Characters people paste that the embedded font lacks, and what prints instead.
_FALLBACK = {
    "″": '"', "′": "'", "‐": "-", "‑": "-", "−": "-", "✓": "√", "✔": "√", "№": "No.",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}  # fmt: skip
_glyphs: frozenset[int] | None = None


def printable(text: str) -> str:
    """``text`` with every character the embedded font can draw; others get a fallback
    (``″`` -> ``"``), then their accent-less form, then ``?`` (never an empty box)."""
    global _glyphs
    if _glyphs is None:
        register_fonts()
        font = pdfmetrics.getFont(FONT)
        _glyphs = frozenset(font.face.charToGlyph)
    if all(ord(c) in _glyphs for c in text):
        return text
    out = []
    for c in text:
        if ord(c) in _glyphs or c in "\n\t":
            out.append(c)
        elif c in _FALLBACK:
            out.append(_FALLBACK[c])
        else:
            base = unicodedata.normalize("NFKD", c)
            kept = "".join(x for x in base if ord(x) in _glyphs and not unicodedata.combining(x))
            out.append(kept or "?")
    return "".join(out)


def pdf_date(moment: datetime, zone: str) -> Callable[..., str]:
    """A ReportLab date formatter stamping the document's own instant (issue time, summary
    time) as the PDF's creation date: meaningful, and the same bytes on every render."""
    local = moment.astimezone(ZoneInfo(zone))
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    text = f"D:{local:%Y%m%d%H%M%S}{sign}{hh:02d}'{mm:02d}'"
    return lambda *_: text


def table_style(commands: list[Any]) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded font (not Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def p(text: str, st: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: a client called "A&B <Mac>" prints as typed)."""
    return Paragraph(escape(printable(text)), st)


def pm(markup: str, st: ParagraphStyle) -> Paragraph:
    """A paragraph of ReportLab mini-markup (the caller escapes the data inside)."""
    return Paragraph(printable(markup), st)


def money(value: Decimal) -> str:
    """``$1,234.50 MXN``."""
    return format_money(value)


def money_short(value: Decimal) -> str:
    """``$1,234.50`` for table cells under an "(MXN)" header."""
    return format_money(value, currency=False)


__all__ = [
    "ACCENT",
    "DANGER",
    "DANGER_FILL",
    "FILL",
    "FILL_ACCENT",
    "FONT",
    "FONT_BOLD",
    "INK",
    "MUTED",
    "RULE",
    "Styles",
    "escape",
    "money",
    "money_short",
    "p",
    "page_footer",
    "pdf_date",
    "pm",
    "printable",
    "register_fonts",
    "table_style",
]


def document(
    out: Any,
    *,
    title: str,
    author: str,
    subject: str = "",
    pagesize: tuple[float, float] = letter,
    margin: float = 16 * mm,
    footer_space: float = 6 * mm,
) -> SimpleDocTemplate:
    """The page template every AppleUse PDF uses: embedded Vera font, Spanish metadata,
    reproducible bytes (``invariant``); ``out`` is a path or a binary file object."""
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    return SimpleDocTemplate(
        target,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + footer_space,
        title=title,
        author=author,
        subject=subject,
        creator="AppleUse Soporte",
        lang="es-MX",
        invariant=True,
        initialFontName=FONT,
        initialFontSize=9,
    )


def page_footer(
    stamp: Callable[..., Any],
    left: str,
    *,
    page_width: float,
    margin: float,
    center: str = "",
    right: Callable[[int], str] = lambda page: f"Página {page}",
) -> Callable[[Any, Any], None]:
    """The footer every AppleUse PDF but the receipt draws on each page: a rule, then
    ``left`` · ``center`` · ``right(page number)`` in small grey type; ``stamp`` is the
    document's own instant (from :func:`pdf_date`), so the bytes are reproducible."""
    text = printable(left)

    def draw(canvas: Any, _: Any) -> None:
        canvas.setDateFormatter(stamp)
        canvas.saveState()
        y = margin - 1 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(margin + 6, y + 4.5 * mm, page_width - margin - 6, y + 4.5 * mm)
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(margin + 6, y, text)
        if center:
            canvas.drawCentredString(page_width / 2, y, center)
        canvas.drawRightString(page_width - margin - 6, y, right(canvas.getPageNumber()))
        canvas.restoreState()

    return draw
