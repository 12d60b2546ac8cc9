"""The printed receipt (recibo) as a letter-size PDF, with ReportLab platypus (RULES §10).

``render_receipt(doc, "A-000042.pdf")`` or ``render_receipt(doc, buffer)``. Everything on the
page is Spanish (es-MX), times are 24 h in the business's zone, money ``$1,234.50 MXN``.
A cancelled receipt keeps its folio and prints with a large "CANCELADO" mark and the reason.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.billing import money_str
from app.billing.repair import hours_text
from app.documents.data import ReceiptDocument, ReceiptLine
from app.documents.pdfkit import (
    ACCENT,
    DANGER,
    DANGER_FILL,
    FILL,
    FILL_ACCENT,
    FONT,
    FONT_BOLD,
    MUTED,
    RULE,
    Styles,
    document,
    escape,
    money,
    money_short,
    p,
    pdf_date,
    pm,
    printable,
    style,
    table_style,
)
from app.documents.words import amount_in_words
from app.kernel.fmt import format_datetime, format_duration, format_time, to_local

__all__ = ["CFDI_LEGEND", "qr_payload", "receipt_pdf_bytes", "render_receipt"]

CFDI_LEGEND = "Este documento no es un comprobante fiscal digital (CFDI)."
MARGIN = 16 * mm
PAGE_W, PAGE_H = letter
WIDTH = PAGE_W - 2 * MARGIN - 12  # the frame keeps 6 pt of padding on each side
QR_SIZE = 30 * mm
TOTALS_W = 118 * mm  # labels 64 mm, amounts 54 mm


def qr_payload(doc: ReceiptDocument) -> str:
    """What the QR code holds: business, folio, issue date, total (and the cancellation)."""
    parts = [
        doc.business.name,
        f"Recibo {doc.folio}",
        f"Fecha {format_datetime(doc.issued_at, doc.business.timezone)}",
        f"Total {money_str(doc.money.total)} MXN",
    ]
    if doc.is_cancelled:
        parts.append("CANCELADO")
    return "\n".join(parts)


def render_receipt(doc: ReceiptDocument, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the receipt PDF to a path or a binary file object."""
    st = Styles()
    template = document(
        out,
        title=f"Recibo {doc.folio}",
        author=doc.business.name,
        subject=f"Recibo {doc.folio} — {doc.client_name}",
        margin=MARGIN,
        footer_space=10 * mm,
    )
    template.build(
        _story(doc, st),
        onFirstPage=_page(doc, st),
        onLaterPages=_page(doc, st),
    )


def receipt_pdf_bytes(doc: ReceiptDocument) -> bytes:
    """The receipt PDF in memory (print preview, "Guardar como…")."""
    buffer = io.BytesIO()
    render_receipt(doc, buffer)
    return buffer.getvalue()


# -- page decoration ------------------------------------------------------------------------


def _page(doc: ReceiptDocument, st: Styles):  # type: ignore[no-untyped-def]
    stamp = pdf_date(doc.issued_at, doc.business.timezone)

    def draw(canvas: Canvas, template: SimpleDocTemplate) -> None:
        canvas.setDateFormatter(stamp)
        canvas.saveState()
        if doc.is_cancelled:
            canvas.setFillColor(DANGER)
            canvas.setFillAlpha(0.16)
            canvas.setStrokeColor(DANGER)
            canvas.setStrokeAlpha(0.16)
            canvas.translate(PAGE_W / 2, PAGE_H / 2 - 15 * mm)
            canvas.rotate(35)
            size = 74
            half = canvas.stringWidth("CANCELADO", FONT_BOLD, size) / 2 + 22
            canvas.setFont(FONT_BOLD, size)
            canvas.drawCentredString(0, -size * 0.36, "CANCELADO")
            canvas.setLineWidth(5)
            canvas.roundRect(-half, -size * 0.7, 2 * half, size * 1.4, 14, stroke=1, fill=0)
            canvas.restoreState()
            canvas.saveState()
        y = MARGIN - 2 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN + 6, y + 9 * mm, PAGE_W - MARGIN - 6, y + 9 * mm)
        canvas.setFont(FONT_BOLD, 8)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(PAGE_W / 2, y + 4.5 * mm, CFDI_LEGEND)
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN + 6, y, printable(f"{doc.business.name} · Recibo {doc.folio}"))
        canvas.drawRightString(PAGE_W - MARGIN - 6, y, f"Página {canvas.getPageNumber()}")
        canvas.restoreState()

    return draw


