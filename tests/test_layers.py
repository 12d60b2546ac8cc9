"""The layers point down only (STYLE.md "Shape of the app"), checked on the source itself.

Every ``import`` in ``app/`` — at module level or inside a function, but not under
``if TYPE_CHECKING:`` — is read with ``ast`` and its target classified:

    composition root (main, cli, bootstrap, commands, location)
      → ui → services → documents, models → billing → kernel

The kernel imports only the standard library; billing only the kernel (and ``holidays``);
models no services, documents or UI; documents no services, models or UI; services no UI or
composition root; widgets no SQLAlchemy, models or composition root. Nothing below the
composition root imports upward, and the app's modules form no import cycle.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

#: For each layer: the app layers and the outside packages it may import.
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    "package": (set(), set()),  # app/__init__.py: the app's name and version
    "kernel": ({"kernel"}, set()),
    "billing": ({"kernel", "billing"}, {"holidays"}),
    "models": ({"kernel", "models"}, {"sqlalchemy", "alembic"}),
    "documents": ({"kernel", "billing", "documents", "package"}, {"reportlab", "icalendar"}),
    "services": (
        {"kernel", "billing", "models", "documents", "services"},
        {"sqlalchemy", "stdnum"},
    ),
    "ui": ({"kernel", "billing", "documents", "services", "ui", "package"}, {"PySide6", "numpy"}),
    "root": (
        {"kernel", "billing", "models", "documents", "services", "ui", "root", "package"},
        {"PySide6", "sqlalchemy", "platformdirs", "alembic"},
    ),
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if parts == ["app"]:
        return "package"
    if parts[0] != "app":
        return "outside"
    top = parts[1]
    if top in ("kernel", "billing", "models", "documents", "services", "ui"):
        return top
    return "root"  # cli, bootstrap, commands, location, __main__


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """Line numbers inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """``(line, imported module)`` for every runtime import of ``module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_blocks(tree)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            if base.startswith("app"):
                for alias in node.names:  # ``from app.models import engine``: a module
                    candidate = f"{base}.{alias.name}"
                    known = {m for m, _ in modules()}
                    yield node.lineno, candidate if candidate in known else base
            else:
                yield node.lineno, base


def violations() -> list[str]:
    out = []
    for module, path in modules():
        layer = layer_of(module)
        layers, outside = ALLOWED[layer]
        for line, target in imports(module, path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if top in STDLIB:
                continue
            if top == "app":
                if layer_of(target) not in layers:
                    out.append(f"{where} ({layer} may not import {layer_of(target)})")
            elif top not in outside:
                out.append(f"{where} ({layer} may not import {top})")
    return out


def test_layers_point_down_only() -> None:
    assert violations() == []


def import_cycles() -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    known = {m for m, _ in modules()}
    for module, path in modules():
        for _, target in imports(module, path):
            if target in known and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in seen:
                visit(nxt, [*trail, nxt])
        seen[node] = 2

    for module in sorted(known):
        if module not in seen:
            visit(module, [module])
    return cycles


def test_the_app_has_no_import_cycle() -> None:
    assert import_cycles() == []


def fake_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    for name, source in {"app/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "APP", tmp_path / "app")


def test_the_check_catches_a_cycle_held_by_a_function_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_app(tmp_path, monkeypatch, {
        "app/services/__init__.py": "",
        "app/services/a.py": "from app.services import b\n",
        "app/services/b.py": "def f():\n    from app.services.a import x\n",
    })  # fmt: skip
    assert import_cycles() == [["app.services.a", "app.services.b", "app.services.a"]]


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("from app.services.facade import Services\n", "kernel may not import services"),
        ("import sqlalchemy\n", "kernel may not import sqlalchemy"),
    ],
)
def test_the_check_catches_an_upward_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, bad: str
) -> None:
    """The rule test is real: a kernel module importing a service or SQLAlchemy is reported."""
    fake_app(tmp_path, monkeypatch, {"app/kernel/__init__.py": "", "app/kernel/bad.py": source})
    found = violations()
    assert len(found) == 1 and bad in found[0]


def loaded_after(statement: str) -> list[str]:
    """The heavy packages a fresh interpreter holds after ``statement``."""
    script = (
        f"import sys, json; {statement}; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'alembic', 'PySide6', 'reportlab', 'numpy'})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    found: list[str] = json.loads(proc.stdout)
    return found


def test_the_windows_enums_and_values_load_no_sqlalchemy() -> None:
    assert loaded_after("import app.kernel.enums, app.kernel.timeline") == []
    assert loaded_after("import app.services.values, app.services.data") == []
    assert loaded_after("import app.billing.session_rules, app.billing.policy") == []


def test_the_kernel_is_standard_library_only() -> None:
    kernel = [m for m, _ in modules() if m.startswith("app.kernel")]
    assert loaded_after("import " + ", ".join(kernel)) == []
