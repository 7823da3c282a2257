"""The shape a cassette file must have before vcrpy may read it.

vcrpy trusts its files: a truncated cassette, `interactions:` of the wrong type, a missing
`response` or a non-numeric status each surfaced as a `TypeError` or `KeyError` from deep inside
it (exit 3). Here the parsed YAML is checked first, so that a damaged file is a `CassetteError`
naming the file and the interaction (YAML syntax errors name the line), exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from vcr.request import Request as VcrRequest
from vcr.serializers import compat

from conformance.cassettes.manifest import CassetteError

Interactions = tuple[list[Any], list[Any]]


def parse_cassette(text: str, path: Path, serializer: Any) -> Interactions:
    """(requests, responses) of a cassette file's text, or CassetteError saying what is wrong."""
    try:
        data = serializer.deserialize(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise CassetteError(f"{where}: not valid YAML ({exc.problem or exc.context})") from None
    except (yaml.YAMLError, ValueError, TypeError, ImportError) as exc:
        raise CassetteError(f"{path}: not a readable vcrpy cassette ({exc})") from None
    interactions = _interactions(data, path)
    try:
        requests = [VcrRequest._from_dict(i["request"]) for i in interactions]
        responses = [compat.convert_to_bytes(i["response"]) for i in interactions]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CassetteError(f"{path}: not a readable vcrpy cassette ({exc!r})") from None
    return requests, responses


def _interactions(data: Any, path: Path) -> list[dict[str, Any]]:
    if data is None:
        raise CassetteError(f"{path}: the cassette is empty (re-record it)")
    if not isinstance(data, dict):
        raise CassetteError(f"{path}: a cassette is a mapping, not {type(data).__name__}")
    interactions = data.get("interactions")
    if not isinstance(interactions, list):
        raise CassetteError(
            f"{path}: `interactions` must be a list, not {type(interactions).__name__}"
        )
    for n, item in enumerate(interactions):
        problem = _problem(item)
        if problem:
            raise CassetteError(f"{path}: interaction {n}: {problem}")
    return interactions


def _problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "not a mapping"
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, dict):
        return "no `request` mapping"
    if not isinstance(response, dict):
        return "no `response` mapping"
    for field in ("method", "uri"):
        if not isinstance(request.get(field), str):
            return f"request.{field} is not a string"
    if not isinstance(request.get("headers", {}), dict):
        return "request.headers is not a mapping"
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        return f"response.status.code must be an HTTP status (100-599), not {code!r}"
    headers = response.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in headers.values()
    ):
        return "response.headers must map names to lists of strings"
    body = response.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("string", b""), str | bytes):
        return "response.body.string is not a string"
    return None
