"""Turning `conformance run`'s parsed options into the values the runner takes.

Every inconsistency between options is a `UsageError` here, before anything is planned or sent.
"""

from __future__ import annotations

import argparse

from conformance.checks import REGISTRY
from conformance.cli.common import UsageError
from conformance.runner import TargetOptions
from conformance.spec.headers import HeaderError, StaticHeader, parse_header
from conformance.spec.model import Spec
from conformance.spec.path_params import (
    PathParamError,
    known_segments,
    parse_path_param,
    with_path_params,
)
from conformance.transport.asgi import RELAY_ORIGIN
from conformance.transport.flow import FlowOptions

RELAY_POLL_INTERVAL = 0.02
RELAY_JOB_TIMEOUT = 5.0


def _positive(name: str, value: float | None) -> None:
    if value is not None and value <= 0:
        raise UsageError(f"{name} must be positive, not {value:g}")


def target_options(spec: Spec, args: argparse.Namespace) -> TargetOptions:
    known = {p.id: p for p in spec.providers}
    for pid in args.provider:
        if pid not in known:
            raise UsageError(f"unknown provider {pid!r}; known providers: {', '.join(known)}")
    models = {
        m.id for p in spec.providers for m in p.models if not args.provider or p.id in args.provider
    }
    for mid in args.model:
        if mid not in models:
            raise UsageError(f"unknown model {mid!r}; known models: {', '.join(sorted(models))}")
    for name in args.check:
        if name not in REGISTRY:
            raise UsageError(f"unknown check {name!r}; checks: {', '.join(sorted(REGISTRY))}")
    for name, value in (
        ("--concurrency", args.concurrency),
        ("--timeout", args.timeout),
        ("--rate", args.rate),
        ("--job-timeout", args.job_timeout),
        ("--poll-interval", args.poll_interval),
    ):
        _positive(name, value)
    for name, value in (
        ("--max-requests", args.max_requests),
        ("--max-images", args.max_images),
        ("--max-examples", args.max_examples),
        ("--retries", args.retries),
    ):
        if value is not None and value < 0:
            raise UsageError(f"{name} must be >= 0, not {value}")
    latency = None
    validate_cassettes(args)
    validate_upstream(spec, args)
    if args.base_url is not None:
        if len(args.provider) != 1:
            raise UsageError("--base-url needs exactly one --provider (whose API it serves)")
        if args.fault or args.latency or args.chat_image_form:
            raise UsageError(
                "--fault, --latency and --chat-image-form configure the built-in relay; they "
                "cannot be used with --base-url"
            )
        if not args.base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url must be an http(s) URL, not {args.base_url!r}")
    else:
        if args.api_key_env:
            raise UsageError("--api-key-env applies to --base-url targets only")
        from conformance.server.faults import FAULTS, parse_latency

        unknown = sorted(set(args.fault) - set(FAULTS))
        if unknown:
            raise UsageError(f"unknown fault(s) {', '.join(unknown)}; faults: {', '.join(FAULTS)}")
        if args.latency:
            try:
                latency = parse_latency(args.latency)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
    return TargetOptions(
        headers=run_headers(spec, args),
        base_url=args.base_url,
        api_key_env=args.api_key_env,
        faults=frozenset(args.fault),
        latency=latency,
        chat_form=args.chat_image_form or "images",
        timeout=args.timeout,
        max_body=args.max_body,
        retries=args.retries,
        rate=args.rate,
        concurrency=args.concurrency,
    )


def run_headers(spec: Spec, args: argparse.Namespace) -> tuple[StaticHeader, ...]:
    """`--header` and `--secret-header`, parsed; a key slot's header cannot be one of them (the
    auth cases send it missing and wrong on purpose)."""
    slots: dict[str, list[str]] = {}
    for p in spec.providers:
        if not args.provider or p.id in args.provider:
            for s in p.auth.schemes:
                if s.kind != "query":
                    slots.setdefault(s.name.lower(), []).append(p.id)
    out: dict[str, StaticHeader] = {}
    for flag, texts, secret in (
        ("--header", args.header, False),
        ("--secret-header", args.secret_header, True),
    ):
        for text in texts:
            parsed = parse_header(text, secret=secret)
            if isinstance(parsed, HeaderError):
                raise UsageError(f"{flag} {text!r}: {parsed}")
            name = parsed.name.lower()
            if name in slots:
                raise UsageError(
                    f"{flag} {parsed.name}: that is {', '.join(slots[name])}'s API-key header; "
                    "the key comes from --api-key-env (or the provider's variable)"
                )
            if name in out:
                raise UsageError(f"{flag} {parsed.name}: header given twice")
            out[name] = parsed
    return tuple(out.values())


