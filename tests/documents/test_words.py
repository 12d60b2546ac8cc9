"""Amounts in words (es-MX) as printed on a receipt."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.documents.words import amount_in_words, events_text, integer_in_words

CASES = [
    ("0", "Cero pesos 00/100 M.N."),
    ("0.50", "Cero pesos 50/100 M.N."),
    ("1", "Un peso 00/100 M.N."),
    ("1.01", "Un peso 01/100 M.N."),
    ("2", "Dos pesos 00/100 M.N."),
    ("10", "Diez pesos 00/100 M.N."),
    ("11", "Once pesos 00/100 M.N."),
    ("15", "Quince pesos 00/100 M.N."),
    ("16", "Dieciséis pesos 00/100 M.N."),
    ("20", "Veinte pesos 00/100 M.N."),
    ("21", "Veintiún pesos 00/100 M.N."),
    ("22", "Veintidós pesos 00/100 M.N."),
    ("23", "Veintitrés pesos 00/100 M.N."),
    ("26", "Veintiséis pesos 00/100 M.N."),
    ("30", "Treinta pesos 00/100 M.N."),
    ("31", "Treinta y un pesos 00/100 M.N."),
    ("99", "Noventa y nueve pesos 00/100 M.N."),
    ("100", "Cien pesos 00/100 M.N."),
    ("101", "Ciento un pesos 00/100 M.N."),
    ("116", "Ciento dieciséis pesos 00/100 M.N."),
    ("121", "Ciento veintiún pesos 00/100 M.N."),
    ("200", "Doscientos pesos 00/100 M.N."),
    ("232", "Doscientos treinta y dos pesos 00/100 M.N."),
    ("417.60", "Cuatrocientos diecisiete pesos 60/100 M.N."),
    ("464.00", "Cuatrocientos sesenta y cuatro pesos 00/100 M.N."),
    ("500", "Quinientos pesos 00/100 M.N."),
    ("555.55", "Quinientos cincuenta y cinco pesos 55/100 M.N."),
    ("696", "Seiscientos noventa y seis pesos 00/100 M.N."),
    ("700", "Setecientos pesos 00/100 M.N."),
    ("900", "Novecientos pesos 00/100 M.N."),
    ("999.99", "Novecientos noventa y nueve pesos 99/100 M.N."),
    ("1000", "Mil pesos 00/100 M.N."),
    ("1001", "Mil un pesos 00/100 M.N."),
    ("1100", "Mil cien pesos 00/100 M.N."),
    ("1234.50", "Mil doscientos treinta y cuatro pesos 50/100 M.N."),
    ("2000", "Dos mil pesos 00/100 M.N."),
    ("21000", "Veintiún mil pesos 00/100 M.N."),
    ("31000", "Treinta y un mil pesos 00/100 M.N."),
    ("100000", "Cien mil pesos 00/100 M.N."),
    ("101000", "Ciento un mil pesos 00/100 M.N."),
    ("121121", "Ciento veintiún mil ciento veintiún pesos 00/100 M.N."),
    ("999999", "Novecientos noventa y nueve mil novecientos noventa y nueve pesos 00/100 M.N."),
    ("1000000", "Un millón de pesos 00/100 M.N."),
    ("1000001", "Un millón un pesos 00/100 M.N."),
    ("1001000", "Un millón mil pesos 00/100 M.N."),
    ("1500000", "Un millón quinientos mil pesos 00/100 M.N."),
    ("2000000", "Dos millones de pesos 00/100 M.N."),
    ("2000000.10", "Dos millones de pesos 10/100 M.N."),
    ("21000000", "Veintiún millones de pesos 00/100 M.N."),
    ("100000000", "Cien millones de pesos 00/100 M.N."),
    ("1000000000", "Mil millones de pesos 00/100 M.N."),
    ("1001000000", "Mil un millones de pesos 00/100 M.N."),
    (
        "999999999999.99",
        "Novecientos noventa y nueve mil novecientos noventa y nueve millones "
        "novecientos noventa y nueve mil novecientos noventa y nueve pesos 99/100 M.N.",
    ),
    # rounding is half-up to the cent
    ("0.005", "Cero pesos 01/100 M.N."),
    ("1.995", "Dos pesos 00/100 M.N."),
    ("12.344", "Doce pesos 34/100 M.N."),
]


@pytest.mark.parametrize(("amount", "expected"), CASES)
def test_amount_in_words(amount: str, expected: str) -> None:
    assert amount_in_words(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("n", "plain", "short"),
    [
        (0, "cero", "cero"),
        (1, "uno", "un"),
        (21, "veintiuno", "veintiún"),
        (41, "cuarenta y uno", "cuarenta y un"),
        (100, "cien", "cien"),
        (1000, "mil", "mil"),
        (21001, "veintiún mil uno", "veintiún mil un"),
    ],
)
def test_integer_in_words(n: int, plain: str, short: str) -> None:
    assert integer_in_words(n) == plain
    assert integer_in_words(n, apocope=True) == short


@pytest.mark.parametrize("bad", ["-1", "-0.01", "1000000000000", "NaN", "Infinity"])
def test_refuses_out_of_range(bad: str) -> None:
    with pytest.raises(ValueError):
        amount_in_words(Decimal(bad))


# -- round trip: an independent reader of Spanish numbers parses every output back -----------

_VALUES = {
    "cero": 0, "un": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciséis": 16, "diecisiete": 17, "dieciocho": 18,
    "diecinueve": 19, "veinte": 20, "veintiún": 21, "veintiuno": 21, "veintidós": 22,
    "veintitrés": 23, "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26,
    "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30, "cuarenta": 40,
    "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100,
    "ciento": 100, "doscientos": 200, "trescientos": 300, "cuatrocientos": 400,
    "quinientos": 500, "seiscientos": 600, "setecientos": 700, "ochocientos": 800,
    "novecientos": 900,
}  # fmt: skip


def parse_spanish(text: str) -> int:
    total = current = 0
    for word in text.lower().split():
        if word in ("y", "de"):
            continue
        if word == "mil":
            current = (current or 1) * 1000
        elif word in ("millón", "millones"):
            total += current * 10**6
            current = 0
        else:
            current += _VALUES[word]
    return total + current


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_words_read_back_to_the_number(n: int) -> None:
    assert parse_spanish(integer_in_words(n)) == n
    assert parse_spanish(integer_in_words(n, apocope=True)) == n


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_amount_reads_back(amount: Decimal) -> None:
    text = amount_in_words(amount)
    words, _, tail = text.rpartition(" ")
    assert tail == "M.N."
    words, _, cents = words.rpartition(" ")
    assert cents == f"{int(amount * 100) % 100:02d}/100"
    words = words.removesuffix(" pesos").removesuffix(" peso")
    assert text[0].isupper()
    assert parse_spanish(words) == int(amount)
    # "uno" never ends a number before "pesos"/"mil"/"millones"
    assert " uno " not in f" {text.lower()} " and "veintiuno" not in text.lower()


@pytest.mark.parametrize(
    ("remote", "in_person", "text"),
    [
        (1, 1, "1 evento a distancia y 1 presencial"),
        (2, 1, "2 eventos a distancia y 1 presencial"),
        (1, 2, "1 evento a distancia y 2 presenciales"),
        (0, 0, "0 eventos a distancia y 0 presenciales"),
    ],
)
def test_events_agree_in_number(remote: int, in_person: int, text: str) -> None:
    assert events_text(remote, in_person) == text
