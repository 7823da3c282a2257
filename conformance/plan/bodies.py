"""Build request bodies from parameters, and derive what a body asks for.

Parameters carry their JSON path (with "*" for array items); the helpers here write and read a
parameter's value at that path (under any of its camel/snake names), build the smallest valid
body for an operation, and compute the expected effect of a body: image count, aspect ratio,
size tier, output MIME type and response encoding, falling back to documented defaults.
"""

from __future__ import annotations

import copy
import re
from typing import Any, ClassVar, Literal

from conformance.plan.case import Expect
from conformance.spec.model import WILDCARD, Model, Operation, Parameter

PROMPT = "a red bicycle leaning on a blue wall"
OBSERVABLE = (
    "image_count",
    "aspect_ratio",
    "image_size",
    "pixel_size",
    "output_format",
    "response_encoding",
)
_WXH = re.compile(r"^([1-9][0-9]*)x([1-9][0-9]*)$")


def set_path(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """Return a copy of `body` with `value` at `path` ("*" = first array item), creating parents."""
    return put_path(copy.deepcopy(body), path, value)


def put_path(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """`set_path` on `body` itself (a body the caller has just copied): `value` goes in as is."""
    node: Any = body
    for i, token in enumerate(path):
        last = i == len(path) - 1
        nxt: Any = value if last else ([] if path[i + 1] == WILDCARD else {})
        if token == WILDCARD:
            if not node:
                node.append(nxt)
            elif last:
                node[0] = value
            node = node[0]
        else:
            if last or token not in node or not isinstance(node[token], dict | list):
                node[token] = nxt
            node = node[token]
    return body


def delete_path(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """Return a copy of `body` without the value at `path` (first array item for "*")."""
    out = copy.deepcopy(body)
    node: Any = out
    for token in path[:-1]:
        node = node[0] if token == WILDCARD else node.get(token, {})
        if not isinstance(node, dict | list) or (isinstance(node, list) and not node):
            return out
    if isinstance(node, dict):
        node.pop(path[-1], None)
    return out


def get_param(body: Any, param: Parameter) -> tuple[bool, Any]:
    """(present, value) of `param` in `body`, accepting any of its property names."""
    if not param.path:
        return True, body
    found, parent = node_at(body, param.path[:-1])
    last = param.path[-1]
    if not found:
        return False, None
    if last == WILDCARD:
        return (True, parent[0]) if isinstance(parent, list) and parent else (False, None)
    if not isinstance(parent, dict):
        return False, None
    key = next((n for n in param.property_names if n in parent), None)
    return (True, parent[key]) if key is not None else (False, None)


def node_at(body: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    """(present, value) at `path`: any spelling of each name, the first item for `*`."""
    node = body
    for token in path:
        if token == WILDCARD:
            if not isinstance(node, list) or not node:
                return False, None
            node = node[0]
            continue
        if not isinstance(node, dict):
            return False, None
        key = next((n for n in (token, *_aliases_of(token)) if n in node), None)
        if key is None:
            return False, None
        node = node[key]
    return True, node


def meet_requires(operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """`body` (changed in place) with every `requires` of a parameter it sends met: the named
    sibling set to the required value, under the spelling the body already uses for it.

    Vertex refuses a seed while the watermark is on, so a positive body that sends one without
    the other would be a request the upstream itself rejects: no valid relay could pass it."""
    for param in operation.body_parameters:
        if not param.requires:
            continue
        present, value = get_param(body, param)
        if not present or value is None:  # null is unset under proto3 JSON
            continue
        for name, wanted in param.requires:
            other = operation.parameter(name)
            if other is not None:
                body = _put_param(body, other, wanted)
    return body


def _put_param(body: dict[str, Any], param: Parameter, value: Any) -> dict[str, Any]:
    """`put_path` that overwrites the parameter under whichever of its names the body uses."""
    _, parent = node_at(body, param.path[:-1])
    if isinstance(parent, dict):
        key = next((n for n in param.property_names if n in parent), param.path[-1])
        parent[key] = value
        return body
    return put_path(body, param.path, value)


def _aliases_of(token: str) -> tuple[str, ...]:
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in token)
    return (snake,) if snake != token else ()


def base_body(model: Model, operation: Operation, prompt: str = PROMPT) -> dict[str, Any] | None:
    """The smallest valid body: the prompt, the model id where the body carries it, and required
    leaves with a single documented value. None for an operation without a body."""
    if not operation.has_body:
        return None
    body: dict[str, Any] = {}
    for param in operation.body_parameters:
        if param.concept == "prompt":
            body = set_path(body, param.path, prompt)
        elif param.concept == "model" and param.path:
            body = set_path(body, param.path, param.enum[0] if param.enum else model.id)
        elif param.is_fixed and param.enum is not None:
            body = set_path(body, param.path, param.enum[0])
    return body


def covered_parameters(operation: Operation) -> tuple[Parameter, ...]:
    """Body leaves whose documented values the covering plan exercises (no array items)."""
    out = []
    for param in operation.body_parameters:
        if not param.path or WILDCARD in param.path or param.concept in ("model", "prompt"):
            continue
        if param.type in ("object",) and param.items_enum is None:
            continue
        if param.enum or param.items_enum or param.type == "boolean" or _has_range(param):
            out.append(param)
    return tuple(out)


def _has_range(param: Parameter) -> bool:
    return param.type in ("integer", "number") and (
        param.minimum is not None or param.maximum is not None
    )


Encoding = Literal["b64", "url"]


class _Carriers:
    """The concept carriers of the operation asked for last: the planner asks for the effects of
    every positive case of one operation in a row (scanning the parameters six times a case was
    a fifth of a 64x plan's covering step)."""

    operation: ClassVar[Operation | None] = None
    table: ClassVar[dict[str, tuple[Parameter, tuple[Parameter, ...]]]] = {}


def _carriers(operation: Operation) -> dict[str, tuple[Parameter, tuple[Parameter, ...]]]:
    """concept -> (`by_concept`'s parameter, every parameter carrying it in declaration order)."""
    if _Carriers.operation is not operation:
        table = {}
        for concept in dict.fromkeys(p.concept for p in operation.parameters if p.concept):
            param = operation.by_concept(concept)
            if param is not None:
                table[concept] = (
                    param,
                    tuple(p for p in operation.parameters if p.concept == concept),
                )
        _Carriers.operation, _Carriers.table = operation, table
    return _Carriers.table


def expectations(
    model: Model, operation: Operation, body: Any, advisory_params: tuple[str, ...] = ()
) -> Expect:
    """What a valid `body` must produce: count, ratio, tier, MIME type and encoding.

    Effects of channel-dependent parameters and of defaults documented as advisory are marked
    advisory (reported, never failed)."""
    advisory: list[str] = []
    carriers = _carriers(operation)

    def value(concept: str) -> tuple[Any, Parameter | None, bool]:
        param, candidates = carriers.get(concept, (None, ()))
        if param is None:
            return None, None, False
        for candidate in candidates:
            present, val = get_param(body, candidate)
            if present:
                return val, candidate, True
        return (param.default if param.has_default else None), param, False

    count, count_param, _ = value("image_count")
    images = count if isinstance(count, int) else model.default_image_count
    ratio, ratio_param, ratio_set = value("aspect_ratio")
    tier, tier_param, _ = value("image_size")
    fmt, fmt_param, _ = value("output_format")
    encoding_flag, _, _ = value("response_encoding")
    size, size_param, _ = value("pixel_size")
    exact = size if isinstance(size, str) and _WXH.match(size) else None
    if exact is not None and size_param is not None and size_param.enforcement != "enforced":
        advisory.append("size")
    mime = model.output_mime
    if fmt_param is not None and isinstance(fmt, str):
        mime = (fmt_param.value_mime or {}).get(fmt, fmt if "/" in fmt else mime)
    for param, name in ((ratio_param, "ratio"), (tier_param, "tier"), (count_param, "images")):
        if param is not None and (param.enforcement != "enforced" or param.name in advisory_params):
            advisory.append(name)
    if ratio_param is not None and not ratio_set and ratio_param.default_enforcement != "enforced":
        advisory.append("ratio")
    if isinstance(ratio, str) and isinstance(tier, str):
        entry = model.pixel_size(ratio, tier)
        if entry is None or entry.enforcement != "enforced":
            advisory.append("size")
    encoding: Encoding | None = None
    if isinstance(encoding_flag, bool):
        encoding = "url" if encoding_flag else "b64"
    elif isinstance(encoding_flag, str):  # a value naming the encoding: OpenAI's "url"/"b64_json"
        encoding = "url" if "url" in encoding_flag.lower() else "b64"
    return Expect(
        status_class="2xx",
        images=images,
        ratio=ratio if isinstance(ratio, str) else None,
        tier=tier if isinstance(tier, str) else (model.tiers[0] if model.tiers else None),
        mime=mime,
        encoding=encoding,
        advisory=tuple(dict.fromkeys(advisory)),
        size=exact,
    )
