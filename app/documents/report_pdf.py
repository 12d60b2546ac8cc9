"""The period report (issue 14) as a landscape letter PDF, with charts drawn by ReportLab's own
graphics (``reportlab.graphics.charts``), never screenshots.

Page one: the heading, the key figures, revenue per day/week/month as bars stacked by
modality, hours by band per bucket, and the split by advisor. Then the tables: by modality and
by band, receipts and payments, per advisor, top clients, cases by state, policies, and the
comparison with the previous period. Every session is in the CSV (one row each); the PDF
keeps to the figures.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from app.billing import ZERO
from app.documents.pdfkit import (
    ACCENT,
    FILL,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE,
    Styles,
    document,
    money_short,
    p,
    printable,
    style,
    table_style,
)
from app.documents.report_csv import percent
from app.documents.report_data import GroupTotal, PeriodReport
from app.documents.sheet import MARGIN, PAGE, WIDTH, grid, internal_footer, section
from app.kernel.enums import Band, Modality
from app.kernel.fmt import format_minutes

__all__ = ["MODALITY_COLORS", "render_report_pdf", "report_pdf_bytes"]

MODALITY_COLORS = {
    Modality.REMOTE: colors.HexColor("#0b5cad"),
    Modality.OFFICE: colors.HexColor("#2e9d5b"),
    Modality.ONSITE: colors.HexColor("#e08a1e"),
}
BAND_COLORS = {Band.BUSINESS: colors.HexColor("#0b5cad"), Band.OUTSIDE: colors.HexColor("#c62828")}


def render_report_pdf(report: PeriodReport, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the report's PDF to a path or a binary file object."""
    st = Styles()
    template = document(
        out,
        title=f"Reporte {report.label}",
        author=report.business.name,
        subject=f"Reporte del periodo {report.label} — {report.advisor_label}",
        pagesize=PAGE,
        margin=MARGIN,
    )
    decorate = _page(report)
    template.build(_story(report, st), onFirstPage=decorate, onLaterPages=decorate)


def report_pdf_bytes(report: PeriodReport) -> bytes:
    buffer = io.BytesIO()
    render_report_pdf(report, buffer)
    return buffer.getvalue()


def _page(report: PeriodReport) -> Callable[[Any, Any], None]:
    return internal_footer(
        report.generated_at, report.business.timezone,
        f"{report.business.name} · Reporte {report.label} · {report.advisor_label}",
    )  # fmt: skip


# -- tables -------------------------------------------------------------------------------------


