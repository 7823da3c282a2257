"""The JSON Schema of `conformance run --json` reports (committed as schemas/report.schema.json).

Other tools (CI dashboards, `conformance report merge`) read reports; this is their contract.
It is written here, next to the generated API schemas, so that `conformance schemas` emits it
and `--check` keeps the committed copy fresh; the report layer validates what it loads with it.
"""

from __future__ import annotations

from typing import Any

REPORT_SCHEMA_FILE = "report.schema.json"
#: The outcomes of `conformance.checks.registry` (a higher layer; a test keeps them equal).
OUTCOMES = ("pass", "fail", "blocked", "error", "skipped")

_STR = {"type": "string"}
_STR_OR_NULL = {"type": ["string", "null"]}
_INT = {"type": "integer", "minimum": 0}
_INT_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
_NUM = {"type": "number", "minimum": 0}
_PAIRS = {
    "type": "array",
    "items": {"type": "array", "items": _STR, "minItems": 2, "maxItems": 2},
}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k in properties if k not in optional],
        "properties": properties,
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [{"type": "null"}, schema]}


def report_schema() -> dict[str, Any]:
    outcome = {"enum": list(OUTCOMES)}
    response = _object(
        {
            "status": {"type": "integer"},
            "headers": _PAIRS,
            "media_type": _STR,
            "elapsed": _NUM,
            "kind": {"enum": ["json", "text", "binary", "empty"]},
            "bytes": _INT,
            "body": {"description": "JSON value, text, or null; image payloads are `<image #N>`"},
        }
    )
    sub_exchange = {
        "url": _STR,
        "status": {"type": ["integer", "null"]},
        "error": _STR_OR_NULL,
        "elapsed": _NUM,
    }
    exchange = _object(
        {
            "url": _STR,
            "error": _STR_OR_NULL,
            "elapsed": _NUM,
            "requests_sent": _INT,
            "retries": {
                "type": "array",
                "items": _object(
                    {"status": {"type": "integer"}, "wait": _NUM, "retry_after": _STR_OR_NULL}
                ),
            },
            "response": _nullable(response),
            "polls": {"type": "array", "items": _object(sub_exchange)},
            "final_poll": _nullable(response),
            "fetches": {
                "type": "array",
                "items": _object({**sub_exchange, "bytes": _INT_OR_NULL}),
            },
            "job_terminal": {"type": ["boolean", "null"]},
            "notes": {"type": "array", "items": _STR},
        }
    )
    image = _object(
        {
            "pointer": _STR,
            "encoding": {"enum": ["b64", "url"]},
            "declared_mime": _STR_OR_NULL,
            "mime": _STR_OR_NULL,
            "width": _INT_OR_NULL,
            "height": _INT_OR_NULL,
            "size": {"type": ["string", "null"], "pattern": "^[0-9]+x[0-9]+$"},
            "bytes": _INT_OR_NULL,
            "sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
            "complete": {"type": "boolean"},
            "problem": _STR_OR_NULL,
            "url": _STR_OR_NULL,
            "thumbnail": {"type": ["string", "null"], "pattern": "^data:image/(png|jpeg);base64,"},
            "mismatches": {"type": "array", "items": _STR},
        }
    )
    finding = _object(
        {
            "check": _STR,
            "outcome": outcome,
            "message": _STR,
            "case": _STR,
            "pointer": _STR,
            "rule": _STR,
            "spec": _STR_OR_NULL,
            "advisory": {"type": "boolean"},
        }
    )
    request = _object(
        {
            "method": _STR,
            "path": _STR,
            "url": _STR_OR_NULL,
            "query": _PAIRS,
            "headers": _PAIRS,
            "auth": _object(
                {
                    "mode": {"enum": ["valid", "missing", "wrong"]},
                    "kind": {"enum": ["bearer", "header", "query", None]},
                    "name": _STR_OR_NULL,
                }
            ),
            "body": {},
            # a body sent exactly as written (a wire form: malformed JSON), else null
            "raw_body": _STR_OR_NULL,
            # bytes of JSON whitespace sent after the body's first byte (an oversized body)
            "padding": _INT,
        },
        optional=("raw_body", "padding"),
    )
    case = _object(
        {
            "index": _INT,
            "id": _STR,
            "kind": {
                "enum": ["positive", "default", "negative", "wire", "auth", "explore", "blocked"]
            },
            "provider": _STR,
            "model": _STR,
            "operation": _STR,
            "description": _STR,
            "request": request,
            "expect": {"type": "object"},
            "checks": {"type": "array", "items": _STR},
            "outcome": outcome,
            "status": {"type": ["integer", "null"], "description": "the first answer's status"},
            "url": _STR_OR_NULL,
            "polls": {**_INT, "description": "job polls sent"},
            "elapsed": {"type": ["number", "null"], "minimum": 0},
            "asked": _object(
                {
                    "images": _INT_OR_NULL,
                    "ratio": _STR_OR_NULL,
                    "tier": _STR_OR_NULL,
                    "mime": _STR_OR_NULL,
                    "size": _STR_OR_NULL,
                    "size_enforced": {"type": "boolean"},
                }
            ),
            "curl": {"type": "string", "pattern": "^curl "},
            "exchange": _nullable(exchange),
            "images": {"type": "array", "items": image},
            "findings": {"type": "array", "items": finding},
        }
    )
    coverage = _object(
        {
            "provider": _STR,
            "model": _STR,
            "operation": _STR,
            "positive": _INT,
            "lower_bound": _INT,
            "advisory": _INT,
            "unplanned": {
                "type": "array",
                "items": _object({"parameter": _STR, "rule": _STR, "reason": _STR}),
            },
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/imagegen-conformance/schemas/report.schema.json",
        "title": "imagegen-conformance run report (`conformance run --json`)",
        **_object(
            {
                "format": {"const": "imagegen-conformance-report/1"},
                "target": _STR,
                "wall_seconds": _NUM,
                "requests_sent": _INT,
                "retries": _INT,
                "counts": _object({o: _INT for o in OUTCOMES}),
                "failed": {"type": "boolean"},
                "shard": _nullable(
                    _object(
                        {
                            "index": {"type": "integer", "minimum": 1},
                            "count": {"type": "integer", "minimum": 1},
                            "plan_cases": _INT,
                        }
                    )
                ),
                "checks": {"type": "array", "items": _STR},
                "notes": {"type": "array", "items": _STR},
                "coverage": {"type": "array", "items": coverage},
                "cases": {"type": "array", "items": case},
            }
        ),
    }
