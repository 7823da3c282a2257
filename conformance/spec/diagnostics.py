"""Compiler-style diagnostics for spec and usage problems.

Spec errors are values, not exceptions: every stage collects them so that `conformance lint` can
report every problem at once as `file:line:col: error[code]: message`, with the JSON pointer that
locates it and a hint that says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a spec file."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a spec file."""

    location: Location
    code: str
    message: str
    pointer: str = ""
    hint: str = ""
    severity: str = "error"

    def render(self) -> str:
        lines = [f"{self.location}: {self.severity}[{self.code}]: {self.message}"]
        if self.pointer:
            lines.append(f"  at {self.pointer}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


@dataclass
class DiagnosticSink:
    """Collects diagnostics across the stages of loading a spec tree."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(
        self, location: Location, code: str, message: str, *, pointer: str = "", hint: str = ""
    ) -> None:
        self.items.append(Diagnostic(location, code, message, pointer, hint))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.location, d.code, d.message))


class SpecError(Exception):
    """Raised when a spec tree cannot be turned into a model; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(f"{len(diagnostics)} spec error(s)")
