"""The meta-schema of the spec format: one JSON Schema per spec file kind.

Structural rules live here (required keys, types, closed objects so that a misspelled key is an
error); rules that span files (a source that must exist, a default inside its enum) live in
`resolve.py`. `conformance schemas` also writes this out so editors can validate specs as you type.
"""

from __future__ import annotations

from typing import Any

_STR = {"type": "string", "minLength": 1}
_RATIO = {"type": "string", "pattern": r"^[0-9]+:[0-9]+$"}
_POINTER = {"type": "string", "pattern": r"^(/[^/]*)*$"}
_ENFORCEMENT = {"enum": ["enforced", "advisory", "channel-dependent"]}

_SOURCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["ref"],
    "properties": {"ref": _STR, "section": _STR, "says": _STR},
}

_LENGTH_LIMIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "unit"],
    "properties": {
        "value": {"type": "integer", "minimum": 0},
        "unit": {"enum": ["characters", "tokens", "bytes"]},
        "enforcement": _ENFORCEMENT,
        "source": {"$ref": "#/$defs/source"},
    },
}

_PARAM_FIELDS: dict[str, Any] = {
    "name": _STR,
    "in": {"enum": ["body", "path", "query", "header"]},
    "path": _POINTER,
    "aliases": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    },
    "concept": {
        "enum": [
            "prompt",
            "image_count",
            "aspect_ratio",
            "image_size",
            "output_format",
            "person_generation",
            "safety_setting",
            "seed",
            "model",
            "input_image",
            "input_mime_type",
            "response_modalities",
            "response_encoding",
            # --- issue 13: OpenAI's `size: "WxH"`, an exact pixel size ---
            "pixel_size",
            # --- end issue 13 ---
        ]
    },
    "type": {"enum": ["string", "integer", "number", "boolean", "array", "object"]},
    "required": {"type": "boolean"},
    "required_in": {"enum": ["each", "some"]},
    "default": {},
    "default_note": _STR,
    "default_enforcement": _ENFORCEMENT,
    "enum": {"type": ["array", "null"], "minItems": 1},
    "items_enum": {"type": "array", "minItems": 1},
    "case_insensitive": {"type": "boolean"},
    "values_from": {"$ref": "#/$defs/source"},
    "value_mime": {"type": "object", "additionalProperties": {"type": "string"}},
    "minimum": {"type": ["number", "null"]},
    "maximum": {"type": ["number", "null"]},
    "min_length": {"type": ["integer", "null"], "minimum": 0},
    "max_length": {"oneOf": [_LENGTH_LIMIT, {"type": "null"}]},
    "min_items": {"type": ["integer", "null"], "minimum": 0},
    "max_items": {"type": ["integer", "null"], "minimum": 0},
    "unique_items": {"type": "boolean"},
    "format": {"enum": ["base64", "uri"]},
    "closed": {"type": "boolean"},
    "exactly_one_of": {"type": "array", "items": _STR, "minItems": 2},
    # parameter name -> the JSON scalar it must hold whenever this parameter is sent
    "requires": {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {"type": ["string", "integer", "number", "boolean"]},
    },
    "enforcement": _ENFORCEMENT,
    "secret": {"type": "boolean"},
    "description": _STR,
    "source": {"$ref": "#/$defs/source"},
    "note": _STR,
    "notes": {"type": "array", "items": _STR},
    "supported": {"type": "boolean"},
}

_PARAMETER_DEFINITION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "type", "description", "source"],
    "properties": _PARAM_FIELDS,
}

# An override names no `path`; a provider-level entry with a `path` defines a new parameter.
_PARAMETER_OVERRIDE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {k: v for k, v in _PARAM_FIELDS.items() if k != "name"},
}

_CONFLICT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["topic", "sources", "choice", "why"],
    "properties": {
        "topic": _STR,
        "sources": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/source"}},
        "choice": _STR,
        "why": _STR,
    },
}

_LIFECYCLE = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["status", "scope", "source"],
        "properties": {
            "status": {"enum": ["ga", "preview", "deprecated", "retired"]},
            "scope": _STR,
            "date": {"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"},
            "note": _STR,
            "source": {"$ref": "#/$defs/source"},
        },
    },
}

