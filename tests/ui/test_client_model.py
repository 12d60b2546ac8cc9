"""The client list model: searching while typing gives exactly what a fresh search gives."""

import random

import pytest
from PySide6.QtCore import Qt

from app.kernel.search import ClientColumns
from app.ui.client_model import ClientTableModel

FIRST = ["Ana", "José", "María", "Óscar", "Lucía", "Iñaki", "Raúl", "Noemí"]
LAST = ["López", "Hernández", "Peña", "Cházaro", "Muñoz", "Ibáñez", "Lara"]
CITIES = ["Xalapa", "Coatepec", "Xico", "Córdoba"]


def columns(n=3000, seed=1):
    rnd = random.Random(seed)
    rows = [
        (
            i,
            f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {rnd.choice(LAST)}",
            f"(228) {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}",
            rnd.choice(CITIES),
            rnd.choice(["", "GODE561231GR8", "LOPJ800101AB1"]),
        )
        for i in range(1, n + 1)
    ]
    return ClientColumns(*map(list, zip(*rows, strict=True)))


def ids(model):
    return [model.client_id(r) for r in range(model.rowCount())]


def test_typing_narrows_to_the_same_rows_as_a_fresh_search(qapp):
    data = columns()
    typed = ClientTableModel()
    typed.load(data)
    typed.sort(0, Qt.SortOrder.AscendingOrder)
    for query in ["lopez hernandez", "ana  pena", "228 8", "xalapa gode", "muñoz", "LARA lara"]:
        typed.set_query("")
        for i in range(1, len(query) + 1):
            typed.set_query(query[:i])
            fresh = ClientTableModel()
            fresh.load(data)
            fresh.sort(0, Qt.SortOrder.AscendingOrder)
            fresh.set_query(query[:i])
            assert ids(typed) == ids(fresh), query[:i]
        # deleting characters widens the result again
        typed.set_query(query[:2])
        fresh.set_query(query[:2])
        assert ids(typed) == ids(fresh)


def test_search_ignores_accents_and_matches_phone_digits(qapp):
    model = ClientTableModel()
    model.load(ClientColumns([1, 2], ["Óscar Peña", "Ana López"], ["(228) 812 0353", ""],
                             ["Xalapa", "Coatepec"], ["", ""]))  # fmt: skip
    model.set_query("oscar pena")
    assert ids(model) == [1]
    model.set_query("2288120353")
    assert ids(model) == [1]
    model.set_query("LÓPEZ coatepec")
    assert ids(model) == [2]
    model.set_query("")
    assert sorted(ids(model)) == [1, 2]


def test_a_phone_is_found_however_its_marks_are_typed(qapp):
    """A phone typed with dashes, dots or parentheses finds the client whose phone was
    stored with spaces (and the other way round): a word of digits and those marks is looked
    for among the phone's digits. Before, "228-812-0353" found nobody."""
    model = ClientTableModel()
    model.load(ClientColumns([1, 2, 3], ["Óscar Peña", "Ana López", "Raúl (ext. 12)"],
                             ["(228) 812 0353", "228-555-0101", "55 1234 5678"],
                             ["Xalapa", "Coatepec", "CDMX"], ["", "", ""]))  # fmt: skip
    found = {
        "228-812-0353": [1], "228.812.0353": [1], "(228)812-0353": [1], "812-03": [1],
        "(228) 555 0101": [2], "228 555-0101": [2], "(55) 1234-5678": [3], "(228)": [1, 2],
        "ext. 12": [3], "(ext": [3], "ana 555-0101": [2], "ana 812-0353": [],
    }  # fmt: skip
    for query, expected in found.items():
        model.set_query("")
        for i in range(1, len(query) + 1):  # typed, the list narrowing as it goes
            model.set_query(query[:i])
        assert sorted(ids(model)) == expected, query


