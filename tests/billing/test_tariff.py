"""The tariff validates itself (a form shows each field's message) and its history answers
which version is in force at an instant or on a local day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from app.billing.tariff import DEFAULT_TARIFF, FIELD_LABELS, Tariff, TariffError, TariffHistory

D = Decimal
WINDOWS = ((time(9), time(14)), (time(16), time(19)))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"remote_business_rate": D("-1")}, "remote_business_rate", "No puede ser negativo."),
        ({"device_fee": D("-0.01")}, "device_fee", "No puede ser negativo."),
        ({"onsite_surcharge": D("1.01")}, "onsite_surcharge", "Debe estar entre 0 % y 100 %."),
        (
            {"max_policy_discount": D("0.2501")},
            "max_policy_discount",
            "Debe estar entre 0 % y 25 %.",
        ),
        ({"max_policy_discount": D("1")}, "max_policy_discount", "Debe estar entre 0 % y 25 %."),
        ({"iva_rate": D("1")}, "iva_rate", "Debe ser de 0 % a menos de 100 %."),
        ({"minimum_hours": -1}, "minimum_hours", "No puede ser negativo."),
        (
            {"fraction_threshold_minutes": 60},
            "fraction_threshold_minutes",
            "Debe estar entre 0 y 59 minutos.",
        ),
        ({"business_weekdays": ()}, "business_weekdays", "Elija al menos un día laborable."),
        ({"business_weekdays": (7,)}, "business_weekdays", "de lunes a domingo"),
        (
            {"business_windows": ((time(14), time(9)),)},
            "business_windows.0",
            "La franja debe terminar después de empezar.",
        ),
        (
            {"business_windows": ((time(9), time(14)), (time(13), time(19)))},
            "business_windows.1",
            "Debe empezar al terminar la primera o después.",
        ),
    ],
)
def test_each_refused_field_has_its_message(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(TariffError) as refused:
        replace(Tariff(), **changes)
    assert list(refused.value.problems) == [field]
    assert message in refused.value.problems[field]
    assert FIELD_LABELS[field.split(".")[0]] in str(refused.value)


def test_every_problem_at_once() -> None:
    with pytest.raises(TariffError) as refused:
        replace(Tariff(), max_policy_discount=D("0.5"), iva_rate=D("2"), business_weekdays=())
    assert set(refused.value.problems) == {"max_policy_discount", "iva_rate", "business_weekdays"}


@pytest.mark.parametrize(
    "windows",
    [WINDOWS, ((time(9), time(14)), (time(14), time(19))), ((time(0), time(23, 59)),)],
)
def test_valid_windows(windows: tuple[tuple[time, time], ...]) -> None:
    assert replace(Tariff(), business_windows=windows).business_windows == windows


def test_the_documented_defaults_are_valid_and_round_trip() -> None:
    assert Tariff.from_dict(Tariff().to_dict()) == Tariff() == DEFAULT_TARIFF


def test_history_answers_which_version_is_in_force() -> None:
    dear = replace(Tariff(), remote_business_rate=D("250.00"))
    later = replace(Tariff(), remote_business_rate=D("300.00"))
    history = TariffHistory(
        [
            (datetime(2026, 12, 1, 6, tzinfo=UTC), 2, later.to_dict()),  # stored data, parsed
            (datetime(2026, 11, 2, 15, tzinfo=UTC), 1, dear),
        ]
    )
    assert history.at(datetime(2026, 11, 1, tzinfo=UTC)) == DEFAULT_TARIFF  # before any
    assert history.at(datetime(2026, 11, 2, 15, tzinfo=UTC)) == dear  # from its instant on
    assert history.at(datetime(2026, 12, 24, tzinfo=UTC)) == later
    assert history.on(date(2026, 11, 2)) == DEFAULT_TARIFF  # 00:00 local: not yet
    assert history.on(date(2026, 11, 3)) == dear
    assert history.from_day(date(2026, 11, 3)) == [dear, later]
    assert TariffHistory([]).from_day(date(2026, 11, 3)) == [DEFAULT_TARIFF]
