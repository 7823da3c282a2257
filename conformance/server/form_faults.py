"""The faults that refuse documented input forms a strict relay does not know.

Upstream treats some enums case-insensitively (`DONT_ALLOW` for `dont_allow`) and proto-JSON
accepts snake_case field names (`generation_config`, `inline_data`, `mime_type`); relays that
validate against their own camelCase, exact-case copy of the API refuse what Google accepts.
"""

from __future__ import annotations

from typing import Any

from conformance.server import faults as f
from conformance.server.errors import ErrorKind, RelayError
from conformance.server.options import RelayOptions
from conformance.server.params import BodyReader
from conformance.spec.model import Operation


def _exact_case(operation: Operation, reader: BodyReader, body: Any) -> str | None:
    for param in operation.body_parameters:
        if not param.case_insensitive:
            continue
        for value in reader.values(body, param):
            if param.enum is not None and isinstance(value, str) and value not in param.enum:
                return f"Invalid value at '{param.name}': {value!r}"
            if param.items_enum is not None and isinstance(value, list):
                odd = [v for v in value if isinstance(v, str) and v not in param.items_enum]
                if odd:
                    return f"Invalid value at '{param.name}': {odd[0]!r}"
    return None


def _snake_key(operation: Operation, node: Any) -> str | None:
    """The first snake_case spelling of a documented field (one that has a camelCase one)."""
    if isinstance(node, list):
        for item in node:
            found = _snake_key(operation, item)
            if found:
                return found
        return None
    if not isinstance(node, dict):
        return None
    for key, value in node.items():
        for param in operation.body_parameters:
            names = param.property_names
            if key in names and "_" in key and any("_" not in n for n in names):
                return str(key)
        found = _snake_key(operation, value)
        if found:
            return found
    return None


def refuse_forms(
    operation: Operation, reader: BodyReader, body: Any, options: RelayOptions
) -> RelayError | None:
    """The 400 a relay with the case-sensitive-enums or camel-case-only fault answers."""
    if options.has(f.CASE_SENSITIVE_ENUMS):
        problem = _exact_case(operation, reader, body)
        if problem is not None:
            return RelayError(400, ErrorKind.INVALID, problem)
    if options.has(f.CAMEL_CASE_ONLY):
        key = _snake_key(operation, body)
        if key is not None:
            message = f'Invalid JSON payload received. Unknown name "{key}": Cannot find field.'
            return RelayError(400, ErrorKind.INVALID, message)
    return None
