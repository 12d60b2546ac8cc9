"""Command lines at the edges (issue "Data safety" §4): dates outside 2000–2100, amounts with
30 digits, spans of years, a 100 KB argument — each one Spanish line on stderr, exit code 2,
no traceback, no hang, the argument echoed cut to 80 characters."""

from __future__ import annotations

import pytest

from app.cli import main

T = "--modality remote --start 2026-11-24T10:00 --end 2026-11-24T11:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    out, err = capsys.readouterr()
    return int(ended.value.code or 0), out, err


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("summary --date 9999-12-31 -o {out}", "entre 2000 y 2100"),
        ("summary --date 0001-01-01 -o {out}", "entre 2000 y 2100"),
        (f"quote {T} --quoted-amount 1e30", "$99,999,999.99"),
        (f"quote {T} --quoted-amount 12345678901234567890123456789", "$99,999,999.99"),
        (f"quote {T} --quoted-rate 99999999999", "$99,999,999.99"),
        ("quote --modality remote --start 0001-01-01T10:00 --end 2026-11-24T11:00", "2000"),
        ("quote --modality remote --start 2026-11-24T10:00 --end 9999-12-31T23:59", "2100"),
        ("quote --modality remote --start 2016-11-24T10:00 --end 2026-11-24T11:00", "31 días"),
        ("quote --modality remote --start 2026-11-01T10:00 --end 2026-12-24T11:00", "31 días"),
    ],
)
def test_edges_are_one_spanish_line(
    capsys: pytest.CaptureFixture[str], tmp_path: object, line: str, words: str
) -> None:
    args = line.format(out=f"{tmp_path}/dia.csv").split()
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith("appleuse: error: ") and err.count("\n") == 1
    assert words in err and "Traceback" not in err


@pytest.mark.parametrize("where", ["--start", "--modality"])
def test_a_huge_argument_is_echoed_cut(capsys: pytest.CaptureFixture[str], where: str) -> None:
    huge = "x" * 100_000
    args = T.split()
    args[args.index(where) + 1] = huge
    code, _, err = run(capsys, "quote", *args)
    assert code == 2 and len(err) < 300 and "…" in err


def test_a_month_long_session_is_still_priced(capsys: pytest.CaptureFixture[str]) -> None:
    main(["quote", "--modality", "remote", "--start", "2026-11-01T10:00",
          "--end", "2026-12-02T10:00", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert err == "" and '"billable_hours": 744' in out  # 31 days × 24 h
