"""`appleuse receipt cancel FOLIO --reason TEXT`: one Spanish confirmation line; a second
cancel, an unknown folio or an empty reason is one Spanish line on stderr, exit 2, nothing
changed (issue 10 item 2)."""

from __future__ import annotations

from typing import Any

import pytest

from app.kernel.clock import FakeClock
from app.kernel.enums import ReceiptStatus
from app.services.facade import Services
from tests.cli.test_documents_cli import assert_refused, run
from tests.documents.test_from_db import ShopDay, fill_day
from tests.services.conftest import Shop, services, shop  # noqa: F401 (fixtures)
from tests.services.test_repairs import BATTERY, case_of, escalated


@pytest.fixture
def shop_day(engine: Any, clock: FakeClock) -> ShopDay:
    return fill_day(engine, clock)


def statuses(engine: Any) -> dict[str, ReceiptStatus]:
    return {r.folio: r.status for r in Services.create(engine).receipts.receipts()}


def test_cancel_prints_one_line_and_keeps_the_folio(
    shop_day: ShopDay, engine: Any, db_url: str, capsys: Any
) -> None:
    code, out, err = run(
        capsys, "--db", db_url, "receipt", "cancel", "a-000003", "--reason", "Tarifa equivocada"
    )
    assert (code, err) == (0, "")
    assert out == "Recibo A-000003 cancelado. Motivo: Tarifa equivocada\n"
    receipt = Services.create(engine).receipts.by_folio("A-000003")
    assert receipt.status is ReceiptStatus.CANCELLED
    assert receipt.cancel_reason == "Tarifa equivocada"
    # a second cancel is refused and changes nothing
    code, out, err = run(
        capsys, "--db", db_url, "receipt", "cancel", "A-000003", "--reason", "Otra vez"
    )
    assert_refused(code, out, err, "ya está cancelado")
    again = Services.create(engine).receipts.by_folio("A-000003")
    assert again.cancel_reason == "Tarifa equivocada"


def test_cancel_and_reissue(shop_day: ShopDay, engine: Any, db_url: str, capsys: Any) -> None:
    before = statuses(engine)
    code, out, err = run(
        capsys, "--db", db_url, "receipt", "cancel", "A-000003", "--reason", "Error", "--reissue"
    )
    assert (code, err) == (0, "")
    new = f"A-{len(before) + 1:06d}"
    assert out == (
        f"Recibo A-000003 cancelado; se emitió el recibo {new} por $417.60 MXN "
        "para la misma sesión.\n"
    )
    after = statuses(engine)
    assert after["A-000003"] is ReceiptStatus.CANCELLED and after[new] is ReceiptStatus.ISSUED


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["cancel", "A-000099", "--reason", "x"], ["A-000099", "no existe"]),
        (["cancel", "A-000003", "--reason", "   "], ["motivo"]),
        (["cancel", "A-000003"], ["motivo", "--reason"]),
        (["cancel", "--reason", "Error"], ["folio"]),
        (["cancel", "A-000003", "--reason", "x", "-o", "r.pdf"], ["-o"]),
        (["A-000003", "--reason", "x"], ["cancel"]),
        (["cancel", "A-000001", "--reason", "x"], ["ya está cancelado"]),
    ],
)
def test_refusals_change_nothing(
    shop_day: ShopDay, engine: Any, db_url: str, capsys: Any, args: list[str], words: list[str]
) -> None:
    before = statuses(engine)
    code, out, err = run(capsys, "--db", db_url, "receipt", *args)
    assert_refused(code, out, err, *words)
    assert statuses(engine) == before


def test_credited_receipt_explains_why(shop: Shop, db_url: str, capsys: Any) -> None:  # noqa: F811
    sv = shop.services
    sid = escalated(shop)
    support = sv.receipts.issue_for_session(sid)
    quote = sv.repairs.quote(case_of(shop, sid), "Batería", 1, [BATTERY])
    sv.repairs.accept(quote.id)
    repair = sv.repairs.issue_receipt(quote.id)
    code, out, err = run(
        capsys, "--db", db_url, "receipt", "cancel", support.folio, "--reason", "Error"
    )
    assert_refused(code, out, err, f"abonado en el recibo {repair.folio}", "cancele primero")
    assert sv.receipts.receipt(support.id).status is ReceiptStatus.ISSUED


def test_help_and_usage_are_spanish(capsys: Any) -> None:
    for args in (["--help"], ["receipt", "--help"], ["backup", "restore", "--help"]):
        code, out, err = run(capsys, *args)
        assert code == 0 and err == ""
        assert out.startswith("uso: appleuse")
        assert "opciones:" in out and "muestra esta ayuda y sale" in out
        for english in ("usage:", "options:", "positional arguments", "show this help"):
            assert english not in out
    code, out, _ = run(capsys, "receipt", "--help")
    assert "argumentos posicionales:" in out and "cancel FOLIO --reason MOTIVO" in out
    code, out, err = run(capsys, "receipt")
    assert_refused(code, out, err, "faltan argumentos obligatorios", "uso: appleuse receipt")
    code, out, err = run(capsys, "summary")
    assert_refused(code, out, err, "faltan argumentos obligatorios", "uso: appleuse summary")
    code, out, err = run(capsys, "summary", "-o", "dia.csv", "--bogus")
    assert_refused(code, out, err, "argumentos no reconocidos: --bogus", "uso: appleuse")
