"""The client search index (signatures, then the words themselves) finds exactly what a plain
substring search of each client's folded text finds, whatever the characters and the order."""

import random

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.kernel.search import ClientColumns, fold_joined, fold_many, fold_utf8, terms
from app.ui.client_index import Signer, build_index, common_words
from app.ui.client_model import ClientTableModel

POOL = [*"abcdeélñoóuüzALÑÓ0123456789 -.,'&", "ß", "ł", "ø", "µ", "½", "İ", "😀", "\t"]


def text(rnd, longest):
    return "".join(rnd.choice(POOL) for _ in range(rnd.randint(0, longest)))


def columns(rnd, n):
    rows = [(i, text(rnd, 14), text(rnd, 8), text(rnd, 6), text(rnd, 5)) for i in range(n)]
    rows[3] = (3, "Ana\x1eLópez", "228", "Xalapa", "")  # a row separator inside a name
    return ClientColumns(*map(list, zip(*rows, strict=True)))


def reference(data):
    """Each client's folded fields (the phone as its digits), for a plain substring search."""
    keys = {}
    for i, name, phone, city, rfc in zip(*data.__dict__.values(), strict=True):
        digits = "".join(c for c in phone if c.isascii() and c.isdigit())
        keys[i] = "\x1f".join(fold_joined(t) for t in (name, city, rfc, digits))
    return keys


def expected(keys, query):
    words = terms(query)
    return {i for i, key in keys.items() if all(w in key for w in words)}


def shown(model):
    return [model.client_id(r) for r in range(model.rowCount())]


def typed_like_a_plain_search(model, keys, queries):
    """Each query typed a character at a time (the list narrowing as it goes) shows, at each
    keystroke, exactly the clients a plain search of ``keys`` finds."""
    for query in queries:
        model.set_query("")
        for i in range(1, len(query) + 1):
            model.set_query(query[:i])
            assert set(shown(model)) == expected(keys, query[:i]), query[:i]


@pytest.mark.parametrize(
    "sort",
    [None, (0, Qt.SortOrder.AscendingOrder), (0, Qt.SortOrder.DescendingOrder),
     (2, Qt.SortOrder.AscendingOrder)],
)  # fmt: skip
def test_search_finds_exactly_the_clients_holding_every_word(qapp, sort):
    rnd = random.Random(11)
    data = columns(rnd, 5000)  # more than one block
    index, keys = build_index(data), reference(data)
    typed = ClientTableModel()
    typed.load(data, index)
    if sort is not None:
        typed.sort(*sort)
    names = [fold_joined(n) for n in data.names[:60]]
    queries = ["a", "z", "0", "-", "ñ", "l", "lo", "ø", "ss", "µ", "1/2", "i̇", "😀", "zz9"]
    queries += [k[j : j + rnd.randint(1, 4)] for k in names[:30] for j in [rnd.randint(0, 5)]]
    queries += [f"{a} {b}" for a, b in zip(queries[:10], queries[30:40], strict=True)]
    for query in queries:
        typed.set_query("")
        for i in range(1, len(query) + 1):  # typed letter by letter: narrowing
            typed.set_query(query[:i])
        fresh = ClientTableModel()
        fresh.load(data, index)
        if sort is not None:
            fresh.sort(*sort)
        fresh.set_query(query)
        assert shown(typed) == shown(fresh), query
        assert set(shown(typed)) == expected(keys, query), query


def test_fold_utf8_is_fold_many_on_latin1_text():
    rnd = random.Random(5)
    pool = [chr(c) for c in range(256) if c != 0x1F] + ["ł", "ß", "é"]
    for _ in range(3000):
        texts = ["".join(rnd.choice(pool) for _ in range(rnd.randint(0, 6))) for _ in range(3)]
        folded = fold_utf8("\x1f".join(texts).encode())
        if all(ord(c) < 256 and c != "ß" for t in texts for c in t):
            fold = fold_many(texts)
            if all(len(f) == len(t) and f.isascii() for f, t in zip(fold, texts, strict=True)):
                assert folded is not None
        if folded is not None:
            assert folded.split(b"\x1f") == [f.encode() for f in fold_many(texts)]
    assert fold_utf8("Óscar PEÑA\x1fXalapa-Enríquez".encode()) == b"oscar pena\x1fxalapa-enriquez"
    assert fold_utf8("Łódź".encode()) is None