# -- story ----------------------------------------------------------------------------------


def _story(doc: ReceiptDocument, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [_header(doc, st), Spacer(1, 3 * mm), _rule()]
    if doc.is_cancelled:
        story += [Spacer(1, 3 * mm), _cancel_box(doc, st)]
    story += [Spacer(1, 4 * mm), _info_grid(doc, st), Spacer(1, 4 * mm)]
    if doc.is_repair:
        story += [_section("Reparación", st), _repair_grid(doc, st)]
    else:
        story += [_section("Sesión", st), _session_grid(doc, st)]
    if doc.shows_remote_control:
        story += [
            Spacer(1, 4 * mm),
            KeepTogether([_section("Control remoto y desconexiones", st), *_remote(doc, st)]),
        ]
    story += [
        Spacer(1, 5 * mm),
        _lines_table(doc, st),
        Spacer(1, 3 * mm),
        KeepTogether([_totals_block(doc, st), Spacer(1, 3 * mm), _words(doc, st)]),
    ]
    if doc.notes:
        story += [Spacer(1, 4 * mm), _section("Notas", st)]
        story += [p(f"• {note}", st.body) for note in doc.notes]
    return story


def _rule() -> Table:
    t = Table([[""]], colWidths=[WIDTH], rowHeights=[1.2])
    t.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), ACCENT)]))
    return t


def _section(title: str, st: Styles) -> Paragraph:
    s = style("section_sp", 9.5, bold=True, color=ACCENT, leading=12, space_after=3)
    return p(title.upper(), s)


