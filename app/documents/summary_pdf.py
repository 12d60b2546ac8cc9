"""The end-of-day summary (corte del día, RULES §11) as a landscape letter PDF.

A table of the day's sessions, then totals by modality and by band, receipts issued and
cancelled with subtotal/IVA/total, payments received vs. outstanding, pending cases (opened
today and expiring within 2 days), escalations, remote-control consents and disconnections.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from app.billing import ZERO
from app.documents.data import DaySummary, PendingCase
from app.documents.pdfkit import (
    ACCENT,
    DANGER,
    FILL,
    FILL_ACCENT,
    FONT,
    FONT_BOLD,
    MUTED,
    Styles,
    document,
    escape,
    money_short,
    p,
    pm,
    printable,
    style,
    table_style,
)
from app.documents.sheet import CELL, MARGIN, PAGE, WIDTH, grid, internal_footer, section
from app.kernel.enums import Modality, ReceiptStatus
from app.kernel.fmt import format_datetime, format_long_day, format_minutes, format_time

__all__ = ["render_summary_pdf", "summary_pdf_bytes"]


# the sessions table is wide: short modality names there (the totals table has the full ones)
SHORT_MODALITY = {
    Modality.REMOTE: "A distancia",
    Modality.OFFICE: "En AppleUse",
    Modality.ONSITE: "A domicilio",
}


def render_summary_pdf(summary: DaySummary, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the day's summary PDF to a path or a binary file object."""
    st = Styles()
    day = summary.day.strftime("%d/%m/%Y")
    template = document(
        out,
        title=f"Corte del día {day}",
        author=summary.business.name,
        subject=f"Corte del día {day} — {summary.advisor_label}",
        pagesize=PAGE,
        margin=MARGIN,
    )
    decorate = _page(summary, day)
    template.build(_story(summary, st), onFirstPage=decorate, onLaterPages=decorate)


def summary_pdf_bytes(summary: DaySummary) -> bytes:
    buffer = io.BytesIO()
    render_summary_pdf(summary, buffer)
    return buffer.getvalue()


def _page(summary: DaySummary, day: str) -> Callable[[Any, Any], None]:
    return internal_footer(
        summary.generated_at, summary.business.timezone,
        f"{summary.business.name} · Corte del día {day} · {summary.advisor_label}",
    )  # fmt: skip


# -- building blocks ------------------------------------------------------------------------


def _empty(text: str, st: Styles) -> Paragraph:
    return p(text, st.small)


def _header(summary: DaySummary, st: Styles) -> Table:
    b = summary.business
    contact = " · ".join(
        x for x in (b.address, "Tel. " + " · ".join(b.phones) if b.phones else "") if x
    )
    left: list[Flowable] = [p(b.name, st.title), Spacer(1, 1 * mm), p(contact, st.small)]
    right: list[Flowable] = [
        p("CORTE DEL DÍA", st.doc_title),
        p(
            format_long_day(summary.day).capitalize(),
            style("sum_day", 12, bold=True, align=TA_RIGHT),
        ),
        p(f"Asesor: {summary.advisor_label}", st.right_small),
        p(
            f"Elaborado: {format_datetime(summary.generated_at, b.timezone)}",
            st.right_small,
        ),
    ]
    t = Table([[left, right]], colWidths=[WIDTH - 80 * mm, 80 * mm])
    t.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _rule() -> Table:
    t = Table([[""]], colWidths=[WIDTH], rowHeights=[1.2])
    t.setStyle(table_style([("BACKGROUND", (0, 0), (-1, -1), ACCENT)]))
    return t


