"""A client's history on the scripted fortnight (SQLite and PostgreSQL): every kind of record,
newest first, each line with its receipt where there is one, filters, and the balance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.kernel.errors import NotFoundError
from tests.services.conftest import Shop
from tests.services.report_script import play


def test_ramons_history(shop: Shop) -> None:
    script = play(shop)
    history = shop.services.reports.client_history(shop.ramon)
    assert history.client_name == "Ramón Sánchez"
    entries = history.entries
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    kinds = {e.kind for e in entries}
    assert kinds == {"Caso", "Sesión", "Desconexión", "Recibo", "Cancelación", "Pago"}
    sessions = history.only("Sesión")
    assert len(sessions) == history.sessions == 7  # 19, 23, 24, 25 ×2, 26, 28
    newest = sessions[0]
    assert newest.title == "Sesión a distancia: Resuelto"
    assert newest.amount == Decimal("600.00") and "Recibo A-000009" in newest.detail
    assert newest.receipt_id is not None
    # the escalated call has no receipt: its bill's amount, nothing to open
    call = next(e for e in sessions if "Escalado" in e.title)
    assert call.amount == Decimal("200.00") and call.receipt_id is None
    assert "Sin recibo" in call.detail
    # the onsite session in Veracruz still needs a quote: no amount
    onsite = next(e for e in sessions if "domicilio" in e.title)
    assert onsite.amount is None
    (cancelled,) = history.only("Cancelación")
    assert cancelled.title == f"Recibo {script.cancelled_folio} cancelado"
    assert cancelled.detail == "Cliente equivocado en el recibo"
    assert cancelled.amount == Decimal("-348.00")
    payments = history.only("Pago")
    assert [p.amount for p in payments] == [Decimal("100.00"), Decimal("348.00")]
    (cut,) = history.only("Desconexión")
    assert cut.detail == "10 min"
    # balance: the statement's (issued totals less payments)
    statement = shop.services.balances.statement(shop.ramon)
    assert history.balance == statement.balance
    # filters: by kind and by text (case number, folio…)
    assert all(e.case == "C-000007" for e in history.only(text="c-000007"))
    assert history.only("Recibo", "A-000009")[0].receipt_id == newest.receipt_id


def test_lucias_history_has_her_device_policy_and_consents(shop: Shop) -> None:
    play(shop)
    history = shop.services.reports.client_history(shop.lucia)
    (device,) = history.only("Equipo")
    assert device.title == "Equipo registrado: Mac MacBook Air M2"
    (policy,) = history.only("Póliza")
    assert policy.title == "Póliza P-000001: alta (versión 1)"
    assert "2 a distancia y 1 presenciales por mes · descuento 10 %" in policy.detail
    consents = history.only("Control remoto")
    assert [c.title for c in consents] == [
        "Control remoto solicitado: Rechazado",
        "Control remoto solicitado: Aceptado",
    ]
    running = history.only("Sesión")[0]
    assert running.title == "Sesión a distancia: En curso" and running.receipt_id is None


def test_unknown_client(shop: Shop) -> None:
    with pytest.raises(NotFoundError):
        shop.services.reports.client_history(999)
