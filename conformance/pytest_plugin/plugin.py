"""pytest plugin: the conformance checks as pytest items, driven by hypothesis.

`pytest --conformance-provider P [--conformance-base-url URL]` collects one item per
provider x model x operation x check family. Families over valid requests run a hypothesis
`@given` over the request strategy (a failure is shrunk to a minimal request); the auth, error
envelope and defaults families replay the planned auth, negative and default cases. Items are
collected the same way on every worker, so `-n auto` (pytest-xdist) spreads them.

With pytest-recording's `--record-mode` the items run from cassettes instead
(`--conformance-cassettes DIR`, default `cassettes/`): see `recorded.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from conformance.pytest_plugin import specs

if TYPE_CHECKING:  # the plugin loads in every pytest run: keep its import cheap
    from conformance.checks.registry import Finding
    from conformance.exchange import Exchange
    from conformance.plan.case import Case, CaseKind
    from conformance.pytest_plugin.verdict import Tally
    from conformance.spec.model import Model, Operation, Provider, Spec

#: check family -> (checks it applies, how it drives requests)
FAMILIES: dict[str, tuple[tuple[str, ...], str]] = {
    "status": (("status",), "given"),
    "content-type": (("content-type",), "given"),
    "shape": (("response-schema", "required-fields", "modalities", "image-tokens"), "given"),
    "images": (("image-count", "image-payload", "pixel-size", "output-format"), "given"),
    "jobs": (("job-lifecycle",), "given"),
    "defaults": (("defaults",), "default"),
    "auth": (("auth", "status", "error-class"), "auth"),
    "envelope": (("status", "error-envelope", "error-class", "error-leak"), "negative"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "image-generation API conformance")
    group.addoption(
        "--conformance-provider",
        action="append",
        default=[],
        metavar="P",
        help="collect conformance items for provider P (repeatable)",
    )
    group.addoption(
        "--conformance-base-url",
        metavar="URL",
        help="live service to test (default: the in-process reference relay)",
    )
    group.addoption(
        "--conformance-api-key-env",
        metavar="VAR",
        help="environment variable with the key (default: the provider's)",
    )
    group.addoption(
        "--conformance-model",
        action="append",
        default=[],
        metavar="M",
        help="only this model (repeatable)",
    )
    group.addoption(
        "--conformance-max-examples",
        type=int,
        default=10,
        metavar="N",
        help="hypothesis examples per item (default 10)",
    )
    group.addoption(
        "--conformance-fault",
        action="append",
        default=[],
        metavar="F",
        help="in-process relay only: inject a named fault",
    )
    group.addoption(
        "--conformance-specs",
        action="append",
        default=[],
        metavar="DIR",
        help="spec tree laid over the built-in one (repeatable; later wins, by id)",
    )
    group.addoption(
        specs.SELECT,
        action="append",
        default=[],
        metavar="ID",
        help="only this item id (an id given as an argument becomes this option)",
    )
    group.addoption(
        "--conformance-cassettes",
        metavar="DIR",
        help="cassettes for pytest-recording's --record-mode (default: <rootdir>/cassettes)",
    )


def record_mode(config: pytest.Config) -> str | None:
    """pytest-recording's `--record-mode` when given: the items then run from cassettes."""
    try:
        mode = config.getoption("record_mode")
    except ValueError:  # pytest-recording is not installed
        return None
    return mode if isinstance(mode, str) else None


def _specs_root(config: pytest.Config) -> Path:
    return specs.top_root(config)


def _spec(config: pytest.Config) -> Spec:
    return specs.load(config)


def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    specs.take_item_ids(args)