# Where images sit in an answer: item pointer plus fields relative to each item.
_IMAGES: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items"],
    "properties": {
        "form": {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"},
        "items": _POINTER,
        "data": {"type": "string"},
        "mime": {"type": "string"},
        "uri": {"type": "string"},
        "filtered": {"type": "string"},
    },
}

_RESPONSE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["content_type", "schema"],
    "properties": {
        "content_type": _STR,
        "schema": {"type": "object"},
        "foreign_shapes": {"type": "object", "additionalProperties": {"type": "object"}},
        "images": _IMAGES,
        # other answer forms holding the same images (gateways differ), each with its source
        "image_forms": {
            "type": "array",
            "items": {
                **_IMAGES,
                "required": ["form", "items", "source"],
                "properties": {**_IMAGES["properties"], "source": {"$ref": "#/$defs/source"}},
            },
        },
        "required": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["pointer", "source"],
                "properties": {
                    "pointer": _POINTER,
                    "when": _STR,
                    "source": {"$ref": "#/$defs/source"},
                },
            },
        },
        "blocked": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["pointer", "outcome"],
                "properties": {
                    "pointer": _POINTER,
                    "outcome": _STR,
                    "values": {"type": "array", "items": _STR},
                },
            },
        },
    },
}

# The documented answer to one wire-level mistake (spec/wire.py).
_WIRE_FORM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status", "source"],
    "properties": {
        "status": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "integer", "minimum": 200, "maximum": 499},
        },
        "allow": {"type": "boolean"},
        "upstream": {"type": "boolean"},
        "method": {"enum": ["GET", "POST", "PUT", "DELETE", "PATCH"]},
        "note": _STR,
        "source": {"$ref": "#/$defs/source"},
    },
}

_JSON_MAPPING = {
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "source", "message"],
    "properties": {
        "format": {"enum": ["proto3"]},
        "source": {"$ref": "#/$defs/source"},
        "message": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "source"],
            "properties": {"name": _STR, "source": {"$ref": "#/$defs/source"}},
        },
        "path_fields": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "template", "source"],
                "properties": {
                    "name": _STR,
                    "template": _STR,
                    "source": {"$ref": "#/$defs/source"},
                },
            },
        },
        "enums": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["parameter", "numbers", "source"],
                "properties": {
                    "parameter": _STR,
                    "numbers": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "integer", "minimum": 0},
                    },
                    "source": {"$ref": "#/$defs/source"},
                },
            },
        },
        "untyped": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "proto_type", "source"],
                "properties": {
                    "path": _POINTER,
                    "proto_type": _STR,
                    "source": {"$ref": "#/$defs/source"},
                },
            },
        },
        "conflicts": {"type": "array", "items": _CONFLICT},
    },
}

_OPERATION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["method", "path", "success_status", "parameters", "response"],
    "properties": {
        "method": {"enum": ["GET", "POST", "PUT", "DELETE", "PATCH"]},
        "path": {"type": "string", "pattern": "^/"},
        "success_status": {"type": "integer", "minimum": 200, "maximum": 299},
        "body_limit": _LENGTH_LIMIT,
        "json_mapping": _JSON_MAPPING,
        "job": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "poll",
                "id_pointer",
                "status_pointer",
                "states",
                "terminal",
                "success",
                "source",
            ],
            "properties": {
                "poll": _STR,
                "id_pointer": _POINTER,
                "status_pointer": _POINTER,
                "states": {"type": "array", "items": _STR, "minItems": 1},
                "terminal": {"type": "array", "items": _STR, "minItems": 1},
                "success": _STR,
                "source": {"$ref": "#/$defs/source"},
            },
        },
        "parameters": {"type": "array", "items": _PARAMETER_DEFINITION},
        "response": _RESPONSE,
        "wire": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "malformed_json": _WIRE_FORM,
                "no_content_type": _WIRE_FORM,
                "wrong_method": _WIRE_FORM,
                "oversized_body": _WIRE_FORM,
            },
        },
    },
}

_PIXEL_TABLE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "enforcement", "sizes"],
    "properties": {
        "source": {"$ref": "#/$defs/source"},
        "enforcement": _ENFORCEMENT,
        "sizes": {
            "type": "object",
            "propertyNames": _RATIO,
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"type": "string", "pattern": r"^[1-9][0-9]*x[1-9][0-9]*$"},
            },
        },
    },
}