def apply_path_params(spec: Spec, args: argparse.Namespace) -> Spec:
    """The spec with `--path-param` values in the selected providers' paths."""
    if not args.path_param:
        return spec
    selected = [p for p in spec.providers if not args.provider or p.id in args.provider]
    known = known_segments(selected)
    values: dict[str, str] = {}
    for text in args.path_param:
        parsed = parse_path_param(text)
        if isinstance(parsed, PathParamError):
            raise UsageError(f"--path-param {parsed}")
        name, value = parsed
        if name not in known:
            where = ", ".join(sorted(known)) or "none: their paths carry only the model"
            raise UsageError(
                f"--path-param {name}: no selected provider's path has a {{{name}}} segment "
                f"(path parameters: {where})"
            )
        if name in values:
            raise UsageError(f"--path-param {name}: given twice")
        values[name] = value
    return with_path_params(spec, values, [p.id for p in selected])


#: Options a replay takes from the recording: giving them is a mistake worth saying so.
_RECORDED = (
    ("--base-url", "base_url"),
    ("--api-key-env", "api_key_env"),
    ("--fault", "fault"),
    ("--latency", "latency"),
    ("--chat-image-form", "chat_image_form"),
    ("--max-requests", "max_requests"),
    ("--max-images", "max_images"),
    ("--include-retired", "include_retired"),
    ("--header", "header"),
    ("--secret-header", "secret_header"),
    ("--path-param", "path_param"),
)


def validate_upstream(spec: Spec, args: argparse.Namespace) -> None:
    """A sandwich run (`--upstream`) needs a live relay and no cassettes."""
    if args.upstream is None:
        return
    if args.base_url is None:
        raise UsageError("--upstream needs --base-url (the relay under test that forwards to it)")
    if args.record is not None or args.replay is not None:
        raise UsageError("--upstream cannot be used with --record or --replay")
    if not args.upstream.startswith(("http://", "https://")):
        raise UsageError(f"--upstream must be an http(s) URL, not {args.upstream!r}")
    if spec.provider(args.upstream_provider) is None:
        raise UsageError(f"unknown --upstream-provider {args.upstream_provider!r}")


def validate_cassettes(args: argparse.Namespace) -> None:
    if args.record is not None and args.replay is not None:
        raise UsageError("--record and --replay exclude each other")
    if args.block_network and args.base_url is not None:
        raise UsageError("--block-network cannot reach a --base-url target")
    if args.replay is None:
        return
    given = [flag for flag, name in _RECORDED if getattr(args, name)]
    if given:
        raise UsageError(
            f"{', '.join(given)} cannot be used with --replay: the recording decides "
            "(target, faults, budget and lifecycle are replayed as recorded)"
        )


def base_urls(spec: Spec, target: TargetOptions) -> dict[str, str]:
    if target.base_url:
        return {p.id: target.base_url.rstrip("/") for p in spec.providers}
    return {p.id: f"{RELAY_ORIGIN}/{p.id}" for p in spec.providers}


def flow_options(args: argparse.Namespace, live: bool) -> FlowOptions:
    return FlowOptions(
        poll_interval=args.poll_interval or (2.0 if live else RELAY_POLL_INTERVAL),
        job_timeout=args.job_timeout or (600.0 if live else RELAY_JOB_TIMEOUT),
    )


def seed(args: argparse.Namespace) -> int:
    return 0 if args.seed is None else int(args.seed)


def max_examples(args: argparse.Namespace) -> int:
    return 3 if args.max_examples is None else int(args.max_examples)
