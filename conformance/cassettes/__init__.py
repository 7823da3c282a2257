"""Cassettes: record a run's HTTP exchanges once, replay them offline — secret-safe, image-slim.

Built on vcrpy: a run is recorded through vcrpy's httpx patching (live targets and the
in-process relay alike) into standard vcrpy YAML cassettes, one per provider x model, plus a
manifest per provider (`manifest.py`) that makes replay exact and explains what is stale. Keys
and secret fields are scrubbed (`scrub.py`) and images slimmed (`slimming.py`) before anything
is kept; replay (`replay.py`) answers the same plan from the cassettes with no network.
See docs/cassettes.md.
"""

from conformance.cassettes.manifest import (
    REFERENCE_LABEL,
    CassetteError,
    Manifest,
    PlanSettings,
    RunSettings,
    Selection,
    spec_digest,
)
from conformance.cassettes.network import NetworkBlocked, blocked
from conformance.cassettes.record import Recording, RecordTarget
from conformance.cassettes.replay import (
    Replaying,
    Stale,
    load_manifests,
    needs_rerecording,
    replay_plan,
)
from conformance.cassettes.scrub import SecretLeak, Secrets
from conformance.cassettes.slimming import SLIM_HEADER
from conformance.cassettes.store import Store

__all__ = [
    "REFERENCE_LABEL",
    "SLIM_HEADER",
    "CassetteError",
    "Manifest",
    "NetworkBlocked",
    "PlanSettings",
    "RecordTarget",
    "Recording",
    "Replaying",
    "RunSettings",
    "SecretLeak",
    "Secrets",
    "Selection",
    "Stale",
    "Store",
    "blocked",
    "load_manifests",
    "needs_rerecording",
    "replay_plan",
    "spec_digest",
]
