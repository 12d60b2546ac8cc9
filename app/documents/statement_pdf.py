"""A client's statement (estado de cuenta) and a repair quote (cotización de reparación) as
letter PDFs, from ``BalanceService.statement`` and ``RepairService.repair`` values.

ReportLab is imported here only, so the services never load it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from reportlab.lib.enums import TA_RIGHT
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
    style,
    table_style,
)
from app.documents.statement_data import ClientStatement, RepairView

__all__ = [
    "render_repair_quote_pdf",
    "render_statement_pdf",
    "repair_quote_pdf_bytes",
    "statement_pdf_bytes",
]

PAGE_W, PAGE_H = letter
MARGIN = 16 * mm
WIDTH = PAGE_W - 2 * MARGIN - 12
ZONE = "America/Mexico_City"
KIND = {"receipt": "Recibo", "payment": "Pago", "cancellation": "Cancelación"}


def _local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%d/%m/%Y %H:%M")


def _build(
    out: str | os.PathLike[str] | BinaryIO,
    title: str,
    business: str,
    generated_at: datetime,
    footer: str,
    story: list[Any],
) -> None:
    template = document(
        out,
        title=title,
        author=business,
        margin=MARGIN,
    )
    draw = page_footer(
        pdf_date(generated_at, ZONE),
        footer,
        page_width=PAGE_W,
        margin=MARGIN,
        right=lambda page: f"No es un comprobante fiscal (CFDI) · Página {page}",
    )
    template.build(story, onFirstPage=draw, onLaterPages=draw)


def _bytes(render: Callable[[BinaryIO], None]) -> bytes:
    buffer = io.BytesIO()
    render(buffer)
    return buffer.getvalue()


def _head(st: Styles, business: str, title: str, who: str, ref: str) -> Table:
    head = Table(
        [[p(business, st.title), p(title, st.doc_title)], [p(who, st.bold), p(ref, st.folio)]],
        colWidths=[WIDTH * 0.55, WIDTH * 0.45],
    )
    head.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return head


def _table(rows: list[list[Any]], widths: Sequence[float], total_row: bool) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    commands: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, 0), FILL),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if total_row:
        commands += [
            ("BACKGROUND", (0, -1), (-1, -1), FILL_ACCENT),
            ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
        ]
    table.setStyle(table_style(commands))
    return table


# -- statement -------------------------------------------------------------------------------
def render_statement_pdf(
    statement: ClientStatement,
    out: str | os.PathLike[str] | BinaryIO,
    *,
    business: str,
    generated_at: datetime,
) -> None:
    st = Styles()
    section = style("st_section", 9.5, bold=True, color=ACCENT, leading=12, space_after=3)
    story: list[Any] = [
        _head(st, business, "Estado de cuenta", statement.client_name,
              f"al {_local(statement.as_of)}"),
        Spacer(1, 2 * mm),
        p(f"RFC: {statement.client_rfc}" if statement.client_rfc else "", st.small),
        Spacer(1, 4 * mm),
        p(
            f"Cargos {money(statement.charged)} · Pagos {money(statement.paid)} · "
            f"Saldo {money(statement.balance)}",
            st.bold,
        ),
        Spacer(1, 5 * mm),
        p("MOVIMIENTOS", section),
        _movements(statement, st) if statement.entries else p("Sin movimientos.", st.small),
        Spacer(1, 5 * mm),
        p("RECIBOS CON SALDO", section),
        _owed(statement, st),
    ]  # fmt: skip
    if statement.unbilled:
        story += [
            Spacer(1, 5 * mm),
            p("SESIONES TERMINADAS SIN RECIBO", section),
            _unbilled(statement, st),
        ]
    _build(
        out,
        f"Estado de cuenta — {statement.client_name}",
        business,
        generated_at,
        f"{business} · Estado de cuenta · {statement.client_name}",
        story,
    )


def _right() -> tuple[Any, Any]:
    return (
        style("st_right", 8, align=TA_RIGHT),
        style("st_head_right", 7.5, bold=True, color=MUTED, align=TA_RIGHT),
    )


def _movements(statement: ClientStatement, st: Styles) -> Table:
    right, head_right = _right()
    rows: list[list[Any]] = [
        [p(h, st.head) for h in ("Fecha", "Movimiento", "Recibo", "Concepto")]
        + [p(h, head_right) for h in ("Cargo", "Abono", "Saldo")]
    ]
    for e in statement.entries:
        rows.append(
            [
                p(_local(e.at), st.cell),
                p(KIND.get(e.kind, e.kind), st.cell),
                p(e.folio, st.cell),
                p(e.description, st.cell),
                p(money_short(e.charge) if e.charge else "", right),
                p(money_short(e.payment) if e.payment else "", right),
                p(money_short(e.balance), right),
            ]
        )
    widths = [WIDTH * x for x in (0.17, 0.13, 0.11, 0.23, 0.12, 0.12, 0.12)]
    return _table(rows, widths, total_row=False)


def _owed(statement: ClientStatement, st: Styles) -> Table:
    right, head_right = _right()
    owed: list[list[Any]] = [
        [p(h, st.head) for h in ("Recibo", "Emitido", "Concepto")]
        + [p(h, head_right) for h in ("Total", "Pagado", "Saldo")]
    ]
    for r in statement.outstanding:
        concept = r.concept + (" (pago posterior acordado)" if r.later_payment_agreed else "")
        owed.append(
            [
                p(r.folio, st.cell),
                p(_local(r.issued_at), st.cell),
                p(concept, st.cell),
                p(money_short(r.total), right),
                p(money_short(r.paid), right),
                p(money_short(r.balance), right),
            ]
        )
    balance = p(money_short(statement.balance), right)
    owed.append([p("Saldo a la fecha", st.cell_bold), "", "", "", "", balance])
    table = _table(owed, [WIDTH * x for x in (0.13, 0.17, 0.34, 0.12, 0.12, 0.12)], True)
    table.setStyle(table_style([("SPAN", (0, -1), (4, -1))]))
    return table


def _unbilled(statement: ClientStatement, st: Styles) -> Table:
    right, head_right = _right()
    pending: list[list[Any]] = [
        [p(h, st.head) for h in ("Caso", "Terminó", "Pago")] + [p("Importe", head_right)]
    ]
    for u in statement.unbilled:
        pending.append(
            [
                p(u.case_label, st.cell),
                p(_local(u.ended_at), st.cell),
                p("Posterior acordado" if u.later_payment_agreed else "", st.cell),
                p(money_short(u.total) if u.total is not None else "Por cotizar", right),
            ]
        )
    return _table(pending, [WIDTH * x for x in (0.2, 0.3, 0.3, 0.2)], False)


def statement_pdf_bytes(
    statement: ClientStatement, *, business: str, generated_at: datetime
) -> bytes:
    return _bytes(
        lambda b: render_statement_pdf(statement, b, business=business, generated_at=generated_at)
    )


# -- repair quote ------------------------------------------------------------------------------
def render_repair_quote_pdf(
    repair: RepairView,
    out: str | os.PathLike[str] | BinaryIO,
    *,
    business: str,
    generated_at: datetime,
) -> None:
    st = Styles()
    right = style("rq_right", 8, align=TA_RIGHT)
    head_right = style("rq_head_right", 7.5, bold=True, color=MUTED, align=TA_RIGHT)
    bill = repair.quote
    rows: list[list[Any]] = [[p("Concepto", st.head), p("Importe (MXN)", head_right)]]
    for line in bill.lines:
        rows.append([p(line.description, st.cell), p(money_short(line.amount), right)])
    assert bill.base is not None and bill.iva is not None and bill.total is not None
    pct = f"{(bill.iva_rate * 100).normalize():f}"
    for label, value in (("Subtotal", bill.base), (f"IVA {pct} %", bill.iva)):
        rows.append([p(label, st.cell_bold), p(money_short(value), right)])
    rows.append([p("Total", st.cell_bold), p(money_short(bill.total), right)])
    info = [
        ("Caso", repair.case_label),
        ("Cotizada", _local(repair.quoted_at)),
        ("Estado", repair.status_label),
        ("Reparación", repair.description),
    ]
    if repair.support_receipt_folio:
        info.append(
            (
                "Abono",
                "Si acepta la reparación, su recibo abona el subtotal de la sesión de soporte "
                f"escalada (recibo {repair.support_receipt_folio}).",
            )
        )
    table = Table(
        [[p(k, st.label), p(v, st.body)] for k, v in info], colWidths=[WIDTH * 0.2, WIDTH * 0.8]
    )
    story: list[Any] = [
        _head(st, business, "Cotización de reparación", repair.client_name, f"R-{repair.id:06d}"),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 5 * mm),
        _table(rows, [WIDTH * 0.75, WIDTH * 0.25], True),
        Spacer(1, 3 * mm),
        p("Precios en pesos mexicanos; la mano de obra lleva el descuento de la póliza.", st.small),
    ]
    _build(
        out,
        f"Cotización de reparación R-{repair.id:06d}",
        business,
        generated_at,
        f"{business} · Cotización de reparación · {repair.client_name}",
        story,
    )


def repair_quote_pdf_bytes(repair: RepairView, *, business: str, generated_at: datetime) -> bytes:
    return _bytes(
        lambda b: render_repair_quote_pdf(repair, b, business=business, generated_at=generated_at)
    )
