"""The documented error for each class of mistake a refused case makes.

"Any 4xx" lets a relay that answers 401 or 404 to a malformed body pass. So each refused case
expects what its provider's envelope records for its class of mistake (`invalid-argument`:
Google 400 `INVALID_ARGUMENT`, OpenAI style 400 `invalid_request_error` with `param`;
`unknown-model`: Google 404 `NOT_FOUND`), and auth cases the status, word and reason the
provider's `auth.reject` records (Google: 400 `API_KEY_INVALID` for a wrong key). The
provider's `error_basis` says whether that is its own documentation or the upstream behaviour it
relays.
"""

from __future__ import annotations

import re

from conformance.plan.case import ErrorExpect, Target
from conformance.spec.model import AuthRejection, ExpectedError, Operation, Provider

#: A model id no provider serves (the unknown-model case asks for it in the path).
UNKNOWN_MODEL = "conformance-unknown-model"
#: A job id no provider issued (auth on the poll route is checked before the lookup).
UNKNOWN_JOB = "conformance-unknown-job"


def _dotted(pointer: str) -> str | None:
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    return ".".join(t for t in tokens if not t.isdigit()) or None


def for_mistake(provider: Provider, mistake: str, target: Target | None) -> ErrorExpect | None:
    documented = provider.envelope.mistakes.get(mistake)
    if documented is None:
        return None
    param = None
    if documented.param and target is not None and target.rule != "additionalProperties":
        param = _dotted(target.pointer)  # an unknown field is reported with param null
    return ErrorExpect(mistake, documented.label, param, None, provider.error_basis)


def documented(provider: Provider, mistake: str) -> ExpectedError | None:
    return provider.envelope.mistakes.get(mistake)


def statuses(provider: Provider, mistake: str) -> tuple[int, ...] | None:
    found = documented(provider, mistake)
    return (found.status,) if found else None


def for_rejection(mode: str, rejection: AuthRejection, provider: Provider) -> ErrorExpect:
    """An auth rejection's word is checked only where one status is recorded (with two, the
    canonical word follows the status the provider chose)."""
    label = rejection.error_status if len(rejection.status) == 1 else None
    return ErrorExpect(f"{mode}-key", label, None, rejection.reason, provider.error_basis)


def unknown_model_path(operation: Operation, model_id: str) -> str | None:
    """The operation's path with an unknown model in place of `model_id` (path-model routes)."""
    segment = f"/models/{model_id}:"
    if segment not in operation.path:
        return None
    return operation.path.replace(segment, f"/models/{UNKNOWN_MODEL}:", 1)


def any_job_path(poll: Operation) -> str:
    """The poll operation's path with every `{placeholder}` filled by an unknown job id."""
    return re.sub(r"\{[^}]+\}", UNKNOWN_JOB, poll.path)
