"""Transports: send a planned request, return an `Exchange` (live httpx, in-process ASGI relay;
replays from cassettes are `conformance.cassettes`), plus redaction and curl rendering that never
show a key."""

from conformance.exchange import Exchange, Response, Retry
from conformance.transport.base import HttpxTransport, RateLimiter, Transport
from conformance.transport.flow import FlowOptions, perform
from conformance.transport.redaction import Redactor, to_curl

__all__ = [
    "Exchange",
    "FlowOptions",
    "HttpxTransport",
    "RateLimiter",
    "Redactor",
    "Response",
    "Retry",
    "Transport",
    "perform",
    "to_curl",
]
