"""Validate request, response and error bodies against the generated schemas.

Each violation names its JSON pointer, the rule that failed, the parameter and the spec line that
declared the rule, so a user can go from a failure straight to the documentation behind it.
Validators are compiled once per schema and cached: validation sits on the hot path of runs.
The verdict comes from jsonschema-rs (Rust; about 4x faster than pure Python on a 34 MB response,
see benchmarks/validation.py); only an invalid body goes through Python jsonschema, whose errors
carry the schema paths that map a violation back to its spec line. Both read the same schema,
but for base64 payloads: jsonschema-rs checks their pattern with a strict decode instead of a
regex (`schema.base64_format`: the same verdict, ~8x faster on image answers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import jsonschema_rs

from conformance.schema.base64_format import FORMAT, fast_schema, is_base64_text
from conformance.schema.build import error_schema, request_schema, response_schema
from conformance.spec.diagnostics import Location
from conformance.spec.model import Model, Operation, Provider

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# Python jsonschema is imported when a body first fails (~70 ms of every run's start-up
# otherwise): valid bodies never need it, and the planner's negatives are named from
# jsonschema-rs errors (`rules_broken`).

SchemaKind = Literal["request", "response", "error"]

# JSON Schema keyword -> the spec field that declares the rule.
RULE_FIELD = {
    "enum": "enum",
    "const": "enum",
    "minimum": "minimum",
    "maximum": "maximum",
    "maxLength": "max_length",
    "minLength": "min_length",
    "minItems": "min_items",
    "maxItems": "max_items",
    "uniqueItems": "unique_items",
    "type": "type",
    "required": "required",
    "additionalProperties": "closed",
    "oneOf": "exactly_one_of",
    "pattern": "format",
    "contains": "required",
    "anyOf": "required",
    # an `anyOf` marked `x-rule: requires` (schema/build.py) is renamed to its rule
    "requires": "requires",
}


@dataclass(frozen=True)
class Violation:
    pointer: str
    rule: str
    message: str
    parameter: str | None = None
    spec_location: Location | None = None

    def render(self) -> str:
        where = f" [{self.parameter} @ {self.spec_location}]" if self.parameter else ""
        return f"{self.pointer or '/'}: {self.rule}: {self.message}{where}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "pointer": self.pointer,
            "rule": self.rule,
            "message": self.message,
            "parameter": self.parameter,
            "spec": str(self.spec_location) if self.spec_location else None,
        }


def _subschema(schema: Any, path: Iterable[Any]) -> dict[str, Any] | None:
    """The subschema at a keyword location (None where the path leaves the schema as written,
    e.g. through a `$ref`)."""
    node = schema
    for token in path:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return None
    return node if isinstance(node, dict) else None


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


class SchemaValidator:
    """A compiled schema plus the parameters it came from (to map errors to spec lines)."""

    def __init__(self, schema: dict[str, Any], operation: Operation | None) -> None:
        self.schema = schema
        self._python: Draft202012Validator | None = None
        fast, base64 = fast_schema(schema)
        self._fast = (
            jsonschema_rs.validator_for(
                fast, formats={FORMAT: is_base64_text}, validate_formats=True
            )
            if base64
            else jsonschema_rs.validator_for(schema)
        )
        # Without base64 patterns the fast schema is the schema as written: one compile serves
        # both (it was half of the planner's validator compiles, ~0.6 ms each).
        self._exact: Any = None if base64 else self._fast
        self._params = {p.name: p for p in operation.parameters} if operation else {}

    @property
    def _validator(self) -> Draft202012Validator:
        if self._python is None:
            from jsonschema import Draft202012Validator

            self._python = Draft202012Validator(self.schema)
        return self._python

    def violations(self, instance: Any) -> list[Violation]:
        if self.is_valid(instance):
            return []
        errors = sorted(self._validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [self._violation(e) for e in errors]

    def rules_broken(self, instance: Any) -> list[Violation]:
        """The violations of `instance` named from jsonschema-rs's errors: the same pointers,
        rules and parameters as `violations` (jsonschema-rs's messages, in its order), for
        callers that need only those: the planner checks ~20 candidate bodies per operation,
        ~9 ms each operation through Python jsonschema. tests/schema/test_rules_broken.py
        holds the two equal on every negative candidate and on generated bodies."""
        if self.is_valid(instance):
            return []
        if self._exact is None:  # the schema as written (base64 patterns as patterns)
            self._exact = jsonschema_rs.validator_for(self.schema)
        try:
            errors = list(self._exact.iter_errors(instance))
        except (ValueError, TypeError, OverflowError):  # values JSON cannot hold
            return self.violations(instance)
        found = []
        for error in errors:
            schema = _subschema(self.schema, error.schema_path[:-1])
            if schema is None or not error.schema_path:  # through a $ref: Python names it
                return self.violations(instance)
            kind = error.kind
            required = isinstance(kind, jsonschema_rs.ValidationErrorKind.Required)
            missing = kind.property if required else None
            found.append(
                self._named(
                    _pointer(error.instance_path),
                    str(error.schema_path[-1]),
                    schema,
                    error.message,
                    error.instance,
                    missing,
                )
            )
        return found

    def is_valid(self, instance: Any) -> bool:
        try:
            return bool(self._fast.is_valid(instance))
        except (ValueError, TypeError, OverflowError):
            # Values JSON cannot hold (e.g. integers beyond 64 bits): ask the Python validator.
            return bool(self._validator.is_valid(instance))

    def _violation(self, error: ValidationError) -> Violation:
        rule = str(error.validator)
        schema = error.schema if isinstance(error.schema, dict) else {}
        missing = None
        if rule == "required" and isinstance(error.instance, dict):
            wanted = error.validator_value if isinstance(error.validator_value, list) else []
            absent = [k for k in wanted if k not in error.instance]
            # jsonschema yields one error per missing key, each carrying the whole list.
            missing = next(
                (k for k in absent if error.message.startswith(repr(k))),
                absent[0] if absent else None,
            )
        return self._named(
            _pointer(error.absolute_path), rule, schema, error.message, error.instance, missing
        )

    def _named(
        self,
        pointer: str,
        rule: str,
        schema: dict[str, Any],
        message: str,
        instance: Any,
        missing: str | None,
    ) -> Violation:
        """One violation with its parameter and spec line, from either validator's error."""
        name = schema.get("x-param")
        if rule == "anyOf" and schema.get("x-rule") == "requires":
            rule = "requires"
            message = _requires_message(name, schema.get("x-requires", {}))
        if rule == "anyOf" and "x-enum-any-case" in schema:
            # A case-insensitive enum is an anyOf (listed spellings | any-case pattern).
            rule = "enum"
            message = f"{instance!r} is not one of {schema['x-enum-any-case']} (any case)"
        if rule == "required" and isinstance(instance, dict):
            child = schema.get("properties", {}).get(missing, {})
            name = child.get("x-param", name)
            if missing is not None:
                pointer = f"{pointer}/{missing}"
        if rule == "additionalProperties" and isinstance(instance, dict):
            allowed = set(schema.get("properties", {}))
            extra = sorted(k for k in instance if k not in allowed)
            if extra:
                pointer = f"{pointer}/{extra[0]}"
        param = self._params.get(name) if isinstance(name, str) else None
        if rule == "requires" and param is not None and isinstance(instance, dict):
            # reported at the parent object; the parameter sent is what broke the rule
            sent = next((n for n in param.property_names if n in instance), None)
            pointer = f"{pointer}/{sent}" if sent is not None else pointer
        location = param.rule_location(RULE_FIELD.get(rule, rule)) if param else None
        return Violation(
            pointer, rule, _short(message), name if isinstance(name, str) else None, location
        )


def _requires_message(name: Any, wanted: Any) -> str:
    """What a broken `requires` rule asks for, in the spec's own terms."""
    pairs = wanted.items() if isinstance(wanted, dict) else ()
    needs = ", ".join(f"{k} = {json.dumps(v)}" for k, v in pairs)
    return f"{name} is set, so it requires {needs}"


# Keyed by object identity (the spec model holds dicts, so it is not hashable); the entry keeps
# what it is keyed by alive so that an id is never reused while its validator is cached. An error
# envelope's schema is the provider's alone: one validator serves all of its operations (built
# per operation, it was compiled again for each of them).
_CACHE: dict[tuple[int, int, str], tuple[object, SchemaValidator | None]] = {}


def _compiled(
    provider: Provider, model: Model, operation: Operation, kind: SchemaKind
) -> SchemaValidator | None:
    keeper: object = provider if kind == "error" else operation
    key = (id(provider), id(keeper), kind)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is keeper:
        return hit[1]
    validator = _build(provider, model, operation, kind)
    _CACHE[key] = (keeper, validator)
    return validator


def _build(
    provider: Provider, model: Model, operation: Operation, kind: SchemaKind
) -> SchemaValidator | None:
    if kind == "request":
        schema = request_schema(provider, model, operation)
        return SchemaValidator(schema, operation) if schema is not None else None
    if kind == "response":
        return SchemaValidator(response_schema(provider, model, operation), operation)
    return SchemaValidator(error_schema(provider), None)


def validator_for(
    provider: Provider, model: Model, operation: Operation, kind: SchemaKind
) -> SchemaValidator | None:
    """The cached validator for one schema (None: the operation has no request body)."""
    return _compiled(provider, model, operation, kind)


def foreign_shape(operation: Operation, body: Any) -> str | None:
    """The name of the other protocol's shape a response body has, if it has one."""
    if not isinstance(body, dict):
        return None
    for name, shape in operation.response.foreign_shapes.items():
        required = shape.get("required", [])
        if isinstance(required, list) and required and all(k in body for k in required):
            return name
    return None
