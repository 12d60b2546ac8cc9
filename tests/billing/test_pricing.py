"""RULES.md §4–§7 and §10: slots, rates, quotes, policies, follow-ups, credits, IVA."""

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from app.billing import Credit, PolicyTerms, Tariff
from app.kernel.enums import Band, LineKind
from app.kernel.errors import BillingError
from tests.billing.helpers import TARIFF, D, quote

TUE = "2026-11-24 "
SAT = "2026-11-28 "


def lines(bill):
    return [(x.kind.value, x.band.value if x.band else None, x.hours, x.rate, x.amount)
            for x in bill.lines]  # fmt: skip


# -- §4 slots -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "gaps", "expected"),
    [
        # a tie (30 business / 30 outside) favours the client
        (TUE + "13:30", TUE + "14:30", (), [("business", 1, "200.00")]),
        # 29 business / 31 outside: strictly more than half outside
        (TUE + "13:31", TUE + "14:31", (), [("outside", 1, "300.00")]),
        # minimum-hours slot covers the whole worked time: 10 / 10 tie -> business
        (TUE + "13:50", TUE + "14:10", (), [("business", 1, "200.00")]),
        (TUE + "13:51", TUE + "14:11", (), [("outside", 1, "300.00")]),
        # M = 0: the start instant decides
        (TUE + "10:00:00", TUE + "10:00:59", (), [("business", 1, "200.00")]),
        (SAT + "10:00:00", SAT + "10:00:59", (), [("outside", 1, "300.00")]),
        (TUE + "13:59:30", TUE + "14:00:20", (), [("business", 1, "200.00")]),
        # uncounted remainder (≤ 30 min) is free whatever its band: 09:00-10:30 then nothing
        (TUE + "18:00", TUE + "19:30", (), [("business", 1, "200.00")]),
        # gaps move the worked timeline: 13:00-13:30 (in) + 14:30-15:00 (out) -> tie
        (
            TUE + "13:00",
            TUE + "15:30",
            ((TUE + "13:30", TUE + "14:30"),),
            [("business", 1, "200.00")],
        ),
        # three slots: tie (business), outside, 31 in / 30 out (business)
        (TUE + "13:30", TUE + "16:31", (), [("business", 2, "200.00"), ("outside", 1, "300.00")]),
        # Friday evening into Saturday
        (
            "2026-11-27 18:00",
            SAT + "00:31",
            (),
            [("business", 1, "200.00"), ("outside", 6, "300.00")],
        ),
        # across midnight on a weekday, all outside
        ("2026-11-24 23:30", "2026-11-25 00:45", (), [("outside", 1, "300.00")]),
        # a holiday (Revolution Day) is outside all day
        ("2026-11-16 10:00", "2026-11-16 11:00", (), [("outside", 1, "300.00")]),
    ],
)
def test_slot_bands(start, end, gaps, expected):
    bill = quote(start, end, gaps=gaps)
    got = [(x.band.value, x.hours, str(x.rate)) for x in bill.lines]
    assert got == expected
    assert bill.billable_hours == sum(h for _, h, _ in expected)


def test_slots_describe_each_billable_hour():
    bill = quote(TUE + "13:50", TUE + "15:30")
    first, second = bill.slots
    assert (first.band, first.worked.total_seconds(), first.outside.total_seconds()) == (
        Band.OUTSIDE, 3600, 3000,
    )  # fmt: skip
    assert (second.band, second.worked.total_seconds()) == (Band.OUTSIDE, 2400)


# -- §5 rates -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("modality", "start", "end", "rate"),
    [
        ("remote", TUE + "10:00", TUE + "11:00", "200.00"),
        ("remote", SAT + "10:00", SAT + "11:00", "300.00"),
        ("office", TUE + "10:00", TUE + "11:00", "300.00"),
        ("office", SAT + "10:00", SAT + "11:00", "450.00"),
        ("onsite", TUE + "10:00", TUE + "11:00", "360.00"),
        ("onsite", SAT + "10:00", SAT + "11:00", "540.00"),
    ],
)
def test_rates_per_modality_and_band(modality, start, end, rate):
    bill = quote(start, end, modality, city="Xalapa")
    assert bill.lines[0].rate == D(rate)
    assert bill.base == D(rate)


@pytest.mark.parametrize(
    ("city", "has_rate"),
    [
        ("Xalapa", True),
        ("xalapa", True),
        ("XALAPA", True),
        ("  Xalapa  ", True),
        ("Xalapa-Enríquez", True),
        ("Xalapa Enríquez", True),
        ("Xalapa, Ver.", True),
        ("Coatepec", True),
        ("Coatépec", True),
        ("COATEPEC", True),
        ("Xalapas", False),
        ("Banderilla", False),
        ("Veracruz", False),
        ("", False),
        ("   ", False),
        (None, False),
    ],
)
def test_onsite_city_rule(city, has_rate):
    bill = quote(TUE + "10:00", TUE + "11:00", "onsite", city=city)
    assert bill.requires_quote is (not has_rate)
    if has_rate:
        assert bill.total == D("417.60")


