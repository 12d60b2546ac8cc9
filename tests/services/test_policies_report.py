"""The "Reporte de estado de póliza" PDF, from a real review."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.documents.policy_report import policy_report_bytes, render_policy_report
from app.kernel.enums import PolicyBenefit
from app.services.data import PolicyData
from tests.documents.helpers import font_report, pdf_text, qpdf_check
from tests.services.conftest import Shop
from tests.services.test_policies import at, session


def test_policy_report_pdf(shop: Shop, tmp_path: Path) -> None:
    sv = shop.services
    shop.clock.set(at("2026-09-01 09:00"))
    terms = PolicyData(2, 1, Decimal("0.20"), True, benefits=(PolicyBenefit.STATUS_REPORTS,))
    policy = sv.policies.create(shop.lucia, terms)
    session(shop, "2026-09-01 10:00", 91)  # covered hour + 1 h: 160.00 charged
    session(shop, "2026-10-06 10:00", 30)
    shop.clock.set(at("2026-12-01 09:00"))
    review = sv.reviews.review(policy.id)
    path = tmp_path / "poliza.pdf"
    render_policy_report(review, path, business="AppleUse", generated_at=shop.clock())
    qpdf_check(path)
    assert all(embedded for _, embedded in font_report(path))
    text = pdf_text(path)
    for expected in (
        "Reporte de estado de póliza",
        f"P-{policy.id:06d}",
        "Lucía Pérez Domínguez",
        "01/12/2026",
        "septiembre 2026",
        "octubre 2026",
        "noviembre 2026",
        "Trimestre",
        "$560.00 MXN más IVA",
        "Reportes de estado",
        "1 evento a distancia y 0 presenciales por mes",  # agreement (issue 10 item 9)
        "2 eventos a distancia y 1 presencial",
        "1 h 31 min",  # worked hours as on screen (format_minutes), not 1.52
        "2 h 1 min",
        "$160.00 MXN más IVA",
        "Pendiente de aceptar",
    ):
        assert expected in text, expected
    assert "eventos a distancia y 0 presenciales" not in text.replace("1 evento a", "")
    assert "1.52" not in text and "2.02" not in text
    again = policy_report_bytes(review, business="AppleUse", generated_at=shop.clock())
    assert again == path.read_bytes()  # the same review renders the same bytes