def _kpis(summary: DaySummary, st: Styles) -> Table:
    issued, cancelled = len(summary.receipts_issued), len(summary.receipts_cancelled)
    figures = [
        ("Sesiones", f"{len(summary.sessions)}"),
        ("Tiempo trabajado", format_minutes(summary.worked_minutes)),
        ("Horas cobrables", f"{summary.billable_hours} h"),
        ("Recibos / cancelados", f"{issued} / {cancelled}"),
        ("Total con IVA (MXN)", money_short(summary.total)),
        ("Pagos recibidos (MXN)", money_short(summary.payments_received)),
        ("Por cobrar (MXN)", money_short(summary.outstanding)),
    ]
    label = style("kpi_l", 6.8, color=MUTED, align=TA_CENTER)
    value = style("kpi_v", 10.5, bold=True, align=TA_CENTER, leading=13)
    cells = [[p(name.upper(), label), Spacer(1, 1), p(v, value)] for name, v in figures]
    n = len(cells)
    t = Table([cells], colWidths=[WIDTH / n] * n)
    t.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), FILL),
                ("LINEAFTER", (0, 0), (-2, -1), 0.8, "white"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return t


def _sessions(summary: DaySummary, st: Styles) -> Flowable:
    tz = summary.business.timezone
    cell = style("sum_cell", CELL, leading=CELL * 1.2)
    show_advisor = summary.advisor is None
    head = ["#", "Horario", "Cliente", "Caso"]
    if show_advisor:
        head.append("Asesor")
    head += ["Modalidad", "Trabajado", "Horas", "Resultado", "Folio", "Importe (MXN)"]
    rows: list[list[object]] = []
    for i, s in enumerate(sorted(summary.sessions, key=lambda x: x.start), start=1):
        row: list[object] = [
            str(i),
            f"{format_time(s.start, tz)}–{format_time(s.end, tz)}",
            Paragraph(escape(printable(s.client)), cell),
            s.case_number or "—",
        ]
        if show_advisor:
            row.append(Paragraph(escape(printable(s.advisor or "—")), cell))
        row += [
            SHORT_MODALITY[s.modality],
            format_minutes(s.worked_minutes),
            str(s.billable_hours),
            Paragraph(escape(printable(s.outcome)), cell),
            s.folio or "—",
            money_short(s.amount) if s.amount is not None else "Por cotizar",
        ]
        rows.append(row)
    if not rows:
        return _empty("Sin sesiones en el día.", st)
    advisor_w = [38 * mm] if show_advisor else []
    before = [6 * mm, 18 * mm]  # #, horario | cliente (flexible)
    middle = [16 * mm, *advisor_w, 19 * mm, 16 * mm, 10 * mm]  # caso … horas
    after = [16 * mm, 20 * mm]  # resultado (flexible) | folio, importe
    flexible = WIDTH - sum(before) - sum(middle) - sum(after)
    widths = [*before, flexible * 0.42, *middle, flexible * 0.58, *after]
    n = len(head)
    total: list[object] = ["", "", f"{len(rows)} sesiones", ""]
    if show_advisor:
        total.append("")
    total += [
        "",
        format_minutes(summary.worked_minutes),
        str(summary.billable_hours),
        "",
        "Sin IVA",
        money_short(summary.sessions_amount),
    ]
    return grid(head, rows, widths, right=(0, n - 5, n - 4, n - 1), total=total)


def _by_modality(summary: DaySummary) -> Table:
    rows = [
        [
            m.modality.label,
            str(m.sessions),
            format_minutes(m.worked_minutes),
            str(m.billable_hours),
            money_short(m.amount),
        ]
        for m in summary.by_modality
    ]
    total = [
        "Total",
        str(len(summary.sessions)),
        format_minutes(summary.worked_minutes),
        str(summary.billable_hours),
        money_short(summary.sessions_amount),
    ]
    head = ["Modalidad", "Sesiones", "Trabajado", "Horas", "Importe (MXN)"]
    widths = [36 * mm, 15 * mm, 23 * mm, 12 * mm, 22 * mm]
    return grid(head, rows, widths, right=(1, 2, 3, 4), total=total)


def _by_band(summary: DaySummary) -> Table:
    rows = [[b.label, str(b.hours), money_short(b.amount)] for b in summary.by_band]
    total = [
        "Total",
        str(sum(b.hours for b in summary.by_band)),
        money_short(sum((b.amount for b in summary.by_band), ZERO)),
    ]
    head = ["Banda", "Horas", "Importe (MXN)"]
    return grid(head, rows, [30 * mm, 12 * mm, 22 * mm], right=(1, 2), total=total)


def _money(summary: DaySummary) -> Table:
    cancelled = summary.receipts_cancelled
    cancelled_sum = sum((r.total for r in cancelled), ZERO)
    rows: list[list[object]] = [
        [f"Recibos emitidos ({len(summary.receipts_issued)})", ""],
        ["Subtotal", money_short(summary.subtotal)],
        ["IVA", money_short(summary.iva)],
        ["Total", money_short(summary.total)],
        [f"Recibos cancelados ({len(cancelled)})", money_short(cancelled_sum)],
        ["Pagos recibidos", money_short(summary.payments_received)],
        ["Por cobrar", money_short(summary.outstanding)],
        ["Saldo total por cobrar", money_short(summary.balance_due)],
    ]
    t = grid(["Concepto", "Importe (MXN)"], rows, [38 * mm, 24 * mm], right=(1,))
    t.setStyle(
        table_style(
            [
                ("FONTNAME", (0, 4), (-1, 4), FONT_BOLD),
                ("FONTNAME", (0, 1), (0, 1), FONT),
                ("BACKGROUND", (0, 4), (-1, 4), FILL_ACCENT),
                ("FONTNAME", (0, 6), (-1, 6), FONT_BOLD),
                ("FONTNAME", (0, 7), (-1, 7), FONT_BOLD),
                ("FONTSIZE", (0, 1), (-1, -1), CELL),
            ]
        )
    )
    return t


def _side_by_side(blocks: Sequence[tuple[str, Flowable, float]], gap: float = 10 * mm) -> Table:
    """Blocks in one row, each ``width`` wide plus a gap; the last takes what is left."""
    cells = [[section(title), block] for title, block, _ in blocks]
    widths = [w + gap for _, _, w in blocks]
    widths[-1] = WIDTH - sum(widths[:-1])
    t = Table([cells], colWidths=widths)
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


def _receipts(summary: DaySummary, st: Styles) -> Flowable:
    if not summary.receipts:
        return _empty("No se emitieron ni cancelaron recibos.", st)
    tz = summary.business.timezone
    cell = style("rc_cell", CELL, leading=CELL * 1.2)
    cell_cancelled = style("rc_cell_x", CELL, leading=CELL * 1.2, color=DANGER)
    rows: list[list[object]] = []
    extra: list[Any] = []
    for i, r in enumerate(sorted(summary.receipts, key=lambda x: x.folio), start=1):
        cancelled = r.status is ReceiptStatus.CANCELLED
        state = f"CANCELADO: {r.cancel_reason}" if cancelled else r.payment_label
        para = cell_cancelled if cancelled else cell
        if cancelled:
            extra.append(("TEXTCOLOR", (0, i), (-1, i), DANGER))
        rows.append(
            [
                r.folio,
                format_time(r.issued_at, tz),
                Paragraph(escape(printable(r.client)), para),
                Paragraph(escape(printable(r.advisor or "—")), para),
                money_short(r.base),
                money_short(r.iva),
                money_short(r.total),
                Paragraph(escape(printable(state)), para),
            ]
        )
    total = [
        "Emitidos",
        "",
        f"{len(summary.receipts_issued)} recibos",
        "",
        money_short(summary.subtotal),
        money_short(summary.iva),
        money_short(summary.total),
        f"Cancelados: {len(summary.receipts_cancelled)}",
    ]
    fixed = 20 * mm + 13 * mm + 40 * mm + 3 * 22 * mm
    flexible = WIDTH - fixed
    widths = [
        20 * mm,
        13 * mm,
        flexible * 0.55,
        40 * mm,
        22 * mm,
        22 * mm,
        22 * mm,
        flexible * 0.45,
    ]
    head = ["Folio", "Hora", "Cliente", "Asesor", "Subtotal", "IVA", "Total", "Estado"]
    return grid(head, rows, widths, right=(4, 5, 6), total=total, extra=extra)


def _pending(cases: Sequence[PendingCase], summary: DaySummary, st: Styles, empty: str) -> Flowable:
    if not cases:
        return _empty(empty, st)
    tz = summary.business.timezone
    rows = [
        [
            c.case_number,
            printable(c.client),
            printable(c.advisor or "—"),
            format_datetime(c.pending_since, tz),
            format_datetime(c.deadline, tz, weekday=True),
        ]
        for c in sorted(cases, key=lambda x: x.deadline)
    ]
    head = ["Caso", "Cliente", "Asesor", "Pendiente desde", "Seguimiento sin costo hasta"]
    widths = [20 * mm, (WIDTH - 120 * mm) * 0.6, (WIDTH - 120 * mm) * 0.4, 40 * mm, 60 * mm]
    return grid(head, rows, widths)


def _escalations(summary: DaySummary, st: Styles) -> Flowable:
    if not summary.escalations:
        return _empty("Sin casos escalados.", st)
    tz = summary.business.timezone
    cell = style("esc_cell", CELL, leading=CELL * 1.2)
    rows = [
        [
            e.case_number,
            format_time(e.at, tz),
            printable(e.client),
            printable(e.advisor or "—"),
            Paragraph(escape(printable(e.note or "—")), cell),
        ]
        for e in sorted(summary.escalations, key=lambda x: x.at)
    ]
    rest = WIDTH - 20 * mm - 13 * mm
    head = ["Caso", "Hora", "Cliente", "Asesor", "Motivo"]
    return grid(head, rows, [20 * mm, 13 * mm, rest * 0.3, rest * 0.22, rest * 0.48])


def _consents(summary: DaySummary, st: Styles) -> list[Flowable]:
    line = pm(
        f"<b>Aceptadas:</b> {summary.consents_accepted} · "
        f"<b>Rechazadas:</b> {summary.consents_declined} · "
        f"<b>Sin respuesta:</b> "
        f"{len(summary.consents) - summary.consents_accepted - summary.consents_declined}",
        st.body,
    )
    if not summary.consents:
        return [_empty("No se solicitó control remoto.", st)]
    tz = summary.business.timezone
    rows = [
        [c.case_number, format_time(c.requested_at, tz), printable(c.client), c.answer_label]
        for c in sorted(summary.consents, key=lambda x: x.requested_at)
    ]
    widths = [20 * mm, 16 * mm, 70 * mm, 24 * mm]
    return [
        line,
        Spacer(1, 2 * mm),
        grid(["Caso", "Solicitud", "Cliente", "Respuesta"], rows, widths),
    ]


def _disconnections(summary: DaySummary, st: Styles) -> Flowable:
    if not summary.disconnections:
        return _empty("Sin desconexiones.", st)
    tz = summary.business.timezone
    rows = []
    for d in sorted(summary.disconnections, key=lambda x: x.start):
        minutes = d.minutes
        rows.append(
            [
                d.case_number,
                printable(d.client),
                format_time(d.start, tz),
                format_time(d.end, tz) if d.end else "sin reconexión",
                f"{minutes} min" if minutes is not None else "—",
            ]
        )
    head = ["Caso", "Cliente", "Desconexión", "Reconexión", "Duración"]
    return grid(head, rows, [20 * mm, 70 * mm, 20 * mm, 22 * mm, 16 * mm], right=(4,))


def _story(summary: DaySummary, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        _header(summary, st),
        Spacer(1, 2.5 * mm),
        _rule(),
        Spacer(1, 3 * mm),
        _kpis(summary, st),
        Spacer(1, 5 * mm),
        _side_by_side(
            [
                ("Por modalidad", _by_modality(summary), 108 * mm),
                ("Por banda horaria", _by_band(summary), 64 * mm),
                ("Recibos y pagos", _money(summary), 62 * mm),
            ]
        ),
        Spacer(1, 6 * mm),
        section("Sesiones"),
        _sessions(summary, st),
        Spacer(1, 6 * mm),
        section("Recibos emitidos y cancelados"),
        _receipts(summary, st),
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                section("Casos pendientes abiertos hoy"),
                _pending(summary.pending_opened, summary, st, "Ningún caso quedó pendiente."),
            ]
        ),
        Spacer(1, 5 * mm),
        KeepTogether(
            [
                section("Pendientes cuyo seguimiento sin costo vence en 2 días"),
                _pending(summary.pending_expiring, summary, st, "Ningún pendiente vence pronto."),
            ]
        ),
        Spacer(1, 5 * mm),
        KeepTogether([section("Casos escalados"), _escalations(summary, st)]),
        Spacer(1, 5 * mm),
        section("Control remoto"),
        *_consents(summary, st),
        Spacer(1, 5 * mm),
        section("Desconexiones"),
        _disconnections(summary, st),
    ]
    return story
