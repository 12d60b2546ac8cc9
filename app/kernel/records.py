"""``@record``: the app's immutable values, as ``@dataclass(frozen=True)`` makes them, without
compiling code for each class at import — nor importing ``dataclasses`` at all.

Python 3.11's ``dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles it with ``exec``
every time the module is imported (~1–2 ms a class; nothing of it is cached in ``.pyc``), and
``dataclasses`` itself imports ``inspect`` (with ``ast``, ``dis``, ``tokenize``). A command such
as ``appleuse summary`` imports some forty of these classes: the compiling was a third of its
instructions, the import of ``dataclasses`` another tenth. ``@record`` reads the fields from
the class's annotations and gives the class these methods, written once here:

- ``__init__``: the fields in order, positional or by keyword, their defaults and
  ``field(default_factory=…)``; then ``__post_init__`` when the class has one;
- ``__repr__``: ``Name(a=1, b='x')`` (fields with ``repr=False`` left out);
- ``__eq__``: same class and equal fields (``compare=False`` left out); ``__hash__`` the hash
  of those fields (a frozen record) or none (a mutable one), unless the class writes its own;
- frozen (the default): assigning or deleting a field raises
  ``dataclasses.FrozenInstanceError``.

``@record(frozen=False)`` is ``@dataclass``. Methods the class body defines are kept, as
``dataclass`` keeps them. :func:`field`, :func:`replace`, :func:`asdict` and
:func:`record_fields` are this module's own; ``dataclasses.fields``, ``replace``, ``asdict``
and ``is_dataclass`` work on a record too (its ``__dataclass_fields__`` are made, importing
``dataclasses``, the first time something asks for them). Not supported (``dataclass`` still
serves them): ``order``, ``slots``, ``kw_only``, ``InitVar`` and fields with ``init=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar, TypeVar, dataclass_transform, overload

_C = TypeVar("_C", bound=type)
_T = TypeVar("_T")
_set = object.__setattr__


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """One field of a record: its name, default or default factory, and whether it shows in
    ``repr``, counts in ``==`` and in the hash."""

    __slots__ = ("compare", "default", "default_factory", "hash", "name", "repr", "type")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        repr: bool = True,
        compare: bool = True,
        hash: bool | None = None,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare
        self.hash = hash


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    repr: bool = True,
    compare: bool = True,
    hash: bool | None = None,
) -> Any:
    """``dataclasses.field`` for a record."""
    return Field(default, default_factory, repr, compare, hash)


@overload
def record(cls: _C, /) -> _C: ...


@overload
def record(*, frozen: bool = True) -> Callable[[_C], _C]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: _C | None = None, /, *, frozen: bool = True) -> _C | Callable[[_C], _C]:
    """``@dataclass(frozen=True)`` (``frozen=False``: ``@dataclass``), see the module."""

    def wrap(c: _C) -> _C:
        return _build(c, frozen)

    return wrap if cls is None else wrap(cls)


def record_fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record (class or instance), in order."""
    found: tuple[Field, ...] = getattr(obj, "__record_fields__")  # noqa: B009
    return found


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with ``changes`` (``__post_init__`` runs again)."""
    values = {f.name: getattr(obj, f.name) for f in record_fields(obj)}
    values.update(changes)
    return type(obj)(**values)


def asdict(obj: Any) -> dict[str, Any]:
    """The record's fields as a dict, records inside it (also in lists, tuples and dicts)
    turned into dicts too, as ``dataclasses.asdict`` does."""
    return {f.name: _plain(getattr(obj, f.name)) for f in record_fields(obj)}


def _plain(value: Any) -> Any:
    if hasattr(type(value), "__record_fields__"):
        return asdict(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return type(value)(*[_plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return type(value)((_plain(k), _plain(v)) for k, v in value.items())
    return value


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _collect(cls: type) -> tuple[Field, ...]:
    """The fields: those of record bases, then the class's own annotations, in order."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in base.__dict__.get("__record_fields__", ()):
            found[f.name] = f
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (``inspect``: not imported)
    for name, annotation in own.items():
        if _is_classvar(annotation):
            continue
        if isinstance(annotation, str) and annotation.startswith(("InitVar", "KW_ONLY")):
            raise TypeError(f"@record no admite el campo {cls.__name__}.{name}; use @dataclass")
        default = cls.__dict__.get(name, MISSING)
        if type(default).__module__ == "dataclasses":  # dataclasses.field(…): not ours
            raise TypeError(f"{cls.__name__}.{name}: use app.kernel.records.field")
        f = default if isinstance(default, Field) else Field(default)
        if isinstance(f.default, (list, dict, set)):
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed")
        f.name, f.type = name, annotation
        if f.default is MISSING:
            if isinstance(default, Field):
                delattr(cls, name)  # as dataclass leaves it: no class attribute
        else:
            setattr(cls, name, f.default)
        found[name] = f
    return tuple(found.values())


