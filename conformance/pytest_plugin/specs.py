"""The plugin's spec, config file and item selection, the same as the CLI's.

The spec is the built-in tree with every `--conformance-specs DIR` (else the config file's
`specs`) laid over it, so the plugin works from any directory. A broken spec is a usage error that
prints its diagnostics, never an INTERNALERROR. An item id printed by pytest
(`google/gemini-2.5-flash-image/generateContent::status`) can be passed back on the command line
to rerun that item: it is not a path, so it is taken off pytest's arguments before pytest looks
for it on disk and becomes a selection, which also implies its provider.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conformance.cli.config import Config
    from conformance.spec.model import Spec

SELECT = "--conformance-select"
# provider/model.../operation::family, as the plugin names its items.
# pytest prints them with a leading `::` (the items hang off the session, which has no path).
_ITEM_ID = re.compile(r"^(?:::)?([a-z][a-z0-9-]*/[^:]+/[^/:]+::[a-z-]+)$")


def take_item_ids(args: list[str]) -> None:
    """Turn item ids among pytest's arguments into `--conformance-select` options (in place)."""
    for index, arg in enumerate(args):
        found = _ITEM_ID.match(arg)
        if found and not Path(found.group(1).split("::", 1)[0]).exists():
            args[index] = f"{SELECT}={found.group(1)}"


def selection(config: pytest.Config) -> list[str]:
    return list(config.getoption("conformance_select") or [])


def providers(config: pytest.Config) -> list[str]:
    """The providers to collect: those named, then those of the selected item ids."""
    named = list(config.getoption("conformance_provider"))
    for item_id in selection(config):
        provider = item_id.split("/", 1)[0]
        if provider not in named:
            named.append(provider)
    return named


def only_selected(config: pytest.Config) -> bool:
    """Item ids and no paths on the command line: the user's own tests are not wanted."""
    source = getattr(config, "args_source", None)
    return bool(selection(config)) and source is not None and source.name != "ARGS"


def config_file(config: pytest.Config) -> Config:
    cached: Config | None = getattr(config, "_conformance_config", None)
    if cached is None:
        from conformance.cli.common import UsageError
        from conformance.cli.config import find_config

        try:
            cached = find_config(Path(config.invocation_params.dir))
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None
        config._conformance_config = cached  # type: ignore[attr-defined]
    return cached


def option(config: pytest.Config, name: str) -> str | None:
    """A plugin option, else the config file's value of the `run` option of the same name."""
    given = config.getoption(f"conformance_{name}")
    if given:
        return str(given)
    value = config_file(config).values.get(name)
    return str(value) if isinstance(value, str) else None


def models(config: pytest.Config) -> set[str]:
    given = config.getoption("conformance_model")
    if given:
        return set(given)
    value = config_file(config).values.get("model", [])
    return {value} if isinstance(value, str) else {str(v) for v in value}


def spec_roots(config: pytest.Config) -> list[Path]:
    from conformance.spec.trees import spec_roots as layered

    given = config.getoption("conformance_specs") or []
    return layered(given or config_file(config).specs)


def top_root(config: pytest.Config) -> Path:
    return spec_roots(config)[-1]


def load(config: pytest.Config) -> Spec:
    """The layered spec, loaded once per session; spec errors end the session as usage errors."""
    cached: Spec | None = getattr(config, "_conformance_spec", None)
    if cached is None:
        from conformance.spec.resolve import check_layers

        roots = spec_roots(config)
        cached, diagnostics = check_layers(roots)
        if cached is None:
            errors = sum(1 for d in diagnostics if d.severity == "error")
            lines = [d.render() for d in diagnostics]
            lines.append(f"{errors} spec error(s) in {', '.join(map(str, roots))}")
            raise pytest.UsageError("\n".join(lines))
        config._conformance_spec = cached  # type: ignore[attr-defined]
    return cached
