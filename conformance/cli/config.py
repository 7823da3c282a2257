"""Defaults from a config file, as pytest and Schemathesis users expect one.

`conformance.toml` in the working directory, else the `[tool.conformance]` table of its
`pyproject.toml`, gives defaults for `conformance run`: every key is a `run` option's name
(`provider`, `model`, `base-url`, `api-key-env`, `max-requests`, `json`, ...), plus `specs`, the
spec trees every command lays over the built-in one. An option given on the command line wins: a
scalar replaces the file's value, a repeatable option (`--provider`) replaces the file's list.
Paths are relative to the file's directory.
"""

from __future__ import annotations

import argparse
import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.cli.exits import UsageError

CONFIG_FILE = "conformance.toml"
PYPROJECT = "pyproject.toml"
# Options that make no sense as a standing default.
_NOT_CONFIGURABLE = {"help", "dry_run", "func", "specs_after"}


@dataclass(frozen=True)
class Config:
    """The table found (empty when there is none) and the file it came from."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def specs(self) -> list[str]:
        raw = self.values.get("specs", [])
        trees = [raw] if isinstance(raw, str) else raw
        if not isinstance(trees, list) or not all(isinstance(t, str) for t in trees):
            raise UsageError(f"{self.path}: `specs` must be a directory or a list of directories")
        return [str(self._relative(t)) for t in trees]

    def _relative(self, value: str) -> Path:
        base = self.path.parent if self.path else Path.cwd()
        return base / value


def find_config(directory: Path) -> Config:
    """The config of `directory`: conformance.toml first, then pyproject's [tool.conformance]."""
    own = directory / CONFIG_FILE
    if own.is_file():
        data = _read(own)
        table = data.get("tool", {}).get("conformance", data) if "tool" in data else data
        return Config(own, _table(own, table))
    pyproject = directory / PYPROJECT
    if pyproject.is_file():
        table = _read(pyproject).get("tool", {}).get("conformance")
        if table is not None:
            return Config(pyproject, _table(pyproject, table))
    return Config()


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None


def _table(path: Path, table: Any) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.conformance] must be a table")
    return {str(key).replace("-", "_"): value for key, value in table.items()}


@dataclass
class Applied:
    """What `apply_to_run` set, so that `finish` can let the command line win for lists."""

    lists: dict[str, list[Any]] = field(default_factory=dict)


def apply_to_run(run_parser: argparse.ArgumentParser, config: Config) -> Applied:
    """Make the config's values the defaults of `run`'s options (checked against each option)."""
    applied = Applied()
    if config.path is None:
        return applied
    actions = {
        a.dest: a
        for a in run_parser._actions
        if a.dest not in _NOT_CONFIGURABLE and a.option_strings
    }
    defaults: dict[str, Any] = {}
    for key, value in config.values.items():
        if key == "specs":
            continue
        action = actions.get(key)
        if action is None:
            raise UsageError(_unknown(config.path, key, sorted({*actions, "specs"})))
        converted = _convert(config, key, action, value)
        if isinstance(action, argparse._AppendAction):
            applied.lists[key] = converted  # the very object: appended to means given on the CLI
        defaults[key] = converted
    run_parser.set_defaults(**defaults)
    return applied


def finish(args: argparse.Namespace, config: Config, applied: Applied) -> None:
    """After parsing: a repeatable option given on the command line drops the file's list."""
    for dest, from_file in applied.lists.items():
        value = getattr(args, dest, None)
        if value is not from_file and isinstance(value, list):
            setattr(args, dest, value[len(from_file) :])
    args.config_specs = config.specs if config.path else []
    args.config_file = config.path


def _unknown(path: Path, key: str, known: list[str]) -> str:
    spelled = [k.replace("_", "-") for k in known]
    close = difflib.get_close_matches(key.replace("_", "-"), spelled, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{path}: unknown key {key!r} in [tool.conformance]; {hint}known: {', '.join(spelled)}"


def _convert(config: Config, key: str, action: argparse.Action, value: Any) -> Any:
    where = f"{config.path}: `{key}`"
    if isinstance(action, argparse._StoreTrueAction):
        if not isinstance(value, bool):
            raise UsageError(f"{where} must be true or false")
        return value
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        return [_scalar(config, where, action, item) for item in items]
    if isinstance(value, list | dict):
        raise UsageError(f"{where} takes one value")
    return _scalar(config, where, action, value)


def _scalar(config: Config, where: str, action: argparse.Action, value: Any) -> Any:
    if isinstance(value, bool | list | dict):
        raise UsageError(f"{where}: {value!r} is not a {action.metavar or 'value'}")
    convert = action.type
    try:
        if convert is Path:
            result: Any = config._relative(str(value))
        elif callable(convert):
            result = convert(value if isinstance(value, str) else str(value))
        else:
            result = str(value)
    except (TypeError, ValueError, argparse.ArgumentTypeError):
        raise UsageError(f"{where}: {value!r} is not a valid {action.metavar or 'value'}") from None
    if action.choices is not None and result not in action.choices:
        raise UsageError(f"{where}: {value!r} is not one of {', '.join(map(str, action.choices))}")
    return result
