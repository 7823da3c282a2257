"""Build an OpenAPI 3.1 document for one provider from the same schemas the suite validates with.

Other tools (Swagger UI, Redoc, Prism, Schemathesis) speak OpenAPI, not our spec format. The
request, response and error schemas come straight from `conformance.schema.build`, so the export
cannot disagree with the conformance checks. Paths are concrete per model (the model id is part
of Google's URL), giving one operation per model and operation; where several models share one
route (OpenAI-style or job APIs) they share one operation whose body is `anyOf` their schemas.
No discriminators: the union is plain JSON Schema, which every tool above understands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from conformance import __version__
from conformance.schema.build import error_schema, request_schema, response_schema
from conformance.spec.model import AuthScheme, Model, Operation, Parameter, Provider, Spec

OPENAPI_VERSION = "3.1.0"
ERROR = "Error"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_TEMPLATE = re.compile(r"\{([^}]+)\}")


def safe_name(text: str) -> str:
    """A component key or operationId: letters, digits, `.`, `_`, `-` only."""
    return _UNSAFE.sub("_", text)


def operation_id(model: Model, operation: Operation) -> str:
    return safe_name(f"{model.id}__{operation.name}")


def _strip(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A generated JSON Schema as an OpenAPI Schema Object (the dialect is OpenAPI's own)."""
    return {k: v for k, v in schema.items() if k != "$schema"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _scheme_name(scheme: AuthScheme) -> str:
    return safe_name(f"{scheme.kind}_{scheme.name}")


def security_scheme(scheme: AuthScheme, key_env: str) -> dict[str, Any]:
    description = f"API key from ${key_env}. Source: {scheme.source.cite()}."
    if scheme.kind == "bearer":
        return {"type": "http", "scheme": "bearer", "description": description}
    return {"type": "apiKey", "in": scheme.kind, "name": scheme.name, "description": description}


def _parameter_schema(param: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": param.type}
    if param.enum is not None:
        schema["enum"] = list(param.enum)
    if param.has_default and param.default is not None:
        schema["default"] = param.default
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    return schema


def _parameters(operation: Operation, path: str) -> list[dict[str, Any]]:
    """Path, query and header parameters; a `{model}` already filled into the path is gone."""
    templated = set(_TEMPLATE.findall(path))
    out: list[dict[str, Any]] = []
    for param in operation.parameters:
        if param.location == "body":
            continue
        if param.location == "path" and param.name not in templated:
            continue
        out.append(
            {
                "name": param.name,
                "in": param.location,
                "required": True if param.location == "path" else param.required,
                "description": param.description,
                "schema": _parameter_schema(param),
                "x-source": param.source.cite(),
            }
        )
    return out


def _describe(model: Model, operation: Operation) -> str:
    lines = [
        f"{model.title} (`{model.id}`, upstream `{model.upstream}`): `{operation.name}`.",
        f"Lifecycle: {model.status} at this provider, {model.upstream_status} upstream.",
        f"A request without an image count gets {model.default_image_count} image(s).",
    ]
    if operation.job is not None:
        lines.append(
            f"Starts an asynchronous job; read it with `{operation.job.poll_operation}` until "
            f"the status is {' or '.join(operation.job.terminal)}."
        )
    return "\n\n".join(lines)


def _responses(
    provider: Provider, success: int, schema: dict[str, Any], content_type: str
) -> dict[str, Any]:
    error = {
        "description": f"Error in the {provider.envelope.id} envelope",
        "content": {provider.envelope.content_type: {"schema": _ref(ERROR)}},
    }
    return {
        str(success): {"description": "Success", "content": {content_type: {"schema": schema}}},
        "4XX": error,
        "default": error,
    }


def _union(refs: list[dict[str, str]]) -> dict[str, Any]:
    return refs[0] if len(refs) == 1 else {"anyOf": refs}


def openapi_document(spec: Spec, provider: Provider) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `provider`: one operation per (path, method)."""
    schemas: dict[str, Any] = {ERROR: _strip(error_schema(provider))}
    routes: dict[tuple[str, str], list[tuple[Model, Operation]]] = {}
    for model in provider.models:
        for operation in model.operations:
            routes.setdefault((operation.path, operation.method.lower()), []).append(
                (model, operation)
            )
            stem = operation_id(model, operation)
            request = request_schema(provider, model, operation)
            if request is not None:
                schemas[f"{stem}.request"] = _strip(request)
            schemas[f"{stem}.response"] = _strip(response_schema(provider, model, operation))
    ids = {
        key: operation_id(*served[0]) if len(served) == 1 else safe_name(served[0][1].name)
        for key, served in routes.items()
    }
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), served in routes.items():
        model, operation = served[0]
        stems = [operation_id(m, o) for m, o in served]
        item: dict[str, Any] = {
            "operationId": ids[(path, method)],
            "summary": ", ".join(f"{m.title}: {o.name}" for m, o in served),
            "description": "\n\n".join(_describe(m, o) for m, o in served),
            "tags": sorted({m.id for m, _ in served}),
            "x-models": [m.id for m, _ in served],
            "x-upstream": sorted({m.upstream for m, _ in served}),
            "x-spec": str(operation.declared_at),
        }
        parameters = _parameters(operation, path)
        if parameters:
            item["parameters"] = parameters
        requests = [_ref(f"{s}.request") for s in stems if f"{s}.request" in schemas]
        if requests:
            body = next((p for p in operation.parameters if p.name == "(body)"), None)
            item["requestBody"] = {
                "required": body.required if body is not None else True,
                "content": {"application/json": {"schema": _union(requests)}},
            }
        responses = _responses(
            provider,
            operation.success_status,
            _union([_ref(f"{s}.response") for s in stems]),
            operation.response.content_type,
        )
        job = operation.job
        poll = model.operation(job.poll_operation) if job is not None else None
        if job is not None and poll is not None:
            target = ids.get((poll.path, poll.method.lower()))
            pointer = job.id_pointer
            templated = _TEMPLATE.findall(poll.path)
            if target and templated:
                responses[str(operation.success_status)]["links"] = {
                    safe_name(poll.name): {
                        "operationId": target,
                        "parameters": {templated[0]: f"$response.body#{pointer}"},
                        "description": f"Read the job until it is {' or '.join(job.terminal)}.",
                    }
                }
        item["responses"] = responses
        paths.setdefault(path, {})[method] = item
    security = {
        _scheme_name(s): security_scheme(s, provider.auth.key_env) for s in provider.auth.schemes
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{provider.title} image generation",
            "version": __version__,
            "description": (
                f"Generated by `conformance openapi --provider {provider.id}` from the "
                f"conformance specs ({provider.file}). Schemas are the ones the conformance "
                "suite validates with; `x-source` names the document behind each field."
            ),
        },
        "servers": [{"url": provider.base_url}],
        "tags": [
            {"name": m.id, "description": f"{m.title}; upstream `{m.upstream}`; {m.status}"}
            for m in provider.models
        ],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": security},
        "security": [{name: []} for name in security],
    }
