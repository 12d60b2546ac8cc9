"""``@record`` behaves as ``@dataclass(frozen=True)`` (and ``frozen=False`` as ``@dataclass``):
each case runs on a class made both ways and compares what they do; ``dataclasses``' own
functions work on a record; and the corte's command path imports no ``dataclasses``."""

from __future__ import annotations

import copy
import dataclasses
import subprocess
import sys
from dataclasses import FrozenInstanceError, asdict, fields, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app.kernel import records
from app.kernel.records import record

ROOT = Path(__file__).resolve().parents[2]


def _both(frozen: bool = True) -> list[Any]:
    """The same class, once by ``dataclass`` and once by ``record``."""
    made = []
    for decorate, field in (
        (dataclasses.dataclass(frozen=frozen), dataclasses.field),
        (record(frozen=frozen), records.field),
    ):

        class Point:
            """A point with a label."""

            kind: ClassVar[str] = "point"
            x: int
            y: int = 0
            tags: tuple[str, ...] = field(default=())
            extra: list[int] = field(default_factory=list, compare=False, repr=False)

            def __post_init__(self) -> None:
                if self.x < 0:
                    raise ValueError("x < 0")

            @property
            def norm(self) -> int:
                return abs(self.x) + abs(self.y)

        made.append(decorate(Point))
    return made


@pytest.mark.parametrize("frozen", [True, False])
def test_construction_repr_and_equality_match_dataclass(frozen: bool) -> None:
    ref, ours = _both(frozen)
    for args, kwargs in [
        ((1,), {}),
        ((1, 2), {}),
        ((), {"x": 3, "tags": ("a",)}),
        ((1,), {"y": 5, "extra": [9]}),
        ((1, 2, ("a",), [7]), {}),  # every field, in order
    ]:
        a, b = ref(*args, **kwargs), ours(*args, **kwargs)
        assert repr(a) == repr(b)
        assert asdict(a) == asdict(b) == records.asdict(b)
        assert b == ours(*args, **kwargs) and b.norm == a.norm
    assert ours(1, extra=[1]) == ours(1, extra=[2])  # compare=False
    assert ours(1) != ours(2) and ours(1) != ref(1)  # another class is never equal
    assert ours(1).extra is not ours(1).extra  # default_factory: one list each
    with pytest.raises(ValueError, match="x < 0"):  # every field given: __post_init__ too
        ours(-1, 2, (), [])
    assert list(vars(ours(1, 2, (), [3]))) == ["x", "y", "tags", "extra"]
    assert [f.name for f in fields(ours)] == ["x", "y", "tags", "extra"]
    assert ours.__match_args__ == ref.__match_args__ and ours.kind == "point"
    # its docstring kept; under ``python -OO`` (as ``make run`` starts the app) there is none,
    # and the record names its fields instead
    kept = "A point with a label." if sys.flags.optimize < 2 else "Point(x, y, tags, extra)"
    assert ours.__doc__ == kept
    assert dataclasses.is_dataclass(ours) and dataclasses.is_dataclass(ours(1))
    assert [f.name for f in records.record_fields(ours)] == ["x", "y", "tags", "extra"]


def test_frozen_hash_replace_and_pickle() -> None:
    _, ours = _both()
    p = ours(1, 2)
    assert hash(p) == hash(ours(1, 2)) and len({p, ours(1, 2), ours(2, 1)}) == 2
    with pytest.raises(FrozenInstanceError):
        p.x = 5  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.y  # type: ignore[misc]
    moved = replace(p, y=7)
    assert (moved.x, moved.y, p.y) == (1, 7, 2) and records.replace(p, y=7) == moved
    with pytest.raises(ValueError, match="x < 0"):  # __post_init__ runs on replace too
        replace(p, x=-1)
    assert copy.deepcopy(p) == p and copy.copy(p) == p


def test_mutable_assigns_and_has_no_hash() -> None:
    ref, ours = _both(frozen=False)
    p = ours(1)
    p.y = 4
    assert p == ours(1, 4)
    assert ours.__hash__ is None and ref.__hash__ is None


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing 1 required argument: 'x'"),
        ((1, 2, (), [], 5), {}, "takes 5 positional arguments but 6 were given"),
        ((1,), {"z": 2}, "unexpected keyword argument 'z'"),
        ((1,), {"x": 2}, "multiple values for argument 'x'"),
    ],
)
def test_bad_calls_are_refused_like_dataclass(args: Any, kwargs: Any, message: str) -> None:
    ref, ours = _both()
    with pytest.raises(TypeError):
        ref(*args, **kwargs)
    with pytest.raises(TypeError, match=message):
        ours(*args, **kwargs)
    with pytest.raises(ValueError):
        ours(-1)


def test_methods_of_the_class_body_are_kept() -> None:
    @record
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name.lower() == self.name.lower()

        def __hash__(self) -> int:
            return hash(self.name.lower())

    assert repr(Named("A")) == "<A>"
    assert Named("A") == Named("a") and hash(Named("A")) == hash(Named("a"))


def test_nested_records_and_inheritance() -> None:
    @record
    class Inner:
        a: int

    @record
    class Outer:
        inner: Inner
        more: tuple[Inner, ...] = ()

    @record
    class Wider(Inner):
        b: int = 2

    o = Outer(Inner(1), (Inner(2),))
    assert records.asdict(o) == asdict(o) == {"inner": {"a": 1}, "more": ({"a": 2},)}
    assert Wider(5) == Wider(5, 2) and repr(Wider(5)).endswith(".Wider(a=5, b=2)")
    assert Wider(5) != Inner(5)


def test_unsupported_fields_are_refused() -> None:
    with pytest.raises(TypeError, match=r"records\.field"):

        @record
        class Foreign:
            shown: int
            secret: int = dataclasses.field(default=0)

    with pytest.raises(ValueError, match="mutable default"):

        @record
        class Shared:
            items: list[int] = []  # noqa: RUF012


def test_the_cortes_command_path_imports_no_dataclasses() -> None:
    """What ``appleuse summary -o día.csv`` imports (the corte, its rules, the CSV) defines
    its values without ``dataclasses`` and its ``inspect``, ``ast``, ``dis``…"""
    code = (
        "import sys, app.cli; app.cli.build_parser(command='summary'); "
        "import app.commands.summary, app.commands.output, app.services.day_summary, "
        "app.documents.summary_csv, app.location; "
        "print(sorted(m for m in ('dataclasses', 'inspect', 'ast') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
