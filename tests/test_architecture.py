"""The layer rule of ARCHITECTURE.md: a lower layer never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "conformance"

LAYERS = {
    "spec": 0,
    "images": 0,
    "triggers": 0,
    "generated": 0,
    "gc_pause": 0,
    "schema": 1,
    "plan": 2,
    "exchange": 2,
    "checks": 2,
    "docs": 2,
    "openapi": 2,
    "transport": 3,
    "server": 3,
    "runner": 4,
    "cassettes": 4,
    "report": 5,
    "cli": 5,
    "pytest_plugin": 5,
}
# Same-layer imports that are allowed (the server must not know how it is judged).
FORBIDDEN_SAME_LAYER = {
    ("server", "transport"),
    ("transport", "server"),
    ("plan", "checks"),
    ("checks", "docs"),
    ("plan", "docs"),
}


def top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "conformance" else None


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__",)}
    assert packages | modules <= set(LAYERS), sorted((packages | modules) - set(LAYERS))


def test_lower_layers_never_import_higher_ones() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        own = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if own not in LAYERS:
            continue
        for module in imports(path):
            other = top(module)
            if other is None or other == own or other not in LAYERS:
                continue
            if LAYERS[other] > LAYERS[own] or (own, other) in FORBIDDEN_SAME_LAYER:
                problems.append(f"{rel} ({own}) imports {module} ({other})")
    assert problems == []
