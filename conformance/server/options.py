"""How one relay instance behaves: keys, faults, latency, payload weight, job pace.

A frozen value built once (by `conformance serve`, a test or `conformance run`) and handed to
`create_app`, so that the app itself never reads the environment or the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from conformance.server.faults import check_faults

DEFAULT_KEY = "test-key"
KEY_ENV = "CONFORMANCE_RELAY_KEY"

Payload = Literal["small", "realistic"]
#: Where images over chat completions go (spec family `openai-chat-images`, `image_forms`):
#: `message.images[]` (OpenRouter, LiteLLM), `message.content` as content parts, or Portkey's
#: `message.content_blocks[]`.
ChatForm = Literal["images", "content", "content_blocks"]
CHAT_FORMS: tuple[ChatForm, ...] = ("images", "content", "content_blocks")


@dataclass(frozen=True)
class RelayOptions:
    """Settings of one relay.

    `keys`: API keys accepted by every provider's auth scheme. `faults`: names from
    `conformance.server.faults.FAULTS`. `latency`: (min, max) seconds slept before each API
    answer, or None. `payload`: "small" solid images or "realistic" incompressible ones.
    `providers`: provider ids to serve (None: all). `job_steps`: polls of a job that show a
    non-terminal state before it completes. `journal`: requests kept in the upstream journal
    (0: no journal, no control routes; see `conformance.server.journal`). `chat_form`: where
    chat-completion answers put their images (`ChatForm`).
    """

    keys: tuple[str, ...] = (DEFAULT_KEY,)
    faults: frozenset[str] = field(default_factory=frozenset)
    latency: tuple[float, float] | None = None
    payload: Payload = "small"
    providers: tuple[str, ...] | None = None
    job_steps: int = 2
    journal: int = 0
    chat_form: ChatForm = "images"

    def __post_init__(self) -> None:
        if isinstance(self.faults, (set, list, tuple)):
            object.__setattr__(self, "faults", frozenset(self.faults))
        check_faults(self.faults)
        if not self.keys or any(not key for key in self.keys):
            raise ValueError("at least one non-empty API key is needed")
        if self.latency is not None:
            low, high = self.latency
            if not 0 <= low <= high:
                raise ValueError(f"latency must satisfy 0 <= min <= max, not {self.latency}")
        if self.payload not in ("small", "realistic"):
            raise ValueError(f"payload must be 'small' or 'realistic', not {self.payload!r}")
        if self.chat_form not in CHAT_FORMS:
            raise ValueError(f"chat_form must be one of {', '.join(CHAT_FORMS)}")
        if self.journal < 0:
            raise ValueError("journal must be >= 0")
        if self.job_steps < 0:
            raise ValueError("job_steps must be >= 0")

    def has(self, fault: str) -> bool:
        return fault in self.faults
