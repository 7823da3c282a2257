"""The manifest of a provider's recordings: what was recorded, against what, and for which plan.

`cassettes/<provider>/manifest.json` sits next to the provider's cassettes (one vcrpy YAML file per
model). It says what the recording is (a label such as "reference recording against the built-in
relay", the target, the date, the spec digest), how to plan the same cases again (seed, examples,
triggers) and how the run sent them (timeouts, retries, job pacing), and for every planned case
the fingerprint of its request (scrubbed: no key, no secret field), whether it was sent or
skipped (and why), how many job polls it took and any transport error it met. Replay compares a
fresh plan with the fingerprints to name exactly the cases that need re-recording.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance.cassettes.scrub import scrub_body
from conformance.plan.case import Case

FORMAT = 1
MANIFEST = "manifest.json"
REFERENCE_LABEL = "reference recording against the built-in relay"


class CassetteError(Exception):
    """A cassette directory that cannot be used (missing, unreadable, inconsistent)."""


@dataclass(frozen=True)
class PlanSettings:
    """What makes the plan reproducible: the same spec and these give the same cases."""

    seed: int = 0
    max_examples: int = 3
    triggers: bool = True


@dataclass(frozen=True)
class Selection:
    """Which part of the provider's plan the recording covers (None: all of it)."""

    models: tuple[str, ...] | None = None
    checks: tuple[str, ...] | None = None

    def union(self, other: Selection) -> Selection:
        def merge(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
            return None if a is None or b is None else tuple(sorted({*a, *b}))

        return Selection(merge(self.models, other.models), merge(self.checks, other.checks))

    def as_dict(self) -> dict[str, list[str] | None]:
        return {
            "models": None if self.models is None else list(self.models),
            "checks": None if self.checks is None else list(self.checks),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Selection:
        models, checks = data.get("models"), data.get("checks")
        return cls(
            None if models is None else tuple(models), None if checks is None else tuple(checks)
        )


@dataclass(frozen=True)
class RunSettings:
    """How the recorded run sent its cases (replay reproduces retries, timeouts, job pacing)."""

    live: bool = False
    include_retired: bool = False
    timeout: float = 180.0
    retries: int = 3
    job_timeout: float = 5.0
    poll_interval: float = 0.02


@dataclass(frozen=True)
class RecordedError:
    """A transport error the live run met (vcrpy records answers only, not failures to answer)."""

    role: str
    fingerprint: str
    error: str
    retries: tuple[tuple[int, float, str | None], ...] = ()


@dataclass(frozen=True)
class RecordedCase:
    fingerprint: str
    model: str
    operation: str
    request: str
    skipped: str | None = None
    polls: int = 0
    errors: tuple[RecordedError, ...] = ()


@dataclass
class Manifest:
    provider: str
    label: str
    target: str
    base_url: str
    key_env: str
    recorded_at: str
    spec_sha256: str
    conformance_version: str
    plan: PlanSettings
    run: RunSettings
    selection: Selection = field(default_factory=Selection)
    faults: tuple[str, ...] = ()
    models: dict[str, str] = field(default_factory=dict)
    cases: dict[str, RecordedCase] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "provider": self.provider,
            "label": self.label,
            "target": self.target,
            "base_url": self.base_url,
            "key_env": self.key_env,
            "faults": list(self.faults),
            "recorded_at": self.recorded_at,
            "spec_sha256": self.spec_sha256,
            "conformance_version": self.conformance_version,
            "plan": asdict(self.plan),
            "selection": self.selection.as_dict(),
            "run": asdict(self.run),
            "models": dict(sorted(self.models.items())),
            "cases": {cid: _case_dict(c) for cid, c in sorted(self.cases.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        if data.get("format") != FORMAT:
            raise CassetteError(f"unknown manifest format {data.get('format')!r}")
        return cls(
            provider=data["provider"],
            label=data["label"],
            target=data["target"],
            base_url=data["base_url"],
            key_env=data["key_env"],
            recorded_at=data["recorded_at"],
            spec_sha256=data["spec_sha256"],
            conformance_version=data.get("conformance_version", ""),
            plan=PlanSettings(**data["plan"]),
            run=RunSettings(**data["run"]),
            selection=Selection.from_dict(data.get("selection") or {}),
            faults=tuple(data.get("faults", ())),
            models=dict(data.get("models", {})),
            cases={cid: _case_from(raw) for cid, raw in data.get("cases", {}).items()},
        )

    def encode(self) -> bytes:
        return (json.dumps(self.as_dict(), indent=1, ensure_ascii=False) + "\n").encode()

    @classmethod
    def load(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CassetteError(
                f"{path}:{exc.lineno}:{exc.colno}: not a readable cassette manifest ({exc.msg})"
            ) from None
        except (OSError, ValueError) as exc:
            raise CassetteError(f"{path}: not a readable cassette manifest ({exc})") from None
        if not isinstance(data, dict):
            raise CassetteError(
                f"{path}: a cassette manifest is a JSON object, not {type(data).__name__}"
            )
        try:
            return cls.from_dict(data)
        except CassetteError as exc:
            raise CassetteError(f"{path}: {exc}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CassetteError(f"{path}: not a readable cassette manifest ({exc!r})") from None


def _case_dict(case: RecordedCase) -> dict[str, Any]:
    out: dict[str, Any] = {
        "fingerprint": case.fingerprint,
        "model": case.model,
        "operation": case.operation,
        "request": case.request,
    }
    if case.skipped is not None:
        out["skipped"] = case.skipped
    if case.polls:
        out["polls"] = case.polls
    if case.errors:
        out["errors"] = [
            {**asdict(e), "retries": [list(r) for r in e.retries]} for e in case.errors
        ]
    return out


def _case_from(raw: dict[str, Any]) -> RecordedCase:
    errors = tuple(
        RecordedError(
            e["role"],
            e["fingerprint"],
            e["error"],
            tuple((int(r[0]), float(r[1]), r[2]) for r in e.get("retries", ())),
        )
        for e in raw.get("errors", ())
    )
    return RecordedCase(
        raw["fingerprint"],
        raw["model"],
        raw["operation"],
        raw["request"],
        raw.get("skipped"),
        int(raw.get("polls", 0)),
        errors,
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def case_fingerprint(case: Case) -> str:
    """The request of a case as it is recorded (secret fields redacted), hashed."""
    request = case.request
    document = {
        "method": request.method,
        "target": request.url or request.path,
        "query": [list(q) for q in request.query],
        "auth": request.auth.label(),
        "body": scrub_body(case.operation, request.body),
    }
    if request.raw_body is not None:  # only then: the fingerprints of JSON bodies stay as they were
        document["raw_body"] = request.raw_body
    if request.padding:  # likewise: an oversized body is its JSON value plus this much padding
        document["padding"] = request.padding
    return digest(json.dumps(document, sort_keys=True, separators=(",", ":")))


def spec_digest(root: Path) -> str:
    """SHA-256 of every spec file (path and bytes), in path order."""
    sha = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        sha.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def cassette_name(model: str) -> str:
    """A stable file name for a model id (ids may contain `/`)."""
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in model)
    return f"{safe}.yaml"


__all__ = [
    "FORMAT",
    "MANIFEST",
    "REFERENCE_LABEL",
    "CassetteError",
    "Manifest",
    "PlanSettings",
    "RecordedCase",
    "RecordedError",
    "RunSettings",
    "Selection",
    "case_fingerprint",
    "cassette_name",
    "digest",
    "spec_digest",
]
