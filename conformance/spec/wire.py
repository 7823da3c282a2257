"""Wire-level mistakes a client can make, and the answer a provider documents for each.

Body-level negatives (`plan/negative.py`) break one documented constraint in valid JSON; these
break the request itself: a body that is not JSON, a JSON body without `Content-Type`, a method
the path does not serve, a body over the operation's request-size limit (`body_limit`).
Gateways get these wrong in ways a parameter check never sees (a 500
for malformed JSON, a body dropped because it had no content type). A family operation records
the documented answer per form under `wire:`, with its source; `upstream: true` marks an answer
taken from the upstream API because the provider's own documentation is silent. A form a spec
does not mention still gets the suite's rule for it (`DEFAULTS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from conformance.spec.diagnostics import Location
from conformance.spec.model import Source

WireFormName = Literal["malformed-json", "no-content-type", "wrong-method", "oversized-body"]
#: The spec key of each form (YAML keys are snake_case).
KEYS: Final[Mapping[str, WireFormName]] = {
    "malformed_json": "malformed-json",
    "no_content_type": "no-content-type",
    "wrong_method": "wrong-method",
    "oversized_body": "oversized-body",
}
#: A form needs a body to break (a GET has none to malform).
NEEDS_BODY: Final = frozenset({"malformed-json", "no-content-type", "oversized-body"})


@dataclass(frozen=True)
class WireForm:
    """The answer documented for one wire-level mistake: statuses of one class (2xx: the
    request is served anyway), whether a 405 must name the allowed methods, and the source."""

    form: WireFormName
    statuses: tuple[int, ...]
    source: Source | None
    allow: bool = False
    upstream: bool = False
    method: str | None = None
    note: str | None = None
    declared_at: Location | None = None

    @property
    def accepted(self) -> bool:
        return self.statuses[0] < 300

    def origin(self) -> str:
        """How the expectation is grounded, for case descriptions and docs."""
        if self.source is None:
            return "the suite's rule (no document states it)"
        cite = self.source.cite()
        return f"upstream behaviour, the provider is silent: {cite}" if self.upstream else cite


#: What an undocumented form must get: never a 5xx, an error in the provider's envelope.
DEFAULTS: Final[Mapping[WireFormName, WireForm]] = {
    "malformed-json": WireForm("malformed-json", (400, 422), None),
    "wrong-method": WireForm("wrong-method", (400, 403, 404, 405), None),
    "oversized-body": WireForm("oversized-body", (400, 413), None),
}


def status_problem(statuses: tuple[int, ...]) -> str | None:
    """Why a form's statuses cannot be an expectation (mixed classes, a 5xx), if they can't."""
    classes = {s // 100 for s in statuses}
    if len(classes) != 1 or not classes <= {2, 4}:
        return "statuses must all be 2xx (served anyway) or all 4xx (refused)"
    return None
