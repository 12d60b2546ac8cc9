"""The app's limits are checked once, before the database sees a value, so SQLite and
PostgreSQL answer alike with a Spanish message and nothing changes: names, control characters,
amounts, a session's length and dates; what the user typed is echoed cut to 80 characters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.kernel.enums import Modality, Outcome
from app.kernel.errors import DomainError
from app.services.data import ClientData, DeviceData
from tests.services.conftest import Shop

D = Decimal


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ClientData("x" * 201), "a lo más 200 caracteres en el nombre del cliente"),
        (ClientData("Lucía\x00Pérez"), "caracteres de control en"),
        (ClientData("Lucía", phone="2" * 41), "a lo más 40 caracteres en el teléfono"),
        (ClientData("Lucía", city="X" * 121), "a lo más 120 caracteres en la ciudad"),
        (ClientData("Lucía", notes="a\nb" * 3000), "a lo más 5000 caracteres en las notas"),
        (ClientData("Lucía", email="x" * 300 + "@y.mx"), "a lo más 200 caracteres en el correo"),
    ],
)
def test_client_fields_are_checked_before_the_database(
    shop: Shop, data: ClientData, message: str
) -> None:
    before = shop.services.clients.clients()
    with pytest.raises(DomainError, match=message):
        shop.services.clients.create_client(data)
    assert shop.services.clients.clients() == before


def test_a_name_of_exactly_200_characters_and_multi_line_notes_are_fine(shop: Shop) -> None:
    view = shop.services.clients.create_client(ClientData("x" * 200, notes="línea 1\nlínea 2"))
    assert len(view.name) == 200 and view.notes == "línea 1\nlínea 2"


def test_device_and_advisor_fields(shop: Shop) -> None:
    sv = shop.services
    with pytest.raises(DomainError, match="a lo más 120 caracteres en el modelo"):
        sv.clients.add_device(shop.lucia, DeviceData("mac", "M" * 121))  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="caracteres de control en"):
        sv.clients.create_advisor("Ana\x07")
    with pytest.raises(DomainError, match="a lo más 120 caracteres"):
        sv.clients.create_advisor("A" * 121)


def test_amounts_above_the_limit_are_refused(shop: Shop) -> None:
    s = shop.services
    with pytest.raises(DomainError, match=r"\$99,999,999.99"):
        s.sessions.start(shop.beto, shop.ramon, Modality.ONSITE, quoted_amount=D("1e10"))
    sid = s.sessions.start(shop.beto, shop.ramon, Modality.ONSITE).id
    with pytest.raises(DomainError, match=r"\$99,999,999.99"):
        s.sessions.set_quote(sid, amount=D("100000000.00"))
    s.sessions.set_quote(sid, amount=D("99999999.99"))  # the limit itself is fine
    shop.clock.advance(minutes=30)
    s.sessions.end(sid, Outcome.RESOLVED)
    receipt = s.receipts.issue_for_session(sid)
    with pytest.raises(DomainError, match=r"\$99,999,999.99"):
        s.receipts.record_payment(receipt.id, D("1e30"))
    with pytest.raises(DomainError, match="a lo más 120 caracteres en la referencia del pago"):
        s.receipts.record_payment(receipt.id, D("10.00"), reference="r" * 121)
    assert s.receipts.receipt(receipt.id).payments == ()


def test_a_session_note_with_a_control_character_is_refused(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(shop.beto, shop.lucia, Modality.OFFICE).id
    with pytest.raises(DomainError, match="caracteres de control en"):
        s.pause(sid, note="pausa\x1b[31m")
    assert len(s.session(sid).events) == 1


def test_echoed_input_is_cut_to_80_characters(shop: Shop) -> None:
    with pytest.raises(DomainError) as caught:
        shop.services.clients.create_client(ClientData("Lucía", rfc="X" * 100_000))
    assert len(str(caught.value)) < 140 and "…" in str(caught.value)


def test_percent_and_underscore_are_not_wildcards_in_a_search(shop: Shop) -> None:
    c = shop.services.clients
    c.create_client(ClientData("Descuento 100% Seguro"))
    c.create_client(ClientData("Mario_Bros"))
    assert [v.name for v in c.clients("100%")] == ["Descuento 100% Seguro"]
    assert [v.name for v in c.clients("o_b")] == ["Mario_Bros"]
    assert c.clients("%") == [v for v in c.clients() if "%" in v.name]
