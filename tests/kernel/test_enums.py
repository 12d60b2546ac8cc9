"""Every enumeration lives in app.kernel.enums once, each labelled member with its own Spanish
label — members of different enumerations may share a value ("remote") and keep theirs."""

from __future__ import annotations

import inspect
from enum import StrEnum

import app.kernel.enums as enums
from app.kernel.enums import Band, CaseState, EventClass, Modality, Outcome, SessionAction


def labelled() -> list[type[StrEnum]]:
    return [
        c for _, c in inspect.getmembers(enums, inspect.isclass)
        if issubclass(c, enums._Labelled) and c is not enums._Labelled
    ]  # fmt: skip


def test_every_labelled_member_has_a_spanish_label() -> None:
    for cls in labelled():
        for member in cls:
            assert member.label.strip(), member  # type: ignore[attr-defined]


def test_members_sharing_a_value_keep_their_own_label() -> None:
    assert Modality.REMOTE == EventClass.REMOTE == "remote"
    assert Modality.REMOTE.label == "A distancia"
    assert EventClass.REMOTE.label == "a distancia"
    assert Outcome.RESOLVED.label == CaseState.RESOLVED.label == "Resuelto"
    assert Band.BUSINESS.label == "horario laboral"
    assert SessionAction.REQUEST_REMOTE.label == "Solicitar control remoto"


def test_every_enumeration_of_the_app_is_defined_here_once() -> None:
    """No other module of the app defines an enumeration."""
    import ast
    from pathlib import Path

    root = Path(enums.__file__).resolve().parents[1]
    elsewhere = []
    for path in root.rglob("*.py"):
        if path.name == "enums.py" and path.parent.name == "kernel":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(b) in ("StrEnum", "Enum", "IntEnum", "enum.Enum") for b in node.bases
            ):
                elsewhere.append(f"{path.relative_to(root)}:{node.name}")
    assert elsewhere == []