def test_the_list_shows_before_the_index_is_built(qapp):
    model = ClientTableModel()
    model.load(ClientColumns([5, 6], ["Zoe", "Álvaro"], ["", ""], ["", ""], ["", ""]))
    assert not model.indexed
    assert ids(model) == [5, 6]  # as given, at once
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.indexed
    assert ids(model) == [6, 5]  # "Álvaro" before "Zoe": accents ignored


def test_packed_columns_hold_each_text_as_given(qapp):
    from app.services.client_list import ClientBlobs
    from app.ui.client_model import RowColumn, packed_columns

    names = ["Óscar Peña", "", "Ana López"]
    blobs = ClientBlobs(
        3,
        b"0000000007" b"0000000012" b"0000001234",
        "\x1f".join(names).encode(),
        b"(228) 812 0353\x1f\x1f",
        "Xalapa\x1fCórdoba\x1fXico".encode(),
        b"\x1f\x1fGODE561231GR8",
    )  # fmt: skip
    columns = packed_columns(blobs)
    assert columns is not None
    assert [int(i) for i in columns.ids] == [7, 12, 1234]
    assert isinstance(columns.names, RowColumn)  # one PackedRows: an offset per client
    assert list(columns.names) == names and columns.names[0] == "Óscar Peña"
    assert columns.names[-1] == "Ana López" and columns.names[1:3] == ["", "Ana López"]
    assert list(columns.phones) == ["(228) 812 0353", "", ""]
    assert list(columns.rfcs) == ["", "", "GODE561231GR8"]
    # a field holding the separator itself: not packed, the services read the rows instead
    assert packed_columns(ClientBlobs(2, b"0000000001" b"0000000002", b"a\x1fb\x1fc", b"\x1f",
                                      b"\x1f", b"\x1f")) is None  # fmt: skip
    empty = packed_columns(ClientBlobs(0, b"", b"", b"", b"", b""))
    assert empty is not None and len(empty) == 0 and list(empty.names) == []
    model = ClientTableModel()
    model.load(columns)
    model.set_query("pena 0353")
    assert ids(model) == [7]
    assert model.row_of(7) == 0 and model.row_of(99) is None


def test_packed_rows_hold_each_client_once_and_replace_one():
    from app.ui.client_model import PackedRows

    texts = [["Óscar Peña", "", "Ana\x1fLópez", "😀"], ["228", "", "1", ""],
             ["Xalapa", "Córdoba", "", ""], ["", "GODE561231GR8", "", "x"]]  # fmt: skip
    rows = PackedRows.from_columns(texts)
    assert len(rows) == 4 and rows._starts.nbytes == 5 * 4  # one offset per client
    expected = [[t.replace("\x1f", " ") for t in column] for column in texts]
    assert [list(c) for c in rows.columns()] == expected
    assert rows.field(2, 0) == "Ana López" and rows.column(3)[-3] == "GODE561231GR8"
    assert rows.column(2)[1:3] == ["Córdoba", ""] and rows.column(0)[3:3] == []
    assert rows.raw(1, 3) == [
        b"\x1fAna L\xc3\xb3pez",
        b"\x1f1",
        "Córdoba\x1f".encode(),
        b"GODE561231GR8\x1f",
    ]
    changed = rows.replaced(1, ["Zoé", "55", "", "R"]).replaced(4, ["Nuevo", "", "Xico", ""])
    expected = [["Óscar Peña", "Zoé", "Ana López", "😀", "Nuevo"], ["228", "55", "1", "", ""],
                ["Xalapa", "", "", "", "Xico"], ["", "R", "", "x", ""]]  # fmt: skip
    assert [list(c) for c in changed.columns()] == expected
    assert rows.column(0)[1] == ""  # the original is unchanged
    empty = PackedRows.from_columns([[], [], [], []])
    assert len(empty) == 0 and empty.raw(0, 0) == [b""] * 4
    assert list(empty.replaced(0, ["A", "", "", ""]).column(0)) == ["A"]
    with pytest.raises(IndexError):
        rows.column(0)[4]
    odd = PackedRows.from_columns([["A\x1eB", "C"], ["1", "2"], ["", ""], ["", ""]])
    assert list(odd.column(0)) == ["A\x1eB", "C"] and odd.field(1, 1) == "2"  # as typed