def _header(doc: ReceiptDocument, st: Styles) -> Table:
    b = doc.business
    contact = []
    if b.address:
        contact.append(p(b.address, st.small))
    if b.phones:
        contact.append(p("Tel. " + " · ".join(b.phones), st.small))
    web = " · ".join(x for x in (b.email, b.website) if x)
    if web:
        contact.append(p(web, st.small))
    left: list[Flowable] = [p(b.name, st.title), Spacer(1, 1.5 * mm), *contact]
    right: list[Flowable] = [
        p("RECIBO DE REPARACIÓN" if doc.is_repair else "RECIBO", st.doc_title),
        Spacer(1, 1 * mm),
        pm(f"Folio <font color='#0b5cad'>{escape(doc.folio)}</font>", st.folio),
        Spacer(1, 1 * mm),
        p(f"Emitido: {format_datetime(doc.issued_at, b.timezone, weekday=True)}", st.right_small),
        p("Moneda: MXN (pesos mexicanos)", st.right_small),
    ]
    if doc.is_cancelled:
        right.append(p("CANCELADO", style("state", 9, bold=True, color=DANGER, align=TA_RIGHT)))
    cells: list[object] = [left, right]
    widths = [WIDTH - 72 * mm, 72 * mm]
    if b.logo_path is not None:
        logo = Image(str(b.logo_path))
        scale = min(20 * mm / logo.imageWidth, 20 * mm / logo.imageHeight)
        logo.drawWidth, logo.drawHeight = logo.imageWidth * scale, logo.imageHeight * scale
        cells = [logo, *cells]
        widths = [24 * mm, WIDTH - 96 * mm, 72 * mm]
    t = Table([cells], colWidths=widths)
    t.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _cancel_box(doc: ReceiptDocument, st: Styles) -> Table:
    when = (
        f" el {format_datetime(doc.cancelled_at, doc.business.timezone)}"
        if doc.cancelled_at
        else ""
    )
    body = [
        p(f"CANCELADO{when}", st.danger),
        p(f"Motivo: {doc.cancel_reason}", st.danger_body),
        p("Este recibo no ampara ningún cobro. El folio se conserva.", st.danger_body),
    ]
    t = Table([[body]], colWidths=[WIDTH])
    t.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, DANGER),
                ("BACKGROUND", (0, 0), (-1, -1), DANGER_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return t


def _kv_table(rows: list[tuple[str, str, str, str]], st: Styles) -> Table:
    """Two columns of label/value pairs; an empty right label spans the value across."""
    data: list[list[object]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for i, (l1, v1, l2, v2) in enumerate(rows):
        if l2 == "" and v2 == "":
            data.append([p(l1, st.label), p(v1, st.body), "", ""])
            spans.append(("SPAN", (1, i), (3, i)))
        else:
            data.append([p(l1, st.label), p(v1, st.body), p(l2, st.label), p(v2, st.body)])
    label_w = 27 * mm
    value_w = WIDTH / 2 - label_w
    t = Table(data, colWidths=[label_w, value_w, label_w, value_w])
    t.setStyle(
        table_style(
            [
                *spans,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                # labels are smaller than values: lower them onto the values' baseline
                ("TOPPADDING", (0, 0), (0, -1), 3.4),
                ("TOPPADDING", (2, 0), (2, -1), 3.4),
            ]
        )
    )
    return t


def _info_grid(doc: ReceiptDocument, st: Styles) -> Table:
    tz = doc.business.timezone
    modality = doc.modality.label
    if doc.channel:
        modality += f" — {doc.channel}"
    if doc.city:
        modality += f" ({doc.city})"
    case = doc.case_number
    if doc.case_opened_at:
        case += f", abierto {format_datetime(doc.case_opened_at, tz)}"
    rows = [
        ("Cliente", doc.client_name, "Asesor", doc.advisor),
        ("RFC", doc.client_rfc or "—", "Modalidad", modality),
        ("Equipo", doc.device or "—", "Caso", case),
    ]
    return _kv_table(rows, st)


def _hours_text(doc: ReceiptDocument) -> str:
    """``2 h en horario laboral`` or ``2 h (1 laboral, 1 fuera de horario)``."""
    b, o = doc.business_hours, doc.outside_hours
    if b and o:
        return f"{b + o} h ({b} laboral, {o} fuera de horario)"
    if o:
        return f"{o} h fuera de horario"
    return f"{b} h en horario laboral"


def _session_grid(doc: ReceiptDocument, st: Styles) -> Table:
    tz = doc.business.timezone
    start = format_datetime(doc.session_start, tz, weekday=True)
    same_day = to_local(doc.session_start, tz).date() == to_local(doc.session_end, tz).date()
    end = format_time(doc.session_end, tz) if same_day else format_datetime(doc.session_end, tz)
    minutes = int(doc.worked.total_seconds() // 60)
    rows = [
        ("Inicio", start, "Fin", end),
        ("Tiempo trabajado", f"{format_duration(doc.worked)} ({minutes} min)",
         "Horas cobrables", _hours_text(doc)),
        ("Resultado", doc.outcome, "", ""),
    ]  # fmt: skip
    if doc.pending_until is not None:
        deadline = format_datetime(doc.pending_until, tz, weekday=True)
        rows.append(("Seguimiento", f"Sin costo hasta el {deadline}", "", ""))
    rows.append(("Estado de pago", doc.payment_status, "", ""))
    return _kv_table(rows, st)


def _repair_grid(doc: ReceiptDocument, st: Styles) -> Table:
    """A repair's receipt: what was repaired, when it was quoted and accepted, the payment."""
    tz = doc.business.timezone
    rows = [
        ("Reparación", doc.outcome, "", ""),
        ("Cotizada", format_datetime(doc.session_start, tz, weekday=True),
         "Aceptada", format_datetime(doc.session_end, tz)),
        ("Estado de pago", doc.payment_status, "", ""),
    ]  # fmt: skip
    return _kv_table(rows, st)


def _remote(doc: ReceiptDocument, st: Styles) -> list[Flowable]:
    tz = doc.business.timezone
    out: list[Flowable] = []
    if doc.consents:
        head = ["SOLICITUD", "RESPUESTA", "RESPONDIÓ", "FIN DEL CONTROL", "EQUIPO"]
        data: list[list[object]] = [[p(h, st.head) for h in head]]
        for c in doc.consents:
            data.append(
                [
                    p(format_datetime(c.requested_at, tz), st.cell),
                    p(c.answer_label, st.cell_bold),
                    p(format_time(c.answered_at, tz) if c.answered_at else "—", st.cell),
                    p(format_time(c.ended_at, tz) if c.ended_at else "—", st.cell),
                    p(c.device or doc.device or "—", st.cell),
                ]
            )
        t = Table(data, colWidths=[34 * mm, 24 * mm, 24 * mm, 30 * mm, WIDTH - 112 * mm])
        t.setStyle(_grid_style())
        out += [t, Spacer(1, 1.5 * mm)]
        out.append(
            p(
                "El control remoto se inicia solo con la autorización del cliente, quien "
                "reconoce que el respaldo de su información es su responsabilidad.",
                st.small,
            )
        )
    else:
        out.append(p("No se solicitó control remoto en esta sesión.", st.body))
    out.append(Spacer(1, 2 * mm))
    if doc.disconnections:
        items = []
        for d in doc.disconnections:
            if d.end is not None and d.duration is not None:
                mins = int(d.duration.total_seconds() // 60)
                items.append(f"{format_time(d.start, tz)} – {format_time(d.end, tz)} ({mins} min)")
            else:
                items.append(f"{format_time(d.start, tz)} – sin reconexión")
        n = len(items)
        label = "Desconexión" if n == 1 else f"Desconexiones ({n})"
        out.append(
            pm(
                f"<b>{label}:</b> {escape('; '.join(items))}. El tiempo desconectado no se cobra.",
                st.body,
            )
        )
    else:
        out.append(p("Sin desconexiones.", st.body))
    return out


def _grid_style() -> TableStyle:
    return table_style(
        [
            ("BACKGROUND", (0, 0), (-1, 0), FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )


def _line_cells(line: ReceiptLine, st: Styles) -> list[object]:
    hours = hours_text(line.hours) if line.hours is not None else "—"
    rate = money_short(line.rate) if line.rate else "—"
    return [
        p(line.description, st.cell),
        p(hours, st.cell_right),
        p(rate, st.cell_right),
        p(money_short(line.amount), st.cell_right),
    ]


def _lines_table(doc: ReceiptDocument, st: Styles) -> Table:
    head = [
        p("CONCEPTO", st.head),
        p("HORAS", st.head_right),
        p("TARIFA (MXN)", st.head_right),
        p("IMPORTE (MXN)", st.head_right),
    ]
    data: list[list[object]] = [head]
    data += [_line_cells(line, st) for line in doc.money.charge_lines]
    if len(data) == 1:
        data.append([p("Sin conceptos", st.cell), "", "", ""])
    t = Table(data, colWidths=[WIDTH - 84 * mm, 20 * mm, 30 * mm, 34 * mm], repeatRows=1)
    t.setStyle(_grid_style())
    return t


def _qr(doc: ReceiptDocument) -> QrCode:
    return QrCode(qr_payload(doc), width=QR_SIZE, height=QR_SIZE, qrLevel="M", qrBorder=0)


def _totals_block(doc: ReceiptDocument, st: Styles) -> Table:
    m = doc.money
    right = style("tot_r", 9, align=TA_RIGHT)
    left = style("tot_l", 9)
    rows: list[list[object]] = [[p("Subtotal", left), p(money(m.subtotal), right)]]
    for line in m.discount_lines:
        rows.append([p(line.description, left), p(money(line.amount), right)])
    for line in m.credit_lines:
        rows.append([p(line.description, left), p(money(line.amount), right)])
    if m.discount or m.credits:
        rows.append([p("Base gravable", left), p(money(m.base), right)])
    rows.append([p(f"IVA {m.iva_percent} %", left), p(money(m.iva), right)])
    big_l = style("tot_big_l", 11.5, bold=True, leading=14)
    big_r = style("tot_big_r", 11.5, bold=True, leading=14, align=TA_RIGHT)
    rows.append([p("TOTAL", big_l), p(money(m.total), big_r)])
    # the amount column holds "$99,999,999.99 MXN" (the largest amount allowed) on one line
    totals = Table(rows, colWidths=[64 * mm, TOTALS_W - 64 * mm])
    n = len(rows)
    totals.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LINEBELOW", (0, 0), (-1, n - 2), 0.4, RULE),
                ("BACKGROUND", (0, n - 1), (-1, n - 1), FILL_ACCENT),
                ("LINEABOVE", (0, n - 1), (-1, n - 1), 1, ACCENT),
                ("TOPPADDING", (0, n - 1), (-1, n - 1), 5),
                ("BOTTOMPADDING", (0, n - 1), (-1, n - 1), 5),
            ]
        )
    )
    qr_caption = p("Folio y total verificables con este código.", st.small)
    qr_cell = [_qr(doc), Spacer(1, 2 * mm), qr_caption]
    t = Table([[qr_cell, "", totals]], colWidths=[40 * mm, WIDTH - 40 * mm - TOTALS_W, TOTALS_W])
    t.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _words(doc: ReceiptDocument, st: Styles) -> Table:
    text = f"({amount_in_words(doc.money.total)})"
    t = Table(
        [[p("Importe con letra", st.label), p(text, st.bold)]], colWidths=[30 * mm, WIDTH - 30 * mm]
    )
    t.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return t