def _build(cls: _C, frozen: bool) -> _C:
    own = dict(cls.__dict__)
    class_hash = own.get("__hash__", MISSING)
    explicit_hash = not (class_hash is MISSING or (class_hash is None and "__eq__" in own))
    fields = _collect(cls)
    names = tuple(f.name for f in fields)
    methods: dict[str, Any] = {
        "__init__": _init(cls, fields),
        "__repr__": _repr([f.name for f in fields if f.repr]),
        "__eq__": _eq(_key(tuple(f.name for f in fields if f.compare))),
    }
    if not explicit_hash:
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        methods["__hash__"] = _hash(_key(hashed)) if frozen else None
    if frozen:
        methods.update(_frozen(cls, frozenset(names)))
    for name, method in methods.items():
        if name == "__hash__" or name not in own:
            if method is not None:
                method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    c: Any = cls
    c.__record_fields__ = fields
    c.__record_frozen__ = frozen
    if "__match_args__" not in own:
        setattr(cls, "__match_args__", names)  # noqa: B010
    if not cls.__doc__:
        cls.__doc__ = f"{cls.__name__}({', '.join(names)})"
    c.__dataclass_fields__ = _DataclassFields()
    return cls


class _DataclassFields:
    """``__dataclass_fields__`` made on first use (``dataclasses.fields``, ``replace``,
    ``asdict``, ``is_dataclass``): the fields of a throwaway dataclass with the same fields,
    so ``dataclasses`` is imported only by code that asks for it."""

    def __get__(self, obj: Any, owner: type) -> dict[str, Any]:
        import dataclasses

        fields = record_fields(owner)
        namespace: dict[str, Any] = {"__annotations__": {f.name: f.type for f in fields}}
        for f in fields:
            namespace[f.name] = dataclasses.field(
                default=f.default if f.default is not MISSING else dataclasses.MISSING,
                default_factory=(
                    f.default_factory if f.default_factory is not MISSING else dataclasses.MISSING
                ),
                repr=f.repr, compare=f.compare, hash=f.hash,
            )  # fmt: skip
        shadow = type(owner.__name__, (), namespace)
        shadow.__module__ = owner.__module__
        done: Any = dataclasses.dataclass(shadow, init=False, repr=False, eq=False)
        made: dict[str, Any] = done.__dataclass_fields__
        target: Any = owner
        target.__dataclass_fields__ = made  # from now on a plain attribute
        target.__dataclass_params__ = done.__dataclass_params__
        return made


def _init(cls: type, fields: tuple[Field, ...]) -> Callable[..., None]:
    names = tuple(f.name for f in fields)
    slots = tuple((f.name, f.default, f.default_factory) for f in fields)
    known = frozenset(names)
    count = len(names)
    post = getattr(cls, "__post_init__", None) is not None
    title = f"{cls.__qualname__}.__init__()"

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        given = len(args)
        own: Any = type(self) is cls  # (Any: not a narrowing of ``self`` for the type checker)
        if given == count and not kwargs and own:
            # every field, in order (the common call): one C call instead of a Python loop
            # setting each field (a record of eight fields: 3.9 → 1.2–2 µs). A subclass goes
            # the long way: it may make a field a property.
            self.__dict__.update(zip(names, args, strict=True))
            if post:
                self.__post_init__()
            return
        if given > count:
            raise TypeError(
                f"{title} takes {count + 1} positional arguments but {given + 1} were given"
            )
        # the values gathered, then set at once (the class's own: as above) or one by one
        values = dict(zip(names, args, strict=False))
        if given < count:
            for name, default, factory in slots[given:]:
                value = kwargs.pop(name, MISSING)  # ``kwargs`` is this call's own dict
                if value is MISSING:
                    if default is not MISSING:
                        value = default
                    elif factory is not MISSING:
                        value = factory()
                    else:
                        raise TypeError(f"{title} missing 1 required argument: {name!r}")
                values[name] = value
        if own:  # by keyword, with defaults (most calls of the rules): 5.4 → ~2 µs
            self.__dict__.update(values)
        else:
            for name, value in values.items():
                _set(self, name, value)
        if kwargs:
            name = next(iter(kwargs))
            if name in known:
                raise TypeError(f"{title} got multiple values for argument {name!r}")
            raise TypeError(f"{title} got an unexpected keyword argument {name!r}")
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


def _frozen_error(message: str) -> Exception:
    """``dataclasses.FrozenInstanceError`` (``dataclasses`` imported when first raised)."""
    import dataclasses

    return dataclasses.FrozenInstanceError(message)


def _frozen(cls: Any, names: frozenset[str]) -> dict[str, Callable[..., None]]:
    """``dataclass``'s frozen ``__setattr__`` and ``__delattr__``: a field of the class (or
    any attribute of an instance of the class itself) cannot be assigned nor deleted."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise _frozen_error(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise _frozen_error(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return {"__setattr__": __setattr__, "__delattr__": __delattr__}
