"""A client's history on the scripted fortnight (SQLite and PostgreSQL): every kind of record,
newest first, each line with its receipt where there is one, filters, the balance (the
statement's, at any moment) and the citas of the agenda."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from app.billing.repair import RepairPart
from app.kernel.clock import FakeClock
from app.kernel.enums import Channel, Modality, Outcome, ReceiptStatus
from app.kernel.errors import NotFoundError, StorageError
from app.models.engine import make_engine, upgrade
from app.services import client_history
from app.services.agenda_values import AppointmentData
from app.services.data import ClientData
from app.services.facade import Services
from tests.conftest import DB_BACKENDS
from tests.services.conftest import Shop
from tests.services.report_script import local, play

BATTERY = RepairPart("Batería MacBook Air", 1, Decimal("1800.00"))


def cita(shop: Shop, start: datetime, minutes: int = 60, **values: Any) -> AppointmentData:
    base: dict[str, Any] = {
        "client_id": shop.lucia, "advisor_id": shop.ana, "modality": Modality.REMOTE,
    }  # fmt: skip
    return AppointmentData(start=start, minutes=minutes, **(base | values))


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
    # a case opens as its first session starts: at that instant, the session is the newer line
    entries = history.entries
    opened = [i for i, e in enumerate(entries) if " abierto (" in e.title]
    assert opened
    for i in opened:
        same = [
            j
            for j, x in enumerate(entries)
            if x.kind == "Sesión" and x.at == entries[i].at and x.case == entries[i].case
        ]
        assert same and all(j < i for j in same)  # fmt: skip


def test_unknown_client(shop: Shop) -> None:
    with pytest.raises(NotFoundError):
        shop.services.reports.client_history(999)


def test_the_balance_is_the_statements_as_of_any_moment(shop: Shop) -> None:
    """Cancelled receipts (one paid before it was cancelled), partial payments, sessions still
    without a receipt, a repair receipt with its credit (abono): the history's balance is the
    statement's, now and at moments in between (receipts, payments and cancellations counted
    only once they happened)."""
    sv, clock = shop.services, shop.clock
    play(shop)  # Ramón: a cancelled receipt, a receipt half paid, two sessions without receipt
    clock.set(local(30, 10))
    # Lucía: a session paid, then its receipt cancelled (the money stays hers) and issued again
    sid = sv.sessions.start(shop.beto, shop.lucia, Modality.OFFICE).id  # Ana is still at work
    clock.set(local(30, 13, 10))  # beyond the hour her policy covers
    sv.sessions.end(sid, Outcome.ESCALATED)
    support = sv.receipts.issue_for_session(sid)
    sv.receipts.record_payment(support.id, Decimal("100.00"))  # partial
    clock.set(local(30, 13, 30))
    quote = sv.repairs.quote(sv.sessions.session(sid).case.id, "Cambio de batería", 1, [BATTERY])
    sv.repairs.accept(quote.id)
    repair = sv.repairs.issue_receipt(quote.id)  # credits the support session (abono)
    assert repair.credits > 0
    sv.receipts.record_payment(repair.id, repair.total)
    clock.set(local(30, 14))
    sv.receipts.cancel(repair.id, "Refacción equivocada")  # paid, then cancelled
    again = sv.repairs.issue_receipt(quote.id)
    moments = [local(23, 10, 51), local(25, 9, 30), local(26, 12), local(30, 13, 40),
               local(30, 14)]  # fmt: skip
    for client in (shop.ramon, shop.lucia):
        for moment in moments:
            clock.set(moment)
            history = sv.reports.client_history(client)
            assert history.balance == sv.balances.statement(client).balance, (client, moment)
    # by hand, at the end: Lucía owes the receipts in force less what she paid on any of them
    statement = sv.balances.statement(shop.lucia)
    in_force = [r for r in statement.receipts if r.status is ReceiptStatus.ISSUED]
    assert again.folio in {r.folio for r in in_force}
    expected = sum((r.total for r in in_force), Decimal(0)) - sum(
        (r.paid for r in statement.receipts), Decimal(0)
    )
    assert sv.reports.client_history(shop.lucia).balance == expected
    # Ramón: A-000002 348 (paid) + A-000006 348 (100 paid) + A-000007 348 (issued again after
    # A-000003 was cancelled) + A-000008 0 + A-000009 696; the sessions without receipt do not
    # count (as in the statement)
    assert sv.reports.client_history(shop.ramon).balance == Decimal("1292.00")


def test_citas_are_in_the_history_newest_first(shop: Shop) -> None:
    """Every state of a cita, with its local time (24 h), advisor, modality or place, reason,
    cancellation, moves and the note left when done; filterable; each opens its cita."""
    sv, clock = shop.services, shop.clock
    agenda = sv.agenda
    done = agenda.book(cita(shop, local(24, 12), reason="Revisar batería"))
    agenda.move(done.id, local(24, 16, 30), note="Pidió tarde")
    moved_twice = agenda.book(cita(shop, local(25, 9), modality=Modality.ONSITE,
                                   address="Av. Ávila Camacho 12"))  # fmt: skip
    agenda.move(moved_twice.id, local(26, 9))
    agenda.move(moved_twice.id, local(27, 9))
    agenda.confirm(moved_twice.id)
    cancelled = agenda.book(cita(shop, local(26, 17), channel=Channel.PHONE))
    agenda.cancel(cancelled.id, "El cliente viaja")
    missed = agenda.book(cita(shop, local(24, 11)))
    other = agenda.book(cita(shop, local(25, 12), client_id=shop.ramon))
    clock.set(local(24, 17, 40))
    agenda.mark_done(done.id, "Batería cambiada")
    agenda.mark_no_show(missed.id)
    history = sv.reports.client_history(shop.lucia)
    citas = history.only("Cita")
    assert history.appointments == len(citas) == 4
    assert [e.appointment_id for e in citas] == [moved_twice.id, cancelled.id, done.id,
                                                 missed.id]  # fmt: skip
    assert other.id not in {e.appointment_id for e in history.entries}
    assert [e.title for e in citas] == [
        "Cita 09:00–10:00: Confirmada",
        "Cita 17:00–18:00: Cancelada",
        "Cita 16:30–17:30: Realizada",
        "Cita 11:00–12:00: No se presentó",
    ]
    assert [e.at for e in citas] == [local(27, 9), local(26, 17), local(24, 16, 30),
                                     local(24, 11)]  # fmt: skip
    assert citas[0].detail == (
        "Ana Martínez · En domicilio del cliente: Av. Ávila Camacho 12, Xalapa-Enríquez"
        " · Reagendada 2 veces"
    )
    assert citas[1].detail == (
        "Ana Martínez · A distancia (Teléfono) · Cancelada: El cliente viaja"
    )
    assert citas[2].detail == (
        "Ana Martínez · A distancia · Motivo: Revisar batería · Reagendada 1 vez"
        " · Nota: Batería cambiada"
    )
    assert all(e.receipt_id is None and e.amount is None for e in citas)
    # newest first with the rest, and filterable by text
    assert history.entries[0].appointment_id == moved_twice.id
    assert [e.appointment_id for e in history.only("Cita", "batería")] == [done.id]
    assert history.only(text="cancelada: el cliente")[0].appointment_id == cancelled.id


def test_a_follow_up_cita_names_its_case(shop: Shop) -> None:
    sv, clock = shop.services, shop.clock
    sid = sv.sessions.start(shop.beto, shop.lucia, Modality.OFFICE).id
    clock.advance(minutes=40)
    case = sv.sessions.end(sid, Outcome.FOLLOW_UP).case
    f = sv.agenda.book(cita(shop, local(27, 10), case_id=case.id, advisor_id=shop.beto))
    (entry,) = sv.reports.client_history(shop.lucia).only("Cita")
    label = f"C-{case.number:06d}"
    assert entry.appointment_id == f.id and entry.case == label
    assert entry.title == f"Cita 10:00–11:00: Programada · Seguimiento de caso pendiente {label}"
    assert entry.detail == "Alberto Hernández · A distancia"


def test_a_fault_on_sqlite_is_the_spanish_storage_error(tmp_path: Path) -> None:
    """On SQLite the history reads through the session's own driver connection: a fault met
    there (here the agenda's tables gone from an old file) is still the unit of work's Spanish
    ``StorageError``, never a raw sqlite3 error."""
    path = tmp_path / "history.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, backup=False)
    client = Services.create(engine, FakeClock()).clients.create_client(ClientData("Ana")).id
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE appointment_changes")
        conn.execute("DROP TABLE appointments")
    engine = make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(StorageError) as caught:
            Services.create(engine, FakeClock()).reports.client_history(client)
        assert caught.value.kind == "schema" and "appleuse db upgrade" in str(caught.value)
    finally:
        engine.dispose()


def test_the_unbilled_are_read_in_chunks_with_the_same_result(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sessions without an issued receipt are read (and their events) by lists of ids, a
    chunk at a time: one by one, the same history."""
    play(shop)
    whole = [shop.services.reports.client_history(c) for c in (shop.ramon, shop.lucia)]
    monkeypatch.setattr(client_history, "_CHUNK", 1)
    assert [shop.services.reports.client_history(c) for c in (shop.ramon, shop.lucia)] == whole
    assert len(whole[0].only("Pago")) == 2 and whole[0].sessions == 7


def test_stored_instants_read_by_column_are_instant_values() -> None:
    """The history parses a column of stored instants at once: the same values as
    ``sql.instant`` one by one, for SQLite's UTC text, text with an offset (value by value)
    and a driver's datetimes (PostgreSQL)."""
    from datetime import UTC, timedelta, timezone

    from app.services.sql import instant

    texts = ["2026-11-24 16:05:00.000000", "2026-11-25 02:59:59.999999", "2026-01-01 00:00:00"]
    assert client_history._instants(texts) == [instant(t) for t in texts]
    assert all(d.tzinfo is UTC for d in client_history._instants(texts))
    mixed = [*texts, "2026-11-24 10:05:00-06:00"]  # one with its offset: all one by one
    assert client_history._instants(mixed)[-1] == datetime(2026, 11, 24, 16, 5, tzinfo=UTC)
    aware = [datetime(2026, 11, 24, 10, 5, tzinfo=timezone(timedelta(hours=-6)))]
    assert client_history._instants(aware) == [datetime(2026, 11, 24, 16, 5, tzinfo=UTC)]
    assert client_history._instants([]) == []


#: at one instant, newest first: a payment, a cancellation, a receipt issued, a case closed,
#: a disconnection, a consent, a session started, its case opened, a cita, the rest
_LATER_FIRST = ["Pago", "Cancelación", "Recibo", "cierre", "Desconexión", "Control remoto",
                "Sesión", "apertura", "Cita", "Equipo", "Póliza"]  # fmt: skip


def _place(e: client_history.HistoryEntry) -> int:
    if e.kind == "Caso":
        return _LATER_FIRST.index("apertura" if " abierto (" in e.title else "cierre")
    return _LATER_FIRST.index(e.kind)


def test_lines_at_one_instant_come_in_the_order_things_happen(shop: Shop) -> None:
    """Sorted by (instant, place) newest first — and, through SQLAlchemy's own seam
    (``session_execute``) rather than the driver's connection, the very same history."""
    from app.services.uow import session_execute

    play(shop)
    sv, now = shop.services, shop.clock()
    for client in (shop.ramon, shop.lucia):
        history = sv.reports.client_history(client)
        entries = list(history.entries)
        keys = [(e.at, _place(e)) for e in entries]
        assert keys == sorted(keys, key=lambda k: (-k[0].timestamp(), k[1]))
        ties = [k for k, n in pairwise(keys) if k[0] == n[0]]
        assert ties  # the scripted days have lines at one instant (a case and its session)
        seam = sv.db.read(
            lambda s, c=client: client_history.build_client_history(session_execute(s), c, now)
        )
        assert seam == history


def test_a_fault_on_either_database_is_the_spanish_storage_error(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history reads through the driver's own connection on SQLite and on PostgreSQL
    (psycopg): a statement the database refuses is still the unit of work's Spanish
    ``StorageError``, never the driver's error."""
    monkeypatch.setattr(client_history, "_APPOINTMENTS", "SELECT * FROM no_such_table")
    with pytest.raises(StorageError):
        shop.services.reports.client_history(shop.ramon)
    monkeypatch.undo()
    assert shop.services.reports.client_history(shop.ramon).client_name == "Ramón Sánchez"


def test_named_parameters_in_the_drivers_pyformat() -> None:
    """``:name`` becomes ``%(name)s`` for psycopg; casts, clock times and ``%`` are kept."""
    from app.services.sql import pyformat

    assert pyformat("SELECT a FROM t WHERE id = :client AND x IN (:i0, :i1)") == (
        "SELECT a FROM t WHERE id = %(client)s AND x IN (%(i0)s, %(i1)s)"
    )
    assert pyformat("SELECT '10:30', x::text FROM t WHERE y LIKE '5%' AND z=:z") == (
        "SELECT '10:30', x::text FROM t WHERE y LIKE '5%%' AND z=%(z)s"
    )


def test_naive_datetimes_are_read_one_by_one_as_utc() -> None:
    from app.services.sql import instant

    naive = [datetime(2026, 11, 24, 16, 5), datetime(2026, 11, 25, 1, 0)]
    assert client_history._instants(naive) == [instant(d) for d in naive]


@pytest.mark.parametrize("db_backend", DB_BACKENDS[1:])  # PostgreSQL's planner setting
def test_postgresql_walks_the_indexes_for_the_history_only(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the history's read costs random pages as for data in memory (an index walk
    rather than a scan of the shop's sessions), within its own transaction: the connection goes
    back to the pool with the server's setting."""
    from sqlalchemy import text

    db = shop.services.db
    assert db.engine.dialect.name == "postgresql"

    def cost(s: Any) -> str:
        return str(s.execute(text("SHOW random_page_cost")).scalar())

    before = db.read(cost)
    seen: list[str] = []

    def spy(execute: Any, *_: Any) -> int:  # in place of the citas, read last
        seen.append(str(execute("SHOW random_page_cost", {})[0][0]))
        return 0

    monkeypatch.setattr(client_history, "_appointments", spy)
    shop.services.reports.client_history(shop.ramon)
    assert seen == ["1.1"] and db.read(cost) == before != "1.1"