_COUNT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "source"],
    "properties": {
        "value": {"type": "integer", "minimum": 1},
        "source": {"$ref": "#/$defs/source"},
        "note": _STR,
    },
}

_UPSTREAM_MODEL = {
    "type": "object",
    "additionalProperties": False,
    "required": ["family", "title", "capabilities", "output_mime", "tiers", "lifecycle"],
    "properties": {
        "family": _STR,
        "title": _STR,
        "capabilities": {"type": "array", "items": {"enum": ["generate", "edit"]}, "minItems": 1},
        "output_mime": {"type": "string", "pattern": "^image/"},
        "default_image_count": _COUNT,
        "tiers": {"type": "array", "items": _STR, "minItems": 1},
        "tokens_per_image": {"type": "object", "additionalProperties": {"type": "integer"}},
        "pixel_tables": {"type": "array", "items": _STR},
        "parameters": {"type": "object", "additionalProperties": _PARAMETER_OVERRIDE},
        "conflicts": {"type": "array", "items": _CONFLICT},
        "lifecycle": _LIFECYCLE,
    },
}

_REJECTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status", "error_status", "message"],
    "properties": {
        "status": {
            "type": "array",
            "items": {"type": "integer", "minimum": 400, "maximum": 499},
            "minItems": 1,
        },
        "error_status": _STR,
        "message": _STR,
        "reason": _STR,
    },
}

# A header sent with every request (gateways route by header); `value` may name `$VAR`s.
_STATIC_HEADER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "value", "source"],
    "properties": {
        "name": {"type": "string", "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"},
        "value": {"type": "string"},
        "secret": {"type": "boolean"},
        "description": _STR,
        "source": {"$ref": "#/$defs/source"},
    },
}

_PROVIDER_MODEL = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "upstream"],
    "properties": {
        "id": _STR,
        "upstream": _STR,
        # The upstream channel the provider serves the model through (a lifecycle scope, e.g.
        # vertex-ai): only that channel's upstream lifecycle applies.
        "channel": _STR,
        "operations": {"type": "array", "items": _STR},
        "default_image_count": _COUNT,
        "price": {
            "type": "object",
            "additionalProperties": False,
            "required": ["value", "unit", "per", "source"],
            "properties": {
                "value": {"type": "number"},
                "unit": _STR,
                "per": _STR,
                "source": {"$ref": "#/$defs/source"},
            },
        },
        "lifecycle": _LIFECYCLE,
        "parameters": {"type": "object", "additionalProperties": _PARAMETER_OVERRIDE},
        "conflicts": {"type": "array", "items": _CONFLICT},
        "notes": {"type": "array", "items": _STR},
    },
}

# --- issue 13: provider response overrides (see spec/answers.py) ---
_DATA_POINTER = {"type": "string", "pattern": "^(/[^/]+)+$"}
_RESPONSE_OVERRIDE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source"],
    "properties": {
        "nullable": {"type": "array", "minItems": 1, "items": _DATA_POINTER},
        "fields": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^(/[^/]+)+$"},
            "additionalProperties": {"type": "object"},
        },
        "source": {"$ref": "#/$defs/source"},
        "note": _STR,
    },
}
# --- end issue 13 ---