class ConformanceItem(pytest.Item):
    """One provider x model x operation x check family."""

    def __init__(
        self, *, provider: Provider, model: Model, operation: Operation, family: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.provider, self.model, self.operation, self.family = (
            provider,
            model,
            operation,
            family,
        )
        self.checks, self.drive = FAMILIES[family]
        self.add_marker(pytest.mark.conformance)

    def _run_case(self, case: Case) -> tuple[Exchange, list[Finding]]:
        config = self.config
        base_url = specs.option(config, "base_url")

        async def go() -> tuple[Exchange, list[Finding]]:
            from conformance.checks import run_checks
            from conformance.runner.targets import TargetOptions, open_transports
            from conformance.transport.flow import FlowOptions, perform

            options = TargetOptions(
                base_url=base_url,
                api_key_env=specs.option(config, "api_key_env"),
                faults=frozenset(config.getoption("conformance_fault")),
                timeout=180.0,
            )
            flow = FlowOptions(
                poll_interval=2.0 if base_url else 0.02, job_timeout=600.0 if base_url else 5.0
            )
            async with open_transports(_spec(config), [case.provider.id], options) as tr:
                exchange = await perform(tr[case.provider.id], case, flow)
            return exchange, run_checks(
                case, exchange, [c for c in self.checks if c in case.checks]
            )

        from conformance.runner.blocking import run_sync

        return run_sync(go())

    def _judge(self, case: Case, tally: Tally) -> None:
        """Send `case`, tally its findings, and raise on a failure (the shrinkable kind)."""
        exchange, findings = self._run_case(case)
        tally.add(exchange, findings)
        self._assert(case, findings)

    def _assert(self, case: Case, findings: list[Finding]) -> None:
        from conformance.transport.redaction import to_curl

        failures = [f for f in findings if f.outcome == "fail"]
        if failures:
            base = (
                self.config.getoption("conformance_base_url") or f"http://relay/{case.provider.id}"
            )
            lines = [f.render() for f in failures]
            lines.append("reproduce: " + to_curl(case.request, base, case.provider.auth.key_env))
            raise ConformanceFailure(case.id, lines)

    def _case(self, body: dict[str, Any]) -> Case:
        from conformance.plan.bodies import expectations
        from conformance.plan.case import Case
        from conformance.plan.planner import request_for

        expect = expectations(self.model, self.operation, body)
        request = request_for(self.provider, self.operation, body)
        checks = self.checks if self.family != "jobs" or self.operation.job else ()
        return Case(
            f"{self.nodeid}",
            "explore",
            request,
            expect,
            "hypothesis example",
            self.provider,
            self.model,
            self.operation,
            checks,
        )

    def _run_recorded(self, mode: str) -> None:
        """Judge this item's findings on the provider's run from cassettes."""
        from conformance.pytest_plugin.recorded import provider_run

        done = provider_run(
            self.config, _spec(self.config), self.provider.id, mode, _specs_root(self.config)
        )
        if isinstance(done, Exception):
            raise ConformanceFailure(f"{self.name}: cassettes", [str(done)])
        prefix = f"{self.provider.id}/{self.model.id}/{self.operation.name}/"
        lines = [
            f"{case_id}: {finding.render()}"
            for case_id, result in done.results.items()
            if case_id.startswith(prefix)
            for finding in result.findings
            if finding.check in self.checks and finding.outcome in ("fail", "error")
        ]
        if lines:
            raise ConformanceFailure(f"{self.name} ({done.where})", lines)
        judged = [
            finding
            for case_id, result in done.results.items()
            if case_id.startswith(prefix)
            for finding in result.findings
            if finding.check in self.checks and finding.outcome in ("pass", "fail", "blocked")
        ]
        if not judged:
            from conformance.pytest_plugin.verdict import NoVerdict

            raise NoVerdict(f"nothing to judge in the recording ({done.where})")

    def runtest(self) -> None:
        from hypothesis import HealthCheck, given, settings

        from conformance.plan.planner import PlanOptions, plan_operation
        from conformance.plan.strategies import request_strategy
        from conformance.pytest_plugin.verdict import Tally

        mode = record_mode(self.config)
        if mode is not None:
            self._run_recorded(mode)
            return
        tally = Tally()
        if self.drive == "given":
            examples = int(self.config.getoption("conformance_max_examples"))

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(request_strategy(self.model, self.operation))
            def explore(body: dict[str, Any]) -> None:
                if tally.unreachable:  # no answer: one cause, not a shrinking session
                    return
                self._judge(self._case(body), tally)

            explore()
            tally.verdict()
            return
        cases, _ = plan_operation(
            self.provider,
            self.model,
            self.operation,
            PlanOptions(kinds=(cast("CaseKind", self.drive),), max_examples=0),
        )
        if not cases:
            pytest.skip(f"no {self.drive} cases planned for {self.operation.name}")
        for case in cases:
            if tally.unreachable:
                break
            self._judge(case, tally)
        tally.verdict()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from conformance.pytest_plugin.verdict import NoVerdict

        if isinstance(excinfo.value, NoVerdict):
            return f"{self.name}: {excinfo.value}"
        if isinstance(excinfo.value, ConformanceFailure):
            notes = getattr(excinfo.value, "__notes__", [])
            return "\n".join([str(excinfo.value), *notes])
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return self.operation.declared_at.file, self.operation.declared_at.line, self.name


class ConformanceFailure(AssertionError):
    def __init__(self, case_id: str, lines: list[str]) -> None:
        super().__init__(f"{case_id}\n  " + "\n  ".join(lines))


def _require_key(config: pytest.Config, provider: Provider) -> None:
    """A live target needs its key: say so in one line at collection, as the CLI does."""
    if not config.getoption("conformance_base_url") or record_mode(config) is not None:
        return
    from conformance.transport.live import MissingKey, read_key

    env = config.getoption("conformance_api_key_env") or provider.auth.key_env
    try:
        read_key(env)
    except MissingKey as exc:
        raise pytest.UsageError(str(exc)) from None


def _items(session: pytest.Session) -> Iterator[ConformanceItem]:
    config = session.config
    spec = _spec(config)
    models = specs.models(config)
    wanted = set(specs.selection(config))
    for pid in specs.providers(config):
        provider = spec.provider(pid)
        if provider is None:
            known = ", ".join(p.id for p in spec.providers)
            raise pytest.UsageError(f"unknown conformance provider {pid!r}; known: {known}")
        _require_key(config, provider)
        for model in provider.models:
            if models and model.id not in models:
                continue
            for operation in model.entry_operations:
                for family in FAMILIES:
                    if family == "jobs" and operation.job is None:
                        continue
                    name = f"{provider.id}/{model.id}/{operation.name}::{family}"
                    if wanted and name not in wanted:
                        continue
                    yield ConformanceItem.from_parent(
                        session,
                        name=name,
                        provider=provider,
                        model=model,
                        operation=operation,
                        family=family,
                    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: a conformance check family item")


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if specs.providers(config):
        if specs.only_selected(config):
            config.hook.pytest_deselected(items=list(items))
            items.clear()
        items.extend(_items(session))