def test_a_built_index_keeps_no_signing_tables_and_signs_words_the_same():
    rnd = random.Random(3)
    data = columns(rnd, 300)
    index = build_index(data)
    assert index.signer._tables is None  # 2.3 MiB dropped once built
    own = sorted(index.signer.common), sorted(index.signer.triples)
    assert len(own[0]) == 128 and len(own[1]) == 64
    tabulated = Signer(*own).tabulate()
    words = [fold_joined(w).encode() for w in ("ra", "ez", "lóp", "228", "ñ", "😀", "a-b", "ß")]
    words += [k.encode()[:n] for k in map(fold_joined, data.names[:40]) for n in (2, 3, 5)]
    for word in words:
        assert index.signer.bits(word) == tabulated.bits(word), word
        assert (index.signer.sign([word]) == tabulated.sign([word])).all(), word
    for triple in own[1]:  # a triple with a bit of its own: that bit is the answer
        word = triple.to_bytes(3, "big")
        assert index.signer.exact(word)
        held = [i for i, key in enumerate(index.keys) if word in key]
        assert list(np.flatnonzero(index.keep([word]))) == held, word


@pytest.mark.parametrize(
    "sort", [None, (0, Qt.SortOrder.DescendingOrder), (1, Qt.SortOrder.AscendingOrder)]
)
def test_a_client_added_or_changed_lands_where_a_fresh_index_puts_it(qapp, sort):
    """Adding or editing one client moves only that row (no rebuild of the index), and the
    list then shows, sorts and finds exactly what a list built from scratch would."""
    rnd = random.Random(5)
    data = columns(rnd, 3000)
    rows = {i: [n, p, c, r] for i, n, p, c, r in zip(*data.__dict__.values(), strict=True)}
    model = ClientTableModel()
    model.load(data, build_index(data))
    if sort is not None:
        model.sort(*sort)
    model.set_query("a")
    edits = [(3001, "", "", "", ""), (3002, "aaa", "1", "", ""), (7, "zzzz último", "", "", "")]
    edits += [
        (12, rows[40][0], "555", "Xalapa", ""),
        (3003, "Ana\x1fLópez " + "x" * 200, "", "", ""),
    ]
    edits += [(3004, rows[2][0], *rows[2][1:])]  # the same key as another client
    for _ in range(40):
        client = rnd.choice([*rows, max(rows) + 1])
        edits.append((client, text(rnd, 14), text(rnd, 8), text(rnd, 6), text(rnd, 5)))
    for n, (client, *fields) in enumerate(edits):
        model.upsert(client, *fields)
        rows[client] = [f.replace("\x1f", " ") for f in fields]
        if n % 9 and n != len(edits) - 1:
            continue
        final = ClientColumns(list(rows), *map(list, zip(*rows.values(), strict=True)))
        fresh_index = build_index(final)
        whole = [model._index.key(p) for p in range(model.total)]
        assert whole == [fresh_index.key(p) for p in range(len(final))]
        assert np.array_equal(model._index.by_name, fresh_index.by_name)
        fresh = ClientTableModel()
        fresh.load(final, fresh_index)
        if sort is not None:
            fresh.sort(*sort)
        keys = reference(final)
        for query in ["a", "", "ana lopez", "xxxx", "ú", "0", "zz", "5"]:
            model.set_query(query)
            fresh.set_query(query)
            assert shown(model) == shown(fresh), query
            assert set(shown(model)) == expected(keys, query), query
        for row in range(0, model.rowCount(), 97):
            for column in range(4):
                cell = model.index(row, column)
                assert model.data(cell) == fresh.data(fresh.index(row, column))
        assert model.total == len(rows)