KINDS: dict[str, dict[str, Any]] = {
    "sources": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "sources"],
        "properties": {
            "kind": {"const": "sources"},
            "sources": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["title", "document", "as_of"],
                    "properties": {
                        "title": _STR,
                        "document": _STR,
                        "section": _STR,
                        "publisher": _STR,
                        "as_of": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    },
                },
            },
        },
    },
    "envelopes": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "envelopes"],
        "properties": {
            "kind": {"const": "envelopes"},
            "envelopes": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["title", "source", "content_type", "schema"],
                    "properties": {
                        "title": _STR,
                        "source": {"$ref": "#/$defs/source"},
                        "assumed": {"type": "boolean"},
                        "content_type": _STR,
                        "schema": {"type": "object"},
                        "fields": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "label": _POINTER,
                                "code": _POINTER,
                                "param": _POINTER,
                                "reasons": _POINTER,
                                "canonical": {"enum": ["google-rpc"]},
                            },
                        },
                        "mistakes": {
                            "type": "object",
                            "propertyNames": {"enum": ["invalid-argument", "unknown-model"]},
                            "additionalProperties": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["status", "source"],
                                "properties": {
                                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                                    "label": _STR,
                                    "param": {"type": "boolean"},
                                    "source": {"$ref": "#/$defs/source"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "family": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "id", "title", "operations"],
        "properties": {
            "kind": {"const": "family"},
            "id": _STR,
            "title": _STR,
            "operations": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": _OPERATION,
            },
        },
    },
    "models": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "models"],
        "properties": {
            "kind": {"const": "models"},
            "pixel_tables": {"type": "object", "additionalProperties": _PIXEL_TABLE},
            "models": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": _UPSTREAM_MODEL,
            },
        },
    },
    "provider": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "kind",
            "id",
            "title",
            "base_url",
            "error_envelope",
            "auth",
            "operations",
            "models",
        ],
        "properties": {
            "kind": {"const": "provider"},
            "id": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
            # --- issue 13: provider variants (`extends: routescope`), see spec/extends.py ---
            "extends": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
            # --- end issue 13 ---
            "title": _STR,
            "base_url": {"type": "string", "pattern": "^https?://"},
            "error_envelope": _STR,
            "error_basis": {"enum": ["documented", "upstream", "assumed"]},
            "auth": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key_env", "schemes", "reject", "source"],
                "properties": {
                    "key_env": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
                    "schemes": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["kind", "name", "source"],
                            "properties": {
                                "kind": {"enum": ["bearer", "header", "query"]},
                                "name": _STR,
                                "source": {"$ref": "#/$defs/source"},
                            },
                        },
                    },
                    "reject": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["missing", "wrong"],
                        "properties": {"missing": _REJECTION, "wrong": _REJECTION},
                    },
                    "source": {"$ref": "#/$defs/source"},
                    "notes": {"type": "array", "items": _STR},
                },
            },
            "conflicts": {"type": "array", "items": _CONFLICT},
            "headers": {"type": "array", "items": _STATIC_HEADER},
            "operations": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["family", "parameters"],
                    "properties": {
                        "family": _STR,
                        # The provider's own URL layout for the family's operation (Vertex AI)
                        # and the values its `{name}` segments take in planned requests.
                        "path": {"type": "string", "pattern": "^/"},
                        "path_params": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "pattern": "^[^/{}]+$"},
                        },
                        "parameters": {
                            "type": "object",
                            "additionalProperties": _PARAMETER_OVERRIDE,
                        },
                        # --- issue 13: a provider's answers where they differ from the family ---
                        "success_status": {"type": "integer", "minimum": 200, "maximum": 299},
                        "response": _RESPONSE_OVERRIDE,
                        # --- end issue 13 ---
                    },
                },
            },
            "models": {"type": "array", "minItems": 1, "items": _PROVIDER_MODEL},
        },
    },
}


#: Largest magnitude a spec number may have: every integer up to it is exact as a float, and
#: the code does float arithmetic on prices, counts and limits (10**400 would overflow it).
MAX_MAGNITUDE = 2**53


def _bounded(node: Any) -> Any:
    """`node` with every number or integer type bounded to +/-MAX_MAGNITUDE (tighter bounds
    kept)."""
    if isinstance(node, list):
        return [_bounded(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _bounded(value) for key, value in node.items()}
    types = out.get("type")
    names = types if isinstance(types, list) else [types]
    if "number" in names or "integer" in names:
        out["minimum"] = max(out.get("minimum", -MAX_MAGNITUDE), -MAX_MAGNITUDE)
        out["maximum"] = min(out.get("maximum", MAX_MAGNITUDE), MAX_MAGNITUDE)
    return out


KINDS = {kind: _bounded(schema) for kind, schema in KINDS.items()}


def meta_schema() -> dict[str, Any]:
    """The whole meta-schema: `$defs` per kind, dispatched on the file's `kind`."""
    defs: dict[str, Any] = {"source": _SOURCE}
    defs.update({f"kind_{kind}": schema for kind, schema in KINDS.items()})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://conformance.invalid/spec.meta.json",
        "title": "Image-generation API conformance spec file",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": sorted(KINDS)}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}},
                "then": {"$ref": f"#/$defs/kind_{kind}"},
            }
            for kind in sorted(KINDS)
        ],
        "$defs": defs,
    }