def test_city_does_not_matter_for_remote_and_office():
    assert quote(TUE + "10:00", TUE + "11:00", "remote", city="Veracruz").total == D("232.00")
    assert quote(TUE + "10:00", TUE + "11:00", "office", city="Veracruz").total == D("348.00")


def test_rates_and_cities_are_settings():
    t = replace(TARIFF, remote_business_rate=D("250.00"), onsite_cities=("Banderilla",))
    assert quote(TUE + "10:00", TUE + "11:00", tariff=t).base == D("250.00")
    assert not quote(
        TUE + "10:00", TUE + "11:00", "onsite", city="Banderilla", tariff=t
    ).requires_quote
    assert quote(TUE + "10:00", TUE + "11:00", "onsite", city="Xalapa", tariff=t).requires_quote


# -- quotes ---------------------------------------------------------------------------------
def test_quoted_rate_applies_to_every_billable_hour_whatever_its_band():
    bill = quote(TUE + "17:00", TUE + "19:31", "onsite", city="Veracruz", quoted_rate=D("400"))
    assert bill.billable_hours == 3
    assert lines(bill) == [("quoted", None, 3, D("400"), D("1200.00"))]
    assert (bill.base, bill.iva, bill.total) == (D("1200.00"), D("192.00"), D("1392.00"))


def test_quoted_amount_is_the_price_of_the_whole_session():
    bill = quote(TUE + "17:00", TUE + "19:31", "onsite", city="Veracruz", quoted_amount=D("1500"))
    assert lines(bill) == [("quoted", None, 3, None, D("1500"))]
    assert (bill.base, bill.iva, bill.total) == (D("1500.00"), D("240.00"), D("1740.00"))


def test_both_quoted_options_are_refused():
    with pytest.raises(BillingError, match="no ambos"):
        quote(TUE + "10:00", TUE + "11:00", quoted_rate=D("1"), quoted_amount=D("1"))


@pytest.mark.parametrize("field", ["quoted_rate", "quoted_amount"])
def test_negative_quotes_are_refused(field):
    with pytest.raises(BillingError, match="negativo"):
        quote(TUE + "10:00", TUE + "11:00", **{field: D("-1")})


# -- §6 policies ----------------------------------------------------------------------------
def test_policy_discount_is_a_separate_negative_line():
    bill = quote(TUE + "10:00", TUE + "11:31", policy=PolicyTerms(discount=D("0.20")))
    assert lines(bill)[-1] == ("discount", None, None, None, D("-80.00"))
    assert (bill.subtotal, bill.discount, bill.base) == (D("400.00"), D("80.00"), D("320.00"))
    assert (bill.iva, bill.total) == (D("51.20"), D("371.20"))


def test_discount_is_rounded_half_up():
    bill = quote(TUE + "10:00", TUE + "11:00", policy=PolicyTerms(discount=D("0.100025")))
    assert bill.discount == D("20.01")  # 20.005 rounds up, not to even


@pytest.mark.parametrize("discount", ["0.2501", "0.30", "-0.01", "1"])
def test_discount_above_25_percent_or_negative_is_refused(discount):
    with pytest.raises(BillingError, match="25 %"):
        quote(TUE + "10:00", TUE + "11:00", policy=PolicyTerms(discount=D(discount)))


def test_discount_of_exactly_25_percent_is_allowed():
    assert quote(TUE + "10:00", TUE + "11:00", policy=PolicyTerms(discount=D("0.25"))).base == D(
        "150.00"
    )


def test_24x7_bills_outside_slots_at_the_business_rate():
    bill = quote(SAT + "10:00", SAT + "10:45", policy=PolicyTerms(is_24x7=True))
    assert lines(bill) == [("hours", "outside", 1, D("200.00"), D("200.00"))]
    office = quote(SAT + "10:00", SAT + "10:45", "office", policy=PolicyTerms(is_24x7=True))
    assert office.base == D("300.00")


def test_covered_hours_are_the_first_billable_hours():
    # 13:30-16:31: slot 0 business, slot 1 outside, slot 2 business
    bill = quote(TUE + "13:30", TUE + "16:31", policy=PolicyTerms(covered_hours=2))
    assert lines(bill) == [
        ("covered", "business", 1, D("0.00"), D("0.00")),
        ("covered", "outside", 1, D("0.00"), D("0.00")),
        ("hours", "business", 1, D("200.00"), D("200.00")),
    ]
    assert bill.base == D("200.00")
    assert "Cubierto por póliza" in bill.lines[0].description


