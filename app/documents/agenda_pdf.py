"""The agenda of a day or a week as a PDF (landscape letter, one table per day), from the plain
list of :mod:`app.documents.agenda_list`."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from app.documents.agenda_list import AgendaList, AgendaRow
from app.documents.pdfkit import (
    FILL,
    RULE,
    Styles,
    document,
    money_short,
    p,
    page_footer,
    pdf_date,
    table_style,
)
from app.kernel.fmt import LOCAL_ZONE, format_long_day, to_local


def _table(rows: Sequence[AgendaRow], st: Styles, width: float) -> Table:
    head = ["Hora", "Asesor", "Cliente", "Modalidad / lugar", "Motivo", "Estado", "Estimado"]
    data: list[list[object]] = [[p(h, st.head) for h in head]]
    for r in rows:
        when = f"{to_local(r.start):%H:%M}–{to_local(r.end):%H:%M}"
        cancelled = f"Cancelada: {r.cancel_reason}" if r.cancelled and r.cancel_reason else ""
        what = " · ".join(x for x in (r.purpose, r.case, r.reason, cancelled) if x)
        state = f"{r.state} · {r.marks}" if r.marks else r.state
        estimate = money_short(r.estimate) if r.estimate is not None else "cotizar"
        if r.cancelled:
            estimate = "—"
        data.append(
            [
                p(when, st.cell_bold), p(r.advisor, st.cell), p(r.client, st.cell),
                p(r.modality if r.place in ("", r.modality) else f"{r.modality}: {r.place}",
                  st.cell),
                p(what, st.cell),
                p(state, st.cell), p(estimate, st.cell_right),
            ]
        )  # fmt: skip
    fractions = (0.10, 0.14, 0.17, 0.18, 0.20, 0.12, 0.09)
    table = Table(data, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def agenda_pdf_bytes(agenda: AgendaList) -> bytes:
    st = Styles()
    buffer = io.BytesIO()
    size = landscape(letter)
    margin = 14 * mm
    doc = document(buffer, title=agenda.title, author=agenda.business, pagesize=size, margin=margin)
    width = size[0] - 2 * margin
    story: list[Flowable] = [p(agenda.title, st.title), Spacer(1, 4 * mm)]
    if not agenda.rows:
        story.append(p("Sin citas.", st.body))
    days: dict[object, list[AgendaRow]] = {}
    for r in agenda.rows:
        days.setdefault(to_local(r.start).date(), []).append(r)
    for day, rows in days.items():
        story += [p(format_long_day(day).capitalize(), st.section), Spacer(1, 1.5 * mm)]  # type: ignore[arg-type]
        story += [_table(rows, st, width), Spacer(1, 4 * mm)]
    stamp = pdf_date(agenda.made_at, LOCAL_ZONE)
    note = "Importes estimados con IVA (MXN); «cotizar»: requiere cotización"
    footer = page_footer(stamp, agenda.business, page_width=size[0], margin=margin, center=note)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
