"""The "Reporte de estado de póliza" (RULES §6 quarterly review) as a letter PDF.

Per month of the quarter: expected vs. actual events by class, hours worked, hours covered and
their list value, what was charged; the quarter's totals; and the suggested expected numbers
with their monthly fee. Built from ``PolicyService.review`` values; ReportLab is imported here
only, so the services never load it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any, BinaryIO

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from app.documents.pdfkit import (
    ACCENT,
    FILL,
    FILL_ACCENT,
    FONT_BOLD,
    MUTED,
    RULE,
    Styles,
    document,
    money,
    money_short,
    p,
    page_footer,
    pdf_date,
    pm,
    style,
    table_style,
)
from app.documents.policy_data import PolicyReview, ReviewMonth
from app.documents.words import events_text
from app.kernel.fmt import format_minutes, policy_label

__all__ = ["policy_report_bytes", "render_policy_report"]

PAGE_W, PAGE_H = letter
MARGIN = 16 * mm
WIDTH = PAGE_W - 2 * MARGIN - 12
ZONE = "America/Mexico_City"


def render_policy_report(
    review: PolicyReview,
    out: str | os.PathLike[str] | BinaryIO,
    *,
    business: str,
    generated_at: datetime,
) -> None:
    """Write the policy status report of ``review`` to a path or a binary file object."""
    st = Styles()
    label = policy_label(review.policy_id)
    template = document(
        out,
        title=f"Reporte de estado de póliza {label}",
        author=business,
        subject=f"{review.client_name} — revisión del {review.review_date:%d/%m/%Y}",
        margin=MARGIN,
    )
    draw = page_footer(
        pdf_date(generated_at, ZONE),
        f"{business} · Póliza {label} · {review.client_name}",
        page_width=PAGE_W,
        margin=MARGIN,
        right=lambda page: "No es un comprobante fiscal (CFDI)",
    )
    template.build(_story(review, st, business, label), onFirstPage=draw, onLaterPages=draw)


def policy_report_bytes(review: PolicyReview, *, business: str, generated_at: datetime) -> bytes:
    buffer = io.BytesIO()
    render_policy_report(review, buffer, business=business, generated_at=generated_at)
    return buffer.getvalue()


def _story(review: PolicyReview, st: Styles, business: str, label: str) -> list[Any]:
    cur = review.current
    yes_no = "sí" if cur.is_24x7 else "no"
    head = Table(
        [
            [p(business, st.title), p("Reporte de estado de póliza", st.doc_title)],
            [p(review.client_name, st.bold), p(label, st.folio)],
        ],
        colWidths=[WIDTH * 0.55, WIDTH * 0.45],
    )
    head.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    terms = [
        ("Revisión trimestral", f"{review.review_date:%d/%m/%Y}"),
        ("Versión vigente", f"{cur.version}, desde el {cur.valid_from:%d/%m/%Y}"),
        (
            "Eventos esperados por mes",
            events_text(cur.expected_remote, cur.expected_in_person),
        ),
        ("Descuento de póliza", f"{cur.discount_percent} %"),
        ("Cobertura 7x24/365", yes_no),
        ("Equipos cubiertos", str(len(cur.device_ids))),
        ("Cuota mensual", f"{money(cur.monthly_fee)} más IVA"),
    ]
    if cur.benefits:
        terms.append(("Beneficios", ", ".join(cur.benefit_labels)))
    info = Table(
        [[p(k, st.label), p(v, st.body)] for k, v in terms],
        colWidths=[WIDTH * 0.3, WIDTH * 0.7],
    )
    info.setStyle(table_style([("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    section = style("pol_section", 9.5, bold=True, color=ACCENT, leading=12, space_after=3)
    t = review.totals
    suggestion = (
        f"Sugerencia para los próximos meses (promedio mensual de eventos reales, redondeado "
        f"hacia arriba): "
        f"{events_text(review.suggested_remote, review.suggested_in_person)} por mes; "
        "cuota mensual "
        f"{money(review.suggested_fee)} más IVA."
    )
    state = "Atendida" if review.accepted else "Pendiente de aceptar"
    return [
        head,
        Spacer(1, 4 * mm),
        info,
        Spacer(1, 5 * mm),
        p("EVENTOS Y HORAS POR MES", section),
        _months([*review.months, t], st),
        Spacer(1, 3 * mm),
        p(
            "Valor cubierto: lo que las horas cubiertas por la póliza habrían costado a las "
            "tarifas normales. Cobrado: importes de las sesiones antes de IVA, con el descuento "
            "de la póliza.",
            st.small,
        ),
        Spacer(1, 5 * mm),
        p("PUNTO DE EQUILIBRIO", section),
        p(suggestion, st.body),
        Spacer(1, 2 * mm),
        p(f"Estado de la revisión: {state}.", st.small),
    ]


def _months(months: Sequence[ReviewMonth], st: Styles) -> Table:
    head_right = style("pol_head_right", 7, bold=True, color=MUTED, align=TA_RIGHT)
    head_center = style("pol_head_center", 7, bold=True, color=MUTED, align=TA_CENTER)
    right = style("pol_cell_right", 8, align=TA_RIGHT)
    top = ["Mes", "A distancia", "", "Presenciales", "", "Horas", "", "Valor<br/>cubierto",
           "Cobrado<br/>(MXN)"]  # fmt: skip
    sub = ["", "Esperados", "Reales", "Esperados", "Reales", "Trabajadas", "Cubiertas", "", ""]
    rows: list[list[Any]] = [
        [pm(h, st.head if i == 0 else head_center if i < 7 else head_right)
         for i, h in enumerate(top)],
        [pm(h, head_right) for h in sub],
    ]  # fmt: skip
    for m in months:
        rows.append(
            [p(m.label, st.cell)]
            + [
                p(str(v), right)
                for v in (
                    m.expected_remote, m.actual_remote, m.expected_in_person,
                    m.actual_in_person, format_minutes(m.worked_minutes), m.covered_hours,
                    money_short(m.covered_value), money_short(m.charged),
                )
            ]
        )  # fmt: skip
    widths = [WIDTH * 0.15] + [WIDTH * 0.1] * 4 + [WIDTH * 0.11] * 2 + [WIDTH * 0.115] * 2
    table = Table(rows, colWidths=widths, repeatRows=2)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 1), FILL),
                ("SPAN", (0, 0), (0, 1)),
                ("SPAN", (1, 0), (2, 0)),
                ("SPAN", (3, 0), (4, 0)),
                ("SPAN", (5, 0), (6, 0)),
                ("SPAN", (7, 0), (7, 1)),
                ("SPAN", (8, 0), (8, 1)),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("BACKGROUND", (0, -1), (-1, -1), FILL_ACCENT),
                ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
                ("LINEBELOW", (0, 1), (-1, -2), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
