"""`--junit FILE`: one test suite per provider x model, one test case per planned case.

Failures carry every failing finding (check, pointer, rule, spec line); blocked and budget
or lifecycle cuts are `skipped` with their reason; transport trouble is an `error`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.runner.results import RunResult


def to_xml(run: RunResult) -> ET.Element:
    root = ET.Element("testsuites", name="conformance", time=f"{run.wall:.3f}")
    suites: dict[tuple[str, str], ET.Element] = {}
    for result in run.results:
        key = (result.case.provider.id, result.case.model.id)
        suite = suites.get(key)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=f"{key[0]}/{key[1]}")
            suites[key] = suite
        exchange = result.exchange
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{key[0]}.{key[1]}",
            name=result.case.id.split("/", 2)[2],
            time=f"{exchange.elapsed if exchange else 0:.3f}",
        )
        outcome = result.outcome
        if outcome == "fail":
            failures = result.failures()
            node = ET.SubElement(
                case, "failure", message=failures[0].render()[:300], type=failures[0].check
            )
            node.text = "\n".join(f.render() for f in failures)
        elif outcome == "error":
            first = next(f for f in result.findings if f.outcome == "error")
            ET.SubElement(case, "error", message=first.message[:300], type=first.check)
        elif outcome in ("blocked", "skipped"):
            first = next(f for f in result.findings if f.outcome == outcome)
            ET.SubElement(case, "skipped", message=f"{outcome}: {first.message}"[:300])
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
        suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    return root


def write_junit(run: RunResult, path: Path) -> None:
    tree = ET.ElementTree(to_xml(run))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
