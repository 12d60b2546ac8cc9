"""`appleuse cita add|cancel|libre` and `appleuse agenda -o …`: the contract of issue 13 — the
id or the slots on stdout; a clash, a past start, an unknown client or advisor: one Spanish line
on stderr, exit code 2, nothing saved; files read back (.ics with icalendar, PDF, CSV)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from app.cli import main
from app.kernel.clock import SystemClock
from app.services.data import ClientData
from app.services.facade import Services
from tests.documents.helpers import pdf_text

TZ = ZoneInfo("America/Mexico_City")


def next_weekday(weekday: int) -> date:
    """The next such weekday at least 8 days ahead that is no rest day."""
    from app.billing.hours import is_rest_day
    from app.billing.tariff import Tariff

    day = datetime.now(UTC).astimezone(TZ).date() + timedelta(days=8)
    while day.weekday() != weekday or is_rest_day(day, Tariff()):
        day += timedelta(days=1)
    return day


DAY = next_weekday(2)  # a Wednesday


def iso(h: int, m: int = 0, day: date = DAY) -> str:
    return f"{day.isoformat()}T{h:02d}:{m:02d}"


@pytest.fixture
def shop(engine: Engine) -> Services:
    sv = Services.create(engine, SystemClock())
    sv.clients.create_advisor("Ana Martínez")
    sv.clients.create_advisor("Alberto Hernández")
    sv.clients.create_client(ClientData("Lucía Pérez Domínguez", city="Xalapa-Enríquez"))
    sv.clients.create_client(ClientData("Ramón Sánchez", city="Veracruz", email="r@x.mx"))
    return sv


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys: Any, db: str, *extra: str, start: str = iso(10), client: str = "lucia") -> tuple:
    return run(
        capsys, "--db", db, "cita", "add", "--client", client, "--advisor", "Ana",
        "--start", start, "--minutes", "60", "--modality", "remote", *extra,
    )  # fmt: skip


def stored(sv: Services) -> int:
    start = datetime.combine(DAY, datetime.min.time(), TZ) - timedelta(days=30)
    return len(sv.agenda.appointments(start, start + timedelta(days=90)))


def test_add_prints_the_id_and_a_clash_is_refused(shop: Services, db_url: str, capsys: Any) -> None:
    code, out, err = add(capsys, db_url, "--reason", "Actualizar macOS")
    assert (code, err) == (0, "") and out.strip().isdigit()
    a = shop.agenda.appointment(int(out))
    assert a.client_name == "Lucía Pérez Domínguez" and a.start == datetime.fromisoformat(
        iso(10)
    ).replace(tzinfo=TZ)
    code, out2, err = add(capsys, db_url, start=iso(10, 30), client="Ramón")
    assert (code, out2) == (2, "")
    assert err.startswith("appleuse: error: Ana Martínez ya tiene una cita con Lucía")
    assert err.count("\n") == 1 and "Traceback" not in err
    code, _, _ = add(capsys, db_url, start=iso(11), client="Ramón")  # touching: fits
    assert code == 0 and stored(shop) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--client", "Nadie"), "El cliente «Nadie» no existe."),
        (("--advisor", "Zoe"), "El asesor «Zoe» no existe."),
        (("--start", "2020-01-06T10:00"), "en el pasado"),
        (("--start", "mañana"), "no es una fecha ISO 8601"),
        (("--minutes", "diez"), "debe ser un número entero"),
        (("--modality", "teleport"), "valor no válido para --modality"),
        (("--case", "C-000099"), "El caso «C-000099» no existe."),
    ],
)
def test_add_refusals_are_one_line_exit_2_nothing_saved(
    shop: Services, db_url: str, capsys: Any, args: tuple[str, ...], message: str
) -> None:
    base = {
        "--client": "lucia", "--advisor": "Ana", "--start": iso(10), "--minutes": "60",
        "--modality": "remote",
    }  # fmt: skip
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for kv in base.items() for x in kv]
    code, out, err = run(capsys, "--db", db_url, "cita", "add", *flat)
    assert (code, out) == (2, "")
    assert err.startswith("appleuse: error: ") and message in err and err.count("\n") == 1
    assert stored(shop) == 0


def test_add_marks_emergencia_and_cotizacion(shop: Services, db_url: str, capsys: Any) -> None:
    code, out, err = run(
        capsys, "--db", db_url, "cita", "add", "--client", "Ramón", "--advisor", "Alberto",
        "--start", iso(15), "--minutes", "60", "--modality", "onsite",
    )  # fmt: skip
    assert code == 0 and out.strip().isdigit()
    assert "appleuse: aviso: Emergencia" in err and "Requiere cotización" in err


def test_cancel(shop: Services, db_url: str, capsys: Any) -> None:
    _, out, _ = add(capsys, db_url)
    ident = out.strip()
    code, out, err = run(capsys, "--db", db_url, "cita", "cancel", ident, "--reason", "Viaje")
    assert (code, out, err) == (0, f"Cita {ident} cancelada.\n", "")
    assert shop.agenda.appointment(int(ident)).cancel_reason == "Viaje"
    code, _, err = run(capsys, "--db", db_url, "cita", "cancel", ident, "--reason", "Otra vez")
    assert code == 2 and "no admite" in err
    code, _, err = run(capsys, "--db", db_url, "cita", "cancel", "77", "--reason", "x")
    assert code == 2 and "La cita 77 no existe." in err
    code, _, err = run(capsys, "--db", db_url, "cita", "cancel", ident)
    assert code == 2 and "faltan argumentos obligatorios: --reason" in err


def test_libre(shop: Services, db_url: str, capsys: Any) -> None:
    add(capsys, db_url)  # Ana 10:00–11:00
    code, out, err = run(
        capsys, "--db", db_url, "cita", "libre", "--minutes", "60", "--advisor", "Ana",
        "--from", iso(9), "--count", "3",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{iso(9)}-06:00", f"{iso(11)}-06:00", f"{iso(11, 30)}-06:00"]
    code, out, _ = run(
        capsys, "--db", db_url, "cita", "libre", "--minutes", "90", "--from", iso(9), "--count", "2"
    )
    assert out.splitlines() == [
        f"{iso(9)}-06:00\tAlberto Hernández",
        f"{iso(9, 30)}-06:00\tAlberto Hernández",
    ]
    code, out, err = run(capsys, "--db", db_url, "cita", "libre", "--minutes", "0")
    assert (code, out) == (2, "") and "de 5 a 720 minutos" in err


def test_agenda_files(shop: Services, db_url: str, capsys: Any, tmp_path: Path) -> None:
    from icalendar import Calendar

    add(capsys, db_url, "--reason", "Respaldo")
    add(capsys, db_url, start=iso(12), client="Ramón")
    folder = tmp_path / "out"
    folder.mkdir()
    ics = folder / "ana.ics"
    code, out, err = run(capsys, "--db", db_url, "agenda", "--week", DAY.isoformat(),
                         "--advisor", "Ana", "-o", str(ics))  # fmt: skip
    assert (code, err) == (0, "") and "(2 citas)" in out
    events = sorted(
        Calendar.from_ical(ics.read_bytes()).walk("VEVENT"), key=lambda e: e.decoded("dtstart")
    )
    assert [e.decoded("dtstart").astimezone(TZ).hour for e in events] == [10, 12]
    assert str(events[0]["summary"]) == "Lucía Pérez Domínguez"
    csv_file = folder / "dia.csv"
    code, out, _ = run(
        capsys, "--db", db_url, "agenda", "--date", DAY.isoformat(), "-o", str(csv_file)
    )
    lines = csv_file.read_bytes().decode("utf-8-sig").splitlines()
    assert code == 0 and lines[0].startswith("Cita,Inicio,Fin") and len(lines) == 3
    assert "Ramón Sánchez" in lines[2] and "Respaldo" in lines[1]
    pdf = folder / "dia.pdf"
    code, _, _ = run(capsys, "--db", db_url, "agenda", "--date", DAY.isoformat(), "-o", str(pdf))
    text = pdf_text(pdf)
    assert code == 0 and "Agenda del" in text and "Ramón Sánchez" in text and "10:00–11:00" in text
    code, _, err = run(capsys, "--db", db_url, "agenda", "-o", str(folder / "x.txt"))
    assert code == 2 and "debe terminar en .ics o .pdf o .csv" in err
    code, _, err = run(
        capsys, "--db", db_url, "agenda", "--date", "1", "--week", "2", "-o", str(pdf)
    )
    assert code == 2 and "no se puede usar junto con" in err
    assert sorted(p.name for p in folder.iterdir()) == ["ana.ics", "dia.csv", "dia.pdf"]