def _side_by_side(blocks: Sequence[tuple[str, Flowable, float]]) -> Table:
    gap = 8 * mm
    cells = [[section(title), body] for title, body, _ in blocks]
    widths = [w + gap for _, _, w in blocks]
    t = Table([cells], colWidths=widths, hAlign="LEFT")
    t.setStyle(
        table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return t


def _header(report: PeriodReport, st: Styles) -> Table:
    title = style("rep_title", 13, bold=True, color=ACCENT, leading=16)
    sub = style("rep_sub", 9, color=MUTED, leading=11)
    left = [p(report.business.name, st.title), p(report.advisor_label, sub)]
    right = [p(f"Reporte del periodo {report.label}", title)]
    if report.previous_first is not None and report.previous_last is not None:
        right.append(
            p(
                f"Comparado con {report.previous_first:%d/%m/%Y}–{report.previous_last:%d/%m/%Y}",
                sub,
            )
        )
    t = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    t.setStyle(
        table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")])
    )
    return t


def _kpis(report: PeriodReport) -> Table:
    t = report.totals
    figures = [
        ("Sesiones", f"{t.sessions}"),
        ("Casos", f"{report.case_count}"),
        ("Horas cobrables", f"{t.billable_hours} h"),
        ("Subtotal (MXN)", money_short(t.subtotal)),
        ("IVA (MXN)", money_short(t.iva)),
        ("Total emitido (MXN)", money_short(t.total)),
        ("Cancelado (MXN)", money_short(report.cancelled_total)),
        ("Cobrado (MXN)", money_short(t.payments_received)),
        ("Por cobrar (MXN)", money_short(t.outstanding)),
    ]
    label = style("rep_kpi_l", 6.2, color=MUTED, align=TA_CENTER)
    big = max(len(v) for _, v in figures) > 10  # "$3,578,480.00" must fit its cell
    value = style("rep_kpi_v", 8 if big else 10, bold=True, align=TA_CENTER, leading=13)
    cells = [[p(name.upper(), label), Spacer(1, 1), p(v, value)] for name, v in figures]
    out = Table([cells], colWidths=[WIDTH / len(cells)] * len(cells))
    out.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), FILL),
                ("LINEAFTER", (0, 0), (-2, -1), 0.8, "white"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return out


# -- charts -------------------------------------------------------------------------------------


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose text defaults to the embedded font (ReportLab's default is Helvetica,
    which is not embedded)."""
    d = Drawing(width, height)
    d.initialFontName = FONT
    return d


def _axis_money(value: float) -> str:
    return f"${value:,.0f}"


def _money_label(value: float) -> str:
    return f"${value:,.2f}"


def _step(top: float) -> float:
    """A whole, round axis step (1, 2, 5, 10, 20, 50…) giving at most about five gridlines."""
    rough = max(1.0, top / 5)
    power = 10 ** math.floor(math.log10(rough))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= rough))


def _stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], colors.Color]],
    width: float,
    height: float,
    value_format: str | Callable[[float], str],
    *,
    whole: bool = False,
) -> Drawing:
    """Vertical bars stacked by series, with a legend and a title, all in the embedded font."""
    d = _drawing(width, height)
    d.add(String(0, height - 10, printable(title), fontName=FONT_BOLD, fontSize=8.5, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y = 42, 38
    chart.width, chart.height = width - 52, height - 78
    chart.data = [list(values) for _, values, _ in series] or [[0]]
    chart.categoryAxis.categoryNames = [printable(x) for x in labels] or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    many = len(labels) > 12
    chart.categoryAxis.labels.angle = 45 if many else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if many else "n"
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.valueMin = 0
    if whole:
        tops = [sum(values) for values in zip(*chart.data, strict=True)]
        chart.valueAxis.valueStep = _step(max(tops, default=0))
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.labelTextFormat = value_format
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.barSpacing = 1
    for i, (_, _, color) in enumerate(series):
        chart.bars[i].fillColor = color
        chart.bars[i].strokeColor = None
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 42, height - 20
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = FONT
    legend.fontSize = 6.5
    legend.dx = legend.dy = 6
    legend.deltax = 10
    legend.colorNamePairs = [(color, printable(name)) for name, _, color in series]
    d.add(legend)
    return d


def revenue_chart(report: PeriodReport, width: float, height: float) -> Drawing:
    """Charges before IVA per bucket, stacked by modality."""
    series = [
        (m.label, [float(b.amount_of(m)) for b in report.buckets], MODALITY_COLORS[m])
        for m in Modality
    ]
    what = {"día": "día", "semana": "semana", "mes": "mes"}.get(report.granularity, "periodo")
    return _stacked_bars(
        f"Ingresos por {what}, por modalidad (sin IVA, MXN)",
        [b.label for b in report.buckets],
        series,
        width,
        height,
        _axis_money,
    )


def hours_chart(report: PeriodReport, width: float, height: float) -> Drawing:
    """Billable hours per bucket, stacked by band."""
    series = [
        (
            "Horario laboral",
            [float(b.business_hours) for b in report.buckets],
            BAND_COLORS[Band.BUSINESS],
        ),
        (
            "Fuera de horario (emergencia)",
            [float(b.outside_hours) for b in report.buckets],
            BAND_COLORS[Band.OUTSIDE],
        ),
    ]
    return _stacked_bars(
        "Horas cobrables por banda",
        [b.label for b in report.buckets],
        series,
        width,
        height,
        "%.0f h",
        whole=True,
    )


def advisors_chart(groups: Sequence[GroupTotal], width: float, height: float) -> Drawing:
    """Each advisor's charges before IVA, one horizontal bar each."""
    d = _drawing(width, height)
    d.add(
        String(
            0,
            height - 10,
            printable("Ingresos por asesor (sin IVA, MXN)"),
            fontName=FONT_BOLD,
            fontSize=8.5,
            fillColor=INK,
        )
    )
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 16
    chart.width, chart.height = width - 150, height - 36
    chart.data = [[float(g.amount) for g in reversed(groups)] or [0]]
    chart.categoryAxis.categoryNames = [printable(g.name[:28]) for g in reversed(groups)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.labelTextFormat = _axis_money
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _money_label
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


# -- the story ----------------------------------------------------------------------------------


def _group_rows(groups: Sequence[GroupTotal]) -> list[list[str]]:
    return [
        [
            g.name,
            str(g.sessions),
            str(g.cases),
            format_minutes(g.worked_minutes),
            str(g.business_hours),
            str(g.outside_hours),
            money_short(g.amount),
        ]
        for g in groups
    ]


_GROUP_HEAD = ("", "Sesiones", "Casos", "Trabajado", "H. laborales", "H. fuera", "Importe")
_GROUP_W = (64 * mm, 16 * mm, 16 * mm, 26 * mm, 20 * mm, 17 * mm, 28 * mm)


def _money_table(report: PeriodReport) -> Table:
    t = report.totals
    rows = [
        ["Recibos emitidos", str(t.receipts_issued), money_short(t.total)],
        ["Recibos cancelados", str(t.receipts_cancelled), money_short(report.cancelled_total)],
        ["Subtotal", "", money_short(t.subtotal)],
        ["IVA", "", money_short(t.iva)],
        ["Total", "", money_short(t.total)],
        ["Pagos recibidos", "", money_short(t.payments_received)],
        ["Por cobrar de estos recibos", "", money_short(t.outstanding)],
        ["Saldo total por cobrar al cierre", "", money_short(t.balance_due)],
    ]
    return grid(("", "Cantidad", "Importe (MXN)"), rows, (52 * mm, 16 * mm, 26 * mm), right=(1, 2))


def _band_table(report: PeriodReport) -> Table:
    rows = [[b.label, f"{b.hours} h", money_short(b.amount)] for b in report.totals.by_band]
    total = [
        "Total",
        f"{report.totals.billable_hours} h",
        money_short(sum((b.amount for b in report.totals.by_band), ZERO)),
    ]
    return grid(
        ("Banda", "Horas", "Importe (MXN)"),
        rows,
        (34 * mm, 16 * mm, 26 * mm),
        right=(1, 2),
        total=total,
    )


def _cases_table(report: PeriodReport) -> Table:
    rows = [[c.label, str(c.count)] for c in report.cases]
    rows += [
        ["Minutos trabajados por caso (promedio)", format_minutes(report.average_case_minutes)],
        ["Control remoto rechazado", _pct(report.consent_declined_rate)],
    ]
    return grid(("Casos atendidos", str(report.case_count)), rows, (62 * mm, 22 * mm), right=(1,))


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{percent(value)} %"


def _policies_table(report: PeriodReport, st: Styles) -> Flowable:
    if not report.policies:
        return p("Ningún cliente con póliza tuvo sesiones en el periodo.", st.small)
    rows = [
        [
            x.client,
            x.label,
            money_short(x.fee),
            f"{x.covered_hours} h",
            money_short(x.covered_value),
            money_short(x.charged),
            f"{x.used_events} de {x.expected_events}",
            _pct(x.utilisation),
        ]
        for x in report.policies
    ]
    head = ("Cliente", "Póliza", "Cuota", "Cubierto", "Valor cubierto", "Cobrado", "Eventos", "Uso")
    widths = (70 * mm, 22 * mm, 24 * mm, 18 * mm, 26 * mm, 24 * mm, 22 * mm, 16 * mm)
    return grid(head, rows, widths, right=(2, 3, 4, 5, 6, 7))


def _comparison_table(report: PeriodReport, st: Styles) -> Flowable:
    if not report.comparison:
        return p("Sin periodo anterior para comparar.", st.small)
    rows = []
    for c in report.comparison:
        now, before = (
            (money_short(c.current), money_short(c.previous))
            if c.money
            else (str(int(c.current)), str(int(c.previous)))
        )
        change = c.change
        sign = "+" if change is not None and change > 0 else ""
        rows.append([c.label, now, before, "—" if change is None else f"{sign}{percent(change)} %"])
    return grid(
        ("", "Periodo", "Periodo anterior", "Cambio"),
        rows,
        (48 * mm, 26 * mm, 28 * mm, 20 * mm),
        right=(1, 2, 3),
    )


def _groups(title: str, groups: Sequence[GroupTotal]) -> KeepTogether:
    table = grid(_GROUP_HEAD, _group_rows(groups), _GROUP_W, right=range(1, 7))
    return KeepTogether([section(title), table])


def _story(report: PeriodReport, st: Styles) -> list[Flowable]:
    half = WIDTH / 2 - 4 * mm
    charts = Table(
        [[revenue_chart(report, half, 62 * mm), hours_chart(report, half, 62 * mm)]],
        colWidths=[WIDTH / 2, WIDTH / 2],
    )
    charts.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    bar_height = min(80 * mm, max(30 * mm, (14 + 9 * len(report.by_advisor)) * mm / 2.2))
    advisors = advisors_chart(report.by_advisor, 110 * mm, bar_height)

    def gap() -> Spacer:  # one instance per place: ReportLab keeps layout state on a flowable
        return Spacer(1, 5 * mm)

    return [
        _header(report, st),
        Spacer(1, 3 * mm),
        _kpis(report),
        Spacer(1, 4 * mm),
        charts,
        Spacer(1, 3 * mm),
        KeepTogether(
            _side_by_side(
                [
                    ("Por banda horaria", _band_table(report), 76 * mm),
                    ("Recibos y pagos", _money_table(report), 94 * mm),
                ]
            )
        ),
        gap(),
        _groups("Por modalidad", report.by_modality),
        gap(),
        KeepTogether(
            _side_by_side(
                [
                    ("Por asesor", advisors, 110 * mm),
                    ("Casos", _cases_table(report), 84 * mm),
                ]
            )
        ),
        gap(),
        _groups("Por asesor", report.by_advisor),
        gap(),
        _groups("Principales clientes", report.top_clients),
        gap(),
        KeepTogether([section("Pólizas"), _policies_table(report, st)]),
        gap(),
        KeepTogether(
            [section("Comparación con el periodo anterior"), _comparison_table(report, st)]
        ),
    ]
