"""What every command shares: loading the spec tree (or printing why not) and exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Re-exported: every command takes its exit codes from here.
from conformance.cli.exits import EXIT_FINDINGS as EXIT_FINDINGS
from conformance.cli.exits import EXIT_INTERNAL as EXIT_INTERNAL
from conformance.cli.exits import EXIT_OK as EXIT_OK
from conformance.cli.exits import EXIT_USAGE as EXIT_USAGE
from conformance.cli.exits import UsageError as UsageError
from conformance.generated import Staleness
from conformance.spec.model import Model, Operation, Provider, Spec
from conformance.spec.resolve import check_layers
from conformance.spec.trees import builtin_specs_dir, spec_roots


def default_specs_dir() -> Path:
    """The built-in spec tree, the base every `--specs DIR` is laid over."""
    return builtin_specs_dir()


def user_spec_trees(args: argparse.Namespace) -> list[str]:
    """The `--specs` trees given (before or after the command), in order; else the config's."""
    given = [*(getattr(args, "specs", None) or ()), *(getattr(args, "specs_after", None) or ())]
    return given or list(getattr(args, "config_specs", None) or ())


def spec_roots_of(args: argparse.Namespace) -> list[Path]:
    """The built-in tree, then every `--specs DIR` in order (later wins, by id)."""
    return spec_roots(user_spec_trees(args))


def top_specs_dir(args: argparse.Namespace) -> Path:
    """The uppermost spec tree: the last `--specs DIR`, else the built-in tree."""
    return spec_roots_of(args)[-1]


def beside_specs(spec: Spec, *parts: str) -> Path:
    """Where a generated tree goes by default: beside the uppermost spec tree, unless that tree
    is the one installed inside the package (then in the working directory)."""
    root = Path(spec.root).resolve()
    base = Path.cwd() if root.name == "builtin_specs" else root.parent
    return base.joinpath(*parts)


def load_or_report(args: argparse.Namespace) -> Spec | None:
    """Load the layered spec named by --specs; on errors print them all and return None."""
    roots = spec_roots_of(args)
    spec, diagnostics = check_layers(roots)
    if spec is None:
        for diagnostic in diagnostics:
            print(diagnostic.render(), file=sys.stderr)
        count = sum(1 for d in diagnostics if d.severity == "error")
        print(f"{count} error(s) in {', '.join(map(str, roots))}", file=sys.stderr)
    return spec


def pick(
    spec: Spec, provider_id: str, model_id: str, operation_name: str | None
) -> tuple[Provider, Model, Operation]:
    """Resolve --provider/--model/--operation or raise UsageError naming what exists."""
    provider = spec.provider(provider_id)
    if provider is None:
        known = ", ".join(p.id for p in spec.providers)
        raise UsageError(f"unknown provider {provider_id!r}; known providers: {known}")
    model = provider.model(model_id)
    if model is None:
        known = ", ".join(m.id for m in provider.models)
        raise UsageError(f"unknown model {model_id!r} for {provider.id}; its models: {known}")
    if operation_name is None:
        entry = model.entry_operations
        if len(entry) != 1:
            names = ", ".join(o.name for o in model.operations)
            raise UsageError(f"{model.id} has several operations; pass --operation ({names})")
        return provider, model, entry[0]
    operation = model.operation(operation_name)
    if operation is None:
        names = ", ".join(o.name for o in model.operations)
        raise UsageError(
            f"unknown operation {operation_name!r} for {model.id}; its operations: {names}"
        )
    return provider, model, operation


def add_generator_arguments(parser: argparse.ArgumentParser, default_out: str) -> None:
    """`--check` and `--out` as every generator command (`schemas`, `docs`) takes them."""
    parser.add_argument(
        "--check", action="store_true", help="exit 1 and name stale files instead of writing"
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help=f"output directory (default: {default_out} beside the spec tree)",
    )


def report_check(stale: Staleness, out: Path, what: str) -> int:
    """Print a `--check` verdict for the generated tree `what`; 0 fresh, 1 stale."""
    if stale.fresh:
        print(f"{what} are up to date ({out})")
        return EXIT_OK
    for line in stale.lines(out):
        print(line, file=sys.stderr)
    print(f"run `conformance {what}` and commit the result", file=sys.stderr)
    return EXIT_FINDINGS


def report_written(changed: list[str], out: Path, what: str) -> None:
    print(
        f"wrote {len(changed)} changed file(s) under {out}"
        if changed
        else f"{what} already up to date ({out})"
    )
