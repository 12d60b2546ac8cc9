"""RULES.md §12: every worked example, exactly."""

import pytest

from tests.billing.helpers import D, quote

EXAMPLES = [
    # start, end, modality, city, M, H, lines (band, hours, rate), base, iva, total
    ("2026-11-24 10:00", "2026-11-24 10:20", "remote", None, 20, 1,
     [("business", 1, "200.00")], "200.00", "32.00", "232.00"),
    ("2026-11-24 10:00", "2026-11-24 11:30", "remote", None, 90, 1,
     [("business", 1, "200.00")], "200.00", "32.00", "232.00"),
    ("2026-11-24 10:00", "2026-11-24 11:31", "remote", None, 91, 2,
     [("business", 2, "200.00")], "400.00", "64.00", "464.00"),
    ("2026-11-24 13:20", "2026-11-24 14:50", "remote", None, 90, 1,
     [("business", 1, "200.00")], "200.00", "32.00", "232.00"),
    ("2026-11-24 13:50", "2026-11-24 15:30", "remote", None, 100, 2,
     [("outside", 2, "300.00")], "600.00", "96.00", "696.00"),
    ("2026-11-28 10:00", "2026-11-28 10:45", "remote", None, 45, 1,
     [("outside", 1, "300.00")], "300.00", "48.00", "348.00"),
    ("2026-11-24 17:00", "2026-11-24 18:10", "onsite", "Coatepec", 70, 1,
     [("business", 1, "360.00")], "360.00", "57.60", "417.60"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "modality", "city", "m", "h", "lines", "base", "iva", "total"), EXAMPLES
)
def test_worked_examples(start, end, modality, city, m, h, lines, base, iva, total):
    bill = quote(start, end, modality, city=city)
    assert bill.worked_minutes == m
    assert bill.billable_hours == h
    assert not bill.requires_quote
    got = [(x.band.value, x.hours, str(x.rate)) for x in bill.lines]
    assert got == lines
    assert (bill.base, bill.iva, bill.total) == (D(base), D(iva), D(total))


def test_onsite_outside_xalapa_and_coatepec_requires_quote():
    bill = quote("2026-11-24 17:00", "2026-11-24 18:10", "onsite", city="Veracruz")
    assert bill.requires_quote
    assert bill.lines == ()
    assert (bill.base, bill.iva, bill.total) == (None, None, None)
    assert bill.to_dict()["total"] is None
    assert "requiere cotización" in bill.notes[0]


def test_json_contract_of_the_issue_example():
    bill = quote("2026-11-24 13:50", "2026-11-24 15:30")
    assert bill.to_dict() == {
        "worked_minutes": 100,
        "billable_hours": 2,
        "requires_quote": False,
        "lines": [
            {"kind": "hours", "band": "outside", "hours": 2, "rate": "300.00", "amount": "600.00"}
        ],
        "base": "600.00",
        "iva": "96.00",
        "total": "696.00",
    }
