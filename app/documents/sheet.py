"""The landscape sheets of the corte del día and the period report (internal documents, not
fiscal receipts): page, margins, the section heading, the data table and the page footer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table

from app.documents.pdfkit import (
    ACCENT,
    FILL,
    FILL_ACCENT,
    FONT_BOLD,
    MUTED,
    RULE,
    p,
    page_footer,
    pdf_date,
    printable,
    style,
    table_style,
)

__all__ = ["CELL", "MARGIN", "PAGE", "PAGE_H", "PAGE_W", "WIDTH", "grid", "internal_footer",
           "section"]  # fmt: skip

PAGE = landscape(letter)
PAGE_W, PAGE_H = PAGE
MARGIN = 12 * mm
WIDTH = PAGE_W - 2 * MARGIN - 12  # the frame keeps 6 pt of padding on each side
CELL = 7.5  # table font size


def internal_footer(moment: datetime, zone: str, text: str) -> Callable[[Any, Any], None]:
    """Every page: when it was made, what it is, "Documento interno", the page number."""
    return page_footer(
        pdf_date(moment, zone), text, page_width=PAGE_W, margin=MARGIN,
        center="Documento interno · no es un comprobante fiscal",
    )  # fmt: skip


def section(title: str) -> Paragraph:
    """A section's heading, in capitals."""
    s = style("sheet_section", 9.5, bold=True, color=ACCENT, leading=12, space_after=3)
    return p(title.upper(), s)


def grid(
    head: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    total: Sequence[object] | None = None,
    center: Sequence[int] = (),
    extra: Sequence[Any] = (),
) -> Table:
    """A data table: grey header repeated on every page, hairlines, optional bold total row."""
    data: list[list[object]] = [[printable(h) for h in head]]
    data += [[printable(c) if isinstance(c, str) else c for c in row] for row in rows]
    if total is not None:
        data.append([printable(c) if isinstance(c, str) else c for c in total])
    cmds: list[Any] = [
        ("FONTSIZE", (0, 0), (-1, -1), CELL),
        ("LEADING", (0, 0), (-1, -1), CELL * 1.2),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
        ("FONTSIZE", (0, 0), (-1, 0), 6.8),
        ("BACKGROUND", (0, 0), (-1, 0), FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for col in right:
        cmds.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    for col in center:
        cmds.append(("ALIGN", (col, 0), (col, -1), "CENTER"))
    if total is not None:
        cmds += [
            ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
            ("BACKGROUND", (0, -1), (-1, -1), FILL_ACCENT),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
        ]
    t = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    t.setStyle(table_style([*cmds, *extra]))
    return t
