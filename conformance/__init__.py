"""Spec-driven conformance suite for image-generation APIs and the relays that resell them."""

__version__ = "0.1.0"