def test_the_first_client_of_an_empty_list_is_shown_and_found(qapp):
    model = ClientTableModel()
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.upsert(1, "María José", "228 123", "Xalapa", "")
    model.upsert(2, "Ana", "", "", "")
    model.upsert(1, "María José López", "228 123", "Xalapa", "")
    assert model.total == 2
    model.set_query("lopez")
    assert shown(model) == [1]
    model.set_query("")
    assert shown(model) == [2, 1]  # name order


def test_long_keys_are_cut_and_still_found_past_the_cut(qapp):
    """A few very long clients do not widen every row's key: theirs are cut to the others'
    width and kept whole beside, and a word anywhere in them (past the cut, across it, in
    the phone's digits at the end) is found as in a plain search, typed or narrowed, in every
    sort order; adding or editing a long client keeps the width."""
    rnd = random.Random(7)
    rows = [(i, text(rnd, 20) + " Pérez", text(rnd, 8), "Xalapa", "") for i in range(1500)]
    tail = "zorro último gavilán"
    for n, i in enumerate(range(0, 1500, 300)):  # 5: one row in 256 may be cut
        rows[i] = (i, "Ana " + "x" * (40 + 17 * n) + " " + tail, "228 555 01" + str(n), "", "")
    data = ClientColumns(*map(list, zip(*rows, strict=True)))
    index, keys = build_index(data), reference(data)
    longest = max(len(k.encode()) for k in keys.values())
    assert index.keys.dtype.itemsize < longest  # cut: the long rows do not set the width
    assert list(index.long_rows) == list(range(0, 1500, 300))
    queries = ["zorro", "ultimo", "gavilan", "x zorro", "xxxxxxxx", "2285550", "5550 zorro", "ana"]
    queries += ["xxxxxxxx" + "x" * 30 + " gav", "o u", "n g", "perez", "z"]
    queries += ["xalapa", "perez xalapa"]  # held by nearly every row: searched in place
    for sort in (None, (0, Qt.SortOrder.DescendingOrder), (2, Qt.SortOrder.AscendingOrder)):
        model = ClientTableModel()
        model.load(data, index)
        if sort is not None:
            model.sort(*sort)
        typed_like_a_plain_search(model, keys, queries)
    model = ClientTableModel()
    model.load(data, index)
    width = model._index.keys.dtype.itemsize
    model.upsert(5000, "Beto " + "y" * 300 + " colibrí", "", "", "")
    model.upsert(300, "Ana corta", "", "", "")  # no longer long
    assert model._index.keys.dtype.itemsize == width
    assert list(model._index.long_rows) == [0, 600, 900, 1200, 1500]  # rows, not ids
    model.set_query("colibri")
    assert shown(model) == [5000]
    model.set_query("ana corta")
    assert shown(model) == [300]
    model.set_query("zorro")
    assert set(shown(model)) == {0, 600, 900, 1200}


def test_rows_whose_cut_keys_are_equal_are_in_the_order_of_their_whole_keys():
    """The keys are cut before they are sorted (and sorted in place): rows equal up to the cut
    are still in the order of their whole keys, then of their rows, as a sort of the whole
    keys puts them."""
    rnd = random.Random(9)
    rows = [(i, text(rnd, 12), text(rnd, 6), "Xalapa", "") for i in range(1024)]
    stem = "Ana " + "x" * 90
    for i, tail in ((10, "zeta"), (20, "beta"), (30, "alfa"), (40, "alfa")):  # 4 in 1,024
        rows[i] = (i, f"{stem} {tail}", "", "", "")  # cut within the stem: equal keys
    rows[50] = (50, stem[:70], "", "", "")  # the longest that is not cut
    data = ClientColumns(*map(list, zip(*rows, strict=True)))
    index, keys = build_index(data), reference(data)
    assert index.keys.dtype.itemsize == len(keys[50].encode())
    assert list(index.long_rows) == [10, 20, 30, 40]
    order = sorted(keys, key=lambda row: (keys[row].encode(), row))
    assert list(index.by_name) == order
    assert [index.key(p) for p in range(len(order))] == [keys[r].encode() for r in order]
    assert list(index.rank[index.by_name]) == list(range(len(order)))


