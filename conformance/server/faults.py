"""The named faults of the reference relay: a catalogue of ways relays break, on purpose.

Each fault reproduces one failure seen in real relays (REFERENCE.md §5) and changes only what its
name says, so that a conformance check can be shown to catch exactly that failure and nothing
else. The names are part of the command line (`conformance serve --fault NAME`) and of the test
suite, so they live here once.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

FOREIGN_SHAPE: Final = "foreign-shape"
IGNORE_COUNT: Final = "ignore-count"
IGNORE_ASPECT_RATIO: Final = "ignore-aspect-ratio"
IGNORE_IMAGE_SIZE: Final = "ignore-image-size"
MIME_MISMATCH: Final = "mime-mismatch"
TRUNCATE_IMAGE: Final = "truncate-image"
NO_AUTH: Final = "no-auth"
ACCEPT_INVALID: Final = "accept-invalid"
SERVER_ERROR: Final = "server-error"
ERROR_ENVELOPE: Final = "error-envelope"
WRONG_DEFAULT: Final = "wrong-default"
STUCK_JOB: Final = "stuck-job"
INVALID_AS_NOT_FOUND: Final = "invalid-as-not-found"
INCONSISTENT_ENVELOPE: Final = "inconsistent-envelope"
DROP_ERROR_DETAILS: Final = "drop-error-details"
LEAK_TRACEBACK: Final = "leak-traceback"
ECHO_KEY: Final = "echo-key"
STRIP_METADATA: Final = "strip-metadata"
INFLATE_USAGE: Final = "inflate-usage"
IGNORE_MODALITIES: Final = "ignore-modalities"
CASE_SENSITIVE_ENUMS: Final = "case-sensitive-enums"
CAMEL_CASE_ONLY: Final = "camel-case-only"
OPEN_POLLS: Final = "open-polls"
KEYED_IMAGE_URLS: Final = "keyed-image-urls"
UNBOUNDED_BODY: Final = "unbounded-body"
DROP_CHAT_IMAGES: Final = "drop-chat-images"

FAULT_DESCRIPTIONS: Final = MappingProxyType(
    {
        FOREIGN_SHAPE: "native routes answer in another protocol's shape "
        "(:predict -> candidates, :generateContent -> predictions, OpenAI-style -> predictions, "
        "job result -> data[])",
        IGNORE_COUNT: "always one image, whatever count was asked for or is the default",
        IGNORE_ASPECT_RATIO: "always square (1:1) images, whatever ratio was asked for",
        IGNORE_IMAGE_SIZE: "always the model's smallest size tier (an exact `size` is ignored)",
        MIME_MISMATCH: "the declared MIME type (or URL Content-Type) differs from the bytes",
        TRUNCATE_IMAGE: "image payloads cut short (base64 stays valid, the image does not)",
        NO_AUTH: "missing and wrong API keys are accepted",
        ACCEPT_INVALID: "requests that break the spec get 2xx answers (defaults fill the gaps)",
        SERVER_ERROR: "requests that break the spec get 500",
        ERROR_ENVELOPE: "every error body is text/plain instead of the provider's JSON envelope",
        WRONG_DEFAULT: "omitted fields get values other than the documented defaults",
        STUCK_JOB: "asynchronous jobs stay PROCESSING forever",
        INVALID_AS_NOT_FOUND: "requests that break the spec get 404 NOT_FOUND in a well-formed "
        "envelope (the wrong class of error)",
        INCONSISTENT_ENVELOPE: "google.rpc error bodies say code 500 / INTERNAL whatever the "
        "HTTP status (a re-wrapped upstream error)",
        DROP_ERROR_DETAILS: "re-wrapped errors lose their details: no details[] (ErrorInfo "
        "reason, field violations), OpenAI-style param null",
        LEAK_TRACEBACK: "error bodies carry the relay's Python traceback and file paths",
        ECHO_KEY: "error messages echo the API key the request sent",
        STRIP_METADATA: "answers keep only their images: no finishReason or usageMetadata on "
        "Gemini answers, no mimeType on Imagen predictions",
        INFLATE_USAGE: "usageMetadata reports twice the image tokens the spec gives per image",
        IGNORE_MODALITIES: "responseModalities is ignored: answers hold text and images whatever "
        "was asked",
        CASE_SENSITIVE_ENUMS: "enum values upstream accepts in any letter case (DONT_ALLOW) are "
        "refused unless spelled as listed",
        CAMEL_CASE_ONLY: "snake_case proto-JSON field names (generation_config, inline_data, "
        "mime_type) are refused as unknown fields",
        OPEN_POLLS: "job polling answers without checking the key (the job id is taken as the "
        "credential)",
        KEYED_IMAGE_URLS: "the image URLs a relay hands out demand the API key, so a keyless "
        "client (a browser) cannot load them",
        UNBOUNDED_BODY: "request bodies over the documented size limit are read whole and "
        "served (up to 4x the limit, so the relay itself stays bounded)",
        DROP_CHAT_IMAGES: "chat-completion answers keep only their text: the images are dropped "
        "(as Portkey does in strict OpenAI compliance), still 200 with finish_reason stop",
    }
)

#: The fault names, in the order the help text lists them.
FAULTS: Final[tuple[str, ...]] = tuple(FAULT_DESCRIPTIONS)

_LATENCY = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:-\s*(\d+(?:\.\d*)?|\.\d+)\s*)?$")


def parse_latency(text: str) -> tuple[float, float]:
    """`"0.5"` -> (0.5, 0.5); `"0.1-2"` -> (0.1, 2.0). Raises ValueError with a usable message."""
    match = _LATENCY.match(text)
    if match is None:
        raise ValueError(f"latency must be SECONDS or MIN-MAX (e.g. 0.2 or 0.1-0.5), not {text!r}")
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) is not None else low
    if high < low:
        raise ValueError(f"latency range {text!r} has its maximum below its minimum")
    return (low, high)


def check_faults(names: frozenset[str] | set[str] | tuple[str, ...]) -> None:
    """Raise ValueError naming every unknown fault and the known ones."""
    unknown = sorted(set(names) - set(FAULTS))
    if unknown:
        raise ValueError(
            f"unknown fault(s): {', '.join(unknown)}; known faults: {', '.join(FAULTS)}"
        )