def test_packed_rows_are_held_compressed_and_read_alike_across_chunks():
    """Compressed a chunk of clients at a time, the texts read as before: every field, every
    slice across chunks and every replacement (inside a chunk, at its edges, one client more
    at a chunk's end, the first of an empty list) reads as the texts themselves."""
    import random

    from app.ui.client_texts import CACHED, CHUNK, PackedRows

    rnd = random.Random(4)
    pool = ["Ana", "López", "Peña", "Xalapa-Enríquez", "228 555", "GODE561231GR8", "😀", "\x1e", ""]
    count = 3 * CHUNK + 17
    texts = [[" ".join(rnd.choices(pool, k=rnd.randint(0, 4))) for _ in range(count)]
             for _ in range(4)]  # fmt: skip
    plain = PackedRows.from_columns(texts)
    rows = plain.compressed()
    assert rows.compressed() is rows and rows._chunks is not None and plain._chunks is None
    assert rows.nbytes < plain.nbytes / 2  # (plus one 4-byte offset per client)
    assert [list(c) for c in rows.columns()] == texts
    assert all(rows.field(r, c) == texts[c][r] for r in range(count) for c in range(4))
    assert 0 < len(rows._cache) <= CACHED and 0 < len(rows._painted) <= CACHED  # lately read
    for lo, hi in ((0, count), (CHUNK - 1, CHUNK + 1), (5, 2 * CHUNK + 3), (count - 1, count)):
        assert rows.raw(lo, hi) == plain.raw(lo, hi)
        assert rows.block(lo, hi) == plain.block(lo, hi)
    for row in (
        0,
        CHUNK - 1,
        CHUNK,
        2 * CHUNK + 5,
        count,
        count + 1,
        *range(count + 2, 4 * CHUNK + 1),
    ):
        value = [f"Nuevo {row}", "", "Córdoba", "x" * (row % 7)]
        rows, plain = rows.replaced(row, value), plain.replaced(row, value)
        for column, text in zip(texts, value, strict=True):
            if row < len(column):
                column[row] = text
            else:
                column.append(text)
        assert rows._chunks is not None and plain._chunks is None
        assert [list(c) for c in rows.columns()] == texts == [list(c) for c in plain.columns()]
    assert len(rows._chunks) == 4 * CHUNK // CHUNK + 1  # one client more: a chunk more
    empty = PackedRows.from_columns([[], [], [], []]).compressed()
    first = empty.replaced(0, ["A", "1", "", ""]).replaced(1, ["B", "", "", ""])
    assert [list(c) for c in first.columns()] == [["A", "B"], ["1", ""], ["", ""], ["", ""]]


def test_the_list_holds_its_texts_compressed_unless_it_changed_meanwhile(qapp):
    from app.ui.client_model import ClientTableModel

    names = ["Óscar Peña", "Ana López", "Lucía Muñoz"]
    model = ClientTableModel()
    assert model.texts() is None
    model.load(ClientColumns([1, 2, 3], names, ["228", "", "1"], ["Xalapa"] * 3, [""] * 3))
    model.set_query("pena")
    rows = model.texts()
    assert rows is not None and rows._chunks is None
    assert model.hold_texts(rows, rows.compressed())
    held = model.texts()
    assert held is not None and held._chunks is not None and held is not rows
    assert model.rowCount() == 1 and model.index(0, 0).data() == "Óscar Peña"
    model.set_query("")
    assert [model.index(r, 0).data() for r in range(3)] == names
    model.upsert(4, "Zoé", "", "", "")  # a client added while the texts were compressed
    assert not model.hold_texts(held, held.compressed())  # (they are no longer the list's)
    assert not model.hold_texts(model.texts(), rows.compressed())  # not the same clients
    assert model.total == 4 and model.index(3, 0).data() == "Zoé"