def test_words_most_clients_hold_are_marked_and_the_search_finds_the_same(qapp):
    """The words many clients hold (the area code, the city, a frequent surname) are marked
    once, a bit per row: a typed word part of one is known to be held there without a search.
    The rows found are exactly a plain search's — typed, narrowed, in every sort order, past
    a long row's cut — and stay so as clients are added or edited."""
    rnd = random.Random(5)
    # "Xalapa-Enriq Enríquez" passes the signatures of "xalapa-enriquez" (its letters, pairs
    # and triples) but does not hold it: a mark misplaced would show it
    cities = ["Xalapa-Enríquez", "Xalapa-Enríquez", "Xalapa-Enriq Enríquez", "Coatepec", "Xico"]
    areas = ["228", "228", "2282", "229"]
    rows = [
        (i, text(rnd, 10) + rnd.choice([" López", " Ruiz"]), f"({rnd.choice(areas)}) {i}",
         rnd.choice(cities), "")
        for i in range(3000)
    ]  # fmt: skip
    for i in range(0, 3000, 500):  # long rows: cut before their city
        rows[i] = (i, "Ana " + "y" * 70, "(228) 1", "Xalapa-Enríquez", "")
    data = ClientColumns(*map(list, zip(*rows, strict=True)))
    index, keys = build_index(data), reference(data)
    assert index.commons == () and set(range(0, 3000, 500)) <= set(index.long_rows)
    commons = common_words(index)
    words = [word for word, _ in commons]
    assert {b"228", b"xalapa-enriquez", b"lopez", b"coatepec"} <= set(words)  # 228: area code
    for word, bits in commons:  # each mark: the positions whose key holds the word
        marked = np.flatnonzero(np.unpackbits(bits, count=len(index.keys)))
        assert set(index.by_name[marked]) <= {r for r, k in keys.items() if word.decode() in k}
    queries = ["(228) 1", "xalapa-enriquez", "enriq lopez", "228 x", "lop", "(22", "pez (2"]
    queries += ["xalapa 228 ruiz", "yyyy xal", "o", "enriquez", "xalapa-enriquez lopez"]
    for sort in (None, (0, Qt.SortOrder.DescendingOrder), (2, Qt.SortOrder.AscendingOrder)):
        model = ClientTableModel()
        model.load(data, index)
        assert model.hold_commons(index, commons)
        assert model._index._surely_held(b"xala") is not None  # (the marks are used)
        if sort is not None:
            model.sort(*sort)
        typed_like_a_plain_search(model, keys, queries)
    # added and edited clients keep their marks in place
    edits = [
        (9000, "Zoé López", "(228) 5", "Xalapa-Enríquez", ""),
        (7, "Beto López", "(229) 1", "Xalapa-Enriq Enríquez", ""),  # holds neither now
        (500, "Ana corta", "(228) 2", "Xico", ""),  # no longer long
    ]
    for row in edits:
        model.upsert(*row)
        keys.update(reference(ClientColumns(*([v] for v in row))))
    assert [word for word, _ in model._index.commons] == words
    for query in ["(228)", "xalapa-enriquez lop", "zoe", "beto 229", "(228) 2 xico", "enriquez"]:
        model.set_query(query)
        assert set(shown(model)) == expected(keys, query), query
    assert not model.hold_commons(index, commons)  # the list changed meanwhile: not taken


def test_a_word_of_digits_and_phone_marks_is_searched_as_its_digits():
    assert terms("(228) 812-0353") == ["228", "8120353"]
    assert terms("+52 228.812.0353 1/2") == ["52", "2288120353", "12"]
    assert terms("Ext. 12 C-0 (ana) - ( ") == ["ext.", "12", "c-0", "(ana)"]
