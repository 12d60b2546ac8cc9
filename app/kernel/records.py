"""``@record``: the app's immutable values, as ``@dataclass(frozen=True)`` makes them, without
compiling code for each class at import.

Python 3.11's ``dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles it with ``exec``
every time the module is imported (~1–2 ms a class; nothing of it is cached in ``.pyc``). A
command such as ``appleuse summary`` imports some forty of them, and that compiling was a
third of its instructions. ``@record`` lets ``dataclasses`` find the fields (so ``fields``,
``replace``, ``asdict`` and ``is_dataclass`` work as before) with every generated method
turned off, and gives the class these methods, written once here:

- ``__init__``: the fields in order, positional or by keyword, their defaults and
  ``default_factory``; then ``__post_init__`` when the class has one;
- ``__repr__``: ``Name(a=1, b='x')`` (fields with ``repr=False`` left out);
- ``__eq__``: same class and equal fields (``compare=False`` left out); ``__hash__`` the hash
  of those fields (a frozen value) or none (a mutable one), unless the class writes its own;
- frozen (the default): assigning or deleting a field raises ``FrozenInstanceError``.

``@record(frozen=False)`` is ``@dataclass``. Methods the class body defines are kept, as
``dataclass`` keeps them. Not supported (``dataclass`` still serves them): ``order``,
``slots``, ``kw_only``, ``InitVar`` and fields with ``init=False``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_C = TypeVar("_C", bound=type)
_MISSING: Any = dataclasses.MISSING
_set = object.__setattr__


@overload
def record(cls: _C, /) -> _C: ...


@overload
def record(*, frozen: bool = True) -> Callable[[_C], _C]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: _C | None = None, /, *, frozen: bool = True) -> _C | Callable[[_C], _C]:
    """``@dataclass(frozen=True)`` (``frozen=False``: ``@dataclass``), see the module."""

    def wrap(c: _C) -> _C:
        return _build(c, frozen)

    return wrap if cls is None else wrap(cls)


def _build(cls: _C, frozen: bool) -> _C:
    own = dict(cls.__dict__)
    class_hash = own.get("__hash__", _MISSING)
    explicit_hash = not (class_hash is _MISSING or (class_hash is None and "__eq__" in own))
    if not cls.__doc__:
        cls.__doc__ = cls.__name__  # else ``dataclass`` asks ``inspect`` for a signature
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)  # the fields only
    fields = dataclasses.fields(cls)
    for f in fields:
        if not f.init or f.kw_only or f._field_type is not dataclasses._FIELD:  # type: ignore[attr-defined]
            raise TypeError(f"@record no admite el campo {cls.__name__}.{f.name}; use @dataclass")
    methods: dict[str, Any] = {
        "__init__": _init(cls, fields),
        "__repr__": _repr([f.name for f in fields if f.repr]),
    }
    compared = tuple(f.name for f in fields if f.compare)
    methods["__eq__"] = _eq(_key(compared))
    if not explicit_hash:
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        methods["__hash__"] = _hash(_key(hashed)) if frozen else None
    if frozen:
        methods.update(_frozen(cls, frozenset(f.name for f in fields)))
    for name, method in methods.items():
        if name == "__hash__" or name not in own:
            if method is not None:
                method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    return cls


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    names = tuple(f.name for f in fields)
    slots: tuple[tuple[str, Any, Any], ...] = tuple(
        (f.name, f.default, f.default_factory) for f in fields
    )
    known = {name: k for k, name in enumerate(names)}
    count = len(names)
    post = getattr(cls, "__post_init__", None) is not None
    title = f"{cls.__qualname__}.__init__()"

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        given = len(args)
        if given > count:
            raise TypeError(
                f"{title} takes {count + 1} positional arguments but {given + 1} were given"
            )
        for name, arg in zip(names, args, strict=False):
            _set(self, name, arg)
        if given < count or kwargs:
            for name in kwargs:
                where = known.get(name)
                if where is None:
                    raise TypeError(f"{title} got an unexpected keyword argument {name!r}")
                if where < given:
                    raise TypeError(f"{title} got multiple values for argument {name!r}")
            for name, default, factory in slots[given:]:
                if name in kwargs:
                    _set(self, name, kwargs[name])
                elif default is not _MISSING:
                    _set(self, name, default)
                elif factory is not _MISSING:
                    _set(self, name, factory())
                else:
                    raise TypeError(f"{title} missing 1 required argument: {name!r}")
        if post:
            self.__post_init__()

    return __init__


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``names`` as a tuple (``attrgetter`` returns a bare value for one)."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _repr(names: list[str]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _eq(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, object], Any]:
    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _frozen(cls: Any, names: frozenset[str]) -> dict[str, Callable[..., None]]:
    """``dataclass``'s frozen ``__setattr__`` and ``__delattr__``: a field of the class (or
    any attribute of an instance of the class itself) cannot be assigned nor deleted."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return {"__setattr__": __setattr__, "__delattr__": __delattr__}
