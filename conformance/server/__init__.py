"""The reference relay: a spec-driven emulator of every provider, with faults on demand.

`create_app(spec, RelayOptions(...))` returns an ASGI app that serves every provider x model x
operation of the spec at `/<provider><documented path>`, authenticates, validates and answers
as the provider documents (real images, native shapes, error envelopes, async jobs), and can
break on purpose (`FAULTS`) so that every conformance check can be shown to fail.
"""

from conformance.server.app import Relay, create_app
from conformance.server.faults import FAULT_DESCRIPTIONS, FAULTS, parse_latency
from conformance.server.options import DEFAULT_KEY, KEY_ENV, RelayOptions

__all__ = [
    "DEFAULT_KEY",
    "FAULTS",
    "FAULT_DESCRIPTIONS",
    "KEY_ENV",
    "Relay",
    "RelayOptions",
    "create_app",
    "parse_latency",
]
