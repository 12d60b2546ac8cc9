"""Amounts in words, es-MX, as a Mexican receipt prints them.

``amount_in_words(Decimal("464.00"))`` -> ``"Cuatrocientos sesenta y cuatro pesos 00/100 M.N."``

Rules (Real Academia / usage on Mexican invoices):
- "uno" shortens to "un" before a noun: "un peso", "veintiún pesos", "treinta y un mil",
  "ciento un millones".
- 100 alone is "cien"; 101-199 start with "ciento".
- 1,000 is "mil" (never "un mil"); millions are "un millón", "dos millones".
- An exact number of millions takes "de": "dos millones de pesos" (but "un millón mil pesos").
- Cents are two digits over 100: "00/100 M.N." (moneda nacional).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["amount_in_words", "events_text", "integer_in_words"]

_UNITS = (
    "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
    "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete",
    "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés",
    "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve",
)  # fmt: skip
_TENS = (
    "", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa",
)  # fmt: skip
_HUNDREDS = (
    "", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
    "setecientos", "ochocientos", "novecientos",
)  # fmt: skip

_LIMIT = 10**12  # up to 999,999,999,999.99 ("novecientos noventa y nueve mil … millones")


def _apocope(words: str) -> str:
    """'uno' before a noun or 'mil'/'millones': 'veintiuno' -> 'veintiún', 'y uno' -> 'y un'."""
    if words.endswith("veintiuno"):
        return words[: -len("veintiuno")] + "veintiún"
    if words.endswith("uno"):
        return words[:-1]
    return words


def _below_thousand(n: int) -> str:
    """0 < n < 1000, with 'uno' unshortened."""
    if n == 100:
        return "cien"
    hundreds, rest = divmod(n, 100)
    parts = [_HUNDREDS[hundreds]] if hundreds else []
    if rest:
        if rest < 30:
            parts.append(_UNITS[rest])
        else:
            tens, unit = divmod(rest, 10)
            parts.append(_TENS[tens] + (f" y {_UNITS[unit]}" if unit else ""))
    return " ".join(parts)


def _below_million(n: int) -> str:
    """0 < n < 1,000,000, with a final 'uno' unshortened."""
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands == 1:
        parts.append("mil")
    elif thousands:
        parts.append(f"{_apocope(_below_thousand(thousands))} mil")
    if rest:
        parts.append(_below_thousand(rest))
    return " ".join(parts)


def integer_in_words(n: int, *, apocope: bool = False) -> str:
    """Cardinal number in Spanish words, lower case. With ``apocope`` a final 'uno' is 'un'.

    >>> integer_in_words(21)
    'veintiuno'
    >>> integer_in_words(21, apocope=True)
    'veintiún'
    """
    if n < 0 or n >= _LIMIT:
        raise ValueError(f"Cantidad fuera de rango para escribir con letra: {n}")
    if n == 0:
        return "cero"
    millions, rest = divmod(n, 10**6)
    parts = []
    if millions == 1:
        parts.append("un millón")
    elif millions:
        parts.append(f"{_apocope(_below_million(millions))} millones")
    if rest:
        parts.append(_below_million(rest))
    text = " ".join(parts)
    return _apocope(text) if apocope else text


def amount_in_words(amount: Decimal) -> str:
    """``Decimal("464.00")`` -> ``"Cuatrocientos sesenta y cuatro pesos 00/100 M.N."``.

    The amount is rounded half-up to the cent. Negative amounts are refused (a receipt's total
    is never negative).
    """
    if not amount.is_finite():
        raise ValueError(f"Importe no válido: {amount}")
    cents_total = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    if cents_total < 0:
        raise ValueError(f"No se escribe con letra un importe negativo: {amount}")
    pesos, cents = divmod(cents_total, 100)
    words = integer_in_words(pesos, apocope=True)
    if pesos == 1:
        unit = "peso"
    elif pesos >= 10**6 and pesos % 10**6 == 0:
        unit = "de pesos"
    else:
        unit = "pesos"
    text = f"{words} {unit} {cents:02d}/100 M.N."
    return text[0].upper() + text[1:]


def events_text(remote: int, in_person: int) -> str:
    """A policy's events in agreement: ``1 evento a distancia y 1 presencial``,
    ``2 eventos a distancia y 3 presenciales``, ``0 eventos a distancia y 1 presencial``."""
    noun = "evento" if remote == 1 else "eventos"
    place = "presencial" if in_person == 1 else "presenciales"
    return f"{remote} {noun} a distancia y {in_person} {place}"