def test_more_covered_hours_than_billable_covers_everything():
    bill = quote(TUE + "10:00", TUE + "11:00", policy=PolicyTerms(covered_hours=5))
    assert (bill.base, bill.iva, bill.total) == (D("0.00"), D("0.00"), D("0.00"))


def test_covered_hours_with_discount_on_the_rest():
    bill = quote(
        TUE + "13:50", TUE + "15:30", policy=PolicyTerms(discount=D("0.2"), covered_hours=1)
    )
    assert (bill.base, bill.iva, bill.total) == (D("240.00"), D("38.40"), D("278.40"))


def test_covered_hours_with_a_quoted_amount_are_prorated():
    bill = quote(
        TUE + "10:00", TUE + "11:31", "onsite", city="Veracruz",
        quoted_amount=D("1000"), policy=PolicyTerms(covered_hours=1),
    )  # fmt: skip
    assert [x.kind for x in bill.lines] == [LineKind.COVERED, LineKind.QUOTED]
    assert bill.base == D("500.00")


# -- §7 follow-ups and credits --------------------------------------------------------------
def test_follow_up_of_a_pending_case_is_free():
    bill = quote(SAT + "10:00", SAT + "12:00", follow_up=True, follow_up_case="C-0007")
    assert bill.billable_hours == 2
    assert all(x.amount == 0 for x in bill.lines)
    assert (bill.base, bill.iva, bill.total) == (D("0.00"), D("0.00"), D("0.00"))
    assert "Seguimiento sin costo del caso C-0007" in bill.lines[0].description


def test_follow_up_onsite_outside_the_cities_needs_no_quote():
    bill = quote(TUE + "10:00", TUE + "11:00", "onsite", city="Veracruz", follow_up=True)
    assert not bill.requires_quote and bill.total == D("0.00")


def test_credit_is_capped_so_the_base_never_goes_below_zero():
    bill = quote(TUE + "10:00", TUE + "11:31", credits=(Credit("Abono sesión A-000001", D("232")),))
    assert bill.base == D("168.00")
    capped = quote(TUE + "10:00", TUE + "11:31", credits=(Credit("Abono", D("1000")),))
    assert lines(capped)[-1] == ("credit", None, None, None, D("-400.00"))
    assert (capped.base, capped.total) == (D("0.00"), D("0.00"))


# -- §10 IVA and rounding -------------------------------------------------------------------
def test_iva_is_rounded_half_up():
    t = replace(TARIFF, iva_rate=D("0.15"))
    bill = quote(TUE + "10:00", TUE + "11:00", tariff=t, quoted_amount=D("0.30"))
    assert bill.iva == D("0.05")  # 0.045 -> 0.05 half-up (half-even would give 0.04)


def test_json_has_money_as_strings_with_two_decimals():
    bill = quote(TUE + "10:00", TUE + "11:00", quoted_rate=D("250"))
    data = json.loads(json.dumps(bill.to_dict()))
    assert data["lines"][0]["rate"] == "250.00"
    assert (data["base"], data["iva"], data["total"]) == ("250.00", "40.00", "290.00")


# -- the tariff as data ---------------------------------------------------------------------
def test_tariff_round_trips_through_plain_values():
    t = replace(TARIFF, office_outside_rate=D("475.50"), holidays_enabled=False)
    data = json.loads(json.dumps(t.to_dict()))
    assert Tariff.from_dict(data) == t
    assert Tariff.from_dict({}) == Tariff()


@pytest.mark.parametrize(
    "change",
    [
        {"remote_business_rate": D("-1")},
        {"max_policy_discount": D("1.5")},
        {"iva_rate": D("1")},
        {"fraction_threshold_minutes": 60},
        {"minimum_hours": -1},
        {"business_weekdays": (7,)},
    ],
)
def test_tariff_refuses_impossible_values(change):
    with pytest.raises(BillingError):
        replace(TARIFF, **change)


def test_default_tariff_matches_rules():
    t = Tariff()
    assert (t.remote_business_rate, t.remote_outside_rate) == (D("200.00"), D("300.00"))
    assert (t.office_business_rate, t.office_outside_rate) == (D("300.00"), D("450.00"))
    assert t.onsite_surcharge == D("0.20") and t.iva_rate == D("0.16")
    assert (t.minimum_hours, t.fraction_threshold_minutes, t.pending_days) == (1, 30, 7)
    assert t.max_policy_discount == Decimal("0.25") and t.instructions_cap_minutes == 15
